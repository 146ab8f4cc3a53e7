"""Summaries of repeated measurements, targets, and the timing loops that produce them.

Every benchmark repeats a measurement several times and reports the median
with the minimum and the maximum, because the machine may be shared and
one run can be slowed by other processes.  A speed comparison is measured
as a ratio within one process, alternating the two sides, so that both see
the same load.
"""

import math
import statistics
import time
from dataclasses import dataclass, field

COMPARISONS = ("<=", "<", ">=", ">")


@dataclass(frozen=True)
class Summary:
    """Median, minimum and maximum of repeated measurements of one quantity."""

    median: float
    minimum: float
    maximum: float
    runs: int


def summarize(values):
    """Summarize repeated measurements by their median, minimum and maximum.

    Parameters
    ----------
    values : iterable of float
        One value per run, at least one, all finite.

    Returns
    -------
    Summary

    Raises
    ------
    ValueError
        If ``values`` is empty or contains NaN or an infinity.
    """
    values = [float(value) for value in values]
    if not values:
        raise ValueError(
            "values must contain at least one measurement, got an empty sequence. "
            "Run the measurement at least once before summarizing it."
        )
    not_finite = [value for value in values if not math.isfinite(value)]
    if not_finite:
        raise ValueError(
            f"values must be finite, got {not_finite[0]!r} among {len(values)} values. "
            f"Check the measurement that produced it."
        )
    return Summary(statistics.median(values), min(values), max(values), len(values))


@dataclass(frozen=True)
class Target:
    """A bound that the median of a measurement should respect, such as ``<= 1.15``."""

    comparison: str
    bound: float

    def __post_init__(self):
        if self.comparison not in COMPARISONS:
            raise ValueError(
                f"comparison must be one of {', '.join(COMPARISONS)}, got {self.comparison!r}."
            )

    def is_met(self, value):
        """Return True when ``value`` satisfies the bound."""
        if self.comparison == "<=":
            return value <= self.bound
        if self.comparison == "<":
            return value < self.bound
        if self.comparison == ">=":
            return value >= self.bound
        return value > self.bound


@dataclass(frozen=True)
class Measurement:
    """One reported quantity: its summary, unit, optional target and a short note.

    Attributes
    ----------
    label : str
        What was measured, in a few words.
    summary : Summary
    unit : str
        Unit of the values: ``"s"``, ``"ms"``, ``"x"`` for a ratio, ``"MiB"``
        or ``"%"``.
    target : Target or None
        The bound that the median should respect, if there is one.
    note : str
        How it was measured, where the label alone leaves it unclear.
    """

    label: str
    summary: Summary
    unit: str
    target: Target = None
    note: str = ""

    @property
    def verdict(self):
        """Return ``"met"`` or ``"missed"`` for the median against the target, else ``""``."""
        if self.target is None:
            return ""
        return "met" if self.target.is_met(self.summary.median) else "missed"


@dataclass
class Section:
    """The results of one benchmark, as one section of the report.

    Attributes
    ----------
    name : str
        The name that ``run_all.py --only`` selects it by.
    title : str
        Heading of the section.
    measurements : list of Measurement
    notes : list of str
        Markdown paragraphs printed after the table: settings, what the
        figures mean and, for a missed target, the cause that was measured.
    tables : list of (str, list of Measurement)
        Further tables with a caption each, for example a breakdown.
    """

    name: str
    title: str
    measurements: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    tables: list = field(default_factory=list)


def time_once(function, *args, **kwargs):
    """Call ``function`` once and return the elapsed wall-clock seconds."""
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def time_repeats(function, repeats, *args, **kwargs):
    """Return the wall-clock seconds of ``repeats`` separate calls of ``function``."""
    return [time_once(function, *args, **kwargs) for _ in range(repeats)]


def interleaved_times(first, second, repeats):
    """Time two argument-free callables alternately and return both lists of seconds.

    The order alternates between repeats (first-second, then second-first)
    so that neither side always runs right after the other's cache misses
    or always at the start of a burst of load from other processes.

    Returns
    -------
    first_seconds, second_seconds : list of float
        One value per repeat; ``first_seconds[i] / second_seconds[i]`` is
        the ratio measured in repeat ``i``.
    """
    first_seconds, second_seconds = [], []
    for repeat in range(repeats):
        if repeat % 2 == 0:
            first_seconds.append(time_once(first))
            second_seconds.append(time_once(second))
        else:
            second_seconds.append(time_once(second))
            first_seconds.append(time_once(first))
    return first_seconds, second_seconds


def ratios(numerators, denominators):
    """Return the element-wise ratios of two equally long lists of positive numbers."""
    if len(numerators) != len(denominators):
        raise ValueError(
            f"numerators and denominators must have the same length, got "
            f"{len(numerators)} and {len(denominators)}."
        )
    return [numerator / denominator for numerator, denominator in zip(numerators, denominators)]
