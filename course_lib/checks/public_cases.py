"""Public test cases that ``check()`` runs on the graded functions.

Every expected value is written out as a literal, so this file works without
the reference solution.  The inputs are small enough to check by hand.  A
few cases also store what a known mistake returns (``mistake_outputs``), so
that the check can name that mistake.
"""

import copy

import numpy as np

from course_lib.checks.cases import Case


def fresh(*values, **keyword_values):
    """Return a function that builds a deep copy of ``values`` on every call.

    Each case gets its own copy of the inputs, so a function that modifies an
    input array cannot change the inputs of the next case.
    """
    if values and keyword_values:
        raise TypeError("fresh() builds either positional or keyword arguments, not both.")
    if keyword_values:
        return lambda: copy.deepcopy(keyword_values)
    return lambda: copy.deepcopy(values)


# The course's worked example: two features, three examples.
W = np.array([[1.0], [2.0]])
B = 2.0
X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
Y = np.array([[1, 0, 1]])
COST = 5.801545319394553

FLATTEN_CASES = [
    Case(
        "flatten_images",
        "2 images of 2 x 2 pixels with 3 channels, all 24 values distinct",
        fresh(np.arange(24, dtype=np.uint8).reshape(2, 2, 2, 3)),
        expected=np.array(
            [[0, 12], [1, 13], [2, 14], [3, 15], [4, 16], [5, 17],
             [6, 18], [7, 19], [8, 20], [9, 21], [10, 22], [11, 23]],
            dtype=np.uint8,
        ),
    ),
    Case(
        "flatten_images",
        "3 images of 1 x 2 pixels with 1 channel",
        fresh(np.arange(6, dtype=np.uint8).reshape(3, 1, 2, 1)),
        expected=np.array([[0, 2, 4], [1, 3, 5]], dtype=np.uint8),
    ),
    Case(
        "flatten_images",
        "a single image becomes a single column",
        fresh(np.arange(4, dtype=np.uint8).reshape(1, 2, 2, 1)),
        expected=np.array([[0], [1], [2], [3]], dtype=np.uint8),
    ),
    Case(
        "flatten_images",
        "float32 images keep their dtype",
        fresh(np.array([[[[0.25, 0.5, 0.75]]], [[[1.0, 0.125, 0.375]]]], dtype=np.float32)),
        expected=np.array([[0.25, 1.0], [0.5, 0.125], [0.75, 0.375]], dtype=np.float32),
    ),
]

SCALE_CASES = [
    Case(
        "scale_pixels",
        "uint8 pixels 0, 51, 102 and 255",
        fresh(np.array([[0, 51], [255, 102]], dtype=np.uint8)),
        expected=np.array([[0.0, 0.2], [1.0, 0.4]]),
    ),
    Case(
        "scale_pixels",
        "int64 pixels 255, 0 and 85",
        fresh(np.array([[255, 0, 85]], dtype=np.int64)),
        expected=np.array([[1.0, 0.0, 0.3333333333333333]]),
    ),
    Case(
        "scale_pixels",
        "float64 pixels 0, 127.5 and 255",
        fresh(np.array([[0.0, 127.5, 255.0]])),
        expected=np.array([[0.0, 0.5, 1.0]]),
    ),
    Case(
        "scale_pixels",
        "float32 pixels give float64 output",
        fresh(np.array([[255.0, 51.0], [127.5, 0.0]], dtype=np.float32)),
        expected=np.array([[1.0, 0.2], [0.5, 0.0]]),
    ),
]

INITIALIZE_CASES = [
    Case(
        "initialize_parameters",
        "n_x = 3 features",
        fresh(3),
        expected=(np.zeros((3, 1)), 0.0),
    ),
    Case(
        "initialize_parameters",
        "n_x = 1 feature",
        fresh(1),
        expected=(np.zeros((1, 1)), 0.0),
    ),
]

LINEAR_FORWARD_CASES = [
    Case(
        "linear_forward",
        "worked example with b = 2",
        fresh(W, B, X),
        expected=np.array([[9.0, 12.0, -5.4]]),
    ),
    Case(
        "linear_forward",
        "one feature and a negative bias",
        fresh(np.array([[2.0]]), -1.0, np.array([[0.0, 0.5, 1.0, 2.0]])),
        expected=np.array([[-1.0, 0.0, 1.0, 3.0]]),
    ),
    Case(
        "linear_forward",
        "integer w and X",
        fresh(np.array([[1], [-1]]), 0.5, np.array([[1, 2], [3, 5]])),
        expected=np.array([[-1.5, -2.5]]),
    ),
    Case(
        "linear_forward",
        "a single example with 3 features",
        fresh(np.array([[0.5], [-1.0], [2.0]]), 0.25, np.array([[2.0], [1.0], [0.5]])),
        expected=np.array([[1.25]]),
    ),
]

SIGMOID_CASES = [
    Case(
        "sigmoid",
        "z = 0 gives exactly 0.5",
        fresh(0.0),
        expected=0.5,
    ),
    Case(
        "sigmoid",
        "z = -1, 0 and 2 in an array of shape (1, 3)",
        fresh(np.array([[-1.0, 0.0, 2.0]])),
        expected=np.array([[0.2689414213699951, 0.5, 0.8807970779778823]]),
    ),
    Case(
        "sigmoid",
        "z = -1000 and 1000 give 0 and 1 without overflow",
        fresh(np.array([[-1000.0, 1000.0]])),
        expected=np.array([[0.0, 1.0]]),
    ),
    Case(
        "sigmoid",
        "float32 input gives float32 output",
        fresh(np.array([[-2.0, 0.5, 3.0]], dtype=np.float32)),
        expected=np.array(
            [[0.11920291930437088, 0.622459352016449, 0.9525741338729858]], dtype=np.float32
        ),
    ),
    Case(
        "sigmoid",
        "integer input of shape (2,)",
        fresh(np.array([1, -1])),
        expected=np.array([0.7310585786300049, 0.2689414213699951]),
    ),
]

SIGMOID_DERIVATIVE_CASES = [
    Case(
        "sigmoid_derivative",
        "z = 0 gives the maximum 0.25",
        fresh(0.0),
        expected=0.25,
    ),
    Case(
        "sigmoid_derivative",
        "z = -1, 0 and 2 in an array of shape (1, 3)",
        fresh(np.array([[-1.0, 0.0, 2.0]])),
        expected=np.array([[0.19661193324148185, 0.25, 0.10499358540350662]]),
    ),
    Case(
        "sigmoid_derivative",
        "z = -1000 and 1000 give 0 without overflow",
        fresh(np.array([[-1000.0, 1000.0]])),
        expected=np.array([[0.0, 0.0]]),
    ),
]

SQUARED_ERROR_CASES = [
    Case(
        "squared_error_loss",
        "y_hat = 0.8 and y = 1 (scalars)",
        fresh(0.8, 1.0),
        expected=0.01999999999999999,
    ),
    Case(
        "squared_error_loss",
        "three predictions in an array of shape (1, 3)",
        fresh(np.array([[0.9, 0.2, 0.5]]), np.array([[1, 0, 1]])),
        expected=np.array([[0.005, 0.02, 0.125]]),
    ),
    Case(
        "squared_error_loss",
        "perfect predictions give zero loss",
        fresh(np.array([[0.0, 1.0]]), np.array([[0, 1]])),
        expected=np.array([[0.0, 0.0]]),
    ),
]

CROSS_ENTROPY_CASES = [
    Case(
        "cross_entropy_loss",
        "y_hat = 0.8 and y = 1 (scalars)",
        fresh(0.8, 1.0),
        expected=0.2231435513142097,
    ),
    Case(
        "cross_entropy_loss",
        "three predictions in an array of shape (1, 3)",
        fresh(np.array([[0.9, 0.2, 0.5]]), np.array([[1, 0, 1]])),
        expected=np.array([[0.10536051565782628, 0.22314355131420976, 0.6931471805599453]]),
    ),
    Case(
        "cross_entropy_loss",
        "exact predictions 0 and 1 give zero loss",
        fresh(np.array([[0.0, 1.0]]), np.array([[0, 1]])),
        expected=np.array([[0.0, 0.0]]),
    ),
]

COST_CASES = [
    Case(
        "compute_cost",
        "worked example with 3 examples",
        fresh(W, B, X, Y),
        expected=COST,
        mistake_outputs={
            "outer_product_broadcast": 10.604635958182635,
            "squared_error_as_cost": 0.33183589951087056,
        },
    ),
    Case(
        "compute_cost",
        "w = 0 and b = 0 give log(2) for any labels",
        fresh(np.zeros((2, 1)), 0.0, np.array([[1.0, 2.0, 3.0, 4.0], [0.0, -1.0, 1.0, 2.0]]),
              np.array([[1, 0, 0, 1]])),
        expected=0.6931471805599453,
    ),
    Case(
        "compute_cost",
        "integer w, b, X and Y",
        fresh(np.array([[1], [-1]]), 1, np.array([[2, 0, 1], [1, 3, 1]]), np.array([[1, 0, 1]])),
        expected=0.18903923653472263,
        mistake_outputs={
            "outer_product_broadcast": 2.900451042937501,
            "squared_error_as_cost": 0.01679136022762256,
        },
    ),
    Case(
        "compute_cost",
        "saturated prediction a = 1 with the label 1",
        fresh(np.array([[40.0]]), 0.0, np.array([[1.0]]), np.array([[1]])),
        expected=4.248354255291589e-18,
    ),
    Case(
        "compute_cost",
        "saturated prediction a = 1 with the label 0",
        fresh(np.array([[40.0]]), 0.0, np.array([[1.0]]), np.array([[0]])),
        expected=40.0,
    ),
]

GRADIENT_CASES = [
    Case(
        "compute_gradients",
        "worked example with 3 examples",
        fresh(W, B, X, Y),
        expected=(np.array([[0.9984560146379561], [2.395072388486207]]), 0.001455578136784208),
        mistake_outputs={
            "missing_bias": (
                np.array([[0.9994624245695868], [2.398376813663933]]),
                -0.00011518990122287114,
            ),
        },
    ),
    Case(
        "compute_gradients",
        "w = 0 with integer inputs",
        fresh(np.zeros((2, 1), dtype=np.int64), 0, np.array([[1, 2, 3], [0, -1, 1]]),
              np.array([[1, 0, 1]])),
        expected=(np.array([[-0.3333333333333333], [-0.3333333333333333]]), -0.16666666666666666),
    ),
    Case(
        "compute_gradients",
        "3 features and 4 examples",
        fresh(
            np.array([[0.5], [-0.25], [1.0]]),
            -0.5,
            np.array([[1.0, 0.0, 2.0, -1.0], [0.5, 1.0, -1.0, 2.0], [0.0, 1.0, 1.0, -0.5]]),
            np.array([[1, 0, 1, 0]]),
        ),
        expected=(
            np.array([[-0.23662667286481315], [0.1707562140687111], [0.08863196046076247]]),
            0.0005307128756175047,
        ),
        mistake_outputs={
            "missing_bias": (
                np.array([[-0.1951144634126264], [0.2339281279160625], [0.12315411809327634]]),
                0.08973033950917739,
            ),
        },
    ),
    Case(
        "compute_gradients",
        "a single example with the label 0",
        fresh(np.array([[1.0]]), 0.0, np.array([[2.0]]), np.array([[0]])),
        expected=(np.array([[1.7615941559557646]]), 0.8807970779778823),
    ),
]

GRADIENT_DESCENT_CASES = [
    Case(
        "gradient_descent",
        "worked example, learning_rate 0.009, 100 iterations",
        fresh(W, B, X, Y, 0.009, 100),
        expected=(
            np.array([[0.19033590888604332], [0.1225915924656141]]),
            1.9253598300845747,
            [COST],
        ),
    ),
    Case(
        "gradient_descent",
        "worked example, learning_rate 0.1, 100 iterations",
        fresh(W, B, X, Y, 0.1, 100),
        expected=(
            np.array([[-0.7029792344156532], [-0.42531594971543213]]),
            2.2642041096423773,
            [COST],
        ),
    ),
    Case(
        "gradient_descent",
        "learning_rate 0.05, 30 iterations, cost recorded every 10",
        fresh(W, B, X, Y, 0.05, 30, 10),
        expected=(
            np.array([[-0.08535594883546437], [-0.4119881512719721]]),
            1.8427977504917767,
            [COST, 2.5924988885042155, 0.8134224294439661],
        ),
    ),
    Case(
        "gradient_descent",
        "integer w, b and X, 5 iterations, cost recorded every iteration",
        fresh(np.array([[1], [2]]), 2, np.array([[1, 2, -1], [3, 4, -3]]), Y, 0.1, 5, 1),
        expected=(
            np.array([[0.5088208875540718], [0.8597423194059555]]),
            1.991609534996298,
            [5.668948298290773, 5.029089054334096, 4.394687181870604, 3.7718252744129726,
             3.172013466635097],
        ),
    ),
    Case(
        "gradient_descent",
        "0 iterations return the starting w and b",
        fresh(W, B, X, Y, 0.1, 0),
        expected=(np.array([[1.0], [2.0]]), 2.0, []),
    ),
]

PREDICT_PROBA_CASES = [
    Case(
        "predict_proba",
        "worked example",
        fresh(W, B, X),
        expected=np.array([[0.9998766054240137, 0.9999938558253978, 0.004496273160941178]]),
    ),
    Case(
        "predict_proba",
        "w = 0 and b = 0 give 0.5 for every example",
        fresh(np.zeros((2, 1)), 0.0, np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
        expected=np.array([[0.5, 0.5, 0.5]]),
    ),
    Case(
        "predict_proba",
        "z = -1000 and 1000 give 0 and 1 without overflow",
        fresh(np.array([[1.0]]), 0.0, np.array([[-1000.0, 1000.0]])),
        expected=np.array([[0.0, 1.0]]),
    ),
]

PREDICT_CASES = [
    Case(
        "predict",
        "worked example",
        fresh(W, B, X),
        expected=np.array([[1, 1, 0]], dtype=np.int64),
    ),
    Case(
        "predict",
        "a probability of exactly 0.5 is predicted as 1",
        fresh(np.zeros((2, 1)), 0.0, np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
        expected=np.array([[1, 1, 1]], dtype=np.int64),
        mistake_outputs={"predict_strict_threshold": np.array([[0, 0, 0]], dtype=np.int64)},
    ),
    Case(
        "predict",
        "z = -2, 0 and 2, so the middle probability is exactly 0.5",
        fresh(np.array([[1.0]]), 0.0, np.array([[-2.0, 0.0, 2.0]])),
        expected=np.array([[0, 1, 1]], dtype=np.int64),
        mistake_outputs={"predict_strict_threshold": np.array([[0, 0, 1]], dtype=np.int64)},
    ),
    Case(
        "predict",
        "threshold 0.9 given as a keyword argument",
        fresh(np.array([[1.0]]), 0.0, np.array([[1.0, 2.0, 3.0]])),
        make_kwargs=fresh(threshold=0.9),
        expected=np.array([[0, 0, 1]], dtype=np.int64),
        mistake_outputs={"predict_ignores_threshold": np.array([[1, 1, 1]], dtype=np.int64)},
    ),
]

ACCURACY_CASES = [
    Case(
        "accuracy",
        "2 of 4 predictions correct",
        fresh(np.array([[1, 0, 1, 1]]), np.array([[1, 1, 1, 0]])),
        expected=0.5,
    ),
    Case(
        "accuracy",
        "all predictions correct",
        fresh(np.array([[0, 1, 1]]), np.array([[0, 1, 1]])),
        expected=1.0,
    ),
    Case(
        "accuracy",
        "2 of 3 correct with float labels",
        fresh(np.array([[1, 0, 0]]), np.array([[1.0, 0.0, 1.0]])),
        expected=0.6666666666666666,
    ),
]

PUBLIC_CASES = (
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
    + GRADIENT_DESCENT_CASES
    + PREDICT_PROBA_CASES
    + PREDICT_CASES
    + ACCURACY_CASES
)
