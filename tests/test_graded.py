"""Tests of the reference solutions of the graded functions.

Expected values come from the course's pinned reference numbers or from an
independent computation in the test itself (plain formulas, finite
differences), never from the implementation under test.
"""

import numpy as np
import pytest

import course_lib
from course_lib import (
    accuracy,
    compute_cost,
    compute_gradients,
    cross_entropy_loss,
    flatten_images,
    gradient_descent,
    initialize_parameters,
    linear_forward,
    numerical_gradient,
    predict,
    predict_proba,
    relative_error,
    scale_pixels,
    sigmoid,
    sigmoid_derivative,
    squared_error_loss,
)

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def pinned_example():
    """The course's worked example with two features and three examples."""
    w = np.array([[1.0], [2.0]])
    b = 2.0
    X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    Y = np.array([[1, 0, 1]])
    return w, b, X, Y


def random_problem(n_x=4, m=7, seed=0):
    """Return a small random problem (w, b, X, Y) with non-trivial predictions."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n_x, 1))
    b = float(rng.normal())
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.int64)
    return w, b, X, Y


def test_compute_cost_pinned_value(pinned_example):
    assert compute_cost(*pinned_example) == pytest.approx(5.801545319394553, rel=1e-12)


def test_compute_cost_returns_python_float(pinned_example):
    assert type(compute_cost(*pinned_example)) is float


def test_compute_gradients_pinned_dw(pinned_example):
    dw, _ = compute_gradients(*pinned_example)
    np.testing.assert_allclose(dw, [[0.99845601], [2.39507239]], rtol=1e-7)


def test_compute_gradients_pinned_db(pinned_example):
    _, db = compute_gradients(*pinned_example)
    assert db == pytest.approx(0.001455578136784208, rel=1e-9)


def test_compute_gradients_shapes_and_types(pinned_example):
    dw, db = compute_gradients(*pinned_example)
    assert dw.shape == (2, 1)
    assert type(db) is float


@pytest.mark.parametrize(
    ("learning_rate", "expected_w", "expected_b"),
    [
        (0.009, [[0.19033591], [0.12259159]], 1.92535983),
        (0.1, [[-0.70297923], [-0.42531595]], 2.26420411),
    ],
)
def test_gradient_descent_pinned_values(pinned_example, learning_rate, expected_w, expected_b):
    w, b, _ = gradient_descent(*pinned_example, learning_rate=learning_rate, num_iterations=100)
    np.testing.assert_allclose(w, expected_w, rtol=1e-7)
    assert b == pytest.approx(expected_b, rel=1e-8)


def test_compute_cost_matches_plain_formula():
    w, b, X, Y = random_problem()
    A = 1 / (1 + np.exp(-(w.T @ X + b)))
    plain = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert compute_cost(w, b, X, Y) == pytest.approx(plain, rel=1e-12)


@pytest.mark.parametrize(("y", "expected"), [(1, 4.248354255291589e-18), (0, 40.0)])
def test_compute_cost_saturated_prediction_is_finite(y, expected):
    cost = compute_cost(np.array([[40.0]]), 0.0, np.array([[1.0]]), np.array([[y]]))
    assert cost == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("z", [1000.0, -1000.0, 1e300, -1e300])
def test_compute_cost_extreme_z_never_nan_or_inf(z):
    for y in (0, 1):
        cost = compute_cost(np.array([[z]]), 0.0, np.array([[1.0]]), np.array([[y]]))
        assert np.isfinite(cost)


@pytest.mark.parametrize("function", [compute_cost, compute_gradients])
def test_labels_as_column_raise_naming_both_shapes(pinned_example, function):
    w, b, X, Y = pinned_example
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 3\).*\(2, 3\).*\(3, 1\)"):
        function(w, b, X, Y.T)


def test_gradient_descent_labels_as_column_raise(pinned_example):
    w, b, X, Y = pinned_example
    with pytest.raises(ValueError, match=r"got Y of shape \(3, 1\)"):
        gradient_descent(w, b, X, Y.T, 0.1, 10)


@pytest.mark.parametrize(
    ("w", "X", "message"),
    [
        (np.ones((3, 1)), np.ones((2, 4)), r"X must have n_x = 3 rows to match w of shape \(3, 1\), got X of shape \(2, 4\)"),
        (np.ones((2, 2)), np.ones((2, 4)), r"w must have 1 column to match shape \(n_x, 1\), got shape \(2, 2\)"),
        (np.ones(2), np.ones((2, 4)), r"w must be a 2-D array of shape \(n_x, 1\)"),
        (np.ones((2, 1)), np.ones(4), r"X must be a 2-D array of shape \(n_x, m\)"),
    ],
)
def test_linear_forward_shape_mismatch_raises(w, X, message):
    with pytest.raises(ValueError, match=message):
        linear_forward(w, 0.0, X)


@pytest.mark.parametrize(
    ("b", "error", "message"),
    [
        (np.array([[1.0]]), TypeError, r"b must be a real number \(a Python float\), got ndarray of shape \(1, 1\)"),
        ("2", TypeError, r"b must be a real number"),
        (True, TypeError, r"b must be a real number"),
        (float("nan"), ValueError, r"b must be finite, got nan"),
    ],
)
def test_linear_forward_invalid_bias_raises(b, error, message):
    with pytest.raises(error, match=message):
        linear_forward(np.ones((2, 1)), b, np.ones((2, 3)))


def test_linear_forward_rejects_strings():
    with pytest.raises(TypeError, match=r"w must be a NumPy array of real numbers, got str"):
        linear_forward("weights", 0.0, np.ones((2, 3)))


def test_linear_forward_matches_loop(pinned_example):
    w, b, X, _ = pinned_example
    expected = [[sum(w[j, 0] * X[j, i] for j in range(2)) + b for i in range(3)]]
    np.testing.assert_allclose(linear_forward(w, b, X), expected, rtol=1e-12)


def test_sigmoid_zero_is_half():
    assert sigmoid(0) == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize(("z", "expected"), [(1000.0, 1.0), (-1000.0, 0.0)])
def test_sigmoid_extreme_values_exact_limits(z, expected):
    assert sigmoid(np.array([z]))[0] == pytest.approx(expected, abs=0.0)


def test_sigmoid_matches_plain_formula():
    z = np.linspace(-30, 30, 101).reshape(1, -1)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12)


def test_sigmoid_float32_keeps_dtype():
    z = np.array([[-2.0, 0.0, 3.0]], dtype=np.float32)
    assert sigmoid(z).dtype == np.float32


def test_sigmoid_float32_values():
    z = np.array([[-2.0, 0.0, 3.0]], dtype=np.float32)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z.astype(np.float64))), rtol=1e-6)


def test_sigmoid_scalar_returns_float():
    assert type(sigmoid(1.5)) is float


def test_sigmoid_keeps_shape():
    assert sigmoid(np.zeros((2, 3, 4))).shape == (2, 3, 4)


def test_sigmoid_derivative_matches_finite_difference():
    z = np.linspace(-6, 6, 25)
    numeric = np.array([numerical_gradient(sigmoid, float(value)) for value in z])
    assert relative_error(sigmoid_derivative(z), numeric) < 1e-7


def test_sigmoid_derivative_maximum_at_zero():
    assert sigmoid_derivative(0.0) == pytest.approx(0.25, abs=1e-15)


def test_squared_error_loss_elementwise():
    y_hat = np.array([[0.2, 0.9, 0.5]])
    y = np.array([[1.0, 1.0, 0.0]])
    np.testing.assert_allclose(squared_error_loss(y_hat, y), [[0.32, 0.005, 0.125]], rtol=1e-12)


def test_cross_entropy_loss_elementwise():
    y_hat = np.array([[0.2, 0.9, 0.5]])
    y = np.array([[1.0, 1.0, 0.0]])
    expected = [[-np.log(0.2), -np.log(0.9), -np.log(0.5)]]
    np.testing.assert_allclose(cross_entropy_loss(y_hat, y), expected, rtol=1e-12)


def test_cross_entropy_loss_perfect_predictions_zero():
    loss = cross_entropy_loss(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    np.testing.assert_array_equal(loss, [0.0, 0.0])


def test_cross_entropy_loss_confident_wrong_is_inf():
    assert cross_entropy_loss(0.0, 1.0) == np.inf


@pytest.mark.parametrize("loss_function", [squared_error_loss, cross_entropy_loss])
def test_loss_shape_mismatch_raises(loss_function):
    with pytest.raises(ValueError, match=r"y_hat and y must have the same shape, got y_hat of shape \(1, 3\) and y of shape \(3, 1\)"):
        loss_function(np.full((1, 3), 0.5), np.ones((3, 1)))


@pytest.mark.parametrize("loss_function", [squared_error_loss, cross_entropy_loss])
def test_loss_probability_out_of_range_raises(loss_function):
    with pytest.raises(ValueError, match=r"y_hat must contain values in \[0, 1\], got 1.5"):
        loss_function(np.array([1.5]), np.array([1.0]))


def test_one_step_lowers_loss():
    X = np.array([[1.0]])
    Y = np.array([[1]])
    before = compute_cost(np.array([[1.0]]), 1.0, X, Y)
    w, b, _ = gradient_descent(np.array([[1.0]]), 1.0, X, Y, learning_rate=1.0, num_iterations=1)
    after = compute_cost(w, b, X, Y)
    assert before == pytest.approx(0.1269, abs=5e-5)
    assert after == pytest.approx(0.1013, abs=5e-5)


def test_compute_gradients_match_numerical_gradient():
    w, b, X, Y = random_problem(n_x=5, m=9, seed=3)
    dw, db = compute_gradients(w, b, X, Y)
    numeric_dw = numerical_gradient(lambda w_probe: compute_cost(w_probe, b, X, Y), w)
    numeric_db = numerical_gradient(lambda b_probe: compute_cost(w, b_probe, X, Y), b)
    assert relative_error(dw, numeric_dw) < 1e-7
    assert relative_error(db, numeric_db) < 1e-7


@pytest.mark.parametrize("loss_function", [squared_error_loss, cross_entropy_loss])
def test_loss_derivative_matches_numerical_gradient(loss_function):
    y_hat = np.array([0.1, 0.4, 0.7, 0.95])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    numeric = numerical_gradient(lambda probe: np.sum(loss_function(probe, y)), y_hat)
    if loss_function is squared_error_loss:
        analytic = y_hat - y
    else:
        analytic = -y / y_hat + (1 - y) / (1 - y_hat)
    assert relative_error(analytic, numeric) < 1e-7


def test_gradient_descent_leaves_inputs_unchanged(pinned_example):
    w, b, X, Y = pinned_example
    w_before, X_before = w.copy(), X.copy()
    gradient_descent(w, b, X, Y, 0.1, 10)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(X, X_before)


def test_gradient_descent_integer_inputs_not_truncated():
    w_int, w_float, b, X_int, Y = np.zeros((2, 1), dtype=np.int64), np.zeros((2, 1)), 0, np.array([[1, 2, -1], [3, 4, -3]]), np.array([[1, 0, 1]])
    w_from_int, b_from_int, _ = gradient_descent(w_int, b, X_int, Y, 0.01, 5)
    w_from_float, b_from_float, _ = gradient_descent(w_float, 0.0, X_int.astype(float), Y, 0.01, 5)
    np.testing.assert_allclose(w_from_int, w_from_float, rtol=1e-12)
    assert b_from_int == pytest.approx(b_from_float, rel=1e-12)
    assert np.any(w_from_int != 0)


@pytest.mark.parametrize(("num_iterations", "record_every", "expected_count"), [(0, 100, 0), (1, 100, 1), (250, 100, 3), (10, 3, 4)])
def test_gradient_descent_records_costs(pinned_example, num_iterations, record_every, expected_count):
    *_, costs = gradient_descent(*pinned_example, 0.01, num_iterations, record_every=record_every)
    assert len(costs) == expected_count


def test_gradient_descent_first_cost_is_starting_cost(pinned_example):
    *_, costs = gradient_descent(*pinned_example, 0.01, 5)
    assert costs[0] == pytest.approx(compute_cost(*pinned_example), rel=1e-12)


@pytest.mark.parametrize(
    ("learning_rate", "num_iterations", "error", "message"),
    [
        (0.0, 10, ValueError, r"learning_rate must be a positive number such as 0.005, got 0.0"),
        (-1.0, 10, ValueError, r"learning_rate must be a positive number"),
        (0.1, -1, ValueError, r"num_iterations must be an integer of at least 0, got -1"),
        (0.1, 2.5, TypeError, r"num_iterations must be an integer of at least 0, got float 2.5"),
        ("fast", 10, TypeError, r"learning_rate must be a real number"),
    ],
)
def test_gradient_descent_invalid_settings_raise(pinned_example, learning_rate, num_iterations, error, message):
    with pytest.raises(error, match=message):
        gradient_descent(*pinned_example, learning_rate, num_iterations)


def test_flatten_images_round_trip():
    rng = np.random.default_rng(7)
    images = rng.integers(0, 256, size=(5, 4, 3, 3), dtype=np.uint8)
    X = flatten_images(images)
    assert X.shape == (36, 5)
    for i in range(5):
        np.testing.assert_array_equal(X[:, i].reshape(4, 3, 3), images[i])


def test_flatten_images_keeps_dtype():
    assert flatten_images(np.zeros((2, 2, 2, 3), dtype=np.uint8)).dtype == np.uint8


def test_flatten_images_single_image_raises():
    with pytest.raises(ValueError, match=r"images must be a 4-D array of shape \(m, h, w, c\).*images\[np.newaxis\]"):
        flatten_images(np.zeros((64, 64, 3), dtype=np.uint8))


def test_scale_pixels_range_and_dtype():
    X = np.array([[0, 255], [51, 102]], dtype=np.uint8)
    scaled = scale_pixels(X)
    assert scaled.dtype == np.float64
    np.testing.assert_allclose(scaled, [[0.0, 1.0], [0.2, 0.4]], rtol=1e-12)


def test_scale_pixels_out_of_range_raises():
    with pytest.raises(ValueError, match=r"X must contain values in \[0, 255\], got 300"):
        scale_pixels(np.array([[300.0]]))


def test_initialize_parameters_zeros():
    w, b = initialize_parameters(3)
    np.testing.assert_array_equal(w, np.zeros((3, 1)))
    assert w.dtype == np.float64
    assert type(b) is float
    assert b == 0.0


@pytest.mark.parametrize(("n_x", "error"), [(0, ValueError), (-2, ValueError), (2.0, TypeError), (True, TypeError)])
def test_initialize_parameters_invalid_n_x_raises(n_x, error):
    with pytest.raises(error, match=r"n_x must be an integer of at least 1"):
        initialize_parameters(n_x)


def test_predict_threshold_is_inclusive():
    Y_pred = predict(np.zeros((2, 1)), 0.0, np.ones((2, 3)))
    np.testing.assert_array_equal(Y_pred, [[1, 1, 1]])


def test_predict_values_and_shape(pinned_example):
    w, b, X, _ = pinned_example
    A = predict_proba(w, b, X)
    Y_pred = predict(w, b, X, threshold=0.9)
    assert Y_pred.shape == (1, 3)
    np.testing.assert_array_equal(Y_pred, (A >= 0.9).astype(int))


def test_predict_invalid_threshold_raises(pinned_example):
    w, b, X, _ = pinned_example
    with pytest.raises(ValueError, match=r"threshold must be in \[0, 1\], got 1.5"):
        predict(w, b, X, threshold=1.5)


def test_accuracy_fraction():
    assert accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 1, 1, 0]])) == pytest.approx(0.5)


def test_accuracy_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"Y_pred and Y must have the same shape"):
        accuracy(np.array([[1, 0, 1]]), np.array([[1], [0], [1]]))


def test_accuracy_non_binary_raises():
    with pytest.raises(ValueError, match=r"Y_pred must contain only the labels 0 and 1, got 0.7"):
        accuracy(np.array([[0.7, 1.0]]), np.array([[1, 1]]))


def test_public_api_exports_graded_functions():
    for name in course_lib.GRADED_FUNCTIONS:
        assert callable(getattr(course_lib, name))
