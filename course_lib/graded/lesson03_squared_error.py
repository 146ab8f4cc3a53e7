r"""Lesson 03: the squared-error loss, and why it is a poor fit for a sigmoid."""

import numpy as np

from course_lib import validation


def squared_error_loss(y_hat, y):
    r"""Compute the squared-error loss $\frac{1}{2}(\hat{y} - y)^2$ elementwise.

    Parameters
    ----------
    y_hat : float or numpy.ndarray
        Predicted probabilities in [0, 1].
    y : float or numpy.ndarray of the same shape as y_hat
        True labels in [0, 1], usually 0 or 1.

    Returns
    -------
    loss : float or numpy.ndarray of the same shape as y_hat
        A Python float for scalar input.

    Notes
    -----
    Composed with a sigmoid, $\frac{1}{2}(\sigma(z) - y)^2$ is not convex in
    $z$, which is why the course switches to cross-entropy.
    """
    is_scalar = np.ndim(y_hat) == 0 and np.ndim(y) == 0
    y_hat = validation.as_float_array(y_hat, "y_hat")
    y = validation.as_float_array(y, "y")
    validation.check_same_shape(y_hat, "y_hat", y, "y")
    validation.check_values_between(y_hat, "y_hat", 0, 1)
    validation.check_values_between(y, "y", 0, 1)

    ### BEGIN SOLUTION
    loss = 0.5 * (y_hat - y) ** 2
    ### END SOLUTION
    return float(loss) if is_scalar else loss
