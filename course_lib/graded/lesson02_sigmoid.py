r"""Lesson 02: the sigmoid activation $\sigma(z) = 1 / (1 + e^{-z})$."""

import numpy as np

from course_lib import validation


def sigmoid(z):
    r"""Compute the sigmoid $\sigma(z) = \frac{1}{1 + e^{-z}}$ elementwise.

    Parameters
    ----------
    z : float or numpy.ndarray of any shape
        Pre-activations.  float32 input gives float32 output.

    Returns
    -------
    s : float or numpy.ndarray of the same shape as z
        Values in [0, 1]: a Python float for scalar input.

    Notes
    -----
    $e^{-z}$ overflows for z below about -709.  The stable form uses only
    $e^{-|z|} \le 1$: $\sigma(z) = 1 / (1 + e^{-|z|})$ for $z \ge 0$ and
    $\sigma(z) = e^{-|z|} / (1 + e^{-|z|})$ for $z < 0$, so $\sigma(1000)$ is
    exactly 1.0, $\sigma(-1000)$ exactly 0.0, and no warning is raised.
    """
    is_scalar = np.ndim(z) == 0
    z = validation.as_float_array(z, "z")

    ### BEGIN SOLUTION
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION
    return float(s) if is_scalar else s


def sigmoid_derivative(z):
    r"""Compute the derivative of the sigmoid, $\sigma'(z) = \sigma(z)(1 - \sigma(z))$.

    Parameters
    ----------
    z : float or numpy.ndarray of any shape
        Pre-activations.

    Returns
    -------
    ds : float or numpy.ndarray of the same shape as z
        Values in [0, 0.25], largest at z = 0.
    """
    is_scalar = np.ndim(z) == 0
    z = validation.as_float_array(z, "z")

    ### BEGIN SOLUTION
    s = sigmoid(z)
    ds = s * (1.0 - s)
    ### END SOLUTION
    return float(ds) if is_scalar else ds
