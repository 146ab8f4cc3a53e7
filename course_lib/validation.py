"""Input checks shared by the graded functions.

Every check raises ``TypeError`` or ``ValueError`` with a message in three
parts: which parameter is wrong, what was expected and what was received,
followed by a hint on how to fix the call.  The checks cost O(1) per call
(shapes and dtypes only) unless a docstring states otherwise, so that they can
run on every iteration of gradient descent without slowing it down.
"""

import numbers

import numpy as np


def describe(value):
    """Return a short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"


def plural(count):
    """Return "s" unless ``count`` is 1, for messages such as "1 column" and "3 columns"."""
    return "" if count == 1 else "s"


def as_numeric_array(value, name):
    """Convert ``value`` to a NumPy array of real numbers without copying when possible.

    Raises
    ------
    TypeError
        If ``value`` is not array-like or contains something other than real
        numbers (booleans, strings, objects, complex numbers).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(
            f"{name} must be a NumPy array of real numbers, got {describe(value)}. "
            f"Pass an array such as np.array([[...]])."
        )

    array = np.asarray(value)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must be a NumPy array of real numbers, got {describe(array)}. "
            f"Convert it with np.asarray({name}, dtype=float)."
        )
    return array


def as_float_array(value, name):
    """Convert ``value`` to a float array, keeping float32 and float64 as they are."""
    array = as_numeric_array(value, name)
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


def check_matrix(array, name, shape_text, rows=None, columns=None):
    """Check that ``array`` is 2-D, optionally with a given number of rows or columns.

    Parameters
    ----------
    array : numpy.ndarray
        The array to check.
    name : str
        Parameter name used in the message.
    shape_text : str
        The expected shape in the course notation, for example ``"(n_x, m)"``.
    rows, columns : int or None
        Required sizes; None accepts any size.
    """
    if array.ndim != 2:
        hint = " Use X.reshape(n_x, m) or a 2-D array." if array.ndim == 1 else ""
        raise ValueError(
            f"{name} must be a 2-D array of shape {shape_text}, got {describe(array)}.{hint}"
        )
    if rows is not None and array.shape[0] != rows:
        raise ValueError(
            f"{name} must have {rows} row{plural(rows)} to match shape {shape_text}, "
            f"got shape {array.shape}."
        )
    if columns is not None and array.shape[1] != columns:
        raise ValueError(
            f"{name} must have {columns} column{plural(columns)} to match shape {shape_text}, "
            f"got shape {array.shape}."
        )
    return array


def check_same_shape(first, first_name, second, second_name):
    """Raise ``ValueError`` naming both shapes unless the arrays have the same shape."""
    if np.shape(first) != np.shape(second):
        raise ValueError(
            f"{first_name} and {second_name} must have the same shape, got "
            f"{first_name} of shape {np.shape(first)} and {second_name} of shape "
            f"{np.shape(second)}. Reshape one of them, for example "
            f"{second_name}.reshape(1, -1), instead of relying on broadcasting."
        )


def check_scalar(value, name):
    """Return ``value`` as a Python float, or raise ``TypeError`` for non-scalars.

    A NumPy array with a single element is rejected on purpose: it usually
    means ``db`` or ``b`` was left as an array by mistake.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number (a Python float), got {describe(value)}. "
            f"Use float(...) on a single value, for example float(np.sum(dZ) / m)."
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return value


def check_positive_int(value, name, minimum=1):
    """Return ``value`` as an int, or raise if it is not an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer of at least {minimum}, got {describe(value)}."
        )
    if value < minimum:
        raise ValueError(
            f"{name} must be an integer of at least {minimum}, got {value}."
        )
    return int(value)


def check_values_between(array, name, low, high):
    """Raise ``ValueError`` if any entry of ``array`` is NaN or outside [low, high].

    This reads the whole array once, so it is used on (1, m) labels and
    predictions, never on the feature matrix X.
    """
    bad = np.isnan(array) | (array < low) | (array > high)
    if np.any(bad):
        first_bad = array.flat[int(np.argmax(bad))].item()
        raise ValueError(
            f"{name} must contain values in [{low}, {high}], got {first_bad!r} "
            f"among {np.count_nonzero(bad)} invalid entries."
        )


def check_binary_labels(array, name):
    """Raise ``ValueError`` unless every entry of ``array`` is 0 or 1."""
    bad = (array != 0) & (array != 1)
    if np.any(bad):
        first_bad = array.flat[int(np.argmax(bad))].item()
        raise ValueError(
            f"{name} must contain only the labels 0 and 1, got {first_bad!r} "
            f"among {np.count_nonzero(bad)} invalid entries. Encode Cup as 1 and not Cup as 0."
        )


def check_parameters(w, b, X):
    """Validate the model parameters and inputs together and return them as arrays.

    Parameters
    ----------
    w : array_like of shape (n_x, 1)
        Weights.
    b : float
        Bias.
    X : array_like of shape (n_x, m)
        Inputs, one example per column.

    Returns
    -------
    w : numpy.ndarray of shape (n_x, 1)
    b : float
    X : numpy.ndarray of shape (n_x, m)
    """
    w = check_matrix(as_float_array(w, "w"), "w", "(n_x, 1)", columns=1)
    b = check_scalar(b, "b")
    X = check_matrix(as_float_array(X, "X"), "X", "(n_x, m)")
    if X.shape[0] != w.shape[0]:
        raise ValueError(
            f"X must have n_x = {w.shape[0]} rows to match w of shape {w.shape}, "
            f"got X of shape {X.shape}. Each column of X is one example; "
            f"transpose X if the examples are in rows."
        )
    return w, b, X


def check_labels(Y, X, name="Y"):
    """Validate labels of shape (1, m) against inputs X of shape (n_x, m)."""
    Y = as_float_array(Y, name)
    expected = (1, X.shape[1])
    if Y.shape != expected:
        raise ValueError(
            f"{name} must have shape (1, m) = {expected} to match X of shape {X.shape}, "
            f"got {name} of shape {Y.shape}. Use {name}.reshape(1, -1) for a row of labels."
        )
    check_values_between(Y, name, 0, 1)
    return Y
