"""Grade the same class with nbgrader's ``autograde``, installed in a throwaway venv under /tmp.

nbgrader grades notebooks, so each student gets one notebook containing the
same code as their lesson files: one answer cell per lesson and one test
cell per graded function.  The test cells run the same public and hidden
cases as ``python -m course_lib grade``, with the same comparison that
``check()`` uses, from a JSON file of the case table.  The kernel is the
course's own .venv Python, so both graders run the student code with the
same NumPy; nbgrader itself never enters the course's .venv.
"""

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parents[1]
NBGRADER_VENV = Path(os.environ.get("BENCH_NBGRADER_VENV", "/tmp/nbgrader-venv"))
ASSIGNMENT = "cup"
KERNEL_NAME = "course-venv"
INSTALL_TIMEOUT_SECONDS = 900
AUTOGRADE_TIMEOUT_SECONDS = 3600
GRADED_IMPORT = re.compile(r"^from course_lib\.graded\.\w+ import .*$", re.MULTILINE)
SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)
ALIAS_IMPORT = re.compile(r"^import course_lib\.graded\.\w+ as (\w+)$", re.MULTILINE)

LOGGER = logging.getLogger(__name__)

SETUP_CELL = '''\
import json

from course_lib.checks import specs
from course_lib.checks.cases import Case
from course_lib.checks.runner import replaced_functions, run_function
from course_lib.grading import wire

with open({cases_file!r}, encoding="utf-8") as cases_file:
    CASE_TABLE = json.load(cases_file)


class NotebookFunctions:
    """Look up graded functions among this notebook's definitions, as a lesson module would."""

    def __getattr__(self, name):
        return globals()[name]


def make_case(entry):
    """Rebuild one Case of the case table from its JSON entry."""
    return Case(entry["function"], entry["description"],
                make_args=lambda: wire.decode_value(entry["args"]),
                make_kwargs=lambda: wire.decode_value(entry["kwargs"]),
                expected=wire.decode_value(entry["expected"]),
                rtol=entry["rtol"], atol=entry["atol"])


def check_graded_function(name, namespace):
    """Run every case of one graded function against this notebook's definitions."""
    implementations = {{function: namespace[function] for function in specs.FUNCTION_NAMES
                       if function in namespace}}
    cases = [make_case(entry) for entry in CASE_TABLE if entry["function"] == name]
    with replaced_functions(implementations):
        results = [result for result, _ in run_function(name, implementations[name], cases)]
    failed = [result.description for result in results if not result.passed]
    assert not failed, f"{{len(failed)}} of {{len(results)}} cases failed: {{failed}}"
'''


def nbgrader_command(*arguments):
    """Return the command line of one nbgrader subcommand from the throwaway venv."""
    return [str(NBGRADER_VENV / "bin" / "nbgrader"), *arguments]


def ensure_nbgrader():
    """Create the throwaway venv with nbgrader if it is missing; return None or the failure text."""
    if (NBGRADER_VENV / "bin" / "nbgrader").exists():
        return None

    LOGGER.info("Installing nbgrader into %s (only for this benchmark)", NBGRADER_VENV)
    steps = [["python3", "-m", "venv", str(NBGRADER_VENV)],
             [str(NBGRADER_VENV / "bin" / "pip"), "install", "--quiet", "nbgrader"]]
    for step in steps:
        try:
            completed = subprocess.run(step, capture_output=True, text=True,
                                       timeout=INSTALL_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"`{' '.join(step)}` failed: {error}"
        if completed.returncode != 0:
            return (f"`{' '.join(step)}` exited with code {completed.returncode}: "
                    f"{completed.stderr.strip()[-500:]}")
    return None


def write_case_table(path):
    """Write the grader's case table (public and hidden cases, expected values) as JSON."""
    from course_lib.grading import case_table, wire

    entries = [
        {"function": grading_case.function, "description": grading_case.case.description,
         "args": grading_case.encoded_args, "kwargs": grading_case.encoded_kwargs,
         "expected": wire.encode_value(grading_case.case.expected),
         "rtol": grading_case.case.rtol, "atol": grading_case.case.atol}
        for grading_case in case_table.build_case_table().cases
    ]
    Path(path).write_text(json.dumps(entries), encoding="utf-8")


def notebook_code(lesson_text):
    """Turn a lesson file into the code of a notebook answer cell.

    Imports of other graded modules are dropped, because the notebook
    already defines those functions, and a module alias such as
    ``import course_lib.graded.lesson02_sigmoid as lesson02`` becomes an
    object that reads the notebook's definitions.  The solution markers go
    too: nbgrader replaces a whole answer cell that has none.
    """
    text = SOLUTION_MARKER.sub("", GRADED_IMPORT.sub("", lesson_text))
    return ALIAS_IMPORT.sub(r"\1 = NotebookFunctions()", text)


def nbgrader_metadata(grade_id, solution=False, grade=False, points=0):
    """Return the nbgrader metadata of one cell."""
    metadata = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                "schema_version": 3, "solution": solution, "task": False}
    if grade:
        metadata["points"] = points
    return {"nbgrader": metadata}


def source_notebook(reference, cases_file):
    """Build the instructor's notebook: setup, one answer cell per lesson, one test cell per function."""
    import nbformat

    from course_lib.checks import specs
    from course_lib.grading.grader import POINTS

    cells = [nbformat.v4.new_code_cell(SETUP_CELL.format(cases_file=str(cases_file)),
                                       metadata=nbgrader_metadata("setup"))]
    for module, functions in specs.GRADED_MODULES.items():
        lesson = module.rsplit(".", 1)[1]
        code = notebook_code(reference[lesson + ".py"])
        cells.append(nbformat.v4.new_code_cell(code, metadata=nbgrader_metadata(lesson, solution=True)))
        for function in functions:
            cells.append(nbformat.v4.new_code_cell(
                f"check_graded_function({function!r}, globals())",
                metadata=nbgrader_metadata(f"test_{function}", grade=True, points=POINTS[function])))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "course .venv",
                                       "language": "python"}
    return notebook


def student_notebook(released, student):
    """Fill the released notebook's answer cells with one student's lesson files."""
    import copy

    notebook = copy.deepcopy(released)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = notebook_code(student.sources[grade_id + ".py"])
    return notebook


def prepare_course(root, students):
    """Create an nbgrader course in ``root`` with the assignment released and every notebook submitted."""
    import nbformat

    from bench_submissions import reference_sources

    root = Path(root)
    kernel_dir = root / "jupyter" / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "course .venv", "language": "python"}), encoding="utf-8")
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.course_id = 'bench'\n", encoding="utf-8")

    cases_file = root / "cases.json"
    write_case_table(cases_file)
    source_dir = root / "source" / ASSIGNMENT
    source_dir.mkdir(parents=True)
    nbformat.write(source_notebook(reference_sources(), cases_file), source_dir / f"{ASSIGNMENT}.ipynb")
    run_nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")

    released = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for student in students:
        folder = root / "submitted" / student.name / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(student_notebook(released, student), folder / f"{ASSIGNMENT}.ipynb")


def nbgrader_environment(root):
    """Return the environment of the nbgrader commands, as in its activated venv.

    nbgrader runs ``alembic`` by name, so the venv's bin folder goes first on
    PATH; JUPYTER_PATH adds the kernelspec of the course's .venv Python.
    """
    environment = dict(os.environ)
    environment["PATH"] = f"{NBGRADER_VENV / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    environment["JUPYTER_PATH"] = str(Path(root) / "jupyter")
    return environment


def run_nbgrader(root, *arguments, timeout=AUTOGRADE_TIMEOUT_SECONDS):
    """Run one nbgrader subcommand in the course folder; raise RuntimeError naming it if it fails."""
    command = nbgrader_command(*arguments)
    completed = subprocess.run(command, cwd=root, env=nbgrader_environment(root), capture_output=True,
                               text=True, timeout=timeout, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` exited with code {completed.returncode}: "
                           f"{completed.stderr.strip()[-1500:]}")
    return completed


def autograde(root):
    """Run ``nbgrader autograde`` on every submission; return the wall-clock seconds."""
    shutil.rmtree(Path(root) / "autograded", ignore_errors=True)
    start = time.perf_counter()
    run_nbgrader(root, "autograde", ASSIGNMENT, "--force")
    return time.perf_counter() - start


def read_scores(root):
    """Export the gradebook and return each student's score, from nbgrader's own CSV export."""
    import csv

    run_nbgrader(root, "export", "--to", str(Path(root) / "grades.csv"))
    with open(Path(root) / "grades.csv", newline="", encoding="utf-8") as grades:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(grades)}
