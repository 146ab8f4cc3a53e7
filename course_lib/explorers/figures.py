r"""Drawings shared by the explorers and their static figure functions.

Each ``draw_*`` function draws into Axes that the caller owns and clears,
so an explorer can redraw its one Figure in place.  Each ``plot_*`` function
creates a new pyplot Figure, draws one fixed setting and returns the Figure
without closing it, so a notebook cell ending in ``plt.show()`` shows it once and
nbval or a headless run still checks the drawing code.
"""

import numpy as np
from matplotlib import pyplot as plt

from course_lib.explorers import landscape
from course_lib.explorers.curves import (
    DECISION_THRESHOLD,
    cross_entropy_curve,
    decision_boundary,
    sigmoid_curve,
    squared_error_curve,
)

X_RANGE = (-6.0, 6.0)
CURVE_POINTS = 241
LOSS_Y_HAT_LIMITS = (0.001, 0.999)
LOSS_AXIS_TOP = 5.0
LANDSCAPE_W_RANGE = (-8.0, 8.0)
LANDSCAPE_B_RANGE = (-8.0, 8.0)
LANDSCAPE_GRID_POINTS = 81
CONTOUR_LEVELS = 18
GD_W_RANGE = (-6.0, 9.0)
GD_START_WEIGHT = -4.0
GD_MIN_ITERATION_AXIS = 10
COST_KIND_COLORS = {landscape.SQUARED_ERROR: "tab:orange", landscape.CROSS_ENTROPY: "tab:blue"}
CUP_FILL = "tab:green"


def draw_sigmoid(ax, w, b, x_range=X_RANGE):
    r"""Draw $\sigma(w x + b)$ over x, the 0.5 threshold and the input where the decision flips."""
    x = np.linspace(*x_range, CURVE_POINTS)
    a = sigmoid_curve(w, b, x)
    sign = "-" if b < 0 else "+"
    ax.plot(x, a, color="tab:blue", linewidth=2, label=rf"$\sigma({w:.1f}\,x {sign} {abs(b):.1f})$")
    ax.axhline(DECISION_THRESHOLD, color="gray", linestyle="--", linewidth=1, label="threshold 0.5")
    ax.fill_between(x, 0, 1, where=a >= DECISION_THRESHOLD, color=CUP_FILL, alpha=0.12,
                    label='predicted "cup"')

    boundary = decision_boundary(w, b)
    if boundary is not None and x_range[0] <= boundary <= x_range[1]:
        ax.axvline(boundary, color="tab:red", linewidth=1.5, label=f"x = -b / w = {boundary:.2f}")

    ax.set(xlim=x_range, ylim=(-0.02, 1.02), xlabel="x", ylabel=r"$a = \sigma(w x + b)$")
    ax.legend(loc="upper left", fontsize="small")


def plot_sigmoid_family(parameters=((1.0, 0.0), (3.0, 0.0), (1.0, 2.0), (-2.0, 1.0))):
    r"""Plot $\sigma(w x + b)$ for several (w, b) pairs and mark where each crosses 0.5.

    Parameters
    ----------
    parameters : sequence of (float, float), default four pairs
        The (w, b) pairs to draw.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    figure, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    x = np.linspace(*X_RANGE, CURVE_POINTS)
    for w, b in parameters:
        ax.plot(x, sigmoid_curve(w, b, x), linewidth=2, label=f"w = {w:g}, b = {b:g}")
        boundary = decision_boundary(w, b)
        if boundary is not None:
            ax.plot(boundary, DECISION_THRESHOLD, "ko", markersize=5)

    ax.axhline(DECISION_THRESHOLD, color="gray", linestyle="--", linewidth=1)
    ax.set(xlim=X_RANGE, xlabel="x", ylabel=r"$\sigma(w x + b)$",
           title="Larger |w| makes the step steeper and b shifts it. Dots mark x = -b / w.")
    ax.legend(fontsize="small")
    return figure


def draw_loss_comparison(axes, y_hat):
    r"""Draw squared error and cross-entropy against $\hat{y}$ for y = 1 and y = 0, marking ``y_hat``."""
    grid = np.linspace(*LOSS_Y_HAT_LIMITS, CURVE_POINTS)
    for ax, y in zip(axes, (1, 0)):
        ax.plot(grid, squared_error_curve(grid, y), color=COST_KIND_COLORS[landscape.SQUARED_ERROR],
                linewidth=2, label=r"squared error $\frac{1}{2}(\hat{y} - y)^2$")
        ax.plot(grid, cross_entropy_curve(grid, y), color=COST_KIND_COLORS[landscape.CROSS_ENTROPY],
                linewidth=2, label="cross-entropy")

        squared_error = float(squared_error_curve(y_hat, y))
        cross_entropy = float(cross_entropy_curve(y_hat, y))
        ax.plot(y_hat, squared_error, "o", color=COST_KIND_COLORS[landscape.SQUARED_ERROR])
        ax.plot(y_hat, min(cross_entropy, LOSS_AXIS_TOP), "o",
                color=COST_KIND_COLORS[landscape.CROSS_ENTROPY])
        ax.axvline(y_hat, color="gray", linewidth=1)

        ax.set(xlim=(0, 1), ylim=(0, LOSS_AXIS_TOP), xlabel=r"prediction $\hat{y}$", ylabel="loss",
               title=f"y = {y}: squared error {squared_error:.3f}, cross-entropy {cross_entropy:.3f}")
        ax.legend(loc="upper center", fontsize="small")


def plot_loss_comparison(y_hat=0.05):
    r"""Plot both losses for y = 1 and y = 0 with the prediction ``y_hat`` marked.

    Parameters
    ----------
    y_hat : float, default 0.05
        The prediction to mark; 0.05 is a confident wrong prediction when y = 1.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    figure, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    draw_loss_comparison(axes, y_hat)
    return figure


class LandscapeGrids:
    """Both cost grids of the toy data set over a (w, b) window, computed once."""

    def __init__(self, X, Y, w_range=LANDSCAPE_W_RANGE, b_range=LANDSCAPE_B_RANGE,
                 points=LANDSCAPE_GRID_POINTS):
        self.X, self.Y = X, Y
        self.w_values = np.linspace(*w_range, points)
        self.b_values = np.linspace(*b_range, points)
        self.costs = {
            kind: landscape.cost_grid(self.w_values, self.b_values, X, Y, kind)
            for kind in landscape.COST_KINDS
        }


def draw_cost_landscapes(axes, grids, start, learning_rate, num_iterations):
    """Draw the squared-error and cross-entropy contours with a gradient-descent path on each.

    Returns
    -------
    paths : dict of str to numpy.ndarray of shape (num_iterations + 1, 2)
        The path drawn on each cost, keyed by cost kind.
    """
    paths = {}
    for ax, kind in zip(axes, landscape.COST_KINDS):
        ax.contour(grids.w_values, grids.b_values, grids.costs[kind], levels=CONTOUR_LEVELS,
                   cmap="viridis", linewidths=0.8)
        path = landscape.gradient_descent_path(*start, grids.X, grids.Y, kind, learning_rate,
                                               num_iterations)
        ax.plot(path[:, 0], path[:, 1], ".-", color=COST_KIND_COLORS[kind], markersize=3,
                linewidth=1.2, label=f"{num_iterations} steps")
        ax.plot(*path[0], "ks", markersize=6, label="start")
        ax.plot(*path[-1], "o", color="black", markerfacecolor="none", markersize=8, label="end")
        b_index, w_index = np.unravel_index(np.argmin(grids.costs[kind]), grids.costs[kind].shape)
        ax.plot(grids.w_values[w_index], grids.b_values[b_index], "r*", markersize=11,
                label="lowest cost on the grid")

        ax.set(xlabel="w", ylabel="b", xlim=grids.w_values[[0, -1]], ylim=grids.b_values[[0, -1]],
               title=f"{kind} cost: end J = {landscape.cost(*path[-1], grids.X, grids.Y, kind):.3f}")
        ax.legend(loc="lower right", fontsize="small")
        paths[kind] = path
    return paths


def plot_cost_landscapes(start=(-6.0, 6.0), learning_rate=1.0, num_iterations=200):
    """Plot both cost landscapes of the toy data set with gradient descent from ``start``.

    Parameters
    ----------
    start : (float, float), default (-6.0, 6.0)
        Starting (w, b); the default lies on the squared-error plateau.
    learning_rate : float, default 1.0
        Step size of gradient descent on both costs.
    num_iterations : int, default 200
        Number of updates on each cost.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    draw_cost_landscapes(axes, LandscapeGrids(*landscape.make_toy_dataset()), start,
                         learning_rate, num_iterations)
    return figure


def draw_gd_run(axes, X, Y, weights, w_range=GD_W_RANGE):
    r"""Draw the cost curve $J(w)$ with the visited weights, and the cost after each step.

    Parameters
    ----------
    axes : sequence of two matplotlib.axes.Axes
        Left: the cost curve; right: the cost against the iteration.
    X, Y : numpy.ndarray of shape (1, m)
        The toy data set.
    weights : numpy.ndarray of shape (k,)
        The weights visited so far, starting point first.
    w_range : (float, float), default (-6.0, 9.0)
        Horizontal range of the cost curve, widened to show every visited weight.
    """
    w_range = (min(w_range[0], weights.min() - 0.5), max(w_range[1], weights.max() + 0.5))
    curve_w = np.linspace(*w_range, CURVE_POINTS)
    curve_cost = landscape.cost_grid(curve_w, np.array([0.0]), X, Y, landscape.CROSS_ENTROPY)[0]
    visited_cost = landscape.cost_grid(weights, np.array([0.0]), X, Y, landscape.CROSS_ENTROPY)[0]
    left, right = axes

    left.plot(curve_w, curve_cost, color="tab:blue", linewidth=2, label=r"$J(w)$ with b = 0")
    left.plot(weights, visited_cost, ".-", color="tab:red", alpha=0.6, markersize=4)
    left.plot(weights[-1], visited_cost[-1], "o", color="tab:red", markersize=9,
              label=f"w = {weights[-1]:.2f}")
    left.set(xlim=w_range, xlabel="w", ylabel="cost J", title="The point moves along the cost curve")
    left.legend(loc="upper center", fontsize="small")

    right.plot(np.arange(weights.size), visited_cost, "o-", color="tab:red", markersize=3)
    right.set(xlabel="iteration", ylabel="cost J", title=f"Cost after {weights.size - 1} steps",
              xlim=(-0.5, max(weights.size - 1, GD_MIN_ITERATION_AXIS) + 0.5))


def plot_gd_run(learning_rate=0.3, num_iterations=30, w=GD_START_WEIGHT):
    """Plot gradient descent on the toy data set's cross-entropy cost over w, with b = 0.

    Parameters
    ----------
    learning_rate : float, default 0.3
        Step size; about 20 or more makes the cost jump up instead of down.
    num_iterations : int, default 30
        Number of updates.
    w : float, default -4.0
        Starting weight.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    X, Y = landscape.make_toy_dataset()
    weights = landscape.weight_descent_path(w, X, Y, learning_rate, num_iterations)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    draw_gd_run(axes, X, Y, weights)
    return figure


def draw_training_progress(ax, costs, record_every, num_iterations):
    """Draw the recorded costs against their iteration numbers on a fixed horizontal range."""
    iterations = np.arange(len(costs)) * record_every
    ax.plot(iterations, costs, "o-", color="tab:blue", markersize=3)
    ax.set(xlim=(0, max(num_iterations, 1)), xlabel="iteration", ylabel="cost J",
           title=f"Cost every {record_every} iterations")


def draw_model_input(axes, image, probability):
    """Draw the 64x64 input image and its predicted probability of "cup" against the 0.5 threshold."""
    image_ax, probability_ax = axes
    image_ax.imshow(image, interpolation="nearest")
    image_ax.set(xticks=[], yticks=[], title=f"What the model sees ({image.shape[1]} x {image.shape[0]})")

    label = "cup" if probability >= DECISION_THRESHOLD else "not cup"
    probability_ax.barh([0], [probability], height=0.4, color=CUP_FILL if label == "cup" else "tab:gray")
    probability_ax.axvline(DECISION_THRESHOLD, color="black", linestyle="--", linewidth=1)
    probability_ax.set(xlim=(0, 1), ylim=(-1, 1), yticks=[], xlabel='predicted probability of "cup"',
                       title=f"a = {probability:.3f}: {label}")
