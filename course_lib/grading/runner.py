"""Start the sandboxed worker for one submission and read back its report.

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
import threading
from dataclasses import dataclass
from pathlib import Path

LOGGER = logging.getLogger(__name__)

WORKER_PATH = Path(__file__).with_name("worker.py")
WORKER_MARGIN_SECONDS = 30.0
LOG_EXCERPT_BYTES = 2000
MIB = 1024 * 1024
ENVIRONMENT_PASSED_ON = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# Worker processes still running, so that an interrupted run can stop them.
RUNNING_WORKERS = set()
RUNNING_WORKERS_LOCK = threading.Lock()
# Set by stop_all_workers: no worker starts and no result counts until clear_stop_request.
STOP_REQUESTED = threading.Event()


class GradingStopped(Exception):
    """Raised in place of a result when the run was interrupted; nothing of it may be saved."""


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
    """Settings shared by every worker call of a run.

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


def run_worker(jobs, files, settings):
    """Run graded functions of one submission in a sandboxed worker, one child per function.

    Parameters
    ----------
    jobs : list of (function, module, cases)
        The graded function, the module that defines it and its GradingCase list.
    files : dict
        Maps paths relative to the sandbox to file contents (bytes).
    settings : SandboxSettings

    Returns
    -------
    list of dict
        One report per job: "outcome", "events", the child's "exit_code" or
        "signal", and the worker's "isolation".  When the worker itself
        failed, every report has the outcome "worker_error" or "timeout".

    Raises
    ------
    GradingStopped
        If ``stop_all_workers`` was called before or while the worker ran.
    """
    if STOP_REQUESTED.is_set():
        raise GradingStopped
    request = {
        "jobs": [
            {"function": function, "module": module,
             "cases": [{"args": case.encoded_args, "kwargs": case.encoded_kwargs}
                       for case in cases]}
            for function, module, cases in jobs
        ],
        "files": {path: base64.b64encode(data).decode("ascii") for path, data in files.items()},
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
        envelope = start_and_wait(request_file, report_file, log_file, settings.limits, len(jobs))
        if STOP_REQUESTED.is_set():
            raise GradingStopped
        log_file.seek(0)
        log = log_file.read(LOG_EXCERPT_BYTES).decode("utf-8", "replace")
    if log:
        LOGGER.debug("The submission printed: %s", log)

    results = envelope.get("results")
    if not (isinstance(results, list) and len(results) == len(jobs)
            and all(isinstance(result, dict) for result in results)):
        return [dict(envelope) for _ in jobs]
    return [dict(result, isolation=envelope.get("isolation", {})) for result in results]


def start_and_wait(request_file, report_file, log_file, limits, job_count):
    """Start the worker, wait for it with a safety margin and parse its report."""
    command = [sys.executable, "-I", "-S", str(WORKER_PATH), "--result-fd", str(report_file.fileno())]
    # Checking the stop request and registering the process under one lock means that
    # stop_all_workers either prevents the start or finds the process and kills it.
    with RUNNING_WORKERS_LOCK:
        if STOP_REQUESTED.is_set():
            raise GradingStopped
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
        RUNNING_WORKERS.add(process)
    try:
        process.wait(timeout=limits.timeout_seconds * job_count + WORKER_MARGIN_SECONDS)
    except subprocess.TimeoutExpired:
        kill_worker(process)
        process.wait()
        return {"outcome": "timeout", "events": "", "detail": "the worker itself did not stop"}
    except KeyboardInterrupt:
        # Ctrl-C reaches only the main thread; the worker runs in a session of its own.
        kill_worker(process)
        process.wait()
        raise
    finally:
        with RUNNING_WORKERS_LOCK:
            RUNNING_WORKERS.discard(process)

    report_file.seek(0)
    report_cap = int(limits.output_mib * MIB) * 2 * job_count + MIB
    text = report_file.read(report_cap).decode("utf-8", "replace")
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        envelope = None
    if not isinstance(envelope, dict):
        return {"outcome": "worker_error", "events": "",
                "detail": f"the worker exited with status {process.returncode} without a report"}
    if "results" not in envelope and envelope.get("outcome") != "worker_error":
        return {"outcome": "worker_error", "events": "", "detail": "the worker's report is invalid"}
    return envelope


def kill_worker(process):
    """Kill a worker's process group, which contains the worker and its children."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_all_workers():
    """Kill every running worker and start no new one, for an interrupted run.

    The threads that were waiting for a killed worker raise GradingStopped,
    so their submissions are neither saved nor logged.
    """
    with RUNNING_WORKERS_LOCK:
        STOP_REQUESTED.set()
        processes = list(RUNNING_WORKERS)
    for process in processes:
        kill_worker(process)


def clear_stop_request():
    """Allow workers to start again, at the beginning of a run."""
    STOP_REQUESTED.clear()


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
