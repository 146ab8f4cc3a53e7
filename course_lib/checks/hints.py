"""Recognise common mistakes from what a graded function returned, raised or warned.

Each detector looks at one ``Observation`` of ``course_lib.checks.runner``
(the inputs, the output, the expected output, warnings, error and modified
inputs) and returns the advice for its mistake, or None.  Detectors run in
the order of ``DETECTORS`` and the first match wins, so the specific ones
come before the general ones.  A wrong dtype is the one exception: its hint
does not hide a mistake in the values, which ``find_hints`` looks for in the
output converted to the expected dtype.
"""

import dataclasses
import logging

import numpy as np

from course_lib.checks import specs
from course_lib.checks.compare import (
    NUMERIC_KINDS,
    is_python_float,
    is_real_scalar,
    output_items,
    outputs_match,
)

LOGGER = logging.getLogger(__name__)

HINTS = {
    "integer_truncation": "integer arrays truncate float updates",
    "in_place_update": "an input array was modified in place",
    "exp_overflow": "np.exp overflows for large negative z",
    "log_of_zero": "log of 0 gives inf or nan on saturated predictions",
    "outer_product_broadcast": "a (m, 1) by (1, m) product made an (m, m) matrix",
    "squared_error_as_cost": "the squared error used as the cost",
    "missing_bias": "b missing from the forward pass",
    "predict_strict_threshold": "> instead of >= at a probability of exactly the threshold",
    "predict_ignores_threshold": "the threshold parameter ignored",
    "returned_none": "nothing returned",
    "array_instead_of_float": "an array returned where a float is expected",
    "not_python_float": "an int or another number type returned where a Python float is expected",
    "gradient_matmul_shapes": "X @ dZ without .T, whose shapes do not fit",
    "cost_recorded_after_update": "the cost recorded after the update instead of before",
    "elementwise_product": "* used instead of a matrix product",
    "flatten_without_transpose": "images flattened without the transpose",
    "transposed_output": "the output is transposed",
    "wrong_shape": "the output has the wrong shape or type",
    "wrong_dtype": "the output has the wrong dtype",
    "sigmoid_missing_parentheses": "1 / 1 + e^(-z) instead of 1 / (1 + e^(-z))",
    "bias_gradient_not_averaged": "db summed but not divided by m",
    "missing_mean": "the result is m times too large",
    "gradient_sign": "the gradient has the wrong sign (gradient ascent)",
    "loss_sign": "the loss has the wrong sign",
    "squared_error_missing_half": "the squared error without its factor 1/2",
    "missing_activation": "sigmoid not applied",
    "hardcoded_iterations": "the loop does not run num_iterations times",
    "hardcoded_learning_rate": "a fixed learning rate instead of the parameter",
}


def find_hint(observation, observations=()):
    """Return ``(hint_id, advice)`` for the first recognised mistake, or None.

    Parameters
    ----------
    observation : Observation
        The case to explain, which failed or raised an error.
    observations : sequence of Observation
        All cases of the same function, for mistakes that show only when
        two cases are compared (a hard-coded learning rate).
    """
    detectors = ERROR_DETECTORS if observation.error is not None else DETECTORS
    return first_match(detectors, observation, observations)


def find_hints(observation, observations=()):
    """Return the ``(hint_id, advice)`` pairs of the recognised mistakes, the first one first.

    This is ``find_hint`` plus, when the first mistake is a wrong dtype, the
    first mistake found in the output converted to the expected dtype: a
    ``predict`` that returns booleans and compares with ``>`` gets both hints.
    Takes the same parameters as ``find_hint`` and returns an empty list when
    no mistake is recognised.
    """
    found = find_hint(observation, observations)
    if found is None:
        return []
    if found[0] != "wrong_dtype":
        return [found]

    converted = dataclasses.replace(observation, got=converted_to_expected_dtype(observation))
    value_detectors = [entry for entry in DETECTORS if entry[0] not in DTYPE_HINTS]
    value_hint = first_match(value_detectors, converted, observations)
    return [found] if value_hint is None else [found, value_hint]


def first_match(detectors, observation, observations):
    """Return ``(hint_id, advice)`` of the first detector that matches, or None."""
    for hint_id, detector in detectors:
        try:
            advice = detector(observation, observations)
        except Exception as error:  # noqa: BLE001 - student outputs can be anything
            LOGGER.debug("Hint detector %s failed on %s: %r", hint_id, observation.function, error)
            continue
        if advice:
            return hint_id, advice
    return None


def converted_to_expected_dtype(observation):
    """Return the output with each numeric array of the expected shape cast to the expected dtype."""
    names = specs.OUTPUT_NAMES[observation.function]
    items = compared_outputs(observation)
    if not items:
        return observation.got

    converted = []
    for _, got, expected in items:
        if (
            isinstance(got, np.ndarray)
            and isinstance(expected, np.ndarray)
            and got.shape == expected.shape
            and got.dtype.kind in NUMERIC_KINDS
        ):
            # Casting rounds or overflows silently here: only the values matter.
            with np.errstate(all="ignore"):
                got = got.astype(expected.dtype)
        converted.append(got)
    return converted[0] if isinstance(names, str) else tuple(converted)


def compared_outputs(observation):
    """Return (name, got, expected) for each output, or [] when the structure differs."""
    names = specs.OUTPUT_NAMES[observation.function]
    got_items = output_items(observation.got, names)
    expected_items = output_items(observation.case.expected, names)
    if got_items is None:
        return []
    return [
        (name, got, expected)
        for (name, got), (_, expected) in zip(got_items, expected_items)
    ]


def number_of_examples(observation):
    """Return m, the number of columns of X (or of Y for accuracy), or None."""
    for name in ("X", "Y"):
        value = observation.arguments.get(name)
        if isinstance(value, np.ndarray) and value.ndim == 2:
            return value.shape[1]
    return None


def as_float_array(value):
    """Return ``value`` as a float64 array, or None if it is not numeric."""
    if is_real_scalar(value):
        return np.float64(value)
    if isinstance(value, (list, tuple)) and all(is_real_scalar(item) for item in value):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.ndarray) and (
        np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
    ):
        return value.astype(np.float64)
    return None


def all_close(got, expected, case):
    """Return True when numeric ``got`` and ``expected`` have one shape and agree."""
    got = as_float_array(got)
    expected = as_float_array(expected)
    if got is None or expected is None or np.shape(got) != np.shape(expected):
        return False
    return bool(np.all(np.isclose(got, expected, rtol=case.rtol, atol=case.atol)))


def detect_gradient_matmul_shapes(observation, observations):
    """Detect the matrix product X @ dZ without .T, which NumPy rejects in compute_gradients."""
    error = observation.error
    if observation.function != "compute_gradients" or not isinstance(error, ValueError):
        return None
    text = str(error)
    if "matmul" not in text and "not aligned" not in text:
        return None
    return (
        "A matrix product failed because its inner dimensions differ. dZ = A - Y has shape "
        "(1, m), which does not fit X of shape (n_x, m) in X @ dZ. Transpose it: X @ dZ.T "
        "gives (n_x, 1), the shape of dw, and dw = X @ dZ.T / m."
    )


def detect_integer_casting_error(observation, observations):
    """Detect an in-place float update of an integer array, which NumPy rejects."""
    error = observation.error
    if isinstance(error, TypeError) and "Cannot cast ufunc" in str(error):
        return (
            "An in-place update such as `w -= learning_rate * dw` cannot store floats in the "
            "integer array that the caller passed. Create a new float array instead: "
            "`w = np.array(w, dtype=np.float64)` once, then `w = w - learning_rate * dw`."
        )
    return None


def detect_integer_output(observation, observations):
    """Detect an integer array returned where floats are expected, so fractions were truncated."""
    for name, got, expected in compared_outputs(observation):
        if (
            isinstance(expected, np.ndarray)
            and np.issubdtype(expected.dtype, np.floating)
            and isinstance(got, np.ndarray)
            and np.issubdtype(got.dtype, np.integer)
        ):
            return (
                f"{name} has the integer dtype {got.dtype}, so every fractional value was cut "
                f"off to a whole number. Convert integer inputs to float first, for example "
                f"`w = np.array(w, dtype=np.float64)`, and create new arrays instead of "
                f"writing floats into integer ones."
            )
    return None


def detect_in_place_update(observation, observations):
    """Detect an input array that changed during the call."""
    if not observation.mutated:
        return None
    names = " and ".join(observation.mutated)
    return (
        f"Your function changed its input {names} in place, for example with `w -= ...`, "
        f"`X /= 255` or `w[...] = ...`. The caller's arrays must stay unchanged: compute a new "
        f"array (`w = w - learning_rate * dw`) or work on a copy (`w = w.copy()`)."
    )


def detect_exp_overflow(observation, observations):
    """Detect an overflow warning, which np.exp raises for z below about -709.

    The advice depends on where the overflow happened: in the function's own
    code, or in a graded function that it calls, such as the student's sigmoid.
    """
    function = observation.function
    origins = [
        overflow_origin(observation, index)
        for index, warning in enumerate(observation.warnings)
        if "overflow" in warning
    ]
    if not origins:
        return None

    callees = [origin for origin in origins if origin not in (None, function)]
    if callees:
        return (
            f"The overflow happened inside {callees[0]}, which {function} calls. Fix "
            f"{callees[0]} first (check(\"{callees[0]}\") shows its overflow case), then "
            f"check {function} again."
        )
    if function == "compute_cost":
        return (
            "np.exp overflowed: e^1000 is too large for a float. Compute the losses with "
            "np.logaddexp(0, -Z) and np.logaddexp(0, Z), as the Notes of the compute_cost "
            "docstring explain."
        )

    advice = (
        "np.exp overflowed: for z = -1000, e^(-z) = e^1000 is too large for a float "
        "(the limit is near z = -709). Use only e^(-|z|), which is at most 1, and choose the "
        "formula by the sign of z, as the Notes of the sigmoid docstring explain."
    )
    if function == "sigmoid":
        return advice
    if all(origin == function for origin in origins):
        return advice + " Call your sigmoid function for this instead of np.exp."
    return advice + (
        f" Call your sigmoid function for this instead of np.exp. If {function} already "
        f"calls sigmoid, the overflow comes from sigmoid: fix sigmoid first."
    )


def overflow_origin(observation, index):
    """Return the graded function that raised warning ``index``, or None where unknown."""
    if index < len(observation.warning_origins):
        return observation.warning_origins[index]
    return None


def detect_log_of_zero(observation, observations):
    """Detect nan or inf from log(0) in a loss or cost, or its divide-by-zero warning."""
    if observation.function not in ("cross_entropy_loss", "compute_cost", "gradient_descent"):
        return None
    warned = any(
        "divide by zero" in warning or "invalid value" in warning
        for warning in observation.warnings
    )
    not_finite = False
    for _, got, _ in compared_outputs(observation):
        values = as_float_array(got)
        if values is not None and not np.all(np.isfinite(values)):
            not_finite = True
    if not (warned or not_finite):
        return None
    if observation.function == "cross_entropy_loss":
        return (
            "log(0) gave -inf, and 0 * log(0) gives nan in NumPy, but a term whose factor y "
            "or 1 - y is 0 must count as 0. Keep each term only where its factor is non-zero "
            "(for example with np.where) and silence the warning with "
            "`with np.errstate(divide=\"ignore\", invalid=\"ignore\"):`."
        )
    return (
        "A prediction rounded to exactly 0 or 1, so np.log returned -inf or nan. Compute the "
        "losses from Z instead of A, with -log(a) = np.logaddexp(0, -Z) and "
        "-log(1 - a) = np.logaddexp(0, Z), as the Notes of the compute_cost docstring explain."
    )


def literal_detector(hint_id, advice):
    """Make a detector that matches the output stored for ``hint_id`` in the case."""

    def detect(observation, observations):
        case = observation.case
        if hint_id not in case.mistake_outputs:
            return None
        names = specs.OUTPUT_NAMES[observation.function]
        stored = case.mistake_outputs[hint_id]
        if outputs_match(observation.got, stored, names, case.rtol, case.atol):
            return advice
        return None

    detect.__doc__ = f"Detect the output stored for the mistake {hint_id!r}."
    return detect


def detect_returned_none(observation, observations):
    """Detect a returned None, usually a missing return statement."""
    if observation.error is None and observation.got is None:
        return (
            "The function returned None: check that it ends with a return statement that "
            "returns the result."
        )
    return None


def detect_array_instead_of_float(observation, observations):
    """Detect an ndarray returned where a Python float is expected (cost, db, b, accuracy)."""
    for name, got, expected in compared_outputs(observation):
        if isinstance(expected, float) and isinstance(got, np.ndarray):
            return (
                f"{name} is an ndarray of shape {got.shape}, but must be a Python float. "
                f"{array_to_float_fix(observation.function, name)}"
            )
    return None


def array_to_float_fix(function, name):
    """Return how to turn the array output ``name`` of ``function`` into a Python float."""
    if function == "initialize_parameters":
        return "Return the float 0.0: write `b = 0.0`."
    if function == "gradient_descent":
        return (
            "b stays a float when db is one, so check that compute_gradients returns db as "
            "a Python float, or convert the result with `b = float(b)`."
        )
    return (
        f"Convert the single value with float(...), for example "
        f"`{name} = float(np.sum(...) / m)`, or use np.sum without axis and keepdims."
    )


def detect_not_python_float(observation, observations):
    """Detect an int or another number type where a Python float is expected (b, cost, db)."""
    for name, got, expected in compared_outputs(observation):
        if is_python_float(expected) and is_real_scalar(got) and not is_python_float(got):
            return (
                f"{name} is a {type(got).__module__.replace('builtins', 'Python')} "
                f"{type(got).__name__}, but the docstring promises a Python float. Return a "
                f"float: {float_example(observation.function, name)}."
            )
    return None


def float_example(function, name):
    """Return an example of how to make output ``name`` of ``function`` a Python float."""
    if function == "initialize_parameters":
        return "write `b = 0.0` instead of `b = 0`"
    return f"convert the value with float(...), for example `{name} = float({name})`"


def detect_outer_product(observation, observations):
    """Detect an (m, m) matrix from a product of a column and a row, such as Y.T @ log(A)."""
    m = number_of_examples(observation)
    if observation.function not in ("compute_cost", "compute_gradients") or not m or m < 2:
        return None
    for name, got, _ in compared_outputs(observation):
        if isinstance(got, np.ndarray) and got.shape == (m, m):
            return outer_product_advice(name, m)
    return None


def outer_product_advice(name, m=None):
    """Return the advice for an (m, m) product of labels and predictions."""
    size = f" = ({m}, {m})" if m else ""
    return (
        f"{name} comes from an (m, m){size} matrix: a product such as "
        f"`Y.T @ np.log(A)` or `np.dot(Y.T, np.log(A))` multiplies every label with every "
        f"prediction. Multiply elementwise, `Y * np.log(A)`, then sum over the m examples."
    )


def detect_elementwise_product(observation, observations):
    """Detect an output of shape (n_x, m), made by `*` broadcasting instead of a matrix product."""
    X = observation.arguments.get("X")
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        return None
    for name, got, expected in compared_outputs(observation):
        if (
            isinstance(got, np.ndarray)
            and isinstance(expected, np.ndarray)
            and got.shape == X.shape
            and got.shape != expected.shape
        ):
            return (
                f"{name} has shape (n_x, m) = {got.shape} instead of {expected.shape}: `*` "
                f"multiplies entry by entry and broadcasts, so nothing is summed over the "
                f"features or examples. Use the matrix product `@` (or np.dot) as in the "
                f"formula of the docstring."
            )
    return None


def detect_flatten_without_transpose(observation, observations):
    """Detect examples in rows, or pixels of different images mixed up, in flatten_images."""
    if observation.function != "flatten_images":
        return None
    got, expected = observation.got, observation.case.expected
    if not isinstance(got, np.ndarray) or got.ndim != 2:
        return None
    if got.shape == expected.shape[::-1] and np.array_equal(got.T, expected):
        return (
            f"X has shape (m, n_x) = {got.shape}: each image is a row, but the course stores "
            f"one example per column, shape (n_x, m). Transpose the result with .T."
        )
    if got.shape == expected.shape and np.array_equal(np.sort(got, axis=None),
                                                      np.sort(expected, axis=None)):
        return (
            "X has the right shape and the right pixel values, but the pixels of different "
            "images are mixed up: column i must hold exactly the pixels of images[i]. "
            "Reshaping straight to (n_x, m) fills the columns in the wrong order; reshape to "
            "(m, n_x) first, so that each row is one image, then transpose."
        )
    return None


def detect_transposed_output(observation, observations):
    """Detect an output with the transposed shape of the expected one."""
    for name, got, expected in compared_outputs(observation):
        if (
            isinstance(got, np.ndarray)
            and isinstance(expected, np.ndarray)
            and got.ndim == 2
            and got.shape != expected.shape
            and got.shape == expected.shape[::-1]
        ):
            return (
                f"{name} has shape {got.shape} instead of {expected.shape}, so it is "
                f"transposed. Check the order of the matrix product (X has shape (n_x, m), "
                f"one example per column, and w has shape (n_x, 1)) or add .T."
            )
    return None


def detect_wrong_shape(observation, observations):
    """Detect any output whose shape or type differs from the expected array."""
    for name, got, expected in compared_outputs(observation):
        if not isinstance(expected, np.ndarray):
            continue
        if not isinstance(got, np.ndarray):
            return (
                f"{name} is a {type(got).__name__}, but must be an ndarray of shape "
                f"{expected.shape}. Return the NumPy array itself."
            )
        if got.shape != expected.shape:
            return (
                f"{name} has shape {got.shape}, expected {expected.shape}. In this course X "
                f"has shape (n_x, m), w (n_x, 1), and Z, A and Y (1, m); print the shapes of "
                f"the intermediate results to find the step that changes the shape."
            )
    names = specs.OUTPUT_NAMES[observation.function]
    if isinstance(names, tuple) and not compared_outputs(observation):
        return (
            f"{observation.function} must return a tuple of {len(names)} values "
            f"({', '.join(names)}), for example `return {', '.join(names)}`."
        )
    return None


def detect_wrong_dtype(observation, observations):
    """Detect an array output with a dtype other than the expected one."""
    for name, got, expected in compared_outputs(observation):
        if not (isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)):
            continue
        if np.issubdtype(expected.dtype, np.integer) and not np.issubdtype(got.dtype, np.integer):
            return (
                f"{name} has dtype {got.dtype}, but must hold the integers 0 and 1: convert it "
                f"with .astype(np.int64)."
            )
        if observation.function == "scale_pixels" and got.dtype != expected.dtype:
            return (
                f"{name} has dtype {got.dtype}, but scaled pixels are always float64, "
                f"whatever the input dtype: `X / 255` keeps float32 input in float32. "
                f"Convert first, `X.astype(np.float64) / 255.0`."
            )
        if np.issubdtype(expected.dtype, np.floating) and got.dtype != expected.dtype:
            return (
                f"{name} has dtype {got.dtype}, expected {expected.dtype}, the dtype of the "
                f"input. Avoid conversions such as astype(float) or np.array(z, dtype=float) "
                f"that change the precision."
            )
    return None


def detect_sigmoid_missing_parentheses(observation, observations):
    """Detect a sigmoid that returns 1 + e^(-z), the result of 1 / 1 + np.exp(-z)."""
    if observation.function != "sigmoid":
        return None
    z = as_float_array(observation.arguments.get("z"))
    got = as_float_array(observation.got)
    if z is None or got is None or np.shape(got) != np.shape(z):
        return None
    moderate = np.abs(z) < 700
    if not np.any(moderate):
        return None
    if np.allclose(np.asarray(got)[moderate], 1.0 + np.exp(-np.asarray(z)[moderate])):
        return (
            "The output equals 1 + e^(-z): Python reads `1 / 1 + np.exp(-z)` as "
            "`(1 / 1) + np.exp(-z)`. Put the whole denominator in parentheses."
        )
    return None


def detect_bias_gradient_not_averaged(observation, observations):
    """Detect a right dw with a db that is m times too large."""
    m = number_of_examples(observation)
    if observation.function != "compute_gradients" or not m or m < 2:
        return None
    outputs = compared_outputs(observation)
    (_, dw, expected_dw), (_, db, expected_db) = outputs
    if expected_db != 0 and all_close(dw, expected_dw, observation.case) and all_close(
        db, m * expected_db, observation.case
    ):
        return (
            f"dw is right but db is m = {m} times too large: db is the mean of "
            f"a - y over the examples, so divide its sum by m as well."
        )
    return None


def detect_missing_mean(observation, observations):
    """Detect outputs that are all exactly m times too large, a sum not divided by m."""
    m = number_of_examples(observation)
    if observation.function not in ("compute_cost", "compute_gradients", "accuracy"):
        return None
    outputs = compared_outputs(observation)
    if not m or m < 2 or not outputs:
        return None
    if not any(np.any(as_float_array(expected) != 0) for _, _, expected in outputs):
        return None
    if not all(all_close(got, m * as_float_array(expected), observation.case)
               for _, got, expected in outputs):
        return None
    if observation.function == "accuracy":
        return (
            f"The result is m = {m} times too large: it counts the correct predictions. "
            f"Divide the count by m (or use np.mean) to get a fraction."
        )
    names = " and ".join(name for name, _, _ in outputs)
    return (
        f"{names} {'is' if len(outputs) == 1 else 'are'} exactly m = {m} times too large: "
        f"the cost is the mean of the losses, so divide the sums over the examples by m."
    )


def detect_gradient_sign(observation, observations):
    """Detect gradients of the wrong sign, or a descent whose recorded costs increase."""
    case = observation.case
    if observation.function == "compute_gradients":
        outputs = compared_outputs(observation)
        if outputs and all(
            all_close(got, -as_float_array(expected), case) for _, got, expected in outputs
        ):
            return (
                "dw and db have the opposite sign: the derivative of the cost with respect "
                "to z is a - y, not y - a."
            )
    if observation.function == "gradient_descent":
        costs = as_float_array(observation.got[2])
        expected_costs = np.asarray(case.expected[2], dtype=np.float64)
        if (
            costs is not None
            and np.ndim(costs) == 1
            and len(costs) >= 2
            and np.all(np.diff(costs) > 0)
            and np.all(np.diff(expected_costs) < 0)
        ):
            return (
                "The recorded costs increase, so each update moves uphill (gradient ascent). "
                "Subtract the gradients: `w = w - learning_rate * dw` and "
                "`b = b - learning_rate * db`."
            )
    return None


def detect_loss_sign(observation, observations):
    """Detect a loss or cost of the right size but the wrong sign."""
    if observation.function not in ("cross_entropy_loss", "compute_cost"):
        return None
    outputs = compared_outputs(observation)
    if outputs and all(
        np.any(as_float_array(expected) != 0)
        and all_close(got, -as_float_array(expected), observation.case)
        for _, got, expected in outputs
    ):
        return (
            "The result has the right size but the wrong sign: log of a probability is at "
            "most 0, so the loss needs a minus sign, -(y log(a) + (1 - y) log(1 - a))."
        )
    return None


def detect_missing_bias(observation, observations):
    """Detect a linear_forward that returns w^T X without adding b."""
    if observation.function != "linear_forward":
        return None
    b = observation.arguments.get("b")
    if not is_real_scalar(b) or b == 0:
        return None
    if all_close(observation.got, observation.case.expected - b, observation.case):
        return "Z equals w^T X without the bias: add b, so that Z = w^T X + b."
    return None


def detect_squared_error_missing_half(observation, observations):
    """Detect a squared error of exactly twice the expected value."""
    if observation.function != "squared_error_loss":
        return None
    expected = as_float_array(observation.case.expected)
    if np.any(expected != 0) and all_close(observation.got, 2 * expected, observation.case):
        return (
            "The loss is exactly twice the expected value: the course's squared error has "
            "a factor 1/2, (1/2)(y_hat - y)^2, which makes its derivative simply y_hat - y."
        )
    return None


def detect_missing_activation(observation, observations):
    """Detect values outside [0, 1] from predict_proba, where no sigmoid was applied."""
    if observation.function != "predict_proba":
        return None
    values = as_float_array(observation.got)
    if values is not None and np.any((values < 0) | (values > 1)):
        return (
            "A contains values outside [0, 1], so they are not probabilities: apply "
            "sigmoid to Z = w^T X + b."
        )
    return None


def detect_cost_recorded_after_update(observation, observations):
    """Detect costs shifted by one: costs[i] equals the expected costs[i + 1]."""
    if observation.function != "gradient_descent":
        return None
    costs = as_float_array(observation.got[2])
    expected_costs = np.asarray(observation.case.expected[2], dtype=np.float64)
    if costs is None or np.ndim(costs) != 1 or len(costs) != len(expected_costs):
        return None
    if len(costs) < 2 or not all_close(costs[:-1], expected_costs[1:], observation.case):
        return None
    return (
        "costs[i] equals the expected costs[i + 1], so each cost was recorded after the update "
        "instead of before it. Record compute_cost(w, b, X, Y) at the start of the loop body, "
        "before w and b change, so that costs[0] is the cost of the starting w and b."
    )


def detect_hardcoded_iterations(observation, observations):
    """Detect a number of recorded costs that does not fit num_iterations and record_every."""
    if observation.function != "gradient_descent":
        return None
    costs = observation.got[2]
    expected_costs = observation.case.expected[2]
    if len(costs) == len(expected_costs):
        return None
    num_iterations = observation.arguments.get("num_iterations")
    record_every = observation.arguments.get("record_every", 100)
    return (
        f"costs has {len(costs)} entries, expected {len(expected_costs)} for "
        f"num_iterations = {num_iterations} and record_every = {record_every}. Loop exactly "
        f"num_iterations times (use the parameter, not a fixed number) and record the cost "
        f"before the update whenever iteration % record_every == 0."
    )


def detect_hardcoded_learning_rate(observation, observations):
    """Detect an output equal to that of a case that differs only in the learning rate."""
    if observation.function != "gradient_descent":
        return None
    names = specs.OUTPUT_NAMES["gradient_descent"]
    case = observation.case
    learning_rate = observation.arguments.get("learning_rate")
    for other in observations:
        other_rate = other.arguments.get("learning_rate")
        if other is observation or other_rate == learning_rate:
            continue
        if not same_except_learning_rate(observation.arguments, other.arguments):
            continue
        if outputs_match(observation.got, other.case.expected, names, case.rtol, case.atol):
            return (
                f"This result is the one for learning_rate = {other_rate}, but this case "
                f"passes learning_rate = {learning_rate}: use the learning_rate parameter "
                f"instead of a fixed number."
            )
    return None


def same_except_learning_rate(first, second):
    """Return True when two argument dicts are equal apart from learning_rate."""
    keys = (set(first) | set(second)) - {"learning_rate"}
    for key in keys:
        left, right = first.get(key), second.get(key)
        if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
            if not (isinstance(left, np.ndarray) and isinstance(right, np.ndarray)
                    and np.array_equal(left, right)):
                return False
        elif left != right:
            return False
    return True


LITERAL_DETECTORS = [
    (
        "outer_product_broadcast",
        literal_detector("outer_product_broadcast", outer_product_advice("The cost")),
    ),
    (
        "squared_error_as_cost",
        literal_detector(
            "squared_error_as_cost",
            "The cost equals the mean squared error of the predictions: compute_cost must "
            "average the cross-entropy loss -(y log(a) + (1 - y) log(1 - a)) instead.",
        ),
    ),
    (
        "missing_bias",
        literal_detector(
            "missing_bias",
            "The result matches a forward pass without the bias b: compute Z with "
            "linear_forward(w, b, X), which adds b.",
        ),
    ),
    (
        "predict_strict_threshold",
        literal_detector(
            "predict_strict_threshold",
            "A probability of exactly the threshold was predicted as 0, but the rule is that "
            "a >= threshold gives 1: compare with >=, not >.",
        ),
    ),
    (
        "predict_ignores_threshold",
        literal_detector(
            "predict_ignores_threshold",
            "The predictions ignore the threshold argument: compare A with the threshold "
            "parameter instead of a fixed 0.5.",
        ),
    ),
]

# The specific detectors run first. Errors, modified inputs and warnings come
# first, then the outputs stored for known mistakes. After them come the type
# and shape of the output, its values and its dtype. The mistakes that need
# the case's parameters or other cases come last.
DETECTORS = [
    ("in_place_update", detect_in_place_update),
    ("exp_overflow", detect_exp_overflow),
    ("log_of_zero", detect_log_of_zero),
    *LITERAL_DETECTORS,
    ("returned_none", detect_returned_none),
    ("outer_product_broadcast", detect_outer_product),
    ("array_instead_of_float", detect_array_instead_of_float),
    ("not_python_float", detect_not_python_float),
    ("elementwise_product", detect_elementwise_product),
    ("flatten_without_transpose", detect_flatten_without_transpose),
    ("transposed_output", detect_transposed_output),
    ("wrong_shape", detect_wrong_shape),
    ("sigmoid_missing_parentheses", detect_sigmoid_missing_parentheses),
    ("bias_gradient_not_averaged", detect_bias_gradient_not_averaged),
    ("missing_mean", detect_missing_mean),
    ("gradient_sign", detect_gradient_sign),
    ("cost_recorded_after_update", detect_cost_recorded_after_update),
    ("loss_sign", detect_loss_sign),
    ("missing_bias", detect_missing_bias),
    ("squared_error_missing_half", detect_squared_error_missing_half),
    ("missing_activation", detect_missing_activation),
    ("integer_truncation", detect_integer_output),
    ("wrong_dtype", detect_wrong_dtype),
    ("hardcoded_iterations", detect_hardcoded_iterations),
    ("hardcoded_learning_rate", detect_hardcoded_learning_rate),
]

# Hints about the dtype alone; find_hints looks past them for a mistake in the values.
DTYPE_HINTS = ("wrong_dtype", "integer_truncation")

# A call that raised has no output, so only the exception is evidence.
ERROR_DETECTORS = [
    ("integer_truncation", detect_integer_casting_error),
    ("gradient_matmul_shapes", detect_gradient_matmul_shapes),
]
