"""Start the sandboxed worker for one submission and read back its report.

Each grading thread keeps one worker host (see ``worker``), a process that
has imported NumPy and forks one worker per submission.  The request, the
report and the log are files passed to the host over a Unix socket, so
nothing that the submission prints can be mistaken for a result.  Printed
output and the worker's own errors go to the log file, of which the grader
keeps only the beginning for its debug log.
"""

import atexit
import base64
import hashlib
import json
import logging
import os
import signal
import socket
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

HOST_EXIT_SECONDS = 5.0
SETUP_TIMEOUT_SECONDS = 60.0

# Worker hosts still running, so that an interrupted run can stop them.
RUNNING_HOSTS = set()
RUNNING_HOSTS_LOCK = threading.Lock()
# The host of the current grading thread, in its attribute "host".
THREAD_HOST = threading.local()
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


@dataclass(frozen=True)
class WorkerSetup:
    """The part of every request that stays the same for a run, sent once to each worker host.

    Attributes
    ----------
    settings : SandboxSettings
    text : bytes
        The JSON that the host decodes: the limits, the folders, the cases
        of every graded function, the support files and the modules to preload.
    key : str
        The sha256 of ``text``.  Each request names it, so a host never
        grades a submission with the setup of another run.
    """

    settings: SandboxSettings
    text: bytes
    key: str


def build_setup(settings, cases_by_function, files, preload):
    """Encode the part of every request that stays the same for a whole run.

    Parameters
    ----------
    settings : SandboxSettings
    cases_by_function : dict
        Maps each graded function to its list of GradingCase.
    files : dict
        Maps paths relative to the sandbox to the contents (bytes) of the
        instructor's support files, written for every submission.
    preload : sequence of str
        Modules among ``files`` that the worker imports before forking the
        children, which then inherit them.  They must be instructor code,
        never a submission's module, because the worker runs them unrestricted.

    Returns
    -------
    WorkerSetup
    """
    document = {
        "cases": {function: [{"args": case.encoded_args, "kwargs": case.encoded_kwargs}
                             for case in cases]
                  for function, cases in cases_by_function.items()},
        "files": encode_files(files),
        "preload": list(preload),
        "limits": settings.limits.as_request(),
        "hidden_paths": list(settings.hidden_paths),
        "numpy_path": numpy_path(),
        "scratch_dir": os.path.join(settings.scratch_dir, "public"),
    }
    text = json.dumps(document, sort_keys=True).encode("utf-8")
    return WorkerSetup(settings, text, hashlib.sha256(text).hexdigest())


def encode_files(files):
    """Return {relative path: base64 text} for ``files`` (relative path to bytes)."""
    return {path: base64.b64encode(data).decode("ascii") for path, data in files.items()}


def run_worker(setup, jobs, files):
    """Run graded functions of one submission in a sandboxed worker, one child per function.

    Parameters
    ----------
    setup : WorkerSetup
        The run's setup, which contains the cases of every function in ``jobs``.
    jobs : list of (function, module)
        The graded function and the module that defines it.
    files : dict
        Maps paths relative to the sandbox to the contents (bytes) of the
        submission's graded files.

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
        "setup": setup.key,
        "jobs": [{"function": function, "module": module} for function, module in jobs],
        "files": encode_files(files),
    }
    scratch_dir = setup.settings.scratch_dir
    with tempfile.TemporaryFile(dir=scratch_dir) as request_file, \
            tempfile.TemporaryFile(dir=scratch_dir) as report_file, \
            tempfile.TemporaryFile(dir=scratch_dir) as log_file:
        request_file.write(json.dumps(request).encode("utf-8"))
        request_file.seek(0)
        envelope = start_and_wait(setup, (request_file, report_file, log_file), len(jobs))
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


class WorkerHost:
    """A worker host process and the grader's end of its control socket.

    Attributes
    ----------
    process : subprocess.Popen
        The host, which leads a process group of its own: killing the group
        also kills the worker it is running.
    control : socket.socket
    """

    def __init__(self):
        grader_end, host_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        command = [sys.executable, "-I", "-S", str(WORKER_PATH),
                   "--control-fd", str(host_end.fileno()), "--numpy-path", numpy_path()]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(host_end.fileno(),),
                env=worker_environment(),
                cwd="/",
                start_new_session=True,
            )
        finally:
            host_end.close()
        self.control = grader_end
        self.setup_key = None

    def is_running(self):
        """Return True while the host process runs and its socket is open."""
        return self.control.fileno() != -1 and self.process.poll() is None

    def load_setup(self, setup):
        """Send ``setup`` unless the host already has it; return False when the host failed."""
        if self.setup_key == setup.key:
            return True
        with tempfile.TemporaryFile(dir=setup.settings.scratch_dir) as setup_file:
            setup_file.write(setup.text)
            setup_file.seek(0)
            try:
                status = self.send(b"setup", (setup_file,), SETUP_TIMEOUT_SECONDS)
            except TimeoutError:
                status = None
        if status != 0:
            return False
        self.setup_key = setup.key
        return True

    def send(self, message, files, timeout):
        """Send ``message`` with open ``files`` and wait for the host's status line.

        Returns
        -------
        int or None
            The status (0 for a setup, the worker's exit status for a run),
            or None when the host stopped first.

        Raises
        ------
        TimeoutError
            If no reply came within ``timeout`` seconds.
        """
        try:
            socket.send_fds(self.control, [message], [stream.fileno() for stream in files])
        except OSError:
            return None
        self.control.settimeout(timeout)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = self.control.recv(64)
            if not chunk:
                return None
            reply += chunk
        return int(reply)

    def kill(self):
        """Kill the host's process group, which contains the host and its running worker."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.control.close()

    def close(self):
        """Close the socket, so the host exits after its current worker, then wait for it."""
        self.control.close()
        try:
            self.process.wait(timeout=HOST_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()


def thread_host():
    """Return the current thread's running worker host, starting one if needed.

    Checking the stop request and registering the host under one lock means
    that stop_all_workers either prevents the start or finds the host and kills it.
    """
    host = getattr(THREAD_HOST, "host", None)
    if host is not None and host.is_running():
        return host
    if host is not None:
        discard_host(host)
    with RUNNING_HOSTS_LOCK:
        if STOP_REQUESTED.is_set():
            raise GradingStopped
        host = WorkerHost()
        RUNNING_HOSTS.add(host)
    THREAD_HOST.host = host
    return host


def discard_host(host):
    """Kill ``host`` and forget it, so that the thread's next request starts a new one."""
    host.kill()
    with RUNNING_HOSTS_LOCK:
        RUNNING_HOSTS.discard(host)


def start_and_wait(setup, files, job_count):
    """Run the request in a worker, wait for it with a safety margin and parse its report.

    ``files`` are the open request, report and log files.
    """
    limits = setup.settings.limits
    host = thread_host()
    try:
        status = None
        if host.load_setup(setup):
            status = host.send(b"run", files,
                               limits.timeout_seconds * job_count + WORKER_MARGIN_SECONDS)
    except TimeoutError:
        discard_host(host)
        return {"outcome": "timeout", "events": "", "detail": "the worker itself did not stop"}
    except KeyboardInterrupt:
        # Ctrl-C reaches only the main thread; the host runs in a session of its own.
        discard_host(host)
        raise
    if status is None:
        discard_host(host)
        if STOP_REQUESTED.is_set():
            raise GradingStopped
        return {"outcome": "worker_error", "events": "",
                "detail": f"the worker host stopped with status {host.process.returncode}"}

    report_file = files[1]
    report_file.seek(0)
    report_cap = int(limits.output_mib * MIB) * 2 * job_count + MIB
    text = report_file.read(report_cap).decode("utf-8", "replace")
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        envelope = None
    if not isinstance(envelope, dict):
        return {"outcome": "worker_error", "events": "",
                "detail": f"the worker exited with status {status} without a report"}
    if "results" not in envelope and envelope.get("outcome") != "worker_error":
        return {"outcome": "worker_error", "events": "", "detail": "the worker's report is invalid"}
    return envelope


def stop_all_workers():
    """Kill every worker host and start no new one, for an interrupted run.

    The threads that were waiting for a killed worker raise GradingStopped,
    so their submissions are neither saved nor logged.
    """
    with RUNNING_HOSTS_LOCK:
        STOP_REQUESTED.set()
        hosts = list(RUNNING_HOSTS)
    for host in hosts:
        try:
            os.killpg(host.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@atexit.register
def close_worker_hosts():
    """Close every worker host, at the end of a run and when the grader exits."""
    with RUNNING_HOSTS_LOCK:
        hosts = list(RUNNING_HOSTS)
        RUNNING_HOSTS.clear()
    for host in hosts:
        host.close()


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
