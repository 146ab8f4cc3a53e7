r"""Lesson 05: the cost over the training set and its gradients."""

import numpy as np

from course_lib import validation
from course_lib.graded.lesson01_linear_model import linear_forward
from course_lib.graded.lesson02_sigmoid import sigmoid


def compute_cost(w, b, X, Y):
    r"""Compute the mean cross-entropy cost $J(w, b)$ over the training set.

    $$J(w, b) = \frac{1}{m} \sum_{i=1}^{m} -\left(y^{(i)} \log a^{(i)} + (1 - y^{(i)}) \log(1 - a^{(i)})\right)$$

    where $a^{(i)} = \sigma(z^{(i)})$ and $z^{(i)} = w^T x^{(i)} + b$.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Weights.
    b : float
        Bias.
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].

    Returns
    -------
    cost : float
        Non-negative and finite, a Python float.

    Notes
    -----
    Computing $\log \sigma(z)$ from $a = \sigma(z)$ gives ``log(0) = -inf`` once
    $a$ rounds to 0 or 1.  The cost is computed from $Z$ instead, using
    $-\log \sigma(z) = \log(1 + e^{-z})$ and $-\log(1 - \sigma(z)) = \log(1 + e^{z})$,
    and ``np.logaddexp(0, t)`` evaluates $\log(1 + e^{t})$ without overflow
    and without losing tiny losses such as $\log(1 + e^{-40}) \approx 4.25 \times 10^{-18}$.
    """
    w, b, X = validation.check_parameters(w, b, X)
    Y = validation.check_labels(Y, X)
    m = X.shape[1]

    ### BEGIN SOLUTION
    Z = linear_forward(w, b, X)
    losses = Y * np.logaddexp(0.0, -Z) + (1 - Y) * np.logaddexp(0.0, Z)
    cost = float(np.sum(losses) / m)
    ### END SOLUTION
    return cost


def compute_gradients(w, b, X, Y):
    r"""Compute the gradients of the cost with respect to w and b.

    $$dw = \frac{\partial J}{\partial w} = \frac{1}{m} X (A - Y)^T, \qquad
    db = \frac{\partial J}{\partial b} = \frac{1}{m} \sum_{i=1}^{m} (a^{(i)} - y^{(i)})$$

    where $A = \sigma(w^T X + b)$ contains the predictions of all m examples.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Weights.
    b : float
        Bias.
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].

    Returns
    -------
    dw : numpy.ndarray of shape (n_x, 1)
        Gradient of the cost with respect to w.
    db : float
        Gradient of the cost with respect to b, a Python float.
    """
    w, b, X = validation.check_parameters(w, b, X)
    Y = validation.check_labels(Y, X)
    m = X.shape[1]

    ### BEGIN SOLUTION
    A = sigmoid(linear_forward(w, b, X))
    dZ = A - Y
    dw = (X @ dZ.T) / m
    db = float(np.sum(dZ) / m)
    ### END SOLUTION
    return dw, db
