"""Hidden grading cases: new inputs for every graded function, never shipped to students.

Each case leaves ``expected`` as None.  The grader computes the expected
value by calling the instructor's reference solution in its own process,
so no expected value is written down here and none reaches a submission.
Inputs come from NumPy generators with fixed seeds, so every run (and the
sha256 of the cases that each record stores) is the same.

The descriptions appear in the students' feedback, so they name what a
case covers without giving any input value.
"""

import numpy as np

from course_lib.checks.cases import Case


def uniform(seed, shape, low=-1.0, high=1.0):
    """Return a float64 array of ``shape`` drawn uniformly from [low, high) with ``seed``."""
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def labels(seed, m):
    """Return int64 labels of shape (1, m) with both classes present."""
    Y = np.random.default_rng(seed).integers(0, 2, size=(1, m))
    Y[0, 0], Y[0, -1] = 0, 1
    return Y.astype(np.int64)


def images(seed, shape, dtype=np.uint8):
    """Return random pixel values in [0, 255] of ``shape`` and ``dtype``."""
    pixels = np.random.default_rng(seed).integers(0, 256, size=shape)
    return pixels.astype(dtype)


def problem(seed, n_x, m, weight_scale=1.0):
    """Return (w, b, X, Y) for a small random problem with n_x features and m examples."""
    w = uniform(seed, (n_x, 1)) * weight_scale
    b = float(uniform(seed + 1, ()))
    X = uniform(seed + 2, (n_x, m), -2.0, 2.0)
    return w, b, X, labels(seed + 3, m)


def extreme_problem():
    """Return (w, b, X, Y) whose pre-activations reach about +-45, where sigmoid rounds to 0 or 1."""
    w = np.array([[15.0], [-15.0]])
    X = np.array([[3.0, -3.0, 0.5, 1.0], [0.0, 0.0, 0.5, -2.0]])
    return w, 0.0, X, np.array([[1, 0, 0, 1]])


FLATTEN_CASES = [
    Case("flatten_images", "random uint8 colour images",
         lambda: (images(101, (4, 5, 6, 3)),)),
    Case("flatten_images", "one float64 image",
         lambda: (images(102, (1, 3, 2, 2), np.float64),)),
    Case("flatten_images", "int64 images of a single pixel",
         lambda: (images(103, (7, 1, 1, 4), np.int64),)),
]

SCALE_CASES = [
    Case("scale_pixels", "uint8 pixels including both extremes",
         lambda: (np.concatenate([images(111, (12, 4)), np.array([[0], [255]] * 6, np.uint8)],
                                 axis=1),)),
    Case("scale_pixels", "float32 pixels", lambda: (images(112, (3, 7), np.float32),)),
    Case("scale_pixels", "a single int32 column", lambda: (images(113, (6, 1), np.int32),)),
]

INITIALIZE_CASES = [
    Case("initialize_parameters", "a few features", lambda: (2,)),
    Case("initialize_parameters", "many features", lambda: (12288,)),
    Case("initialize_parameters", "a moderate number of features", lambda: (5,)),
]

LINEAR_FORWARD_CASES = [
    Case("linear_forward", "random w, b and X",
         lambda: problem(121, 6, 9)[:3]),
    Case("linear_forward", "integer X and a negative bias",
         lambda: (uniform(122, (3, 1)), -0.75, images(123, (3, 4), np.int64))),
    Case("linear_forward", "a single example", lambda: problem(124, 4, 1)[:3]),
]

SIGMOID_CASES = [
    Case("sigmoid", "a negative Python float", lambda: (-2.5,)),
    Case("sigmoid", "a 2-D array", lambda: (uniform(131, (3, 4), -8.0, 8.0),)),
    Case("sigmoid", "very large positive and negative z",
         lambda: (np.array([[-800.0, -40.0, 0.0, 40.0, 800.0]]),)),
    Case("sigmoid", "a float32 array keeps its dtype",
         lambda: (uniform(132, (2, 5), -6.0, 6.0).astype(np.float32),), rtol=1e-5),
]

SIGMOID_DERIVATIVE_CASES = [
    Case("sigmoid_derivative", "a positive Python float", lambda: (1.5,)),
    Case("sigmoid_derivative", "a 2-D array",
         lambda: (uniform(141, (2, 6), -5.0, 5.0),)),
    Case("sigmoid_derivative", "very large positive and negative z",
         lambda: (np.array([[-900.0, 0.0, 900.0]]),)),
]

SQUARED_ERROR_CASES = [
    Case("squared_error_loss", "Python floats", lambda: (0.3, 1.0)),
    Case("squared_error_loss", "arrays with 0/1 labels",
         lambda: (uniform(151, (1, 7), 0.0, 1.0), labels(152, 7))),
    Case("squared_error_loss", "soft labels between 0 and 1",
         lambda: (uniform(153, (2, 3), 0.0, 1.0), uniform(154, (2, 3), 0.0, 1.0))),
]

CROSS_ENTROPY_CASES = [
    Case("cross_entropy_loss", "arrays with 0/1 labels",
         lambda: (uniform(161, (1, 8), 0.01, 0.99), labels(162, 8))),
    Case("cross_entropy_loss", "Python floats with label 0", lambda: (0.35, 0.0)),
    Case("cross_entropy_loss", "predictions exactly equal to the labels",
         lambda: (np.array([[1.0, 0.0, 1.0, 0.0]]), np.array([[1, 0, 1, 0]]))),
]

COST_CASES = [
    Case("compute_cost", "a random problem",
         lambda: problem(171, 5, 8)),
    Case("compute_cost", "pre-activations large enough to saturate the sigmoid",
         extreme_problem),
    Case("compute_cost", "integer X and labels with a single example",
         lambda: (uniform(172, (3, 1)), 0.25, images(173, (3, 1), np.int64) // 50,
                  np.array([[1]]))),
]

GRADIENT_CASES = [
    Case("compute_gradients", "a random problem",
         lambda: problem(181, 4, 6)),
    Case("compute_gradients", "a single example", lambda: problem(182, 3, 1)),
    Case("compute_gradients", "integer zero weights and integer X",
         lambda: (np.zeros((3, 1), np.int64), 0, images(183, (3, 5), np.int64) // 60,
                  labels(184, 5))),
]

DESCENT_CASES = [
    Case("gradient_descent", "a random problem with record_every given",
         lambda: problem(191, 3, 8) + (0.1, 250, 50)),
    Case("gradient_descent", "the default record_every",
         lambda: problem(192, 2, 5) + (0.5, 120)),
    Case("gradient_descent", "integer starting weights and bias",
         lambda: (np.zeros((2, 1), np.int64), 0, uniform(193, (2, 6)), labels(194, 6), 0.2, 30, 7)),
]

PREDICT_PROBA_CASES = [
    Case("predict_proba", "a random problem",
         lambda: problem(201, 5, 7)[:3]),
    Case("predict_proba", "a single example", lambda: problem(202, 2, 1)[:3]),
]

PREDICT_CASES = [
    Case("predict", "the default threshold", lambda: problem(211, 4, 9, weight_scale=3.0)[:3]),
    Case("predict", "a threshold above 0.5", lambda: problem(212, 4, 9, weight_scale=3.0)[:3],
         lambda: {"threshold": 0.8}),
    Case("predict", "every probability exactly equal to the threshold",
         lambda: (np.zeros((3, 1)), 0.0, uniform(213, (3, 4)))),
]

ACCURACY_CASES = [
    Case("accuracy", "random predictions", lambda: (labels(221, 10), labels(222, 10))),
    Case("accuracy", "every prediction correct", lambda: (labels(223, 6), labels(223, 6))),
    Case("accuracy", "float labels", lambda: (labels(224, 5).astype(np.float64),
                                               labels(225, 5).astype(np.float64))),
]

HIDDEN_CASES = (
    FLATTEN_CASES
    + SCALE_CASES
    + INITIALIZE_CASES
    + LINEAR_FORWARD_CASES
    + SIGMOID_CASES
    + SIGMOID_DERIVATIVE_CASES
    + SQUARED_ERROR_CASES
    + CROSS_ENTROPY_CASES
    + COST_CASES
    + GRADIENT_CASES
    + DESCENT_CASES
    + PREDICT_PROBA_CASES
    + PREDICT_CASES
    + ACCURACY_CASES
)
