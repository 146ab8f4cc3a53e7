"""Peak memory (max RSS) of loading the Cup dataset and training, measured in child processes.

The parent starts this file with ``--child`` once per run.  The child
records its peak resident set size after each stage (importing course_lib,
loading the images, building X, training) and prints them as one JSON
object.  The peak is ``VmHWM`` from /proc/self/status, which starts afresh
at exec.  ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is recorded too but
not used: on Linux a child inherits its parent's peak through fork and
exec, so it reports the benchmark process's own arrays.
"""

import json
import logging
import resource
import subprocess
import sys
from pathlib import Path

BENCHMARKS_DIR = Path(__file__).resolve().parent
COURSE_ROOT = BENCHMARKS_DIR.parent
PEAK_TARGET_MIB = 300.0
FULL_RUNS, QUICK_RUNS = 3, 1
FULL_ITERATIONS, QUICK_ITERATIONS = 50, 2
CHILD_TIMEOUT_SECONDS = 600
STAGES = ("import course_lib", "load_cup_dataset", "flatten and scale train and test",
          "gradient_descent")

LOGGER = logging.getLogger(__name__)


def peak_mib():
    """Return the peak resident set size of this program since exec (VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmHWM line; peak memory needs Linux.")


def maxrss_mib():
    """Return ``ru_maxrss`` of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child_stages(iterations):
    """Load, build X and train in this process; return the peak RSS after each stage in MiB."""
    peaks = {"interpreter": peak_mib(), "ru_maxrss at start": maxrss_mib()}
    import course_lib

    peaks[STAGES[0]] = peak_mib()
    train_images, train_labels, test_images, _ = course_lib.load_cup_dataset()
    peaks[STAGES[1]] = peak_mib()
    X_train = course_lib.scale_pixels(course_lib.flatten_images(train_images))
    X_test = course_lib.scale_pixels(course_lib.flatten_images(test_images))
    peaks[STAGES[2]] = peak_mib()
    peaks["X_train MiB"], peaks["X_test MiB"] = X_train.nbytes / 2**20, X_test.nbytes / 2**20
    w, b = course_lib.initialize_parameters(X_train.shape[0])
    course_lib.gradient_descent(w, b, X_train, train_labels, 0.002, iterations, record_every=10)
    peaks[STAGES[3]] = peak_mib()
    return peaks


def run_child(code_arguments, timeout=CHILD_TIMEOUT_SECONDS):
    """Run a Python child with ``code_arguments`` and return the JSON object it prints last."""
    completed = subprocess.run([sys.executable, *code_arguments], cwd=COURSE_ROOT,
                               capture_output=True, text=True, timeout=timeout, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"Memory child {code_arguments} failed with exit code "
                           f"{completed.returncode}: {completed.stderr.strip()[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bare_numpy_peak():
    """Return the peak RSS in MiB of a child that only imports NumPy."""
    code = ("import json, sys, numpy; sys.path.insert(0, sys.argv[1]); import bench_memory; "
            "print(json.dumps(bench_memory.peak_mib()))")
    return float(run_child(["-c", code, str(BENCHMARKS_DIR)]))


def measure_memory(quick):
    """Run the ``memory`` benchmark and return its Section."""
    from bench_stats import Measurement, Section, Target, summarize

    runs = QUICK_RUNS if quick else FULL_RUNS
    iterations = QUICK_ITERATIONS if quick else FULL_ITERATIONS
    child = [str(Path(__file__).resolve()), "--child", str(iterations)]
    results = [run_child(child) for _ in range(runs)]
    numpy_peaks = [bare_numpy_peak() for _ in range(runs)]

    peak = summarize(result[STAGES[-1]] for result in results)
    measurements = [
        Measurement("peak RSS: load the dataset, build X, train", peak, "MiB",
                    Target("<", PEAK_TARGET_MIB), "VmHWM of a child process"),
        Measurement("peak RSS of `python -c \"import numpy\"`", summarize(numpy_peaks), "MiB",
                    note="for scale"),
    ]
    stages = [Measurement(f"after {stage}", summarize(result[stage] for result in results), "MiB")
              for stage in ("interpreter", *STAGES)]
    notes = [
        f"Each run is a fresh `python benchmarks/bench_memory.py --child {iterations}`: it imports "
        f"course_lib, loads the training and test images, flattens and scales both sets as "
        f"notebook 07 does, and runs {iterations} iterations of `gradient_descent` "
        f"(learning_rate=0.002, record_every=10). Every iteration allocates the same temporaries, "
        f"so more iterations do not raise the peak.",
        peak_explanation(results),
        f"The children's `resource.getrusage(RUSAGE_SELF).ru_maxrss` read "
        f"{results[0]['ru_maxrss at start']:.0f} MiB before the child had imported anything, "
        f"against a VmHWM of {results[0]['interpreter']:.0f} MiB, because Linux carries the "
        f"parent's peak over into the child; that is why the figures above use VmHWM.",
    ]
    section = Section("memory", "6. Peak memory of loading and training", measurements, notes)
    section.tables.append(("Peak RSS so far after each stage (the peak never decreases):", stages))
    return section


def peak_explanation(results):
    """Name the stage that raised the peak the most, from the measured stage peaks."""
    previous, steps = None, []
    for stage in ("interpreter", *STAGES):
        value = sorted(result[stage] for result in results)[len(results) // 2]
        if previous is not None:
            steps.append((value - previous, stage))
        previous = value
    increase, stage = max(steps)
    text = f"The largest increase of the peak, {increase:.0f} MiB, comes from {stage}."
    if stage == STAGES[2]:
        text += (f" In float64, X of the training set takes {results[0]['X_train MiB']:.0f} MiB "
                 f"and X of the test set {results[0]['X_test MiB']:.0f} MiB.")
    return text


def main(argv):
    """Entry point of the child: ``--child ITERATIONS`` prints the stage peaks as JSON."""
    if len(argv) != 2 or argv[0] != "--child":
        sys.stderr.write("usage: bench_memory.py --child ITERATIONS (started by run_all.py)\n")
        return 2
    print(json.dumps(run_child_stages(int(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
