"""Start ``make lab`` on loopback as a learner would and ask JupyterLab's API for the course."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_SECONDS = 120
EXPECTED_NOTEBOOKS = sorted(path.name for path in (REPO / "notebooks").glob("*.ipynb"))


def free_port():
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url, token):
    """GET ``url`` with the server token and decode the JSON body."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for_api(base_url, token, process):
    """Poll the server's status endpoint until it responds, the process exits, or the timeout passes."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make lab exited early with code {process.returncode}")
        try:
            return get_json(f"{base_url}/api/status", token)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise AssertionError(f"JupyterLab did not respond at {base_url} within {STARTUP_TIMEOUT_SECONDS} s")


@pytest.fixture(scope="module")
def running_lab(tmp_path_factory):
    """Run ``make lab`` once for this module with the working copy in a temporary folder.

    Yields (base_url, token, work_dir) and stops the server afterwards.
    """
    tmp_path = tmp_path_factory.mktemp("lab")
    port = free_port()
    token = secrets.token_hex(16)
    work_dir = tmp_path / "work"
    command = [
        "make", "--no-print-directory", "lab",
        f"LAB_PORT={port}",
        f"WORK_DIR={work_dir}",
        f"RELEASE_DIR={tmp_path / 'release'}",
        f"LAB_OPTIONS=--no-browser --IdentityProvider.token={token}",
    ]
    log_path = tmp_path / "lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_api(f"http://127.0.0.1:{port}", token, process)
        yield f"http://127.0.0.1:{port}", token, work_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_make_lab_serves_course_notebooks(running_lab):
    base_url, token, _ = running_lab
    listing = get_json(f"{base_url}/api/contents/notebooks", token)
    served = sorted(entry["name"] for entry in listing["content"] if entry["type"] == "notebook")
    assert served == EXPECTED_NOTEBOOKS


def test_make_lab_notebooks_have_no_outputs(running_lab):
    base_url, token, _ = running_lab
    model = get_json(f"{base_url}/api/contents/notebooks/{EXPECTED_NOTEBOOKS[0]}", token)
    outputs = [output for cell in model["content"]["cells"] if cell["cell_type"] == "code" for output in cell["outputs"]]
    assert outputs == []


def test_make_lab_working_copy_has_stubs(running_lab):
    _, _, work_dir = running_lab
    source = (work_dir / "course_lib" / "graded" / "lesson02_sigmoid.py").read_text()
    assert "raise NotImplementedError" in source
    assert "BEGIN SOLUTION" not in source
