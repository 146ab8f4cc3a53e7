"""The table of cases that a grading run uses: public cases plus hidden cases.

Public cases come from ``course_lib.checks.public_cases`` with their expected
values written out.  Hidden cases come from ``hidden_cases`` and get their
expected values from the instructor's reference solution, called here, in
the grader's own process.  The table is built once per run and its sha256,
stored in every record, identifies exactly which cases and expected values
a grade was computed with.
"""

import dataclasses
import functools
import hashlib
import importlib
import json
import logging
from dataclasses import dataclass

from course_lib.checks import specs
from course_lib.checks.cases import Case
from course_lib.checks.runner import format_output
from course_lib.grading import wire

LOGGER = logging.getLogger(__name__)

PUBLIC = "public"
HIDDEN = "hidden"


@dataclass(frozen=True)
class GradingCase:
    """One case of the table.

    Attributes
    ----------
    case_id : str
        Stable identifier such as ``"sigmoid/hidden/2"``.
    visibility : str
        "public" or "hidden".
    case : Case
        The case, with ``expected`` filled in for hidden cases.
    encoded_args, encoded_kwargs : dict
        The inputs in the wire format, sent to the worker.
    """

    case_id: str
    visibility: str
    case: Case
    encoded_args: dict
    encoded_kwargs: dict

    @property
    def function(self):
        """Name of the graded function."""
        return self.case.function

    @functools.cached_property
    def expected_text(self):
        """The expected value as the case messages show it, formatted once per table."""
        return format_output(self.case.expected, specs.OUTPUT_NAMES[self.function])


@dataclass(frozen=True)
class CaseTable:
    """All cases of a run, in course order, and the sha256 that identifies them."""

    cases: tuple
    sha256: str

    def for_function(self, function):
        """Return the cases of one graded function, public ones first."""
        return [case for case in self.cases if case.function == function]


def load_public_cases():
    """Return ``PUBLIC_CASES``, or an empty list with a warning when the module is missing."""
    try:
        module = importlib.import_module("course_lib.checks.public_cases")
    except ModuleNotFoundError as error:
        LOGGER.warning("Public cases are not available (%s); grading with hidden cases only.", error)
        return []
    return list(module.PUBLIC_CASES)


def load_hidden_cases():
    """Return ``HIDDEN_CASES`` from the instructor-only module."""
    from course_lib.grading.hidden_cases import HIDDEN_CASES

    return list(HIDDEN_CASES)


def build_case_table(public_cases=None, hidden_cases=None):
    """Build the case table, computing every hidden expected value from the reference.

    Parameters
    ----------
    public_cases, hidden_cases : list of Case or None
        The cases to use; None loads the course's own.

    Returns
    -------
    CaseTable

    Raises
    ------
    ValueError
        If a case names an unknown function, a public case has no expected
        value, or the reference solution fails on a hidden case.
    """
    public_cases = load_public_cases() if public_cases is None else list(public_cases)
    hidden_cases = load_hidden_cases() if hidden_cases is None else list(hidden_cases)

    grading_cases = []
    for function in specs.FUNCTION_NAMES:
        for visibility, cases in ((PUBLIC, public_cases), (HIDDEN, hidden_cases)):
            own = [case for case in cases if case.function == function]
            for number, case in enumerate(own, start=1):
                case_id = f"{function}/{visibility}/{number}"
                grading_cases.append(make_grading_case(case_id, visibility, case))

    check_known_functions(public_cases + hidden_cases)
    return CaseTable(tuple(grading_cases), hash_cases(grading_cases))


def check_known_functions(cases):
    """Raise ValueError if a case names a function that is not graded."""
    unknown = sorted({case.function for case in cases} - set(specs.FUNCTION_NAMES))
    if unknown:
        raise ValueError(
            f"Cases name functions that are not graded: {', '.join(unknown)}. "
            f"Use one of: {', '.join(specs.FUNCTION_NAMES)}."
        )


def make_grading_case(case_id, visibility, case):
    """Fill in the expected value of a hidden case and encode the inputs."""
    if visibility == PUBLIC and case.expected is None:
        raise ValueError(f"Public case {case_id} ({case.description!r}) has no expected value.")
    if visibility == HIDDEN:
        case = dataclasses.replace(case, expected=reference_output(case_id, case))

    return GradingCase(
        case_id=case_id,
        visibility=visibility,
        case=case,
        encoded_args=wire.encode_value(tuple(case.make_args())),
        encoded_kwargs=wire.encode_value(dict(case.make_kwargs())),
    )


def reference_output(case_id, case):
    """Call the instructor's reference implementation on fresh inputs of ``case``."""
    module = importlib.import_module(specs.MODULE_OF[case.function])
    function = getattr(module, case.function)
    try:
        return function(*case.make_args(), **case.make_kwargs())
    except Exception as error:
        raise ValueError(
            f"The reference solution failed on hidden case {case_id} ({case.description!r}): "
            f"{type(error).__name__}: {error}. Fix the case in course_lib/grading/hidden_cases.py."
        ) from error


def hash_cases(grading_cases):
    """Return the sha256 of the inputs, expected values and tolerances of all cases."""
    canonical = [
        {
            "id": grading_case.case_id,
            "description": grading_case.case.description,
            "args": grading_case.encoded_args,
            "kwargs": grading_case.encoded_kwargs,
            "expected": wire.encode_value(grading_case.case.expected),
            "rtol": grading_case.case.rtol,
            "atol": grading_case.case.atol,
        }
        for grading_case in grading_cases
    ]
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
