"""Measure how well logistic regression learns the Cup dataset, against the majority baseline.

Usage (from the repository root)::

    .venv/bin/python benchmarks/dataset_baseline.py [--learning-rate 0.005] [--iterations 2000]

The recipe is the course's: flatten the images, divide by 255, start from
zero weights and run ``course_lib.gradient_descent``.  The script prints the
class mix, the accuracy of always predicting the larger class, the train and
test accuracy of the trained model, the recorded costs and the wall time.
"""

import argparse
import os
import time

import numpy as np

from course_lib import (
    accuracy,
    flatten_images,
    gradient_descent,
    initialize_parameters,
    load_cup_dataset,
    predict,
    scale_pixels,
)

from bench_report import read_cpu_model


def parse_arguments():
    """Parse the learning rate and the number of iterations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=0.005,
        help="gradient-descent step size (default: 0.005)",
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=2000,
        help="number of gradient-descent updates (default: 2000)",
    )
    return parser.parse_args()


def majority_accuracy(train_labels, test_labels):
    """Return the test accuracy of always predicting the larger class of the training set."""
    majority = int(train_labels.mean() >= 0.5)
    return float(np.mean(test_labels == majority))


def main():
    """Train on the shipped dataset and print the measurements."""
    arguments = parse_arguments()
    train_images, train_labels, test_images, test_labels = load_cup_dataset()
    X_train = scale_pixels(flatten_images(train_images))
    X_test = scale_pixels(flatten_images(test_images))

    print(f"machine: {os.cpu_count()} CPUs, {read_cpu_model()}")
    print(f"train: {train_labels.shape[1]} images, {train_labels.mean():.1%} cups")
    print(f"test: {test_labels.shape[1]} images, {test_labels.mean():.1%} cups")
    print(f"majority baseline test accuracy: {majority_accuracy(train_labels, test_labels):.1%}")

    start = time.perf_counter()
    w, b = initialize_parameters(X_train.shape[0])
    w, b, costs = gradient_descent(
        w, b, X_train, train_labels, arguments.learning_rate, arguments.iterations, record_every=500
    )
    seconds = time.perf_counter() - start

    settings = f"learning_rate {arguments.learning_rate}, {arguments.iterations} iterations"
    print(f"{settings}: {seconds:.1f} s")
    print("costs every 500 iterations: " + ", ".join(f"{cost:.4f}" for cost in costs))
    print(f"train accuracy: {accuracy(predict(w, b, X_train), train_labels):.1%}")
    print(f"test accuracy: {accuracy(predict(w, b, X_test), test_labels):.1%}")


if __name__ == "__main__":
    main()
