"""Tests of the explorers: pure computations, image conversion, widget callbacks and the environment check.

Expected numbers come from formulas written out in the tests (the sigmoid,
the losses, central differences) or from the course's ``gradient_descent``,
never from the function under test.  Widgets are driven by setting their
values directly, as the front end does, without a browser.
"""

import datetime
import io
import math

import numpy as np
import pytest
from matplotlib import pyplot as plt
from PIL import Image

from course_lib import environment_check, gradient_descent
from course_lib.dataset import load_cup_dataset
from course_lib.explorers import curves, figures, images, landscape, training, widgets
from course_lib.graded import lesson06_gradient_descent, lesson07_classifier

pytestmark = pytest.mark.filterwarnings("error")

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def plain_sigmoid(z):
    """The textbook sigmoid, fine for the moderate z used in these tests."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def central_difference(function, x, step=1e-6):
    """Estimate the derivative of a scalar function at x."""
    return (function(x + step) - function(x - step)) / (2 * step)


def png_bytes(array, **save_options):
    """Encode an (h, w, channels) uint8 array as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(buffer, format="PNG", **save_options)
    return buffer.getvalue()


def left_red_right_blue(height, width):
    """An RGB image whose left half is red and right half is blue."""
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[:, : width // 2] = RED
    image[:, width // 2 :] = BLUE
    return image


@pytest.fixture(autouse=True)
def close_figures():
    """Close every pyplot figure a test opened, so one test's figures never reach the next."""
    yield
    plt.close("all")


# Curves of one example -----------------------------------------------------------------


@pytest.mark.parametrize("z", [-5.0, -0.3, 0.0, 2.0, 7.5])
def test_stable_sigmoid_matches_formula(z):
    assert curves.stable_sigmoid(np.array([z]))[0] == pytest.approx(plain_sigmoid(z), rel=1e-12)


@pytest.mark.parametrize("z, expected", [(-1000.0, 0.0), (1000.0, 1.0)])
def test_stable_sigmoid_extreme_inputs(z, expected):
    assert curves.stable_sigmoid(np.array([z]))[0] == expected


def test_sigmoid_curve_matches_formula():
    x = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(curves.sigmoid_curve(2.0, -1.0, x), plain_sigmoid(2.0 * x - 1.0), rtol=1e-12)


@pytest.mark.parametrize("w, b, expected", [(1.0, 0.0, 0.0), (2.0, 1.0, -0.5), (-4.0, 2.0, 0.5), (0.5, -3.0, 6.0)])
def test_decision_boundary_solves_threshold(w, b, expected):
    assert curves.decision_boundary(w, b) == pytest.approx(expected)


@pytest.mark.parametrize("w, b", [(1.0, 0.0), (2.0, 1.0), (-4.0, 2.0)])
def test_decision_boundary_gives_half(w, b):
    boundary = curves.decision_boundary(w, b)
    assert plain_sigmoid(w * boundary + b) == pytest.approx(0.5)


@pytest.mark.parametrize("b", [-2.0, 0.0, 3.0])
def test_decision_boundary_zero_weight(b):
    assert curves.decision_boundary(0.0, b) is None


@pytest.mark.parametrize(
    "w, b, expected",
    [
        (1.0, -1.0, "Predicts cup for x >= 1.00"),
        (-2.0, 1.0, "Predicts cup for x <= 0.50"),
        (1.0, 0.0, "Predicts cup for x >= 0.00"),
        (0.0, 1.0, "always cup"),
        (0.0, -1.0, "always not cup"),
    ],
)
def test_describe_decision_cases(w, b, expected):
    assert expected in curves.describe_decision(w, b)


def test_decision_boundary_rejects_array_weight():
    with pytest.raises(TypeError, match="w must be a real number"):
        curves.decision_boundary(np.array([1.0]), 0.0)


@pytest.mark.parametrize("y", [0, 1])
def test_squared_error_curve_matches_formula(y):
    y_hat = np.array([0.0, 0.2, 0.7, 1.0])
    np.testing.assert_allclose(curves.squared_error_curve(y_hat, y), 0.5 * (y_hat - y) ** 2)


@pytest.mark.parametrize("y", [0, 1])
def test_cross_entropy_curve_matches_formula(y):
    y_hat = np.array([0.05, 0.2, 0.7, 0.95])
    expected = -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    np.testing.assert_allclose(curves.cross_entropy_curve(y_hat, y), expected, rtol=1e-12)


@pytest.mark.parametrize("y, certain_wrong", [(1, 0.0), (0, 1.0)])
def test_cross_entropy_curve_certain_wrong(y, certain_wrong):
    assert curves.cross_entropy_curve(np.array([certain_wrong]), y)[0] == math.inf


@pytest.mark.parametrize("y, certain_right", [(1, 1.0), (0, 0.0)])
def test_cross_entropy_curve_certain_right(y, certain_right):
    assert curves.cross_entropy_curve(np.array([certain_right]), y)[0] == 0.0


@pytest.mark.parametrize("bad_label", [2, -1, 0.5, True, "1", None])
def test_loss_curves_reject_bad_label(bad_label):
    with pytest.raises(ValueError, match="y must be the label 0 or 1"):
        curves.cross_entropy_curve(np.array([0.5]), bad_label)


@pytest.mark.parametrize("bad_prediction", [-0.1, 1.5, np.nan])
def test_loss_curves_reject_bad_prediction(bad_prediction):
    with pytest.raises(ValueError, match=r"y_hat must contain values in \[0, 1\]"):
        curves.squared_error_curve(np.array([0.5, bad_prediction]), 1)


# Cost landscapes -----------------------------------------------------------------------


@pytest.fixture
def toy_data():
    return landscape.make_toy_dataset()


def test_toy_dataset_shapes(toy_data):
    X, Y = toy_data
    assert X.shape == (1, landscape.TOY_EXAMPLES)
    assert Y.shape == (1, landscape.TOY_EXAMPLES)


def test_toy_dataset_binary_labels_both_classes(toy_data):
    _, Y = toy_data
    assert set(np.unique(Y)) == {0.0, 1.0}


def test_toy_dataset_same_seed_same_data():
    first_X, first_Y = landscape.make_toy_dataset(seed=3)
    second_X, second_Y = landscape.make_toy_dataset(seed=3)
    np.testing.assert_array_equal(first_X, second_X)
    np.testing.assert_array_equal(first_Y, second_Y)


def direct_cost(w, b, X, Y, kind):
    """Cost from the textbook formulas, one point at a time."""
    a = plain_sigmoid(w * X + b)
    if kind == landscape.CROSS_ENTROPY:
        return float(np.mean(-(Y * np.log(a) + (1 - Y) * np.log(1 - a))))
    return float(np.mean(0.5 * (a - Y) ** 2))


@pytest.mark.parametrize("kind", landscape.COST_KINDS)
def test_cost_grid_matches_direct_formula(toy_data, kind):
    X, Y = toy_data
    w_values = np.array([-2.0, 0.0, 1.5])
    b_values = np.array([-1.0, 0.5])
    grid = landscape.cost_grid(w_values, b_values, X, Y, kind)
    assert grid.shape == (2, 3)
    for i, b in enumerate(b_values):
        for j, w in enumerate(w_values):
            assert grid[i, j] == pytest.approx(direct_cost(w, b, X, Y, kind), rel=1e-10)


@pytest.mark.parametrize("kind", landscape.COST_KINDS)
@pytest.mark.parametrize("w, b", [(-1.0, 0.5), (0.3, -0.2), (2.5, 1.0)])
def test_cost_gradient_matches_finite_differences(toy_data, kind, w, b):
    X, Y = toy_data
    dw, db = landscape.cost_gradient(w, b, X, Y, kind)
    numeric_dw = central_difference(lambda v: direct_cost(v, b, X, Y, kind), w)
    numeric_db = central_difference(lambda v: direct_cost(w, v, X, Y, kind), b)
    assert dw == pytest.approx(numeric_dw, rel=1e-5, abs=1e-9)
    assert db == pytest.approx(numeric_db, rel=1e-5, abs=1e-9)


def test_cost_grid_rejects_unknown_kind(toy_data):
    with pytest.raises(ValueError, match="kind must be one of"):
        landscape.cost_grid(np.zeros(2), np.zeros(2), *toy_data, "hinge")


def test_cost_grid_rejects_two_features():
    X = np.zeros((2, 4))
    Y = np.zeros((1, 4))
    with pytest.raises(ValueError, match=r"X must have 1 row to match shape \(1, m\)"):
        landscape.cost_grid(np.zeros(2), np.zeros(2), X, Y, landscape.CROSS_ENTROPY)


def test_gradient_descent_path_shape_and_start(toy_data):
    path = landscape.gradient_descent_path(1.0, -2.0, *toy_data, landscape.CROSS_ENTROPY, 0.5, 12)
    assert path.shape == (13, 2)
    np.testing.assert_array_equal(path[0], [1.0, -2.0])


def test_gradient_descent_path_first_step(toy_data):
    X, Y = toy_data
    path = landscape.gradient_descent_path(0.5, 0.5, X, Y, landscape.SQUARED_ERROR, 2.0, 1)
    dw = central_difference(lambda v: direct_cost(v, 0.5, X, Y, landscape.SQUARED_ERROR), 0.5)
    db = central_difference(lambda v: direct_cost(0.5, v, X, Y, landscape.SQUARED_ERROR), 0.5)
    np.testing.assert_allclose(path[1], [0.5 - 2.0 * dw, 0.5 - 2.0 * db], rtol=1e-6)


def test_cross_entropy_path_reaches_grid_minimum(toy_data):
    X, Y = toy_data
    w_values = np.linspace(-4, 6, 201)
    b_values = np.linspace(-4, 4, 161)
    grid = landscape.cost_grid(w_values, b_values, X, Y, landscape.CROSS_ENTROPY)
    path = landscape.gradient_descent_path(-6.0, 6.0, X, Y, landscape.CROSS_ENTROPY, 1.0, 2000)
    end_cost = landscape.cost(*path[-1], X, Y, landscape.CROSS_ENTROPY)
    assert end_cost <= grid.min() + 1e-4


def test_squared_error_stalls_on_plateau(toy_data):
    squared_error = landscape.gradient_descent_path(-6.0, 6.0, *toy_data, landscape.SQUARED_ERROR, 1.0, 200)
    cross_entropy = landscape.gradient_descent_path(-6.0, 6.0, *toy_data, landscape.CROSS_ENTROPY, 1.0, 200)
    squared_error_distance = np.linalg.norm(squared_error[-1] - squared_error[0])
    cross_entropy_distance = np.linalg.norm(cross_entropy[-1] - cross_entropy[0])
    assert squared_error_distance < 0.1 * cross_entropy_distance


@pytest.mark.parametrize("learning_rate", [0.0, -0.5])
def test_gradient_descent_path_rejects_learning_rate(toy_data, learning_rate):
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        landscape.gradient_descent_path(0.0, 0.0, *toy_data, landscape.CROSS_ENTROPY, learning_rate, 5)


def weight_path_costs(X, Y, learning_rate, num_iterations=20):
    """Cross-entropy cost with b = 0 at every weight visited; log(1 + e^t) keeps large |w| finite."""
    weights = landscape.weight_descent_path(figures.GD_START_WEIGHT, X, Y, learning_rate, num_iterations)
    Z = weights[:, np.newaxis] * X
    return np.mean(Y * np.log1p(np.exp(-Z)) + (1 - Y) * np.log1p(np.exp(Z)), axis=1)


@pytest.mark.parametrize("learning_rate", [0.1, 0.3, 1.0])
def test_weight_descent_small_rate_decreases(toy_data, learning_rate):
    costs = weight_path_costs(*toy_data, learning_rate)
    assert np.all(np.diff(costs) <= 1e-12)


def test_weight_descent_large_rate_diverges(toy_data):
    costs = weight_path_costs(*toy_data, learning_rate=100.0)
    assert np.any(np.diff(costs) > 0)
    assert costs.max() > 3 * costs[0]


# Image conversion -------------------------------------------------------------------------


def test_image_bytes_to_array_shape_and_dtype():
    array = images.image_bytes_to_array(png_bytes(np.full((100, 80, 3), 120)))
    assert array.shape == (64, 64, 3)
    assert array.dtype == np.uint8


def test_image_bytes_to_array_keeps_colour():
    array = images.image_bytes_to_array(png_bytes(np.full((30, 50, 3), (10, 200, 30))))
    np.testing.assert_array_equal(array[10, 10], (10, 200, 30))


def test_image_bytes_to_array_transparent_becomes_white():
    rgba = np.zeros((40, 40, 4), dtype=np.uint8)
    array = images.image_bytes_to_array(png_bytes(rgba))
    np.testing.assert_array_equal(array[32, 32], (255, 255, 255))


def test_image_bytes_to_array_grayscale_to_rgb():
    array = images.image_bytes_to_array(png_bytes(np.full((64, 64), 90)))
    np.testing.assert_array_equal(array[0, 0], (90, 90, 90))


def test_image_bytes_to_array_crops_centre():
    wide = np.zeros((64, 192, 3), dtype=np.uint8)
    wide[:, 64:128] = BLUE
    wide[:, :64] = RED
    wide[:, 128:] = RED
    array = images.image_bytes_to_array(png_bytes(wide))
    assert np.all(array[:, :, 2] > 200)
    assert np.all(array[:, :, 0] < 50)


def test_image_bytes_to_array_follows_exif_rotation():
    exif = Image.Exif()
    exif[0x0112] = 6  # EXIF orientation 6: rotate 90 degrees clockwise to display.
    rotated = images.image_bytes_to_array(png_bytes(left_red_right_blue(32, 64), exif=exif))
    upright = images.image_bytes_to_array(png_bytes(left_red_right_blue(32, 64)))
    np.testing.assert_array_equal(rotated[8, 56], RED)
    np.testing.assert_array_equal(upright[8, 56], BLUE)


def test_image_bytes_to_array_matches_dataset_loader(tmp_path):
    rng = np.random.default_rng(2)
    photo = png_bytes(rng.integers(0, 256, size=(90, 140, 4)))
    for split in ("train", "test"):
        for folder in ("cup", "not_cup"):
            (tmp_path / split / folder).mkdir(parents=True)
            (tmp_path / split / folder / "photo.png").write_bytes(photo)

    train_images, _, _, _ = load_cup_dataset(tmp_path)
    np.testing.assert_array_equal(images.image_bytes_to_array(photo), train_images[0])


def test_image_bytes_to_array_accepts_memoryview():
    array = images.image_bytes_to_array(memoryview(png_bytes(np.zeros((8, 8, 3)))))
    assert array.shape == (64, 64, 3)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "data is empty"),
        (b"just some text, not a picture", "not an image that Pillow can read"),
        (png_bytes(np.full((64, 64, 3), 7))[:60], "damaged or truncated"),
    ],
)
def test_image_bytes_to_array_rejects_bad_files(data, message):
    with pytest.raises(ValueError, match=message):
        images.image_bytes_to_array(data)


def test_image_bytes_to_array_rejects_path_string():
    with pytest.raises(TypeError, match="data must be the bytes of an image file, got str"):
        images.image_bytes_to_array("cup.png")


def test_predict_image_probability_matches_formula():
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    w = rng.normal(scale=0.01, size=(64 * 64 * 3, 1))
    expected = plain_sigmoid(float(w[:, 0] @ (image.reshape(-1) / 255.0)) + 0.3)
    assert images.predict_image_probability(w, 0.3, image) == pytest.approx(expected, rel=1e-10)


def test_check_image_model_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"w must have 12288 rows"):
        images.check_image_model(np.zeros((100, 1)), 0.0)


# Widgets ------------------------------------------------------------------------------------

SLIDER_CASES = [
    (widgets.sigmoid_explorer, "w_slider", [2.0, 0.0, -3.0]),
    (widgets.sigmoid_explorer, "b_slider", [1.0, -2.5, 4.0]),
    (widgets.loss_explorer, "y_hat_slider", [0.3, 0.6, 0.95]),
    (widgets.cost_landscape_explorer, "w_slider", [-2.0, 0.0, 3.0]),
    (widgets.cost_landscape_explorer, "rate_slider", [0.1, 3.0, 10.0]),
]


@pytest.mark.parametrize("factory, control, values", SLIDER_CASES)
def test_explorer_slider_redraws_one_figure(factory, control, values):
    explorer = factory()
    figure = explorer.figure
    axes_count = len(figure.axes)
    images_seen = [bytes(explorer.image.value)]

    for value in values:
        getattr(explorer, control).value = value
        images_seen.append(bytes(explorer.image.value))

    assert explorer.figure is figure
    assert len(figure.axes) == axes_count
    assert plt.get_fignums() == []
    assert len(set(images_seen)) == len(images_seen)


def test_gd_explorer_steps_redraw_one_figure():
    explorer = widgets.gradient_descent_explorer()
    figure = explorer.figure
    images_seen = [bytes(explorer.image.value)]

    for _ in range(3):
        explorer.step_button.click()
        images_seen.append(bytes(explorer.image.value))

    assert explorer.figure is figure
    assert len(figure.axes) == 2
    assert plt.get_fignums() == []
    assert len(set(images_seen)) == len(images_seen)


@pytest.mark.parametrize("factory", [widgets.sigmoid_explorer, widgets.loss_explorer,
                                     widgets.cost_landscape_explorer, widgets.gradient_descent_explorer])
def test_explorer_starts_with_png(factory):
    assert bytes(factory().image.value).startswith(b"\x89PNG")


def test_sigmoid_explorer_zero_weight_status():
    explorer = widgets.sigmoid_explorer()
    explorer.w_slider.value = 0.0
    assert "w = 0" in explorer.status.value


def test_sigmoid_explorer_boundary_status():
    explorer = widgets.sigmoid_explorer()
    explorer.w_slider.value = 2.0
    explorer.b_slider.value = -1.0
    assert "x &gt;= 0.50" in explorer.status.value


def test_loss_explorer_confident_wrong_status():
    explorer = widgets.loss_explorer()
    explorer.y_hat_slider.value = 0.99
    assert "true label is y = 0" in explorer.status.value
    assert f"cross-entropy charges {-math.log(0.01):.3f}" in explorer.status.value


def test_landscape_explorer_reports_plateau():
    explorer = widgets.cost_landscape_explorer()
    explorer.w_slider.value = -6.0
    explorer.b_slider.value = 6.0
    text = explorer.status.value
    squared_error_distance = float(text.split("a distance of ")[1].split(" ")[0])
    cross_entropy_distance = float(text.split(" and ")[-1].split(" ")[0])
    assert squared_error_distance < 0.1 * cross_entropy_distance


def test_gd_explorer_step_appends_weight():
    explorer = widgets.gradient_descent_explorer()
    explorer.step_button.click()
    explorer.step_button.click()
    assert explorer.weights.shape == (3,)
    assert explorer.status.value.startswith("Iteration 2:")


def test_gd_explorer_run_moves_point():
    explorer = widgets.gradient_descent_explorer()
    before = bytes(explorer.image.value)
    explorer.run(num_steps=3)
    assert explorer.weights.shape == (4,)
    assert bytes(explorer.image.value) != before


def test_gd_explorer_reset_restores_start():
    explorer = widgets.gradient_descent_explorer()
    explorer.run(num_steps=2)
    explorer.reset_button.click()
    np.testing.assert_array_equal(explorer.weights, [figures.GD_START_WEIGHT])


def test_gd_explorer_new_rate_restarts_run():
    explorer = widgets.gradient_descent_explorer()
    explorer.run(num_steps=2)
    before = bytes(explorer.image.value)
    explorer.rate_slider.value = 0.01
    np.testing.assert_array_equal(explorer.weights, [figures.GD_START_WEIGHT])
    assert bytes(explorer.image.value) != before


def test_gd_explorer_large_rate_warns():
    explorer = widgets.gradient_descent_explorer()
    explorer.rate_slider.value = 100.0
    explorer.run(num_steps=4)
    assert "too large" in explorer.status.value
    assert plt.get_fignums() == []


def upload_entry(name, data):
    """One entry of FileUpload.value as the front end sends it."""
    return {
        "name": name,
        "type": "application/octet-stream",
        "size": len(data),
        "content": memoryview(data),
        "last_modified": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    }


@pytest.fixture
def upload_explorer():
    w = np.full((64 * 64 * 3, 1), 0.001)
    return widgets.image_upload_explorer(w, -5.0)


def test_upload_explorer_classifies_image(upload_explorer):
    data = png_bytes(np.full((50, 50, 3), 255))
    upload_explorer.upload.value = (upload_entry("white.png", data),)
    expected = plain_sigmoid(0.001 * 64 * 64 * 3 - 5.0)
    assert f"probability of cup {expected:.3f}" in upload_explorer.status.value
    assert upload_explorer.probability == pytest.approx(expected)


def test_upload_explorer_clears_upload(upload_explorer):
    upload_explorer.upload.value = (upload_entry("white.png", png_bytes(np.full((9, 9, 3), 255))),)
    assert upload_explorer.upload.value == ()


def test_upload_explorer_reports_non_image(upload_explorer):
    upload_explorer.upload.value = (upload_entry("notes.txt", b"shopping list"),)
    assert "Could not read notes.txt" in upload_explorer.status.value
    assert widgets.ERROR_STYLE in upload_explorer.status.value


def test_upload_explorer_recovers_after_error(upload_explorer):
    upload_explorer.upload.value = (upload_entry("notes.txt", b"shopping list"),)
    upload_explorer.upload.value = (upload_entry("grey.png", png_bytes(np.full((9, 9, 3), 128))),)
    assert widgets.ERROR_STYLE not in upload_explorer.status.value
    assert plt.get_fignums() == []


def test_upload_explorer_stub_message(upload_explorer, monkeypatch):
    def stub(w, b, X):
        raise NotImplementedError("Implement predict_proba in course_lib/graded/lesson07_classifier.py")

    monkeypatch.setattr(lesson07_classifier, "predict_proba", stub)
    upload_explorer.classify("grey.png", png_bytes(np.full((9, 9, 3), 128)))
    assert "needs your own functions first: Implement predict_proba" in upload_explorer.status.value


def test_upload_explorer_rejects_wrong_weights():
    with pytest.raises(ValueError, match=r"w must have 12288 rows"):
        widgets.image_upload_explorer(np.zeros((10, 1)), 0.0)


# Training with progress ---------------------------------------------------------------------


@pytest.fixture
def displayed(monkeypatch):
    """Collect what train_with_progress displays instead of printing it."""
    displayed_widgets = []
    monkeypatch.setattr(widgets, "display", displayed_widgets.append)
    return displayed_widgets


def small_problem(seed=0, n_x=3, m=15):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.int64)
    return np.zeros((n_x, 1)), 0.0, X, Y


@pytest.mark.parametrize("num_iterations, record_every", [(0, 1), (1, 1), (7, 3), (120, 10), (251, 100)])
def test_train_with_progress_equals_gradient_descent(displayed, num_iterations, record_every):
    w, b, X, Y = small_problem()
    expected_w, expected_b, expected_costs = gradient_descent(w, b, X, Y, 0.2, num_iterations, record_every)
    trained_w, trained_b, costs = widgets.train_with_progress(w, b, X, Y, 0.2, num_iterations, record_every)
    np.testing.assert_array_equal(trained_w, expected_w)
    assert trained_b == expected_b
    assert costs == expected_costs


def test_train_with_progress_fills_bar(displayed):
    widgets.train_with_progress(*small_problem(), 0.1, 60, 5)
    progress = displayed[0].children[0]
    assert progress.value == 60
    assert progress.bar_style == "success"
    assert plt.get_fignums() == []


def test_train_with_progress_keeps_caller_weights(displayed):
    w, b, X, Y = small_problem()
    w_before = w.copy()
    widgets.train_with_progress(w, b, X, Y, 0.1, 10, 5)
    np.testing.assert_array_equal(w, w_before)


def test_train_with_progress_uses_current_gradient_descent(displayed, monkeypatch):
    iterations_run = []
    reference = lesson06_gradient_descent.gradient_descent

    def counting_descent(w, b, X, Y, learning_rate, num_iterations, record_every=100):
        iterations_run.append(num_iterations)
        return reference(w, b, X, Y, learning_rate, num_iterations, record_every)

    monkeypatch.setattr(lesson06_gradient_descent, "gradient_descent", counting_descent)
    widgets.train_with_progress(*small_problem(), 0.1, 23, 5)
    assert sum(iterations_run) == 23


def test_train_with_progress_stub_marks_bar(displayed, monkeypatch):
    def stub(w, b, X, Y, learning_rate, num_iterations, record_every=100):
        raise NotImplementedError("Implement gradient_descent")

    monkeypatch.setattr(lesson06_gradient_descent, "gradient_descent", stub)
    with pytest.raises(NotImplementedError, match="Implement gradient_descent"):
        widgets.train_with_progress(*small_problem(), 0.1, 10, 5)
    assert displayed[0].children[0].bar_style == "danger"


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be a positive number"),
        ({"num_iterations": -1}, ValueError, "num_iterations must be an integer of at least 0"),
        ({"record_every": 0}, ValueError, "record_every must be an integer of at least 1"),
        ({"Y": np.zeros((1, 4))}, ValueError, r"Y must have shape \(1, m\)"),
    ],
)
def test_train_with_progress_rejects_bad_input(displayed, changes, error, message):
    w, b, X, Y = small_problem()
    arguments = dict(w=w, b=b, X=X, Y=Y, learning_rate=0.1, num_iterations=10, record_every=5)
    arguments.update(changes)
    with pytest.raises(error, match=message):
        widgets.train_with_progress(**arguments)
    assert displayed == []


@pytest.mark.parametrize(
    "num_iterations, max_chunks, record_every",
    [(0, 50, 1), (1, 50, 1), (49, 50, 1), (50, 50, 1), (1001, 50, 1), (7, 3, 1), (1001, 50, 100), (250, 2, 100), (10, 50, 3)],
)
def test_chunk_bounds_cover_range(num_iterations, max_chunks, record_every):
    bounds = training.chunk_bounds(num_iterations, max_chunks, record_every)
    covered = [i for start, stop in bounds for i in range(start, stop)]
    assert covered == list(range(num_iterations))
    assert len(bounds) <= max_chunks
    assert all(start % record_every == 0 for start, _ in bounds)


# Static figures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plot, axes_count",
    [
        (figures.plot_sigmoid_family, 1),
        (figures.plot_loss_comparison, 2),
        (figures.plot_cost_landscapes, 2),
        (figures.plot_gd_run, 2),
    ],
)
def test_static_plot_returns_figure(plot, axes_count):
    figure = plot()
    assert len(figure.axes) == axes_count
    assert plt.get_fignums() == [figure.number]


def test_plot_sigmoid_family_one_curve_each():
    parameters = ((1.0, 0.0), (0.0, 1.0), (-2.0, 3.0))
    figure = figures.plot_sigmoid_family(parameters)
    labelled = [line for line in figure.axes[0].lines if line.get_label().startswith("w = ")]
    assert len(labelled) == len(parameters)


def test_draw_sigmoid_boundary_line_only_when_flipping():
    figure = plt.figure()
    ax = figure.subplots()
    figures.draw_sigmoid(ax, 0.0, 1.0)
    labels = [line.get_label() for line in ax.lines]
    assert not any(label.startswith("x = -b / w") for label in labels)


# Environment check ----------------------------------------------------------------------------


@pytest.fixture
def installed(monkeypatch):
    """Pretend that the given widget package versions are installed; None means not installed."""
    versions = {}

    def fake_version(distribution):
        if versions.get(distribution) is None:
            raise environment_check.importlib.metadata.PackageNotFoundError(distribution)
        return versions[distribution]

    monkeypatch.setattr(environment_check.importlib.metadata, "version", fake_version)
    return versions


@pytest.mark.parametrize("ipywidgets, frontend", [("8.1.5", "3.0.13"), ("8.0.0", "3.0.0"), ("8.1.9", "3.0.17")])
def test_check_widget_frontend_matching(installed, ipywidgets, frontend):
    installed.update(ipywidgets=ipywidgets, jupyterlab_widgets=frontend)
    assert environment_check.check_widget_frontend() == {
        "ipywidgets": ipywidgets,
        "jupyterlab_widgets": frontend,
    }


@pytest.mark.parametrize(
    "ipywidgets, frontend, message",
    [
        ("8.1.5", "1.1.7", r"ipywidgets 8.1.5 needs jupyterlab_widgets 3.x, got jupyterlab_widgets 1.1.7"),
        ("8.1.5", "4.0.0", r"needs jupyterlab_widgets 3.x, got jupyterlab_widgets 4.0.0"),
        ("7.8.1", "1.1.7", r"The course needs ipywidgets 8.x, got 7.8.1"),
        ("8.1.5", None, r"jupyterlab_widgets, the JupyterLab front end of ipywidgets 8.1.5, is not installed"),
        (None, "3.0.13", r"ipywidgets is not installed"),
        ("8.1.5", "unknown", r"Could not read the major version of jupyterlab_widgets from 'unknown'"),
    ],
)
def test_check_widget_frontend_mismatch(installed, ipywidgets, frontend, message):
    installed.update(ipywidgets=ipywidgets, jupyterlab_widgets=frontend)
    with pytest.raises(environment_check.WidgetFrontendError, match=message):
        environment_check.check_widget_frontend()


def test_check_widget_frontend_message_has_fix(installed):
    installed.update(ipywidgets="8.1.5", jupyterlab_widgets="1.1.7")
    with pytest.raises(environment_check.WidgetFrontendError, match=r"pip install 'ipywidgets>=8.1,<9' 'jupyterlab_widgets>=3,<4'"):
        environment_check.check_widget_frontend()


@pytest.mark.parametrize("frontend, exit_code", [("3.0.13", 0), ("1.1.7", 1)])
def test_environment_check_main_exit_code(installed, frontend, exit_code):
    installed.update(ipywidgets="8.1.5", jupyterlab_widgets=frontend)
    assert environment_check.main([]) == exit_code


def test_environment_check_main_rejects_arguments():
    assert environment_check.main(["--fix"]) == 2


def test_check_widget_frontend_real_environment():
    versions = environment_check.check_widget_frontend()
    assert versions["ipywidgets"].startswith("8.")
