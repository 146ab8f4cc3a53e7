"""Options and fixtures of the real-browser JupyterLab test.

The test is marked ``browser`` and skipped unless ``--run-browser`` is given
or ``COURSE_BROWSER_TESTS=1`` is set.  It always opens a notebook with every
explorer, written to a temporary folder.  Course notebooks are added with
``--lab-notebook PATH`` (repeatable) or ``COURSE_BROWSER_NOTEBOOKS`` (paths
separated by ``os.pathsep``).

It needs Playwright (``pip install playwright``) and Debian's Chromium at
/usr/bin/chromium (``apt-get install chromium``).  Playwright's own browser
download is never used.
"""

import os
from pathlib import Path

import pytest

from explorer_notebook import write_explorer_notebook
from lab_server import LabServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACT_DIR = REPO / "test-artifacts" / "browser"
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_LAUNCH_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1280, "height": 1400}
ENABLE_VARIABLE = "COURSE_BROWSER_TESTS"
NOTEBOOKS_VARIABLE = "COURSE_BROWSER_NOTEBOOKS"
EXPLORER_NOTEBOOK = "explorers"


def pytest_addoption(parser):
    group = parser.getgroup("browser", "real-browser JupyterLab test")
    group.addoption("--run-browser", action="store_true", default=False,
                    help=f"run tests marked browser (same as {ENABLE_VARIABLE}=1)")
    group.addoption("--lab-notebook", action="append", default=[], metavar="PATH",
                    help="also open this notebook in JupyterLab; repeat for several")


def option(config, name, default):
    """Read an option that only exists when this conftest was loaded before the command line was parsed."""
    try:
        return config.getoption(name)
    except ValueError:
        return default


def browser_tests_enabled(config):
    return option(config, "--run-browser", False) or os.environ.get(ENABLE_VARIABLE) == "1"


def pytest_collection_modifyitems(config, items):
    if browser_tests_enabled(config):
        return
    skip = pytest.mark.skip(reason=f"real-browser test: pass --run-browser or set {ENABLE_VARIABLE}=1")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def requested_notebooks(config):
    """Return the course notebooks to open besides the explorer notebook, as resolved paths."""
    paths = list(option(config, "--lab-notebook", []))
    paths += [path for path in os.environ.get(NOTEBOOKS_VARIABLE, "").split(os.pathsep) if path]
    return [Path(path).resolve() for path in paths]


def pytest_generate_tests(metafunc):
    if "notebook_case" in metafunc.fixturenames:
        cases = [EXPLORER_NOTEBOOK] + [str(path) for path in requested_notebooks(metafunc.config)]
        ids = [EXPLORER_NOTEBOOK] + [Path(case).stem for case in cases[1:]]
        metafunc.parametrize("notebook_case", cases, ids=ids)


@pytest.fixture
def notebook_path(notebook_case, tmp_path):
    """The notebook to open: the generated explorer notebook, or a course notebook that must exist."""
    if notebook_case == EXPLORER_NOTEBOOK:
        folder = tmp_path / "notebooks"
        folder.mkdir()
        return write_explorer_notebook(folder)

    path = Path(notebook_case)
    if not path.is_file():
        pytest.fail(f"--lab-notebook {path} does not exist. Pass the path of an .ipynb file.")
    return path


@pytest.fixture
def lab_server(notebook_path, tmp_path):
    """A JupyterLab server serving the notebook's folder, stopped after the test whatever happens."""
    server = LabServer(root_dir=notebook_path.parent, state_dir=tmp_path / "lab")
    try:
        yield server.start(os.environ)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright, shared by all browser tests."""
    try:
        from playwright import sync_api
    except ImportError:
        pytest.fail("Playwright is not installed. Install it with: pip install playwright")
    if not CHROMIUM_PATH.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}. Install it with: apt-get install chromium")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS,
            timeout=BROWSER_LAUNCH_TIMEOUT_MS,
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium):
    """A fresh browser context and page, closed after the test."""
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def artifact_dir():
    """Folder for screenshots, git-ignored through test-artifacts/."""
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACT_DIR
