"""The test-case format shared by ``check()`` and the batch grader.

A case names a graded function, builds fresh arguments on every call (so a
function that mutates its input cannot affect the next case), and either
stores its expected value (public cases, which ship to students) or leaves
it to be computed from the reference solution at grading time (hidden cases,
which never ship).
"""

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class Case:
    """One input for one graded function, with its expected result and tolerance.

    Attributes
    ----------
    function : str
        Name of the graded function, for example ``"sigmoid"``.
    description : str
        A few words that tell the student what the case covers.
    make_args : callable
        Returns a fresh tuple of positional arguments each time it is called.
    make_kwargs : callable
        Returns a fresh dict of keyword arguments each time it is called.
    expected : object
        The expected return value, or None for a hidden case whose expected
        value is computed from the reference solution when grading.
    rtol, atol : float
        Tolerances for ``numpy.allclose``-style comparison.
    mistake_outputs : dict
        Maps a hint id from ``course_lib.checks.hints`` to the output that this
        known mistake returns on this case.  A student's output that matches it
        within the tolerances gets that hint.  Empty for most cases.
    """

    function: str
    description: str
    make_args: Callable[[], tuple]
    make_kwargs: Callable[[], dict] = field(default=dict)
    expected: Any = None
    rtol: float = 1e-6
    atol: float = 1e-9
    mistake_outputs: dict = field(default_factory=dict)
