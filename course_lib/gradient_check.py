"""Finite-difference gradients, used to check analytic gradients."""

import numpy as np


def numerical_gradient(f, x, epsilon=1e-6):
    r"""Estimate the gradient of a scalar function by central differences.

    $$\frac{\partial f}{\partial x_j} \approx \frac{f(x + \epsilon e_j) - f(x - \epsilon e_j)}{2 \epsilon}$$

    where $e_j$ is the unit vector along entry $j$.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` (or a float when x is a float) and
        returns a real number.
    x : float or numpy.ndarray of any shape
        The point at which to estimate the gradient; it is not modified.
    epsilon : float, default 1e-6
        Step size.

    Returns
    -------
    gradient : float or numpy.ndarray of the same shape as x
    """
    if not callable(f):
        raise TypeError(f"f must be a function returning a number, got {type(f).__name__}.")
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive, got {epsilon!r}.")
    if np.ndim(x) == 0:
        return (float(f(float(x) + epsilon)) - float(f(float(x) - epsilon))) / (2 * epsilon)

    point = np.array(x, dtype=np.float64)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + epsilon
        f_plus = float(f(point.copy()))
        point[index] = original - epsilon
        f_minus = float(f(point.copy()))
        point[index] = original
        gradient[index] = (f_plus - f_minus) / (2 * epsilon)
    return gradient


def relative_error(analytic, numeric):
    r"""Return $\|a - n\| / \max(\|a\| + \|n\|, 10^{-12})$, the relative error of two gradients."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    difference = np.linalg.norm(analytic - numeric)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    return float(difference / scale)
