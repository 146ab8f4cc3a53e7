r"""Figures for lessons 05-07: cost landscapes, training curves and the Cup classifier.

Every ``plot_*`` function creates a new figure and returns it without
showing it, so a notebook cell ends with ``plt.show()`` and a test can
inspect the axes.  Every figure of a cost marks its minimum with a red star
whose artist has the gid ``"minimum"``: the true minimum when the caller
knows it, otherwise the lowest value that was evaluated or recorded.  The
legend label names which of the two it is.

The cost landscapes are drawn for a model with a single feature, so the cost
$J(w, b)$ is a function of two numbers and fits on a plane.
"""

import itertools
import numbers

import matplotlib.pyplot as plt
import numpy as np

from course_lib import validation

CLASS_NAMES = ("not cup", "cup")
MINIMUM_GID = "minimum"
MINIMUM_STYLE = {"marker": "*", "color": "tab:red", "markersize": 16, "linestyle": "none",
                 "markeredgecolor": "black", "zorder": 5}
PATH_COLORS = ("tab:blue", "tab:orange", "tab:purple", "tab:green", "tab:brown")


def check_costs(costs, name="costs"):
    """Return ``costs`` as a 1-D float array, or raise if it is empty, not 1-D or not finite."""
    costs = validation.as_float_array(costs, name)
    if costs.ndim != 1 or costs.size == 0:
        raise ValueError(
            f"{name} must be a non-empty list of costs, got {validation.describe(costs)}. "
            f"Pass the costs list returned by gradient_descent."
        )
    if not np.all(np.isfinite(costs)):
        first_bad = float(costs[~np.isfinite(costs)][0])
        raise ValueError(
            f"{name} must contain only finite costs, got {first_bad!r}. "
            f"Lower the learning rate if training produced inf or nan."
        )
    return costs


def check_grid_values(values, name):
    """Return ``values`` as an increasing 1-D float array with at least two entries."""
    values = validation.as_float_array(values, name)
    if values.ndim != 1 or values.size < 2 or np.any(np.diff(values) <= 0):
        raise ValueError(
            f"{name} must be an increasing 1-D array of at least 2 values, got "
            f"{validation.describe(values)}. Use np.linspace(start, stop, 60)."
        )
    return values


def check_callable(function, name, signature):
    """Raise ``TypeError`` unless ``function`` can be called."""
    if not callable(function):
        raise TypeError(
            f"{name} must be a function {signature}, got {validation.describe(function)}."
        )


def check_label_row(Y, name):
    """Return ``Y`` as a (1, m) array of 0/1 labels with at least one example."""
    Y = validation.as_numeric_array(Y, name)
    validation.check_matrix(Y, name, "(1, m)", rows=1)
    if Y.shape[1] == 0:
        raise ValueError(f"{name} must contain at least one example, got shape {Y.shape}.")
    validation.check_binary_labels(Y, name)
    return Y


def mark_minimum(ax, x, y, label):
    """Draw the red star at (x, y) that marks a minimum, with the gid ``"minimum"``."""
    (marker,) = ax.plot([x], [y], label=label, **MINIMUM_STYLE)
    marker.set_gid(MINIMUM_GID)
    return marker


def draw_cost_history(ax, costs, record_every, label=None):
    """Draw one cost curve against iteration number and mark its lowest recorded cost."""
    iterations = np.arange(costs.size) * record_every
    ax.plot(iterations, costs, marker="." if costs.size <= 60 else None, label=label)

    lowest = int(np.argmin(costs))
    mark_minimum(
        ax, iterations[lowest], costs[lowest],
        f"lowest recorded cost {costs[lowest]:.4f} (iteration {iterations[lowest]})",
    )

    ax.set_xlabel("iteration")
    ax.set_ylabel(r"cost $J(w, b)$")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")


def plot_learning_rate_comparison(costs_by_rate, record_every=1):
    """Plot the cost curves of several learning rates side by side, on a shared y axis.

    Parameters
    ----------
    costs_by_rate : dict of float to list of float
        For each learning rate, the costs that ``gradient_descent`` recorded.
    record_every : int, default 1
        The ``record_every`` used for every run.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes per learning rate, in the order of the dict, each titled with
        its rate and with its lowest recorded cost marked.
    """
    if not isinstance(costs_by_rate, dict) or not costs_by_rate:
        raise TypeError(
            f"costs_by_rate must be a non-empty dict mapping each learning rate to its costs, "
            f"got {validation.describe(costs_by_rate)}. Build it as {{0.1: costs, ...}}."
        )
    record_every = validation.check_positive_int(record_every, "record_every")
    checked = {rate: check_costs(costs, f"costs_by_rate[{rate!r}]")
               for rate, costs in costs_by_rate.items()}

    figure, axes = plt.subplots(1, len(checked), figsize=(4.2 * len(checked), 3.8),
                                sharey=True, squeeze=False, layout="constrained")
    for ax, (rate, costs) in zip(axes[0], checked.items()):
        draw_cost_history(ax, costs, record_every)
        ax.set_title(f"learning rate {rate:g}")
    return figure


def compute_cost_grid(cost_function, w_values, b_values):
    """Evaluate a one-feature cost $J(w, b)$ at every point of a grid.

    Parameters
    ----------
    cost_function : callable
        ``cost_function(w, b)`` takes two floats and returns the cost.
    w_values : numpy.ndarray of shape (n_w,)
        Increasing weights, the x axis of the grid.
    b_values : numpy.ndarray of shape (n_b,)
        Increasing biases, the y axis of the grid.

    Returns
    -------
    costs : numpy.ndarray of shape (n_b, n_w)
        ``costs[i, j]`` is ``cost_function(w_values[j], b_values[i])``, the
        layout that ``matplotlib.pyplot.contour`` expects.
    """
    check_callable(cost_function, "cost_function", "cost_function(w, b) returning a float")
    w_values = check_grid_values(w_values, "w_values")
    b_values = check_grid_values(b_values, "b_values")

    costs = np.empty((b_values.size, w_values.size))
    for i, b in enumerate(b_values):
        for j, w in enumerate(w_values):
            costs[i, j] = float(cost_function(float(w), float(b)))
    return costs


def check_point(point, name):
    """Return ``point`` as a pair of floats (w, b)."""
    point = validation.as_float_array(point, name)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(
            f"{name} must be a pair of finite numbers (w, b), got {validation.describe(point)}."
        )
    return float(point[0]), float(point[1])


def evaluate_cost_landscape(cost_function, w_values, b_values, minimum=None):
    """Evaluate the cost grid and the point to mark, before any figure is created.

    Evaluating first means that a cost function which raises (for example
    a graded function that is not implemented yet) leaves no empty figure.

    Returns
    -------
    costs : numpy.ndarray of shape (n_b, n_w)
        The grid from ``compute_cost_grid``.
    marked : tuple of (float, float, str)
        The given minimum with its cost, or the lowest grid point, and the
        legend label that says which of the two it is.
    """
    costs = compute_cost_grid(cost_function, w_values, b_values)
    w_values = np.asarray(w_values, dtype=np.float64)
    b_values = np.asarray(b_values, dtype=np.float64)
    if minimum is not None:
        w_min, b_min = check_point(minimum, "minimum")
        return costs, (w_min, b_min, f"minimum {float(cost_function(w_min, b_min)):.4f}")

    row, column = np.unravel_index(int(np.argmin(costs)), costs.shape)
    lowest_label = f"lowest cost on the grid {costs[row, column]:.4f}"
    return costs, (float(w_values[column]), float(b_values[row]), lowest_label)


def draw_cost_contours(ax, costs, w_values, b_values, marked):
    """Draw filled contours of a cost grid on ``ax`` and the star at ``marked = (w, b, label)``."""
    w_values = np.asarray(w_values, dtype=np.float64)
    b_values = np.asarray(b_values, dtype=np.float64)

    # Levels spaced evenly in log(cost) keep the contours near the minimum visible.
    levels = 16
    if 0 < costs.min() < costs.max():
        levels = np.geomspace(costs.min(), costs.max(), 16)
    filled = ax.contourf(w_values, b_values, costs, levels=levels, cmap="viridis")
    ax.contour(w_values, b_values, costs, levels=levels, colors="white", linewidths=0.4)
    ax.figure.colorbar(filled, ax=ax, label=r"cost $J(w, b)$", format="%.2f")
    mark_minimum(ax, *marked)

    ax.set_xlim(w_values[0], w_values[-1])
    ax.set_ylim(b_values[0], b_values[-1])
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("bias $b$")


def plot_gradient_field(cost_function, gradient_function, w_values, b_values, points,
                        minimum=None):
    r"""Draw $J(w, b)$ as contours with the negative gradient as arrows at chosen points.

    Parameters
    ----------
    cost_function : callable
        ``cost_function(w, b)`` takes two floats and returns the cost.
    gradient_function : callable
        ``gradient_function(w, b)`` returns the pair of floats ``(dw, db)``.
    w_values, b_values : numpy.ndarray of shape (n_w,) and (n_b,)
        Increasing grid coordinates for the contours.
    points : array_like of shape (k, 2)
        The (w, b) points where an arrow of $-(dw, db)$ starts.
    minimum : tuple of float, optional
        The true minimum (w, b); the lowest grid point is marked when omitted.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes with the contours, the arrows and the minimum.

    Notes
    -----
    Arrows are scaled together so the longest one spans about a fifth of the
    plot: their lengths are comparable with each other, not with the axes.
    """
    check_callable(gradient_function, "gradient_function",
                   "gradient_function(w, b) returning (dw, db)")
    points = validation.as_float_array(points, "points")
    validation.check_matrix(points, "points", "(k, 2)", columns=2)

    w_values = check_grid_values(w_values, "w_values")
    costs, marked = evaluate_cost_landscape(cost_function, w_values, b_values, minimum)
    gradients = np.array([[float(value) for value in gradient_function(w, b)]
                          for w, b in points])

    figure, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained")
    draw_cost_contours(ax, costs, w_values, b_values, marked)
    longest = float(np.max(np.hypot(gradients[:, 0], gradients[:, 1]))) or 1.0
    arrow_scale = longest / (0.2 * (w_values[-1] - w_values[0]))
    ax.quiver(points[:, 0], points[:, 1], -gradients[:, 0], -gradients[:, 1],
              color="white", edgecolor="black", linewidth=0.5, angles="xy",
              scale_units="xy", scale=arrow_scale,
              label=r"$-(dw, db)$, the downhill direction")
    ax.plot(points[:, 0], points[:, 1], "o", color="white", markersize=4)
    ax.set_title("The negative gradient points downhill")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize="small")
    return figure


def plot_descent_paths(cost_function, w_values, b_values, paths, minimum=None):
    """Draw $J(w, b)$ as contours with the (w, b) visited by one or more gradient-descent runs.

    Parameters
    ----------
    cost_function : callable
        ``cost_function(w, b)`` takes two floats and returns the cost.
    w_values, b_values : numpy.ndarray of shape (n_w,) and (n_b,)
        Increasing grid coordinates for the contours.
    paths : dict of str to array_like of shape (k, 2)
        For each run, a label and the (w, b) after each iteration, starting
        with the initial parameters.
    minimum : tuple of float, optional
        The true minimum (w, b); the lowest grid point is marked when omitted.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes with the contours, one line per path starting at a white
        square, and the minimum.  Parts of a path outside the grid are cut off.
    """
    if not isinstance(paths, dict) or not paths:
        raise TypeError(
            f"paths must be a non-empty dict mapping a label to an array of (w, b) rows, "
            f"got {validation.describe(paths)}."
        )
    checked = {}
    for label, path in paths.items():
        path = validation.as_float_array(path, f"paths[{label!r}]")
        checked[label] = validation.check_matrix(path, f"paths[{label!r}]", "(k, 2)", columns=2)

    costs, marked = evaluate_cost_landscape(cost_function, w_values, b_values, minimum)

    figure, ax = plt.subplots(figsize=(7.2, 5.0), layout="constrained")
    draw_cost_contours(ax, costs, w_values, b_values, marked)
    for index, ((label, path), color) in enumerate(zip(checked.items(),
                                                        itertools.cycle(PATH_COLORS))):
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=3, linewidth=1.2,
                label=label)
        ax.plot(path[0, 0], path[0, 1], "s", color="white", markeredgecolor="black",
                label="start" if index == 0 else None)
    ax.set_title("Paths of gradient descent on the cost")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3, fontsize="small")
    return figure


def plot_cost_slope(cost_of_w, w_values, w_point, slope):
    """Plot a cost along w and the tangent line whose slope is the gradient dw at one point.

    Parameters
    ----------
    cost_of_w : callable
        ``cost_of_w(w)`` takes a float weight and returns the cost, with every
        other parameter held fixed.
    w_values : numpy.ndarray of shape (n_w,)
        Increasing weights where the curve is evaluated.
    w_point : float
        The weight where the tangent touches the curve.
    slope : float
        The derivative $dw$ at ``w_point``, the slope of the tangent.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes with the curve, the tangent, the touching point and the
        lowest evaluated cost marked.
    """
    check_callable(cost_of_w, "cost_of_w", "cost_of_w(w) returning a float")
    w_values = check_grid_values(w_values, "w_values")
    w_point = validation.check_scalar(w_point, "w_point")
    slope = validation.check_scalar(slope, "slope")

    costs = np.array([float(cost_of_w(float(w))) for w in w_values])
    cost_at_point = float(cost_of_w(w_point))
    span = 0.15 * (w_values[-1] - w_values[0])
    tangent_w = np.array([w_point - span, w_point + span])

    figure, ax = plt.subplots(figsize=(6.4, 4.0), layout="constrained")
    ax.plot(w_values, costs, label="cost")
    ax.plot(tangent_w, cost_at_point + slope * (tangent_w - w_point), "--", color="tab:orange",
            label=f"tangent with slope dw = {slope:.4f}")
    ax.plot([w_point], [cost_at_point], "o", color="tab:orange")
    lowest = int(np.argmin(costs))
    mark_minimum(ax, w_values[lowest], costs[lowest], f"lowest cost {costs[lowest]:.4f}")
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("cost")
    ax.grid(alpha=0.3)
    ax.legend()
    return figure


def confusion_counts(Y, Y_pred):
    """Count the examples of each (true label, predicted label) pair.

    Parameters
    ----------
    Y : numpy.ndarray of shape (1, m)
        True labels, 0 or 1.
    Y_pred : numpy.ndarray of shape (1, m)
        Predicted labels, 0 or 1.

    Returns
    -------
    counts : numpy.ndarray of shape (2, 2), dtype int64
        ``counts[true, predicted]``: ``[[TN, FP], [FN, TP]]`` with 1 (cup)
        as the positive class.
    """
    Y = check_label_row(Y, "Y")
    Y_pred = check_label_row(Y_pred, "Y_pred")
    validation.check_same_shape(Y_pred, "Y_pred", Y, "Y")

    counts = np.zeros((2, 2), dtype=np.int64)
    np.add.at(counts, (Y.ravel().astype(np.int64), Y_pred.ravel().astype(np.int64)), 1)
    return counts


def plot_confusion_matrix(Y, Y_pred, class_names=CLASS_NAMES, title="Confusion matrix"):
    """Draw the 2 x 2 confusion matrix with the count written in each cell.

    Parameters
    ----------
    Y : numpy.ndarray of shape (1, m)
        True labels, 0 or 1.
    Y_pred : numpy.ndarray of shape (1, m)
        Predicted labels, 0 or 1.
    class_names : tuple of str, default ("not cup", "cup")
        Names of label 0 and label 1.
    title : str, default "Confusion matrix"
        Title of the axes.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes: rows are true labels, columns predicted labels.
    """
    counts = confusion_counts(Y, Y_pred)
    if len(class_names) != 2:
        raise ValueError(
            f"class_names must name the 2 classes, got {validation.describe(class_names)}."
        )

    figure, ax = plt.subplots(figsize=(4.4, 3.8), layout="constrained")
    ax.imshow(counts, cmap="Blues", vmin=0)
    for (true_label, predicted_label), count in np.ndenumerate(counts):
        dark = count > counts.max() / 2
        ax.text(predicted_label, true_label, str(count), ha="center", va="center",
                fontsize=16, color="white" if dark else "black")
    ax.set_xticks([0, 1], [f"predicted\n{name}" for name in class_names])
    ax.set_yticks([0, 1], [f"true\n{name}" for name in class_names])
    ax.set_title(title)
    return figure


def check_images(images):
    """Return ``images`` as a (k, h, w, 3) array of uint8 or of floats in [0, 1]."""
    images = validation.as_numeric_array(images, "images")
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(
            f"images must have shape (k, h, w, 3), got {validation.describe(images)}. "
            f"For one image use images[np.newaxis]; for columns of X use "
            f"X.T.reshape(-1, 64, 64, 3)."
        )
    if np.issubdtype(images.dtype, np.integer):
        validation.check_values_between(images, "images", 0, 255)
        return images.astype(np.uint8)
    validation.check_values_between(images, "images", 0, 1)
    return images


def plot_image_grid(images, titles=None, n_columns=6):
    """Show images in a grid, each with an optional title.

    Parameters
    ----------
    images : numpy.ndarray of shape (k, h, w, 3)
        RGB images, uint8 or floats in [0, 1].
    titles : list of str, optional
        One title per image.
    n_columns : int, default 6
        Images per row.

    Returns
    -------
    figure : matplotlib.figure.Figure
        ``ceil(k / n_columns)`` rows of axes without ticks; unused axes are hidden.
    """
    images = check_images(images)
    n_columns = validation.check_positive_int(n_columns, "n_columns")
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"titles must have one entry per image ({len(images)}), got {len(titles)}."
        )

    n_columns = min(n_columns, max(len(images), 1))
    n_rows = max(int(np.ceil(len(images) / n_columns)), 1)
    figure, axes = plt.subplots(n_rows, n_columns, figsize=(1.8 * n_columns, 2.0 * n_rows),
                                squeeze=False, layout="constrained")
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < len(images):
            ax.imshow(images[index])
            if titles is not None:
                ax.set_title(titles[index], fontsize="small")
    return figure


def find_misclassified(Y, A, threshold=0.5):
    """Return the indices of wrongly predicted examples, the most confident mistakes first.

    Parameters
    ----------
    Y : numpy.ndarray of shape (1, m)
        True labels, 0 or 1.
    A : numpy.ndarray of shape (1, m)
        Predicted probabilities of label 1.
    threshold : float, default 0.5
        Probabilities at or above it are predicted as 1, as in ``predict``.

    Returns
    -------
    indices : numpy.ndarray of shape (k,), dtype int64
        Columns where ``(A >= threshold) != Y``, sorted by how far ``A`` lies
        on the wrong side of the threshold, largest first.
    """
    Y = check_label_row(Y, "Y")
    A = validation.as_float_array(A, "A")
    validation.check_same_shape(A, "A", Y, "Y")
    validation.check_values_between(A, "A", 0, 1)
    threshold = validation.check_scalar(threshold, "threshold")

    wrong = np.flatnonzero((A >= threshold).astype(np.int64) != Y)
    distance = np.abs(A[0, wrong] - threshold)
    return wrong[np.argsort(-distance, kind="stable")].astype(np.int64)


def plot_misclassified(images, Y, A, threshold=0.5, class_names=CLASS_NAMES, max_images=12):
    """Show the wrongly classified images, each titled with its true label and P(cup).

    Parameters
    ----------
    images : numpy.ndarray of shape (m, h, w, 3)
        The images that ``A`` was computed for, in the same order.
    Y : numpy.ndarray of shape (1, m)
        True labels, 0 or 1.
    A : numpy.ndarray of shape (1, m)
        Predicted probabilities of label 1.
    threshold : float, default 0.5
        The decision threshold used by ``predict``.
    class_names : tuple of str, default ("not cup", "cup")
        Names of label 0 and label 1.
    max_images : int, default 12
        At most this many images are shown, the most confident mistakes first.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The grid of mistakes, or one empty axes saying that there were none.
    """
    images = check_images(images)
    indices = find_misclassified(Y, A, threshold)
    max_images = validation.check_positive_int(max_images, "max_images")
    if len(images) != np.shape(Y)[1]:
        raise ValueError(
            f"images must contain one image per column of Y ({np.shape(Y)[1]}), "
            f"got {len(images)} images."
        )

    if indices.size == 0:
        figure, ax = plt.subplots(figsize=(4.0, 1.0), layout="constrained")
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No misclassified images", ha="center", va="center")
        return figure
    shown_indices = indices[:max_images]
    titles = [f"true: {class_names[int(Y[0, i])]}\nP(cup) = {A[0, i]:.2f}" for i in shown_indices]
    return plot_image_grid(images[shown_indices], titles)


def plot_probability_histogram(A, Y, threshold=0.5, class_names=CLASS_NAMES):
    """Plot how the predicted probabilities of each true class are distributed.

    Parameters
    ----------
    A : numpy.ndarray of shape (1, m)
        Predicted probabilities of label 1.
    Y : numpy.ndarray of shape (1, m)
        True labels, 0 or 1.
    threshold : float, default 0.5
        Drawn as a vertical line: examples to its right are predicted as 1.
    class_names : tuple of str, default ("not cup", "cup")
        Names of label 0 and label 1.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes with one histogram per true class over [0, 1].
    """
    Y = check_label_row(Y, "Y")
    A = validation.as_float_array(A, "A")
    validation.check_same_shape(A, "A", Y, "Y")
    validation.check_values_between(A, "A", 0, 1)
    threshold = validation.check_scalar(threshold, "threshold")

    figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    bins = np.linspace(0, 1, 21)
    for label, color in ((0, "tab:blue"), (1, "tab:orange")):
        ax.hist(A[Y == label], bins=bins, alpha=0.6, color=color,
                label=f"true {class_names[label]}")
    ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:g}")
    ax.set_xlabel("predicted probability of cup, $a$")
    ax.set_ylabel("number of examples")
    ax.legend()
    return figure


def plot_weights(w, image_shape=(64, 64, 3)):
    """Show learned weights as images: one per colour channel and an RGB overview.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Weights of a model trained on flattened images, with
        ``n_x == h * w * c`` for ``image_shape = (h, w, c)``.
    image_shape : tuple of int, default (64, 64, 3)
        Shape of one image before flattening, with c = 3 channels.

    Returns
    -------
    figure : matplotlib.figure.Figure
        Three channel axes share one colour scale centred at zero and a
        colour bar.  Red marks a pixel whose brightness pushes towards cup,
        blue towards not cup, and white no effect.  A fourth axes shows the
        weights as an RGB image, mapped by ``0.5 + w / (2 * max|w|)`` so that
        zero is mid-grey and every value lies in [0, 1].
    """
    w = validation.as_float_array(w, "w")
    validation.check_matrix(w, "w", "(n_x, 1)", columns=1)
    if (len(image_shape) != 3 or image_shape[2] != 3
            or not all(isinstance(size, numbers.Integral) for size in image_shape)):
        raise ValueError(f"image_shape must be (h, w, 3), got {image_shape!r}.")
    if w.shape[0] != int(np.prod(image_shape)):
        raise ValueError(
            f"w must have {int(np.prod(image_shape))} rows for images of shape {image_shape}, "
            f"got w of shape {w.shape}. Pass the image_shape the model was trained on."
        )

    weights = w.reshape(image_shape)
    limit = float(np.max(np.abs(weights))) or 1.0
    figure, axes = plt.subplots(1, 4, figsize=(13.0, 3.4), layout="constrained")
    for channel, (ax, name) in enumerate(zip(axes, ("red", "green", "blue"))):
        channel_image = ax.imshow(weights[:, :, channel], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{name} channel")
    figure.colorbar(channel_image, ax=axes[:3].tolist(), label="weight", shrink=0.85)

    # The same symmetric scale as the channel axes, so a zero weight is mid-grey.
    overview = 0.5 + weights / (2.0 * limit)
    axes[3].imshow(overview)
    axes[3].set_title("all channels, zero as grey")
    for ax in axes:
        ax.set_axis_off()
    return figure
