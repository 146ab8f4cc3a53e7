"""A catalog of realistic wrong implementations of the graded functions.

Each entry replaces one graded function with code that a student could
plausibly write, and names the hint that the checks must give for it.
``tests/test_checks.py`` runs every entry through ``run_checks`` and the
grader's tests may reuse the catalog.

The wrong implementations keep the input handling of the student stubs
(scalar in, scalar out) where it is not part of the mistake.  They call
other graded functions through their modules, so that they use whatever
implementation the checks have put in place.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from course_lib.graded import (
    lesson01_linear_model as lesson01,
    lesson02_sigmoid as lesson02,
    lesson03_squared_error as lesson03,
    lesson05_cost_and_gradients as lesson05,
    lesson07_classifier as lesson07,
)


@dataclass(frozen=True)
class Mistake:
    """One wrong implementation and the hint it must produce.

    Attributes
    ----------
    function : str
        Name of the graded function that ``implementation`` replaces.
    hint_id : str
        Key of ``course_lib.checks.hints.HINTS`` that at least one failing
        case must report among its hints.
    implementation : callable
        The wrong implementation, with the graded function's signature.
    """

    function: str
    hint_id: str
    implementation: Callable

    @property
    def name(self):
        """The implementation's name, used as the test id."""
        return self.implementation.__name__


def flatten_reshape_without_transpose(images):
    m = images.shape[0]
    return images.reshape(-1, m)


def flatten_examples_in_rows(images):
    m = images.shape[0]
    return images.reshape(m, -1)


def scale_pixels_in_place(X):
    X /= 255.0
    return X


def scale_pixels_keeps_input_dtype(X):
    return X / 255.0


def initialize_flat_weights(n_x):
    return np.zeros(n_x), 0.0


def initialize_bias_as_array(n_x):
    return np.zeros((n_x, 1)), np.zeros((1, 1))


def initialize_bias_as_int(n_x):
    return np.zeros((n_x, 1)), 0


def linear_forward_without_bias(w, b, X):
    return w.T @ X


def linear_forward_elementwise(w, b, X):
    return w * X + b


def linear_forward_transposed(w, b, X):
    return X.T @ w + b


def sigmoid_missing_parentheses(z):
    is_scalar = np.ndim(z) == 0
    z = np.asarray(z)
    s = 1 / 1 + np.exp(-z)
    return float(s) if is_scalar else s


def sigmoid_plain_exp(z):
    is_scalar = np.ndim(z) == 0
    z = np.asarray(z)
    s = 1 / (1 + np.exp(-z))
    return float(s) if is_scalar else s


def sigmoid_converts_to_float64(z):
    is_scalar = np.ndim(z) == 0
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(s) if is_scalar else s


def sigmoid_derivative_from_exp(z):
    is_scalar = np.ndim(z) == 0
    z = np.asarray(z, dtype=float)
    ds = np.exp(-z) / (1 + np.exp(-z)) ** 2
    return float(ds) if is_scalar else ds


def squared_error_without_half(y_hat, y):
    is_scalar = np.ndim(y_hat) == 0 and np.ndim(y) == 0
    loss = (np.asarray(y_hat) - np.asarray(y)) ** 2
    return float(loss) if is_scalar else loss


def cross_entropy_plain_log(y_hat, y):
    is_scalar = np.ndim(y_hat) == 0 and np.ndim(y) == 0
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    loss = -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    return float(loss) if is_scalar else loss


def cross_entropy_without_minus(y_hat, y):
    is_scalar = np.ndim(y_hat) == 0 and np.ndim(y) == 0
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.where(y > 0, y * np.log(y_hat), 0.0) + np.where(
            y < 1, (1 - y) * np.log1p(-y_hat), 0.0
        )
    return float(loss) if is_scalar else loss


def stable_losses(w, b, X, Y):
    """Return the correct per-example losses, for mistakes made after this step."""
    Z = lesson01.linear_forward(w, b, X)
    return Y * np.logaddexp(0.0, -Z) + (1 - Y) * np.logaddexp(0.0, Z)


def cost_without_mean(w, b, X, Y):
    return float(np.sum(stable_losses(w, b, X, Y)))


def cost_as_array(w, b, X, Y):
    m = X.shape[1]
    return np.sum(stable_losses(w, b, X, Y), axis=1, keepdims=True) / m


def cost_plain_log(w, b, X, Y):
    m = X.shape[1]
    A = lesson02.sigmoid(lesson01.linear_forward(w, b, X))
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)


def cost_outer_product_summed(w, b, X, Y):
    m = X.shape[1]
    A = lesson02.sigmoid(lesson01.linear_forward(w, b, X))
    return float(-np.sum(Y.T @ np.log(A) + (1 - Y).T @ np.log(1 - A)) / m)


def cost_outer_product_matrix(w, b, X, Y):
    m = X.shape[1]
    A = lesson02.sigmoid(lesson01.linear_forward(w, b, X))
    return -(Y.T @ np.log(A) + (1 - Y).T @ np.log(1 - A)) / m


def cost_squared_error(w, b, X, Y):
    A = lesson02.sigmoid(lesson01.linear_forward(w, b, X))
    return float(np.mean(lesson03.squared_error_loss(A, Y * 1.0)))


def gradients_parts(w, b, X, Y):
    """Return m and dZ = A - Y, for mistakes made after this step."""
    A = lesson02.sigmoid(lesson01.linear_forward(w, b, X))
    return X.shape[1], A - Y


def gradients_without_mean(w, b, X, Y):
    m, dZ = gradients_parts(w, b, X, Y)
    return X @ dZ.T, float(np.sum(dZ))


def gradients_db_not_averaged(w, b, X, Y):
    m, dZ = gradients_parts(w, b, X, Y)
    return X @ dZ.T / m, float(np.sum(dZ))


def gradients_elementwise(w, b, X, Y):
    m, dZ = gradients_parts(w, b, X, Y)
    return X * dZ / m, float(np.sum(dZ) / m)


def gradients_wrong_sign(w, b, X, Y):
    m, dZ = gradients_parts(w, b, X, Y)
    return X @ -dZ.T / m, float(np.sum(-dZ) / m)


def gradients_db_as_array(w, b, X, Y):
    m, dZ = gradients_parts(w, b, X, Y)
    return X @ dZ.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def gradients_without_transpose(w, b, X, Y):
    m, dZ = gradients_parts(w, b, X, Y)
    return X @ dZ / m, float(np.sum(dZ) / m)


def gradients_without_bias(w, b, X, Y):
    m = X.shape[1]
    dZ = lesson02.sigmoid(w.T @ X) - Y
    return X @ dZ.T / m, float(np.sum(dZ) / m)


def descent_loop(w, b, X, Y, learning_rate, num_iterations, record_every, update):
    """Run gradient descent with a custom update, recording costs like the reference."""
    costs = []
    for iteration in range(num_iterations):
        if iteration % record_every == 0:
            costs.append(lesson05.compute_cost(w, b, X, Y))
        dw, db = lesson05.compute_gradients(w, b, X, Y)
        w, b = update(w, b, dw, db, learning_rate)
    return w, b, costs


def descent_gradient_ascent(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    w = np.array(w, dtype=np.float64)

    def update(w, b, dw, db, learning_rate):
        return w + learning_rate * dw, b + learning_rate * db

    return descent_loop(w, b, X, Y, learning_rate, num_iterations, record_every, update)


def descent_fixed_learning_rate(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    w = np.array(w, dtype=np.float64)

    def update(w, b, dw, db, learning_rate):
        return w - 0.009 * dw, b - 0.009 * db

    return descent_loop(w, b, X, Y, learning_rate, num_iterations, record_every, update)


def descent_fixed_iterations(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    w = np.array(w, dtype=np.float64)
    costs = []
    for iteration in range(100):
        if iteration % record_every == 0:
            costs.append(lesson05.compute_cost(w, b, X, Y))
        dw, db = lesson05.compute_gradients(w, b, X, Y)
        w = w - learning_rate * dw
        b = b - learning_rate * db
    return w, b, costs


def descent_records_after_update(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    w = np.array(w, dtype=np.float64)
    costs = []
    for iteration in range(num_iterations):
        dw, db = lesson05.compute_gradients(w, b, X, Y)
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if iteration % record_every == 0:
            costs.append(lesson05.compute_cost(w, b, X, Y))
    return w, b, costs


def descent_updates_caller_array(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    costs = []
    for iteration in range(num_iterations):
        if iteration % record_every == 0:
            costs.append(lesson05.compute_cost(w, b, X, Y))
        dw, db = lesson05.compute_gradients(w, b, X, Y)
        w -= learning_rate * dw
        b -= learning_rate * db
    return w, b, costs


def descent_integer_copy(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    w = w.copy()

    def update(w, b, dw, db, learning_rate):
        w[:] = w - learning_rate * dw
        return w, b - learning_rate * db

    return descent_loop(w, b, X, Y, learning_rate, num_iterations, record_every, update)


def predict_proba_without_sigmoid(w, b, X):
    return lesson01.linear_forward(w, b, X)


def predict_strict_threshold(w, b, X, threshold=0.5):
    A = lesson07.predict_proba(w, b, X)
    return (A > threshold).astype(np.int64)


def predict_fixed_threshold(w, b, X, threshold=0.5):
    A = lesson07.predict_proba(w, b, X)
    return (A >= 0.5).astype(np.int64)


def predict_boolean(w, b, X, threshold=0.5):
    A = lesson07.predict_proba(w, b, X)
    return A >= threshold


def predict_boolean_strict(w, b, X, threshold=0.5):
    A = lesson07.predict_proba(w, b, X)
    return A > threshold


def accuracy_count(Y_pred, Y):
    return float(np.sum(Y_pred == Y))


MISTAKES = [
    Mistake("flatten_images", "flatten_without_transpose", flatten_reshape_without_transpose),
    Mistake("flatten_images", "flatten_without_transpose", flatten_examples_in_rows),
    Mistake("scale_pixels", "in_place_update", scale_pixels_in_place),
    Mistake("scale_pixels", "wrong_dtype", scale_pixels_keeps_input_dtype),
    Mistake("initialize_parameters", "wrong_shape", initialize_flat_weights),
    Mistake("initialize_parameters", "array_instead_of_float", initialize_bias_as_array),
    Mistake("initialize_parameters", "not_python_float", initialize_bias_as_int),
    Mistake("linear_forward", "missing_bias", linear_forward_without_bias),
    Mistake("linear_forward", "elementwise_product", linear_forward_elementwise),
    Mistake("linear_forward", "transposed_output", linear_forward_transposed),
    Mistake("sigmoid", "sigmoid_missing_parentheses", sigmoid_missing_parentheses),
    Mistake("sigmoid", "exp_overflow", sigmoid_plain_exp),
    Mistake("sigmoid", "wrong_dtype", sigmoid_converts_to_float64),
    Mistake("sigmoid_derivative", "exp_overflow", sigmoid_derivative_from_exp),
    Mistake("squared_error_loss", "squared_error_missing_half", squared_error_without_half),
    Mistake("cross_entropy_loss", "log_of_zero", cross_entropy_plain_log),
    Mistake("cross_entropy_loss", "loss_sign", cross_entropy_without_minus),
    Mistake("compute_cost", "missing_mean", cost_without_mean),
    Mistake("compute_cost", "array_instead_of_float", cost_as_array),
    Mistake("compute_cost", "log_of_zero", cost_plain_log),
    Mistake("compute_cost", "outer_product_broadcast", cost_outer_product_summed),
    Mistake("compute_cost", "outer_product_broadcast", cost_outer_product_matrix),
    Mistake("compute_cost", "squared_error_as_cost", cost_squared_error),
    Mistake("compute_gradients", "missing_mean", gradients_without_mean),
    Mistake("compute_gradients", "bias_gradient_not_averaged", gradients_db_not_averaged),
    Mistake("compute_gradients", "elementwise_product", gradients_elementwise),
    Mistake("compute_gradients", "gradient_sign", gradients_wrong_sign),
    Mistake("compute_gradients", "array_instead_of_float", gradients_db_as_array),
    Mistake("compute_gradients", "missing_bias", gradients_without_bias),
    Mistake("compute_gradients", "gradient_matmul_shapes", gradients_without_transpose),
    Mistake("gradient_descent", "gradient_sign", descent_gradient_ascent),
    Mistake("gradient_descent", "hardcoded_learning_rate", descent_fixed_learning_rate),
    Mistake("gradient_descent", "hardcoded_iterations", descent_fixed_iterations),
    Mistake("gradient_descent", "cost_recorded_after_update", descent_records_after_update),
    Mistake("gradient_descent", "in_place_update", descent_updates_caller_array),
    Mistake("gradient_descent", "integer_truncation", descent_integer_copy),
    Mistake("predict_proba", "missing_activation", predict_proba_without_sigmoid),
    Mistake("predict", "predict_strict_threshold", predict_strict_threshold),
    Mistake("predict", "predict_ignores_threshold", predict_fixed_threshold),
    Mistake("predict", "wrong_dtype", predict_boolean),
    Mistake("predict", "predict_strict_threshold", predict_boolean_strict),
    Mistake("accuracy", "missing_mean", accuracy_count),
]
