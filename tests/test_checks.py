"""Tests of check(), run_checks(), the public cases and the mistake hints.

The public cases' expected values are checked twice: against the reference
solution in ``course_lib.graded`` and against plain-Python formulas written
here.  Every entry of the mistake catalog in ``tests/mistakes.py`` must fail
with its own hint.
"""

import importlib
import math
import random
import re
import sys

import numpy as np
import pytest

import course_lib.checks
import course_lib.graded as graded
from course_lib.checks import check, run_checks, runner
from course_lib.checks.cases import Case
from course_lib.checks.compare import compare_outputs
from course_lib.checks.hints import HINTS, find_hint
from course_lib.checks.public_cases import PUBLIC_CASES
from course_lib.checks.report import LABELS, format_case, format_report
from course_lib.checks.specs import FUNCTION_NAMES, OUTPUT_NAMES
from mistakes import (
    MISTAKES,
    predict_boolean_strict,
    sigmoid_derivative_from_exp,
    sigmoid_plain_exp,
)

pytestmark = pytest.mark.filterwarnings("error")

# The reference functions as imported, for wrappers: run_checks puts a
# replacement into course_lib.graded, so a wrapper that looked the reference
# up there at call time would call itself.
REFERENCE = {name: getattr(graded, name) for name in FUNCTION_NAMES}

REQUIRED_HINTS = (
    "sigmoid_missing_parentheses",
    "exp_overflow",
    "missing_mean",
    "outer_product_broadcast",
    "elementwise_product",
    "gradient_sign",
    "missing_bias",
    "bias_gradient_not_averaged",
    "squared_error_as_cost",
    "log_of_zero",
    "predict_strict_threshold",
    "hardcoded_learning_rate",
    "hardcoded_iterations",
    "in_place_update",
    "integer_truncation",
    "flatten_without_transpose",
    "array_instead_of_float",
    "not_python_float",
    "wrong_shape",
    "gradient_matmul_shapes",
    "cost_recorded_after_update",
)


def hint_ids_of(results):
    """Return the ids of every hint of the results that did not pass."""
    return {hint_id for result in results if not result.passed for hint_id, _ in result.hints}


def case_id(case):
    """Return a readable pytest id for a case."""
    return f"{case.function}: {case.description}"


def call(function, case):
    """Call ``function`` on fresh inputs of ``case``."""
    return function(*case.make_args(), **case.make_kwargs())


# Independent computations in plain Python, one per graded function.


def plain_sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


def plain_softplus(t):
    """Return log(1 + e^t) without overflow."""
    return max(t, 0.0) + math.log1p(math.exp(-abs(t)))


def plain_linear(w, b, X):
    n_x, m = len(X), len(X[0])
    return [sum(w[j][0] * X[j][i] for j in range(n_x)) + b for i in range(m)]


def plain_flatten(images):
    columns = [[float(value) for value in np.asarray(image).flatten(order="C")] for image in images]
    rows = [[column[k] for column in columns] for k in range(len(columns[0]))]
    return np.array(rows, dtype=images.dtype)


def plain_elementwise(function, *arrays):
    """Apply a scalar function entry by entry, keeping the shape of the first array."""
    shape = np.shape(arrays[0])
    flat = [np.asarray(array, dtype=np.float64).ravel().tolist() for array in arrays]
    values = [function(*entries) for entries in zip(*flat)]
    if shape == ():
        return values[0]
    return np.array(values).reshape(shape)


def plain_cross_entropy(y_hat, y):
    loss = 0.0
    if y > 0:
        loss -= y * math.log(y_hat)
    if y < 1:
        loss -= (1 - y) * math.log(1 - y_hat)
    return loss


def plain_cost(w, b, X, Y):
    z = plain_linear(w, b, X)
    y = Y[0]
    losses = [y[i] * plain_softplus(-z[i]) + (1 - y[i]) * plain_softplus(z[i]) for i in range(len(z))]
    return sum(losses) / len(losses)


def plain_gradients(w, b, X, Y):
    z = plain_linear(w, b, X)
    m = len(z)
    dz = [plain_sigmoid(z[i]) - Y[0][i] for i in range(m)]
    dw = [[sum(X[j][i] * dz[i] for i in range(m)) / m] for j in range(len(X))]
    return np.array(dw), sum(dz) / m


def plain_descent(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    w = [[float(row[0])] for row in w]
    b = float(b)
    costs = []
    for iteration in range(num_iterations):
        if iteration % record_every == 0:
            costs.append(plain_cost(w, b, X, Y))
        dw, db = plain_gradients(w, b, X, Y)
        w = [[w[j][0] - learning_rate * dw[j][0]] for j in range(len(w))]
        b = b - learning_rate * db
    return np.array(w), b, costs


def plain_sigmoid_array(z):
    """Apply plain_sigmoid entry by entry, keeping float32 input as float32."""
    s = plain_elementwise(plain_sigmoid, z)
    if isinstance(z, np.ndarray) and z.dtype == np.float32:
        return s.astype(np.float32)
    return s


def plain_predict(w, b, X, threshold=0.5):
    probabilities = [plain_sigmoid(z) for z in plain_linear(w, b, X)]
    return np.array([[int(a >= threshold) for a in probabilities]], dtype=np.int64)


def plain_accuracy(Y_pred, Y):
    pairs = list(zip(Y_pred[0], Y[0]))
    return sum(predicted == label for predicted, label in pairs) / len(pairs)


# Each entry takes the case's arguments with arrays turned into nested lists,
# except for the entries marked as taking arrays.
PLAIN_ON_LISTS = {
    "initialize_parameters": lambda n_x: (np.array([[0.0]] * n_x), 0.0),
    "linear_forward": lambda w, b, X: np.array([plain_linear(w, b, X)]),
    "compute_cost": plain_cost,
    "compute_gradients": plain_gradients,
    "gradient_descent": plain_descent,
    "predict_proba": lambda w, b, X: np.array([[plain_sigmoid(z) for z in plain_linear(w, b, X)]]),
    "predict": plain_predict,
    "accuracy": plain_accuracy,
}
PLAIN_ON_ARRAYS = {
    "flatten_images": plain_flatten,
    "scale_pixels": lambda X: plain_elementwise(lambda value: value / 255.0, X),
    "sigmoid": plain_sigmoid_array,
    "sigmoid_derivative": lambda z: plain_elementwise(
        lambda value: plain_sigmoid(value) * (1 - plain_sigmoid(value)), z
    ),
    "squared_error_loss": lambda y_hat, y: plain_elementwise(
        lambda a, label: 0.5 * (a - label) ** 2, y_hat, y
    ),
    "cross_entropy_loss": lambda y_hat, y: plain_elementwise(plain_cross_entropy, y_hat, y),
}


def plain_output(name, args, kwargs):
    """Compute the expected output of a graded function without NumPy's vector code."""
    if name in PLAIN_ON_ARRAYS:
        return PLAIN_ON_ARRAYS[name](*args, **kwargs)

    lists = [arg.tolist() if isinstance(arg, np.ndarray) else arg for arg in args]
    return PLAIN_ON_LISTS[name](*lists, **kwargs)


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_public_cases_cover_every_function(name):
    assert sum(case.function == name for case in PUBLIC_CASES) >= 2


@pytest.mark.parametrize("case", PUBLIC_CASES, ids=case_id)
def test_public_case_expected_matches_reference(case):
    got = call(getattr(graded, case.function), case)
    assert compare_outputs(got, case.expected, OUTPUT_NAMES[case.function], 1e-10, 0.0) == []


@pytest.mark.parametrize("case", PUBLIC_CASES, ids=case_id)
def test_public_case_expected_matches_plain_python(case):
    independent = plain_output(case.function, case.make_args(), case.make_kwargs())
    is_float32 = getattr(case.expected, "dtype", None) == np.float32
    rtol = 1e-6 if is_float32 else 1e-10
    problems = compare_outputs(independent, case.expected, OUTPUT_NAMES[case.function], rtol, 1e-15)
    assert problems == []


MISTAKE_LITERALS = [
    (case, hint_id)
    for case in PUBLIC_CASES
    for hint_id in case.mistake_outputs
]


@pytest.mark.parametrize(
    ("case", "hint_id"), MISTAKE_LITERALS, ids=lambda value: getattr(value, "description", value)
)
def test_mistake_output_matches_catalog(case, hint_id):
    implementations = [
        mistake.implementation
        for mistake in MISTAKES
        if mistake.function == case.function and mistake.hint_id == hint_id
    ]
    stored = case.mistake_outputs[hint_id]
    names = OUTPUT_NAMES[case.function]
    assert any(
        compare_outputs(call(function, case), stored, names, 1e-10, 0.0) == []
        for function in implementations
    )


@pytest.mark.parametrize("case", PUBLIC_CASES, ids=case_id)
def test_public_case_arguments_are_fresh(case):
    first = case.make_args()
    second = case.make_args()
    assert all(a is not b for a, b in zip(first, second) if isinstance(a, np.ndarray))


def test_scale_pixels_public_float32_case():
    assert any(
        case.function == "scale_pixels"
        and case.make_args()[0].dtype == np.float32
        and case.expected.dtype == np.float64
        for case in PUBLIC_CASES
    )


def test_reference_passes_every_case():
    results = run_checks()
    assert [result.description for result in results if not result.passed] == []


def test_reference_gets_no_hint():
    results = run_checks()
    assert [result.hint for result in results if result.hint] == []


def test_reference_results_cover_all_public_cases():
    assert len(run_checks()) == len(PUBLIC_CASES)


def test_catalog_has_at_least_15_mistakes():
    assert len(MISTAKES) >= 15


@pytest.mark.parametrize("hint_id", REQUIRED_HINTS)
def test_catalog_covers_required_hint(hint_id):
    assert any(mistake.hint_id == hint_id for mistake in MISTAKES)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda mistake: mistake.name)
def test_mistake_hint_id_is_known(mistake):
    assert mistake.hint_id in HINTS


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda mistake: mistake.name)
def test_mistake_fails_some_case(mistake):
    results = run_checks(mistake.function, implementations={mistake.function: mistake.implementation})
    assert not all(result.passed for result in results)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda mistake: mistake.name)
def test_mistake_gets_its_own_hint(mistake):
    results = run_checks(mistake.function, implementations={mistake.function: mistake.implementation})
    assert mistake.hint_id in hint_ids_of(results)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda mistake: mistake.name)
def test_mistake_hint_is_shown_in_report(mistake):
    results = run_checks(mistake.function, implementations={mistake.function: mistake.implementation})
    advice = next(
        advice for result in results for hint_id, advice in result.hints if hint_id == mistake.hint_id
    )
    assert f"hint: {advice}" in format_report(results)


@pytest.mark.parametrize(
    ("names", "error", "message"),
    [
        ("sigmod", ValueError, 'Unknown graded function "sigmod". Did you mean "sigmoid"\\?'),
        ("softmax", ValueError, "Valid names: flatten_images, scale_pixels, .*, accuracy\\."),
        (["sigmoid", "relu"], ValueError, 'Unknown graded function "relu"'),
        (graded.sigmoid, TypeError, 'got the function sigmoid. Write check\\("sigmoid"\\), with quotes'),
        (42, TypeError, "as a string, got a Python int"),
    ],
)
def test_run_checks_invalid_name_raises(names, error, message):
    with pytest.raises(error, match=message):
        run_checks(names)


def test_check_unknown_name_raises():
    with pytest.raises(ValueError, match="Valid names: flatten_images"):
        check("gradient_ascent")


def test_run_checks_unknown_implementation_raises():
    with pytest.raises(ValueError, match='Unknown graded function "sigmoid_prime"'):
        run_checks("sigmoid", implementations={"sigmoid_prime": graded.sigmoid})


def stub_sigmoid(z):
    raise NotImplementedError("Implement sigmoid in course_lib/graded/lesson02_sigmoid.py.")


def test_stub_status_not_implemented():
    results = run_checks("sigmoid", implementations={"sigmoid": stub_sigmoid})
    assert {result.status for result in results} == {"not implemented"}


def test_stub_message_is_its_text():
    results = run_checks("sigmoid", implementations={"sigmoid": stub_sigmoid})
    assert results[0].message == "Implement sigmoid in course_lib/graded/lesson02_sigmoid.py."


def test_stub_report_has_no_traceback():
    report = format_report(run_checks("sigmoid", implementations={"sigmoid": stub_sigmoid}))
    assert report == (
        "sigmoid: not implemented yet\n"
        "    Implement sigmoid in course_lib/graded/lesson02_sigmoid.py."
    )


def stub_linear_forward(w, b, X):
    raise NotImplementedError("Implement linear_forward in course_lib/graded/lesson01_linear_model.py.")


def stub_compute_cost(w, b, X, Y):
    raise NotImplementedError(
        "Implement compute_cost in course_lib/graded/lesson05_cost_and_gradients.py."
    )


def test_dependency_stub_status_not_implemented():
    results = run_checks("compute_cost", implementations={"linear_forward": stub_linear_forward})
    assert {result.status for result in results} == {"not implemented"}


def test_dependency_stub_names_blocking_function():
    results = run_checks("compute_cost", implementations={"linear_forward": stub_linear_forward})
    assert {result.blocked_by for result in results} == {"linear_forward"}


def test_dependency_stub_report_cannot_run_yet():
    results = run_checks("compute_cost", implementations={"linear_forward": stub_linear_forward})
    assert format_report(results).splitlines() == [
        "compute_cost: cannot run yet",
        "    compute_cost calls linear_forward, which is not implemented yet.",
        "    Implement linear_forward in course_lib/graded/lesson01_linear_model.py.",
    ]


def test_own_stub_reported_before_dependency_stub():
    implementations = {"linear_forward": stub_linear_forward, "compute_cost": stub_compute_cost}
    report = format_report(run_checks("compute_cost", implementations=implementations))
    assert report.splitlines()[:2] == [
        "compute_cost: not implemented yet",
        "    Implement compute_cost in course_lib/graded/lesson05_cost_and_gradients.py.",
    ]


def test_own_stub_has_no_blocking_function():
    results = run_checks("sigmoid", implementations={"sigmoid": stub_sigmoid})
    assert {result.blocked_by for result in results} == {None}


def test_dependency_stub_on_some_cases_labelled():
    results = run_checks("gradient_descent", implementations={"compute_cost": stub_compute_cost})
    lines = format_report(results).splitlines()
    assert lines[0] == "gradient_descent: 1 of 5 cases passed"
    assert "  NOT IMPLEMENTED  worked example, learning_rate 0.009, 100 iterations" in lines
    assert "          gradient_descent calls compute_cost, which is not implemented yet." in lines


@pytest.mark.parametrize(
    ("status", "line"),
    [
        ("passed", "  passed  z = 0"),
        ("failed", "  FAILED  z = 0"),
        ("error", "  ERROR   z = 0"),
        ("not implemented", "  NOT IMPLEMENTED  z = 0"),
    ],
)
def test_case_line_label_per_status(status, line):
    result = runner.CaseResult("sigmoid", "z = 0", status, "")
    assert format_case(result, details=False) == [line]


@pytest.mark.parametrize(
    "words",
    [*(f"``{label}``" for label in LABELS.values()),
     "``NAME: not implemented yet``", "``NAME: cannot run yet``"],
)
def test_package_docstring_lists_report_words(words):
    assert words in course_lib.checks.__doc__


def dividing_sigmoid(z):
    return 1 / 0


def test_error_status_names_type_and_message():
    result = run_checks("sigmoid", implementations={"sigmoid": dividing_sigmoid})[0]
    assert result.status == "error"
    assert "error: ZeroDivisionError: division by zero" in result.message


def test_error_names_student_file_and_line():
    result = run_checks("sigmoid", implementations={"sigmoid": dividing_sigmoid})[0]
    line = dividing_sigmoid.__code__.co_firstlineno + 1
    assert f"(tests/test_checks.py, line {line})" in result.message


def test_error_report_has_no_traceback():
    report = format_report(run_checks("sigmoid", implementations={"sigmoid": dividing_sigmoid}))
    assert "Traceback" not in report


def test_dependency_failure_names_function_to_fix():
    results = run_checks(
        "compute_cost", implementations={"linear_forward": lambda w, b, X: w.T @ X}
    )
    assert {result.fix_first for result in results if not result.passed} == {("linear_forward",)}


def test_dependency_failure_shown_in_report():
    results = run_checks(
        "compute_cost", implementations={"linear_forward": lambda w, b, X: w.T @ X}
    )
    assert "Fix linear_forward first: compute_cost depends on it" in format_report(results)


def test_dependency_chain_lists_all_in_order():
    results = run_checks("predict", implementations={"sigmoid": stub_sigmoid})
    assert results[0].fix_first == ("sigmoid", "predict_proba")


def test_dependency_results_not_returned():
    results = run_checks("compute_cost")
    assert {result.function for result in results} == {"compute_cost"}


def printing_sigmoid(z):
    print("z is", z)
    print("debugging", file=sys.stderr)
    return REFERENCE["sigmoid"](z)


def test_printing_cannot_change_verdict():
    results = run_checks("sigmoid", implementations={"sigmoid": printing_sigmoid})
    assert all(result.passed for result in results)


def test_printing_is_captured(capsys):
    run_checks("sigmoid", implementations={"sigmoid": printing_sigmoid})
    assert capsys.readouterr() == ("", "")


def test_printed_output_shown_for_failing_case():
    def printing_wrong(z):
        print("step 1")
        return 0.0

    result = run_checks("sigmoid", implementations={"sigmoid": printing_wrong})[0]
    assert "printed: step 1" in result.message


def drawing_sigmoid(z):
    np.random.seed(123)
    np.random.rand(5)
    random.random()
    return REFERENCE["sigmoid"](z)


def test_random_draw_cannot_change_verdict():
    results = run_checks("sigmoid", implementations={"sigmoid": drawing_sigmoid})
    assert all(result.passed for result in results)


def test_random_draw_leaves_global_state():
    np.random.seed(7)
    random.seed(7)
    run_checks("sigmoid", implementations={"sigmoid": drawing_sigmoid})
    assert (np.random.rand(), random.random()) == pytest.approx(
        (np.random.RandomState(7).rand(), random.Random(7).random())
    )


def mutating_linear_forward(w, b, X):
    Z = REFERENCE["linear_forward"](w, b, X)
    X *= 0
    return Z


def test_mutation_fails_case():
    results = run_checks("linear_forward", implementations={"linear_forward": mutating_linear_forward})
    assert [result.status for result in results] == ["failed"] * len(results)


def test_mutation_reported_with_name():
    result = run_checks(
        "linear_forward", implementations={"linear_forward": mutating_linear_forward}
    )[0]
    assert "problem: modified its input X in place" in result.message


def test_mutation_gets_in_place_hint():
    result = run_checks(
        "linear_forward", implementations={"linear_forward": mutating_linear_forward}
    )[0]
    assert result.hint_id == "in_place_update"


def test_mutation_cannot_change_later_cases():
    run_checks(implementations={"linear_forward": mutating_linear_forward})
    assert all(result.passed for result in run_checks())


def double_exp_sigmoid(z):
    first = 1 / (1 + np.exp(-np.asarray(z)))
    second = 1 / (1 + np.exp(-np.asarray(z)))
    return (first + second) / 2


def test_repeated_warning_reported_once():
    result = run_checks("sigmoid", implementations={"sigmoid": double_exp_sigmoid})[2]
    problems = [line for line in result.message.splitlines() if line.startswith("problem: raised")]
    assert problems == ["problem: raised RuntimeWarning: overflow encountered in exp"]


def test_overflow_in_called_sigmoid_says_fix_sigmoid():
    results = run_checks("sigmoid_derivative", implementations={"sigmoid": sigmoid_plain_exp})
    assert results[2].hint == (
        'The overflow happened inside sigmoid, which sigmoid_derivative calls. Fix sigmoid '
        'first (check("sigmoid") shows its overflow case), then check sigmoid_derivative again.'
    )


def test_overflow_in_own_code_says_call_sigmoid():
    results = run_checks(
        "sigmoid_derivative", implementations={"sigmoid_derivative": sigmoid_derivative_from_exp}
    )
    assert results[2].hint.endswith(" Call your sigmoid function for this instead of np.exp.")


def test_overflow_of_unknown_origin_names_both_fixes():
    case = next(case for case in PUBLIC_CASES if case.function == "sigmoid_derivative"
                and "overflow" in case.description)
    observation = runner.Observation(
        "sigmoid_derivative", case, arguments={"z": case.make_args()[0]}, got=case.expected,
        warnings=("RuntimeWarning: overflow encountered in exp",),
    )
    hint_id, advice = find_hint(observation)
    assert advice.endswith(
        "If sigmoid_derivative already calls sigmoid, the overflow comes from sigmoid: "
        "fix sigmoid first."
    )


def test_overflow_warning_is_captured_not_raised():
    def plain_exp(z):
        return 1 / (1 + np.exp(-np.asarray(z)))

    results = run_checks("sigmoid", implementations={"sigmoid": plain_exp})
    assert "problem: raised RuntimeWarning: overflow encountered in exp" in results[2].message


def test_run_checks_reloads_graded_modules(monkeypatch):
    lesson02 = importlib.import_module("course_lib.graded.lesson02_sigmoid")
    monkeypatch.setattr(lesson02, "sigmoid", dividing_sigmoid)
    assert all(result.passed for result in run_checks("sigmoid"))


def test_import_error_reported_per_case(monkeypatch):
    lesson02 = importlib.import_module("course_lib.graded.lesson02_sigmoid")
    real_reload = importlib.reload

    def failing_reload(module):
        if module is lesson02:
            raise SyntaxError("invalid syntax", (lesson02.__file__, 31, 5, "s = (\n"))
        return real_reload(module)

    monkeypatch.setattr(importlib, "reload", failing_reload)
    result = run_checks("sigmoid")[0]
    assert result.message == (
        "could not import course_lib/graded/lesson02_sigmoid.py: SyntaxError: invalid syntax "
        "(course_lib/graded/lesson02_sigmoid.py, line 31)"
    )


def test_import_error_report_shown_once(monkeypatch):
    lesson02 = importlib.import_module("course_lib.graded.lesson02_sigmoid")
    real_reload = importlib.reload

    def failing_reload(module):
        if module is lesson02:
            raise SyntaxError("'(' was never closed", (lesson02.__file__, 32, 5, "s = (\n"))
        return real_reload(module)

    monkeypatch.setattr(importlib, "reload", failing_reload)
    assert format_report(run_checks("sigmoid")).splitlines() == [
        "sigmoid: could not run its 5 cases",
        "    could not import course_lib/graded/lesson02_sigmoid.py: SyntaxError: "
        "'(' was never closed (course_lib/graded/lesson02_sigmoid.py, line 32)",
    ]


def test_error_gets_no_output_hint():
    results = run_checks("sigmoid", implementations={"sigmoid": dividing_sigmoid})
    assert [result.hint for result in results] == [None] * len(results)


def test_missing_function_reported(monkeypatch):
    lesson02 = importlib.import_module("course_lib.graded.lesson02_sigmoid")
    monkeypatch.setattr(runner, "reload_graded_modules", dict)
    monkeypatch.delattr(lesson02, "sigmoid")
    result = run_checks("sigmoid")[0]
    assert "course_lib/graded/lesson02_sigmoid.py has no function sigmoid" in result.message


@pytest.mark.parametrize(
    "output",
    ["0.5", {"s": 0.5}, object(), [0.5], np.array(["a"]), (0.5, 0.5), True],
    ids=["str", "dict", "object", "list", "str-array", "tuple", "bool"],
)
def test_odd_output_fails_cleanly(output):
    results = run_checks("sigmoid", implementations={"sigmoid": lambda z: output})
    assert {result.status for result in results} == {"failed"}


def test_odd_output_report_has_no_address():
    results = run_checks("sigmoid", implementations={"sigmoid": lambda z: object()})
    assert re.search("0x[0-9a-f]+", format_report(results)) is None


def test_replacement_restored_after_run():
    run_checks("sigmoid", implementations={"sigmoid": stub_sigmoid})
    assert graded.lesson02_sigmoid.sigmoid is not stub_sigmoid


def test_custom_cases_run():
    case = Case("sigmoid", "z = 2", lambda: (2.0,), expected=0.8807970779778823)
    results = run_checks("sigmoid", cases=[case])
    assert [(result.description, result.status) for result in results] == [("z = 2", "passed")]


def test_case_without_expected_raises():
    case = Case("sigmoid", "hidden z = 2", lambda: (2.0,))
    with pytest.raises(ValueError, match='"hidden z = 2" of sigmoid has no expected value'):
        run_checks("sigmoid", cases=[case])


def without_bias(w, b, X):
    return w.T @ X


def test_failed_message_format():
    result = run_checks("linear_forward", implementations={"linear_forward": without_bias})[0]
    assert result.message.splitlines() == [
        "inputs: w of shape (2, 1) (float64), b = 2.0, X of shape (2, 3) (float64)",
        "got: [[ 7. , 10. , -7.4]] (shape (1, 3), float64)",
        "expected: [[ 9. , 12. , -5.4]] (shape (1, 3), float64)",
        "tolerance: rtol=1e-06, atol=1e-09",
        "problem: Z differs in 3 of 3 entries, by up to 2 at index (0, 0)",
    ]


def test_failed_message_format_for_tuple():
    def gradients_db_array(w, b, X, Y):
        dw, db = REFERENCE["compute_gradients"](w, b, X, Y)
        return dw, np.array([[db]])

    result = run_checks("compute_gradients", implementations={"compute_gradients": gradients_db_array})[0]
    assert result.message.splitlines()[1:3] == [
        "got: dw = [[0.99845601], [2.39507239]] (shape (2, 1), float64), "
        "db = [[0.00145558]] (shape (1, 1), float64)",
        "expected: dw = [[0.99845601], [2.39507239]] (shape (2, 1), float64), "
        "db = 0.001455578136784208",
    ]


def test_report_shows_passing_case_details():
    report = format_report(run_checks("sigmoid"))
    assert report.splitlines()[:6] == [
        "sigmoid: all 5 cases passed",
        "  passed  z = 0 gives exactly 0.5",
        "          inputs: z = 0.0",
        "          got: 0.5",
        "          expected: 0.5",
        "          tolerance: rtol=1e-06, atol=1e-09",
    ]


def test_report_lists_every_passing_case():
    report = format_report(run_checks("sigmoid"))
    headlines = [line for line in report.splitlines() if line.startswith("  passed  ")]
    assert headlines == [
        "  passed  z = 0 gives exactly 0.5",
        "  passed  z = -1, 0 and 2 in an array of shape (1, 3)",
        "  passed  z = -1000 and 1000 give 0 and 1 without overflow",
        "  passed  float32 input gives float32 output",
        "  passed  integer input of shape (2,)",
    ]


def test_report_all_functions_passed_case_one_line():
    lines = format_report(run_checks()).splitlines()
    start = lines.index("sigmoid: all 5 cases passed")
    assert lines[start + 1 : start + 7] == [
        "  passed  z = 0 gives exactly 0.5",
        "  passed  z = -1, 0 and 2 in an array of shape (1, 3)",
        "  passed  z = -1000 and 1000 give 0 and 1 without overflow",
        "  passed  float32 input gives float32 output",
        "  passed  integer input of shape (2,)",
        "",
    ]


def test_report_all_functions_details_only_not_passed():
    results = run_checks(implementations={"linear_forward": without_bias})
    lines = format_report(results).splitlines()
    inputs_lines = [line for line in lines if line.strip().startswith("inputs: ")]
    assert len(inputs_lines) == sum(not result.passed for result in results)


def test_report_all_functions_shows_failing_details():
    results = run_checks(implementations={"linear_forward": without_bias})
    lines = format_report(results).splitlines()
    start = lines.index("linear_forward: 0 of 4 cases passed")
    assert lines[start + 1 : start + 3] == [
        "  FAILED  worked example with b = 2",
        "          inputs: w of shape (2, 1) (float64), b = 2.0, X of shape (2, 3) (float64)",
    ]


def test_check_all_prints_no_passing_details(capsys):
    check()
    assert "inputs: " not in capsys.readouterr().out


def test_report_counts_failed_cases():
    results = run_checks("linear_forward", implementations={"linear_forward": without_bias})
    assert format_report(results).splitlines()[0] == "linear_forward: 0 of 4 cases passed"


def test_report_summary_for_all_functions():
    assert format_report(run_checks()).splitlines()[-1] == (
        f"Summary: {len(PUBLIC_CASES)} of {len(PUBLIC_CASES)} cases passed; "
        f"{len(FUNCTION_NAMES)} of {len(FUNCTION_NAMES)} functions pass all their cases."
    )


def test_report_same_between_runs():
    cost_plain_log = next(mistake for mistake in MISTAKES if mistake.name == "cost_plain_log")
    implementations = {"compute_cost": cost_plain_log.implementation}
    first = format_report(run_checks("compute_cost", implementations=implementations))
    second = format_report(run_checks("compute_cost", implementations=implementations))
    assert first == second


def test_boolean_strict_predict_gets_both_hints():
    results = run_checks("predict", implementations={"predict": predict_boolean_strict})
    assert [hint_id for hint_id, _ in results[1].hints] == ["wrong_dtype", "predict_strict_threshold"]


def test_boolean_strict_predict_report_shows_both_hints():
    results = run_checks("predict", implementations={"predict": predict_boolean_strict})
    hint_lines = "\n".join(f"          hint: {advice}" for _, advice in results[1].hints)
    assert hint_lines in format_report(results)


def test_boolean_strict_predict_reports_values():
    result = run_checks("predict", implementations={"predict": predict_boolean_strict})[1]
    assert result.message.splitlines()[-2:] == [
        "problem: Y_pred has dtype bool, expected int64",
        "problem: Y_pred differs in 3 of 3 entries, by up to 1 at index (0, 0)",
    ]


def test_matmul_error_stays_error_status():
    gradients = next(m for m in MISTAKES if m.name == "gradients_without_transpose")
    result = run_checks("compute_gradients", implementations={"compute_gradients": gradients.implementation})[0]
    assert result.status == "error"


def test_check_prints_report_and_returns_none(capsys):
    returned = check("accuracy")
    assert returned is None
    assert capsys.readouterr().out == format_report(run_checks("accuracy")) + "\n"


@pytest.mark.parametrize(
    ("got", "expected", "names", "problems"),
    [
        (0.5, 0.5, "s", []),
        (0.5 + 1e-7, 0.5, "s", []),
        (0.5 + 1e-5, 0.5, "s", ["s differs from the expected value by 1e-05"]),
        (np.float64(0.5), 0.5, "s", []),
        (np.float32(0.5), 0.5, "s", ["s is a numpy float32, expected a Python float"]),
        (0, 0.0, "b", ["b is a Python int, expected a Python float"]),
        (np.int64(2), 1.0, "cost", ["cost is a numpy int64, expected a Python float",
                                    "cost differs from the expected value by 1"]),
        (True, 1.0, "accuracy", ["accuracy is a Python bool, expected a Python float"]),
        (np.array(0.5), 0.5, "cost", ["cost is an ndarray of shape () and dtype float64, expected a Python float"]),
        (np.array([[0.4]]), 0.5, "db", ["db is an ndarray of shape (1, 1) and dtype float64, expected a Python float",
                                        "db differs from the expected value by 0.1"]),
        (np.zeros(2), 0.0, "db", ["db is an ndarray of shape (2,) and dtype float64, expected a Python float"]),
        (None, 0.5, "cost", ["cost is None, expected a Python float"]),
        (np.zeros(2), np.zeros((1, 2)), "Z", ["Z has shape (2,), expected (1, 2)"]),
        (np.zeros((1, 2), np.float32), np.zeros((1, 2)), "Z", ["Z has dtype float32, expected float64"]),
        (np.zeros((1, 2), np.int32), np.zeros((1, 2), np.int64), "Y_pred", []),
        (np.array([[True, False]]), np.ones((1, 2), np.int64), "Y_pred",
         ["Y_pred has dtype bool, expected int64", "Y_pred differs in 1 of 2 entries, by up to 1 at index (0, 1)"]),
        (np.array([["a", "b"]]), np.zeros((1, 2)), "Z", ["Z has dtype <U1, expected float64"]),
        ([0.0, 1.0], np.zeros((1, 2)), "Z", ["Z is a list of length 2, expected an ndarray of shape (1, 2)"]),
        (np.array([[np.nan]]), np.zeros((1, 1)), "A", ["A contains nan or inf"]),
        ((np.zeros((1, 1)), 0.0), (np.zeros((1, 1)), 0.0), ("w", "b"), []),
        (np.zeros((1, 1)), (np.zeros((1, 1)), 0.0), ("w", "b"),
         ["returned an ndarray of shape (1, 1) and dtype float64, expected a tuple of 2 values (w, b)"]),
        ((np.zeros((1, 1)), 0.0, [1.0]), (np.zeros((1, 1)), 0.0, [1.0, 2.0]), ("w", "b", "costs"),
         ["costs has 1 entries, expected 2"]),
    ],
)
def test_compare_outputs_table(got, expected, names, problems):
    assert compare_outputs(got, expected, names, 1e-6, 1e-9) == problems
