r"""Lesson 04: the cross-entropy (log) loss."""

import numpy as np

from course_lib import validation


def cross_entropy_loss(y_hat, y):
    r"""Compute the cross-entropy loss $-(y \log \hat{y} + (1 - y) \log(1 - \hat{y}))$ elementwise.

    Parameters
    ----------
    y_hat : float or numpy.ndarray
        Predicted probabilities in [0, 1].
    y : float or numpy.ndarray of the same shape as y_hat
        True labels in [0, 1], usually 0 or 1.

    Returns
    -------
    loss : float or numpy.ndarray of the same shape as y_hat
        Non-negative values; a Python float for scalar input.

    Notes
    -----
    A term whose factor is zero counts as zero, so $\hat{y} = y$ gives a loss
    of exactly 0 even at $\hat{y} \in \{0, 1\}$.  A prediction of exactly 0
    for $y = 1$ (or 1 for $y = 0$) has an infinite loss and returns ``inf``
    without a warning.  To score a model, use ``compute_cost``, which works
    from $Z$ and never reaches these limits.
    """
    is_scalar = np.ndim(y_hat) == 0 and np.ndim(y) == 0
    y_hat = validation.as_float_array(y_hat, "y_hat")
    y = validation.as_float_array(y, "y")
    validation.check_same_shape(y_hat, "y_hat", y, "y")
    validation.check_values_between(y_hat, "y_hat", 0, 1)
    validation.check_values_between(y, "y", 0, 1)

    ### BEGIN SOLUTION
    with np.errstate(divide="ignore"):
        log_y_hat = np.log(y_hat, out=np.zeros_like(y_hat), where=y > 0)
        log_one_minus_y_hat = np.log1p(-y_hat, out=np.zeros_like(y_hat), where=y < 1)
    loss = 0.0 - y * log_y_hat - (1 - y) * log_one_minus_y_hat
    ### END SOLUTION
    return float(loss) if is_scalar else loss
