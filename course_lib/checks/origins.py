"""Find the graded function in whose code an exception or a warning was raised.

A case calls one graded function, which may call others.  The checks use
these origins to tell the function's own stub from the stub of a function
it calls, and an overflow in its own code from one inside the student's
``sigmoid``.  Functions are matched by their code objects and line ranges,
so a replacement passed to ``run_checks`` is found like the student's file.
"""

import sys

from course_lib.checks import specs


def current_graded_functions(name, function):
    """Return a dict that maps each graded function name to the code it runs now.

    ``function`` is the implementation being checked as ``name``.  The others
    are looked up in their modules, which hold any replacement that
    ``run_checks`` put in place.  Callables without Python code are left out.
    """
    functions = {}
    for graded_name in specs.FUNCTION_NAMES:
        if graded_name == name:
            implementation = function
        else:
            module = sys.modules.get(specs.MODULE_OF[graded_name])
            implementation = getattr(module, graded_name, None)
        if hasattr(implementation, "__code__"):
            functions[graded_name] = implementation
    return functions


def function_raising(error, functions):
    """Return the name of the graded function whose code raised ``error``, or None.

    The innermost traceback frame that runs the code of one of ``functions``
    decides, so an exception from a helper of that function counts as its own.
    """
    names_by_code = {function.__code__: name for name, function in functions.items()}
    frame_codes = []
    traceback = error.__traceback__
    while traceback is not None:
        frame_codes.append(traceback.tb_frame.f_code)
        traceback = traceback.tb_next
    for code in reversed(frame_codes):
        if code in names_by_code:
            return names_by_code[code]
    return None


def function_at(filename, line, functions):
    """Return the name of the graded function whose source contains ``filename:line``, or None."""
    for name, function in functions.items():
        code = function.__code__
        if code.co_filename == filename and line in source_lines(code):
            return name
    return None


def source_lines(code):
    """Return the range of line numbers that the code object spans, nested code included."""
    lines = [line for _, _, line in code.co_lines() if line is not None]
    return range(code.co_firstlineno, max(lines, default=code.co_firstlineno) + 1)
