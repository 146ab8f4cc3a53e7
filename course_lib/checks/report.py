"""Format check results as the plain-text report that ``check()`` prints.

The words of the report are listed in the docstring of ``course_lib.checks``.
The report contains no memory addresses, timings or other values that
change between runs, so notebook outputs stay comparable with nbval.
"""

from course_lib.checks import specs
from course_lib.checks.runner import ERROR, FAILED, IMPORT_ERROR_PREFIX, NOT_IMPLEMENTED, PASSED

INDENT = "    "
DETAIL_INDENT = " " * 10
# The label of each status: the status itself, in capitals when the case did not pass.
LABELS = {
    PASSED: "passed",
    FAILED: "FAILED",
    ERROR: "ERROR",
    NOT_IMPLEMENTED: "NOT IMPLEMENTED",
}


def format_report(results):
    """Return the report for a list of CaseResult, one section per function.

    A report on one function shows the details of every case.  A report on
    several functions shows one line for each case that passed, the details
    of the other cases, and a closing summary.
    """
    by_function = {}
    for result in results:
        by_function.setdefault(result.function, []).append(result)

    several = len(by_function) > 1
    sections = [
        format_function(name, by_function[name], passed_details=not several)
        for name in specs.FUNCTION_NAMES
        if name in by_function
    ]
    if several:
        sections.append(format_summary(results, by_function))
    return "\n\n".join(sections)


def format_function(name, results, passed_details=True):
    """Return the section of one function: a headline, then one block per case.

    With ``passed_details`` False, a case that passed gets only its status line.
    """
    passed = sum(result.passed for result in results)
    if all(result.status == NOT_IMPLEMENTED for result in results):
        blockers = {result.blocked_by for result in results}
        if blockers == {None}:
            lines = [f"{name}: not implemented yet", INDENT + results[0].message]
            lines += format_fix_first(name, results[0].fix_first)
            return "\n".join(lines)
        if None not in blockers and len(blockers) == 1:
            lines = [f"{name}: cannot run yet"]
            lines += [INDENT + line for line in results[0].message.splitlines()]
            return "\n".join(lines)

    if results and all(is_import_error(result) for result in results):
        lines = [f"{name}: could not run its {len(results)} cases", INDENT + results[0].message]
        return "\n".join(lines)

    if passed == len(results):
        lines = [f"{name}: all {len(results)} cases passed"]
    else:
        lines = [f"{name}: {passed} of {len(results)} cases passed"]
    for result in results:
        lines += format_case(result, details=passed_details or not result.passed)
    failing = [result for result in results if not result.passed]
    if failing:
        lines += format_fix_first(name, failing[0].fix_first)
    return "\n".join(lines)


def is_import_error(result):
    """Return True for a result whose function's file could not be imported."""
    return result.status == ERROR and result.message.startswith(IMPORT_ERROR_PREFIX)


def format_case(result, details=True):
    """Return the lines of one case: its status, then inputs, got, expected, tolerance and hints.

    With ``details`` False, only the status line.
    """
    lines = [f"  {LABELS[result.status]:<6}  {result.description}"]
    if not details:
        return lines
    lines += [DETAIL_INDENT + line for line in result.message.splitlines()]
    lines += [f"{DETAIL_INDENT}hint: {advice}" for _, advice in result.hints]
    return lines


def format_fix_first(name, fix_first):
    """Return a line naming the failing functions that ``name`` calls, if any."""
    if not fix_first:
        return []
    if len(fix_first) == 1:
        return [f"  Fix {fix_first[0]} first: {name} depends on it, and it fails its own cases."]
    return [
        f"  Fix {', '.join(fix_first[:-1])} and {fix_first[-1]} first, in that order: "
        f"{name} depends on them, and they fail their own cases."
    ]


def format_summary(results, by_function):
    """Return the closing line with the totals over all functions."""
    passed = sum(result.passed for result in results)
    complete = sum(
        all(result.passed for result in function_results)
        for function_results in by_function.values()
    )
    return (
        f"Summary: {passed} of {len(results)} cases passed; "
        f"{complete} of {len(by_function)} functions pass all their cases."
    )
