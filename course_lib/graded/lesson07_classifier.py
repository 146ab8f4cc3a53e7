r"""Lesson 07: turning probabilities into Cup / not Cup decisions."""

import numpy as np

from course_lib import validation
from course_lib.graded.lesson01_linear_model import linear_forward
from course_lib.graded.lesson02_sigmoid import sigmoid


def predict_proba(w, b, X):
    r"""Compute the predicted probability of "Cup", $A = \sigma(w^T X + b)$.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Weights.
    b : float
        Bias.
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column.

    Returns
    -------
    A : numpy.ndarray of shape (1, m)
        Probabilities in [0, 1].
    """
    Z = linear_forward(w, b, X)

    ### BEGIN SOLUTION
    A = sigmoid(Z)
    ### END SOLUTION
    return A


def predict(w, b, X, threshold=0.5):
    r"""Predict the label of every example: 1 (Cup) where $a \ge$ threshold, else 0.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Weights.
    b : float
        Bias.
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column.
    threshold : float, default 0.5
        Decision threshold in [0, 1].  A probability exactly equal to the
        threshold is predicted as 1.

    Returns
    -------
    Y_pred : numpy.ndarray of shape (1, m), dtype int64
        0 or 1 for each example.
    """
    threshold = validation.check_scalar(threshold, "threshold")
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}.")
    A = predict_proba(w, b, X)

    ### BEGIN SOLUTION
    Y_pred = (A >= threshold).astype(np.int64)
    ### END SOLUTION
    return Y_pred


def accuracy(Y_pred, Y):
    r"""Compute the fraction of examples whose predicted label equals the true label.

    Parameters
    ----------
    Y_pred : numpy.ndarray of shape (1, m)
        Predicted labels, 0 or 1.
    Y : numpy.ndarray of shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    accuracy : float
        A Python float in [0, 1].
    """
    Y_pred = validation.as_numeric_array(Y_pred, "Y_pred")
    Y = validation.as_numeric_array(Y, "Y")
    validation.check_matrix(Y_pred, "Y_pred", "(1, m)", rows=1)
    validation.check_same_shape(Y_pred, "Y_pred", Y, "Y")
    if Y.size == 0:
        raise ValueError("Y must hold at least one example, got shape (1, 0).")
    validation.check_binary_labels(Y_pred, "Y_pred")
    validation.check_binary_labels(Y, "Y")

    ### BEGIN SOLUTION
    fraction_correct = float(np.mean(Y_pred == Y))
    ### END SOLUTION
    return fraction_correct
