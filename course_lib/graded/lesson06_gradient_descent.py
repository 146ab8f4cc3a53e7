r"""Lesson 06: gradient descent on the cross-entropy cost."""

import numpy as np

from course_lib import validation
from course_lib.graded.lesson05_cost_and_gradients import compute_cost, compute_gradients


def check_learning_rate(learning_rate):
    """Return ``learning_rate`` as a float, or raise if it is not a positive finite number."""
    learning_rate = validation.check_scalar(learning_rate, "learning_rate")
    if learning_rate <= 0:
        raise ValueError(
            f"learning_rate must be a positive number such as 0.005, got {learning_rate!r}."
        )
    return learning_rate


def gradient_descent(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    r"""Learn w and b by repeating the gradient-descent update.

    Each iteration computes $dw$ and $db$ and updates

    $$w := w - \alpha \, dw, \qquad b := b - \alpha \, db$$

    where $\alpha$ is ``learning_rate``.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Starting weights; the caller's array is never modified.
    b : float
        Starting bias.
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column; integer arrays are accepted.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].
    learning_rate : float
        Step size $\alpha$, positive.
    num_iterations : int
        Number of updates, 0 or more.
    record_every : int, default 100
        Record the cost every this many iterations, starting with iteration 0.

    Returns
    -------
    w : numpy.ndarray of shape (n_x, 1), dtype float64
        Learned weights, a new array.
    b : float
        Learned bias.
    costs : list of float
        The cost before iterations 0, record_every, 2 * record_every, ...
    """
    w, b, X = validation.check_parameters(w, b, X)
    Y = validation.check_labels(Y, X)
    learning_rate = check_learning_rate(learning_rate)
    num_iterations = validation.check_positive_int(num_iterations, "num_iterations", minimum=0)
    record_every = validation.check_positive_int(record_every, "record_every")
    w = np.array(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    costs = []

    ### BEGIN SOLUTION
    for iteration in range(num_iterations):
        if iteration % record_every == 0:
            costs.append(compute_cost(w, b, X, Y))

        dw, db = compute_gradients(w, b, X, Y)

        w = w - learning_rate * dw
        b = b - learning_rate * db
    ### END SOLUTION
    return w, b, costs
