"""Tests of the batch grader: scores, isolation, limits, broken submissions and resuming.

Submissions are built in temporary folders by copying the instructor's
graded files (the reference, which earns full marks) and replacing one
function's solution region with a mistake, a limit breaker or code that
tries to escape the sandbox.  Most tests read the records of one class run
(``class_run``) so that the sandboxed workers start only once per
submission.
"""

import ast
import base64
import csv
import dataclasses
import inspect
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest

from course_lib.checks import specs
from course_lib.checks.cases import Case
from course_lib.grading import case_table, cli, grader, runner, wire
from course_lib.grading.feedback import find_mismatch, join_names, render_function
from course_lib.grading.gradebook import (
    ResultsFolder,
    ResultsLocked,
    spreadsheet_text,
    write_atomically,
)
from course_lib.grading.hidden_cases import HIDDEN_CASES
from course_lib.grading.submissions import (
    EMPTY,
    INVALID,
    OK,
    discover_submissions,
    load_submission,
    safe_file_name,
)
from course_lib.solution_markers import BEGIN_SOLUTION, strip_solutions

pytestmark = pytest.mark.filterwarnings("error")

COURSE_ROOT = Path(__file__).resolve().parents[1]
GRADED_DIR = COURSE_ROOT / "course_lib" / "graded"
PROBE_FILE = GRADED_DIR / "sandbox_write_probe.py"
FAST_LIMITS = ["--timeout", "10", "--cpu-time", "10", "--memory", "512", "--max-output", "1",
               "--jobs", "2"]
MISTAKE_FUNCTIONS = ("squared_error_loss", "sigmoid_derivative", "compute_gradients", "predict",
                     "accuracy")


def module_file(function):
    """Return the graded file name that defines ``function``."""
    return specs.MODULE_OF[function].rsplit(".", 1)[1] + ".py"


def copy_reference(folder):
    """Write the instructor's graded files into ``folder/course_lib/graded/``."""
    target = folder / "course_lib" / "graded"
    target.mkdir(parents=True)
    for path in sorted(GRADED_DIR.glob("lesson*.py")):
        (target / path.name).write_bytes(path.read_bytes())
    return target


def replace_solution(text, function, body):
    """Replace the solution region of ``function`` in a module's text with ``body``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"def {function}("))
    begin = next(i for i in range(start, len(lines)) if "### BEGIN SOLUTION" in lines[i])
    end = next(i for i in range(begin, len(lines)) if "### END SOLUTION" in lines[i])
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    new_body = [indent + line if line else line for line in textwrap.dedent(body).splitlines()]
    return "\n".join(lines[: begin + 1] + new_body + lines[end:]) + "\n"


def make_submission(root, student, function=None, body=None, appended=None):
    """Create a reference submission, optionally with one solution replaced or code appended.

    Parameters
    ----------
    root : Path
        The SUBMISSIONS folder.
    function : str or None
        Graded function whose solution region becomes ``body``; also names
        the module that receives ``appended``.
    appended : str or None
        Module-level code added at the end of that function's module.
    """
    graded = copy_reference(root / student)
    if function is None:
        return root / student
    path = graded / module_file(function)
    text = path.read_text()
    if body is not None:
        text = replace_solution(text, function, body)
    if appended is not None:
        text += "\n\n" + textwrap.dedent(appended)
    path.write_text(text)
    return root / student


def used_names(function):
    """Return every name that the source of ``function`` refers to."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def mistake_code(mistake):
    """Return module-level code that makes a lesson module use a catalog mistake.

    The mistake's helper functions and the lesson modules it calls come
    along, and the graded function's name is rebound to the mistake, as a
    student who rewrote the function would have it.
    """
    source = sys.modules[mistake.implementation.__module__]
    functions, pending = [], [mistake.implementation]
    while pending:
        function = pending.pop()
        if function in functions:
            continue
        functions.append(function)
        for name in used_names(function):
            value = getattr(source, name, None)
            if isinstance(value, types.FunctionType) and value.__module__ == source.__name__:
                pending.append(value)

    names = set().union(*(used_names(function) for function in functions))
    imports = ["import numpy as np"] + [
        f"import {value.__name__} as {alias}"
        for alias, value in vars(source).items()
        if alias in names and isinstance(value, types.ModuleType)
        and value.__name__.startswith("course_lib.graded.")
    ]
    bodies = [textwrap.dedent(inspect.getsource(function)) for function in functions]
    return "\n".join(imports + bodies + [f"{mistake.function} = {mistake.implementation.__name__}"])


def selected_mistakes():
    """Return the first catalog mistake of each function in ``MISTAKE_FUNCTIONS``."""
    catalog = pytest.importorskip("mistakes")
    return [next(mistake for mistake in catalog.MISTAKES if mistake.function == function)
            for function in MISTAKE_FUNCTIONS]


def dependents_of(function):
    """Return the graded functions that call ``function``, directly or through others."""
    return {name for name in specs.FUNCTION_NAMES if function in specs.dependencies_of(name)}


def read_record(out, student):
    """Return the JSON record of ``student`` in the results folder ``out``."""
    return json.loads((out / "records" / f"{safe_file_name(student)}.json").read_text())


def function_entry(record, function):
    """Return the entry of ``function`` in a record."""
    return next(entry for entry in record["functions"] if entry["function"] == function)


def read_gradebook(out):
    """Return the gradebook rows as dicts."""
    with open(out / "gradebook.csv", newline="") as stream:
        return list(csv.DictReader(stream))


class LoopbackServer:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.socket.close()


def hostile_submissions(root, out, server_port):
    """Create the submissions that break limits or try to escape; return their names."""
    sentinel = out / "sentinel.txt"
    make_submission(root, "looping", "gradient_descent", body="while True:\n    pass\n")
    make_submission(root, "memory_bomb", "compute_gradients", body="""\
        blocks = []
        while True:
            blocks.append(np.empty(64 * 1024 * 1024, dtype=np.uint8))
        """)
    make_submission(root, "printing_loop", "squared_error_loss",
                    body="while True:\n    print('x' * 10000)\n")
    make_submission(root, "exit_at_import", "squared_error_loss",
                    appended="import sys\nsys.exit('stopping the grader')\n")
    make_submission(root, "os_exit_at_import", "cross_entropy_loss",
                    appended="import os\nos._exit(0)\n")
    make_submission(root, "patched_numpy", "accuracy",
                    body="fraction_correct = 1.0\n", appended="""\
        np.allclose = lambda *args, **kwargs: True
        np.isclose = lambda *args, **kwargs: True
        np.array_equal = lambda *args, **kwargs: True
        np.testing.assert_allclose = lambda *args, **kwargs: None
        """)
    make_submission(root, "fake_score", "flatten_images",
                    body="X = images.reshape(images.shape[0], -1)\n", appended="""\
        import builtins
        import sys
        print("score: 100")
        print('{"event": "done"}')
        sys.stderr.write("total: 17 / 17 points\\n")
        builtins.print = lambda *args, **kwargs: None
        """)
    make_submission(root, "writes_files", "sigmoid", appended=f"""\
        _original_sigmoid = sigmoid

        def sigmoid(z):
            for path in ({str(sentinel)!r}, {str(out / 'records' / 'intruder.json')!r},
                         {str(PROBE_FILE)!r}, {str(root / 'looping' / 'intruder.txt')!r}):
                try:
                    with open(path, "w") as stream:
                        stream.write("written by a submission")
                except OSError:
                    pass
            return _original_sigmoid(z)
        """)
    make_submission(root, "reads_reference", "sigmoid_derivative", appended=f"""\
        _original_derivative = sigmoid_derivative

        def sigmoid_derivative(z):
            for path in ({str(GRADED_DIR / 'lesson02_sigmoid.py')!r},
                         {str(COURSE_ROOT / 'course_lib' / 'grading' / 'hidden_cases.py')!r}):
                try:
                    with open(path) as stream:
                        stream.read()
                    return -1.0 * _original_derivative(z)
                except OSError:
                    pass
            return _original_derivative(z)
        """)
    make_submission(root, "uses_network", "predict_proba", appended=f"""\
        import socket
        _original_predict_proba = predict_proba

        def predict_proba(w, b, X):
            try:
                socket.create_connection(("127.0.0.1", {server_port}), timeout=1).close()
                return 1.0 - _original_predict_proba(w, b, X)
            except OSError:
                return _original_predict_proba(w, b, X)
        """)
    make_submission(root, "random_draws", "predict", appended="""\
        import random
        _original_predict = predict

        def predict(w, b, X, threshold=0.5):
            np.random.seed(12345)
            np.random.rand(7)
            random.random()
            return _original_predict(w, b, X, threshold)
        """)
    make_submission(root, "leaky_errors", "linear_forward",
                    body='raise ValueError(f"LEAK {X.tolist()} {w.tolist()}")\n')


def make_stub_submission(root, student):
    """Create a submission with every solution region replaced by the student release's stub."""
    graded = copy_reference(root / student)
    for path in graded.glob("lesson*.py"):
        path.write_text(strip_solutions(path.read_text(), f"course_lib/graded/{path.name}"))


def usual_submissions(root):
    """Create submissions that students make without meaning harm: imports, stubs, loose files."""
    make_submission(root, "imports_plotting", "predict",
                    appended="from course_lib.plotting import show_images\n")
    make_submission(root, "imports_grading", "squared_error_loss",
                    appended="import course_lib.grading.hidden_cases\n")
    make_stub_submission(root, "all_stubs")
    make_submission(root, "predict_boolean_strict", "predict", body="Y_pred = A > threshold\n")
    loose = root / "loose_files" / "my work"
    loose.mkdir(parents=True)
    for path in sorted(GRADED_DIR.glob("lesson*.py")):
        (loose / path.name).write_bytes(path.read_bytes())


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    """Grade one class of reference, mistaken and hostile submissions; return the folders."""
    base = tmp_path_factory.mktemp("class")
    root, out = base / "submissions", base / "results"
    root.mkdir()
    out.mkdir()
    (out / "sentinel.txt").write_text("instructor data")
    make_submission(root, "reference")
    for mistake in selected_mistakes():
        make_submission(root, f"mistake_{mistake.name}", mistake.function,
                        appended=mistake_code(mistake))
    usual_submissions(root)
    server = LoopbackServer()
    try:
        hostile_submissions(root, out, server.port)
        exit_code = cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    finally:
        server.close()
        probe_existed = PROBE_FILE.exists()
        PROBE_FILE.unlink(missing_ok=True)
    return types.SimpleNamespace(root=root, out=out, exit_code=exit_code,
                                 connections=server.accepted, probe_existed=probe_existed)


def full_marks_except(record, lost):
    """Return the functions outside ``lost`` that did not get full points."""
    return [name for name, points in record["points"].items()
            if name not in lost and points != grader.POINTS[name]]


def test_class_run_exit_code_zero(class_run):
    assert class_run.exit_code == 0


def test_reference_full_marks(class_run):
    record = read_record(class_run.out, "reference")
    assert record["status"] == "graded"
    assert record["total"] == sum(grader.POINTS.values())
    assert record["total"] == record["max_total"]


def test_reference_every_case_passed(class_run):
    record = read_record(class_run.out, "reference")
    statuses = {case["status"] for entry in record["functions"] for case in entry["cases"]}
    assert statuses == {"passed"}


@pytest.mark.parametrize("function", MISTAKE_FUNCTIONS)
def test_mistake_loses_own_points(class_run, function):
    mistake = next(m for m in selected_mistakes() if m.function == function)
    record = read_record(class_run.out, f"mistake_{mistake.name}")
    assert record["points"][function] < grader.POINTS[function]


@pytest.mark.parametrize("function", MISTAKE_FUNCTIONS)
def test_mistake_keeps_other_points(class_run, function):
    mistake = next(m for m in selected_mistakes() if m.function == function)
    record = read_record(class_run.out, f"mistake_{mistake.name}")
    assert full_marks_except(record, {function} | dependents_of(function)) == []


@pytest.mark.parametrize("function", MISTAKE_FUNCTIONS)
def test_mistake_public_case_has_hint(class_run, function):
    mistake = next(m for m in selected_mistakes() if m.function == function)
    record = read_record(class_run.out, f"mistake_{mistake.name}")
    cases = function_entry(record, function)["cases"]
    assert any(case["hint"] for case in cases if case["visibility"] == "public")


def test_public_case_shows_every_hint(class_run):
    cases = function_entry(read_record(class_run.out, "predict_boolean_strict"), "predict")["cases"]
    hints = [case["hint"] or "" for case in cases if case["visibility"] == "public"]
    assert any(".astype(np.int64)" in hint and "compare with >=" in hint for hint in hints)


def test_infinite_loop_scores_zero(class_run):
    entry = function_entry(read_record(class_run.out, "looping"), "gradient_descent")
    assert entry["points"] == 0


def test_infinite_loop_names_timeout(class_run):
    entry = function_entry(read_record(class_run.out, "looping"), "gradient_descent")
    assert entry["outcome"] == "timeout"
    assert "time limit" in entry["reason"]


def test_infinite_loop_rest_graded(class_run):
    record = read_record(class_run.out, "looping")
    assert full_marks_except(record, {"gradient_descent"}) == []


def test_infinite_loop_reason_in_feedback(class_run):
    text = (class_run.out / "feedback" / "looping.md").read_text()
    assert "stopped after 10 s, the time limit for one function" in text


def test_memory_bomb_scores_zero(class_run):
    entry = function_entry(read_record(class_run.out, "memory_bomb"), "compute_gradients")
    assert entry["points"] == 0
    assert entry["outcome"] == "memory_limit"


def test_memory_bomb_rest_graded(class_run):
    record = read_record(class_run.out, "memory_bomb")
    lost = {"compute_gradients"} | dependents_of("compute_gradients")
    assert full_marks_except(record, lost) == []


def test_memory_bomb_dependent_says_fix_first(class_run):
    text = (class_run.out / "feedback" / "memory_bomb.md").read_text()
    section = text.split("## gradient_descent:")[1].split("\n## ")[0]
    assert "No case counted: ran out of memory" in section
    assert ("This function calls compute_gradients, which also lost points: fixing "
            "compute_gradients first may fix this function too.") in section


def test_course_module_import_full_marks(class_run):
    record = read_record(class_run.out, "imports_plotting")
    assert record["total"] == record["max_total"]


def test_grading_module_import_named(class_run):
    entry = function_entry(read_record(class_run.out, "imports_grading"), "squared_error_loss")
    assert entry["outcome"] == "import_error"
    assert "the module 'course_lib.grading' is not available to the grader" in entry["reason"]


def test_grading_module_import_rest_graded(class_run):
    record = read_record(class_run.out, "imports_grading")
    assert full_marks_except(record, {"squared_error_loss"}) == []


def test_all_stubs_one_line_per_function(class_run):
    text = (class_run.out / "feedback" / "all_stubs.md").read_text()
    sections = text.split("\n## ")[1:]
    assert len(sections) == len(specs.FUNCTION_NAMES)
    for section in sections:
        body = [line for line in section.split("\n\nGraded at")[0].splitlines()[1:] if line]
        assert len(body) == 1, section
        assert body[0].startswith("Not implemented yet (")


def test_all_stubs_message_once(class_run):
    text = (class_run.out / "feedback" / "all_stubs.md").read_text()
    assert text.count("Implement sigmoid in course_lib/graded/lesson02_sigmoid.py") == 1


def test_all_stubs_score_zero(class_run):
    record = read_record(class_run.out, "all_stubs")
    assert record["status"] == "graded"
    assert record["total"] == 0


def test_loose_files_full_marks(class_run):
    record = read_record(class_run.out, "loose_files")
    assert record["status"] == "graded"
    assert record["total"] == record["max_total"]


def test_printing_loop_hits_output_limit(class_run):
    entry = function_entry(read_record(class_run.out, "printing_loop"), "squared_error_loss")
    assert entry["points"] == 0
    assert entry["outcome"] == "output_limit"
    assert "more than 1 MiB" in entry["reason"]


def test_printing_loop_rest_graded(class_run):
    record = read_record(class_run.out, "printing_loop")
    assert full_marks_except(record, {"squared_error_loss"}) == []


@pytest.mark.parametrize("envelope, events, expected", [
    ({"outcome": "timeout"}, [], "timeout"),
    ({"outcome": "output_limit"}, [], "output_limit"),
    ({"outcome": "finished", "signal": "SIGKILL"}, [], "cpu_limit"),
    ({"outcome": "finished", "signal": "SIGXFSZ"}, [], "output_limit"),
    ({"outcome": "finished", "signal": "SIGSEGV"}, [], "crashed"),
    ({"outcome": "worker_error"}, [], "worker_error"),
    ({"outcome": "finished", "exit_code": 0}, [{"event": "imported"}], "exited"),
    ({"outcome": "finished", "exit_code": 0},
     [{"event": "error", "builtin_base": "MemoryError", "type": "_ArrayMemoryError"},
      {"event": "done"}],
     "memory_limit"),
    ({"outcome": "finished", "exit_code": 0},
     [{"event": "error", "builtin_base": "OSError", "type": "OSError", "errno": 27},
      {"event": "done"}],
     "output_limit"),
    ({"outcome": "finished", "exit_code": 0},
     [{"event": "import_error", "type": "SyntaxError", "message": "invalid syntax"}],
     "import_error"),
    ({"outcome": "finished", "exit_code": 0}, [{"event": "missing_function"}],
     "missing_function"),
    ({"outcome": "finished", "exit_code": 0},
     [{"event": "import_error", "type": "MemoryError", "builtin_base": "MemoryError"}],
     "memory_limit"),
])
def test_run_problem_outcomes(envelope, events, expected):
    problem = grader.find_run_problem(envelope, events, "course_lib/graded/x.py",
                                      grader.runner.Limits())
    assert problem[0] == expected


def test_import_error_names_missing_module():
    event = {"event": "import_error", "type": "ModuleNotFoundError", "module_name": "matplotlib",
             "message": "No module named 'matplotlib'", "file": "course_lib/plotting.py",
             "line": 17}
    reason = grader.describe_import_error("course_lib/graded/lesson07_classifier.py", event)
    assert reason.startswith("importing course_lib/graded/lesson07_classifier.py failed because "
                             "the module 'matplotlib' is not available to the grader "
                             "(course_lib/plotting.py, line 17)")


def test_run_problem_none_when_done():
    events = [{"event": "imported"}, {"event": "done"}]
    envelope = {"outcome": "finished", "exit_code": 0}
    assert grader.find_run_problem(envelope, events, "x.py", grader.runner.Limits()) is None


def test_sys_exit_at_import_scores_zero(class_run):
    entry = function_entry(read_record(class_run.out, "exit_at_import"), "squared_error_loss")
    assert entry["points"] == 0
    assert entry["outcome"] == "import_error"
    assert "SystemExit" in entry["reason"]


def test_sys_exit_at_import_rest_graded(class_run):
    record = read_record(class_run.out, "exit_at_import")
    assert full_marks_except(record, {"squared_error_loss"}) == []


def test_os_exit_at_import_scores_zero(class_run):
    entry = function_entry(read_record(class_run.out, "os_exit_at_import"), "cross_entropy_loss")
    assert entry["points"] == 0
    assert entry["outcome"] == "exited"


def test_os_exit_at_import_rest_graded(class_run):
    record = read_record(class_run.out, "os_exit_at_import")
    assert full_marks_except(record, {"cross_entropy_loss"}) == []


def test_patched_numpy_does_not_pass(class_run):
    record = read_record(class_run.out, "patched_numpy")
    assert record["points"]["accuracy"] < grader.POINTS["accuracy"]


def test_patched_numpy_rest_graded(class_run):
    record = read_record(class_run.out, "patched_numpy")
    assert full_marks_except(record, {"accuracy"}) == []


def test_fake_score_output_ignored(class_run):
    record = read_record(class_run.out, "fake_score")
    assert record["points"]["flatten_images"] < grader.POINTS["flatten_images"]


def test_fake_score_rest_graded(class_run):
    record = read_record(class_run.out, "fake_score")
    assert full_marks_except(record, {"flatten_images"}) == []


def test_sandbox_cannot_change_results(class_run):
    assert (class_run.out / "sentinel.txt").read_text() == "instructor data"


def test_sandbox_cannot_add_records(class_run):
    assert not (class_run.out / "records" / "intruder.json").exists()


def test_sandbox_cannot_write_course(class_run):
    assert class_run.probe_existed is False


def test_sandbox_cannot_write_submissions(class_run):
    assert not (class_run.root / "looping" / "intruder.txt").exists()


def test_sandbox_write_attempts_keep_points(class_run):
    record = read_record(class_run.out, "writes_files")
    assert record["total"] == record["max_total"]


def test_sandbox_cannot_read_reference(class_run):
    record = read_record(class_run.out, "reads_reference")
    assert record["points"]["sigmoid_derivative"] == grader.POINTS["sigmoid_derivative"]


def test_sandbox_has_no_network(class_run):
    assert class_run.connections == 0


def test_sandbox_network_attempt_keeps_points(class_run):
    record = read_record(class_run.out, "uses_network")
    assert record["points"]["predict_proba"] == grader.POINTS["predict_proba"]


def test_random_draws_change_nothing(class_run):
    record = read_record(class_run.out, "random_draws")
    assert record["total"] == record["max_total"]


def test_hidden_feedback_hides_error_message(class_run):
    entry = function_entry(read_record(class_run.out, "leaky_errors"), "linear_forward")
    hidden = [case for case in entry["cases"] if case["visibility"] == "hidden"]
    assert hidden
    assert all("LEAK" not in case["feedback"] for case in hidden)
    assert all(case["feedback"] == "raised ValueError" for case in hidden)


def test_public_feedback_shows_error_message(class_run):
    entry = function_entry(read_record(class_run.out, "leaky_errors"), "linear_forward")
    public = [case for case in entry["cases"] if case["visibility"] == "public"]
    assert public
    assert all("LEAK" in case["feedback"] for case in public)


def test_feedback_file_has_no_hidden_inputs(class_run):
    text = (class_run.out / "feedback" / "leaky_errors.md").read_text()
    hidden_inputs = case_table.build_case_table().for_function("linear_forward")
    for grading_case in hidden_inputs:
        if grading_case.visibility == "hidden":
            w = grading_case.case.make_args()[0]
            assert str(w.tolist()) not in text


def test_gradebook_one_row_per_student(class_run):
    students = [row["student"] for row in read_gradebook(class_run.out)]
    expected = sorted(path.name for path in class_run.root.iterdir())
    assert students == expected


def test_records_store_sha256(class_run):
    record = read_record(class_run.out, "reference")
    files = record["submission_sha256"]["files"]
    assert len(files) == len(specs.GRADED_MODULES)
    assert record["cases_sha256"] == case_table.build_case_table().sha256


def test_sandbox_runs_as_nobody_without_network(class_run):
    isolation = read_record(class_run.out, "reference")["isolation"]
    if os.geteuid() != 0:
        pytest.skip("the nobody user is used only when the grader runs as root")
    assert isolation["user"] == ["nobody"]
    assert isolation["network"] is True
    assert isolation["filesystem"] is True


def build_small_class(base):
    """Create the small class under ``base``; return its SUBMISSIONS and RESULTS folders.

    SUBMISSIONS contains one valid submission, one empty folder, one
    corrupt zip file and one stray file.
    """
    root = base / "submissions"
    root.mkdir()
    make_submission(root, "alice")
    (root / "bob").mkdir()
    (root / "carol.zip").write_bytes(b"PK\x03\x04 not really a zip file")
    (root / "notes.txt").write_text("not a submission")
    return root, base / "results"


@pytest.fixture
def small_class(tmp_path):
    """The small class, for tests that grade it and then change it."""
    return build_small_class(tmp_path)


@pytest.fixture(scope="module")
def small_class_run(tmp_path_factory):
    """Grade the small class once for the tests that only read the results."""
    root, out = build_small_class(tmp_path_factory.mktemp("small"))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("course_lib")
    logger.addHandler(handler)
    try:
        exit_code = cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    finally:
        logger.removeHandler(handler)
    return types.SimpleNamespace(root=root, out=out, exit_code=exit_code, log=stream.getvalue())


def test_small_class_rows(small_class_run):
    out = small_class_run.out
    assert small_class_run.exit_code == 0
    rows = {row["student"]: row for row in read_gradebook(out)}
    assert sorted(rows) == ["alice", "bob", "carol"]
    assert float(rows["alice"]["total"]) == sum(grader.POINTS.values())
    assert rows["bob"]["status"] == "empty"
    assert rows["bob"]["note"] == ("the folder contains no files; ask the student to upload "
                                   "their work again")
    assert rows["carol"]["status"] == "invalid"
    assert rows["carol"]["note"].startswith("carol.zip is not a valid zip file")


def test_small_class_skips_stray_file(small_class_run):
    assert "Skipping notes.txt in SUBMISSIONS: it is neither a folder nor a .zip file" in (
        small_class_run.log)
    assert not (small_class_run.out / "records" / "notes.txt.json").exists()


@pytest.mark.parametrize("student, expected", [
    ("bob", "the folder contains no files; upload your work again."),
    ("carol", "create the zip file again and upload it."),
])
def test_feedback_addresses_student(small_class_run, student, expected):
    text = (small_class_run.out / "feedback" / f"{student}.md").read_text()
    assert "Your submission could not be graded" in text
    assert expected in text
    assert "the student" not in text


def test_small_class_rerun_skips(small_class, caplog):
    root, out = small_class
    cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    before = (out / "records" / "alice.json").read_bytes()
    caplog.set_level("INFO")
    assert cli.main([str(root), "--out", str(out)] + FAST_LIMITS) == 0
    assert "0 to grade, 3 already graded" in caplog.text
    assert (out / "records" / "alice.json").read_bytes() == before


def test_fixed_submission_graded_again(small_class, caplog):
    root, out = small_class
    cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    (root / "carol.zip").unlink()
    make_submission(root, "carol")
    caplog.set_level("INFO")
    assert cli.main([str(root), "--out", str(out)] + FAST_LIMITS) == 0
    assert "carol: the submission changed since it was found invalid" in caplog.text
    assert read_record(out, "carol")["total"] == sum(grader.POINTS.values())
    assert read_record(out, "bob")["status"] == "empty"
    assert [path.suffix for path in sorted((out / "history").iterdir())] == [".json", ".md"]


def test_regrade_keeps_history(small_class):
    root, out = small_class
    cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    before = (out / "records" / "alice.json").read_bytes()
    assert cli.main([str(root), "--out", str(out), "--regrade", "alice"] + FAST_LIMITS) == 0
    history = sorted((out / "history").iterdir())
    assert [path.suffix for path in history] == [".json", ".md"]
    assert history[0].read_bytes() == before
    assert history[0].stem == history[1].stem


def test_rerun_warns_other_limits(small_class, caplog):
    root, out = small_class
    cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    caplog.set_level("INFO")
    cli.main([str(root), "--out", str(out), "--timeout", "20"])
    assert "1 of the students already in" in caplog.text
    assert "graded with other limits than this run's (--timeout 20 " in caplog.text


def test_rerun_logs_departed_students(small_class, caplog):
    root, out = small_class
    cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    (root / "carol.zip").unlink()
    caplog.set_level("INFO")
    cli.main([str(root), "--out", str(out)] + FAST_LIMITS)
    assert ("1 student in the gradebook is no longer in SUBMISSIONS, so their rows come from "
            "earlier runs: carol") in caplog.text
    assert "carol" in [row["student"] for row in read_gradebook(out)]


def test_gradebook_log_singular(tmp_path, caplog):
    root = tmp_path / "submissions"
    root.mkdir()
    (root / "bob").mkdir()
    caplog.set_level("INFO")
    cli.main([str(root), "--out", str(tmp_path / "results")] + FAST_LIMITS)
    assert "Gradebook with 1 student written to" in caplog.text


def test_unusable_memory_limit_rejected(small_class, capsys):
    root, out = small_class
    assert cli.main([str(root), "--out", str(out), "--memory", "10"]) == 2
    error = capsys.readouterr().err
    assert "The reference solution loses points under these limits" in error
    assert "Raise --memory (now 10 MiB, default 1024 MiB)" in error
    assert list((out / "records").glob("*.json")) == []


def test_changed_cases_warning_quotes_name(tmp_path, caplog):
    root = tmp_path / "submissions"
    make_submission(root, "Jane Doe")
    results = ResultsFolder(tmp_path / "results")
    results.prepare()
    try:
        (submission,) = discover_submissions(root)
        record = {"student": "Jane Doe", "file_name": submission.file_name, "status": "graded",
                  "message": "", "total": 17.0, "max_total": 17.0, "points": {},
                  "functions": [], "graded_at": "now", "cases_sha256": "0" * 64,
                  "submission_sha256": load_submission(submission).sha256}
        results.save(record)
        table = types.SimpleNamespace(sha256="1" * 64)
        assert cli.already_graded(submission, results, table) is True
    finally:
        results.release()
    assert "use --regrade 'Jane Doe' to use the current one" in caplog.text


def test_regrade_unknown_student_rejected(small_class, capsys):
    root, out = small_class
    assert cli.main([str(root), "--out", str(out), "--regrade", "alicia"]) == 2
    assert "--regrade alicia: no such student in SUBMISSIONS. Did you mean alice?" in (
        capsys.readouterr().err)


def grade_in_subprocess(root, out, scratch, *options, stderr=subprocess.DEVNULL):
    """Start the grade command in a child process whose temporary files go to ``scratch``."""
    command = [sys.executable, "-m", "course_lib", "grade", str(root), "--out", str(out),
               "--jobs", "2", *options]
    environment = {**os.environ, "TMPDIR": str(scratch)}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=environment)


def test_killed_run_resumes_grading_each_once(tmp_path):
    root, out = tmp_path / "submissions", tmp_path / "results"
    root.mkdir()
    students = [f"student{number:02d}" for number in range(20)]
    for student in students:
        make_submission(root, student)

    (tmp_path / "scratch").mkdir()
    process = grade_in_subprocess(root, out, tmp_path / "scratch")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "records").glob("*.json"))) < 6:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first_run = {path.name: path.read_bytes() for path in (out / "records").glob("*.json")}
    assert 6 <= len(first_run) < len(students)

    assert cli.main([str(root), "--out", str(out), "--jobs", "2"]) == 0
    records = {path.name: path.read_bytes() for path in (out / "records").glob("*.json")}
    assert sorted(records) == [f"{student}.json" for student in students]
    assert all(records[name] == content for name, content in first_run.items())
    assert list((out / "history").iterdir()) == []
    assert [row["student"] for row in read_gradebook(out)] == students


def process_table():
    """Return (pid, parent pid, session id, command line) of every process that can be read."""
    table = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # The command name in parentheses may contain spaces, so split after its closing one.
        fields = stat.rsplit(")", 1)[1].split()
        table.append((int(entry.name), int(fields[1]), int(fields[3]), command))
    return table


def host_sessions(grader_pid):
    """Return the session ids of the worker hosts started by the grader process ``grader_pid``."""
    return {pid for pid, parent, _, command in process_table()
            if parent == grader_pid and b"course_lib/grading/worker.py" in command}


def processes_in_sessions(sessions):
    """Return the PIDs of the processes left in ``sessions``: hosts, workers and their children."""
    return [pid for pid, _, session, _ in process_table() if session in sessions]


@pytest.mark.parametrize("signal_number, exit_status", [
    (signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129),
])
def test_interrupted_run_stops_workers(tmp_path, signal_number, exit_status):
    root, out, scratch = tmp_path / "submissions", tmp_path / "results", tmp_path / "scratch"
    root.mkdir()
    scratch.mkdir()
    make_submission(root, "looping", "sigmoid", body="while True:\n    pass\n")
    log_path = tmp_path / "grade.log"
    with open(log_path, "w") as log:
        process = grade_in_subprocess(root, out, scratch, "--timeout", "60", "--cpu-time", "60",
                                      stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "earns full marks" not in log_path.read_text():
        time.sleep(0.02)
    time.sleep(1)

    sessions = host_sessions(process.pid)
    process.send_signal(signal_number)
    assert process.wait(timeout=20) == exit_status
    assert list((out / "records").glob("*.json")) == []
    assert list(scratch.iterdir()) == []
    assert sessions
    deadline = time.monotonic() + 5
    while processes_in_sessions(sessions) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in_sessions(sessions) == []
    log = log_path.read_text()
    assert "Interrupted: stopping the running workers" in log
    assert "ERROR" not in log
    assert log.split("to grade the remaining students\n")[1] == ""


def write_zip(path, entries):
    """Write a zip file with ``entries`` mapping names to bytes (or (bytes, mode) for links)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            if isinstance(content, tuple):
                content, mode = content
                info.external_attr = mode << 16
            archive.writestr(info, content)


def reference_entries(prefix=""):
    """Return zip entries holding the reference graded files under ``prefix``."""
    return {f"{prefix}course_lib/graded/{path.name}": path.read_bytes()
            for path in sorted(GRADED_DIR.glob("lesson*.py"))}


def load_single(path):
    """Discover and load the one submission at ``path``."""
    (submission,) = [item for item in discover_submissions(path.parent) if item.path == path]
    return load_submission(submission)


def test_zip_with_wrapping_folder_loads(tmp_path):
    write_zip(tmp_path / "alice.zip", reference_entries("alice-release/"))
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == OK
    assert sorted(loaded.files) == sorted(path.name for path in GRADED_DIR.glob("lesson*.py"))


def test_zip_sha256_recorded(tmp_path):
    write_zip(tmp_path / "alice.zip", reference_entries())
    loaded = load_single(tmp_path / "alice.zip")
    assert len(loaded.sha256["archive"]) == 64


def test_corrupt_zip_invalid(tmp_path):
    (tmp_path / "alice.zip").write_bytes(b"PK\x03\x04 this is not really a zip file")
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == INVALID
    assert "alice.zip is not a valid zip file" in loaded.message


def test_truncated_zip_invalid(tmp_path):
    write_zip(tmp_path / "full.zip", reference_entries())
    data = (tmp_path / "full.zip").read_bytes()
    (tmp_path / "full.zip").unlink()
    (tmp_path / "alice.zip").write_bytes(data[: len(data) // 2])
    assert load_single(tmp_path / "alice.zip").status == INVALID


@pytest.mark.parametrize("name", ["../evil.py", "/etc/evil.py", "a/../../evil.py",
                                  "C:/evil.py", "a\\..\\..\\evil.py"])
def test_zip_slip_invalid(tmp_path, name):
    entries = reference_entries()
    entries[name] = b"print('outside')"
    write_zip(tmp_path / "alice.zip", entries)
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == INVALID
    assert "points outside the submission" in loaded.message


def test_zip_link_leading_out_invalid(tmp_path):
    entries = reference_entries()
    entries["course_lib/graded/lesson02_sigmoid.py"] = (b"/etc/passwd", 0o120777)
    write_zip(tmp_path / "alice.zip", entries)
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == INVALID
    assert "symbolic link leading outside" in loaded.message


def test_empty_zip_empty(tmp_path):
    write_zip(tmp_path / "alice.zip", {})
    assert load_single(tmp_path / "alice.zip").status == EMPTY


def test_folder_link_leading_out_invalid(tmp_path):
    root = tmp_path / "submissions"
    graded = copy_reference(root / "alice")
    (graded / "lesson02_sigmoid.py").unlink()
    (graded / "lesson02_sigmoid.py").symlink_to(GRADED_DIR / "lesson02_sigmoid.py")
    loaded = load_single(root / "alice")
    assert loaded.status == INVALID
    assert "lesson02_sigmoid.py is a symbolic link leading outside" in loaded.message


def test_linked_submission_invalid(tmp_path):
    root = tmp_path / "submissions"
    root.mkdir()
    (root / "alice").symlink_to(COURSE_ROOT)
    (submission,) = discover_submissions(root)
    loaded = load_submission(submission)
    assert loaded.status == INVALID
    assert "symbolic link" in loaded.message


def test_folder_without_graded_files_invalid(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "README.md").write_text("my work")
    loaded = load_single(tmp_path / "alice")
    assert loaded.status == INVALID
    assert loaded.message.startswith("no graded file was found")
    assert "found 1 file and no Python file: README.md" in loaded.message


def test_missing_graded_files_lists_python_files(tmp_path):
    write_zip(tmp_path / "alice.zip", {"work/lesson1.py": b"", "work/Lesson01.py": b"",
                                       "work/notes.md": b""})
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == INVALID
    assert "found 2 Python files: work/Lesson01.py, work/lesson1.py" in loaded.message


def test_duplicate_submissions_invalid(tmp_path):
    copy_reference(tmp_path / "alice")
    write_zip(tmp_path / "alice.zip", reference_entries())
    (submission,) = discover_submissions(tmp_path)
    loaded = load_submission(submission)
    assert loaded.message == "alice and alice.zip are both submissions of alice; keep only one"
    assert loaded.student_message.startswith("two submissions were found for you")


@pytest.mark.parametrize("prefix", ["", "course-main/", "deep/Downloads/course-main/"])
def test_zip_graded_folder_any_depth(tmp_path, prefix):
    write_zip(tmp_path / "alice.zip", reference_entries(prefix))
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == OK
    assert sorted(loaded.files) == sorted(path.name for path in GRADED_DIR.glob("lesson*.py"))


@pytest.mark.parametrize("prefix", ["", "my work/", "a/b/c/"])
def test_loose_graded_files_accepted(tmp_path, prefix):
    write_zip(tmp_path / "alice.zip", {f"{prefix}{path.name}": path.read_bytes()
                                       for path in GRADED_DIR.glob("lesson*.py")})
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == OK
    assert len(loaded.files) == len(specs.GRADED_MODULES)


def test_two_graded_folders_named(tmp_path):
    entries = {**reference_entries("old/"), **reference_entries("new/course/")}
    write_zip(tmp_path / "alice.zip", entries)
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == INVALID
    assert loaded.message.startswith("graded files were found in 2 folders: "
                                     "new/course/course_lib/graded/, old/course_lib/graded/;")


def test_graded_folder_wins_over_loose(tmp_path):
    entries = {**reference_entries("release/"), "lesson02_sigmoid.py": b"broken("}
    write_zip(tmp_path / "alice.zip", entries)
    loaded = load_single(tmp_path / "alice.zip")
    assert loaded.status == OK
    assert loaded.files["lesson02_sigmoid.py"] == (GRADED_DIR / "lesson02_sigmoid.py").read_bytes()


def test_other_archive_explained(tmp_path):
    (tmp_path / "alice.tar.gz").write_bytes(b"not read")
    (submission,) = discover_submissions(tmp_path)
    loaded = load_submission(submission)
    assert submission.student == "alice"
    assert loaded.status == INVALID
    assert loaded.student_message == ("alice.tar.gz is a .tar.gz archive, but the grader reads "
                                      "only folders and .zip files; upload your work again as a "
                                      ".zip file")


def test_stray_file_not_a_submission(tmp_path, caplog):
    (tmp_path / "notes.txt").write_text("grading notes")
    assert discover_submissions(tmp_path) == []
    assert "Skipping notes.txt in SUBMISSIONS" in caplog.text


@pytest.mark.parametrize("student, expected", [
    ("alice", "alice"),
    ("alice.smith@example.org", "alice.smith@example.org"),
])
def test_safe_file_name_keeps_safe_names(student, expected):
    assert safe_file_name(student) == expected


@pytest.mark.parametrize("student", ["Jane Doe", "../escape", ".hidden", "a/b", "é"])
def test_safe_file_name_cleans_unsafe_names(student):
    name = safe_file_name(student)
    assert "/" not in name
    assert not name.startswith(".")
    assert name != safe_file_name(student + "x")


def test_safe_file_name_keeps_similar_apart():
    assert safe_file_name("a b") != safe_file_name("a_b")


@pytest.mark.parametrize("out", ["submissions/results", "submissions"])
def test_out_inside_submissions_rejected(tmp_path, capsys, out):
    (tmp_path / "submissions").mkdir()
    code = cli.main([str(tmp_path / "submissions"), "--out", str(tmp_path / out)])
    assert code == 2
    assert "the grader never writes inside SUBMISSIONS" in capsys.readouterr().err


@pytest.mark.parametrize("folder", ["course_lib", "course_lib/graded", "tests", "notebooks"])
def test_out_inside_course_source_rejected(tmp_path, capsys, folder):
    (tmp_path / "submissions").mkdir()
    code = cli.main([str(tmp_path / "submissions"), "--out", str(COURSE_ROOT / folder / "x")])
    assert code == 2
    assert "inside the course source" in capsys.readouterr().err


def test_out_containing_course_rejected(tmp_path, capsys):
    # The course folder itself, because its parent may also contain tmp_path (a clone under /tmp).
    (tmp_path / "submissions").mkdir()
    assert cli.main([str(tmp_path / "submissions"), "--out", str(COURSE_ROOT)]) == 2
    assert "contains the course folder" in capsys.readouterr().err


def test_missing_submissions_rejected(tmp_path, capsys):
    assert cli.main([str(tmp_path / "absent"), "--out", str(tmp_path / "results")]) == 2
    assert "SUBMISSIONS must be an existing folder" in capsys.readouterr().err


def test_out_existing_file_rejected(tmp_path, capsys):
    (tmp_path / "submissions").mkdir()
    (tmp_path / "grades.csv").write_text("keep me")
    code = cli.main([str(tmp_path / "submissions"), "--out", str(tmp_path / "grades.csv")])
    assert code == 2
    assert "is a file, but RESULTS must be a folder" in capsys.readouterr().err
    assert (tmp_path / "grades.csv").read_text() == "keep me"


def test_out_below_file_rejected(tmp_path, capsys):
    (tmp_path / "submissions").mkdir()
    (tmp_path / "grades.csv").write_text("keep me")
    code = cli.main([str(tmp_path / "submissions"), "--out", str(tmp_path / "grades.csv" / "x")])
    assert code == 2
    assert "cannot create the results folder" in capsys.readouterr().err


@pytest.mark.parametrize("layout", ["course_lib/graded/lesson02_sigmoid.py",
                                    ".course-release.json", "lesson02_sigmoid.py"])
def test_single_submission_as_submissions_rejected(tmp_path, capsys, layout):
    student = tmp_path / "submissions" / "alice"
    (student / layout).parent.mkdir(parents=True)
    (student / layout).write_text("")
    assert cli.main([str(student), "--out", str(tmp_path / "results")]) == 2
    error = capsys.readouterr().err
    assert "looks like one student's submission" in error
    assert f"for example {tmp_path / 'submissions'}." in error


@pytest.mark.parametrize("option, value, expected", [
    ("--timeout", "0", "expected a number above 0 and at most 86400, got '0'"),
    ("--timeout", "nan", "expected a number above 0 and at most 86400, got 'nan'"),
    ("--timeout", "inf", "expected a number above 0 and at most 86400, got 'inf'"),
    ("--cpu-time", "0", "expected a whole number from 1 to 86400, got '0'"),
    ("--cpu-time", "0.5", "expected a whole number from 1 to 86400, got '0.5'"),
    ("--memory", "0", "expected a whole number from 1 to 1048576, got '0'"),
    ("--max-output", "1e9", "expected a number above 0 and at most 1048576, got '1e9'"),
    ("--jobs", "2.5", "expected a whole number from 1 to 1024, got '2.5'"),
    ("--jobs", "0", "expected a whole number from 1 to 1024, got '0'"),
])
def test_limit_option_rejects_value(tmp_path, capsys, option, value, expected):
    with pytest.raises(SystemExit):
        cli.main([str(tmp_path), "--out", str(tmp_path / "results"), option, value])
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


def test_results_lock_rejects_second_run(tmp_path):
    first, second = ResultsFolder(tmp_path), ResultsFolder(tmp_path)
    first.prepare()
    try:
        with pytest.raises(ResultsLocked, match="Another grading run is writing to"):
            second.prepare()
    finally:
        first.release()


def test_write_atomically_leaves_no_temporary(tmp_path):
    write_atomically(tmp_path / "a.txt", "first")
    write_atomically(tmp_path / "a.txt", "second")
    assert [path.name for path in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "second"


def test_gradebook_rebuilt_from_records(tmp_path):
    results = ResultsFolder(tmp_path)
    results.prepare()
    try:
        for student, total in (("bob", 3.0), ("alice", 17.0)):
            record = {"student": student, "file_name": student, "status": "graded",
                      "message": "", "total": total, "max_total": 17.0,
                      "points": {"sigmoid": 1.0}, "functions": [], "graded_at": "now",
                      "cases_sha256": "0" * 64}
            results.save(record)
        (tmp_path / "gradebook.csv").unlink(missing_ok=True)
        assert results.rebuild_gradebook() == 2
    finally:
        results.release()
    rows = read_gradebook(tmp_path)
    assert [(row["student"], row["total"], row["sigmoid"]) for row in rows] == [
        ("alice", "17.0", "1.0"), ("bob", "3.0", "1.0")]


def test_sandbox_files_leave_out_instructor_code():
    paths = sorted(grader.support_files())
    generated = {"course_lib/__init__.py", "course_lib/graded/__init__.py"}
    assert [path for path in paths if path.startswith("course_lib/graded/")] == [
        "course_lib/graded/__init__.py"]
    for excluded in ("course_lib/grading/", "course_lib/instructor/", "course_lib/release.py",
                     "course_lib/solution_markers.py"):
        assert [path for path in paths if path.startswith(excluded)] == []
    assert all(BEGIN_SOLUTION.encode() not in grader.support_files()[path]
               for path in set(paths) - generated)


def test_sandbox_files_follow_release_rules():
    release = pytest.importorskip("course_lib.release")
    paths = grader.support_files()
    for excluded in release.INSTRUCTOR_ONLY_PATHS:
        assert [path for path in paths if path == excluded or path.startswith(excluded + "/")] == []


def test_sandbox_files_include_course_modules():
    paths = grader.support_files()
    for module in ("validation", "gradient_check", "plotting", "checks/specs", "dataset/layout"):
        assert f"course_lib/{module}.py" in paths


def test_lazy_package_exports_names():
    namespace = {}
    exec(grader.support_files()["course_lib/__init__.py"].decode(), namespace)
    assert namespace["MODULE_OF"]["check"] == ("course_lib.checks", "check")
    assert namespace["MODULE_OF"]["sigmoid"] == ("course_lib.graded.lesson02_sigmoid", "sigmoid")
    assert "GRADED_FUNCTIONS" not in namespace["MODULE_OF"]


@pytest.mark.parametrize("names, expected", [
    ((), ""),
    (("sigmoid",), "sigmoid"),
    (("sigmoid", "compute_cost"), "sigmoid and compute_cost"),
    (("a", "b", "c"), "a, b and c"),
])
def test_join_names(names, expected):
    assert join_names(names) == expected


def stopped_function(outcome, fix_first):
    """Return a function entry of a record that a limit stopped."""
    return {"function": "predict_proba", "points": 0.0, "max_points": 1.0, "outcome": outcome,
            "reason": "stopped after 10 s, the time limit for one function", "cases": [],
            "fix_first": list(fix_first)}


def test_stopped_function_says_fix_first():
    text = "\n".join(render_function(stopped_function("timeout", ["linear_forward", "sigmoid"])))
    assert "No case counted: stopped after 10 s" in text
    assert ("This function calls linear_forward and sigmoid, which also lost points: fixing "
            "linear_forward and sigmoid first may fix this function too.") in text


def test_stopped_function_without_dependency():
    text = "\n".join(render_function(stopped_function("timeout", [])))
    assert "fixing" not in text


def test_hidden_cases_leave_expected_empty():
    assert all(case.expected is None for case in HIDDEN_CASES)


def test_hidden_cases_cover_every_function():
    assert {case.function for case in HIDDEN_CASES} == set(specs.FUNCTION_NAMES)


def test_case_table_hash_is_stable():
    assert case_table.build_case_table().sha256 == case_table.build_case_table().sha256


def test_case_table_hash_changes_with_tolerance():
    changed = [dataclasses.replace(HIDDEN_CASES[0], rtol=1e-3)]
    original = case_table.build_case_table(public_cases=[], hidden_cases=HIDDEN_CASES[:1])
    edited = case_table.build_case_table(public_cases=[], hidden_cases=changed)
    assert original.sha256 != edited.sha256


def test_case_table_hidden_expected_from_reference():
    table = case_table.build_case_table(public_cases=[], hidden_cases=HIDDEN_CASES)
    sigmoid_case = table.for_function("sigmoid")[0]
    z = sigmoid_case.case.make_args()[0]
    assert sigmoid_case.case.expected == pytest.approx(1.0 / (1.0 + np.exp(-z)), rel=1e-12)


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "text", [1.0, 2.0], (np.zeros((2, 1)), 0.5),
    {"threshold": 0.8}, np.float32(1.5), np.arange(6, dtype=np.uint8).reshape(2, 3),
])
def test_wire_round_trip(value):
    decoded = wire.decode_value(wire.encode_value(value))
    assert type(decoded) is type(value)
    assert repr(decoded) == repr(value)


@pytest.mark.parametrize("value", [
    np.array([object()], dtype=object), np.zeros(2, dtype=[("a", "<f8")]), np.zeros(2, dtype="V4"),
])
def test_wire_unusual_array_unsupported(value):
    encoded = wire.encode_value(value)
    assert isinstance(wire.decode_value(encoded), wire.Unsupported)


def array_node(dtype="<f8", shape=(2,), order="C", data=bytes(16)):
    """Return an encoded ndarray node, well formed unless the arguments make it otherwise."""
    return {"type": "ndarray", "dtype": dtype, "shape": list(shape), "order": order,
            "data": base64.b64encode(data).decode("ascii")}


def test_wire_keeps_fortran_order():
    value = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    decoded = wire.decode_value(wire.encode_value(value))
    assert decoded.flags.f_contiguous
    assert np.array_equal(decoded, value)


def test_wire_decoded_array_writable():
    decoded = wire.decode_value(wire.encode_value(np.zeros((2, 1))))
    assert decoded.flags.writeable


@pytest.mark.parametrize("node, message", [
    (array_node(dtype="|O", shape=(1,), data=bytes(8)), "unsupported array dtype '\\|O'"),
    (array_node(dtype="|V8", shape=(1,), data=bytes(8)), "unsupported array dtype '\\|V8'"),
    (array_node(dtype="<U0", shape=(3,), data=b""), "items of size 0"),
    (array_node(data=bytes(15)), "15 bytes do not fill an array of shape \\(2,\\)"),
    (array_node(shape=(-2,)), "non-negative integers"),
    (array_node(order="K"), "order must be 'C' or 'F'"),
])
def test_wire_rejects_invalid_array(node, message):
    with pytest.raises(wire.WireError, match=message):
        wire.decode_value(node)


@pytest.mark.parametrize("node", [
    [], {"type": "code"}, {"type": "float", "value": "__import__('os')"},
    {"type": "ndarray", "npy": "not base64!"}, {"type": "tuple", "items": "abc"},
    dict(array_node(), data="not base64!"),
])
def test_wire_rejects_malformed(node):
    with pytest.raises(wire.WireError):
        wire.decode_value(node)


@pytest.mark.parametrize("student, expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("+1", "'+1"),
    ("-alice", "'-alice"),
    ("@bob", "'@bob"),
    ("alice", "alice"),
])
def test_spreadsheet_text_neutralizes_formulas(student, expected):
    assert spreadsheet_text(student) == expected


def sigmoid_case():
    """Return a Case for sigmoid on a (1, 3) array with its expected output."""
    z = np.array([[-1.0, 0.0, 2.0]])
    return Case("sigmoid", "three values", lambda: (z.copy(),), expected=1.0 / (1.0 + np.exp(-z)))


@pytest.mark.parametrize("got, expected", [
    ([0.1, 0.5, 0.9], "s has the wrong type"),
    (np.zeros((3, 1)), "s has the wrong shape"),
    (np.zeros((1, 3), dtype=np.float32), "s has the wrong dtype"),
    (np.full((1, 3), np.nan), "s contains nan or inf"),
    (np.zeros((1, 3)), "s has the wrong values"),
])
def test_hidden_mismatch_names_category_only(got, expected):
    assert find_mismatch(got, sigmoid_case()) == expected


@pytest.mark.parametrize("got", [1, np.float32(0.5), np.array([[0.5]])],
                         ids=["int", "float32", "array"])
def test_hidden_mismatch_float_output_wrong_type(got):
    case = Case("compute_cost", "a cost", lambda: (), expected=0.5)
    assert find_mismatch(got, case) == "cost has the wrong type"


def test_hidden_mismatch_float64_output_none():
    case = Case("compute_cost", "a cost", lambda: (), expected=0.5)
    assert find_mismatch(np.float64(0.5), case) is None


def test_hidden_mismatch_within_tolerance_none():
    case = sigmoid_case()
    assert find_mismatch(case.expected * (1 + 1e-9), case) is None


@pytest.fixture
def worker_settings(tmp_path):
    """Sandbox settings with a private scratch folder; closes the worker hosts afterwards."""
    scratch = tmp_path / "scratch"
    (scratch / "public").mkdir(parents=True)
    for folder in (scratch, scratch / "public"):
        folder.chmod(0o711)
    yield runner.SandboxSettings(runner.Limits(timeout_seconds=10, cpu_seconds=10),
                                 (str(COURSE_ROOT),), str(scratch))
    runner.close_worker_hosts()


def reference_graded_files():
    """Return {graded file name: bytes} of the instructor's reference solution."""
    return {path.name: path.read_bytes() for path in sorted(GRADED_DIR.glob("lesson*.py"))}


def lost_points(results):
    """Return the graded functions of ``results`` that earned less than their points."""
    return [result.function for result in results if result.points < result.max_points]


def test_host_grades_submissions_in_turn(worker_settings):
    table = case_table.build_case_table()
    first = grader.grade_functions(reference_graded_files(), table, worker_settings)
    host = runner.THREAD_HOST.host
    second = grader.grade_functions(reference_graded_files(), table, worker_settings)
    assert runner.THREAD_HOST.host is host
    assert host.is_running()
    assert lost_points(first) == []
    assert lost_points(second) == []


def test_worker_host_exits_when_closed(worker_settings):
    grader.grade_functions(reference_graded_files(), case_table.build_case_table(),
                           worker_settings)
    host = runner.THREAD_HOST.host
    runner.close_worker_hosts()
    assert host.process.returncode == 0


def test_worker_host_replaced_after_kill(worker_settings):
    table = case_table.build_case_table()
    grader.grade_functions(reference_graded_files(), table, worker_settings)
    killed = runner.THREAD_HOST.host
    os.killpg(killed.process.pid, signal.SIGKILL)
    killed.process.wait()
    results = grader.grade_functions(reference_graded_files(), table, worker_settings)
    assert runner.THREAD_HOST.host is not killed
    assert lost_points(results) == []


def test_host_inputs_survive_earlier_mutation(worker_settings):
    table = case_table.build_case_table()
    files = reference_graded_files()
    changing = replace_solution(files[module_file("sigmoid")].decode(), "sigmoid",
                                "s = 1 / (1 + np.exp(-z))\nz[...] = 7\nreturn s\n")
    changed = grader.grade_functions({**files, module_file("sigmoid"): changing.encode()},
                                     table, worker_settings)
    after = grader.grade_functions(files, table, worker_settings)
    assert "sigmoid" in lost_points(changed)
    assert lost_points(after) == []


def test_host_timeout_starts_new_host(worker_settings, monkeypatch):
    table = case_table.build_case_table()
    files = reference_graded_files()
    grader.grade_functions(files, table, worker_settings)
    stuck = runner.THREAD_HOST.host
    # This margin leaves the worker 10 ms in all, far less than it needs to start.
    all_timeouts = worker_settings.limits.timeout_seconds * len(specs.FUNCTION_NAMES)
    monkeypatch.setattr(runner, "WORKER_MARGIN_SECONDS", 0.01 - all_timeouts)
    results = grader.grade_functions(files, table, worker_settings)
    assert {result.outcome for result in results} == {"timeout"}
    assert stuck.process.returncode == -signal.SIGKILL

    monkeypatch.undo()
    again = grader.grade_functions(files, table, worker_settings)
    assert lost_points(again) == []


def test_worker_rejects_other_setup(worker_settings):
    table = case_table.build_case_table()
    setup = grader.worker_setup(table, worker_settings)
    host = runner.thread_host()
    assert host.load_setup(setup)
    other = dataclasses.replace(setup, key="0" * 64)
    host.setup_key = other.key
    module = specs.MODULE_OF["sigmoid"]
    reports = runner.run_worker(other, [("sigmoid", module)],
                                {f"course_lib/graded/{module_file('sigmoid')}": b""})
    assert reports[0]["outcome"] == "worker_error"
    assert "another setup" in reports[0]["detail"]


def test_worker_reports_unreadable_setup(worker_settings):
    setup = runner.WorkerSetup(worker_settings, b"not JSON", "1" * 64)
    module = specs.MODULE_OF["sigmoid"]
    reports = runner.run_worker(setup, [("sigmoid", module)],
                                {f"course_lib/graded/{module_file('sigmoid')}": b""})
    assert reports[0]["outcome"] == "worker_error"
    assert "no valid setup" in reports[0]["detail"]


def support_imports(path):
    """Return the course_lib modules outside ``course_lib.graded`` that a graded file imports."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "course_lib":
            modules.update(f"course_lib.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {module for module in modules
            if module.startswith("course_lib.") and not module.startswith("course_lib.graded")}


def test_preloaded_modules_cover_reference_imports():
    imported = set().union(*(support_imports(path) for path in GRADED_DIR.glob("lesson*.py")))
    assert set(grader.PRELOADED_MODULES) == {"course_lib", "course_lib.graded"} | imported


def grade_changed_lesson(settings, change):
    """Grade the reference with cross_entropy_loss's file passed through ``change``.

    Returns
    -------
    result : grader.FunctionResult
        The result of cross_entropy_loss.
    text : str
        The changed file.
    """
    files = reference_graded_files()
    name = module_file("cross_entropy_loss")
    text = change(files[name].decode())
    results = grader.grade_functions({**files, name: text.encode()},
                                     case_table.build_case_table(), settings)
    (result,) = [result for result in results if result.function == "cross_entropy_loss"]
    return result, text


def test_printing_at_import_names_output_limit(worker_settings):
    result, _ = grade_changed_lesson(worker_settings,
                                     lambda text: text + '\n\nprint("x" * 5_000_000)\n')
    assert result.outcome == "output_limit"
    assert "4 MiB" in result.reason


def test_syntax_error_names_line_once(worker_settings):
    result, text = grade_changed_lesson(worker_settings,
                                        lambda text: text + "\n\nbroken = (1, 2))\n")
    last_line = text.count("\n")
    assert result.outcome == "import_error"
    assert result.reason.count(f"line {last_line}") == 1
    assert result.reason.count(module_file("cross_entropy_loss")) == 1
    assert result.reason.endswith("unmatched ')'")


def test_results_in_course_folder_warned(tmp_path, caplog):
    root = tmp_path / "submissions"
    root.mkdir()
    out = COURSE_ROOT / "grading-test-results"
    with caplog.at_level(logging.WARNING, logger="course_lib.grading.cli"):
        cli.check_folders(root, out)
    assert f"--out {out} is inside the course folder and not ignored by git" in caplog.text


@pytest.mark.parametrize("folder", ["results/week1", "build/grading-test-results"])
def test_results_in_ignored_folder_not_warned(tmp_path, caplog, folder):
    root = tmp_path / "submissions"
    root.mkdir()
    with caplog.at_level(logging.WARNING, logger="course_lib.grading.cli"):
        cli.check_folders(root, COURSE_ROOT / folder)
    assert "inside the course folder" not in caplog.text


def test_loop_at_import_names_import(worker_settings):
    settings = dataclasses.replace(worker_settings, limits=runner.Limits(timeout_seconds=1))
    result, _ = grade_changed_lesson(settings, lambda text: text + "\n\nwhile True:\n    pass\n")
    assert result.outcome == "timeout"
    assert result.reason.endswith(
        f", while importing course_lib/graded/{module_file('cross_entropy_loss')}")


def test_loop_in_function_reason_without_import(worker_settings):
    settings = dataclasses.replace(worker_settings, limits=runner.Limits(timeout_seconds=1))
    result, _ = grade_changed_lesson(settings, lambda text: replace_solution(
        text, "cross_entropy_loss", "while True:\n    pass\n"))
    assert result.outcome == "timeout"
    assert "while importing" not in result.reason


def test_default_jobs_one_above_cores():
    arguments = cli.build_parser().parse_args(["submissions", "--out", "results"])
    assert arguments.jobs == cli.usable_cores() + 1
