"""Compare a function's output with an expected value and describe every difference.

The expected values of the cases are Python floats (for a returned float),
lists of floats (for ``costs``), NumPy arrays, or tuples of those.  Where the
expected value is a Python float, the output must be one too (``np.float64``
is a subclass of ``float`` and counts).  A wrong type or dtype does not hide
wrong values: numeric values are compared after conversion as well.
"""

import numbers

import numpy as np

# dtype kinds whose values convert to float64 without error: bool, int, uint, float.
NUMERIC_KINDS = "biuf"


def is_real_scalar(value):
    """Return True for a real number that is not an array: int, float or a NumPy scalar."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, (bool, np.bool_))
        and not isinstance(value, np.ndarray)
    )


def is_python_float(value):
    """Return True for a Python float, including ``np.float64``, which subclasses it."""
    return isinstance(value, float)


def output_items(value, output_names):
    """Pair the parts of an output with their names.

    Parameters
    ----------
    value : object
        The output, or a tuple of outputs when ``output_names`` is a tuple.
    output_names : str or tuple of str
        Name of the single output, or the names of the items of a tuple.

    Returns
    -------
    list of (str, object)
        One pair per output, or None when ``value`` is not a tuple or list
        of the expected length.
    """
    if isinstance(output_names, str):
        return [(output_names, value)]
    if not isinstance(value, (tuple, list)) or len(value) != len(output_names):
        return None
    return list(zip(output_names, value))


def describe_type(value):
    """Return a short description of ``value``'s type and shape for messages."""
    if isinstance(value, np.ndarray):
        return f"an ndarray of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__module__.replace('builtins', 'Python')} {type(value).__name__}"


def compare_outputs(got, expected, output_names, rtol, atol):
    """List the ways in which ``got`` differs from ``expected``.

    Parameters
    ----------
    got : object
        What the function returned.
    expected : object
        The expected output, a tuple when ``output_names`` is a tuple.
    output_names : str or tuple of str
        Names of the outputs, used in the messages.
    rtol, atol : float
        Tolerances: a value passes when ``|got - expected| <= atol + rtol * |expected|``.

    Returns
    -------
    list of str
        One sentence per difference, empty when ``got`` matches.
    """
    expected_items = output_items(expected, output_names)
    got_items = output_items(got, output_names)
    if got_items is None:
        return [
            f"returned {describe_type(got)}, expected a tuple of {len(output_names)} values "
            f"({', '.join(output_names)})"
        ]

    problems = []
    for (name, got_value), (_, expected_value) in zip(got_items, expected_items):
        problems.extend(compare_value(got_value, expected_value, name, rtol, atol))
    return problems


def compare_value(got, expected, name, rtol, atol):
    """List the differences between one output and its expected value."""
    if isinstance(expected, np.ndarray):
        return compare_array(got, expected, name, rtol, atol)
    if isinstance(expected, list):
        return compare_list(got, expected, name, rtol, atol)
    return compare_float(got, expected, name, rtol, atol)


def compare_float(got, expected, name, rtol, atol):
    """Compare an output that must be a Python float: its type, then its value.

    An int, another NumPy scalar type or a one-element numeric array fails
    for its type, and its value is compared too.
    """
    if is_python_float(got):
        return compare_numbers(np.float64(got), np.float64(expected), name, rtol, atol)

    problems = [f"{name} is {describe_type(got)}, expected a Python float"]
    if is_real_scalar(got):
        value = got
    elif isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in NUMERIC_KINDS:
        value = got.item()
    else:
        return problems
    return problems + compare_numbers(np.float64(value), np.float64(expected), name, rtol, atol)


def compare_list(got, expected, name, rtol, atol):
    """Compare a sequence of numbers such as ``costs`` with an expected list."""
    is_sequence = isinstance(got, (list, tuple)) or (isinstance(got, np.ndarray) and got.ndim == 1)
    if not is_sequence:
        return [f"{name} is {describe_type(got)}, expected a list of {len(expected)} floats"]
    if len(got) != len(expected):
        return [f"{name} has {len(got)} entries, expected {len(expected)}"]
    if not all(is_real_scalar(item) for item in got):
        return [f"{name} must contain only real numbers (Python floats)"]
    return compare_numbers(
        np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64), name, rtol, atol
    )


def compare_array(got, expected, name, rtol, atol):
    """Compare an ndarray output with the expected array: type, shape, dtype, values."""
    if not isinstance(got, np.ndarray):
        return [f"{name} is {describe_type(got)}, expected an ndarray of shape {expected.shape}"]
    if got.shape != expected.shape:
        return [f"{name} has shape {got.shape}, expected {expected.shape}"]
    problems = []
    if not dtype_matches(got.dtype, expected.dtype):
        problems.append(f"{name} has dtype {got.dtype}, expected {expected.dtype}")
        if got.dtype.kind not in NUMERIC_KINDS:
            return problems
    values = compare_numbers(got.astype(np.float64), expected.astype(np.float64), name, rtol, atol)
    return problems + values


def dtype_matches(got_dtype, expected_dtype):
    """Return True when ``got_dtype`` is acceptable for an output of ``expected_dtype``.

    Floating outputs must have exactly the expected dtype (float32 input gives
    float32 output).  Integer outputs may use any integer dtype, because the
    default integer is int32 on some platforms.
    """
    if np.issubdtype(expected_dtype, np.integer):
        return np.issubdtype(got_dtype, np.integer)
    return got_dtype == expected_dtype


def compare_numbers(got, expected, name, rtol, atol):
    """Compare float64 values of the same shape within the tolerances."""
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if np.all(close):
        return []

    if not np.all(np.isfinite(got)):
        return [f"{name} contains nan or inf"]
    difference = np.abs(got - expected)
    if difference.ndim == 0:
        return [f"{name} differs from the expected value by {difference:.3g}"]
    worst = np.unravel_index(int(np.argmax(np.where(close, -1.0, difference))), difference.shape)
    return [
        f"{name} differs in {np.count_nonzero(~close)} of {close.size} entries, "
        f"by up to {difference[worst]:.3g} at index {tuple(int(i) for i in worst)}"
    ]


def outputs_match(got, expected, output_names, rtol, atol):
    """Return True when ``got`` equals ``expected`` within the tolerances, never raising."""
    try:
        return not compare_outputs(got, expected, output_names, rtol, atol)
    except (TypeError, ValueError):
        return False
