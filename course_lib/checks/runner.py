"""Run test cases on the student's graded functions and collect one result per case.

Each case calls the function on fresh copies of its inputs.  Printed output
is captured, warnings are recorded, and the global random state of
``random`` and ``numpy.random`` is restored afterwards.  So none of these
side effects can change a verdict or leak into the notebook.
"""

import contextlib
import copy
import difflib
import importlib
import io
import logging
import random
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from course_lib.checks import hints, origins, specs
from course_lib.checks.compare import compare_outputs, describe_type
from course_lib.checks.public_cases import PUBLIC_CASES

LOGGER = logging.getLogger(__name__)

PASSED = "passed"
FAILED = "failed"
NOT_IMPLEMENTED = "not implemented"
ERROR = "error"

IMPORT_ERROR_PREFIX = "could not import "
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
MAX_PRINTED_LINES = 5


@dataclass
class CaseResult:
    """The verdict of one case.

    Attributes
    ----------
    function : str
        Name of the graded function.
    description : str
        What the case covers.
    status : str
        One of "passed", "failed", "not implemented" and "error".
    message : str
        Inputs, got, expected and tolerance (or the error), one per line.
    hints : tuple of (str, str)
        ``(hint_id, advice)`` for each recognised mistake, the most specific
        first; ``hint_id`` is a key of ``hints.HINTS``.  Empty for most cases.
    fix_first : tuple of str
        Graded functions that this function calls and that fail their own
        cases, in course order: fixing them first may fix this one.
    blocked_by : str or None
        For a "not implemented" case, the graded function whose stub raised
        the ``NotImplementedError`` when it is not this function itself.
    """

    function: str
    description: str
    status: str
    message: str
    hints: tuple = ()
    fix_first: tuple = ()
    blocked_by: str | None = None

    @property
    def passed(self):
        """True when the case passed."""
        return self.status == PASSED

    @property
    def hint(self):
        """The advice of the first recognised mistake, or None."""
        return self.hints[0][1] if self.hints else None

    @property
    def hint_id(self):
        """The identifier of the first recognised mistake, or None."""
        return self.hints[0][0] if self.hints else None


@dataclass
class Observation:
    """Everything observed while running one case, the evidence for hints.

    ``arguments`` maps parameter names to copies of the inputs taken before
    the call, so a function that modifies its inputs does not hide what it
    received.  ``raised_in`` names the graded function whose code raised
    ``error``, and ``warning_origins`` the graded function that raised each
    entry of ``warnings``.  Both are None (or empty) where that is unknown,
    as in the grader, which receives only the texts.
    """

    function: str
    case: Any
    arguments: dict
    got: Any = None
    error: BaseException | None = None
    warnings: tuple = ()
    mutated: tuple = ()
    printed: str = ""
    problems: list = field(default_factory=list)
    raised_in: str | None = None
    warning_origins: tuple = ()


def resolve_names(names):
    """Return the requested graded function names as a tuple in course order.

    Raises
    ------
    TypeError
        If ``names`` is not None, a str or an iterable of str.
    ValueError
        If a name is not a graded function.
    """
    if names is None:
        return specs.FUNCTION_NAMES
    if isinstance(names, str):
        names = [names]
    elif callable(names) or not hasattr(names, "__iter__"):
        raise name_type_error(names)

    names = list(names)
    for name in names:
        validate_name(name)
    return tuple(function for function in specs.FUNCTION_NAMES if function in names)


def name_type_error(value):
    """Return the TypeError for a name that is not a string, such as the function itself."""
    if callable(value) and hasattr(value, "__name__"):
        received = f"the function {value.__name__}"
        example = value.__name__ if value.__name__ in specs.FUNCTION_NAMES else "sigmoid"
    else:
        received = describe_type(value)
        example = "sigmoid"
    return TypeError(
        f"name must be the name of a graded function as a string, got {received}. "
        f'Write check("{example}"), with quotes, or check() for all functions.'
    )


def validate_name(name):
    """Raise TypeError or ValueError unless ``name`` is the name of a graded function."""
    if not isinstance(name, str):
        raise name_type_error(name)
    if name not in specs.FUNCTION_NAMES:
        close = difflib.get_close_matches(name, specs.FUNCTION_NAMES, n=1)
        suggestion = f' Did you mean "{close[0]}"?' if close else ""
        raise ValueError(
            f'Unknown graded function "{name}".{suggestion} '
            f"Valid names: {', '.join(specs.FUNCTION_NAMES)}."
        )


def reload_graded_modules():
    """Reload the student's lesson modules so that edits to their files take effect.

    The lessons import functions from earlier lessons, so they are reloaded in
    course order, then ``course_lib.graded`` and the names that ``course_lib``
    re-exports.

    Returns
    -------
    dict
        Maps the name of each module that failed to import to a one-line
        description of the error and where it happened.
    """
    import_errors = {}
    for module_name in specs.GRADED_MODULES:
        try:
            module = sys.modules.get(module_name)
            if module is None:
                importlib.import_module(module_name)
            else:
                importlib.reload(module)
        except Exception as error:  # noqa: BLE001 - any error in the student's file
            import_errors[module_name] = describe_error(error)
            LOGGER.debug("Reloading %s failed: %s", module_name, import_errors[module_name])

    if not import_errors:
        package = importlib.reload(importlib.import_module("course_lib.graded"))
        course_lib = sys.modules.get("course_lib")
        for name in specs.FUNCTION_NAMES:
            if course_lib is not None and hasattr(course_lib, name):
                setattr(course_lib, name, getattr(package, name))
    return import_errors


@contextlib.contextmanager
def replaced_functions(implementations):
    """Temporarily make every graded module use ``implementations`` in place of its functions.

    The replacement is visible both to the checks and to other graded
    functions that call it, as if the student's file defined it.
    """
    modules = [sys.modules[name] for name in specs.GRADED_MODULES if name in sys.modules]
    modules.append(importlib.import_module("course_lib.graded"))
    originals = []
    try:
        for name, function in implementations.items():
            for module in modules:
                if hasattr(module, name):
                    originals.append((module, name, getattr(module, name)))
                    setattr(module, name, function)
        yield
    finally:
        for module, name, original in reversed(originals):
            setattr(module, name, original)


def find_function(name, implementations):
    """Return the function to check: the replacement if given, else the reloaded module's."""
    if name in implementations:
        return implementations[name]

    module_name = specs.MODULE_OF[name]
    function = getattr(sys.modules[module_name], name, None)
    if not callable(function):
        raise LookupError(
            f"{module_path(module_name)} has no function {name}. "
            f"Restore its definition (def {name}(...)) from the original file."
        )
    return function


def module_path(module_name):
    """Return the file of a graded module relative to the project root."""
    return module_name.replace(".", "/") + ".py"


def describe_error(error):
    """Describe an exception in one line: type, message and the student's file and line."""
    # str() of a SyntaxError already appends the file name and line number.
    message = error.msg if isinstance(error, SyntaxError) else error
    text = f"{type(error).__name__}: {message}"
    location = error_location(error)
    return f"{text} ({location})" if location else text


def error_location(error):
    """Return "FILE, line N" for the innermost frame outside the checks, or an empty string.

    The checks' own frames are skipped so that the location points at the
    student's code (or at the validation code it called).
    """
    if isinstance(error, SyntaxError) and error.filename:
        return f"{relative_path(error.filename)}, line {error.lineno}"

    checks_directory = Path(__file__).resolve().parent
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).resolve().parent != checks_directory
    ]
    if not frames:
        return ""
    student_frames = [frame for frame in frames if "graded" in Path(frame.filename).parts]
    frame = (student_frames or frames)[-1]
    return f"{relative_path(frame.filename)}, line {frame.lineno}"


def relative_path(filename):
    """Return ``filename`` relative to the project root when it is inside it."""
    path = Path(filename).resolve()
    try:
        return path.relative_to(PACKAGE_ROOT).as_posix()
    except ValueError:
        return path.name


@contextlib.contextmanager
def isolated_call():
    """Capture output and warnings and restore the global random state around a call.

    Yields a dict that receives "printed" (str), "warnings" (tuple of str)
    and "warning_locations" (tuple of (filename, line), one per warning) when
    the block ends.
    """
    record = {}
    numpy_state = np.random.get_state()
    python_state = random.getstate()
    output = io.StringIO()
    try:
        # Underflow stays ignored as in NumPy's default: e^(-1000) rounding to 0 is no error.
        floating_point = np.errstate(divide="warn", over="warn", invalid="warn", under="ignore")
        with warnings.catch_warnings(record=True) as caught, floating_point:
            warnings.simplefilter("always")
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                yield record
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
        record["printed"] = output.getvalue()
        runtime_warnings = [
            warning for warning in caught if issubclass(warning.category, RuntimeWarning)
        ]
        record["warnings"] = tuple(
            f"{warning.category.__name__}: {warning.message}" for warning in runtime_warnings
        )
        record["warning_locations"] = tuple(
            (warning.filename, warning.lineno) for warning in runtime_warnings
        )


def bind_arguments(name, args, kwargs):
    """Map parameter names to argument values, using the names from the docstrings."""
    parameter_names = specs.PARAMETER_NAMES[name]
    arguments = dict(zip(parameter_names, args))
    arguments.update(kwargs)
    return arguments


def find_mutated(arguments_before, args, kwargs, name):
    """Return the names of the input arrays whose values changed during the call."""
    arguments_after = bind_arguments(name, args, kwargs)
    mutated = []
    for parameter, before in arguments_before.items():
        after = arguments_after.get(parameter)
        if isinstance(before, np.ndarray) and not (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and after.dtype == before.dtype
            and np.array_equal(after, before, equal_nan=True)
        ):
            mutated.append(parameter)
    return tuple(mutated)


def run_case(name, function, case):
    """Call ``function`` on one case and return what happened as an Observation."""
    args = tuple(case.make_args())
    kwargs = dict(case.make_kwargs())
    arguments = copy.deepcopy(bind_arguments(name, args, kwargs))
    observation = Observation(function=name, case=case, arguments=arguments)

    with isolated_call() as record:
        try:
            observation.got = function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any error in the student's code
            observation.error = error
    observation.printed = record["printed"]
    observation.warnings = record["warnings"]
    observation.mutated = find_mutated(arguments, args, kwargs, name)

    functions = origins.current_graded_functions(name, function)
    if observation.error is not None:
        observation.raised_in = origins.function_raising(observation.error, functions)
    observation.warning_origins = tuple(
        origins.function_at(filename, line, functions)
        for filename, line in record["warning_locations"]
    )

    if observation.error is None:
        observation.problems = find_problems(name, case, observation)
    return observation


def find_problems(name, case, observation):
    """List what is wrong with a call that returned: output, mutated inputs, warnings."""
    try:
        problems = compare_outputs(
            observation.got, case.expected, specs.OUTPUT_NAMES[name], case.rtol, case.atol
        )
    except (TypeError, ValueError, OverflowError) as error:
        problems = [f"the output could not be compared: {error}"]
    problems += [f"modified its input {parameter} in place" for parameter in observation.mutated]
    # A warning raised on every loop iteration is reported once.
    problems += [f"raised {warning}" for warning in dict.fromkeys(observation.warnings)]
    return problems


def status_of(observation):
    """Return the status of a case from its observation."""
    if isinstance(observation.error, NotImplementedError):
        return NOT_IMPLEMENTED
    if observation.error is not None:
        return ERROR
    return FAILED if observation.problems else PASSED


def blocking_function(observation):
    """Return the graded function whose stub stopped this case, when it is another one, else None."""
    if not isinstance(observation.error, NotImplementedError):
        return None
    if observation.raised_in in (None, observation.function):
        return None
    return observation.raised_in


def run_function(name, function, cases):
    """Run every case of one function and return (CaseResult, Observation) pairs."""
    pairs = []
    for case in cases:
        if case.expected is None:
            raise ValueError(
                f'The case "{case.description}" of {name} has no expected value. '
                f"Compute it from the reference solution before running the case."
            )
        observation = run_case(name, function, case)
        result = CaseResult(
            function=name,
            description=case.description,
            status=status_of(observation),
            message="",
            blocked_by=blocking_function(observation),
        )
        pairs.append((result, observation))

    add_hints(pairs)
    for result, observation in pairs:
        result.message = format_message(result, observation)
    return pairs


def add_hints(pairs):
    """Attach the hints of the known mistakes that each failed or errored case matches."""
    observations = [observation for _, observation in pairs]
    for result, observation in pairs:
        if result.status in (FAILED, ERROR):
            result.hints = tuple(hints.find_hints(observation, observations))


def import_error_results(name, cases, error_text):
    """Return an "error" result for each case of a function whose module failed to import."""
    return [
        CaseResult(
            function=name,
            description=case.description,
            status=ERROR,
            message=f"{IMPORT_ERROR_PREFIX}{module_path(specs.MODULE_OF[name])}: {error_text}",
        )
        for case in cases
    ]


def run_checks(names=None, implementations=None, cases=None):
    """Run the cases of the requested graded functions and return one result per case.

    Parameters
    ----------
    names : str, iterable of str or None, default None
        Graded functions to check; None checks all of them.
    implementations : dict or None, default None
        Maps graded function names to functions to use in their place, as if
        the student's file defined them (graded functions that call them use
        them too).  The grader and the tests pass wrong implementations here.
    cases : iterable of Case or None, default None
        Cases to run; None runs ``PUBLIC_CASES``.  Each case needs an
        expected value.

    Returns
    -------
    list of CaseResult
        The results for the requested functions, in course order.

    Notes
    -----
    The student's graded modules are reloaded from their files first, which
    also discards any replacement that other code assigned to them.  The
    graded functions that a requested function calls are checked too,
    without being returned, so that a failure can name the function to fix
    first.

    NOTE: a student function that never returns (an endless loop) blocks the
    check until the kernel is interrupted; there is no time limit.
    """
    requested = resolve_names(names)
    implementations = dict(implementations or {})
    for name in implementations:
        validate_name(name)
    cases = list(PUBLIC_CASES if cases is None else cases)

    to_run = set(requested)
    for name in requested:
        to_run.update(specs.dependencies_of(name))
    import_errors = reload_graded_modules()

    results = {}
    with replaced_functions(implementations):
        for name in specs.FUNCTION_NAMES:
            if name in to_run:
                results[name] = run_cases_of(name, implementations, cases, import_errors)

    add_fix_first(results)
    return [result for name in requested for result in results[name]]


def run_cases_of(name, implementations, cases, import_errors):
    """Return the results of all cases of one function, or import errors for each case."""
    own_cases = [case for case in cases if case.function == name]
    module_name = specs.MODULE_OF[name]
    if module_name in import_errors and name not in implementations:
        return import_error_results(name, own_cases, import_errors[module_name])

    try:
        function = find_function(name, implementations)
    except LookupError as error:
        return [
            CaseResult(name, case.description, ERROR, str(error)) for case in own_cases
        ]
    return [result for result, _ in run_function(name, function, own_cases)]


def add_fix_first(results):
    """Name the failing dependencies on each case that did not pass."""
    failing = {
        name for name, function_results in results.items()
        if any(not result.passed for result in function_results)
    }
    for name, function_results in results.items():
        blockers = tuple(
            dependency for dependency in specs.dependencies_of(name) if dependency in failing
        )
        for result in function_results:
            if not result.passed:
                result.fix_first = blockers


def format_message(result, observation, expected_text=None):
    """Build the multi-line message of a case: inputs, then the outcome.

    ``expected_text`` is the case's expected value already formatted by
    ``format_output``, for a caller that reports the same case many times.
    """
    if result.status == NOT_IMPLEMENTED:
        blocker = blocking_function(observation)
        if blocker is None:
            return str(observation.error)
        return (
            f"{observation.function} calls {blocker}, which is not implemented yet.\n"
            f"{observation.error}"
        )

    lines = [f"inputs: {describe_arguments(observation.arguments)}"]
    if result.status == ERROR:
        lines.append(f"error: {describe_error(observation.error)}")
    else:
        names = specs.OUTPUT_NAMES[observation.function]
        lines.append(f"got: {format_output(observation.got, names)}")
        if expected_text is None:
            expected_text = format_output(observation.case.expected, names)
        lines.append(f"expected: {expected_text}")
        lines.append(f"tolerance: rtol={observation.case.rtol:g}, atol={observation.case.atol:g}")
        lines.extend(f"problem: {problem}" for problem in observation.problems)
    if observation.printed and not result.passed:
        lines.append(f"printed: {shorten_printed(observation.printed)}")
    return "\n".join(lines)


def describe_arguments(arguments):
    """Describe inputs briefly: arrays by shape and dtype, other values by value."""
    parts = []
    for name, value in arguments.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{name} of shape {value.shape} ({value.dtype})")
        else:
            parts.append(f"{name} = {value!r}")
    return ", ".join(parts)


def format_output(value, output_names):
    """Format an output (or a tuple of outputs) for the report."""
    if isinstance(output_names, tuple) and isinstance(value, (tuple, list)) and len(value) == len(
        output_names
    ):
        return ", ".join(
            f"{name} = {format_value(item)}" for name, item in zip(output_names, value)
        )
    return format_value(value)


def format_value(value):
    """Format one value in a way that is the same on every run (no memory addresses)."""
    if isinstance(value, np.ndarray):
        text = np.array2string(
            value, precision=8, separator=", ", threshold=24, edgeitems=3, max_line_width=10**6
        )
        one_line = " ".join(line.strip() for line in text.splitlines())
        return f"{one_line} (shape {value.shape}, {value.dtype})"
    if isinstance(value, (bool, np.bool_)) or value is None:
        return repr(value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) + ("" if type(value) is float else f" ({type(value).__name__})")
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value[:10]) + (
            ", ...]" if len(value) > 10 else "]"
        )
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(item) for item in value) + ")"
    return describe_type(value)


def shorten_printed(text):
    """Return the first lines of what the function printed, on one line."""
    lines = text.strip().splitlines()
    preview = " | ".join(line[:120] for line in lines[:MAX_PRINTED_LINES])
    if len(lines) > MAX_PRINTED_LINES:
        preview += f" | ... ({len(lines) - MAX_PRINTED_LINES} more lines)"
    return preview
