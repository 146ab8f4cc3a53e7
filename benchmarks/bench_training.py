"""Benchmarks of training on the Cup dataset: speed against the floor, accuracy against scikit-learn.

Three sections:

- ``iteration``: one iteration of ``course_lib.gradient_descent`` against
  the two matrix-vector products that no implementation can skip,
  $w^T X$ and $X dZ^T$, on the same arrays, with a breakdown of the rest.
- ``accuracy``: the course model trained as notebook 07 trains it, against
  scikit-learn's unpenalized ``LogisticRegression`` and the majority baseline.
- ``vectorize``: a pure-Python double loop for $Z = w^T X + b$ against
  ``linear_forward``, compared with the speed-up notebook 07 printed.
"""

import inspect
import logging
import warnings
from dataclasses import dataclass

import numpy as np

from bench_notebook_settings import read_classifier_notebook
from bench_stats import (
    Measurement,
    Section,
    Target,
    interleaved_times,
    ratios,
    summarize,
    time_repeats,
)
from course_lib import (
    accuracy,
    compute_cost,
    compute_gradients,
    flatten_images,
    gradient_descent,
    initialize_parameters,
    linear_forward,
    load_cup_dataset,
    predict,
    scale_pixels,
    sigmoid,
)
from course_lib import validation
from dataset_baseline import majority_accuracy

LOGGER = logging.getLogger(__name__)

# Used only where notebook 07 does not assign these names.
FALLBACK_SETTINGS = {"learning_rate": 0.002, "num_iterations": 500, "record_every": 10}
ITERATION_RATIO_TARGET = Target("<=", 1.15)
ACCURACY_GAP_TARGET = Target("<=", 1.0)
# Stopping tolerances of the extra unpenalized scikit-learn fits, around its default 1e-4.
SKLEARN_OTHER_TOLERANCES = (1e-3, 1e-6)
# The course model is also trained this many times longer, to show which way more
# gradient descent moves its accuracy.
LONGER_TRAINING_FACTOR = 4
VECTORIZE_TARGET = Target(">=", 300.0)
AGREEMENT_FACTOR = 3.0
VECTORIZED_CALLS = 10
SKLEARN_MAX_ITER = 1000


@dataclass(frozen=True)
class TrainingSizes:
    """How much work each training benchmark does.

    Attributes
    ----------
    examples : int or None
        Training examples used for timing (None: the whole training set).
    timed_iterations : int
        Gradient-descent iterations in one timed repeat.
    repeats : int
        Timed repeats per measurement.
    loop_examples : int
        Examples that the Python loop processes; its time is scaled to all.
    fit_repeats : int
        Full training runs timed for the accuracy section.
    train_iterations : int or None
        Iterations of the accuracy section (None: notebook 07's).
    """

    examples: int = None
    timed_iterations: int = 20
    repeats: int = 7
    loop_examples: int = 50
    fit_repeats: int = 3
    train_iterations: int = None


FULL_SIZES = TrainingSizes()
QUICK_SIZES = TrainingSizes(examples=100, timed_iterations=2, repeats=3, loop_examples=2,
                            fit_repeats=1, train_iterations=20)


def load_features(examples=None):
    """Load the Cup dataset and build X and Y as notebook 07 does: flatten, then scale to [0, 1].

    Returns
    -------
    X_train : numpy.ndarray of shape (n_x, m_train)
    Y_train : numpy.ndarray of shape (1, m_train)
    X_test : numpy.ndarray of shape (n_x, m_test)
    Y_test : numpy.ndarray of shape (1, m_test)
        With ``examples`` set, only the first ``examples`` of each set.
    """
    train_images, train_labels, test_images, test_labels = load_cup_dataset()
    if examples is not None:
        train_images, train_labels = train_images[:examples], train_labels[:, :examples]
        test_images, test_labels = test_images[:examples], test_labels[:, :examples]

    X_train = scale_pixels(flatten_images(train_images))
    X_test = scale_pixels(flatten_images(test_images))
    return X_train, train_labels, X_test, test_labels


def training_settings():
    """Return notebook 07's learning rate, iterations and record_every, and a note on their source."""
    found, _ = read_classifier_notebook()
    settings = {name: found.get(name, value) for name, value in FALLBACK_SETTINGS.items()}
    missing = [name for name in FALLBACK_SETTINGS if name not in found]
    if missing:
        source = (f"{', '.join(missing)} not found in notebooks/07_cup_classifier.ipynb, "
                  f"so this benchmark chose them")
    else:
        source = "read from notebooks/07_cup_classifier.ipynb"
    return settings, source


def run_floor(w, X, dZ, iterations):
    """Compute the two products of each iteration, $w^T X$ and $X dZ^T$, and nothing else."""
    for _ in range(iterations):
        w.T @ X
        X @ dZ.T


def repeat_iterations(minimum, record_every):
    """Return the smallest multiple of ``record_every`` that is at least ``minimum``.

    A timed repeat then records the cost exactly once per ``record_every``
    iterations, as a long training run does.
    """
    return max(1, -(-minimum // record_every)) * record_every


def iteration_ratio(X, Y, settings, sizes, record_every):
    """Time gradient_descent and the floor alternately; return per-iteration seconds and ratios."""
    w, b = initialize_parameters(X.shape[0])
    dZ = np.random.default_rng(0).uniform(-0.5, 0.5, size=(1, X.shape[1]))
    iterations = repeat_iterations(sizes.timed_iterations, record_every)

    def descend():
        gradient_descent(w, b, X, Y, settings["learning_rate"], iterations, record_every)

    def floor():
        run_floor(w, X, dZ, iterations)

    descend()
    floor()
    descent_seconds, floor_seconds = interleaved_times(descend, floor, sizes.repeats)
    per_iteration = [seconds / iterations for seconds in descent_seconds]
    floor_per_iteration = [seconds / iterations for seconds in floor_seconds]
    return per_iteration, floor_per_iteration, ratios(descent_seconds, floor_seconds)


def time_per_call(function, sizes, calls=None):
    """Return the seconds per call of ``function``, one value per repeat of ``calls`` calls."""
    calls = calls or sizes.timed_iterations

    def run():
        for _ in range(calls):
            function()

    run()
    return [seconds / calls for seconds in time_repeats(run, sizes.repeats)]


def iteration_breakdown(X, Y, settings, sizes):
    """Time each step of one iteration on its own, in milliseconds per call."""
    w, b = initialize_parameters(X.shape[0])
    Z = linear_forward(w, b, X)
    A = sigmoid(Z)
    dZ = A - Y
    dw, _ = compute_gradients(w, b, X, Y)
    learning_rate = settings["learning_rate"]

    def validate():
        validation.check_parameters(w, b, X)
        validation.check_labels(Y, X)

    steps = [
        ("forward product w.T @ X", lambda: w.T @ X),
        ("backward product X @ dZ.T", lambda: X @ dZ.T),
        ("compute_gradients (validation, both products, sigmoid)", lambda: compute_gradients(w, b, X, Y)),
        ("compute_cost (validation, forward product, log terms)", lambda: compute_cost(w, b, X, Y)),
        ("input checks of one compute_gradients call", validate),
        ("sigmoid on Z of shape (1, m)", lambda: sigmoid(Z)),
        ("update w - learning_rate * dw", lambda: w - learning_rate * dw),
    ]
    calls = max(1, sizes.timed_iterations // 2)
    return [
        Measurement(label, summarize(seconds * 1000 for seconds in time_per_call(step, sizes, calls)), "ms")
        for label, step in steps
    ]


def measure_iteration(sizes):
    """Run the ``iteration`` benchmark and return its Section."""
    X, Y, _, _ = load_features(sizes.examples)
    settings, source = training_settings()
    record_every = settings["record_every"]

    measurements = []
    for every, label in ((100, "record_every=100 (the default)"),
                         (record_every, f"record_every={record_every} (notebook 07)")):
        per_iteration, floor_per_iteration, measured = iteration_ratio(X, Y, settings, sizes, every)
        measurements.append(Measurement(f"gradient_descent / floor, {label}", summarize(measured),
                                        "x", ITERATION_RATIO_TARGET,
                                        "ratio of the two times within each repeat"))
        measurements.append(Measurement(f"fastest gradient_descent / fastest floor, {label}",
                                        summarize([min(per_iteration) / min(floor_per_iteration)]),
                                        "x", note="ratio of the minimum times, which load can only raise"))
        measurements.append(Measurement(f"gradient_descent per iteration, {label}",
                                        summarize(seconds * 1000 for seconds in per_iteration), "ms"))
    measurements.append(Measurement("floor: w.T @ X and X @ dZ.T", summarize(
        seconds * 1000 for seconds in floor_per_iteration), "ms", note="last pair of runs above"))

    n_x, m = X.shape
    notes = [
        f"X is the training set as notebook 07 builds it: shape ({n_x}, {m}), dtype {X.dtype}, "
        f"{'Fortran' if X.flags['F_CONTIGUOUS'] else 'C'}-ordered "
        f"({X.nbytes / 2**20:.0f} MiB), because `flatten_images` returns a transposed view and "
        f"`scale_pixels` keeps that memory order.",
        f"Each repeat runs the same number of iterations of `gradient_descent` and of the floor "
        f"on the same X, w and a dZ of shape (1, {m}), alternating which goes first, and the "
        f"ratio is taken within each repeat. A repeat has "
        f"{repeat_iterations(sizes.timed_iterations, 100)} iterations with record_every=100 and "
        f"{repeat_iterations(sizes.timed_iterations, record_every)} with "
        f"record_every={record_every}, so that the cost is recorded once per record_every "
        f"iterations.",
        f"Both products read all of X, so they are bound by memory bandwidth; any extra pass "
        f"over X (a copy, a conversion, a check of its values) would show up as about 0.5 in "
        f"the ratio. Recording the cost adds one forward product every record_every "
        f"iterations, which is 1/(2 * record_every) of the floor: "
        f"{1 / (2 * record_every):.1%} at notebook 07's record_every={record_every}, "
        f"0.5% at the default 100. Learning rate {settings['learning_rate']} ({source}).",
    ]
    if any(measurement.unit == "x" and measurement.summary.minimum < 1 for measurement in measurements):
        notes.append("A ratio below 1 comes from the load of the machine changing between the two "
                     "halves of a repeat: an iteration computes both products, so it cannot take "
                     "less time than they do.")
    section = Section("iteration", "1. One gradient-descent iteration against the floor",
                      measurements, notes)
    section.tables.append(("Where one iteration's time goes, each step timed on its own "
                           "(milliseconds per call):", iteration_breakdown(X, Y, settings, sizes)))
    return section


def unpenalized_logistic_regression():
    """Return scikit-learn's LogisticRegression without a penalty, spelled as the installed version wants.

    scikit-learn 1.8 deprecated ``penalty`` and spells "no penalty" as
    ``C=np.inf``; earlier versions need ``penalty=None``.
    """
    from sklearn.linear_model import LogisticRegression

    penalty_default = inspect.signature(LogisticRegression).parameters["penalty"].default
    if penalty_default == "deprecated":
        return LogisticRegression(C=np.inf, max_iter=SKLEARN_MAX_ITER), "C=np.inf"
    return LogisticRegression(penalty=None, max_iter=SKLEARN_MAX_ITER), "penalty=None"


def tolerance_measurements(X_train, Y_train, X_test, Y_test):
    """Fit unpenalized scikit-learn at other stopping tolerances; return measurements and a note.

    On a training set that a hyperplane separates, no finite weights
    minimize the unpenalized cost, so the fitted weights, and with them the
    test accuracy, depend on when the solver stops.
    """
    measurements, parts = [], []
    for tolerance in SKLEARN_OTHER_TOLERANCES:
        model, _ = fit_sklearn(unpenalized_logistic_regression()[0].set_params(tol=tolerance),
                               X_train, Y_train)
        test = float(np.mean(model.predict(X_test.T) == Y_test.ravel()))
        train = float(np.mean(model.predict(X_train.T) == Y_train.ravel()))
        measurements.append(Measurement(f"scikit-learn with tol={tolerance:g}, test accuracy",
                                        point(test), "%", note="no penalty"))
        parts.append(f"tol={tolerance:g}: {int(np.max(model.n_iter_))} iterations, training "
                     f"accuracy {train:.1%}, test {test:.1%}, weight norm "
                     f"{np.linalg.norm(model.coef_):.3g}")
    return measurements, "; ".join(parts)


def default_logistic_regression():
    """Return scikit-learn's LogisticRegression with its default L2 penalty, as a user would first try it."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=SKLEARN_MAX_ITER)


def fit_sklearn(model, X_train, Y_train):
    """Fit a scikit-learn model on examples in rows; return it and the convergence warnings raised."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X_train.T, Y_train.ravel())
    return model, [warning for warning in caught if issubclass(warning.category, ConvergenceWarning)]


def train_course_model(X_train, Y_train, settings, iterations):
    """Train the course model from zero weights as notebook 07 does; return w and b."""
    w, b = initialize_parameters(X_train.shape[0])
    w, b, _ = gradient_descent(w, b, X_train, Y_train, settings["learning_rate"], iterations,
                               settings["record_every"])
    return w, b


def point(value):
    """Return a fraction as a single-run Summary in percent."""
    return summarize([100 * value])


def measure_accuracy(sizes):
    """Run the ``accuracy`` benchmark and return its Section."""
    import sklearn

    X_train, Y_train, X_test, Y_test = load_features(sizes.examples)
    settings, source = training_settings()
    iterations = sizes.train_iterations or settings["num_iterations"]
    trained = {}
    sklearn_model, spelling = unpenalized_logistic_regression()
    fitted = {}

    def train_course():
        trained["course"] = train_course_model(X_train, Y_train, settings, iterations)

    def train_sklearn():
        fitted["model"], fitted["warnings"] = fit_sklearn(sklearn_model, X_train, Y_train)

    course_seconds, sklearn_seconds = interleaved_times(train_course, train_sklearn, sizes.fit_repeats)
    w, b = trained["course"]
    model = fitted["model"]

    default_model, _ = fit_sklearn(default_logistic_regression(), X_train, Y_train)
    default_test = float(np.mean(default_model.predict(X_test.T) == Y_test.ravel()))
    course_test = accuracy(predict(w, b, X_test), Y_test)
    course_train = accuracy(predict(w, b, X_train), Y_train)
    sklearn_test = float(np.mean(model.predict(X_test.T) == Y_test.ravel()))
    sklearn_train = float(np.mean(model.predict(X_train.T) == Y_train.ravel()))
    baseline = majority_accuracy(Y_train, Y_test)
    gap = abs(course_test - sklearn_test)
    tolerance_rows, tolerance_text = tolerance_measurements(X_train, Y_train, X_test, Y_test)
    longer = LONGER_TRAINING_FACTOR * iterations
    w_longer, b_longer, _ = gradient_descent(w, b, X_train, Y_train, settings["learning_rate"],
                                             longer - iterations, settings["record_every"])
    longer_test = accuracy(predict(w_longer, b_longer, X_test), Y_test)
    longer_train = accuracy(predict(w_longer, b_longer, X_train), Y_train)

    measurements = [
        Measurement("course model, test accuracy", point(course_test), "%"),
        Measurement("scikit-learn, test accuracy", point(sklearn_test), "%", note="no penalty"),
        *tolerance_rows,
        Measurement("scikit-learn with its default penalty, test accuracy", point(default_test), "%",
                    note="L2, C=1.0; for reference"),
        Measurement("majority baseline, test accuracy", point(baseline), "%",
                    note="always the larger class of the training set"),
        Measurement("test accuracy gap, course vs scikit-learn (points)", summarize([100 * gap]),
                    "", ACCURACY_GAP_TARGET, "absolute difference"),
        Measurement("course model, training accuracy", point(course_train), "%"),
        Measurement("scikit-learn, training accuracy", point(sklearn_train), "%"),
        Measurement(f"course model after {longer} iterations, test accuracy", point(longer_test), "%",
                    note=f"{LONGER_TRAINING_FACTOR} times the notebook's iterations"),
        Measurement(f"course model after {longer} iterations, training accuracy",
                    point(longer_train), "%"),
        Measurement(f"course training time, {iterations} iterations", summarize(course_seconds), "s"),
        Measurement("scikit-learn fit time", summarize(sklearn_seconds), "s"),
        Measurement("course time / scikit-learn time", summarize(ratios(course_seconds, sklearn_seconds)),
                    "x", note="within each repeat"),
    ]
    converged = "did not converge" if fitted["warnings"] else "converged"
    notes = [
        f"Same features and split for both: the {X_train.shape[1]} training and {X_test.shape[1]} "
        f"test images, flattened and scaled to [0, 1]. The course model starts from zero weights "
        f"and runs `gradient_descent` with learning_rate={settings['learning_rate']}, "
        f"{iterations} iterations and record_every={settings['record_every']} ({source}).",
        f"scikit-learn {sklearn.__version__}: `LogisticRegression({spelling}, "
        f"max_iter={SKLEARN_MAX_ITER})`, solver {model.solver}, no penalty; it {converged} after "
        f"{int(np.max(model.n_iter_))} L-BFGS iterations. Accuracies are deterministic, so they "
        f"are reported from one run; the times from {sizes.fit_repeats} alternating runs.",
    ]
    if gap * 100 > ACCURACY_GAP_TARGET.bound:
        notes.append(gap_explanation(course_train, sklearn_train, course_test, sklearn_test,
                                     iterations))
        notes.append(longer_training_explanation(longer, longer_train, longer_test, course_test,
                                                 sklearn_test))
        notes.append(f"The unpenalized fit depends on when scikit-learn stops, because no "
                     f"finite weights minimize the cost on a training set that can be separated. "
                     f"With its default tol=1e-4 the weight norm is "
                     f"{np.linalg.norm(model.coef_):.3g}; with other tolerances, {tolerance_text}. "
                     f"The 1-point target therefore compares the course model with a figure that "
                     f"moves with a solver setting.")
    return Section("accuracy", "2. Accuracy against scikit-learn and the majority baseline",
                   measurements, notes)


def gap_explanation(course_train, sklearn_train, course_test, sklearn_test, iterations):
    """Explain a test-accuracy gap above the target from the measured training accuracies."""
    better = "the course model" if course_test > sklearn_test else "scikit-learn"
    text = (f"The target is missed, and {better} does better on the test set. scikit-learn's "
            f"L-BFGS runs until it converges, while the course model stops after {iterations} "
            f"iterations of plain gradient descent: training accuracy {sklearn_train:.1%} against "
            f"{course_train:.1%}.")
    if sklearn_train == 1.0 and course_test > sklearn_test:
        text += (" The 100 % training accuracy shows that the training set can be separated "
                 "exactly. Without a penalty the cost then keeps falling as the weights grow, so "
                 "the converged model fits the training images more closely and does worse on "
                 "new ones. Stopping early acts like a penalty on large weights.")
    return text


def longer_training_explanation(longer, longer_train, longer_test, course_test, sklearn_test):
    """Say whether training the course model longer brings it closer to scikit-learn's figure."""
    closer = abs(longer_test - sklearn_test) < abs(course_test - sklearn_test)
    direction = "closer to" if closer else "no closer to"
    text = (f"Trained for {longer} iterations instead, the course model reaches "
            f"{longer_train:.1%} training and {longer_test:.1%} test accuracy, {direction} "
            f"scikit-learn's {sklearn_test:.1%}.")
    if not closer:
        text += (" Plain gradient descent from zero weights at this learning rate would need "
                 "far more iterations than L-BFGS to separate the training set. Training the "
                 "course model longer therefore cannot close the gap. Meeting the target would "
                 "take a worse model or another optimizer than the one the course teaches.")
    return text


def forward_loop_indexing(w, b, X, n_examples):
    """Compute z = w^T x + b for the first examples with Python loops over NumPy elements, as notebook 07 does."""
    Z = np.zeros((1, n_examples))
    for i in range(n_examples):
        z = b
        for j in range(X.shape[0]):
            z += w[j, 0] * X[j, i]
        Z[0, i] = z
    return Z


def forward_loop_lists(weights, b, columns):
    """Compute z = w^T x + b for each column given as a Python list of floats, with Python loops only."""
    Z = []
    for column in columns:
        z = b
        for weight, value in zip(weights, column):
            z += weight * value
        Z.append(z)
    return Z


def loop_speed_ups(loop, vectorized, m, n_loop, repeats):
    """Time a loop over ``n_loop`` examples and a vectorized pass over ``m`` alternately; return speed-ups.

    The vectorized time is the mean of ``VECTORIZED_CALLS`` consecutive
    calls, as notebook 07 measures it, so that waking up the BLAS threads
    after the loop does not count as the cost of one pass.
    """
    def vectorized_calls():
        for _ in range(VECTORIZED_CALLS):
            vectorized()

    loop_seconds, vectorized_seconds = interleaved_times(loop, vectorized_calls, repeats)
    scaled = [seconds * m / n_loop for seconds in loop_seconds]
    per_call = [seconds / VECTORIZED_CALLS for seconds in vectorized_seconds]
    return scaled, per_call, ratios(scaled, per_call)


def measure_vectorize(sizes):
    """Run the ``vectorize`` benchmark and return its Section."""
    X, Y, _, _ = load_features(sizes.examples)
    settings, _ = training_settings()
    n_x, m = X.shape
    n_loop = min(sizes.loop_examples, m)
    w = np.random.default_rng(1).uniform(-0.01, 0.01, size=(n_x, 1))
    b = 0.1
    weights, columns = w.ravel().tolist(), X[:, :n_loop].T.tolist()

    def vectorized():
        linear_forward(w, b, X)

    indexing = loop_speed_ups(lambda: forward_loop_indexing(w, b, X, n_loop), vectorized, m, n_loop,
                              sizes.repeats)
    lists = loop_speed_ups(lambda: forward_loop_lists(weights, b, columns), vectorized, m, n_loop,
                           sizes.repeats)
    check_loop_results(w, b, X, n_loop, weights, columns)

    passes = 2 * settings["num_iterations"] + settings["num_iterations"] / settings["record_every"]
    measurements = [
        Measurement("speed-up, loop over NumPy elements (as notebook 07)", summarize(indexing[2]), "x",
                    VECTORIZE_TARGET, f"loop on {n_loop} examples, scaled to {m}"),
        Measurement("speed-up, loop over Python lists", summarize(lists[2]), "x",
                    note=f"for scale, no target; loop on {n_loop} examples, scaled to {m}"),
        Measurement("loop over NumPy elements, whole training set", summarize(indexing[0]), "s",
                    note="estimate, scaled"),
        Measurement("loop over Python lists, whole training set", summarize(lists[0]), "s",
                    note="estimate, scaled"),
        Measurement("linear_forward, whole training set", summarize(
            seconds * 1000 for seconds in indexing[1] + lists[1]), "ms"),
        Measurement("notebook 07's training with the NumPy-element loop", summarize(
            seconds * passes / 3600 for seconds in indexing[0]), "h",
            note=f"estimate: {passes:g} passes over X, forward and backward per iteration plus the cost"),
        Measurement("notebook 07's training with the list loop", summarize(
            seconds * passes / 3600 for seconds in lists[0]), "h", note="estimate, as above"),
    ]
    notes = [
        f"The loops compute z = w^T x + b for the first {n_loop} of {m} training examples "
        f"({n_x} products each) and their time is multiplied by {m}/{n_loop}, which is fair "
        f"because every example costs the same. The list loop gets w and those columns as "
        f"Python lists, converted before timing. `linear_forward` includes its input checks; its "
        f"time is the mean of {VECTORIZED_CALLS} consecutive calls, as in notebook 07.",
        notebook_agreement(indexing[2]),
        f"Notebook 07 says that its training with loops would take about a thousand times the "
        f"loop estimate it prints. The estimates above, {passes:g} passes over X at the measured "
        f"loop speed, come to "
        f"{summarize(seconds * passes / 3600 for seconds in indexing[0]).median:.2f} h with the "
        f"notebook's loop over NumPy elements and "
        f"{summarize(seconds * passes / 3600 for seconds in lists[0]).median:.2f} h with the "
        f"list loop (medians).",
    ]
    notes.append(list_loop_explanation(lists, indexing, X))
    return Section("vectorize", "3. Python loops against the vectorized forward pass",
                   measurements, notes)


def list_loop_explanation(lists, indexing, X):
    """Explain the list loop's smaller speed-up from the cost per product and memory bandwidth."""
    loop_seconds, vectorized_seconds = summarize(lists[0]).median, summarize(lists[1]).median
    indexing_seconds = summarize(indexing[0]).median
    products = X.shape[0] * X.shape[1]
    return (f"The 300x target applies to the comparison that notebook 07 shows, the loop over "
            f"NumPy elements. The loop over Python lists is the fastest loop plain Python offers "
            f"and is listed for scale. It costs "
            f"{loop_seconds / products * 1e9:.0f} ns per multiply-add, {indexing_seconds / loop_seconds:.1f} "
            f"times less than the loop over NumPy elements. `linear_forward` reads all of "
            f"X ({X.nbytes / 2**20:.0f} MiB) per pass, at {X.nbytes / vectorized_seconds / 1e9:.1f} GB/s "
            f"at its median time, so it is bound by memory bandwidth rather than by arithmetic.")


def check_loop_results(w, b, X, n_loop, weights, columns):
    """Raise RuntimeError unless both loops give the same Z as linear_forward on their examples."""
    expected = linear_forward(w, b, X[:, :n_loop])
    for name, got in (("NumPy-element loop", forward_loop_indexing(w, b, X, n_loop)),
                      ("list loop", np.array([forward_loop_lists(weights, b, columns)]))):
        if not np.allclose(got, expected, rtol=1e-9, atol=1e-9):
            raise RuntimeError(f"The {name} computed a different Z than linear_forward; "
                               f"the benchmark would time wrong code.")


def notebook_agreement(measured_speed_ups):
    """Compare the speed-up printed by the executed notebook 07 with the ones measured here."""
    _, printed = read_classifier_notebook()
    if printed is None:
        return ("Notebook 07 has no printed speed-up to compare with: it is not executed, or "
                "its timing cell prints no line `speed-up: about N times`.")

    median = summarize(measured_speed_ups).median
    factor = max(printed, median) / min(printed, median)
    verdict = "agree" if factor <= AGREEMENT_FACTOR else "do not agree"
    return (f"The executed notebook 07 printed a speed-up of about {printed:,}; this run measured "
            f"a median of {median:,.0f} for the same loop over NumPy elements. They differ by a "
            f"factor of {factor:.1f}, so they {verdict} (agreement here means within a factor "
            f"of {AGREEMENT_FACTOR:g}; the notebook times `w.T @ X_train + b` without input "
            f"checks, on one run, under whatever load the machine had then).")
