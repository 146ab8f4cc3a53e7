"""Tests of the strict solution-region parser and of the stubs that replace regions."""

import ast
import textwrap
from pathlib import Path

import pytest

from course_lib.solution_markers import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    SolutionMarkerError,
    SolutionRegion,
    find_solution_regions,
    strip_solutions,
)

pytestmark = pytest.mark.filterwarnings("error")

GRADED_DIR = Path(__file__).resolve().parents[1] / "course_lib" / "graded"
GRADED_FILES = sorted(GRADED_DIR.glob("lesson*.py"))

TWO_FUNCTIONS = textwrap.dedent(
    '''\
    def double(x):
        """Return 2 x."""
        ### BEGIN SOLUTION
        y = 2 * x
        ### END SOLUTION
        return y


    def halve(x):
        if x:
                ### BEGIN SOLUTION
                y = x / 2
                ### END SOLUTION
        return y
    '''
)

TWO_FUNCTIONS_STRIPPED = textwrap.dedent(
    '''\
    def double(x):
        """Return 2 x."""
        # YOUR CODE HERE
        raise NotImplementedError("Implement double in pkg/demo.py: replace '# YOUR CODE HERE' and this raise statement with your code.")
        return y


    def halve(x):
        if x:
                # YOUR CODE HERE
                raise NotImplementedError("Implement halve in pkg/demo.py: replace '# YOUR CODE HERE' and this raise statement with your code.")
        return y
    '''
)

MALFORMED_CASES = [
    pytest.param(
        "def f():\n    ### BEGIN SOLUTION\n    x = 1\n    return x\n",
        r"^demo\.py:2: '### BEGIN SOLUTION' has no matching '### END SOLUTION'",
        id="unclosed",
    ),
    pytest.param(
        "def f():\n    ### BEGIN SOLUTION\n    x = 1\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n",
        r"^demo\.py:4: '### BEGIN SOLUTION' inside the solution region opened at line 2",
        id="nested",
    ),
    pytest.param(
        "def f():\n    x = 1\n    ### END SOLUTION\n",
        r"^demo\.py:3: '### END SOLUTION' without an open '### BEGIN SOLUTION'",
        id="stray-end",
    ),
    pytest.param(
        "def f():\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\n    ### END SOLUTION\n",
        r"^demo\.py:5: '### END SOLUTION' without an open",
        id="second-end",
    ),
    pytest.param(
        "def f():\n    x = 1  ### BEGIN SOLUTION\n",
        r"^demo\.py:2: the marker '### BEGIN SOLUTION' must be alone on its line",
        id="marker-after-code",
    ),
    pytest.param(
        '"""Regions start at ``### END SOLUTION``."""\n',
        r"^demo\.py:1: the marker '### END SOLUTION' must be alone on its line",
        id="marker-in-docstring",
    ),
    pytest.param(
        "def f():\n    #### BEGIN SOLUTION\n",
        r"^demo\.py:2: the marker '### BEGIN SOLUTION' must be alone on its line",
        id="extra-hash",
    ),
    pytest.param(
        "def f():\n    ### BEGIN SOLUTION\n    x = 1\n### END SOLUTION\n",
        r"^demo\.py:4: '### END SOLUTION' is indented '' but its '### BEGIN SOLUTION' at line 2",
        id="end-indent-differs",
    ),
    pytest.param(
        "def f():\n    ### BEGIN SOLUTION\n    x = 1\nx = 2\n    ### END SOLUTION\n",
        r"^demo\.py:4: this line of the solution region opened at line 2 is indented less",
        id="line-leaves-block",
    ),
]


def test_find_regions_lines_and_indent():
    regions = find_solution_regions(TWO_FUNCTIONS, "pkg/demo.py")

    assert regions == [SolutionRegion(3, 5, "    "), SolutionRegion(11, 13, "            ")]


def test_find_regions_none_in_plain_code():
    assert find_solution_regions("x = 1\n# BEGIN SOLUTION in prose\n", "demo.py") == []


def test_find_regions_allows_trailing_whitespace():
    text = f"def f():\n    {BEGIN_SOLUTION}  \n    x = 1\n    {END_SOLUTION}\t\n"

    assert find_solution_regions(text, "demo.py") == [SolutionRegion(2, 4, "    ")]


@pytest.mark.parametrize("text, message", MALFORMED_CASES)
def test_find_regions_malformed_raises(text, message):
    with pytest.raises(SolutionMarkerError, match=message):
        find_solution_regions(text, "demo.py")


@pytest.mark.parametrize("text, message", MALFORMED_CASES)
def test_strip_solutions_malformed_raises(text, message):
    with pytest.raises(SolutionMarkerError, match=message):
        strip_solutions(text, "demo.py")


def test_marker_error_is_value_error():
    with pytest.raises(ValueError):
        find_solution_regions(f"{END_SOLUTION}\n", "demo.py")


def test_marker_error_names_notebook_cell():
    with pytest.raises(SolutionMarkerError, match=r"^nb\.ipynb, cell 4, line 2: ") as caught:
        find_solution_regions(f"x = 1\n{BEGIN_SOLUTION}\n", "nb.ipynb", cell=4)

    assert (caught.value.path, caught.value.cell, caught.value.line_number) == ("nb.ipynb", 4, 2)


def test_strip_solutions_two_functions():
    assert strip_solutions(TWO_FUNCTIONS, "pkg/demo.py") == TWO_FUNCTIONS_STRIPPED


def test_strip_solutions_without_regions_unchanged():
    text = "%matplotlib inline\nthis is not Python {\n"

    assert strip_solutions(text, "nb.ipynb") is text


def test_strip_solutions_names_innermost_function():
    text = textwrap.dedent(
        """\
        def outer():
            def inner(x):
                ### BEGIN SOLUTION
                return x
                ### END SOLUTION
            return inner
        """
    )

    assert "Implement inner in demo.py:" in strip_solutions(text, "demo.py")


def test_strip_solutions_names_outer_after_nested():
    text = textwrap.dedent(
        """\
        def outer():
            def inner(x):
                return x
            ### BEGIN SOLUTION
            y = inner(1)
            ### END SOLUTION
            return y
        """
    )

    assert "Implement outer in demo.py:" in strip_solutions(text, "demo.py")


def test_strip_solutions_decorated_method():
    text = textwrap.dedent(
        """\
        class Model:
            @staticmethod
            async def fit(x):
                ### BEGIN SOLUTION
                return x
                ### END SOLUTION
        """
    )

    assert "Implement fit in demo.py:" in strip_solutions(text, "demo.py")


def test_strip_solutions_outside_function():
    text = f"x = 1\n{BEGIN_SOLUTION}\ny = 2 * x\n{END_SOLUTION}\nprint(y)\n"
    expected = (
        "x = 1\n# YOUR CODE HERE\n"
        "raise NotImplementedError(\"Write the missing code in nb.ipynb: replace '# YOUR CODE HERE' "
        'and this raise statement with your code.")\nprint(y)\n'
    )

    assert strip_solutions(text, "nb.ipynb", cell=3) == expected


def test_strip_solutions_notebook_cell_with_magics():
    text = textwrap.dedent(
        """\
        %load_ext autoreload
        !echo hello
        def area(r):
            %time pass
            ### BEGIN SOLUTION
            return 3.14 * r ** 2
            ### END SOLUTION
        """
    )

    stripped = strip_solutions(text, "notebooks/nb.ipynb", cell=1)

    assert stripped.startswith("%load_ext autoreload\n!echo hello\n")
    assert "Implement area in notebooks/nb.ipynb:" in stripped


def test_strip_solutions_keeps_crlf_line_endings():
    text = f"def f():\r\n    {BEGIN_SOLUTION}\r\n    return 1\r\n    {END_SOLUTION}\r\n"

    stripped = strip_solutions(text, "demo.py")

    assert stripped.count("\r\n") == 3
    assert "\n" not in stripped.replace("\r\n", "")


def test_strip_solutions_keeps_last_line_without_newline():
    text = f"def f():\n    {BEGIN_SOLUTION}\n    return 1\n    {END_SOLUTION}"

    assert strip_solutions(text, "demo.py").endswith("with your code.\")")


def test_strip_solutions_empty_region():
    text = f"def f():\n    {BEGIN_SOLUTION}\n    {END_SOLUTION}\n    return 1\n"

    assert strip_solutions(text, "demo.py").splitlines()[1] == "    # YOUR CODE HERE"


def test_strip_solutions_partial_block_raises():
    text = textwrap.dedent(
        """\
        def sign(x):
            ### BEGIN SOLUTION
            if x > 0:
                return 1
            ### END SOLUTION
            else:
                return -1
        """
    )

    message = r"^demo\.py:2: the code with stubs in place of solutions is not valid Python"
    with pytest.raises(SolutionMarkerError, match=message):
        strip_solutions(text, "demo.py")


def test_strip_solutions_invalid_source_raises():
    text = f"def f(:\n    {BEGIN_SOLUTION}\n    {END_SOLUTION}\n"

    message = r"^demo\.py:2: the code around a solution region is not valid Python"
    with pytest.raises(SolutionMarkerError, match=message):
        strip_solutions(text, "demo.py")


def test_stub_raises_not_implemented():
    namespace = {}
    exec(compile(strip_solutions(TWO_FUNCTIONS, "pkg/demo.py"), "demo.py", "exec"), namespace)

    message = r"^Implement halve in pkg/demo\.py: replace '# YOUR CODE HERE'"
    with pytest.raises(NotImplementedError, match=message):
        namespace["halve"](4)


@pytest.mark.parametrize("path", GRADED_FILES, ids=lambda path: path.name)
def test_strip_solutions_graded_file_compiles(path):
    relative_name = f"course_lib/graded/{path.name}"

    stripped = strip_solutions(path.read_text(encoding="utf-8"), relative_name)

    assert find_solution_regions(stripped, relative_name) == []
    assert compile(stripped, relative_name, "exec") is not None


@pytest.mark.parametrize("path", GRADED_FILES, ids=lambda path: path.name)
def test_strip_solutions_graded_file_one_stub_per_region(path):
    relative_name = f"course_lib/graded/{path.name}"
    text = path.read_text(encoding="utf-8")
    stubbed_functions = {
        node.name
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef) and BEGIN_SOLUTION in ast.get_source_segment(text, node)
    }

    stripped = strip_solutions(text, relative_name)

    stub_lines = [line for line in stripped.splitlines() if line.strip() == "# YOUR CODE HERE"]
    assert len(stub_lines) == len(find_solution_regions(text, relative_name))
    for name in stubbed_functions:
        assert f'"Implement {name} in {relative_name}: ' in stripped
