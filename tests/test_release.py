"""Tests of the student release built from this repository.

The release is built once per module from the real course source.  Code that
must import the student's ``course_lib`` runs in a subprocess or kernel with
``PYTHONPATH=<release>``, because this virtual environment has the
instructor's ``course_lib`` installed in editable mode.
"""

import ast
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_lib import release
from course_lib.graded import __all__ as GRADED_FUNCTIONS
from course_lib.release import RELEASE_MARKER, ReleaseError, build_release
from course_lib.solution_markers import (
    BEGIN_SOLUTION,
    MARKERS,
    STUB_COMMENT,
    SolutionMarkerError,
    find_solution_regions,
)

pytestmark = pytest.mark.filterwarnings("error")

SOURCE_ROOT = release.SOURCE_ROOT
GRADED_MODULES = sorted((SOURCE_ROOT / "course_lib" / "graded").glob("lesson*.py"))
NOTEBOOKS = sorted((SOURCE_ROOT / "notebooks").glob("*.ipynb"))
ASSETS = sorted(path for path in (SOURCE_ROOT / "assets").rglob("*") if path.is_file())
WELCOME_NOTEBOOK = "00_welcome.ipynb"
STUB_MESSAGE = re.compile(r"Implement (\w+) in (course_lib/graded/\w+\.py): ")
NOTEBOOK_TIMEOUT = 300
# A line that only stores the result of calling a graded function on plain
# names, such as "A = sigmoid(Z)", shows how to use the function, not how to
# write it, so notebooks may contain it.
# NumPy idioms that any numerical code uses, and that give nothing away.
GENERIC_LINES = {'with np.errstate(divide="ignore"):'}
USAGE_LINE = re.compile(
    r"^[A-Za-z_][\w, ]* = (?:" + "|".join(GRADED_FUNCTIONS) + r")\([\w, .=]*\)$"
)

# Paths that must never ship, relative to the repository root.
INSTRUCTOR_ONLY_PATHS = [
    "course_lib/instructor",
    "course_lib/grading",
    "course_lib/release.py",
    "course_lib/solution_markers.py",
    "tests",
    "benchmarks",
    "docs",
]
STUDENT_FILES = [
    "README.md",
    "Makefile",
    ".gitignore",
    "pyproject.toml",
    "environment.yml",
    RELEASE_MARKER,
]

# Calls every graded function with arguments that pass its input checks, so
# that the call reaches a stub, and prints the outcome of each call as JSON.
CALL_STUBS_SCRIPT = """
import json
import numpy as np
import course_lib

w, b, X, Y = np.ones((2, 1)), 0.5, np.ones((2, 3)), np.array([[1, 0, 1]])
ARGUMENTS = {
    "flatten_images": (np.zeros((2, 4, 4, 3), dtype=np.uint8),),
    "scale_pixels": (np.zeros((3, 2)),),
    "initialize_parameters": (3,),
    "linear_forward": (w, b, X),
    "sigmoid": (0.0,),
    "sigmoid_derivative": (0.0,),
    "squared_error_loss": (0.5, 1.0),
    "cross_entropy_loss": (0.5, 1.0),
    "compute_cost": (w, b, X, Y),
    "compute_gradients": (w, b, X, Y),
    "gradient_descent": (w, b, X, Y, 0.1, 2),
    "predict_proba": (w, b, X),
    "predict": (w, b, X),
    "accuracy": (Y, Y),
}
outcomes = {}
for name, arguments in ARGUMENTS.items():
    try:
        getattr(course_lib, name)(*arguments)
        outcomes[name] = ["returned", ""]
    except Exception as error:
        outcomes[name] = [type(error).__name__, str(error)]
print(json.dumps(outcomes))
"""

# Prints the public check results as JSON, or why run_checks cannot be imported.
RUN_CHECKS_SCRIPT = """
import json
try:
    from course_lib.checks import run_checks
except ImportError as error:
    print(json.dumps({"unavailable": str(error)}))
else:
    results = [[result.function, result.status, result.message] for result in run_checks()]
    print(json.dumps({"results": results}))
"""

GOOD_GRADED = "def f(x):\n    ### BEGIN SOLUTION\n    y = x\n    ### END SOLUTION\n    return y\n"
BROKEN_GRADED = "def f(x):\n    ### BEGIN SOLUTION\n    y = x\n    return y\n"
STUDENT_CODE = "def f(x):\n    return x\n"


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    """A student release built from this repository."""
    return build_release(tmp_path_factory.mktemp("release") / "release")


def run_in_release(folder, script):
    """Run ``script`` with ``folder`` first on the import path and return its JSON output."""
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def skip_without_run_checks(output):
    """Skip the calling test if the release's ``course_lib.checks`` has no ``run_checks``."""
    if "unavailable" in output:
        pytest.skip(f"course_lib.checks.run_checks is not available yet: {output['unavailable']}")


def release_files(folder):
    """Return the relative names of all files under ``folder``."""
    paths = (path for path in folder.rglob("*") if path.is_file())
    return sorted(path.relative_to(folder).as_posix() for path in paths)


def text_lines(path):
    """Return the lines of a file: cell sources for a notebook, none for a binary file."""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return [line for cell in notebook.cells for line in cell.source.splitlines()]
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def is_instructor_only(name):
    """Return True if the relative path ``name`` is in or under an instructor-only path."""
    return any(name == path or name.startswith(path + "/") for path in INSTRUCTOR_ONLY_PATHS)


def source_texts():
    """Yield (location, text) for each shipped Python file and notebook code cell of the source."""
    for path in sorted((SOURCE_ROOT / "course_lib").rglob("*.py")):
        name = path.relative_to(SOURCE_ROOT).as_posix()
        if not is_instructor_only(name):
            yield name, path.read_text(encoding="utf-8")

    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for number, cell in enumerate(notebook.cells, start=1):
            if cell.cell_type == "code":
                yield f"notebooks/{path.name}, cell {number}", cell.source


def solution_lines():
    """Return {stripped line: source location} for every non-blank line inside a solution region.

    A line that a graded module also shows outside its regions, such as
    ``Z = linear_forward(w, b, X)`` before the region of ``predict_proba``, is
    left out, because the author gives it to students on purpose, and so is a
    usage line that matches ``USAGE_LINE``.
    """
    secret_lines, given_lines = {}, set()
    for name, text in source_texts():
        lines = text.splitlines()
        inside_regions = set()
        for region in find_solution_regions(text, name):
            inside_regions.update(range(region.begin_line, region.end_line + 1))
            for number in range(region.begin_line + 1, region.end_line):
                if lines[number - 1].strip():
                    secret_lines.setdefault(lines[number - 1].strip(), f"{name}:{number}")

        if name.startswith("course_lib/graded/"):
            numbered = enumerate(lines, start=1)
            given_lines.update(line.strip() for number, line in numbered if number not in inside_regions)
    return {
        line: where
        for line, where in secret_lines.items()
        if line not in given_lines and line not in GENERIC_LINES and not USAGE_LINE.match(line)
    }


def find_function(path, name):
    """Return the ``ast.FunctionDef`` of the top-level function ``name`` in the file at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = (node for node in tree.body if isinstance(node, ast.FunctionDef))
    return next(node for node in functions if node.name == name)


def graded_functions_with_regions():
    """Return (module file name, function name) for every graded function with a solution region."""
    pairs = []
    for path in GRADED_MODULES:
        text = path.read_text(encoding="utf-8")
        for node in ast.parse(text).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            if BEGIN_SOLUTION in ast.get_source_segment(text, node):
                pairs.append((path.name, node.name))
    return pairs


def stub_messages(function_node):
    """Return the string messages of the ``raise NotImplementedError(...)`` statements in a function."""
    messages = []
    for node in ast.walk(function_node):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        if getattr(node.exc.func, "id", None) == "NotImplementedError":
            messages.append(node.exc.args[0].value)
    return messages


def is_stub_at(lines, index):
    """Return True if ``lines[index]`` starts a two-line stub: the comment, then the raise."""
    return (
        lines[index].strip() == STUB_COMMENT
        and index + 1 < len(lines)
        and lines[index + 1].lstrip().startswith("raise NotImplementedError(")
    )


def paste_solutions(source_text, release_text, name):
    """Replace each stub of ``release_text`` with the matching solution region of ``source_text``."""
    source_lines = source_text.splitlines(keepends=True)
    regions = find_solution_regions(source_text, name)
    bodies = [source_lines[region.begin_line : region.end_line - 1] for region in regions]

    release_lines = release_text.splitlines(keepends=True)
    pasted = []
    index = 0
    while index < len(release_lines):
        if is_stub_at(release_lines, index):
            pasted.extend(bodies.pop(0))
            index += 2
        else:
            pasted.append(release_lines[index])
            index += 1

    assert bodies == [], f"{name}: {len(bodies)} solution regions have no stub in the release"
    return "".join(pasted)


def uses_graded_function(notebook_path):
    """Return True if a code cell of the notebook names a graded function outside string literals."""
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        masked = "\n".join(re.sub(r"^(\s*)[%!].*", r"\1pass", line) for line in cell.source.splitlines())
        try:
            tree = ast.parse(masked)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = {getattr(node, "id", None), getattr(node, "attr", None), getattr(node, "name", None)}
            if names & set(GRADED_FUNCTIONS):
                return True
    return False


def make_source_tree(root, graded_text):
    """Write a minimal course source whose one graded module contains ``graded_text``."""
    (root / "course_lib" / "graded").mkdir(parents=True)
    (root / "course_lib" / "__init__.py").write_text("", encoding="utf-8")
    (root / "course_lib" / "graded" / "lesson01_demo.py").write_text(graded_text, encoding="utf-8")
    pyproject = '[project]\nname = "demo"\nversion = "9.9"\n'
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / "environment.yml").write_text("name: demo\n", encoding="utf-8")
    return root


def test_release_has_no_solution_line(release_dir):
    secret_lines = solution_lines()
    leaks = []
    for name in release_files(release_dir):
        for number, line in enumerate(text_lines(release_dir / name), start=1):
            if line.strip() in secret_lines:
                source = secret_lines[line.strip()]
                leaks.append(f"{name}:{number} repeats {source}: {line.strip()!r}")

    assert secret_lines, "the source has no solution regions, so this test checks nothing"
    assert leaks == []


def test_release_has_no_marker_text(release_dir):
    files_with_markers = [
        name
        for name in release_files(release_dir)
        if any(marker.encode() in (release_dir / name).read_bytes() for marker in MARKERS)
    ]

    assert files_with_markers == []


@pytest.mark.parametrize("path", INSTRUCTOR_ONLY_PATHS)
def test_release_leaves_out_instructor_path(release_dir, path):
    assert not (release_dir / path).exists()


def test_release_has_no_hidden_cases(release_dir):
    mentions = [
        name
        for name in release_files(release_dir)
        if any("hidden_cases" in line.lower() for line in text_lines(release_dir / name))
    ]

    assert mentions == []


def test_release_has_no_bytecode(release_dir):
    names = release_files(release_dir)

    assert [name for name in names if "__pycache__" in name or name.endswith(".pyc")] == []


@pytest.mark.parametrize("path", STUDENT_FILES)
def test_release_has_student_file(release_dir, path):
    assert (release_dir / path).is_file()


def test_release_makefile_has_lab_target(release_dir):
    makefile = (release_dir / "Makefile").read_text(encoding="utf-8")

    assert re.search(r"^lab:", makefile, flags=re.MULTILINE)


@pytest.mark.parametrize("path", ASSETS, ids=lambda path: path.relative_to(SOURCE_ROOT).as_posix())
def test_release_copies_asset(release_dir, path):
    copy = release_dir / path.relative_to(SOURCE_ROOT)

    assert copy.read_bytes() == path.read_bytes()


def test_release_manifest_hashes_match(release_dir):
    manifest = json.loads((release_dir / RELEASE_MARKER).read_text(encoding="utf-8"))
    hashes = {
        name: hashlib.sha256((release_dir / name).read_bytes()).hexdigest() for name in manifest["files"]
    }
    unlisted = [name for name in release_files(release_dir) if name not in manifest["files"]]

    assert unlisted == [RELEASE_MARKER]
    assert manifest["files"] == hashes


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_release_notebook_has_no_outputs(release_dir, path):
    notebook = nbformat.read(release_dir / "notebooks" / path.name, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]

    assert [cell.outputs for cell in code_cells] == [[] for _ in code_cells]
    assert [cell.execution_count for cell in code_cells] == [None for _ in code_cells]
    assert "widgets" not in notebook.metadata


@pytest.mark.parametrize("module_name, function", graded_functions_with_regions())
def test_stub_keeps_signature_and_docstring(release_dir, module_name, function):
    source = find_function(SOURCE_ROOT / "course_lib" / "graded" / module_name, function)
    stub = find_function(release_dir / "course_lib" / "graded" / module_name, function)

    assert ast.dump(stub.args) == ast.dump(source.args)
    assert ast.get_docstring(stub, clean=False) == ast.get_docstring(source, clean=False)
    assert [ast.dump(node) for node in stub.decorator_list] == [
        ast.dump(node) for node in source.decorator_list
    ]


@pytest.mark.parametrize("module_name, function", graded_functions_with_regions())
def test_stub_raise_names_function_and_file(release_dir, module_name, function):
    stub = find_function(release_dir / "course_lib" / "graded" / module_name, function)
    expected_start = f"Implement {function} in course_lib/graded/{module_name}: "

    messages = stub_messages(stub)

    assert messages
    assert [message for message in messages if not message.startswith(expected_start)] == []


def test_stub_calls_raise_not_implemented(release_dir):
    """Each graded function raises NotImplementedError naming a graded function and its file.

    The named function may be one that the called function uses first, for
    example ``predict`` calls ``predict_proba`` before its own stub.
    """
    defined_pairs = {
        (f"course_lib/graded/{module_name}", function)
        for module_name, function in graded_functions_with_regions()
    }

    outcomes = run_in_release(release_dir, CALL_STUBS_SCRIPT)
    problems = []
    for name, (error_type, message) in outcomes.items():
        match = STUB_MESSAGE.match(message)
        if error_type != "NotImplementedError" or match is None:
            problems.append(f"{name}: {error_type} {message!r}")
            continue
        named_function, named_file = match.groups()
        if (named_file, named_function) not in defined_pairs:
            problems.append(f"{name}: the message names {named_function} in {named_file}, which lacks it")

    assert sorted(outcomes) == sorted(GRADED_FUNCTIONS)
    assert problems == []


def test_release_checks_report_not_implemented(release_dir):
    output = run_in_release(release_dir, RUN_CHECKS_SCRIPT)
    skip_without_run_checks(output)
    results = output["results"]
    implemented = [
        f"{function}: {status}" for function, status, _ in results if status != "not implemented"
    ]

    assert {function for function, _, _ in results} == set(GRADED_FUNCTIONS)
    assert implemented == []


@pytest.mark.parametrize("path", GRADED_MODULES, ids=lambda path: path.name)
def test_round_trip_restores_source(release_dir, path):
    name = f"course_lib/graded/{path.name}"
    source_text = path.read_text(encoding="utf-8")
    source_lines = source_text.splitlines(keepends=True)

    pasted = paste_solutions(source_text, (release_dir / name).read_text(encoding="utf-8"), name)

    assert pasted == "".join(line for line in source_lines if line.strip() not in MARKERS)


def test_round_trip_passes_checks(release_dir, tmp_path):
    completed = shutil.copytree(release_dir, tmp_path / "completed")
    for path in GRADED_MODULES:
        name = f"course_lib/graded/{path.name}"
        stubbed_text = (completed / name).read_text(encoding="utf-8")
        solved_text = paste_solutions(path.read_text(encoding="utf-8"), stubbed_text, name)
        (completed / name).write_text(solved_text, encoding="utf-8")

    output = run_in_release(completed, RUN_CHECKS_SCRIPT)
    skip_without_run_checks(output)
    results = output["results"]
    not_passed = [
        f"{function}: {status}: {message}" for function, status, message in results if status != "passed"
    ]

    assert {function for function, _, _ in results} == set(GRADED_FUNCTIONS)
    assert not_passed == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_release_notebook_stops_at_first_exercise(release_dir, path, monkeypatch):
    """A notebook that uses a graded function stops with a message naming the file to edit.

    The welcome notebook, and any notebook that uses no graded function, must
    run through.
    """
    monkeypatch.setenv("PYTHONPATH", str(release_dir))
    notebook_path = release_dir / "notebooks" / path.name
    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=NOTEBOOK_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook_path.parent)}},
    )
    if path.name == WELCOME_NOTEBOOK or not uses_graded_function(path):
        client.execute()
        return

    with pytest.raises(CellExecutionError) as caught:
        client.execute()

    error = caught.value
    assert error.ename == "NotImplementedError", f"{error.ename}: {error.evalue}"
    match = STUB_MESSAGE.search(error.evalue)
    assert match is not None, error.evalue
    assert (release_dir / match.group(2)).is_file()


def test_build_rejects_nonempty_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")

    message = r"is not empty\. Choose a new or empty folder, or pass --force"
    with pytest.raises(ReleaseError, match=message):
        build_release(out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_force_keeps_folder_without_marker(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")

    with pytest.raises(ReleaseError, match=r"has no \.course-release\.json and may hold someone's work"):
        build_release(out, force=True)
    assert os.listdir(out) == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_force_replaces_unchanged_release(tmp_path):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    out = build_release(tmp_path / "out", source_root=source)
    (out / "course_lib" / "__pycache__").mkdir()
    (out / "course_lib" / "__pycache__" / "demo.cpython-311.pyc").write_bytes(b"\0")
    (source / "course_lib" / "extra.py").write_text("VALUE = 1\n", encoding="utf-8")

    build_release(out, source_root=source, force=True)

    assert (out / "course_lib" / "extra.py").is_file()
    assert not (out / "course_lib" / "__pycache__").exists()
    assert sorted(os.listdir(tmp_path)) == ["out", "source"]


@pytest.mark.parametrize("student_file", ["course_lib/graded/lesson01_demo.py", "notes/my_notes.py"])
def test_force_keeps_student_work(tmp_path, student_file):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    out = build_release(tmp_path / "out", source_root=source)
    (out / student_file).parent.mkdir(exist_ok=True)
    (out / student_file).write_text(STUDENT_CODE, encoding="utf-8")

    message = r"--force would delete work in .*: 1 files were added or edited"
    with pytest.raises(ReleaseError, match=message):
        build_release(out, source_root=source, force=True)
    assert (out / student_file).read_text(encoding="utf-8") == STUDENT_CODE


def test_force_keeps_folder_with_damaged_marker(tmp_path):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    out = build_release(tmp_path / "out", source_root=source)
    (out / RELEASE_MARKER).write_text("{}", encoding="utf-8")

    with pytest.raises(ReleaseError, match=r"was left as it is"):
        build_release(out, source_root=source, force=True)
    assert (out / "course_lib" / "graded" / "lesson01_demo.py").is_file()


def test_failed_build_leaves_folder_unchanged(tmp_path):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    out = build_release(tmp_path / "out", source_root=source)
    before = {name: (out / name).read_bytes() for name in release_files(out)}
    (source / "course_lib" / "graded" / "lesson01_demo.py").write_text(BROKEN_GRADED, encoding="utf-8")

    message = r"^course_lib/graded/lesson01_demo\.py:2: .* has no matching"
    with pytest.raises(SolutionMarkerError, match=message):
        build_release(out, source_root=source, force=True)

    assert {name: (out / name).read_bytes() for name in release_files(out)} == before
    assert sorted(os.listdir(tmp_path)) == ["out", "source"]


def test_failed_first_build_leaves_nothing(tmp_path):
    source = make_source_tree(tmp_path / "source", BROKEN_GRADED)

    with pytest.raises(SolutionMarkerError):
        build_release(tmp_path / "out", source_root=source)

    assert os.listdir(tmp_path) == ["source"]


def test_build_rejects_instructor_import(tmp_path):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    helper = "from course_lib.grading import hidden_cases\n"
    (source / "course_lib" / "helpers.py").write_text(helper, encoding="utf-8")

    with pytest.raises(ReleaseError, match=r"course_lib/helpers\.py imports course_lib\.grading"):
        build_release(tmp_path / "out", source_root=source)


def test_build_rejects_invalid_python(tmp_path):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    (source / "course_lib" / "broken.py").write_text("def f(:\n", encoding="utf-8")

    with pytest.raises(ReleaseError, match=r"course_lib/broken\.py is not valid Python"):
        build_release(tmp_path / "out", source_root=source)


@pytest.mark.parametrize(
    "out_name, message",
    [
        ("source", "contains the course source"),
        (".", "contains the course source"),
        ("source/course_lib/copy", "is inside .*course_lib, which the release copies"),
        ("source/notebooks", "is inside .*notebooks, which the release copies"),
    ],
)
def test_build_rejects_out_over_source(tmp_path, out_name, message):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)

    with pytest.raises(ReleaseError, match=message):
        build_release(tmp_path / out_name, source_root=source)


def test_build_rejects_source_without_pyproject(tmp_path):
    source = make_source_tree(tmp_path / "source", GOOD_GRADED)
    (source / "pyproject.toml").unlink()

    with pytest.raises(ReleaseError, match=r"is not the course source: .*pyproject\.toml not found"):
        build_release(tmp_path / "out", source_root=source)


def test_main_logs_error_and_returns_one(tmp_path, caplog):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine\n", encoding="utf-8")

    with caplog.at_level(logging.ERROR, logger="course_lib.release"):
        status = release.main(["--out", str(tmp_path / "out")])

    assert status == 1
    assert "is not empty" in caplog.text
