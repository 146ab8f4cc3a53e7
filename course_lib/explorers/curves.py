r"""Curves of one example: the sigmoid of $w x + b$, its decision boundary and the two losses.

These functions are the course's own reference computations for the
explorers, so the pictures work before a student has written ``sigmoid`` or
the losses in ``course_lib.graded``.
"""

import numbers

import numpy as np

from course_lib import validation

DECISION_THRESHOLD = 0.5


def stable_sigmoid(z):
    r"""Compute $\sigma(z) = 1 / (1 + e^{-z})$ elementwise without overflow.

    Uses the identity $\sigma(z) = \frac{1}{2}(1 + \tanh(z / 2))$, which is
    exact to about 1e-16 in absolute terms: enough for pictures, but it loses
    relative precision for values near 0, so the graded ``sigmoid`` does not use it.

    Parameters
    ----------
    z : numpy.ndarray of any shape
        Pre-activations.

    Returns
    -------
    s : numpy.ndarray of the same shape as z, dtype float64
        Values in [0, 1].
    """
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_curve(w, b, x):
    r"""Compute $a = \sigma(w x + b)$ for a one-feature neuron at every point of x.

    Parameters
    ----------
    w : float
        Weight.
    b : float
        Bias.
    x : numpy.ndarray of shape (k,)
        Input values.

    Returns
    -------
    a : numpy.ndarray of shape (k,)
        Predicted probabilities of "cup".
    """
    w = validation.check_scalar(w, "w")
    b = validation.check_scalar(b, "b")
    x = validation.as_float_array(x, "x")
    return stable_sigmoid(w * x + b)


def decision_boundary(w, b):
    r"""Return the input x where $\sigma(w x + b) = 0.5$, that is $x = -b / w$.

    Parameters
    ----------
    w : float
        Weight.
    b : float
        Bias.

    Returns
    -------
    x : float or None
        The point where the prediction flips between "not cup" and "cup",
        or None when ``w == 0``: then $\sigma(b)$ is the same for every x and
        the prediction never flips.
    """
    w = validation.check_scalar(w, "w")
    b = validation.check_scalar(b, "b")
    if w == 0.0:
        return None
    return -b / w + 0.0  # adding 0.0 turns -0.0 into 0.0 for display


def describe_decision(w, b):
    """Describe in one sentence where the one-feature neuron predicts "cup".

    Parameters
    ----------
    w : float
        Weight.
    b : float
        Bias.

    Returns
    -------
    text : str
        For example ``"Predicts cup for x >= 0.50."``.
    """
    boundary = decision_boundary(w, b)
    if boundary is None:
        label = "cup" if stable_sigmoid(b) >= DECISION_THRESHOLD else "not cup"
        return f"w = 0, so a = sigmoid(b) for every x and the prediction is always {label}."
    side = ">=" if w > 0 else "<="
    return f"Predicts cup for x {side} {boundary:.2f}, where w x + b = 0."


def check_probabilities(y_hat):
    """Return ``y_hat`` as a float array, or raise if any entry is outside [0, 1]."""
    y_hat = validation.as_float_array(y_hat, "y_hat")
    validation.check_values_between(y_hat, "y_hat", 0, 1)
    return y_hat


def check_label(y):
    """Return the label ``y`` as a float, or raise unless it is 0 or 1."""
    if isinstance(y, bool) or not isinstance(y, numbers.Real) or y not in (0, 1):
        raise ValueError(f"y must be the label 0 or 1, got {y!r}. Use 1 for cup and 0 for not cup.")
    return float(y)


def squared_error_curve(y_hat, y):
    r"""Compute the squared-error loss $\frac{1}{2}(\hat{y} - y)^2$ at every point of y_hat.

    Parameters
    ----------
    y_hat : numpy.ndarray of any shape
        Predicted probabilities in [0, 1].
    y : int
        True label, 0 or 1.

    Returns
    -------
    loss : numpy.ndarray of the same shape as y_hat
        Values in [0, 0.5].
    """
    y_hat = check_probabilities(y_hat)
    y = check_label(y)
    return 0.5 * (y_hat - y) ** 2


def cross_entropy_curve(y_hat, y):
    r"""Compute the cross-entropy loss $-(y \log \hat{y} + (1 - y) \log(1 - \hat{y}))$.

    Parameters
    ----------
    y_hat : numpy.ndarray of any shape
        Predicted probabilities in [0, 1].
    y : int
        True label, 0 or 1.

    Returns
    -------
    loss : numpy.ndarray of the same shape as y_hat
        Non-negative values; ``inf`` where the prediction is certain and
        wrong (y_hat = 0 with y = 1, or y_hat = 1 with y = 0).
    """
    y_hat = check_probabilities(y_hat)
    y = check_label(y)
    probability_of_label = y_hat if y == 1.0 else 1.0 - y_hat
    with np.errstate(divide="ignore"):
        return -np.log(probability_of_label)
