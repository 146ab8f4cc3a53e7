"""Interactive explorers that let students move w, b, predictions and learning rates and watch the result.

Every explorer is an ipywidgets box around one Figure that its controls
redraw in place.  Beside each one, a static ``plot_*`` function draws a fixed
setting, so nbval and runs without a widget front end still check the drawing.
"""

from course_lib.explorers.figures import (
    plot_cost_landscapes,
    plot_gd_run,
    plot_loss_comparison,
    plot_sigmoid_family,
)
from course_lib.explorers.images import image_bytes_to_array, predict_image_probability
from course_lib.explorers.widgets import (
    cost_landscape_explorer,
    gradient_descent_explorer,
    image_upload_explorer,
    loss_explorer,
    sigmoid_explorer,
    train_with_progress,
)

__all__ = [
    "sigmoid_explorer",
    "loss_explorer",
    "cost_landscape_explorer",
    "gradient_descent_explorer",
    "train_with_progress",
    "image_upload_explorer",
    "plot_sigmoid_family",
    "plot_loss_comparison",
    "plot_cost_landscapes",
    "plot_gd_run",
    "image_bytes_to_array",
    "predict_image_probability",
]
