"""Find and strip the reference-solution regions of course files.

A *solution region* starts with a line that is exactly ``BEGIN_SOLUTION`` and
ends with a line that is exactly ``END_SOLUTION``, apart from indentation.
Both markers of a region share one indentation, and the code between them is
indented at least as deep.  Parsing is strict: an unclosed region, a region
opened inside another, an end marker without a region, or marker text on a
line with other text raises ``SolutionMarkerError`` naming the file and line.

``strip_solutions`` turns a source file (or a notebook code cell) into the
student version: each region becomes a ``# YOUR CODE HERE`` line and a
``raise NotImplementedError`` that names the function and the file to edit.
Everything outside the regions, such as signatures, docstrings and the
set-up of return values, is kept as it is.
"""

import ast
import re
from dataclasses import dataclass

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
STUB_COMMENT = "# YOUR CODE HERE"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION)

# IPython lines that are not Python: line and cell magics, shell escapes.
IPYTHON_LINE = re.compile(r"^(\s*)[%!]")


class SolutionMarkerError(ValueError):
    """Error raised for a malformed solution marker, with the file, cell and line first."""

    def __init__(self, path, line_number, problem, cell=None):
        self.path = path
        self.line_number = line_number
        self.cell = cell
        if cell is None:
            location = f"{path}:{line_number}"
        else:
            location = f"{path}, cell {cell}, line {line_number}"
        super().__init__(f"{location}: {problem}")


@dataclass(frozen=True)
class SolutionRegion:
    """One solution region of a text.

    Attributes
    ----------
    begin_line, end_line : int
        1-based line numbers of the ``BEGIN_SOLUTION`` and ``END_SOLUTION`` lines.
    indent : str
        Leading whitespace shared by both markers.
    """

    begin_line: int
    end_line: int
    indent: str


def leading_whitespace(line):
    """Return the spaces and tabs at the start of ``line``."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def classify_marker_line(line, path, line_number, cell=None):
    """Return the marker that ``line`` consists of, or None if it contains no marker text.

    Raises ``SolutionMarkerError`` when marker text shares its line with other text,
    because such a line would be neither stripped nor kept safely.
    """
    content = line.strip()
    if content in MARKERS:
        return content

    for marker in MARKERS:
        if marker in line:
            raise SolutionMarkerError(
                path,
                line_number,
                f"the marker {marker!r} must be alone on its line apart from indentation, "
                f"got {content!r}. Put the marker on its own line, or reword the text so "
                f"that it does not contain the marker.",
                cell,
            )
    return None


def find_solution_regions(text, path, cell=None):
    """Parse the solution regions of ``text`` strictly.

    Parameters
    ----------
    text : str
        Contents of a source file or of one notebook code cell.
    path : str
        File name used in error messages, for example
        ``"course_lib/graded/lesson02_sigmoid.py"``.
    cell : int, optional
        Notebook cell number used in error messages.

    Returns
    -------
    regions : list of SolutionRegion
        In the order they appear.

    Raises
    ------
    SolutionMarkerError
        For an unclosed, nested or stray marker, marker text that is not alone
        on its line, mismatched marker indentation, or a region line indented
        less than its markers.
    """
    regions = []
    open_line, open_indent = None, None

    for line_number, line in enumerate(text.splitlines(), start=1):
        marker = classify_marker_line(line, path, line_number, cell)
        if marker == BEGIN_SOLUTION:
            if open_line is not None:
                raise SolutionMarkerError(
                    path,
                    line_number,
                    f"{BEGIN_SOLUTION!r} inside the solution region opened at line {open_line}. "
                    f"Close that region with {END_SOLUTION!r} before opening another.",
                    cell,
                )
            open_line, open_indent = line_number, leading_whitespace(line)
        elif marker == END_SOLUTION:
            if open_line is None:
                raise SolutionMarkerError(
                    path,
                    line_number,
                    f"{END_SOLUTION!r} without an open {BEGIN_SOLUTION!r}. "
                    f"Remove it, or add the missing {BEGIN_SOLUTION!r} above the solution.",
                    cell,
                )
            check_end_indent(line, line_number, open_line, open_indent, path, cell)
            regions.append(SolutionRegion(open_line, line_number, open_indent))
            open_line, open_indent = None, None
        elif open_line is not None and line.strip() and not line.startswith(open_indent):
            raise SolutionMarkerError(
                path,
                line_number,
                f"this line of the solution region opened at line {open_line} is indented less "
                f"than its {BEGIN_SOLUTION!r} line. A region must stay inside one block: indent "
                f"the markers like the least indented line of the solution.",
                cell,
            )

    if open_line is not None:
        raise SolutionMarkerError(
            path,
            open_line,
            f"{BEGIN_SOLUTION!r} has no matching {END_SOLUTION!r}. "
            f"Add {END_SOLUTION!r} after the last line of the solution, at the same indentation.",
            cell,
        )
    return regions


def check_end_indent(line, line_number, open_line, open_indent, path, cell):
    """Raise ``SolutionMarkerError`` unless an end marker is indented like its begin marker."""
    indent = leading_whitespace(line)
    if indent != open_indent:
        raise SolutionMarkerError(
            path,
            line_number,
            f"{END_SOLUTION!r} is indented {indent!r} but its {BEGIN_SOLUTION!r} at line "
            f"{open_line} is indented {open_indent!r}. Indent both markers the same way.",
            cell,
        )


def parse_python(text, path, line_number, cell=None, subject="the code around a solution region"):
    """Parse ``text`` as Python, reading IPython magics and shell lines as ``pass``.

    Masking keeps the line numbers, so nodes still point at lines of ``text``.
    ``subject`` names the code in the error message.
    """
    masked = "\n".join(IPYTHON_LINE.sub(r"\1pass  #", line) for line in text.splitlines())
    try:
        return ast.parse(masked)
    except SyntaxError as error:
        raise SolutionMarkerError(
            path,
            line_number,
            f"{subject} is not valid Python ({error.msg} at line "
            f"{error.lineno}). Fix the syntax, or make sure each region covers whole statements "
            f"of one block.",
            cell,
        ) from error


def find_enclosing_function(tree, line_number):
    """Return the name of the innermost function that contains ``line_number``, or None."""
    best = None
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        contains_line = node.lineno <= line_number <= node.end_lineno
        if contains_line and (best is None or node.lineno > best.lineno):
            best = node
    return None if best is None else best.name


def stub_message(function, path):
    """Return the text of the ``NotImplementedError`` that replaces a region."""
    task = f"Implement {function} in {path}" if function else f"Write the missing code in {path}"
    return f"{task}: replace '{STUB_COMMENT}' and this raise statement with your code."


def line_ending(line):
    """Return the line break at the end of ``line`` ("" for a last line without one)."""
    return line[len(line.rstrip("\r\n")):]


def strip_solutions(text, path, cell=None):
    """Replace every solution region of ``text`` with a stub that raises ``NotImplementedError``.

    Parameters
    ----------
    text : str
        Contents of a Python source file or of one notebook code cell, which
        may contain IPython magics.
    path : str
        Path of the file in the student release, relative to its root,
        for example ``"course_lib/graded/lesson02_sigmoid.py"``.  It appears
        in the stub's message and in error messages.
    cell : int, optional
        Notebook cell number, used only in error messages.

    Returns
    -------
    stripped : str
        ``text`` with each region, markers included, replaced by two lines at
        the markers' indentation: ``# YOUR CODE HERE`` and ``raise
        NotImplementedError("Implement FUNCTION in PATH: ...")``, where
        FUNCTION is the innermost ``def`` around the region.  Text without
        regions is returned unchanged.

    Raises
    ------
    SolutionMarkerError
        If the markers are malformed (see ``find_solution_regions``), or if
        the code does not parse as Python before or after stripping.
    """
    regions = find_solution_regions(text, path, cell)
    if not regions:
        return text

    tree = parse_python(text, path, regions[0].begin_line, cell)
    lines = text.splitlines(keepends=True)
    stripped_lines = []
    next_line = 1
    for region in regions:
        stripped_lines.extend(lines[next_line - 1 : region.begin_line - 1])
        message = stub_message(find_enclosing_function(tree, region.begin_line), path)
        begin_ending = line_ending(lines[region.begin_line - 1])
        end_ending = line_ending(lines[region.end_line - 1])
        stripped_lines.append(f"{region.indent}{STUB_COMMENT}{begin_ending}")
        stripped_lines.append(f"{region.indent}raise NotImplementedError({message!r}){end_ending}")
        next_line = region.end_line + 1
    stripped_lines.extend(lines[next_line - 1 :])

    stripped = "".join(stripped_lines)
    stubbed_subject = "the code with stubs in place of solutions"
    parse_python(stripped, path, regions[0].begin_line, cell, stubbed_subject)
    return stripped
