"""Tests of the training and classifier figures.

Expected positions and counts are worked out by hand or from a formula
written in the test, never read back from the function under test.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_lib import plotting_training  # noqa: E402
from course_lib.plotting_training import (  # noqa: E402
    MINIMUM_GID,
    compute_cost_grid,
    confusion_counts,
    find_misclassified,
    plot_confusion_matrix,
    plot_cost_slope,
    plot_descent_paths,
    plot_gradient_field,
    plot_image_grid,
    plot_learning_rate_comparison,
    plot_misclassified,
    plot_probability_histogram,
    plot_weights,
)

pytestmark = pytest.mark.filterwarnings("error")

W_GRID = np.linspace(-2.0, 4.0, 31)
B_GRID = np.linspace(-4.0, 2.0, 31)


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test opened, so figures never pile up across tests."""
    yield
    plt.close("all")


def bowl(w, b):
    """A cost with its minimum 0 at (w, b) = (1, -2), a point of W_GRID x B_GRID."""
    return (w - 1.0) ** 2 + (b + 2.0) ** 2 + 0.5


def bowl_gradient(w, b):
    """The gradient (dw, db) of ``bowl``."""
    return 2.0 * (w - 1.0), 2.0 * (b + 2.0)


def minimum_markers(ax):
    """Return the lines on ``ax`` that mark a minimum."""
    return [line for line in ax.get_lines() if line.get_gid() == MINIMUM_GID]


def marker_position(ax):
    """Return (x, y) of the single minimum marker on ``ax``."""
    (marker,) = minimum_markers(ax)
    return float(marker.get_xdata()[0]), float(marker.get_ydata()[0])


def image_axes(figure):
    """Return the axes of ``figure`` that show an image."""
    return [ax for ax in figure.axes if ax.get_images()]


@pytest.mark.parametrize(
    ("costs", "record_every", "expected"),
    [
        ([0.9, 0.5, 0.3, 0.35], 10, (20.0, 0.3)),
        ([0.2, 0.5, 0.9], 100, (0.0, 0.2)),
        ([3.0, 2.0, 1.0], 1, (2.0, 1.0)),
        ([0.7], 5, (0.0, 0.7)),
    ],
)
def test_learning_rate_comparison_marks_lowest_cost(costs, record_every, expected):
    figure = plot_learning_rate_comparison({0.1: costs}, record_every=record_every)
    assert marker_position(figure.axes[0]) == pytest.approx(expected)


def test_learning_rate_comparison_x_axis_uses_record_every():
    figure = plot_learning_rate_comparison({0.1: [0.7, 0.6, 0.5]}, record_every=50)
    curve = figure.axes[0].get_lines()[0]
    np.testing.assert_array_equal(curve.get_xdata(), [0, 50, 100])


def test_learning_rate_comparison_axis_labels():
    ax = plot_learning_rate_comparison({0.1: [0.7, 0.6]}).axes[0]
    assert ax.get_xlabel() == "iteration"
    assert "J(w, b)" in ax.get_ylabel()


@pytest.mark.parametrize(
    ("costs", "error", "message"),
    [
        ([], ValueError, r"costs_by_rate\[0.1\] must be a non-empty list of costs"),
        ([[0.5, 0.4]], ValueError, r"must be a non-empty list of costs, got ndarray of shape \(1, 2\)"),
        ([0.5, float("nan")], ValueError, r"must contain only finite costs, got nan"),
        ([0.5, float("inf")], ValueError, r"Lower the learning rate"),
        ("0.5", TypeError, r"costs_by_rate\[0.1\] must be a NumPy array of real numbers, got str"),
    ],
)
def test_learning_rate_comparison_invalid_costs_raise(costs, error, message):
    with pytest.raises(error, match=message):
        plot_learning_rate_comparison({0.1: costs})


def test_learning_rate_comparison_invalid_record_every_raises():
    with pytest.raises(ValueError, match=r"record_every must be an integer of at least 1, got 0"):
        plot_learning_rate_comparison({0.1: [0.5]}, record_every=0)


def test_learning_rate_comparison_one_axes_per_rate():
    figure = plot_learning_rate_comparison({0.01: [0.7, 0.69], 1.0: [0.7, 0.4], 20.0: [0.7, 1.2]})
    assert [ax.get_title() for ax in figure.axes] == [
        "learning rate 0.01", "learning rate 1", "learning rate 20"
    ]


def test_learning_rate_comparison_marks_each_minimum():
    figure = plot_learning_rate_comparison({0.1: [0.7, 0.5, 0.6], 2.0: [0.7, 0.9, 0.3]},
                                           record_every=10)
    positions = [marker_position(ax) for ax in figure.axes]
    assert positions == [pytest.approx((10.0, 0.5)), pytest.approx((20.0, 0.3))]


@pytest.mark.parametrize(
    ("costs_by_rate", "error", "message"),
    [
        ({}, TypeError, r"costs_by_rate must be a non-empty dict"),
        ([0.7, 0.6], TypeError, r"got list of length 2"),
        ({0.5: []}, ValueError, r"costs_by_rate\[0.5\] must be a non-empty list of costs"),
    ],
)
def test_learning_rate_comparison_invalid_input_raises(costs_by_rate, error, message):
    with pytest.raises(error, match=message):
        plot_learning_rate_comparison(costs_by_rate)


def test_cost_grid_layout_rows_are_b():
    w_values = np.array([0.0, 1.0, 2.0])
    b_values = np.array([10.0, 20.0])
    grid = compute_cost_grid(lambda w, b: w + b, w_values, b_values)
    np.testing.assert_array_equal(grid, [[10.0, 11.0, 12.0], [20.0, 21.0, 22.0]])


@pytest.mark.parametrize(
    ("w_values", "message"),
    [
        (np.array([1.0]), r"w_values must be an increasing 1-D array of at least 2 values"),
        (np.array([2.0, 1.0]), r"w_values must be an increasing 1-D array"),
        (np.ones((2, 2)), r"got ndarray of shape \(2, 2\)"),
    ],
)
def test_cost_grid_invalid_w_values_raise(w_values, message):
    with pytest.raises(ValueError, match=message):
        compute_cost_grid(bowl, w_values, B_GRID)


def test_cost_grid_non_callable_raises():
    with pytest.raises(TypeError, match=r"cost_function must be a function cost_function\(w, b\)"):
        compute_cost_grid(0.5, W_GRID, B_GRID)


def test_descent_paths_mark_grid_minimum():
    figure = plot_descent_paths(bowl, W_GRID, B_GRID, {"run": [[0.0, 0.0], [0.5, -1.0]]})
    assert marker_position(figure.axes[0]) == pytest.approx((1.0, -2.0))


def test_descent_paths_mark_given_minimum():
    figure = plot_descent_paths(bowl, W_GRID, B_GRID, {"run": [[0.0, 0.0]]},
                                minimum=(1.05, -1.95))
    assert marker_position(figure.axes[0]) == pytest.approx((1.05, -1.95))


def test_descent_paths_minimum_label_gives_cost():
    figure = plot_descent_paths(bowl, W_GRID, B_GRID, {"run": [[0.0, 0.0]]}, minimum=(1.0, -2.0))
    (marker,) = minimum_markers(figure.axes[0])
    assert marker.get_label() == "minimum 0.5000"


def test_descent_paths_draw_each_path():
    paths = {"slow": [[0.0, 0.0], [0.1, -0.2]], "fast": [[0.0, 0.0], [1.0, -2.0], [1.2, -1.8]]}
    figure = plot_descent_paths(bowl, W_GRID, B_GRID, paths)
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    for label, path in paths.items():
        np.testing.assert_allclose(lines[label].get_xydata(), path)


def test_descent_paths_keep_grid_limits():
    figure = plot_descent_paths(bowl, W_GRID, B_GRID, {"run": [[0.0, 0.0], [50.0, 50.0]]})
    assert figure.axes[0].get_xlim() == pytest.approx((-2.0, 4.0))


@pytest.mark.parametrize(
    ("paths", "error", "message"),
    [
        ({}, TypeError, r"paths must be a non-empty dict"),
        ({"run": [0.0, 0.0]}, ValueError, r"paths\['run'\] must be a 2-D array of shape \(k, 2\)"),
        ({"run": [[0.0, 0.0, 0.0]]}, ValueError, r"paths\['run'\] must have 2 columns"),
    ],
)
def test_descent_paths_invalid_paths_raise(paths, error, message):
    with pytest.raises(error, match=message):
        plot_descent_paths(bowl, W_GRID, B_GRID, paths)


def test_descent_paths_invalid_minimum_raises():
    with pytest.raises(ValueError, match=r"minimum must be a pair of finite numbers \(w, b\)"):
        plot_descent_paths(bowl, W_GRID, B_GRID, {"run": [[0.0, 0.0]]}, minimum=(1.0, 2.0, 3.0))


def not_implemented_cost(w, b):
    """A cost function that fails like an unfinished graded function."""
    raise NotImplementedError("Implement compute_cost")


@pytest.mark.parametrize(
    "make_figure",
    [
        lambda: plot_descent_paths(not_implemented_cost, W_GRID, B_GRID, {"run": [[0.0, 0.0]]}),
        lambda: plot_gradient_field(not_implemented_cost, bowl_gradient, W_GRID, B_GRID,
                                    [[0.0, 0.0]]),
        lambda: plot_gradient_field(bowl, not_implemented_cost, W_GRID, B_GRID, [[0.0, 0.0]]),
        lambda: plot_cost_slope(lambda w: not_implemented_cost(w, 0.0), W_GRID, 1.0, 2.0),
    ],
)
def test_failing_cost_leaves_no_empty_figure(make_figure):
    with pytest.raises(NotImplementedError, match="Implement compute_cost"):
        make_figure()
    assert plt.get_fignums() == []


def test_gradient_field_arrows_point_downhill():
    points = np.array([[0.0, 0.0], [3.0, 1.0], [-1.0, -3.0]])
    figure = plot_gradient_field(bowl, bowl_gradient, W_GRID, B_GRID, points)
    (arrows,) = figure.axes[0].collections[-1:]
    expected = -np.array([bowl_gradient(w, b) for w, b in points])
    np.testing.assert_allclose(np.column_stack([arrows.U, arrows.V]), expected)


def test_gradient_field_marks_minimum():
    figure = plot_gradient_field(bowl, bowl_gradient, W_GRID, B_GRID, [[0.0, 0.0]])
    assert marker_position(figure.axes[0]) == pytest.approx((1.0, -2.0))


def test_gradient_field_non_callable_gradient_raises():
    with pytest.raises(TypeError, match=r"gradient_function must be a function"):
        plot_gradient_field(bowl, None, W_GRID, B_GRID, [[0.0, 0.0]])


def test_cost_slope_tangent_has_given_slope():
    figure = plot_cost_slope(lambda w: (w - 1.0) ** 2, W_GRID, 3.0, 4.0)
    tangent = next(line for line in figure.axes[0].get_lines()
                   if line.get_label().startswith("tangent"))
    x, y = tangent.get_xdata(), tangent.get_ydata()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(4.0)


def test_cost_slope_tangent_touches_curve():
    figure = plot_cost_slope(lambda w: (w - 1.0) ** 2, W_GRID, 3.0, 4.0)
    tangent = next(line for line in figure.axes[0].get_lines()
                   if line.get_label().startswith("tangent"))
    assert np.interp(3.0, tangent.get_xdata(), tangent.get_ydata()) == pytest.approx(4.0)


def test_cost_slope_marks_lowest_cost():
    figure = plot_cost_slope(lambda w: (w - 1.0) ** 2 + 0.25, W_GRID, 3.0, 4.0)
    assert marker_position(figure.axes[0]) == pytest.approx((1.0, 0.25))


def test_cost_slope_array_slope_raises():
    with pytest.raises(TypeError, match=r"slope must be a real number"):
        plot_cost_slope(lambda w: w ** 2, W_GRID, 1.0, np.array([[2.0]]))


def test_confusion_counts_hand_example():
    # Pairs (true, predicted): (1,1) (0,0) (1,0) (1,1) (0,1) (0,0) (1,0), so
    # TN = 2, FP = 1, FN = 2, TP = 2.
    Y = np.array([[1, 0, 1, 1, 0, 0, 1]])
    Y_pred = np.array([[1, 0, 0, 1, 1, 0, 0]])
    np.testing.assert_array_equal(confusion_counts(Y, Y_pred), [[2, 1], [2, 2]])


@pytest.mark.parametrize(
    ("Y", "Y_pred", "expected"),
    [
        ([[0, 0, 0]], [[0, 0, 0]], [[3, 0], [0, 0]]),
        ([[1, 1]], [[0, 0]], [[0, 0], [2, 0]]),
        ([[0.0, 1.0]], [[1, 1]], [[0, 1], [0, 1]]),
    ],
)
def test_confusion_counts_edge_cases(Y, Y_pred, expected):
    np.testing.assert_array_equal(confusion_counts(np.array(Y), np.array(Y_pred)), expected)


def test_confusion_counts_total_is_m():
    rng = np.random.default_rng(3)
    Y = rng.integers(0, 2, size=(1, 50))
    Y_pred = rng.integers(0, 2, size=(1, 50))
    assert confusion_counts(Y, Y_pred).sum() == 50


@pytest.mark.parametrize(
    ("Y", "Y_pred", "message"),
    [
        (np.array([[1, 0]]), np.array([[1, 0, 1]]), r"Y_pred and Y must have the same shape"),
        (np.array([1, 0]), np.array([1, 0]), r"Y must be a 2-D array of shape \(1, m\)"),
        (np.array([[1, 2]]), np.array([[1, 0]]), r"Y must contain only the labels 0 and 1, got 2"),
        (np.array([[1, 0]]), np.array([[0.7, 0.2]]), r"Y_pred must contain only the labels 0 and 1"),
        (np.zeros((1, 0)), np.zeros((1, 0)), r"Y must contain at least one example"),
    ],
)
def test_confusion_counts_invalid_labels_raise(Y, Y_pred, message):
    with pytest.raises(ValueError, match=message):
        confusion_counts(Y, Y_pred)


def test_confusion_matrix_figure_writes_counts():
    Y = np.array([[1, 0, 1, 1, 0, 0, 1]])
    Y_pred = np.array([[1, 0, 0, 1, 1, 0, 0]])
    ax = plot_confusion_matrix(Y, Y_pred).axes[0]
    written = {(text.get_position()[1], text.get_position()[0]): text.get_text()
               for text in ax.texts}
    assert written == {(0, 0): "2", (0, 1): "1", (1, 0): "2", (1, 1): "2"}


def test_confusion_matrix_figure_tick_labels():
    ax = plot_confusion_matrix(np.array([[1, 0]]), np.array([[1, 1]])).axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["true\nnot cup", "true\ncup"]


def test_confusion_matrix_three_class_names_raise():
    with pytest.raises(ValueError, match=r"class_names must name the 2 classes"):
        plot_confusion_matrix(np.array([[1]]), np.array([[1]]), class_names=("a", "b", "c"))


def test_find_misclassified_most_confident_first():
    # Wrong: index 1 (a = 0.9, distance 0.4), index 2 (a = 0.1, distance 0.4)
    # and index 4 (a = 0.6, distance 0.1). Index 3 is exactly on the threshold
    # and counts as a correct "cup".
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    A = np.array([[0.8, 0.9, 0.1, 0.5, 0.6, 0.2]])
    np.testing.assert_array_equal(find_misclassified(Y, A), [1, 2, 4])


def test_find_misclassified_none_wrong():
    Y = np.array([[1, 0]])
    A = np.array([[0.7, 0.3]])
    assert find_misclassified(Y, A).size == 0


def test_find_misclassified_probability_out_of_range_raises():
    with pytest.raises(ValueError, match=r"A must contain values in \[0, 1\], got 1.5"):
        find_misclassified(np.array([[1, 0]]), np.array([[1.5, 0.2]]))


def test_misclassified_shows_each_mistake():
    images = np.zeros((6, 8, 8, 3), dtype=np.uint8)
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    A = np.array([[0.8, 0.9, 0.1, 0.5, 0.6, 0.2]])
    titles = [ax.get_title() for ax in image_axes(plot_misclassified(images, Y, A))]
    assert titles == [
        "true: not cup\nP(cup) = 0.90", "true: cup\nP(cup) = 0.10", "true: not cup\nP(cup) = 0.60"
    ]


def test_misclassified_max_images_limits_grid():
    images = np.zeros((6, 8, 8, 3), dtype=np.uint8)
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    A = np.array([[0.8, 0.9, 0.1, 0.5, 0.6, 0.2]])
    assert len(image_axes(plot_misclassified(images, Y, A, max_images=2))) == 2


def test_misclassified_none_shows_message():
    figure = plot_misclassified(np.zeros((2, 8, 8, 3)), np.array([[1, 0]]), np.array([[0.7, 0.3]]))
    assert [text.get_text() for text in figure.axes[0].texts] == ["No misclassified images"]


def test_misclassified_image_count_mismatch_raises():
    with pytest.raises(ValueError, match=r"images must contain one image per column of Y \(2\), got 3"):
        plot_misclassified(np.zeros((3, 8, 8, 3)), np.array([[1, 0]]), np.array([[0.2, 0.3]]))


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.zeros((8, 8, 3)), r"images must have shape \(k, h, w, 3\), got ndarray of shape \(8, 8, 3\)"),
        (np.zeros((2, 8, 8, 1)), r"images must have shape \(k, h, w, 3\)"),
        (np.full((1, 2, 2, 3), 2.0), r"images must contain values in \[0, 1\], got 2.0"),
        (np.full((1, 2, 2, 3), 300), r"images must contain values in \[0, 255\], got 300"),
    ],
)
def test_image_grid_invalid_images_raise(images, message):
    with pytest.raises(ValueError, match=message):
        plot_image_grid(images)


def test_image_grid_hides_unused_axes():
    figure = plot_image_grid(np.zeros((7, 4, 4, 3)), n_columns=3)
    assert len(figure.axes) == 9
    assert len(image_axes(figure)) == 7


def test_image_grid_title_count_mismatch_raises():
    with pytest.raises(ValueError, match=r"titles must have one entry per image \(2\), got 1"):
        plot_image_grid(np.zeros((2, 4, 4, 3)), titles=["cup"])


def test_probability_histogram_counts_per_class():
    A = np.array([[0.05, 0.1, 0.92, 0.97, 0.6]])
    Y = np.array([[0, 0, 1, 1, 0]])
    ax = plot_probability_histogram(A, Y).axes[0]
    heights = [sum(patch.get_height() for patch in container) for container in ax.containers]
    assert heights == [3, 2]


def test_weights_channels_match_reshape():
    w = np.arange(4 * 5 * 3, dtype=np.float64).reshape(-1, 1) - 30.0
    figure = plot_weights(w, image_shape=(4, 5, 3))
    expected = w.reshape(4, 5, 3)
    for channel, ax in enumerate(image_axes(figure)[:3]):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), expected[:, :, channel])


def test_weights_colour_scale_centred_at_zero():
    w = np.linspace(-1.0, 3.0, 4 * 5 * 3).reshape(-1, 1)
    figure = plot_weights(w, image_shape=(4, 5, 3))
    assert image_axes(figure)[0].get_images()[0].get_clim() == pytest.approx((-3.0, 3.0))


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0.0, 0.5), (4.0, 1.0), (-4.0, 0.0), (2.0, 0.75)],
)
def test_weights_overview_zero_is_grey(weight, expected):
    # max|w| is 4, so the overview maps w to 0.5 + w / 8.
    w = np.full((4 * 5 * 3, 1), 1.0)
    w[0, 0], w[1, 0], w[2, 0] = 4.0, -4.0, weight
    overview = np.asarray(image_axes(plot_weights(w, image_shape=(4, 5, 3)))[3].get_images()[0]
                          .get_array())
    assert overview[0, 0, 2] == pytest.approx(expected)


def test_weights_all_zero_do_not_fail():
    figure = plot_weights(np.zeros((12, 1)), image_shape=(2, 2, 3))
    assert len(image_axes(figure)) == 4


@pytest.mark.parametrize(
    ("w", "image_shape", "message"),
    [
        (np.zeros((10, 1)), (64, 64, 3), r"w must have 12288 rows for images of shape \(64, 64, 3\), got w of shape \(10, 1\)"),
        (np.zeros(12288), (64, 64, 3), r"w must be a 2-D array of shape \(n_x, 1\)"),
        (np.zeros((12, 1)), (2, 6), r"image_shape must be \(h, w, 3\), got \(2, 6\)"),
    ],
)
def test_weights_invalid_shape_raises(w, image_shape, message):
    with pytest.raises(ValueError, match=message):
        plot_weights(w, image_shape=image_shape)


def test_every_plot_function_returns_figure():
    images = np.zeros((2, 4, 4, 3))
    Y = np.array([[1, 0]])
    A = np.array([[0.3, 0.8]])
    figures = [
        plot_learning_rate_comparison({0.1: [0.5]}),
        plot_descent_paths(bowl, W_GRID, B_GRID, {"run": [[0.0, 0.0]]}),
        plot_gradient_field(bowl, bowl_gradient, W_GRID, B_GRID, [[0.0, 0.0]]),
        plot_cost_slope(lambda w: w ** 2, W_GRID, 1.0, 2.0),
        plot_confusion_matrix(Y, Y),
        plot_image_grid(images),
        plot_misclassified(images, Y, A),
        plot_probability_histogram(A, Y),
        plot_weights(np.ones((48, 1)), image_shape=(4, 4, 3)),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)


def test_module_exports_class_names():
    assert plotting_training.CLASS_NAMES == ("not cup", "cup")
