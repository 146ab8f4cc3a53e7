"""Course library for "Logistic regression as a one-neuron network".

The graded functions that students implement live in ``course_lib.graded``
and are re-exported here, so notebooks can write
``from course_lib import sigmoid``.  The rest of the package is what the
course provides: the Cup dataset, plots, checks and instructor tools.
"""

from course_lib.checks import check
from course_lib.dataset import load_cup_dataset
from course_lib.gradient_check import numerical_gradient, relative_error
from course_lib.graded import *  # noqa: F401,F403
from course_lib.graded import __all__ as GRADED_FUNCTIONS

__all__ = list(GRADED_FUNCTIONS) + [
    "check",
    "load_cup_dataset",
    "numerical_gradient",
    "relative_error",
]
