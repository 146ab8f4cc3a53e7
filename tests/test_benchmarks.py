"""Tests of the benchmark helpers' pure logic: summaries, targets, formatting and parsing.

Nothing here times anything: the benchmarks' figures depend on the machine
and its load, so they are reported, never asserted.
"""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCHMARKS_DIR) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS_DIR))

import bench_grading  # noqa: E402
import bench_nbgrader  # noqa: E402
import bench_notebook_settings  # noqa: E402
import bench_notebooks  # noqa: E402
import bench_report  # noqa: E402
import bench_stats  # noqa: E402
import bench_submissions  # noqa: E402
import bench_training  # noqa: E402
import run_all  # noqa: E402
from bench_stats import Measurement, Section, Summary, Target  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize(
    "values, expected",
    [
        ([3.0], Summary(3.0, 3.0, 3.0, 1)),
        ([5.0, 1.0, 3.0], Summary(3.0, 1.0, 5.0, 3)),
        ([4.0, 1.0, 2.0, 10.0], Summary(3.0, 1.0, 10.0, 4)),
        ((value for value in [2, 2, 8]), Summary(2.0, 2.0, 8.0, 3)),
    ],
)
def test_summarize_median_min_max(values, expected):
    assert bench_stats.summarize(values) == expected


def test_summarize_empty_raises():
    with pytest.raises(ValueError, match="at least one measurement, got an empty sequence"):
        bench_stats.summarize([])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_summarize_not_finite_raises(bad):
    with pytest.raises(ValueError, match="values must be finite, got"):
        bench_stats.summarize([1.0, bad])


@pytest.mark.parametrize(
    "comparison, bound, value, expected",
    [
        ("<=", 1.15, 1.15, True),
        ("<=", 1.15, 1.16, False),
        ("<", 60.0, 60.0, False),
        ("<", 60.0, 59.9, True),
        (">=", 300.0, 300.0, True),
        (">=", 300.0, 299.0, False),
        (">", 10.0, 10.0, False),
        (">", 10.0, 10.5, True),
    ],
)
def test_target_is_met_table(comparison, bound, value, expected):
    assert Target(comparison, bound).is_met(value) is expected


def test_target_unknown_comparison_raises():
    with pytest.raises(ValueError, match="comparison must be one of <=, <, >=, >, got '=='"):
        Target("==", 1.0)


@pytest.mark.parametrize(
    "target, median, expected",
    [
        (None, 1.0, ""),
        (Target("<=", 1.15), 1.0, "met"),
        (Target("<=", 1.15), 1.2, "missed"),
    ],
)
def test_measurement_verdict_cases(target, median, expected):
    measurement = Measurement("ratio", Summary(median, median, median, 1), "x", target)
    assert measurement.verdict == expected


def test_ratios_elementwise():
    assert bench_stats.ratios([2.0, 9.0], [1.0, 3.0]) == [2.0, 3.0]


def test_ratios_length_mismatch_raises():
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        bench_stats.ratios([1.0, 2.0], [1.0])


def test_interleaved_times_alternates_order():
    calls = []
    first, second = bench_stats.interleaved_times(lambda: calls.append("a"),
                                                  lambda: calls.append("b"), 4)
    assert calls == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert len(first) == 4
    assert len(second) == 4


@pytest.mark.parametrize(
    "value, expected",
    [
        (12345.6, "12,346"),
        (300.0, "300"),
        (35.24, "35.2"),
        (1.234, "1.23"),
        (0.01234, "0.0123"),
        (0.0, "0"),
        (-2.5, "-2.50"),
    ],
)
def test_format_number_table(value, expected):
    assert bench_report.format_number(value) == expected


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (1.02, "x", "1.02x"),
        (35.2, "ms", "35.2 ms"),
        (79.67, "%", "79.7 %"),
        (190.4, "MiB", "190 MiB"),
        (2.0, "", "2.00"),
        (3.0, "points", "3.00 points"),
    ],
)
def test_format_value_units(value, unit, expected):
    assert bench_report.format_value(value, unit) == expected


def test_render_table_row_contents():
    measurement = Measurement("a | b", Summary(1.05, 1.0, 1.2, 5), "x", Target("<=", 1.15), "note")
    lines = bench_report.render_table([measurement]).splitlines()
    assert lines[0].startswith("| measurement | median | min | max | runs |")
    assert lines[2] == "| a \\| b | 1.05x | 1.00x | 1.20x | 5 | <= 1.15x | met | note |"


def test_render_markdown_overview_lists_targets_only():
    with_target = Measurement("ratio", Summary(2.0, 1.0, 3.0, 3), "x", Target("<=", 1.5))
    without_target = Measurement("time", Summary(4.0, 4.0, 4.0, 1), "s")
    section = Section("iteration", "1. Iteration", [with_target, without_target])
    text = bench_report.render_markdown([section], [("command", "`run`")])
    overview = text.split("## Targets at a glance")[1].split("## 1. Iteration")[0]
    assert "| 1. Iteration | ratio | 2.00x | <= 1.50x | missed |" in overview
    assert "time" not in overview
    assert "| command | `run` |" in text


def test_render_text_summary_singular_run():
    section = Section("memory", "6. Memory", [Measurement("peak", Summary(190.0, 190.0, 190.0, 1), "MiB")])
    assert bench_report.render_text_summary([section]).splitlines()[1] == (
        "  peak: 190 MiB (min 190 MiB, max 190 MiB, 1 run)")


@pytest.mark.parametrize(
    "sources, expected",
    [
        (["learning_rate = 0.002\nnum_iterations = 500\nrecord_every = 10\n"],
         {"learning_rate": 0.002, "num_iterations": 500, "record_every": 10}),
        (["learning_rate = 5e-3\n", "learning_rate = 0.1\n"], {"learning_rate": 0.005}),
        (["    num_iterations = 20\n"], {}),
        (["num_iterations = n\n", "record_every = 10  # every ten\n"], {"record_every": 10}),
    ],
)
def test_parse_settings_table(sources, expected):
    assert bench_notebook_settings.parse_settings(sources) == expected


@pytest.mark.parametrize(
    "printed, expected",
    [
        (["speed-up: about 1,234 times\n"], 1234),
        (["nothing\n", "x\nspeed-up: about 320 times\n"], 320),
        (["speed-up: unknown\n"], None),
    ],
)
def test_parse_speed_up_table(printed, expected):
    assert bench_notebook_settings.parse_speed_up(printed) == expected


@pytest.mark.parametrize(
    "minimum, record_every, expected",
    [(20, 100, 100), (20, 10, 20), (25, 10, 30), (1, 1, 1), (0, 10, 10)],
)
def test_repeat_iterations_multiple_of_record(minimum, record_every, expected):
    assert bench_training.repeat_iterations(minimum, record_every) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("...\n== 40 passed, 1 failed in 55.31s ==\n", {"passed": 40, "failed": 1}),
        ("1 failed, 3 passed in 2.79s\n", {"failed": 1, "passed": 3}),
        ("2 passed, 1 skipped, 2 errors in 3s\n", {"passed": 2, "skipped": 1, "errors": 2}),
        ("no tests ran\n", {}),
    ],
)
def test_parse_outcomes_closing_line(text, expected):
    assert bench_notebooks.parse_outcomes(text) == expected


def test_seconds_per_notebook_sums_cells():
    junit = """<testsuites><testsuite>
      <testcase classname="notebooks.00_welcome.ipynb" name="Cell 0" time="1.5"/>
      <testcase classname="notebooks.00_welcome.ipynb" name="Cell 1" time="0.25"/>
      <testcase classname="notebooks.07_cup_classifier.ipynb" name="Cell 0" time="3"/>
    </testsuite></testsuites>"""
    assert bench_notebooks.seconds_per_notebook(junit) == {
        "00_welcome.ipynb": 1.75, "07_cup_classifier.ipynb": 3.0}


def test_notebook_code_rewrites_imports():
    lesson = (
        "from course_lib import validation\n"
        "from course_lib.graded.lesson01_linear_model import linear_forward\n"
        "def f(z):\n"
        "    ### BEGIN SOLUTION\n"
        "    s = z\n"
        "    ### END SOLUTION\n"
        "    return s\n"
        "import course_lib.graded.lesson02_sigmoid as lesson02\n"
    )
    code = bench_nbgrader.notebook_code(lesson)
    assert "from course_lib import validation" in code
    assert "lesson01_linear_model" not in code
    assert "SOLUTION" not in code
    assert "lesson02 = NotebookFunctions()" in code
    compile(code, "<answer cell>", "exec")


def test_generate_class_mix():
    students = bench_submissions.generate_class(6)
    assert [student.function is None for student in students] == [True, False] * 3
    assert len({student.name for student in students}) == 6


def test_generate_class_mistake_rebinds_function():
    student = bench_submissions.generate_class(2)[1]
    text = student.sources[bench_submissions.module_file_of(student.function)]
    assert text.rstrip().endswith(f"{student.function} = {student.mistake}")
    compile(text, student.name, "exec")


def test_generate_class_correct_is_reference():
    assert bench_submissions.generate_class(1)[0].sources == bench_submissions.reference_sources()


def test_count_outcomes_full_and_below():
    students = [bench_submissions.Student("a", None, None, {}),
                bench_submissions.Student("b", "sigmoid", "m", {}),
                bench_submissions.Student("c", None, None, {})]
    scores = {"a": (17.0, 17.0), "b": (16.0, 17.0), "c": (16.5, 17.0)}
    assert bench_grading.count_outcomes(students, scores) == (
        "1 of 2 correct submissions at full marks, 1 of 1 mistaken ones below")


@pytest.mark.parametrize(
    "timed, expected",
    [([(10.0, 8.0, 0.1)], "busy only 40 %"), ([(10.0, 16.0, 0.1)], "busy 80 % of the time")],
)
def test_waiting_note_by_busy_share(monkeypatch, timed, expected):
    monkeypatch.setattr(bench_grading.os, "cpu_count", lambda: 2)
    assert expected in bench_grading.waiting_note(timed)


def test_course_measurements_ratio_per_run():
    measurements, import_ratio = bench_grading.course_measurements(
        [(20.0, 10.0, 0.1), (30.0, 12.0, 0.1)], 100)
    assert import_ratio.summary.median == pytest.approx(2.5)
    assert import_ratio.summary.minimum == pytest.approx(2.0)
    assert import_ratio.summary.maximum == pytest.approx(3.0)
    assert import_ratio.verdict == "met"
    assert import_ratio in measurements


def test_run_all_failed_benchmark_reported(monkeypatch, tmp_path):
    def fail(name, quick):
        raise RuntimeError(f"{name} broke")

    monkeypatch.setattr(run_all, "run_benchmark", fail)
    output = tmp_path / "report.md"
    assert run_all.main(["--quick", "--only", "memory", "--output", str(output)]) == 1
    text = output.read_text()
    assert "## Benchmark memory: failed" in text
    assert "The benchmark raised RuntimeError: memory broke" in text


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], run_all.RECORD_OUTPUT),
        (["--quick"], run_all.PARTIAL_OUTPUT),
        (["--only", "grading"], run_all.PARTIAL_OUTPUT),
        (["--only", "grading", "--output", "x.md"], Path("x.md")),
    ],
)
def test_choose_output_by_arguments(argv, expected):
    assert run_all.choose_output(run_all.parse_arguments(argv)) == expected


def test_record_output_is_docs():
    assert run_all.RECORD_OUTPUT == Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def test_run_all_unknown_name_rejected(capsys):
    with pytest.raises(SystemExit):
        run_all.parse_arguments(["--only", "speed"])
    assert "invalid choice: 'speed'" in capsys.readouterr().err


@pytest.mark.parametrize("longer_test, expected", [
    (0.807, "no closer to scikit-learn's 75.3%. Plain gradient descent"),
    (0.770, "closer to scikit-learn's 75.3%."),
])
def test_longer_training_explanation_direction(longer_test, expected):
    text = bench_training.longer_training_explanation(2000, 0.838, longer_test, 0.797, 0.753)
    assert expected in text


def test_longer_training_explanation_closer_ends():
    text = bench_training.longer_training_explanation(2000, 0.838, 0.770, 0.797, 0.753)
    assert text.endswith("closer to scikit-learn's 75.3%.")


def test_list_loop_explanation_names_target_owner():
    X = np.zeros((4, 5))
    lists = ([2.0, 2.0], [0.01, 0.01])
    indexing = ([8.0, 8.0], [0.01, 0.01])
    text = bench_training.list_loop_explanation(lists, indexing, X)
    assert text.startswith("The 300x target applies to the comparison that notebook 07 shows")
    assert "4.0 times less than the loop over NumPy elements" in text


def test_tolerance_measurements_one_row_each():
    pytest.importorskip("sklearn")
    X = np.array([[0.0, 0.1, 0.9, 1.0, 0.2, 0.8]])
    Y = np.array([[0, 0, 1, 1, 0, 1]])
    rows, text = bench_training.tolerance_measurements(X, Y, X, Y)
    assert [row.label for row in rows] == [
        f"scikit-learn with tol={tolerance:g}, test accuracy"
        for tolerance in bench_training.SKLEARN_OTHER_TOLERANCES]
    assert text.count("weight norm") == len(bench_training.SKLEARN_OTHER_TOLERANCES)
