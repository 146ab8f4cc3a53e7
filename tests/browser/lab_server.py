"""Start and stop a private JupyterLab server on 127.0.0.1 for the browser test.

The server gets a random token, a free port and its own configuration,
runtime, settings and workspace folders, so neither the tester's Jupyter
setup nor a restored workspace changes what the browser shows.  Autosave is
off, so running a course notebook in the browser never writes it back.
"""

import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

LOGGER = logging.getLogger(__name__)

HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 120
SHUTDOWN_TIMEOUT_SECONDS = 20
POLL_SECONDS = 0.5

# JupyterLab settings that the server would otherwise read from the user's home.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Render every cell, so the test can read every prompt and output from the page.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


def free_port():
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def write_lab_settings(settings_dir):
    """Write the JupyterLab user settings that the test server runs with."""
    for relative_path, values in LAB_SETTINGS.items():
        path = Path(settings_dir) / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


class LabServer:
    """A JupyterLab server process serving ``root_dir``, started by ``start`` and ended by ``stop``.

    Parameters
    ----------
    root_dir : pathlib.Path
        Folder that JupyterLab serves; notebooks are opened relative to it.
    state_dir : pathlib.Path
        Empty folder for the server's configuration, runtime files, settings,
        workspaces and log.
    """

    def __init__(self, root_dir, state_dir):
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.log_path = self.state_dir / "jupyterlab.log"
        self.process = None

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def notebook_url(self, relative_path):
        """Return the URL that opens ``relative_path`` in JupyterLab, token included."""
        return f"{self.base_url}/lab/tree/{Path(relative_path).as_posix()}?token={self.token}"

    def command(self):
        settings_dir = self.state_dir / "settings"
        write_lab_settings(settings_dir)
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            f"--ServerApp.ip={HOST}",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            f"--LabApp.user_settings_dir={settings_dir}",
            f"--LabApp.workspaces_dir={self.state_dir / 'workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.terminals_enabled=False",
        ]
        # CI runs as root, and Jupyter Server exits when started as root without allow_root.
        if os.geteuid() == 0:
            command.append("--ServerApp.allow_root=True")
        return command

    def environment(self, base_environment):
        environment = dict(base_environment)
        environment["JUPYTER_CONFIG_DIR"] = str(self.state_dir / "config")
        environment["JUPYTER_RUNTIME_DIR"] = str(self.state_dir / "runtime")
        environment["JUPYTER_DATA_DIR"] = str(self.state_dir / "data")
        return environment

    def start(self, base_environment):
        """Start the server and wait until its API responds, or raise ``RuntimeError`` with its log."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.root_dir, env=self.environment(base_environment),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        LOGGER.info("started JupyterLab pid %d on port %d", self.process.pid, self.port)

        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n{self.log_tail()}")
            if self.api_ready():
                return self
            time.sleep(POLL_SECONDS)
        raise RuntimeError(f"JupyterLab did not respond within {STARTUP_TIMEOUT_SECONDS} s:\n{self.log_tail()}")

    def request(self, method, path, timeout=10):
        """Send one API request with the token and return the decoded JSON body, or None if empty."""
        request = urllib.request.Request(
            f"{self.base_url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def api_ready(self):
        try:
            self.request("GET", "/api/status", timeout=2)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        return True

    def shutdown_kernels(self):
        """Shut down every kernel through the API, so none outlives the server."""
        try:
            for kernel in self.request("GET", "/api/kernels"):
                self.request("DELETE", f"/api/kernels/{kernel['id']}", timeout=SHUTDOWN_TIMEOUT_SECONDS)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            LOGGER.warning("could not shut down kernels of JupyterLab pid %d: %s", self.process.pid, error)

    def stop(self):
        """Shut down the kernels, then terminate the server, and kill it if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.shutdown_kernels()
        self.process.terminate()
        try:
            self.process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            LOGGER.warning("JupyterLab pid %d ignored SIGTERM, killing it", self.process.pid)
            self.process.kill()
            self.process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
        LOGGER.info("stopped JupyterLab pid %d", self.process.pid)

    def log_tail(self, max_chars=4000):
        """Return the end of the server log, for failure messages."""
        if not self.log_path.exists():
            return "(no log)"
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-max_chars:]
