"""Instant feedback for students: ``check("sigmoid")`` runs the public cases.

``check`` prints a report; ``run_checks`` returns the results for code that
needs them (the grader and the tests).
"""

from course_lib.checks.report import format_report
from course_lib.checks.runner import CaseResult, run_checks

__all__ = ["CaseResult", "check", "run_checks"]


def check(name=None):
    """Run the public cases of one graded function, or of all, and print a report.

    The student's files in ``course_lib/graded/`` are reloaded first, so
    edits take effect without restarting the kernel.  Anything the function
    prints is captured and shown only for cases that fail.

    Parameters
    ----------
    name : str or None, default None
        Name of a graded function, for example ``"sigmoid"``; None checks
        all of them.

    Returns
    -------
    None
        The report is printed, so a notebook cell shows only the report.

    Raises
    ------
    TypeError
        If ``name`` is not a string, for example the function itself.
    ValueError
        If ``name`` is not the name of a graded function.

    Notes
    -----
    Names that the notebook imported before the edit (``from course_lib
    import sigmoid``) keep the old code unless the notebook has run
    ``%autoreload 2``, as the course notebooks do in their first cell.

    Examples
    --------
    >>> check("sigmoid")  # doctest: +SKIP
    sigmoid: all 5 cases passed
    ...
    """
    results = run_checks(name)
    print(format_report(results))
