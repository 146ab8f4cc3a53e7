"""``python -m course_lib grade SUBMISSIONS --out RESULTS``: grade a whole class.

See docs/grading.md for the layout of SUBMISSIONS and RESULTS, the points,
the limits and what the sandbox does and does not protect.
"""

import argparse
import concurrent.futures
import difflib
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path

from course_lib.grading import case_table, runner
from course_lib.grading.gradebook import ResultsFolder, ResultsLocked
from course_lib.grading.preflight import check_reference
from course_lib.grading.records import grade_submission
from course_lib.grading.submissions import (
    GRADED_LOOSE,
    content_sha256,
    discover_submissions,
    is_inside,
    load_submission,
)
from course_lib.workspace import RELEASE_MARKER

LOGGER = logging.getLogger(__name__)

COURSE_ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("course_lib", "notebooks", "tests", "docs", "assets", "benchmarks", ".git",
                  ".venv")
STOPPED_OUTCOMES = ("ran", "not_implemented")
# Statuses of a record that a rerun grades again once the submission's content changed.
FIXABLE_STATUSES = ("empty", "invalid")


# Upper bounds of the numeric options; they keep every timeout and resource limit
# within what the operating system accepts.
DAY_SECONDS = 86_400
MAX_MIB = 1024 * 1024
MAX_JOBS = 1024
# Signals that stop a run the way Ctrl-C does: the workers are killed and nothing in progress is saved.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when SIGTERM or SIGHUP arrives.

    Attributes
    ----------
    signal_number : int
    """

    def __init__(self, signal_number):
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number


def raise_stopped(signal_number, frame):
    """Turn a stop signal into ``Stopped``, which unwinds like Ctrl-C."""
    raise Stopped(signal_number)


class UsageError(ValueError):
    """Raised for command-line arguments that cannot be used. The message gives the reason and the fix."""


def positive_number(kind, maximum):
    """Return an argparse type that converts to ``kind`` and accepts values in (0, ``maximum``]."""
    expected = (f"a whole number from 1 to {maximum}" if kind is int
                else f"a number above 0 and at most {maximum}")

    def convert(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not 0 < value <= maximum:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return convert


def add_limit_arguments(parser):
    """Add the options that set the limits of one function call (see ``runner.Limits``)."""
    defaults = runner.Limits()
    parser.add_argument("--timeout", type=positive_number(float, DAY_SECONDS),
                        default=defaults.timeout_seconds,
                        help="wall-clock seconds allowed for one function (default %(default)s)")
    parser.add_argument("--cpu-time", type=positive_number(int, DAY_SECONDS),
                        default=defaults.cpu_seconds,
                        help="CPU seconds allowed for one function (default %(default)s)")
    parser.add_argument("--memory", type=positive_number(int, MAX_MIB),
                        default=defaults.memory_mib,
                        help="memory in MiB allowed for one function (default %(default)s)")
    parser.add_argument("--max-output", type=positive_number(float, MAX_MIB),
                        default=defaults.output_mib,
                        help="MiB that one function may print, write or return "
                             "(default %(default)s)")


def limits_from(arguments):
    """Return the ``runner.Limits`` set by the options of ``add_limit_arguments``."""
    return runner.Limits(arguments.timeout, arguments.cpu_time, arguments.memory,
                         arguments.max_output)


def build_parser():
    """Return the argument parser of the grade command."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib grade",
        description="Grade every submission in SUBMISSIONS (one folder or .zip file per "
                    "student) and write a gradebook, feedback files and records to RESULTS. "
                    "A rerun skips students who already have a record, unless their "
                    "submission was empty or invalid and has changed since.",
    )
    parser.add_argument("submissions", metavar="SUBMISSIONS", type=Path,
                        help="folder with one folder or .zip file per student")
    parser.add_argument("--out", metavar="RESULTS", type=Path, required=True,
                        help="results folder; created if missing, never inside SUBMISSIONS")
    parser.add_argument("--jobs", type=positive_number(int, MAX_JOBS), default=default_jobs(),
                        help="submissions graded in parallel (default: number of usable cores "
                             "plus one, %(default)s)")
    add_limit_arguments(parser)
    parser.add_argument("--regrade", metavar="STUDENT", action="append", default=[],
                        help="grade STUDENT again even if graded before; the earlier record "
                             "moves to RESULTS/history/ (repeatable)")
    parser.add_argument("--regrade-all", action="store_true",
                        help="grade every student again, keeping earlier records in history/")
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    return parser


def default_jobs():
    """Return the number of usable cores plus one.

    Each grading thread alternates between waiting for its worker and
    scoring the results under the GIL.  With one thread per core, a core
    sits idle whenever two threads score at once, and the extra thread
    fills that gap (docs/benchmarks.md compares the two settings).
    """
    return usable_cores() + 1


def usable_cores():
    """Return the number of cores this process may run on (its CPU affinity, where known)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_folders(submissions, out):
    """Resolve SUBMISSIONS and RESULTS and reject combinations that could lose or leak work.

    Raises
    ------
    UsageError
        If SUBMISSIONS is not a folder or looks like one student's
        submission, RESULTS is an existing file, RESULTS and SUBMISSIONS
        overlap, RESULTS is inside the course's source, or either contains
        the course.
    """
    submissions, out = submissions.resolve(), out.resolve()
    if not submissions.is_dir():
        raise UsageError(f"SUBMISSIONS must be an existing folder, got {submissions}.")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, but RESULTS must be a folder (created if "
                         f"missing). Choose another path, for example {out.parent / 'results'}.")
    if is_inside(out, submissions) or is_inside(submissions, out):
        raise UsageError(
            f"--out {out} and SUBMISSIONS {submissions} overlap; the grader never writes "
            f"inside SUBMISSIONS. Choose a results folder outside it, for example "
            f"{submissions.parent / 'results'}."
        )
    for folder, label in ((out, "--out"), (submissions, "SUBMISSIONS")):
        if is_inside(COURSE_ROOT, folder):
            raise UsageError(f"{label} {folder} contains the course folder {COURSE_ROOT}; "
                             f"use a folder of its own.")
    for name in SOURCE_FOLDERS:
        if is_inside(out, COURSE_ROOT / name):
            raise UsageError(
                f"--out {out} is inside the course source ({COURSE_ROOT / name}). "
                f"Use a folder outside it, for example {COURSE_ROOT / 'results'}."
            )
    if is_inside(out, COURSE_ROOT) and not ignored_by_git(out):
        LOGGER.warning("--out %s is inside the course folder and not ignored by git; the records "
                       "show the inputs and expected values of the hidden cases, so keep them out "
                       "of version control (for example --out %s)", out, COURSE_ROOT / "results")
    found = single_submission_sign(submissions)
    if found:
        raise UsageError(
            f"SUBMISSIONS {submissions} looks like one student's submission (it contains "
            f"{found}). Pass the folder that holds one folder or .zip file per student, for "
            f"example {submissions.parent}."
        )
    return submissions, out


def ignored_by_git(path):
    """Return False when the course's git repository would track ``path``, else True.

    Without git, or outside a repository, there is nothing to warn about.
    """
    try:
        completed = subprocess.run(["git", "-C", str(COURSE_ROOT), "check-ignore", "-q", str(path)],
                                   capture_output=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return True
    return completed.returncode != 1


def single_submission_sign(folder):
    """Return what makes ``folder`` look like one submission instead of a class, or None."""
    if (folder / "course_lib" / "graded").is_dir():
        return "course_lib/graded/"
    if (folder / RELEASE_MARKER).exists():
        return RELEASE_MARKER
    loose = sorted(path.name for path in folder.iterdir() if GRADED_LOOSE.match(path.name))
    return loose[0] if loose else None


def check_regrade_names(names, submissions):
    """Raise UsageError for a --regrade name that is not a student in SUBMISSIONS."""
    students = [submission.student for submission in submissions]
    for name in names:
        if name not in students:
            close = difflib.get_close_matches(name, students, n=3)
            suggestion = f" Did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"--regrade {name}: no such student in SUBMISSIONS.{suggestion}")


def main(argv=None):
    """Run the grade command; return 0 on success, 1 after a grader error, 2 for bad arguments.

    Ctrl-C returns 130 after the running workers stop; SIGTERM and SIGHUP
    stop them too and return 143 and 129.
    """
    arguments = build_parser().parse_args(argv)
    if arguments.verbose:
        logging.getLogger("course_lib").setLevel(logging.DEBUG)
    try:
        submissions_root, out = check_folders(arguments.submissions, arguments.out)
        submissions = discover_submissions(submissions_root)
        check_regrade_names(arguments.regrade, submissions)
    except (UsageError, ValueError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 2

    results = ResultsFolder(out)
    try:
        results.prepare()
    except ResultsLocked as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"error: cannot create the results folder {out}: {error}. Choose "
                         f"another --out folder.\n")
        return 2
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {number: signal.signal(number, raise_stopped) for number in STOP_SIGNALS}
    try:
        return grade_class(arguments, submissions, submissions_root, results)
    except KeyboardInterrupt as interrupt:
        return 128 + getattr(interrupt, "signal_number", signal.SIGINT)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        results.release()


def grade_class(arguments, submissions, submissions_root, results):
    """Grade the pending submissions in parallel, save each record, rebuild the gradebook."""
    table = case_table.build_case_table()
    limits = limits_from(arguments)
    regrade = set(arguments.regrade)
    pending = [submission for submission in submissions
               if arguments.regrade_all or submission.student in regrade
               or not already_graded(submission, results, table)]
    LOGGER.info("%d submissions in %s: %d to grade, %d already graded", len(submissions),
                submissions_root, len(pending), len(submissions) - len(pending))
    warn_other_limits(submissions, pending, results, limits)

    scratch_dir = make_scratch_dir()
    hidden = tuple(str(path) for path in (COURSE_ROOT, results.root, submissions_root))
    settings = runner.SandboxSettings(limits, hidden, scratch_dir)
    runner.clear_stop_request()
    try:
        problem = check_reference(table, settings) if pending else None
        if problem:
            sys.stderr.write(f"error: {problem}\n")
            return 2
        errors = run_pool(pending, table, settings, results, arguments.jobs)
    finally:
        runner.close_worker_hosts()
        shutil.rmtree(scratch_dir, ignore_errors=True)

    rows = results.rebuild_gradebook()
    LOGGER.info("Gradebook with %d %s written to %s", rows, "student" if rows == 1 else "students",
                results.gradebook)
    log_departed_students(submissions, results)
    return 1 if errors else 0


def warn_other_limits(submissions, pending, results, limits):
    """Warn when students kept from earlier runs were graded with other limits than this run's."""
    pending_names = {submission.file_name for submission in pending}
    current = asdict(limits)
    others = []
    for submission in submissions:
        if submission.file_name in pending_names:
            continue
        record = results.load_record(submission.file_name) or {}
        if record.get("status") == "graded" and record.get("limits", current) != current:
            others.append(submission.student)
    if others:
        LOGGER.warning(
            "%d of the students already in %s were graded with other limits than this run's "
            "(%s), for example %s; their grades stay as they are unless you use --regrade-all",
            len(others), results.root, describe_limits(current), shlex.quote(others[0]))


def describe_limits(limits):
    """Describe a ``runner.Limits`` dict with the option names of the command line."""
    return (f"--timeout {limits['timeout_seconds']:g} --cpu-time {limits['cpu_seconds']:g} "
            f"--memory {limits['memory_mib']:g} --max-output {limits['output_mib']:g}")


def log_departed_students(submissions, results):
    """Log the students of the gradebook who are no longer in SUBMISSIONS; their rows stay."""
    present = {submission.student for submission in submissions}
    departed = sorted(str(record.get("student")) for record in results.all_records()
                      if record.get("student") not in present)
    if departed:
        LOGGER.warning("%d %s in the gradebook %s no longer in SUBMISSIONS, so their rows come "
                       "from earlier runs: %s", len(departed),
                       "student" if len(departed) == 1 else "students",
                       "is" if len(departed) == 1 else "are", ", ".join(departed))


def make_scratch_dir():
    """Create the grader's private scratch folder and its traversable ``public`` subfolder.

    Both are mode 0711: the sandboxed user can reach a folder whose name it
    is given but cannot list either of them.
    """
    scratch_dir = tempfile.mkdtemp(prefix="course-grading-")
    os.chmod(scratch_dir, 0o711)
    os.mkdir(os.path.join(scratch_dir, "public"), 0o711)
    return scratch_dir


def already_graded(submission, results, table):
    """Return True when the student has a final record; warn when the inputs changed since.

    An empty or invalid record is final only while the submission stays
    the same: once its content changes (the instructor fixed the layout, or
    the student uploaded again), the student is graded again.
    """
    if not results.is_final(submission.file_name):
        return False

    record = results.load_record(submission.file_name)
    quoted = shlex.quote(submission.student)
    if record.get("status") in FIXABLE_STATUSES:
        if record.get("content_sha256") == content_sha256(submission):
            return True
        LOGGER.info("%s: the submission changed since it was found %s; grading it again",
                    submission.student, record.get("status"))
        return False

    if record.get("cases_sha256") != table.sha256:
        LOGGER.warning("%s was graded with another case set; use --regrade %s to use the current "
                       "one", submission.student, quoted)
    current = load_submission(submission).sha256
    if current and current != record.get("submission_sha256"):
        LOGGER.warning("%s: the submission changed since it was graded; use --regrade %s to "
                       "grade it again", submission.student, quoted)
    return True


def run_pool(pending, table, settings, results, jobs):
    """Grade ``pending`` with ``jobs`` threads (each drives worker processes); return the error count.

    On Ctrl-C the submissions not yet started are cancelled, the running
    workers are killed without saving anything, and a rerun resumes with them.
    """
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        return save_as_completed(pool, pending, table, settings, results)
    except KeyboardInterrupt:
        LOGGER.warning("Interrupted: stopping the running workers; run the same command again "
                       "to grade the remaining students")
        pool.shutdown(wait=False, cancel_futures=True)
        runner.stop_all_workers()
        raise
    finally:
        pool.shutdown(wait=True)


def save_as_completed(pool, pending, table, settings, results):
    """Submit every pending submission to ``pool`` and save each record as it completes."""
    errors = 0
    futures = {pool.submit(grade_submission, submission, table, settings): submission
               for submission in pending}
    for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
        submission = futures[future]
        try:
            record = future.result()
        except Exception:  # noqa: BLE001 - one student's failure must not stop the class
            LOGGER.exception("Grading %s failed; it will be graded again on the next run",
                             submission.student)
            errors += 1
            continue
        results.save(record)
        errors += record["status"] == "grader error"
        log_record(record)
        report_progress(done, len(pending), record)
    return errors


def log_record(record):
    """Log every function that a limit or an error stopped, and every ungradable submission."""
    if record["status"] in ("empty", "invalid"):
        LOGGER.warning("%s: %s submission: %s", record["student"], record["status"],
                       record["message"])
    for function in record["functions"]:
        if function["outcome"] not in STOPPED_OUTCOMES:
            LOGGER.warning("%s: %s: %s", record["student"], function["function"],
                           function["reason"])
    isolation = record.get("isolation") or {}
    if isolation and not (isolation.get("network") and isolation.get("filesystem")):
        LOGGER.warning("%s ran with reduced isolation: %s", record["student"],
                       "; ".join(isolation.get("problems", [])) or "see the record")


def report_progress(done, total, record):
    """Show one line per graded student: on stderr when it is a terminal, else in the log."""
    line = (f"[{done}/{total}] {record['student']}: {record['status']}, "
            f"{record['total']:g} / {record['max_total']:g} points")
    if sys.stderr.isatty():
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    else:
        LOGGER.info(line)
