"""Grade one submission: run every graded function in the sandbox and score its cases.

Each graded function runs in its own sandboxed child process, so a function
that loops, runs out of memory or exits loses only its own points.  The verdict of each case
is computed here, in the grader's process, with the same comparison and
hint detectors that ``check()`` uses, so a student who passes the public
cases in the notebook passes them here too.
"""

import ast
import builtins
import errno
import functools
import logging
import threading
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
from course_lib.solution_markers import BEGIN_SOLUTION

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
# Generated packages and instructor modules that every reference graded module imports.
# The worker imports them once per submission, so that each function's child only
# compiles and runs the submission's own modules.
PRELOADED_MODULES = ("course_lib", "course_lib.graded", "course_lib.validation")
# The setup of the latest run, under "key" (case table sha256, settings) and "setup".
LAST_SETUP = {}
SETUP_LOCK = threading.Lock()
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Top-level entries of the instructor's course_lib that never reach the sandbox: the
# generated package __init__, the reference solutions, and the instructor-only code
# that the student release leaves out too.
NOT_IN_SANDBOX = ("__init__.py", "graded", "grading", "instructor", "release.py",
                  "solution_markers.py")
GENERATED_NAMES = ("__pycache__",)
GENERATED_SUFFIXES = (".pyc", ".pyo")

LAZY_PACKAGE_TEMPLATE = '''"""{package} as the grader provides it: each name below is imported on first use."""

import importlib

# Name -> (module, attribute of that module).
MODULE_OF = {modules!r}


def __getattr__(name):
    if name in MODULE_OF:
        module, attribute = MODULE_OF[name]
        return getattr(importlib.import_module(module), attribute)
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
    """Return the instructor's files that a submission may import besides its graded modules.

    These are the modules of ``course_lib`` that the student release ships
    (``validation``, ``plotting``, ``checks``...), taken from the
    instructor's copy.  The graded modules come from the submission only.
    The two package ``__init__`` files are generated: they import a module
    only when one of its names is used, so an error in one lesson cannot
    stop the functions of another lesson from being graded.
    """
    graded_functions = {name: (module, name) for name, module in specs.MODULE_OF.items()}
    files = {
        "course_lib/__init__.py": lazy_package("course_lib", {**graded_functions,
                                                              **package_exports()}),
        "course_lib/graded/__init__.py": lazy_package("course_lib.graded", graded_functions),
    }
    files = {path: text.encode("utf-8") for path, text in files.items()}
    files.update(release_modules())
    return files


def lazy_package(package, names):
    """Return the text of an ``__init__.py`` that imports each of ``names`` on first use."""
    return LAZY_PACKAGE_TEMPLATE.format(package=package, modules=names)


def package_exports():
    """Return {name: (module, attribute)} for what ``course_lib/__init__.py`` imports by name.

    The file is parsed, not imported: its ``from course_lib.X import name``
    lines, or the ``MODULE_OF`` table of a generated lazy package such as
    the one in the Gradescope bundle.  Star imports and private names are
    left out; the graded functions are added by the caller.
    """
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    exports = {}
    for node in tree.body:
        if (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                and node.module.startswith("course_lib.")):
            exports.update({alias.asname or alias.name: (node.module, alias.name)
                            for alias in node.names if not alias.name.startswith(("_", "*"))})
        elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "MODULE_OF" for target in node.targets):
            exports.update(ast.literal_eval(node.value))
    return exports


@functools.lru_cache(maxsize=1)
def release_modules():
    """Return {sandbox path: bytes} of the course_lib files that the student release ships.

    The graded modules and the instructor-only code are left out (see
    ``NOT_IN_SANDBOX``), and so is any file that contains a solution region,
    because the reference solutions must never reach a submission.  The
    files are read once per process; callers must copy the dict, not change it.
    """
    files = {}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if (relative.parts[0] in NOT_IN_SANDBOX or not path.is_file()
                or any(part in GENERATED_NAMES for part in relative.parts)
                or path.suffix in GENERATED_SUFFIXES):
            continue
        data = path.read_bytes()
        if BEGIN_SOLUTION.encode("utf-8") in data:
            LOGGER.warning("Leaving %s out of the sandbox: it contains a solution region", relative)
            continue
        files[f"course_lib/{relative.as_posix()}"] = data
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
    files = {f"course_lib/graded/{name}": data for name, data in graded_files.items()}

    results, jobs = {}, []
    for function in specs.FUNCTION_NAMES:
        module = specs.MODULE_OF[function]
        if module_path(module) in files:
            jobs.append((function, module))
        else:
            results[function] = not_run(FunctionResult(function, float(POINTS[function])),
                                        table.for_function(function), "missing_file",
                                        f"{module_path(module)} is missing from the submission")

    if jobs:
        envelopes = runner.run_worker(worker_setup(table, settings), jobs, files)
        for (function, _), envelope in zip(jobs, envelopes):
            result = FunctionResult(function, float(POINTS[function]))
            results[function] = judge(result, table.for_function(function), envelope,
                                      settings.limits)

    ordered = [results[function] for function in specs.FUNCTION_NAMES]
    add_fix_first(ordered)
    return ordered


def worker_setup(table, settings):
    """Return the worker setup of ``table`` and ``settings``, built once and then reused."""
    key = (table.sha256, settings)
    with SETUP_LOCK:
        if LAST_SETUP.get("key") != key:
            cases = {function: table.for_function(function) for function in specs.FUNCTION_NAMES}
            LAST_SETUP.update(key=key, setup=runner.build_setup(settings, cases, support_files(),
                                                                PRELOADED_MODULES))
        return LAST_SETUP["setup"]


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
        return outcome, describe_limit(outcome, limits) + import_stage(events, module_file)
    setup_error = first_event(events, "setup_error")
    if setup_error is not None:
        LOGGER.error("The sandbox could not start: %s", setup_error.get("message"))
        return "worker_error", "the grader failed to run this function; it will be graded again"

    signal_name = envelope.get("signal")
    if signal_name in ("SIGXCPU", "SIGKILL"):
        return "cpu_limit", describe_limit("cpu_limit", limits) + import_stage(events, module_file)
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
    if import_error is not None and import_error.get("builtin_base") == "MemoryError":
        return "memory_limit", describe_limit("memory_limit", limits)
    if (import_error is not None and import_error.get("builtin_base") == "OSError"
            and import_error.get("errno") == errno.EFBIG):
        return "output_limit", describe_limit("output_limit", limits)
    if import_error is not None:
        return "import_error", describe_import_error(module_file, import_error)
    if first_event(events, "missing_function") is not None:
        return "missing_function", f"{module_file} does not define this function"
    if first_event(events, "done") is None:
        stage = "running its cases" if first_event(events, "imported") else f"importing {module_file}"
        return "exited", (f"the process ended while {stage}, before reporting all results "
                          f"(os._exit, sys.exit in a thread, or a crash)")
    return None


def import_stage(events, module_file):
    """Return ", while importing FILE" when a limit stopped the child before its module loaded."""
    if first_event(events, "started") is not None and first_event(events, "imported") is None:
        return f", while importing {module_file}"
    return ""


def describe_import_error(module_file, event):
    """Describe an import error: the student's own file, type, line and message.

    A module that the sandbox does not provide gets a message naming it and
    the rule for what graded files may import.
    """
    line = f"line {event['line']}" if isinstance(event.get("line"), int) else ""
    file_name = event.get("file") if isinstance(event.get("file"), str) else module_file
    where = ", ".join(part for part in (file_name if file_name != module_file else "", line)
                      if part) or module_file
    missing = event.get("module_name")
    if event.get("type") == "ModuleNotFoundError" and isinstance(missing, str):
        return (f"importing {module_file} failed because the module {missing[:80]!r} is not "
                f"available to the grader ({where}). Graded files may import only the "
                f"standard library, NumPy and the course_lib modules that come with the course. "
                f"Move code that needs another package (such as plots) to the notebook")
    return (f"importing {module_file} failed with {str(event.get('type'))[:80]} "
            f"({where}): {str(event.get('message'))[:300]}")


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
    detail = format_message(result, observation, grading_case.expected_text)
    hint = None

    if grading_case.visibility == HIDDEN:
        feedback = hidden_feedback(status, observation)
    else:
        feedback = detail + public_error_location(observation.error)
        if status in (FAILED, ERROR):
            found = hints.find_hints(observation, observations)
            hint = " ".join(advice for _, advice in found) or None

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
