"""Start the sandboxed worker for one graded function and read back its report.

The request goes to the worker through a file on its standard input and the
report comes back through a separate file descriptor, so nothing that the
submission prints can be mistaken for a result.  Printed output and the
worker's own errors go to a log file, of which the grader keeps only the
beginning for its debug log.
"""

import base64
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LOGGER = logging.getLogger(__name__)

WORKER_PATH = Path(__file__).with_name("worker.py")
WORKER_MARGIN_SECONDS = 30.0
LOG_EXCERPT_BYTES = 2000
MIB = 1024 * 1024
ENVIRONMENT_PASSED_ON = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one call of one graded function.

    Attributes
    ----------
    timeout_seconds : float
        Wall-clock time for importing the module and running every case.
    cpu_seconds : int
        CPU time (RLIMIT_CPU) of the process that runs the submission.
    memory_mib : int
        Address space (RLIMIT_AS) of that process, in MiB.
    output_mib : float
        Maximum size, in MiB, of the report sent back to the grader, and of
        any single file (including printed output) that the process writes.
    """

    timeout_seconds: float = 30.0
    cpu_seconds: int = 30
    memory_mib: int = 1024
    output_mib: float = 4.0

    def as_request(self):
        """Return the limits in the units the worker uses (seconds and bytes)."""
        return {
            "timeout_seconds": float(self.timeout_seconds),
            "cpu_seconds": int(self.cpu_seconds),
            "memory_bytes": int(self.memory_mib * MIB),
            "output_bytes": int(self.output_mib * MIB),
        }


@dataclass(frozen=True)
class SandboxSettings:
    """What every worker call of a run shares.

    Attributes
    ----------
    limits : Limits
    hidden_paths : tuple of str
        Folders that the worker covers: the course, the results, the submissions.
    scratch_dir : str
        A private folder of the grader for request, report and log files.
    """

    limits: Limits
    hidden_paths: tuple
    scratch_dir: str


def numpy_path():
    """Return the folder that contains the ``numpy`` package the grader uses."""
    import numpy

    return str(Path(numpy.__file__).resolve().parent.parent)


def worker_environment():
    """Return the near-empty environment of the worker: one BLAS thread, a UTF-8 locale."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for name in ENVIRONMENT_PASSED_ON:
        if name in os.environ:
            environment[name] = os.environ[name]
    return environment


def run_worker(function, module, files, cases, settings):
    """Run ``function`` of ``module`` on ``cases`` in a sandboxed worker.

    Parameters
    ----------
    function, module : str
        The graded function and the module that defines it.
    files : dict
        Maps paths relative to the sandbox to file contents (bytes).
    cases : list of GradingCase
    settings : SandboxSettings

    Returns
    -------
    dict
        The worker's envelope: "outcome", "events", "isolation", the child's
        "exit_code" or "signal", and "log" (the start of the printed output).
    """
    request = {
        "function": function,
        "module": module,
        "files": {path: base64.b64encode(data).decode("ascii") for path, data in files.items()},
        "cases": [{"args": case.encoded_args, "kwargs": case.encoded_kwargs} for case in cases],
        "limits": settings.limits.as_request(),
        "hidden_paths": list(settings.hidden_paths),
        "numpy_path": numpy_path(),
        "scratch_dir": os.path.join(settings.scratch_dir, "public"),
    }
    with tempfile.TemporaryFile(dir=settings.scratch_dir) as request_file, \
            tempfile.TemporaryFile(dir=settings.scratch_dir) as report_file, \
            tempfile.TemporaryFile(dir=settings.scratch_dir) as log_file:
        request_file.write(json.dumps(request).encode("utf-8"))
        request_file.seek(0)
        envelope = start_and_wait(request_file, report_file, log_file, settings.limits)
        log_file.seek(0)
        envelope["log"] = log_file.read(LOG_EXCERPT_BYTES).decode("utf-8", "replace")
    return envelope


def start_and_wait(request_file, report_file, log_file, limits):
    """Start the worker, wait for it with a safety margin and parse its report."""
    command = [sys.executable, "-I", "-S", str(WORKER_PATH), "--result-fd", str(report_file.fileno())]
    process = subprocess.Popen(
        command,
        stdin=request_file,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        pass_fds=(report_file.fileno(),),
        env=worker_environment(),
        cwd="/",
        start_new_session=True,
    )
    try:
        process.wait(timeout=limits.timeout_seconds + WORKER_MARGIN_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return {"outcome": "timeout", "events": "", "detail": "the worker itself did not stop"}

    report_file.seek(0)
    text = report_file.read(int(limits.output_mib * MIB) * 2 + MIB).decode("utf-8", "replace")
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        envelope = None
    if not isinstance(envelope, dict):
        return {"outcome": "worker_error", "events": "",
                "detail": f"the worker exited with status {process.returncode} without a report"}
    return envelope


def parse_events(text):
    """Return the JSON objects of the child's event lines, skipping malformed lines.

    Returns
    -------
    events : list of dict
    malformed : int
        Number of lines that were not JSON objects.
    """
    events, malformed = [], 0
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            malformed += 1
            continue
        if isinstance(event, dict) and isinstance(event.get("event"), str):
            events.append(event)
        else:
            malformed += 1
    return events, malformed
