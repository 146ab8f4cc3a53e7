"""Command-line entry point: ``python -m course_lib COMMAND [options]``.

Each command lives in its own module, which is imported only when the command
runs, so a missing optional dependency of one command cannot break another.
"""

import importlib
import logging
import sys

INSTRUCTOR_COMMANDS = ("release", "grade", "gradescope", "dataset")
COMMANDS = {
    "dataset": ("course_lib.dataset.generate", "Regenerate the Cup dataset under assets/."),
    "release": ("course_lib.release", "Build the student release folder."),
    "workspace": ("course_lib.workspace", "Create or update a personal working copy for self-study."),
    "grade": ("course_lib.grading.cli", "Grade a folder of student submissions."),
    "gradescope": ("course_lib.grading.gradescope", "Build a Gradescope autograder bundle."),
}


def print_usage(stream):
    """Write the list of commands to ``stream``."""
    stream.write("usage: python -m course_lib COMMAND [options]\n\ncommands:\n")
    for name, (_, summary) in COMMANDS.items():
        stream.write(f"  {name:<11} {summary}\n")
    stream.write("\nRun python -m course_lib COMMAND --help for the options of a command.\n")


def main(argv=None):
    """Dispatch to the ``main(argv)`` function of the requested command's module."""
    argv = sys.argv[1:] if argv is None else list(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if not argv or argv[0] in ("-h", "--help"):
        print_usage(sys.stdout)
        return 0
    if argv[0] not in COMMANDS:
        sys.stderr.write(f"error: unknown command {argv[0]!r}.\n\n")
        print_usage(sys.stderr)
        return 2

    module_name, _ = COMMANDS[argv[0]]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if argv[0] not in INSTRUCTOR_COMMANDS or not error.name or not module_name.startswith(error.name):
            raise
        sys.stderr.write(
            f"error: the {argv[0]!r} command is an instructor tool and is not part of the "
            f"student release ({module_name} is missing). Run it from the instructor's copy of the course.\n"
        )
        return 2
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
