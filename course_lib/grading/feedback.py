"""Texts that students see: per-case feedback and the Markdown feedback file.

Hidden cases get neutral texts built only from categories (wrong shape,
wrong values, raised ValueError), never from the inputs, the expected
value or the message of an exception, because validation messages quote
shapes and values of the inputs.
"""

import numpy as np

from course_lib.checks import specs
from course_lib.checks.compare import dtype_matches, is_python_float, is_real_scalar, output_items
from course_lib.checks.runner import NOT_IMPLEMENTED, PASSED
from course_lib.grading import wire

STATUS_LABELS = {
    "graded": "graded",
    "empty": "empty submission",
    "invalid": "invalid submission",
    "grader error": "grader error",
}


class ResultMissing(Exception):
    """A case for which the worker sent no readable result."""


def describe_limit(outcome, limits):
    """Describe which limit stopped a function, with its value."""
    texts = {
        "timeout": f"stopped after {limits.timeout_seconds:g} s, the time limit for one function "
                   f"(an endless loop, or an implementation far slower than needed)",
        "cpu_limit": f"stopped after using {limits.cpu_seconds} s of CPU time, the limit for one "
                     f"function",
        "memory_limit": f"ran out of memory: one function may use at most {limits.memory_mib} MiB",
        "output_limit": f"printed, wrote or returned more than {limits.output_mib:g} MiB, the "
                        f"limit for one function",
    }
    return texts[outcome]


def hidden_error_feedback(error):
    """Describe an error on a hidden case by its built-in type only."""
    if isinstance(error, NotImplementedError):
        return "not implemented yet"
    if isinstance(error, ResultMissing):
        return "no result was reported for this case"
    if type(error).__module__ == "builtins":
        return f"raised {type(error).__name__}"
    return "raised an exception"


def hidden_failure_feedback(observation):
    """Describe why a hidden case failed by category, without any value."""
    reasons = []
    if isinstance(observation.got, wire.Unsupported):
        reasons.append("returned an object that cannot be compared")
    else:
        mismatch = find_mismatch(observation.got, observation.case)
        if mismatch:
            reasons.append(mismatch)
    if observation.mutated:
        reasons.append(f"modified its input {' and '.join(observation.mutated)} in place")
    if observation.warnings:
        reasons.append("raised a RuntimeWarning")
    return "; ".join(reasons or ["the output differs from the expected one"])


def find_mismatch(got, case):
    """Return the first kind of difference between ``got`` and the case's expected output, or None."""
    output_names = specs.OUTPUT_NAMES[case.function]
    got_items = output_items(got, output_names)
    if got_items is None:
        return "returned the wrong type or number of values"
    for (name, got_value), (_, expected_value) in zip(got_items,
                                                      output_items(case.expected, output_names)):
        kind = value_mismatch(got_value, expected_value, case)
        if kind:
            return f"{name} {kind}"
    return None


def value_mismatch(got, expected, case):
    """Return how one output differs from its expected value (type, shape, dtype, values), or None."""
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return "has the wrong type"
        if got.shape != expected.shape:
            return "has the wrong shape"
        if not dtype_matches(got.dtype, expected.dtype):
            return "has the wrong dtype"
    elif isinstance(expected, list):
        is_sequence = isinstance(got, (list, tuple)) or (
            isinstance(got, np.ndarray) and got.ndim == 1)
        if not is_sequence or not all(is_real_scalar(item) for item in got):
            return "has the wrong type"
        if len(got) != len(expected):
            return "has the wrong number of entries"
    elif not is_python_float(got):
        return "has the wrong type"
    return values_mismatch(got, expected, case)


def values_mismatch(got, expected, case):
    """Compare values of matching type and shape within the case's tolerances."""
    got_values = np.asarray(got, dtype=np.float64)
    expected_values = np.asarray(expected, dtype=np.float64)
    if np.all(np.isclose(got_values, expected_values, rtol=case.rtol, atol=case.atol)):
        return None
    if not np.all(np.isfinite(got_values)):
        return "contains nan or inf"
    return "has the wrong values"


def public_error_location(error):
    """Return a "where:" line for an error raised in the student's file, or an empty string."""
    location = getattr(error, "location", None)
    if not location or not isinstance(location[0], str):
        return ""
    line = f", line {location[1]}" if isinstance(location[1], int) else ""
    return f"\nwhere: {location[0]}{line}"


def join_names(names):
    """Join names as in a sentence: "a", "a and b", "a, b and c"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def render_feedback(record):
    """Return the Markdown feedback file of one student's record, addressed to the student."""
    lines = [f"# Feedback for {record['student']}", ""]
    lines += status_paragraph(record)
    lines += [
        f"Total: **{record['total']:g} / {record['max_total']:g} points**.",
        "",
        "Each function's points are split equally over its cases.",
        "Public cases are the ones that `check()` runs in the notebooks.",
        "Hidden cases use other inputs, which are not shown.",
    ]
    for function in record.get("functions", []):
        lines += render_function(function)
    lines += ["", f"Graded at {record['graded_at']} with case set {record['cases_sha256'][:12]}."]
    return "\n".join(lines) + "\n"


def status_paragraph(record):
    """Return the lines that tell the student why the submission was not graded, if it was not."""
    status = record["status"]
    if status == "graded":
        return []
    if status == "grader error":
        return ["The grader failed on part of your submission, which will be graded again: "
                "the points below are not final.", ""]
    reason = record.get("student_message") or record["message"]
    return [f"Your submission could not be graded ({STATUS_LABELS.get(status, status)}): "
            f"{reason}.", ""]


def render_function(function):
    """Return the Markdown lines of one function's section.

    A function that is not implemented gets one line instead of one per
    case, and a function that lost points next to graded functions it calls
    gets a note to fix those first, even when a limit stopped it.
    """
    lines = ["", f"## {function['function']}: {function['points']:g} / {function['max_points']:g}",
             ""]
    if function["outcome"] == "not_implemented":
        return lines + [not_implemented_line(function)]
    if function["outcome"] != "ran":
        lines += [f"No case counted: {function['reason']}."]
    else:
        for case in function["cases"]:
            lines += render_case(case)
    if function["fix_first"]:
        names = join_names(function["fix_first"])
        lines += ["", f"This function calls {names}, which also lost points: "
                      f"fixing {names} first may fix this function too."]
    return lines


def not_implemented_line(function):
    """Return the one line for a function whose cases all raised NotImplementedError."""
    count = len(function["cases"])
    stub = next((case["feedback"].splitlines()[0] for case in function["cases"]
                 if case["visibility"] == "public" and case["feedback"]), None)
    text = f"Not implemented yet ({count} {'case' if count == 1 else 'cases'})"
    return f"{text}: {stub}" if stub else f"{text}."


def render_case(case):
    """Return the Markdown lines of one case."""
    label = f"{case['visibility']} case \"{case['description']}\""
    if case["status"] == PASSED:
        return [f"- passed: {label}"]
    if case["visibility"] == "hidden" or case["status"] == NOT_IMPLEMENTED:
        return [f"- {case['status']}: {label}: {case['feedback']}"]

    lines = [f"- {case['status']}: {label}", "", "  ```text"]
    lines += [f"  {line}" for line in case["feedback"].splitlines()]
    lines += ["  ```"]
    if case.get("hint"):
        lines += ["", f"  Hint: {case['hint']}"]
    return lines + [""]
