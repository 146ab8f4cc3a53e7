"""Tables that describe the graded functions for the checks.

They follow the agreed interface of ``course_lib.graded``.  For each
function they give the module that defines it, its parameter and output
names as in the docstrings (used in reports), and the graded functions it
calls.
"""

GRADED_MODULES = {
    "course_lib.graded.lesson01_linear_model": (
        "flatten_images",
        "scale_pixels",
        "initialize_parameters",
        "linear_forward",
    ),
    "course_lib.graded.lesson02_sigmoid": ("sigmoid", "sigmoid_derivative"),
    "course_lib.graded.lesson03_squared_error": ("squared_error_loss",),
    "course_lib.graded.lesson04_cross_entropy": ("cross_entropy_loss",),
    "course_lib.graded.lesson05_cost_and_gradients": ("compute_cost", "compute_gradients"),
    "course_lib.graded.lesson06_gradient_descent": ("gradient_descent",),
    "course_lib.graded.lesson07_classifier": ("predict_proba", "predict", "accuracy"),
}

FUNCTION_NAMES = tuple(name for names in GRADED_MODULES.values() for name in names)

MODULE_OF = {name: module for module, names in GRADED_MODULES.items() for name in names}

PARAMETER_NAMES = {
    "flatten_images": ("images",),
    "scale_pixels": ("X",),
    "initialize_parameters": ("n_x",),
    "linear_forward": ("w", "b", "X"),
    "sigmoid": ("z",),
    "sigmoid_derivative": ("z",),
    "squared_error_loss": ("y_hat", "y"),
    "cross_entropy_loss": ("y_hat", "y"),
    "compute_cost": ("w", "b", "X", "Y"),
    "compute_gradients": ("w", "b", "X", "Y"),
    "gradient_descent": ("w", "b", "X", "Y", "learning_rate", "num_iterations", "record_every"),
    "predict_proba": ("w", "b", "X"),
    "predict": ("w", "b", "X", "threshold"),
    "accuracy": ("Y_pred", "Y"),
}

# A str names the single return value; a tuple names the items of a returned tuple.
OUTPUT_NAMES = {
    "flatten_images": "X",
    "scale_pixels": "X_scaled",
    "initialize_parameters": ("w", "b"),
    "linear_forward": "Z",
    "sigmoid": "s",
    "sigmoid_derivative": "ds",
    "squared_error_loss": "loss",
    "cross_entropy_loss": "loss",
    "compute_cost": "cost",
    "compute_gradients": ("dw", "db"),
    "gradient_descent": ("w", "b", "costs"),
    "predict_proba": "A",
    "predict": "Y_pred",
    "accuracy": "accuracy",
}

# Graded functions that each function calls in the reference solution.
DIRECT_DEPENDENCIES = {
    "sigmoid_derivative": ("sigmoid",),
    "compute_cost": ("linear_forward",),
    "compute_gradients": ("linear_forward", "sigmoid"),
    "gradient_descent": ("compute_cost", "compute_gradients"),
    "predict_proba": ("linear_forward", "sigmoid"),
    "predict": ("predict_proba",),
}


def dependencies_of(name):
    """Return every graded function that ``name`` calls directly or indirectly, in course order."""
    found = set()
    pending = list(DIRECT_DEPENDENCIES.get(name, ()))
    while pending:
        dependency = pending.pop()
        if dependency not in found:
            found.add(dependency)
            pending.extend(DIRECT_DEPENDENCIES.get(dependency, ()))
    return tuple(function for function in FUNCTION_NAMES if function in found)
