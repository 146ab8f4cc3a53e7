r"""Lesson 01: images as vectors and the linear model $Z = w^T X + b$."""

import numpy as np

from course_lib import validation


def flatten_images(images):
    r"""Flatten a batch of images into a matrix with one example per column.

    Parameters
    ----------
    images : numpy.ndarray of shape (m, h, w, c)
        A batch of m images, each h pixels high, w pixels wide with c colour
        channels, usually dtype uint8.

    Returns
    -------
    X : numpy.ndarray of shape (h * w * c, m)
        Column ``i`` contains the pixels of ``images[i]`` in row-major order, so
        ``X[:, i].reshape(h, w, c)`` gives back image ``i``.  The dtype is
        unchanged.

    Examples
    --------
    >>> images = np.zeros((5, 64, 64, 3), dtype=np.uint8)
    >>> flatten_images(images).shape
    (12288, 5)
    """
    images = validation.as_numeric_array(images, "images")
    if images.ndim != 4:
        raise ValueError(
            f"images must be a 4-D array of shape (m, h, w, c), got "
            f"{validation.describe(images)}. For a single image use images[np.newaxis]."
        )

    ### BEGIN SOLUTION
    X = images.reshape(images.shape[0], -1).T
    ### END SOLUTION
    return X


def scale_pixels(X):
    r"""Scale pixel values from [0, 255] to [0, 1].

    Parameters
    ----------
    X : numpy.ndarray of shape (n_x, m)
        Pixel values between 0 and 255, integer or float.

    Returns
    -------
    X_scaled : numpy.ndarray of shape (n_x, m), dtype float64
        $X / 255$, with every entry in [0, 1].
    """
    X = validation.as_numeric_array(X, "X")
    validation.check_values_between(X, "X", 0, 255)

    ### BEGIN SOLUTION
    X_scaled = X.astype(np.float64) / 255.0
    ### END SOLUTION
    return X_scaled


def initialize_parameters(n_x):
    r"""Create the starting parameters of the model: all-zero weights and zero bias.

    Parameters
    ----------
    n_x : int
        Number of input features, at least 1.

    Returns
    -------
    w : numpy.ndarray of shape (n_x, 1), dtype float64
        Zero weights.
    b : float
        Zero bias, a Python float.

    Notes
    -----
    Zeros are a fine start for logistic regression because its cost is convex;
    a network with hidden layers would need random weights instead.
    """
    n_x = validation.check_positive_int(n_x, "n_x")

    ### BEGIN SOLUTION
    w = np.zeros((n_x, 1), dtype=np.float64)
    b = 0.0
    ### END SOLUTION
    return w, b


def linear_forward(w, b, X):
    r"""Compute the linear part of the neuron, $Z = w^T X + b$.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Weights, one per feature.
    b : float
        Bias (intercept).
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column.

    Returns
    -------
    Z : numpy.ndarray of shape (1, m)
        $z^{(i)} = w^T x^{(i)} + b$ for every example $i$.
    """
    w, b, X = validation.check_parameters(w, b, X)

    ### BEGIN SOLUTION
    Z = w.T @ X + b
    ### END SOLUTION
    return Z
