"""Instant feedback for students: ``check("sigmoid")`` runs the public cases.

``check`` prints a report; ``run_checks`` returns the results for code that
needs them (the grader and the tests).

The report uses these exact words.  Each case line starts with the status
of the case: ``passed``, or in capitals when it did not pass:

- ``FAILED``: the function returned, but the output is wrong (type, shape,
  dtype or values), an input array was modified, or a ``RuntimeWarning``
  was raised.
- ``ERROR``: the function raised an exception.
- ``NOT IMPLEMENTED``: the stub's ``NotImplementedError`` was raised, by
  this function or by a graded function that it calls.

Each function's section starts with one of these headlines:

- ``NAME: all N cases passed`` or ``NAME: K of N cases passed``, followed
  by the case lines.
- ``NAME: not implemented yet``: every case raised the function's own stub.
  The next line is the stub's message.
- ``NAME: cannot run yet``: every case raised the stub of one graded
  function that NAME calls.  The next lines are "NAME calls OTHER, which is
  not implemented yet." and that stub's message.
- ``NAME: could not run its N cases``: the file could not be imported.

``check("NAME")`` shows every case in full.  A case that ran has an
``inputs:`` line, then ``got:``, ``expected:`` and ``tolerance:`` if it
returned or ``error:`` if it raised.  Then come a ``problem:`` line per
difference, a ``printed:`` line with the output of a case that did not
pass, and a ``hint:`` line per recognised mistake.  When a graded function that NAME
calls fails its own cases too, the section ends with a line that starts
with ``Fix OTHER first:``.  ``check()`` shows only the status line of each
case that passed, the details of the others, and a closing line
``Summary: P of N cases passed; F of G functions pass all their cases.``
"""

from course_lib.checks.report import format_report
from course_lib.checks.runner import CaseResult, run_checks

__all__ = ["CaseResult", "check", "run_checks"]


def check(name=None):
    """Run the public cases of one graded function, or of all, and print a report.

    The student's files in ``course_lib/graded/`` are reloaded first, so
    edits take effect without restarting the kernel.  Anything the function
    prints is captured and shown only for cases that fail.  The report on
    one function shows every case in full.  The report on all functions
    shows full details only for the cases that did not pass.

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
