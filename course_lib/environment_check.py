"""Check that the installed ipywidgets can be drawn by the installed JupyterLab widget front end.

ipywidgets runs in the kernel; JupyterLab draws its widgets with the
``jupyterlab_widgets`` extension.  The two speak a versioned protocol, and a
pair from different generations makes every slider show "Error displaying
widget" instead of the control.  The course needs ipywidgets 8.x, which
works with jupyterlab_widgets 3.x (ipywidgets 8.1.9 declares
``jupyterlab_widgets~=3.0.17`` in its package metadata).  The two can still
drift apart when one of them is upgraded alone or installed by another tool
such as conda.

Usage: ``python -m course_lib.environment_check``.
"""

import importlib.metadata
import logging
import re
import sys

LOGGER = logging.getLogger(__name__)

REQUIRED_IPYWIDGETS_MAJOR = 8
REQUIRED_FRONTEND_MAJOR = 3
INSTALL_COMMAND = "pip install 'ipywidgets>=8.1,<9' 'jupyterlab_widgets>=3,<4'"
RESTART_ADVICE = "then restart JupyterLab and reload the browser tab"


class WidgetFrontendError(RuntimeError):
    """The installed ipywidgets and JupyterLab widget front end cannot work together."""


def installed_version(distribution):
    """Return the installed version of ``distribution`` as a string, or None if it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def major_version(version, distribution):
    """Return the major version number of ``version``, such as 8 for ``"8.1.5"``."""
    match = re.match(r"\s*v?(\d+)", version)
    if match is None:
        raise WidgetFrontendError(
            f"Could not read the major version of {distribution} from {version!r}. "
            f"Reinstall it with: {INSTALL_COMMAND}"
        )
    return int(match.group(1))


def check_widget_frontend():
    """Check that ipywidgets 8 and its JupyterLab front end jupyterlab_widgets 3 are installed.

    Returns
    -------
    versions : dict of str to str
        The installed versions, keyed by ``"ipywidgets"`` and
        ``"jupyterlab_widgets"``.

    Raises
    ------
    WidgetFrontendError
        If either package is missing, ipywidgets is not 8.x, or the front
        end's major version does not match ipywidgets.  The message names
        both versions and the command that fixes them.

    Notes
    -----
    The versions are read with ``importlib.metadata`` from the environment
    of the running Python, which is the kernel's.  When JupyterLab runs
    from another environment, its own ``jupyterlab_widgets`` is the one
    that matters, and this check cannot see it.
    """
    widgets_version = installed_version("ipywidgets")
    frontend_version = installed_version("jupyterlab_widgets")
    if widgets_version is None:
        raise WidgetFrontendError(f"ipywidgets is not installed. Install it with: {INSTALL_COMMAND}")
    if frontend_version is None:
        raise WidgetFrontendError(
            f"jupyterlab_widgets, the JupyterLab front end of ipywidgets {widgets_version}, is not "
            f"installed, so JupyterLab shows 'Error displaying widget'. "
            f"Install it with: {INSTALL_COMMAND}, {RESTART_ADVICE}."
        )

    widgets_major = major_version(widgets_version, "ipywidgets")
    if widgets_major != REQUIRED_IPYWIDGETS_MAJOR:
        raise WidgetFrontendError(
            f"The course needs ipywidgets {REQUIRED_IPYWIDGETS_MAJOR}.x, got {widgets_version}. "
            f"Upgrade both widget packages with: {INSTALL_COMMAND}, {RESTART_ADVICE}."
        )

    if major_version(frontend_version, "jupyterlab_widgets") != REQUIRED_FRONTEND_MAJOR:
        raise WidgetFrontendError(
            f"ipywidgets {widgets_version} needs jupyterlab_widgets {REQUIRED_FRONTEND_MAJOR}.x, "
            f"got jupyterlab_widgets {frontend_version}, so JupyterLab shows 'Error displaying "
            f"widget'. Install a matching pair with: {INSTALL_COMMAND}, {RESTART_ADVICE}."
        )

    LOGGER.info("ipywidgets %s and jupyterlab_widgets %s match", widgets_version, frontend_version)
    return {"ipywidgets": widgets_version, "jupyterlab_widgets": frontend_version}


def main(argv=None):
    """Run ``check_widget_frontend`` and return 0 if the widget packages match, 1 if not."""
    if argv:
        LOGGER.error("environment_check takes no arguments, got %s", " ".join(argv))
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    try:
        check_widget_frontend()
    except WidgetFrontendError as error:
        LOGGER.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
