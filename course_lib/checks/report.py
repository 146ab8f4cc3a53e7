"""Format check results as the plain-text report that ``check()`` prints.

The report contains no memory addresses, timings or other values that
change between runs, so notebook outputs stay comparable with nbval.
"""

from course_lib.checks import specs
from course_lib.checks.runner import ERROR, FAILED, IMPORT_ERROR_PREFIX, NOT_IMPLEMENTED, PASSED

INDENT = "    "
LABELS = {PASSED: "passed", FAILED: "FAILED", ERROR: "ERROR", NOT_IMPLEMENTED: "TO DO"}


def format_report(results):
    """Return the report for a list of CaseResult, one section per function."""
    by_function = {}
    for result in results:
        by_function.setdefault(result.function, []).append(result)

    sections = [
        format_function(name, by_function[name])
        for name in specs.FUNCTION_NAMES
        if name in by_function
    ]
    if len(by_function) > 1:
        sections.append(format_summary(results, by_function))
    return "\n\n".join(sections)


def format_function(name, results):
    """Return the section of one function: a headline, then one block per case."""
    passed = sum(result.passed for result in results)
    if all(result.status == NOT_IMPLEMENTED for result in results):
        lines = [f"{name}: not implemented yet", INDENT + results[0].message]
        lines += format_fix_first(name, results[0].fix_first)
        return "\n".join(lines)

    if results and all(is_import_error(result) for result in results):
        lines = [f"{name}: could not run its {len(results)} cases", INDENT + results[0].message]
        return "\n".join(lines)

    if passed == len(results):
        lines = [f"{name}: all {len(results)} cases passed"]
    else:
        lines = [f"{name}: {passed} of {len(results)} cases passed"]
    for result in results:
        lines += format_case(result)
    failing = [result for result in results if not result.passed]
    if failing:
        lines += format_fix_first(name, failing[0].fix_first)
    return "\n".join(lines)


def is_import_error(result):
    """Return True for a result whose function's file could not be imported."""
    return result.status == ERROR and result.message.startswith(IMPORT_ERROR_PREFIX)


def format_case(result):
    """Return the lines of one case: its status, inputs, got, expected and tolerance, and any hint."""
    lines = [f"  {LABELS[result.status]:<6}  {result.description}"]
    detail_indent = " " * 10
    lines += [detail_indent + line for line in result.message.splitlines()]
    if result.hint:
        lines.append(f"{detail_indent}hint: {result.hint}")
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
