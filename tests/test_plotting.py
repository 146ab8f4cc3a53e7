"""Tests of the figures in course_lib.plotting.

Each test reads the drawn artists back from the returned Figure and compares
them with values computed here from plain formulas, such as where a parabola
has its minimum.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib import plotting  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")

GRID = np.linspace(-3.0, 3.0, 61)


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test opened, so Matplotlib never warns about too many figures."""
    yield
    plt.close("all")


def marker_lines(ax):
    """Return the lines of ``ax`` that are single markers without a connecting line."""
    return [line for line in ax.lines if len(line.get_xdata()) == 1]


def marker_x(ax, label_start):
    """Return the x position of the single marker whose legend label starts with ``label_start``."""
    matches = [line for line in marker_lines(ax) if line.get_label().startswith(label_start)]
    assert len(matches) == 1, f"expected one marker labelled {label_start!r}, got {len(matches)}"
    return float(matches[0].get_xdata()[0])


def test_plot_losses_returns_figure():
    figure = plotting.plot_losses(GRID, {"parabola": (GRID - 1.0) ** 2}, xlabel="w")

    assert isinstance(figure, Figure)
    assert len(figure.axes) == 1


def test_plot_losses_two_lines_per_curve():
    losses = {"first": (GRID - 1.0) ** 2, "second": (GRID + 2.0) ** 2, "third": np.abs(GRID)}

    figure = plotting.plot_losses(GRID, losses, xlabel="w")

    assert len(figure.axes[0].lines) == 6
    assert len(marker_lines(figure.axes[0])) == 3


@pytest.mark.parametrize(
    "loss, expected_x",
    [
        ((GRID - 1.0) ** 2, 1.0),
        ((GRID + 2.0) ** 2, -2.0),
        (np.exp(-GRID), 3.0),
        (np.cosh(GRID), 0.0),
    ],
    ids=["parabola at 1", "parabola at -2", "falling to right edge", "cosh at 0"],
)
def test_plot_losses_marks_minimum(loss, expected_x):
    figure = plotting.plot_losses(GRID, {"loss": loss}, xlabel="w")

    assert marker_x(figure.axes[0], "minimum of loss") == pytest.approx(expected_x, abs=1e-12)


def test_plot_losses_marks_each_curve_minimum():
    losses = {"left": (GRID + 2.0) ** 2, "right": (GRID - 1.0) ** 2}

    figure = plotting.plot_losses(GRID, losses, xlabel="w")

    assert marker_x(figure.axes[0], "minimum of left") == pytest.approx(-2.0, abs=1e-12)
    assert marker_x(figure.axes[0], "minimum of right") == pytest.approx(1.0, abs=1e-12)


def test_plot_losses_ignores_infinite_values():
    y_hat = np.linspace(0.0, 1.0, 11)
    with np.errstate(divide="ignore"):
        loss = -np.log(1.0 - y_hat)

    figure = plotting.plot_losses(y_hat, {"y = 0": loss}, xlabel="y_hat")

    assert marker_x(figure.axes[0], "minimum of y = 0") == 0.0
    assert np.isnan(figure.axes[0].lines[0].get_ydata()[-1])


def test_plot_losses_accepts_row_vector():
    figure = plotting.plot_losses(GRID, {"loss": ((GRID - 1.0) ** 2)[np.newaxis, :]}, xlabel="w")

    assert marker_x(figure.axes[0], "minimum of loss") == pytest.approx(1.0, abs=1e-12)


def test_plot_losses_draws_into_given_axes():
    figure, axes = plt.subplots(1, 2)

    returned = plotting.plot_losses(GRID, {"loss": GRID**2}, xlabel="w", ax=axes[1])

    assert returned is figure
    assert len(axes[0].lines) == 0
    assert len(axes[1].lines) == 2


@pytest.mark.parametrize(
    "losses, error, message",
    [
        ([GRID**2], TypeError, "losses must be a non-empty dict"),
        ({}, TypeError, "losses must be a non-empty dict"),
        ({"short": GRID[:10] ** 2}, ValueError, "must have 61 points"),
        ({"matrix": np.zeros((2, 61))}, ValueError, "must be a 1-D array"),
        ({"nan": np.full(61, np.nan)}, ValueError, "has no finite value"),
    ],
    ids=["list", "empty dict", "wrong length", "2-D values", "all NaN"],
)
def test_plot_losses_rejects_bad_losses(losses, error, message):
    with pytest.raises(error, match=message):
        plotting.plot_losses(GRID, losses, xlabel="w")


def test_plot_cost_history_marks_minimum_iteration():
    costs = [0.69, 0.51, 0.30, 0.35, 0.40]

    figure = plotting.plot_cost_history(costs, record_every=50)

    assert marker_x(figure.axes[0], "minimum of cost J") == 100.0


def test_plot_cost_history_x_axis_iterations():
    figure = plotting.plot_cost_history([0.7, 0.6, 0.5], record_every=20)

    np.testing.assert_array_equal(figure.axes[0].lines[0].get_xdata(), [0, 20, 40])


@pytest.mark.parametrize(
    "record_every, error, message",
    [
        (0, ValueError, "record_every must be at least 1, got 0"),
        (2.5, TypeError, "record_every must be an int, got float 2.5"),
        (True, TypeError, "record_every must be an int, got bool"),
    ],
)
def test_plot_cost_history_rejects_bad_record_every(record_every, error, message):
    with pytest.raises(error, match=message):
        plotting.plot_cost_history([0.7, 0.6], record_every=record_every)


def test_plot_second_derivatives_lines_and_zero_line():
    curves = {"negative left": GRID, "positive": GRID**2 + 1.0}

    figure = plotting.plot_second_derivatives(GRID, curves, xlabel="w")

    assert len(figure.axes[0].lines) == 3


@pytest.mark.parametrize(
    "values, expected_bands",
    [(GRID, 1), (GRID**2 + 1.0, 0)],
    ids=["sign change", "always positive"],
)
def test_plot_second_derivatives_shades_negative_part(values, expected_bands):
    figure = plotting.plot_second_derivatives(GRID, {"curve": values}, xlabel="w")

    assert len(figure.axes[0].collections) == expected_bands


def test_plot_second_derivatives_rejects_list():
    with pytest.raises(TypeError, match="second_derivatives must be a non-empty dict"):
        plotting.plot_second_derivatives(GRID, [GRID], xlabel="w")


def test_plot_descent_path_marks_start_end_and_minimum():
    path_x = np.array([-2.0, -1.0, -0.5, -0.25])

    figure = plotting.plot_descent_path(GRID, GRID**2, path_x, path_x**2, xlabel="w", label="w^2")

    ax = figure.axes[0]
    assert marker_x(ax, "start") == -2.0
    assert marker_x(ax, "end") == -0.25
    assert marker_x(ax, "minimum of w^2") == pytest.approx(0.0, abs=1e-12)


def test_plot_descent_path_counts_steps_in_legend():
    path_x = np.array([-2.0, -1.0, -0.5])

    figure = plotting.plot_descent_path(GRID, GRID**2, path_x, path_x**2, xlabel="w", label="w^2")

    labels = [line.get_label() for line in figure.axes[0].lines]
    assert "gradient descent, 2 steps" in labels


def test_plot_descent_path_rejects_mismatched_path():
    with pytest.raises(ValueError, match="path_loss must have 3 points"):
        plotting.plot_descent_path(GRID, GRID**2, [0.0, 1.0, 2.0], [0.0, 1.0], xlabel="w",
                                   label="w^2")


def test_plot_sigmoid_one_axes_without_derivative():
    z = np.linspace(-6.0, 6.0, 121)

    figure = plotting.plot_sigmoid(z, 1.0 / (1.0 + np.exp(-z)))

    assert len(figure.axes) == 1


def test_plot_sigmoid_derivative_maximum_at_zero():
    z = np.linspace(-6.0, 6.0, 121)
    s = 1.0 / (1.0 + np.exp(-z))

    figure = plotting.plot_sigmoid(z, s, s * (1.0 - s))

    assert len(figure.axes) == 2
    assert marker_x(figure.axes[1], "maximum") == pytest.approx(0.0, abs=1e-12)


def test_plot_sigmoid_rejects_mismatched_values():
    with pytest.raises(ValueError, match="s must have 5 points"):
        plotting.plot_sigmoid(np.linspace(-1.0, 1.0, 5), np.zeros(4))


def test_plot_decision_threshold_shades_predicted_cup():
    x = np.linspace(-4.0, 4.0, 81)
    y_hat = 1.0 / (1.0 + np.exp(-(2.0 * x - 2.0)))

    figure = plotting.plot_decision_threshold(x, y_hat)

    band = figure.axes[0].collections[0].get_paths()[0].vertices
    assert band[:, 0].min() == pytest.approx(1.0, abs=1e-12)
    assert band[:, 0].max() == pytest.approx(4.0, abs=1e-12)


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5])
def test_plot_decision_threshold_rejects_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold must be strictly between 0 and 1"):
        plotting.plot_decision_threshold(GRID, np.full(61, 0.5), threshold=threshold)


def test_plot_weight_and_bias_lines_per_panel():
    figure = plotting.plot_weight_and_bias(GRID, weights=[-1.0, 0.5, 2.0], biases=[-1.0, 1.0])

    weight_ax, bias_ax = figure.axes
    assert len(weight_ax.lines) == 3 + 2
    assert len(bias_ax.lines) == 2 * 2 + 2


def test_plot_weight_and_bias_slope_matches_weight():
    figure = plotting.plot_weight_and_bias(GRID, weights=[2.0], biases=[0.0], base_bias=0.5)

    line = figure.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), 2.0 * GRID + 0.5)


def test_plot_weight_and_bias_marks_intercepts():
    figure = plotting.plot_weight_and_bias(GRID, weights=[1.0], biases=[-1.5, 2.0])

    intercepts = sorted(float(line.get_ydata()[0]) for line in marker_lines(figure.axes[1]))
    assert intercepts == [-1.5, 2.0]


def test_show_images_grid_of_axes():
    images = np.zeros((10, 8, 8, 3), dtype=np.uint8)

    figure = plotting.show_images(images, n_columns=4)

    assert len(figure.axes) == 12
    assert sum(len(ax.images) for ax in figure.axes) == 10


def test_show_images_titles_from_labels():
    images = np.zeros((3, 8, 8, 3), dtype=np.uint8)

    figure = plotting.show_images(images, labels=np.array([[1, 0, 1]]))

    assert [ax.get_title() for ax in figure.axes] == ["cup", "not cup", "cup"]


def test_show_images_colours_wrong_predictions():
    images = np.zeros((2, 8, 8, 3), dtype=np.uint8)

    figure = plotting.show_images(images, labels=[1, 0], predictions=[1, 1])

    correct, wrong = figure.axes
    assert correct.title.get_color() == plotting.CORRECT_COLOR
    assert wrong.title.get_color() == plotting.WRONG_COLOR
    assert wrong.get_title() == "not cup\npredicted: cup"


def test_show_images_keeps_pixels():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(2, 8, 8, 3), dtype=np.uint8)

    figure = plotting.show_images(images)

    np.testing.assert_array_equal(figure.axes[1].images[0].get_array(), images[1])


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((8, 8, 3)), None, r"images must be an array of shape \(m, h, w, 3\)"),
        (np.zeros((2, 8, 8, 1)), None, r"got shape \(2, 8, 8, 1\)"),
        (np.zeros((2, 8, 8, 3)), [1, 0, 1], r"labels must have one entry per image \(2\)"),
        (np.zeros((2, 8, 8, 3)), [1, 2], "labels must contain only 0 and 1"),
    ],
    ids=["single image", "one channel", "too many labels", "label 2"],
)
def test_show_images_rejects_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        plotting.show_images(images, labels=labels)


def test_plot_feature_matrix_shows_corner():
    X = np.arange(100 * 20, dtype=np.float64).reshape(100, 20)

    figure = plotting.plot_feature_matrix(X, n_rows=10, n_columns=5)

    image = figure.axes[0].images[0]
    np.testing.assert_array_equal(image.get_array(), X[:10, :5])
    assert len(figure.axes) == 2


def test_plot_feature_matrix_rejects_images():
    with pytest.raises(ValueError, match="Flatten the images first"):
        plotting.plot_feature_matrix(np.zeros((2, 8, 8, 3)))


def test_plot_losses_minimum_marker_uses_curve_colour():
    figure = plotting.plot_losses(GRID, {"a": GRID**2, "b": (GRID - 1.0) ** 2}, xlabel="w")

    curve, marker = figure.axes[0].lines[2:4]
    assert to_rgba(marker.get_color()) == to_rgba(curve.get_color())
