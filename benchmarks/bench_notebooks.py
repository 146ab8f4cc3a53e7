"""Time the notebook suite under nbval and each ``check("name")`` call.

The suite runs as the README's test command does, in a child pytest, with
a JUnit XML report from which the time of each notebook is summed.  The
``check()`` calls run in a child started with ``--check-child``, which
imports course_lib once, as a notebook's kernel does, and then times each
call with its printed report captured.
"""

import contextlib
import io
import json
import logging
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

BENCHMARKS_DIR = Path(__file__).resolve().parent
COURSE_ROOT = BENCHMARKS_DIR.parent
NBVAL_OPTIONS = ("--nbval", "--nbval-current-env", "--nbval-sanitize-with",
                 "tests/nbval_sanitize.cfg")
SUITE_TARGET_SECONDS = 60.0
CHECK_TARGET_SECONDS = 0.5
FULL_SUITE_RUNS, QUICK_SUITE_RUNS = 3, 1
FULL_CHECK_REPEATS, QUICK_CHECK_REPEATS = 7, 2
QUICK_NOTEBOOKS = ("notebooks/00_welcome.ipynb",)
SUITE_TIMEOUT_SECONDS = 1200
OUTCOME_PATTERN = re.compile(r"(\d+) (passed|failed|errors?|skipped)")

LOGGER = logging.getLogger(__name__)


def suite_command(paths, junit_file):
    """Return the pytest command line of the notebook suite for ``paths``."""
    return [sys.executable, "-m", "pytest", *NBVAL_OPTIONS, "-q", "-p", "no:cacheprovider",
            f"--junitxml={junit_file}", *paths]


def parse_outcomes(text):
    """Return the counts of pytest's closing line, for example ``{"passed": 40, "failed": 1}``."""
    counts = defaultdict(int)
    lines = [line for line in text.strip().splitlines() if OUTCOME_PATTERN.search(line)]
    if lines:
        for count, outcome in OUTCOME_PATTERN.findall(lines[-1]):
            counts["errors" if outcome.startswith("error") else outcome] += int(count)
    return dict(counts)


def seconds_per_notebook(junit_xml):
    """Sum the times of the test cases of each notebook in a pytest JUnit XML report.

    Returns
    -------
    dict
        Maps the notebook's file name (as nbval names its test cases'
        class, without the folder) to seconds.
    """
    totals = defaultdict(float)
    for case in ElementTree.fromstring(junit_xml).iter("testcase"):
        name = case.get("classname") or case.get("file") or "unknown"
        notebook = name.split("::")[0].replace("notebooks.", "").rsplit("/", 1)[-1]
        totals[notebook] += float(case.get("time") or 0)
    return dict(totals)


def run_suite(paths):
    """Run the nbval suite once; return wall seconds, outcome counts and seconds per notebook."""
    with tempfile.TemporaryDirectory(prefix="bench-nbval-") as folder:
        junit_file = Path(folder) / "junit.xml"
        start = time.perf_counter()
        completed = subprocess.run(suite_command(paths, junit_file), cwd=COURSE_ROOT,
                                   capture_output=True, text=True, timeout=SUITE_TIMEOUT_SECONDS,
                                   check=False)
        seconds = time.perf_counter() - start
        outcomes = parse_outcomes(completed.stdout)
        if completed.returncode != 0:
            LOGGER.warning("The notebook suite exited with code %d: %s", completed.returncode,
                           completed.stdout.strip().splitlines()[-1:] or completed.stderr[-500:])
        per_notebook = seconds_per_notebook(junit_file.read_text()) if junit_file.exists() else {}
    return seconds, outcomes, per_notebook


def time_checks(repeats):
    """Time ``check(name)`` for every graded function in this process; return seconds per call.

    Returns
    -------
    dict
        ``"first"``: the first call after importing course_lib, and for
        each function name the list of ``repeats`` later calls.
    """
    from course_lib import check
    from course_lib.checks import specs

    timings = {}
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        check(specs.FUNCTION_NAMES[0])
        timings["first"] = time.perf_counter() - start
        for name in specs.FUNCTION_NAMES:
            timings[name] = []
            for _ in range(repeats):
                start = time.perf_counter()
                check(name)
                timings[name].append(time.perf_counter() - start)
    return timings


def run_check_child(repeats):
    """Run ``time_checks`` in a fresh interpreter and return its result."""
    completed = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--check-child",
                                str(repeats)], cwd=COURSE_ROOT, capture_output=True, text=True,
                               timeout=SUITE_TIMEOUT_SECONDS, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"The check() timing child failed with exit code "
                           f"{completed.returncode}: {completed.stderr.strip()[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_notebooks(quick):
    """Run the ``notebooks`` benchmark and return its Section."""
    from bench_stats import Measurement, Section, Target, summarize

    paths = list(QUICK_NOTEBOOKS) if quick else ["notebooks"]
    runs = [run_suite(paths) for _ in range(QUICK_SUITE_RUNS if quick else FULL_SUITE_RUNS)]
    checks = run_check_child(QUICK_CHECK_REPEATS if quick else FULL_CHECK_REPEATS)

    label = "nbval suite, " + ("notebook 00 only" if quick else "all notebooks")
    measurements = [Measurement(label, summarize(seconds for seconds, _, _ in runs), "s",
                                Target("<", SUITE_TARGET_SECONDS), "wall time of the pytest command")]
    slowest = max((name for name in checks if name != "first"),
                  key=lambda name: sorted(checks[name])[len(checks[name]) // 2])
    measurements.append(Measurement(f"slowest check(), check(\"{slowest}\")",
                                    summarize(checks[slowest]), "s",
                                    Target("<", CHECK_TARGET_SECONDS)))
    measurements.append(Measurement("first check() after importing course_lib",
                                    summarize([checks["first"]]), "s"))

    notes = [suite_note(paths, runs)]
    section = Section("notebooks", "5. The notebook suite under nbval, and check()",
                      measurements, notes)
    section.tables.append(("Seconds per notebook, the times that pytest reports for its cells, summed:",
                           notebook_table(runs)))
    section.tables.append(("Seconds per `check(\"name\")` call, after the first:",
                           [Measurement(f"check(\"{name}\")", summarize(values), "s",
                                        Target("<", CHECK_TARGET_SECONDS))
                            for name, values in checks.items() if name != "first"]))
    return section


def suite_note(paths, runs):
    """Describe the command and the outcomes of the suite runs."""
    command = " ".join(["python -m pytest", *NBVAL_OPTIONS, *paths])
    outcomes = "; ".join(", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
                         or "no closing line" for _, counts, _ in runs)
    failed = any(counts.get("failed") or counts.get("errors") for _, counts, _ in runs)
    text = (f"Command: `{command}`, run from the repository root "
            f"{'once' if len(runs) == 1 else f'{len(runs)} times'}. Outcomes per run: {outcomes}. "
            f"The wall time includes pytest's start-up and the start of each notebook's kernel.")
    if failed:
        text += (" Some cells failed, so these times are for a suite that did not pass; a failed "
                 "cell can end a notebook's run early or add the time of a traceback.")
    return text


def notebook_table(runs):
    """Return one Measurement per notebook from the per-notebook seconds of each run."""
    from bench_stats import Measurement, summarize

    names = sorted({name for _, _, per_notebook in runs for name in per_notebook})
    return [Measurement(name, summarize(per_notebook.get(name, 0.0) for _, _, per_notebook in runs), "s")
            for name in names]


def main(argv):
    """Entry point of the child: ``--check-child REPEATS`` prints the check() timings as JSON."""
    if len(argv) != 2 or argv[0] != "--check-child":
        sys.stderr.write("usage: bench_notebooks.py --check-child REPEATS (started by run_all.py)\n")
        return 2
    print(json.dumps(time_checks(int(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
