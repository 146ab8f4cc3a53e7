"""Grade one submission: run every graded function in the sandbox and score its cases.

Each graded function runs in its own sandboxed child process, so a function
that loops, runs out of memory or exits loses only its own points.  The verdict of each case
is computed here, in the grader's process, with the same comparison and
hint detectors that ``check()`` uses, so a student who passes the public
cases in the notebook passes them here too.
"""

import builtins
import errno
import logging
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.checks import hints, specs
from course_lib.checks.runner import (
    ERROR,
    FAILED,
    NOT_IMPLEMENTED,
    PASSED,
    CaseResult,
    Observation,
    bind_arguments,
    find_mutated,
    find_problems,
    format_message,
    status_of,
)
from course_lib.grading import runner, wire
from course_lib.grading.case_table import HIDDEN
from course_lib.grading.feedback import (
    ResultMissing,
    describe_limit,
    hidden_error_feedback,
    hidden_failure_feedback,
    public_error_location,
)

LOGGER = logging.getLogger(__name__)

# Points per graded function; a function's points are split equally over its
# cases.  The three functions that combine the others count double.
POINTS = {
    "flatten_images": 1,
    "scale_pixels": 1,
    "initialize_parameters": 1,
    "linear_forward": 1,
    "sigmoid": 1,
    "sigmoid_derivative": 1,
    "squared_error_loss": 1,
    "cross_entropy_loss": 1,
    "compute_cost": 2,
    "compute_gradients": 2,
    "gradient_descent": 2,
    "predict_proba": 1,
    "predict": 1,
    "accuracy": 1,
}
NOT_RUN = "not run"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
SUPPORT_MODULES = ("validation.py", "gradient_check.py")

LAZY_PACKAGE_TEMPLATE = '''"""{package} as the grader provides it: graded functions are imported on first use."""

import importlib

MODULE_OF = {modules!r}


def __getattr__(name):
    if name in MODULE_OF:
        return getattr(importlib.import_module(MODULE_OF[name]), name)
    raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
'''


@dataclass
class FunctionResult:
    """The grade of one graded function of one submission."""

    function: str
    max_points: float
    outcome: str = "ran"
    reason: str = ""
    cases: list = field(default_factory=list)
    fix_first: tuple = ()
    isolation: dict = field(default_factory=dict)

    @property
    def cases_passed(self):
        """Number of cases with status "passed"."""
        return sum(case["status"] == PASSED for case in self.cases)

    @property
    def points(self):
        """Points earned: the function's points times the fraction of cases passed."""
        if not self.cases:
            return 0.0
        return round(self.max_points * self.cases_passed / len(self.cases), 2)

    def as_record(self):
        """Return the result as plain data for the student's JSON record."""
        return {
            "function": self.function,
            "points": self.points,
            "max_points": self.max_points,
            "outcome": self.outcome,
            "reason": self.reason,
            "cases_passed": self.cases_passed,
            "cases_total": len(self.cases),
            "fix_first": list(self.fix_first),
            "cases": self.cases,
        }


def module_path(module_name):
    """Return the file of a module relative to the sandbox, e.g. course_lib/graded/x.py."""
    return module_name.replace(".", "/") + ".py"


def graded_file_names():
    """Return the file names of the graded modules, e.g. lesson02_sigmoid.py, in course order."""
    return [module_path(module).rsplit("/", 1)[1] for module in specs.GRADED_MODULES]


def support_files():
    """Return the instructor's files that a submission needs besides its graded modules.

    The two package ``__init__`` files are generated: they import a graded
    module only when one of its functions is used, so an error in one
    lesson cannot stop the functions of another lesson from being graded.
    """
    files = {
        "course_lib/__init__.py": LAZY_PACKAGE_TEMPLATE.format(
            package="course_lib", modules=dict(specs.MODULE_OF)),
        "course_lib/graded/__init__.py": LAZY_PACKAGE_TEMPLATE.format(
            package="course_lib.graded", modules=dict(specs.MODULE_OF)),
    }
    files = {path: text.encode("utf-8") for path, text in files.items()}
    for name in SUPPORT_MODULES:
        files[f"course_lib/{name}"] = (PACKAGE_DIR / name).read_bytes()
    return files


def grade_functions(graded_files, table, settings):
    """Grade every graded function of one submission.

    Parameters
    ----------
    graded_files : dict
        Maps graded file names (``lesson02_sigmoid.py``) to their bytes.
    table : CaseTable
    settings : runner.SandboxSettings

    Returns
    -------
    list of FunctionResult
        One per graded function, in course order.
    """
    files = support_files()
    files.update({f"course_lib/graded/{name}": data for name, data in graded_files.items()})

    results, jobs = {}, []
    for function in specs.FUNCTION_NAMES:
        cases = table.for_function(function)
        module = specs.MODULE_OF[function]
        if module_path(module) in files:
            jobs.append((function, module, cases))
        else:
            results[function] = not_run(FunctionResult(function, float(POINTS[function])), cases,
                                        "missing_file",
                                        f"{module_path(module)} is missing from the submission")

    if jobs:
        envelopes = runner.run_worker(jobs, files, settings)
        for (function, _, cases), envelope in zip(jobs, envelopes):
            result = FunctionResult(function, float(POINTS[function]))
            results[function] = judge(result, cases, envelope, settings.limits)

    ordered = [results[function] for function in specs.FUNCTION_NAMES]
    add_fix_first(ordered)
    return ordered


def not_run(result, cases, outcome, reason):
    """Mark every case of ``result`` as not run, for ``reason``."""
    result.outcome, result.reason = outcome, reason
    result.cases = [
        {"id": case.case_id, "visibility": case.visibility, "description": case.case.description,
         "status": NOT_RUN, "feedback": reason, "hint": None, "detail": reason}
        for case in cases
    ]
    return result


def judge(result, cases, envelope, limits):
    """Turn the worker's envelope into case verdicts, or a reason why no case counts."""
    events, malformed = runner.parse_events(envelope.get("events", ""))
    started = first_event(events, "started")
    result.isolation = started.get("isolation", {}) if started else envelope.get("isolation", {})
    module_file = module_path(specs.MODULE_OF[result.function])

    problem = find_run_problem(envelope, events, module_file, limits)
    if problem is not None:
        return not_run(result, cases, *problem)
    if malformed:
        LOGGER.debug("%s: %d malformed event lines ignored", result.function, malformed)

    reported = {}
    for event in events:
        if event["event"] in ("result", "error") and isinstance(event.get("index"), int):
            reported.setdefault(event["index"], event)
    observations = [observe(result.function, case, reported.get(index))
                    for index, case in enumerate(cases)]
    result.cases = [verdict(case, observation, observations)
                    for case, observation in zip(cases, observations)]
    if result.cases and all(case["status"] == NOT_IMPLEMENTED for case in result.cases):
        result.outcome, result.reason = "not_implemented", "not implemented yet"
    return result


def first_event(events, kind):
    """Return the first event of ``kind``, or None."""
    return next((event for event in events if event["event"] == kind), None)


def find_run_problem(envelope, events, module_file, limits):
    """Return (outcome, reason) when the run as a whole failed, else None."""
    outcome = envelope.get("outcome")
    if outcome == "worker_error":
        LOGGER.error("Worker failed: %s", envelope.get("detail"))
        return "worker_error", "the grader failed to run this function; it will be graded again"
    if outcome in ("timeout", "output_limit"):
        return outcome, describe_limit(outcome, limits)
    setup_error = first_event(events, "setup_error")
    if setup_error is not None:
        LOGGER.error("The sandbox could not start: %s", setup_error.get("message"))
        return "worker_error", "the grader failed to run this function; it will be graded again"

    signal_name = envelope.get("signal")
    if signal_name in ("SIGXCPU", "SIGKILL"):
        return "cpu_limit", describe_limit("cpu_limit", limits)
    if signal_name == "SIGXFSZ":
        return "output_limit", describe_limit("output_limit", limits)
    errors = [event for event in events if event["event"] == "error"]
    if any(event.get("builtin_base") == "MemoryError" for event in errors):
        return "memory_limit", describe_limit("memory_limit", limits)
    # A process that ignores SIGXFSZ gets EFBIG from a write past RLIMIT_FSIZE instead.
    if any(event.get("builtin_base") == "OSError" and event.get("errno") == errno.EFBIG
           for event in errors):
        return "output_limit", describe_limit("output_limit", limits)
    if signal_name is not None:
        return "crashed", f"the process running it crashed with signal {signal_name}"

    import_error = first_event(events, "import_error")
    if import_error is not None:
        return "import_error", describe_import_error(module_file, import_error)
    if first_event(events, "missing_function") is not None:
        return "missing_function", f"{module_file} does not define this function"
    if first_event(events, "done") is None:
        stage = "running its cases" if first_event(events, "imported") else f"importing {module_file}"
        return "exited", (f"the process ended while {stage}, before reporting all results "
                          f"(os._exit, sys.exit in a thread, or a crash)")
    return None


def describe_import_error(module_file, event):
    """Describe an import error: the student's own file, type, line and message."""
    location = f", line {event['line']}" if isinstance(event.get("line"), int) else ""
    where = event.get("file") if isinstance(event.get("file"), str) else module_file
    return (f"importing {module_file} failed with {str(event.get('type'))[:80]} "
            f"({where}{location}): {str(event.get('message'))[:300]}")


def observe(function, grading_case, event):
    """Build the Observation of one case from its event, on fresh copies of the inputs."""
    case = grading_case.case
    args, kwargs = tuple(case.make_args()), dict(case.make_kwargs())
    observation = Observation(function=function, case=case,
                              arguments=bind_arguments(function, args, kwargs))
    if event is None:
        observation.error = ResultMissing("the case reported no result")
    elif event["event"] == "error":
        observation.error = rebuild_exception(event)
    else:
        read_result(observation, event, args, kwargs)
    return observation


def read_result(observation, event, args, kwargs):
    """Decode a result event into ``observation``: output, mutated inputs, warnings, problems."""
    try:
        observation.got = wire.decode_value(event.get("value"))
        after_args, after_kwargs = wire.decode_value(event.get("arguments_after"))
        after_args = tuple(after_args)
    except (wire.WireError, TypeError, ValueError) as error:
        observation.error = ResultMissing(f"the returned data could not be read: {error}")
        return

    observation.mutated = find_mutated(
        bind_arguments(observation.function, args, kwargs), after_args, after_kwargs,
        observation.function,
    )
    warnings = event.get("warnings")
    observation.warnings = tuple(str(text)[:300] for text in warnings[:10]) if isinstance(
        warnings, list) else ()
    if isinstance(observation.got, wire.Unsupported):
        observation.problems = [
            f"returned an object of type {observation.got.type_name}, which cannot be compared"
        ]
    else:
        observation.problems = find_problems(observation.function, observation.case, observation)


def rebuild_exception(event):
    """Recreate an exception of the reported type, so that status and hints treat it as usual.

    The class is a fresh subclass of the reported built-in base class, named
    like the original; nothing from the submission is imported or run.
    """
    name = str(event.get("type", "Exception"))[:80]
    base = getattr(builtins, str(event.get("builtin_base", "")), Exception)
    if not (isinstance(base, type) and issubclass(base, BaseException)):
        base = Exception
    message = str(event.get("message", ""))
    try:
        error_class = base if event.get("builtin") and base.__name__ == name else type(
            name, (base,), {})
        error = error_class(message)
    except TypeError:
        error = type(name, (Exception,), {})(message)
    error.location = (event.get("file"), event.get("line"))
    return error


def verdict(grading_case, observation, observations):
    """Return the record entry of one case: status, student feedback, hint, instructor detail."""
    status = status_of(observation)
    result = CaseResult(observation.function, grading_case.case.description, status, "")
    detail = format_message(result, observation)
    hint = None

    if grading_case.visibility == HIDDEN:
        feedback = hidden_feedback(status, observation)
    else:
        feedback = detail + public_error_location(observation.error)
        if status in (FAILED, ERROR):
            found = hints.find_hint(observation, observations)
            hint = found[1] if found else None

    return {"id": grading_case.case_id, "visibility": grading_case.visibility,
            "description": grading_case.case.description, "status": status,
            "feedback": feedback, "hint": hint, "detail": detail}


def hidden_feedback(status, observation):
    """Return the feedback of a hidden case, which never contains its inputs or expected value."""
    if status == PASSED:
        return "passed"
    if status in (ERROR, NOT_IMPLEMENTED):
        return hidden_error_feedback(observation.error)
    return hidden_failure_feedback(observation)


def add_fix_first(results):
    """Name, on each function that lost points, the graded functions it calls that lost points too."""
    failing = {result.function for result in results if result.points < result.max_points}
    for result in results:
        if result.function in failing:
            result.fix_first = tuple(
                name for name in specs.dependencies_of(result.function) if name in failing
            )
