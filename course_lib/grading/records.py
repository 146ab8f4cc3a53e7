"""Grade one submission from start to end and return its record.

A record is plain JSON data: who, which files (with their sha256), which
case set (its sha256), the limits, the points per function and every case
verdict.  The batch command and the Gradescope runner both use
``grade_submission``; only what they do with the record differs.
"""

import platform
import time
from dataclasses import asdict

from course_lib.checks import specs
from course_lib.grading.grader import POINTS, grade_functions
from course_lib.grading.submissions import OK, content_sha256, load_submission

MAX_TOTAL = float(sum(POINTS.values()))
OUTCOMES_WITHOUT_NOTE = ("ran", "not_implemented")


def grade_submission(submission, table, settings):
    """Load, grade and describe one submission.

    Parameters
    ----------
    submission : submissions.Submission
    table : case_table.CaseTable
    settings : runner.SandboxSettings

    Returns
    -------
    dict
        The record; "status" is "graded", "empty", "invalid" or "grader
        error".  "message" is for the instructor.  For an empty or invalid
        submission, "student_message" explains the problem to the student,
        and "content_sha256" lets a rerun notice that it was fixed.

    Raises
    ------
    runner.GradingStopped
        If the run was interrupted while the submission was being graded.
    """
    loaded = load_submission(submission)
    record = {
        "student": submission.student,
        "file_name": submission.file_name,
        "source": submission.path.name,
        "submission_sha256": loaded.sha256,
        "cases_sha256": table.sha256,
        "limits": asdict(settings.limits),
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "grader": {"python": platform.python_version(), "numpy": numpy_version()},
        "max_total": MAX_TOTAL,
    }
    if loaded.status != OK:
        return {**record, "status": loaded.status, "message": loaded.message,
                "student_message": loaded.student_message,
                "content_sha256": content_sha256(submission),
                "points": {name: 0.0 for name in specs.FUNCTION_NAMES}, "total": 0.0,
                "functions": [], "isolation": {}}

    results = grade_functions(loaded.files, table, settings)
    worker_failed = any(result.outcome == "worker_error" for result in results)
    return {
        **record,
        "status": "grader error" if worker_failed else "graded",
        "message": summarize(results),
        "points": {result.function: result.points for result in results},
        "total": round(sum(result.points for result in results), 2),
        "functions": [result.as_record() for result in results],
        "isolation": merge_isolation(results),
    }


def summarize(results):
    """Return the gradebook note: each function stopped by a limit or an error, and why."""
    notes = [f"{result.function}: {result.reason}" for result in results
             if result.outcome not in OUTCOMES_WITHOUT_NOTE]
    missing = [result.function for result in results if result.outcome == "not_implemented"]
    if missing:
        notes.append(f"not implemented: {', '.join(missing)}")
    return "; ".join(notes)


def merge_isolation(results):
    """Summarise the isolation the workers reported: weakest protection, all problems."""
    reports = [result.isolation for result in results if result.isolation]
    if not reports:
        return {}
    merged = {key: all(report.get(key) for report in reports)
              for key in ("network", "pid", "filesystem")}
    merged["user"] = sorted({str(report.get("user")) for report in reports})
    merged["problems"] = sorted({str(problem) for report in reports
                                 for problem in report.get("problems", [])})
    return merged


def numpy_version():
    """Return the version of NumPy in the grader's process."""
    import numpy

    return numpy.__version__
