"""Interactive explorers: ipywidgets controls above one Matplotlib Figure redrawn in place.

Each explorer owns a single ``matplotlib.figure.Figure`` created without
pyplot, so it never appears in ``plt.get_fignums()`` and is never shown a
second time by the inline backend.  A change of any control clears the
Figure's Axes, draws again and sends the new PNG to one ``widgets.Image``:
moving a slider many times still leaves one figure on the page.
"""

import html
import io
import itertools
import logging

import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure

from course_lib.explorers import figures, landscape
from course_lib.explorers.curves import cross_entropy_curve, describe_decision, squared_error_curve
from course_lib.explorers.images import (
    check_image_model,
    image_bytes_to_array,
    predict_image_probability,
)
from course_lib.explorers.training import gradient_descent_chunks

LOGGER = logging.getLogger(__name__)
PNG_DPI = 90
RUN_STEPS = 20
ERROR_STYLE = "color: #b00020"
FULL_DESCRIPTION = {"description_width": "initial"}


def render_png(figure):
    """Render ``figure`` to PNG bytes without pyplot."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def image_layout(figsize):
    """Show a rendered figure at its own pixel width, so the browser does not stretch it."""
    return widgets.Layout(width=f"{round(figsize[0] * PNG_DPI)}px", height="auto")


class FigureExplorer(widgets.VBox):
    """Controls, one Figure shown as a PNG image, and a line of text below it.

    Subclasses implement ``draw()``, which draws into ``self.axes`` and
    returns the text, and call ``redraw()`` whenever a control changes.
    """

    def __init__(self, controls, ncols, figsize):
        super().__init__()
        self.figure = Figure(figsize=figsize, layout="constrained")
        self.axes = self.figure.subplots(1, ncols, squeeze=False)[0]
        self.image = widgets.Image(format="png", layout=image_layout(figsize))
        self.status = widgets.HTML()
        self.children = [widgets.HBox(controls), self.image, self.status]

    def draw(self):
        """Draw the current state into ``self.axes`` and return a sentence describing it."""
        raise NotImplementedError(f"{type(self).__name__} must implement draw()")

    def redraw(self, change=None):
        """Clear the Axes, draw again and send the new PNG, then the new text, to the browser."""
        for ax in self.axes:
            ax.clear()
        text = self.draw()
        self.image.value = render_png(self.figure)
        self.status.value = self.format_status(text)

    def format_status(self, text):
        """Return the HTML shown below the figure for the sentence ``text``."""
        return html.escape(text)

    def observe_controls(self, *controls):
        """Redraw whenever the value of any of ``controls`` changes."""
        for control in controls:
            control.observe(self.redraw, names="value")


class SigmoidExplorer(FigureExplorer):
    """Sliders for w and b above the curve a = sigmoid(w x + b)."""

    def __init__(self, w=1.0, b=0.0):
        self.w_slider = widgets.FloatSlider(value=w, min=-5.0, max=5.0, step=0.1, description="w")
        self.b_slider = widgets.FloatSlider(value=b, min=-5.0, max=5.0, step=0.1, description="b")
        super().__init__([self.w_slider, self.b_slider], ncols=1, figsize=(7, 3.6))
        self.observe_controls(self.w_slider, self.b_slider)
        self.redraw()

    def draw(self):
        figures.draw_sigmoid(self.axes[0], self.w_slider.value, self.b_slider.value)
        return describe_decision(self.w_slider.value, self.b_slider.value)


def sigmoid_explorer():
    """Show sliders for w and b and the curve sigmoid(w x + b) with the point where the decision flips.

    Returns
    -------
    explorer : SigmoidExplorer
        The widget; display it as the last expression of a cell.
    """
    return SigmoidExplorer()


class LossExplorer(FigureExplorer):
    """A slider for the prediction y_hat above both losses for y = 1 and y = 0."""

    def __init__(self, y_hat=0.05):
        self.y_hat_slider = widgets.FloatSlider(
            value=y_hat, min=0.001, max=0.999, step=0.001, readout_format=".3f", description="ŷ"
        )
        super().__init__([self.y_hat_slider], ncols=2, figsize=(10, 3.6))
        self.observe_controls(self.y_hat_slider)
        self.redraw()

    def draw(self):
        y_hat = self.y_hat_slider.value
        figures.draw_loss_comparison(self.axes, y_hat)
        wrong_label = 1 if y_hat < 0.5 else 0
        squared_error = float(squared_error_curve(y_hat, wrong_label))
        cross_entropy = float(cross_entropy_curve(y_hat, wrong_label))
        return (
            f"If the true label is y = {wrong_label}, the prediction ŷ = {y_hat:.3f} is wrong: "
            f"squared error charges {squared_error:.3f} and cross-entropy charges {cross_entropy:.3f}."
        )


def loss_explorer():
    """Show a slider for y_hat and both losses side by side for y = 1 and y = 0.

    Returns
    -------
    explorer : LossExplorer
    """
    return LossExplorer()


class CostLandscapeExplorer(FigureExplorer):
    """A starting point and step settings above both cost landscapes with a descent path."""

    def __init__(self, start=(-6.0, 6.0), learning_rate=1.0, num_iterations=200):
        self.grids = figures.LandscapeGrids(*landscape.make_toy_dataset())
        slider_options = dict(min=-7.5, max=7.5, step=0.5, continuous_update=False)
        self.w_slider = widgets.FloatSlider(value=start[0], description="start w", **slider_options)
        self.b_slider = widgets.FloatSlider(value=start[1], description="start b", **slider_options)
        self.rate_slider = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=-2, max=1, step=0.1, description="learning rate",
            continuous_update=False, style=FULL_DESCRIPTION,
        )
        self.steps_slider = widgets.IntSlider(
            value=num_iterations, min=0, max=500, step=10, description="steps", continuous_update=False
        )
        controls = [widgets.VBox([self.w_slider, self.b_slider]),
                    widgets.VBox([self.rate_slider, self.steps_slider])]
        super().__init__(controls, ncols=2, figsize=(11, 4.5))
        self.observe_controls(self.w_slider, self.b_slider, self.rate_slider, self.steps_slider)
        self.redraw()

    def draw(self):
        start = (self.w_slider.value, self.b_slider.value)
        paths = figures.draw_cost_landscapes(
            self.axes, self.grids, start, self.rate_slider.value, self.steps_slider.value
        )
        moved = {kind: float(np.linalg.norm(path[-1] - path[0])) for kind, path in paths.items()}
        return (
            f"From (w, b) = ({start[0]:.1f}, {start[1]:.1f}), gradient descent moved the parameters "
            f"a distance of {moved[landscape.SQUARED_ERROR]:.2f} on squared error and "
            f"{moved[landscape.CROSS_ENTROPY]:.2f} on cross-entropy."
        )


def cost_landscape_explorer():
    """Show squared-error and cross-entropy contours over (w, b) with gradient descent from a chosen start.

    Returns
    -------
    explorer : CostLandscapeExplorer
    """
    return CostLandscapeExplorer()


class GradientDescentExplorer(FigureExplorer):
    """Step, run and reset buttons for gradient descent over w on the toy data set."""

    def __init__(self, learning_rate=0.3, w=figures.GD_START_WEIGHT):
        self.X, self.Y = landscape.make_toy_dataset()
        self.start_weight = w
        self.weights = np.array([w])
        self.rate_slider = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=-3, max=2, step=0.1, description="learning rate",
            continuous_update=False, style=FULL_DESCRIPTION,
        )
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.run_button = widgets.Button(description=f"Run {RUN_STEPS} steps", icon="play")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        controls = [self.rate_slider, self.step_button, self.run_button, self.reset_button]
        super().__init__(controls, ncols=2, figsize=(11, 4))
        self.step_button.on_click(lambda button: self.step())
        self.run_button.on_click(lambda button: self.run())
        self.reset_button.on_click(lambda button: self.reset())
        # A new learning rate starts a new run, so each picture shows one rate only.
        self.rate_slider.observe(lambda change: self.reset(), names="value")
        self.redraw()

    def step(self):
        """Apply one update with the current learning rate and redraw."""
        path = landscape.weight_descent_path(self.weights[-1], self.X, self.Y,
                                             self.rate_slider.value, 1)
        self.weights = np.append(self.weights, path[-1])
        self.redraw()

    def run(self, num_steps=RUN_STEPS):
        """Apply ``num_steps`` updates, redrawing after each so the point moves."""
        for _ in range(num_steps):
            self.step()

    def reset(self):
        """Go back to the starting weight and forget the steps taken."""
        self.weights = np.array([self.start_weight])
        self.redraw()

    def draw(self):
        figures.draw_gd_run(self.axes, self.X, self.Y, self.weights)
        self.figure.suptitle(f"learning rate {self.rate_slider.value:.3g}")
        costs = landscape.cost_grid(self.weights, np.array([0.0]), self.X, self.Y,
                                    landscape.CROSS_ENTROPY)[0]
        text = f"Iteration {self.weights.size - 1}: w = {self.weights[-1]:.3f}, J(w) = {costs[-1]:.4f}."
        rises = int(np.count_nonzero(np.diff(costs) > 0))
        if rises:
            text += (f" The cost went up on {rises} of {costs.size - 1} steps: the learning rate is "
                     f"too large, so steps overshoot the minimum.")
        return text


def gradient_descent_explorer():
    """Show gradient descent on a cost curve with a log-scale learning rate and step, run and reset buttons.

    Returns
    -------
    explorer : GradientDescentExplorer
    """
    return GradientDescentExplorer()


def train_with_progress(w, b, X, Y, learning_rate, num_iterations, record_every=100):
    r"""Run gradient descent with a progress bar and a cost curve that grows while it runs.

    Training calls the student's own ``gradient_descent`` once per chunk of
    iterations, so the result is identical to
    ``gradient_descent(w, b, X, Y, learning_rate, num_iterations, record_every)``.

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

    Returns
    -------
    w : numpy.ndarray of shape (n_x, 1)
        Learned weights, a new array.
    b : float
        Learned bias.
    costs : list of float
        The cost before iterations 0, record_every, 2 * record_every, ...
    """
    chunks = gradient_descent_chunks(w, b, X, Y, learning_rate, num_iterations, record_every)
    first_state = next(chunks)
    progress = widgets.IntProgress(value=0, min=0, max=num_iterations, description="Training")
    figsize = (7, 3.2)
    figure = Figure(figsize=figsize, layout="constrained")
    ax = figure.subplots()
    image = widgets.Image(format="png", layout=image_layout(figsize))
    display(widgets.VBox([progress, image]))

    drawn_records = -1
    try:
        for iterations_done, w, b, costs in itertools.chain([first_state], chunks):
            progress.value = iterations_done
            if len(costs) != drawn_records:
                ax.clear()
                figures.draw_training_progress(ax, costs, record_every, num_iterations)
                image.value = render_png(figure)
                drawn_records = len(costs)
    except Exception:
        progress.bar_style = "danger"
        raise
    progress.bar_style = "success"
    return w, b, list(costs)


class ImageUploadExplorer(FigureExplorer):
    """A file upload that shows the 64x64 input image and the model's probability of "cup"."""

    def __init__(self, w, b):
        self.w, self.b = check_image_model(w, b)
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload photo")
        super().__init__([self.upload], ncols=2, figsize=(8, 3.4))
        self.upload.observe(self.on_upload, names="value")
        self.image_array = None
        self.probability = None
        self.message = "Upload a photo (PNG, JPEG, ...) to see what the model sees."
        self.message_is_error = False
        self.redraw()

    def on_upload(self, change):
        """Convert and classify the uploaded file, then clear the upload so the same file can be sent again."""
        if not change["new"]:
            return
        upload = change["new"][-1]
        self.classify(upload["name"], upload["content"])
        self.upload.value = ()

    def classify(self, name, data):
        """Convert ``data`` to the model's input, predict its probability of "cup" and redraw."""
        self.image_array, self.probability = None, None
        self.message_is_error = True
        try:
            self.image_array = image_bytes_to_array(data)
        except (TypeError, ValueError) as error:
            self.message = f"Could not read {name}: {error}"
            LOGGER.info("upload %s rejected: %s", name, error)
            return self.redraw()

        try:
            self.probability = predict_image_probability(self.w, self.b, self.image_array)
        except NotImplementedError as error:
            self.message = f"The prediction needs your own functions first: {error}"
        except Exception as error:
            self.message = f"Your predict_proba failed on {name}: {type(error).__name__}: {error}"
            LOGGER.warning("prediction failed on upload %s", name, exc_info=True)
        else:
            label = "cup" if self.probability >= figures.DECISION_THRESHOLD else "not cup"
            self.message = f"{name}: probability of cup {self.probability:.3f}, predicted {label}."
            self.message_is_error = False
        self.redraw()

    def format_status(self, text):
        if self.message_is_error:
            return f'<span style="{ERROR_STYLE}">{html.escape(text)}</span>'
        return html.escape(text)

    def draw(self):
        image_ax, probability_ax = self.axes
        image_ax.set_axis_on()
        probability_ax.set_axis_on()
        if self.image_array is None:
            image_ax.text(0.5, 0.5, "no image", ha="center", va="center")
            image_ax.set_axis_off()
            probability_ax.set_axis_off()
        elif self.probability is None:
            image_ax.imshow(self.image_array, interpolation="nearest")
            image_ax.set(xticks=[], yticks=[], title="What the model sees")
            probability_ax.set_axis_off()
        else:
            figures.draw_model_input(self.axes, self.image_array, self.probability)
        return self.message


def image_upload_explorer(w, b):
    """Show a file upload that classifies a photo with trained parameters w and b.

    Parameters
    ----------
    w : numpy.ndarray of shape (12288, 1)
        Weights trained on flattened 64x64 RGB images.
    b : float
        Trained bias.

    Returns
    -------
    explorer : ImageUploadExplorer
    """
    return ImageUploadExplorer(w, b)
