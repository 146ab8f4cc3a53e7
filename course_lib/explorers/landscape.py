r"""Costs, cost grids and gradient-descent paths of a one-feature neuron on a small data set.

With one feature the parameters are two numbers: the weight w, which is the
single entry of w of shape (1, 1), and the bias b.  A cost $J(w, b)$ can then
be drawn as contours and a run of gradient descent as a path across them.  Two costs
are compared:

$$J_{SE}(w, b) = \frac{1}{m} \sum_{i=1}^{m} \frac{1}{2}(a^{(i)} - y^{(i)})^2, \qquad
J_{CE}(w, b) = \frac{1}{m} \sum_{i=1}^{m} -\left(y^{(i)} \log a^{(i)} + (1 - y^{(i)}) \log(1 - a^{(i)})\right)$$

where $a^{(i)} = \sigma(w x^{(i)} + b)$ is the prediction for example $i$.
"""

import numpy as np

from course_lib import validation
from course_lib.explorers.curves import stable_sigmoid

SQUARED_ERROR = "squared error"
CROSS_ENTROPY = "cross-entropy"
COST_KINDS = (SQUARED_ERROR, CROSS_ENTROPY)

TOY_SEED = 0
TOY_EXAMPLES = 40
TOY_FEATURE_SCALE = 2.0
TOY_TRUE_WEIGHT = 1.5


def make_toy_dataset(m=TOY_EXAMPLES, seed=TOY_SEED):
    r"""Draw a small one-feature data set whose labels follow $\sigma(1.5 x)$.

    The features are normal with standard deviation 2 and each label is 1
    with probability $\sigma(1.5 x)$, so the classes overlap and the
    cross-entropy cost has a finite minimum near w = 1.5, b = 0.

    Parameters
    ----------
    m : int, default 40
        Number of examples.
    seed : int, default 0
        Seed of the random generator; the same seed gives the same data.

    Returns
    -------
    X : numpy.ndarray of shape (1, m)
        Feature values, one example per column.
    Y : numpy.ndarray of shape (1, m), dtype float64
        Labels, 0 or 1.
    """
    m = validation.check_positive_int(m, "m")
    seed = validation.check_positive_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)

    X = rng.normal(0.0, TOY_FEATURE_SCALE, size=(1, m))
    Y = (rng.random((1, m)) < stable_sigmoid(TOY_TRUE_WEIGHT * X)).astype(np.float64)
    return X, Y


def check_cost_kind(kind):
    """Return ``kind`` unchanged, or raise ``ValueError`` if it names no known cost."""
    if kind not in COST_KINDS:
        raise ValueError(f"kind must be one of {COST_KINDS}, got {kind!r}.")
    return kind


def check_one_feature_data(X, Y):
    """Validate one-feature inputs X of shape (1, m) and labels Y of shape (1, m)."""
    X = validation.check_matrix(validation.as_float_array(X, "X"), "X", "(1, m)", rows=1)
    Y = validation.check_labels(Y, X)
    return X, Y


def example_losses(Z, Y, kind):
    """Compute the loss of every example from the pre-activations Z, broadcasting over leading axes."""
    if kind == CROSS_ENTROPY:
        return Y * np.logaddexp(0.0, -Z) + (1.0 - Y) * np.logaddexp(0.0, Z)
    return 0.5 * (stable_sigmoid(Z) - Y) ** 2


def cost_grid(w_values, b_values, X, Y, kind):
    r"""Evaluate the cost $J(w, b)$ at every pair of a grid of weights and biases.

    Parameters
    ----------
    w_values : numpy.ndarray of shape (n_w,)
        Weights, the horizontal axis of a contour plot.
    b_values : numpy.ndarray of shape (n_b,)
        Biases, the vertical axis of a contour plot.
    X : numpy.ndarray of shape (1, m)
        Feature values, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].
    kind : {"squared error", "cross-entropy"}
        Which cost to evaluate.

    Returns
    -------
    J : numpy.ndarray of shape (n_b, n_w)
        ``J[i, j]`` is the cost at ``w_values[j]``, ``b_values[i]``, the
        layout that ``matplotlib.axes.Axes.contour`` expects.
    """
    kind = check_cost_kind(kind)
    X, Y = check_one_feature_data(X, Y)
    w_values = validation.as_float_array(w_values, "w_values").reshape(1, -1, 1)
    b_values = validation.as_float_array(b_values, "b_values").reshape(-1, 1, 1)

    Z = w_values * X.reshape(1, 1, -1) + b_values
    losses = example_losses(Z, Y.reshape(1, 1, -1), kind)
    return losses.mean(axis=2)


def cost(w, b, X, Y, kind):
    """Evaluate the cost at one point (w, b); see ``cost_grid`` for the parameters.

    Returns
    -------
    J : float
        The cost, a Python float.
    """
    w = validation.check_scalar(w, "w")
    b = validation.check_scalar(b, "b")
    return float(cost_grid(np.array([w]), np.array([b]), X, Y, kind)[0, 0])


def cost_gradient(w, b, X, Y, kind):
    r"""Compute the gradient of the cost with respect to the weight and the bias.

    Both costs share the chain rule $\partial J / \partial w = \frac{1}{m} \sum_i dz^{(i)} x^{(i)}$
    and $\partial J / \partial b = \frac{1}{m} \sum_i dz^{(i)}$, where
    $dz = a - y$ for cross-entropy and $dz = (a - y)\, a (1 - a)$ for squared
    error.  The factor $a (1 - a)$ is close to 0 wherever the sigmoid is
    saturated, which is why squared error stalls on its plateaus.

    Parameters
    ----------
    w : float
        Weight.
    b : float
        Bias.
    X : numpy.ndarray of shape (1, m)
        Feature values, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].
    kind : {"squared error", "cross-entropy"}
        Which cost to differentiate.

    Returns
    -------
    dw : float
        Derivative of the cost with respect to w.
    db : float
        Derivative of the cost with respect to b.
    """
    kind = check_cost_kind(kind)
    X, Y = check_one_feature_data(X, Y)
    w = validation.check_scalar(w, "w")
    b = validation.check_scalar(b, "b")

    A = stable_sigmoid(w * X + b)
    error_signal = A - Y
    if kind == SQUARED_ERROR:
        error_signal = error_signal * A * (1.0 - A)

    return float(np.mean(error_signal * X)), float(np.mean(error_signal))


def gradient_descent_path(w, b, X, Y, kind, learning_rate, num_iterations):
    r"""Run gradient descent on the chosen cost and return every point it visits.

    Parameters
    ----------
    w : float
        Starting weight.
    b : float
        Starting bias.
    X : numpy.ndarray of shape (1, m)
        Feature values, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].
    kind : {"squared error", "cross-entropy"}
        Which cost to descend.
    learning_rate : float
        Step size $\alpha$, positive.
    num_iterations : int
        Number of updates, 0 or more.

    Returns
    -------
    path : numpy.ndarray of shape (num_iterations + 1, 2)
        Row k contains (w, b) after k updates, and row 0 is the start.
    """
    learning_rate = check_positive_number(learning_rate, "learning_rate")
    num_iterations = validation.check_positive_int(num_iterations, "num_iterations", minimum=0)
    path = np.empty((num_iterations + 1, 2))
    path[0] = validation.check_scalar(w, "w"), validation.check_scalar(b, "b")

    for k in range(num_iterations):
        dw, db = cost_gradient(path[k, 0], path[k, 1], X, Y, kind)
        path[k + 1] = path[k, 0] - learning_rate * dw, path[k, 1] - learning_rate * db
    return path


def weight_descent_path(w, X, Y, learning_rate, num_iterations):
    r"""Run gradient descent on the cross-entropy cost over w alone, keeping b = 0.

    With the bias held at 0 the cost is a curve $J(w)$, so each step can be
    drawn as a point moving along it.

    Parameters
    ----------
    w : float
        Starting weight.
    X : numpy.ndarray of shape (1, m)
        Feature values, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].
    learning_rate : float
        Step size $\alpha$, positive.
    num_iterations : int
        Number of updates, 0 or more.

    Returns
    -------
    weights : numpy.ndarray of shape (num_iterations + 1,)
        The weight after 0, 1, ..., num_iterations updates.
    """
    learning_rate = check_positive_number(learning_rate, "learning_rate")
    num_iterations = validation.check_positive_int(num_iterations, "num_iterations", minimum=0)
    weights = np.empty(num_iterations + 1)
    weights[0] = validation.check_scalar(w, "w")

    for k in range(num_iterations):
        dw, _ = cost_gradient(weights[k], 0.0, X, Y, CROSS_ENTROPY)
        weights[k + 1] = weights[k] - learning_rate * dw
    return weights


def check_positive_number(value, name):
    """Return ``value`` as a float, or raise if it is not a positive finite number."""
    value = validation.check_scalar(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number such as 0.1, got {value!r}.")
    return value
