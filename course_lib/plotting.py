r"""Figures for the course notebooks.

Every function draws with Matplotlib and returns the ``Figure`` without
closing or showing it, so a notebook cell ends with ``plt.show()`` to display
it once, and a test can inspect the axes.  Functions that draw a single panel
accept ``ax`` to draw into an existing ``Axes`` instead of a new figure.

Functions that plot a loss or cost mark the lowest point of each curve.
When a curve keeps falling to the edge of the plotted range, the mark sits at
that edge, and its legend label ends with "on this range", so the reader does
not take it for a true minimum.
"""

import numbers

import numpy as np
from matplotlib import pyplot as plt

from course_lib.dataset import CLASS_NAMES

LOSS_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple")
MINIMUM_MARKER = "o"
CORRECT_COLOR = "tab:green"
WRONG_COLOR = "tab:red"


def as_curve(values, name, length=None):
    """Return ``values`` as a 1-D float array, or raise naming ``name``.

    Parameters
    ----------
    values : array_like of shape (n,)
        The points of one curve.  Arrays of shape (1, n), such as a row of
        predictions A, are accepted and flattened.
    name : str
        Parameter name used in the error message.
    length : int or None
        Required number of points; None accepts any number of at least 2.

    Returns
    -------
    curve : numpy.ndarray of shape (n,), dtype float64
    """
    curve = np.asarray(values, dtype=np.float64)
    if curve.ndim == 2 and curve.shape[0] == 1:
        curve = curve[0]
    if curve.ndim != 1 or curve.size < 2:
        raise ValueError(
            f"{name} must be a 1-D array of at least 2 points, got shape {np.shape(values)}. "
            f"Pass one value per point on the horizontal axis."
        )
    if length is not None and curve.size != length:
        raise ValueError(
            f"{name} must have {length} points to match the horizontal axis, "
            f"got {curve.size}. Compute it from the same grid."
        )
    return curve


def check_curves(curves, name):
    """Raise ``TypeError`` unless ``curves`` is a non-empty dict of label to values."""
    if not isinstance(curves, dict) or not curves:
        raise TypeError(
            f"{name} must be a non-empty dict of label to values, got {type(curves).__name__}. "
            f"Pass for example {{'squared error': values}}."
        )


def new_axes(ax, figsize):
    """Return ``(figure, ax)``: the figure of ``ax``, or a new figure with one axes."""
    if ax is None:
        figure, ax = plt.subplots(figsize=figsize, layout="constrained")
        return figure, ax
    return ax.figure, ax


def mark_minimum(ax, x, y, label, color, markersize=8):
    """Plot a marker at the lowest finite point of the curve ``(x, y)`` and return its index."""
    finite = np.isfinite(y)
    if not np.any(finite):
        raise ValueError(
            f"the curve {label!r} has no finite value, so it has no minimum to mark. "
            f"Plot it over a range where the loss is finite."
        )

    index = int(np.argmin(np.where(finite, y, np.inf)))
    ax.plot(
        [x[index]],
        [y[index]],
        marker=MINIMUM_MARKER,
        markersize=markersize,
        linestyle="none",
        color=color,
        label=f"minimum of {label} on this range",
    )
    return index


def plot_losses(x, losses, xlabel, ylabel="loss", title=None, ax=None):
    """Plot one or more loss curves over a parameter and mark the minimum of each.

    Parameters
    ----------
    x : array_like of shape (n,)
        The parameter on the horizontal axis, for example a grid of weights w
        or of predictions y_hat.
    losses : dict of str to array_like of shape (n,)
        Curve label to loss values at the points ``x``.  Non-finite values
        (``inf`` at a log of zero) are left out of the line.
    xlabel, ylabel : str
        Axis labels; LaTeX between dollar signs is rendered.
    title : str or None, default None
        Axes title.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw into; None creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, with two lines per curve: the curve and its minimum marker.
    """
    x = as_curve(x, "x")
    check_curves(losses, "losses")
    figure, ax = new_axes(ax, figsize=(6, 4))

    for position, (label, values) in enumerate(losses.items()):
        color = LOSS_COLORS[position % len(LOSS_COLORS)]
        y = as_curve(values, f"losses[{label!r}]", length=x.size)
        ax.plot(x, np.where(np.isfinite(y), y, np.nan), color=color, label=label)
        # Later markers are smaller, so minima at the same point stay visible as rings.
        mark_minimum(ax, x, y, label, color, markersize=max(10 - 3 * position, 4))

    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return figure


def plot_cost_history(costs, record_every=100, ax=None):
    """Plot the recorded costs of gradient descent against the iteration and mark the minimum.

    Parameters
    ----------
    costs : sequence of float
        Cost before iterations 0, record_every, 2 * record_every, ..., as
        returned by ``gradient_descent``.
    record_every : int, default 100
        Iterations between two recorded costs.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw into; None creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, with the cost line and its minimum marker.
    """
    y = as_curve(costs, "costs")
    if isinstance(record_every, bool) or not isinstance(record_every, numbers.Integral):
        raise TypeError(
            f"record_every must be an int, got {type(record_every).__name__} {record_every!r}. "
            f"Pass the value given to gradient_descent."
        )
    if record_every < 1:
        raise ValueError(
            f"record_every must be at least 1, got {record_every}. "
            f"Pass the value given to gradient_descent."
        )
    iterations = np.arange(y.size) * record_every
    return plot_losses(iterations, {"cost J": y}, xlabel="iteration", ylabel="cost $J$", ax=ax)


def plot_second_derivatives(x, second_derivatives, xlabel, title=None, ax=None):
    """Plot second derivatives of losses and shade where each one is negative.

    A twice-differentiable function of one variable is convex exactly where
    its second derivative is non-negative, so a shaded band shows where a
    loss curve bends downwards.

    Parameters
    ----------
    x : array_like of shape (n,)
        The parameter on the horizontal axis.
    second_derivatives : dict of str to array_like of shape (n,)
        Curve label to second-derivative values at the points ``x``.
    xlabel : str
        Label of the horizontal axis.
    title : str or None, default None
        Axes title.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw into; None creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, with one line per curve and a dashed zero line.
    """
    x = as_curve(x, "x")
    check_curves(second_derivatives, "second_derivatives")
    figure, ax = new_axes(ax, figsize=(6, 4))
    ax.axhline(0.0, color="black", linewidth=0.8, linestyle="--")

    for position, (label, values) in enumerate(second_derivatives.items()):
        color = LOSS_COLORS[position % len(LOSS_COLORS)]
        y = as_curve(values, f"second_derivatives[{label!r}]", length=x.size)
        ax.plot(x, y, color=color, label=label)
        if np.any(y < 0):
            ax.fill_between(x, y, 0.0, where=y < 0, color=color, alpha=0.25,
                            label=f"{label} < 0: not convex here")

    ax.set_xlabel(xlabel)
    ax.set_ylabel("second derivative")
    if title is not None:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return figure


def plot_descent_path(x, loss, path_x, path_loss, xlabel, label, ax=None):
    """Plot a loss curve with the points that gradient descent visited on it.

    Parameters
    ----------
    x : array_like of shape (n,)
        Grid of the parameter on the horizontal axis.
    loss : array_like of shape (n,)
        Loss at the points ``x``.
    path_x : array_like of shape (k,)
        Parameter values after each recorded step, starting point first.
    path_loss : array_like of shape (k,)
        Loss at the points ``path_x``.
    xlabel : str
        Label of the horizontal axis.
    label : str
        Name of the loss, used in the legend and title.
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw into; None creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, with the curve, its minimum marker, the path, its start
        and its end.
    """
    x = as_curve(x, "x")
    path_x = as_curve(path_x, "path_x")
    path_loss = as_curve(path_loss, "path_loss", length=path_x.size)
    figure = plot_losses(x, {label: loss}, xlabel=xlabel, title=label, ax=ax)
    ax = ax if ax is not None else figure.axes[0]

    ax.plot(path_x, path_loss, color="black", marker=".", markersize=4, linewidth=0.8,
            label=f"gradient descent, {path_x.size - 1} steps")
    ax.plot([path_x[0]], [path_loss[0]], marker="s", color="black", linestyle="none",
            label="start")
    ax.plot([path_x[-1]], [path_loss[-1]], marker="*", markersize=12, color="gold",
            markeredgecolor="black", linestyle="none", label="end")
    ax.legend(fontsize="small")
    return figure


def plot_sigmoid(z, s, ds=None):
    r"""Plot the sigmoid $\sigma(z)$, and its derivative beside it when given.

    Parameters
    ----------
    z : array_like of shape (n,)
        Grid of pre-activations.
    s : array_like of shape (n,)
        $\sigma(z)$ at the points ``z``.
    ds : array_like of shape (n,) or None, default None
        $\sigma'(z)$ at the points ``z``; None draws only the sigmoid.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes, or two when ``ds`` is given.  The sigmoid axes shows the
        asymptotes 0 and 1 and the point $(0, 0.5)$; the derivative axes
        marks its maximum.
    """
    z = as_curve(z, "z")
    s = as_curve(s, "s", length=z.size)
    n_axes = 1 if ds is None else 2
    figure, axes = plt.subplots(1, n_axes, figsize=(5 * n_axes, 3.5), layout="constrained",
                                squeeze=False)
    ax = axes[0, 0]

    for asymptote in (0.0, 1.0):
        ax.axhline(asymptote, color="gray", linewidth=0.8, linestyle=":")
    ax.axvline(0.0, color="gray", linewidth=0.8, linestyle="--")
    ax.axhline(0.5, color="gray", linewidth=0.8, linestyle="--")
    ax.plot(z, s, color="tab:blue", label=r"$\sigma(z)$")
    ax.plot([0.0], [0.5], marker="o", color="black", linestyle="none",
            label=r"$\sigma(0) = 0.5$")
    ax.set_xlabel("$z$")
    ax.set_ylabel(r"$\sigma(z)$")
    ax.set_title("sigmoid")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")

    if ds is not None:
        plot_sigmoid_derivative(axes[0, 1], z, as_curve(ds, "ds", length=z.size))
    return figure


def plot_sigmoid_derivative(ax, z, ds):
    """Draw the derivative of the sigmoid into ``ax`` and mark its maximum."""
    index = int(np.argmax(ds))
    ax.plot(z, ds, color="tab:orange", label=r"$\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
    ax.plot([z[index]], [ds[index]], marker="o", color="black", linestyle="none",
            label="maximum")
    ax.set_xlabel("$z$")
    ax.set_ylabel(r"$\sigma'(z)$")
    ax.set_title("derivative of the sigmoid")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")


def plot_decision_threshold(x, y_hat, threshold=0.5, ax=None):
    r"""Plot predicted probabilities over one feature and shade where the prediction is 1.

    Parameters
    ----------
    x : array_like of shape (n,)
        Grid of the single feature, in increasing order.
    y_hat : array_like of shape (n,) or (1, n)
        Predicted probabilities $\hat{y} = \sigma(w x + b)$ at the points ``x``.
    threshold : float, default 0.5
        Probability at and above which the prediction is 1 (cup).
    ax : matplotlib.axes.Axes or None, default None
        Axes to draw into; None creates a new figure.

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure, with the probability curve and the threshold line.
    """
    x = as_curve(x, "x")
    y_hat = as_curve(y_hat, "y_hat", length=x.size)
    if not 0.0 < threshold < 1.0:
        raise ValueError(
            f"threshold must be strictly between 0 and 1, got {threshold!r}. "
            f"Pass a probability such as 0.5."
        )
    figure, ax = new_axes(ax, figsize=(6, 3.5))

    predicted_cup = y_hat >= threshold
    ax.fill_between(x, 0.0, 1.0, where=predicted_cup, color=CORRECT_COLOR, alpha=0.15,
                    label="prediction 1 (cup)")
    ax.axhline(threshold, color="gray", linewidth=0.8, linestyle="--",
               label=f"threshold {threshold:g}")
    ax.plot(x, y_hat, color="tab:blue", label=r"$\hat{y}$")
    ax.set_xlabel("$x$")
    ax.set_ylabel(r"$\hat{y}$")
    ax.set_ylim(-0.05, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return figure


def plot_weight_and_bias(x, weights, biases, base_weight=1.0, base_bias=0.0):
    r"""Plot $z = w x + b$ for one feature, varying the weight and then the bias.

    Parameters
    ----------
    x : array_like of shape (n,)
        Grid of the single feature.
    weights : sequence of float
        Weights for the left panel, each drawn with ``base_bias``.
    biases : sequence of float
        Biases for the right panel, each drawn with ``base_weight``.
    base_weight, base_bias : float, default 1.0 and 0.0
        The parameter held fixed in the other panel.

    Returns
    -------
    figure : matplotlib.figure.Figure
        Two axes: the left one has a line per weight, the right one a line and
        an intercept marker $(0, b)$ per bias.
    """
    x = as_curve(x, "x")
    figure, (weight_ax, bias_ax) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained",
                                                sharey=True)

    for weight in weights:
        weight_ax.plot(x, weight * x + base_bias, label=f"$w = {weight:g}$")
    weight_ax.set_title(f"weight $w$ sets the slope ($b = {base_bias:g}$)")

    for bias in biases:
        line = bias_ax.plot(x, base_weight * x + bias, label=f"$b = {bias:g}$")
        bias_ax.plot([0.0], [bias], marker="o", color=line[0].get_color(), linestyle="none")
    bias_ax.set_title(f"bias $b$ shifts the line: $z = b$ at $x = 0$ ($w = {base_weight:g}$)")

    for ax in (weight_ax, bias_ax):
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_xlabel("$x$")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    weight_ax.set_ylabel("$z = w x + b$")
    return figure


def show_images(images, labels=None, class_names=CLASS_NAMES, predictions=None, n_columns=8):
    """Show a grid of images, titled with their labels and, optionally, predictions.

    Parameters
    ----------
    images : array_like of shape (m, h, w, 3)
        RGB images, uint8 in [0, 255] or float in [0, 1].
    labels : array_like of shape (1, m) or (m,), or None, default None
        True labels, 0 or 1; None leaves the images untitled.
    class_names : tuple of str, default ``course_lib.dataset.CLASS_NAMES``
        Names of the labels 0 and 1, ``("not cup", "cup")`` by default.
    predictions : array_like of shape (1, m) or (m,), or None, default None
        Predicted labels.  When given, each title also shows the prediction,
        in green when it equals the label and in red otherwise.
    n_columns : int, default 8
        Images per row.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes per grid cell; cells past the last image are hidden.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or images.shape[0] == 0:
        raise ValueError(
            f"images must be an array of shape (m, h, w, 3) with m >= 1, got shape "
            f"{images.shape}. For a single image pass image[np.newaxis]."
        )
    m = images.shape[0]
    labels = None if labels is None else as_labels(labels, "labels", m)
    predictions = None if predictions is None else as_labels(predictions, "predictions", m)
    n_columns = min(n_columns, m)
    n_rows = -(-m // n_columns)
    figure, axes = plt.subplots(n_rows, n_columns, figsize=(1.6 * n_columns, 1.8 * n_rows),
                                layout="constrained", squeeze=False)

    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= m:
            continue
        ax.imshow(images[index])
        if labels is not None:
            set_image_title(ax, labels[index], predictions, index, class_names)
    return figure


def as_labels(values, name, m):
    """Return labels of shape (1, m) or (m,) as a 1-D int array, or raise naming ``name``."""
    labels = np.asarray(values).reshape(-1)
    if labels.size != m:
        raise ValueError(
            f"{name} must have one entry per image ({m}), got shape {np.shape(values)}."
        )
    if not np.all((labels == 0) | (labels == 1)):
        raise ValueError(
            f"{name} must contain only 0 and 1, got the values {np.unique(labels).tolist()}. "
            f"Encode cup as 1 and not cup as 0."
        )
    return labels.astype(np.int64)


def set_image_title(ax, label, predictions, index, class_names):
    """Title one image with its label, and its prediction in green or red when given."""
    if predictions is None:
        ax.set_title(class_names[label], fontsize="small")
        return

    predicted = predictions[index]
    color = CORRECT_COLOR if predicted == label else WRONG_COLOR
    ax.set_title(f"{class_names[label]}\npredicted: {class_names[predicted]}",
                 fontsize="small", color=color)


def plot_feature_matrix(X, n_rows=36, n_columns=8):
    """Show the top-left corner of a feature matrix X as a heat map, one example per column.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        Feature matrix, for example flattened and scaled images.
    n_rows : int, default 36
        Number of features (rows) to show, from the first one.
    n_columns : int, default 8
        Number of examples (columns) to show, from the first one.

    Returns
    -------
    figure : matplotlib.figure.Figure
        One axes with the image of ``X[:n_rows, :n_columns]`` and a colour bar.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D array of shape (n_x, m), got shape {X.shape}. "
            f"Flatten the images first."
        )
    corner = X[:n_rows, :n_columns]
    figure, ax = plt.subplots(figsize=(4, 6), layout="constrained")

    image = ax.imshow(corner, aspect="auto", cmap="viridis", interpolation="nearest")
    figure.colorbar(image, ax=ax, label="feature value")
    ax.set_xlabel("example $i$ (column of $X$)")
    ax.set_ylabel("feature $j$ (row of $X$)")
    ax.set_title(f"$X$[:{corner.shape[0]}, :{corner.shape[1]}] of shape {X.shape}")
    return figure
