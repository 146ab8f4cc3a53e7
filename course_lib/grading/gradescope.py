"""Gradescope autograder: build the bundle, and grade one submission inside Gradescope.

``python -m course_lib gradescope --out autograder.zip`` writes a zip that
Gradescope's "Zip file upload" autograder accepts.  In it, ``setup.sh``
checks the Python version and installs NumPy, and ``run_autograder`` grades
the submission.  The course package comes along with the reference
solutions and hidden cases, so the zip is for instructors only.  The
bundle's ``course_lib/__init__.py`` imports its names on first use, so
grading needs no package but NumPy.  Before writing the zip, the command
checks that the reference solution earns full marks under the limits.

Inside Gradescope, ``run_autograder`` calls ``python -m course_lib
gradescope --run``, which grades ``/autograder/submission`` with the same
sandbox and cases as the batch command and writes
``/autograder/results/results.json``.  The root folder can be moved with
the COURSE_AUTOGRADER_ROOT environment variable, which the tests use to lay
out Gradescope's folders in a temporary directory.
"""

import argparse
import importlib.metadata
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path

from course_lib.checks import specs
from course_lib.grading import case_table, runner
from course_lib.grading.cli import COURSE_ROOT, add_limit_arguments, limits_from, make_scratch_dir
from course_lib.grading.feedback import render_function
from course_lib.grading.gradebook import write_atomically
from course_lib.grading.grader import POINTS, lazy_package, package_exports
from course_lib.grading.preflight import check_reference
from course_lib.grading.records import grade_submission
from course_lib.grading.submissions import Submission, is_ignored

LOGGER = logging.getLogger(__name__)

ROOT_VARIABLE = "COURSE_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
CONFIG_NAME = "autograder_config.json"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
EXCLUDED_PACKAGES = ("instructor",)
EXECUTABLE = 0o100755
REGULAR = 0o100644
GRADING_REQUIREMENT = "numpy"
# Gradescope stops an autograder run after 10 minutes unless the assignment's settings allow more.
GRADESCOPE_DEFAULT_TIMEOUT_SECONDS = 600
STARTUP_SECONDS = 30

SETUP_SCRIPT = """\
#!/usr/bin/env bash
# Gradescope runs this once while it builds the autograder image.
set -euo pipefail
apt-get update
apt-get install -y python3 python3-pip
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "error: the autograder needs Python 3.10 or newer, but python3 is $(python3 --version 2>&1)." >&2
    echo "Choose the Ubuntu 22.04 base image (or newer) in the autograder settings." >&2
    exit 1
fi
python3 -m pip install --break-system-packages -r /autograder/source/requirements.txt \\
    || python3 -m pip install -r /autograder/source/requirements.txt
"""

RUN_SCRIPT = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission; it writes results/results.json.
set -euo pipefail
root="${COURSE_AUTOGRADER_ROOT:-/autograder}"
python="${COURSE_AUTOGRADER_PYTHON:-python3}"
# The sandboxed user (nobody) must not read the reference solutions or the results,
# even where the container does not allow the sandbox to hide them.
chmod -R go-rwx "$root/source" "$root/results"
cd "$root/source"
exec "$python" -m course_lib gradescope --run --root "$root"
"""


def build_parser():
    """Return the argument parser of the gradescope command."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib gradescope",
        description="Build a Gradescope autograder bundle (--out), or grade the submission "
                    "inside Gradescope (--run, used by the bundle's run_autograder).",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", type=Path, help="zip file to write, e.g. autograder.zip")
    mode.add_argument("--run", action="store_true",
                      help="grade ROOT/submission and write ROOT/results/results.json")
    parser.add_argument("--root", type=Path,
                        default=Path(os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT)),
                        help=f"Gradescope's folder with --run (default: ${ROOT_VARIABLE} or "
                             f"{DEFAULT_ROOT})")
    add_limit_arguments(parser)
    return parser


def main(argv=None):
    """Build the bundle or run the autograder; return the exit status."""
    arguments = build_parser().parse_args(argv)
    if arguments.run:
        return run_autograder(arguments.root)
    if arguments.out.suffix != ".zip":
        sys.stderr.write(f"error: --out must name a .zip file, got {arguments.out}.\n")
        return 2
    if arguments.out.is_dir():
        sys.stderr.write(f"error: --out {arguments.out} is a folder; name a .zip file.\n")
        return 2
    limits = limits_from(arguments)
    problem = check_limits(limits)
    if problem:
        sys.stderr.write(f"error: {problem}\n")
        return 2
    warn_about_run_time(limits)
    build_bundle(arguments.out, limits)
    LOGGER.info("Wrote %s; upload it as the autograder of the Gradescope assignment", arguments.out)
    return 0


def check_limits(limits):
    """Grade the reference solution under ``limits`` on this computer; return a problem or None."""
    scratch_dir = make_scratch_dir()
    settings = runner.SandboxSettings(limits, (str(COURSE_ROOT),), scratch_dir)
    try:
        return check_reference(case_table.build_case_table(), settings)
    finally:
        runner.close_worker_hosts()
        shutil.rmtree(scratch_dir, ignore_errors=True)


def worst_case_seconds(limits):
    """Return the longest a run can take: every function at its timeout, plus the margins."""
    return (len(specs.FUNCTION_NAMES) * limits.timeout_seconds + runner.WORKER_MARGIN_SECONDS
            + STARTUP_SECONDS)


def warn_about_run_time(limits):
    """Warn when the worst-case run time exceeds Gradescope's default autograder timeout."""
    seconds = worst_case_seconds(limits)
    if seconds > GRADESCOPE_DEFAULT_TIMEOUT_SECONDS:
        LOGGER.warning(
            "A submission whose functions all run into --timeout %g takes up to %.0f s, more than "
            "Gradescope's default limit of %d s: raise the autograder timeout in the assignment's "
            "settings, or lower --timeout", limits.timeout_seconds, seconds,
            GRADESCOPE_DEFAULT_TIMEOUT_SECONDS)


def requirements():
    """Return the requirement line of NumPy, the only package that grading needs.

    The version range comes from the course package's metadata when it is
    installed, so Gradescope gets a NumPy that the course supports.
    """
    try:
        declared = importlib.metadata.requires("course_lib") or []
    except importlib.metadata.PackageNotFoundError:
        declared = []
    numpy_lines = [requirement for requirement in declared
                   if re.split(r"[<>=!~;\[ ]", requirement)[0].lower() == GRADING_REQUIREMENT
                   and "extra ==" not in requirement]
    return f"{(numpy_lines or [GRADING_REQUIREMENT])[0]}\n"


def package_files():
    """Yield (path inside the bundle, file) for every module of course_lib except instructor tools."""
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(PACKAGE_DIR.parent)
        if "__pycache__" in relative.parts or relative.parts[1] in EXCLUDED_PACKAGES:
            continue
        yield relative.as_posix(), path


def build_bundle(out, limits):
    """Write the autograder zip to ``out`` atomically."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=out.parent)
    os.close(descriptor)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
            add_entry(bundle, "setup.sh", SETUP_SCRIPT, EXECUTABLE)
            add_entry(bundle, "run_autograder", RUN_SCRIPT, EXECUTABLE)
            add_entry(bundle, "requirements.txt", requirements(), REGULAR)
            add_entry(bundle, CONFIG_NAME, json.dumps({"limits": asdict(limits)}, indent=1), REGULAR)
            for name, path in package_files():
                content = path.read_bytes()
                if name == "course_lib/__init__.py":
                    content = bundle_package_init()
                add_entry(bundle, name, content, REGULAR)
        os.replace(temporary, out)
    finally:
        Path(temporary).unlink(missing_ok=True)


def bundle_package_init():
    """Return the bundle's ``course_lib/__init__.py``: the same names, each imported on first use.

    The instructor's ``__init__`` imports the dataset loader and the checks
    at once, which would need Pillow on Gradescope; grading needs neither.
    """
    graded_functions = {name: (module, name) for name, module in specs.MODULE_OF.items()}
    return lazy_package("course_lib", {**graded_functions, **package_exports()})


def add_entry(bundle, name, content, mode):
    """Add one file to the bundle with a fixed date and Unix permissions ``mode``."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, content)


def read_limits(source_dir):
    """Return the limits stored in the bundle, or the defaults when there is no config file."""
    path = Path(source_dir) / CONFIG_NAME
    if not path.exists():
        return runner.Limits()
    return runner.Limits(**json.loads(path.read_text(encoding="utf-8"))["limits"])


def find_submission(submission_dir):
    """Return the Submission in Gradescope's submission folder: the folder, or a lone zip in it."""
    entries = [path for path in sorted(submission_dir.iterdir()) if not is_ignored(path.name)]
    if len(entries) == 1 and entries[0].suffix.lower() == ".zip" and entries[0].is_file():
        return Submission("submission", entries[0], "submission")
    return Submission("submission", submission_dir, "submission")


def run_autograder(root):
    """Grade ROOT/submission and write ROOT/results/results.json; return the exit status."""
    root = Path(root).resolve()
    source_dir, submission_dir, results_dir = root / "source", root / "submission", root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    LOGGER.info("Grading %s with the course package in %s", submission_dir, PACKAGE_DIR)

    table = case_table.build_case_table()
    scratch_dir = make_scratch_dir()
    hidden = tuple(str(path) for path in (source_dir, results_dir, submission_dir))
    settings = runner.SandboxSettings(read_limits(source_dir), hidden, scratch_dir)
    try:
        record = grade_submission(find_submission(submission_dir), table, settings)
    finally:
        runner.close_worker_hosts()
        shutil.rmtree(scratch_dir, ignore_errors=True)

    write_atomically(results_dir / "results.json", json.dumps(gradescope_results(record), indent=1))
    LOGGER.info("Submission graded: %s, %g / %g points", record["status"], record["total"],
                record["max_total"])
    return 1 if record["status"] == "grader error" else 0


def gradescope_results(record):
    """Convert a record to Gradescope's results.json format: one test per graded function."""
    if record["status"] == "graded":
        output = ("Each function's points are split equally over its cases. Public cases are "
                  "the ones that `check()` runs in the notebooks; hidden cases use other inputs, "
                  "which are not shown.")
        tests = [function_test(function) for function in record["functions"]]
    else:
        output = submission_problem(record)
        tests = [{"name": name, "score": 0.0, "max_score": max_points, "output": output,
                  "output_format": "md", "visibility": "visible", "status": "failed"}
                 for name, max_points in max_points_by_function().items()]
    return {"score": record["total"], "output": output, "output_format": "md",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def submission_problem(record):
    """Explain to the student why the submission was not graded."""
    if record["status"] == "grader error":
        return ("The autograder failed while grading this submission. Submit again, and tell "
                "your instructor if this message stays.")
    reason = record.get("student_message") or record["message"]
    return (f"Your submission could not be graded: {reason}. You can upload the files "
            f"course_lib/graded/lessonNN_*.py of your course folder, or a zip file of the folder.")


def function_test(function):
    """Return the Gradescope test of one graded function."""
    lines = render_function(function)
    return {
        "name": function["function"],
        "score": function["points"],
        "max_score": function["max_points"],
        "output": "\n".join(lines[3:]).strip(),
        "output_format": "md",
        "visibility": "visible",
        "status": "passed" if function["points"] == function["max_points"] else "failed",
    }


def max_points_by_function():
    """Return the maximum points of every graded function, in course order."""
    return {name: float(POINTS[name]) for name in specs.FUNCTION_NAMES}
