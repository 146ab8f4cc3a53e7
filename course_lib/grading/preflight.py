"""Check, before any student is graded, that the reference solution earns full marks.

A limit that is too tight (``--memory 10``) would otherwise give every
student 0 points while the command reports success.  The check grades the
instructor's own graded modules once, with the same cases, sandbox and
limits as the students, and names the option to raise when a limit stopped
a function.
"""

import logging

from course_lib.grading import runner
from course_lib.grading.grader import PACKAGE_DIR, grade_functions, graded_file_names

LOGGER = logging.getLogger(__name__)

# Outcome of a function stopped by a limit -> (option, attribute of runner.Limits, unit).
LIMIT_OPTIONS = {
    "timeout": ("--timeout", "timeout_seconds", "s"),
    "cpu_limit": ("--cpu-time", "cpu_seconds", "s"),
    "memory_limit": ("--memory", "memory_mib", "MiB"),
    "output_limit": ("--max-output", "output_mib", "MiB"),
}
LISTED_FUNCTIONS = 3


def reference_files():
    """Return {graded file name: bytes} of the instructor's reference solution."""
    graded_dir = PACKAGE_DIR / "graded"
    return {name: (graded_dir / name).read_bytes() for name in graded_file_names()}


def check_reference(table, settings):
    """Grade the reference solution under ``settings``; return what went wrong, or None.

    Parameters
    ----------
    table : case_table.CaseTable
    settings : runner.SandboxSettings

    Returns
    -------
    str or None
        None when the reference earns full marks, else an error message
        that names the functions that lost points and the options to raise.

    Raises
    ------
    runner.GradingStopped
        If the run was interrupted meanwhile.
    """
    results = grade_functions(reference_files(), table, settings)
    failures = [result for result in results if result.points < result.max_points]
    if not failures:
        LOGGER.info("The reference solution earns full marks under these limits")
        return None

    functions_by_reason = {}
    for result in failures:
        functions_by_reason.setdefault(describe_failure(result), []).append(result.function)
    listed = "; ".join(f"{name_functions(functions, len(results))}: {reason}"
                       for reason, functions in functions_by_reason.items())
    return (f"The reference solution loses points under these limits, so every student would "
            f"too ({listed}). {advice(failures, settings.limits)}")


def name_functions(functions, total):
    """Name a few functions, or all of them at once."""
    if len(functions) == total:
        return "every function"
    first_functions = ", ".join(functions[:LISTED_FUNCTIONS])
    remaining = len(functions) - LISTED_FUNCTIONS
    return f"{first_functions} and {remaining} more" if remaining > 0 else first_functions


def describe_failure(result):
    """Describe why the reference lost points on one function."""
    if result.reason:
        return result.reason
    failed = [case for case in result.cases if case["status"] != "passed"]
    return f"{len(failed)} of {len(result.cases)} cases did not pass"


def advice(failures, limits):
    """Name the limit options to raise, with their current and default values."""
    defaults = runner.Limits()
    raises = []
    for outcome in sorted({result.outcome for result in failures} & set(LIMIT_OPTIONS)):
        option, attribute, unit = LIMIT_OPTIONS[outcome]
        raises.append(f"{option} (now {getattr(limits, attribute):g} {unit}, default "
                      f"{getattr(defaults, attribute):g} {unit})")
    if raises:
        return f"Raise {' and '.join(raises)}, then run the command again."
    return ("No limit stopped it: check the cases in course_lib/checks/public_cases.py and "
            "course_lib/grading/hidden_cases.py against the reference solution in "
            "course_lib/graded/.")
