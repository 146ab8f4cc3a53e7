"""Gradient descent in chunks, so a progress bar and a cost curve can update between them.

Each chunk calls the student's own ``gradient_descent`` from
``course_lib/graded/lesson06_gradient_descent.py``, so no second copy of the
update rule exists.  The function is looked up on the module at every call,
so a module reloaded by ``check()`` or by ``%autoreload`` is used at once.
"""

import math

import numpy as np

from course_lib import validation
from course_lib.graded import lesson06_gradient_descent as descent_module

MAX_CHUNKS = 50


def check_training_arguments(w, b, X, Y, learning_rate, num_iterations, record_every):
    """Validate the arguments of gradient descent exactly as ``gradient_descent`` does."""
    w, b, X = validation.check_parameters(w, b, X)
    Y = validation.check_labels(Y, X)
    learning_rate = descent_module.check_learning_rate(learning_rate)
    num_iterations = validation.check_positive_int(num_iterations, "num_iterations", minimum=0)
    record_every = validation.check_positive_int(record_every, "record_every")
    return w, b, X, Y, learning_rate, num_iterations, record_every


def chunk_bounds(num_iterations, max_chunks=MAX_CHUNKS, record_every=1):
    """Split ``range(num_iterations)`` into at most ``max_chunks`` consecutive (start, stop) pairs.

    Every chunk but the last has a length that is a multiple of
    ``record_every``, so each chunk starts on an iteration whose cost is recorded.
    """
    records = math.ceil(num_iterations / record_every)
    chunk_size = record_every * max(1, math.ceil(records / max_chunks))
    return [
        (start, min(start + chunk_size, num_iterations))
        for start in range(0, num_iterations, chunk_size)
    ]


def gradient_descent_chunks(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    r"""Run gradient descent like ``gradient_descent`` and yield the state after each chunk.

    Each chunk is one call of ``gradient_descent`` that starts on a multiple
    of ``record_every``, so the recorded costs and the final state are
    identical to a single call over all iterations.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Starting weights; the caller's array is never modified.
    b : float
        Starting bias.
    X : numpy.ndarray of shape (n_x, m)
        Inputs, one example per column.
    Y : numpy.ndarray of shape (1, m)
        Labels in [0, 1].
    learning_rate : float
        Step size $\alpha$, positive.
    num_iterations : int
        Number of updates, 0 or more.
    record_every : int, default 100
        Record the cost every this many iterations, starting with iteration 0.

    Yields
    ------
    iterations_done : int
        Number of updates applied so far, starting with 0 for the
        untouched starting point.
    w : numpy.ndarray of shape (n_x, 1)
        Weights after ``iterations_done`` updates.
    b : float
        Bias after ``iterations_done`` updates.
    costs : list of float
        The costs recorded so far; the same list object grows between yields.
    """
    w, b, X, Y, learning_rate, num_iterations, record_every = check_training_arguments(
        w, b, X, Y, learning_rate, num_iterations, record_every
    )
    w = np.array(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    costs = []
    yield 0, w, b, costs

    for start, stop in chunk_bounds(num_iterations, record_every=record_every):
        w, b, chunk_costs = descent_module.gradient_descent(
            w, b, X, Y, learning_rate, stop - start, record_every=record_every
        )
        costs.extend(chunk_costs)
        yield stop, w, b, costs
