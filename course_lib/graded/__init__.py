"""Functions that students implement, one module per lesson.

In the instructor's source, each function keeps its reference solution
between solution markers.  The student release replaces every such region
with a stub that raises ``NotImplementedError``.
"""

from .lesson01_linear_model import flatten_images, initialize_parameters, linear_forward, scale_pixels
from .lesson02_sigmoid import sigmoid, sigmoid_derivative
from .lesson03_squared_error import squared_error_loss
from .lesson04_cross_entropy import cross_entropy_loss
from .lesson05_cost_and_gradients import compute_cost, compute_gradients
from .lesson06_gradient_descent import gradient_descent
from .lesson07_classifier import accuracy, predict, predict_proba

__all__ = [
    "flatten_images",
    "scale_pixels",
    "initialize_parameters",
    "linear_forward",
    "sigmoid",
    "sigmoid_derivative",
    "squared_error_loss",
    "cross_entropy_loss",
    "compute_cost",
    "compute_gradients",
    "gradient_descent",
    "predict_proba",
    "predict",
    "accuracy",
]
