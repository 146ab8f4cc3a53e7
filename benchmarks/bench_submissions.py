"""Generate a class of submissions: reference solutions and catalog mistakes from tests/mistakes.py.

A submission is a folder ``STUDENT/course_lib/graded/lessonNN_*.py``, as
the grader expects.  A correct one copies the instructor's graded files.
A mistaken one appends to one lesson module the catalog's wrong
implementation of one function, with its helper functions and the module
imports they use.  It then rebinds the function's name to that
implementation, which behaves as if the student had rewritten the function
in place.
"""

import ast
import inspect
import sys
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parents[1]
GRADED_DIR = COURSE_ROOT / "course_lib" / "graded"
TESTS_DIR = COURSE_ROOT / "tests"


@dataclass(frozen=True)
class Student:
    """One generated submission: the student's name and the mistake it contains, if any.

    Attributes
    ----------
    name : str
    function : str or None
        The graded function that is wrong, None for a correct submission.
    mistake : str or None
        Name of the catalog's wrong implementation.
    sources : dict
        Maps each lesson file name to its text.
    """

    name: str
    function: str
    mistake: str
    sources: dict


def load_catalog():
    """Import and return ``MISTAKES`` from tests/mistakes.py."""
    if str(TESTS_DIR) not in sys.path:
        sys.path.insert(0, str(TESTS_DIR))
    import mistakes

    return mistakes.MISTAKES


def reference_sources():
    """Return the instructor's lesson files: file name to text."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(GRADED_DIR.glob("lesson*.py"))}


def names_used(function):
    """Return every name that the source of ``function`` refers to."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def mistake_source(mistake):
    """Return module-level code that replaces one graded function with a catalog mistake."""
    catalog_module = sys.modules[mistake.implementation.__module__]
    functions, pending = [], [mistake.implementation]
    while pending:
        function = pending.pop()
        if function in functions:
            continue
        functions.append(function)
        for name in names_used(function):
            value = getattr(catalog_module, name, None)
            if isinstance(value, types.FunctionType) and value.__module__ == catalog_module.__name__:
                pending.append(value)

    used = set().union(*(names_used(function) for function in functions))
    imports = ["import numpy as np"]
    for alias, value in vars(catalog_module).items():
        if alias in used and isinstance(value, types.ModuleType) and value.__name__.startswith("course_lib.graded."):
            imports.append(f"import {value.__name__} as {alias}")
    bodies = [textwrap.dedent(inspect.getsource(function)) for function in reversed(functions)]
    return "\n".join(imports + bodies + [f"{mistake.function} = {mistake.implementation.__name__}"])


def module_file_of(function):
    """Return the lesson file name that defines graded function ``function``."""
    from course_lib.checks import specs

    return specs.MODULE_OF[function].rsplit(".", 1)[1] + ".py"


def generate_class(size):
    """Return ``size`` students: the even-numbered ones correct, the others one mistake each.

    The mistakes cycle through the catalog in order, so a class of 100 has
    50 correct submissions and uses each of the catalog's mistakes at
    least once when the catalog has at most 50 entries.
    """
    catalog = load_catalog()
    reference = reference_sources()
    students = []
    for index in range(size):
        name = f"student{index:03d}"
        if index % 2 == 0:
            students.append(Student(name, None, None, dict(reference)))
            continue
        mistake = catalog[(index // 2) % len(catalog)]
        sources = dict(reference)
        file_name = module_file_of(mistake.function)
        sources[file_name] = sources[file_name] + "\n\n" + mistake_source(mistake) + "\n"
        students.append(Student(name, mistake.function, mistake.name, sources))
    return students


def write_class(students, root):
    """Write each student's lesson files to ``root/STUDENT/course_lib/graded/``."""
    for student in students:
        folder = Path(root) / student.name / "course_lib" / "graded"
        folder.mkdir(parents=True)
        for file_name, text in student.sources.items():
            (folder / file_name).write_text(text, encoding="utf-8")
