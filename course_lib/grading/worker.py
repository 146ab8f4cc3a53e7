"""Run the graded functions of one submission inside a sandbox and report what they returned.

The grader starts this file as a script, ``python -I -S worker.py
--control-fd N --numpy-path DIR``: a host process that imports NumPy once and
then waits for messages on the Unix socket N.  A "setup" message carries
one file with what a whole run shares: the limits, the folders, the support
files and every function's cases, which the host decodes once.  A "run"
message carries three files, the JSON request (the submission's graded
files and the functions to grade), the report and the log.  The host forks
one worker per request, so a submission's worker starts with NumPy and the
cases already loaded and with nothing left over from earlier submissions.
The host replies to each message with a status line: 0 for a setup, the
worker's exit status for a run.

The worker is trusted code: it reads the request, isolates itself (see
``sandbox``) and writes the submission's files into a private folder.  Then,
for each graded function, it forks a child in a new PID namespace.  The
child restricts itself further, imports the submission's module and calls
the function on every case.  It reports one JSON line per event on a pipe
that only the worker reads.  The worker enforces the wall-clock timeout and
the output cap of each child, then writes a single JSON envelope to the
report file, which no child holds.

Neither process compares anything: the expected values stay in the grader.
The module imports only the standard library and its two neighbours,
``sandbox`` and ``wire``, which it loads by path before the course folder is
hidden.
"""

import base64
import gc
import hashlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
import warnings

# Folders on sys.path when NumPy was imported; each child checks it can still read them.
IMPORT_FOLDERS = []
# The traceback of the host's failed NumPy import, or None.
PRELOAD_ERROR = None
# The run's setup as ``load_setup`` decoded it: "key" (the sha256 of its text, or None when
# it failed to load, with the traceback in "error"), "cases" by function, "files" as bytes,
# "preload", "limits", "hidden_paths", "numpy_path", "scratch_dir".
SETUP = {"key": None, "error": "no setup was received"}
READ_CHUNK = 65536
# How often to check for the child's exit where os.pidfd_open is missing.
FALLBACK_POLL_SECONDS = 0.05
MAX_MESSAGE_LENGTH = 500


def main(argv):
    """Import NumPy, then serve the grader's requests until it closes the socket."""
    control_fd = int(argv[argv.index("--control-fd") + 1])
    numpy_path = argv[argv.index("--numpy-path") + 1]
    preload_numpy(numpy_path)
    return serve(socket.socket(fileno=control_fd))


def preload_numpy(numpy_path):
    """Import NumPy in the host, so that every forked worker starts with it loaded.

    A failure is kept in ``PRELOAD_ERROR`` and reported by each worker,
    because the host has no other way to reach the grader's log.
    """
    global PRELOAD_ERROR
    sys.path.append(numpy_path)
    try:
        import numpy  # noqa: F401
    except Exception:  # noqa: BLE001 - reported with every request instead
        PRELOAD_ERROR = traceback.format_exc(limit=5)
    finally:
        sys.path.remove(numpy_path)


def serve(control):
    """Reply to each message received on ``control`` until the grader closes it.

    Returns 0 when the grader closes the socket, and 2 on a message that is
    neither a setup with one file nor a run with three files.
    """
    try:
        sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # Without it the host still exits when the grader's end of the socket closes.
    while True:
        message, fds, _, _ = socket.recv_fds(control, 64, 3)
        if not message:
            return 0
        if message == b"setup" and len(fds) == 1:
            load_setup(fds[0])
            status = 0
        elif message == b"run" and len(fds) == 3:
            status = fork_worker(control, fds)
        else:
            for fd in fds:
                os.close(fd)
            return 2
        control.sendall(f"{status}\n".encode("ascii"))


def load_setup(setup_fd):
    """Read and decode the run's setup into ``SETUP``, keeping the traceback if that fails."""
    global SETUP
    try:
        with os.fdopen(setup_fd, "rb") as stream:
            text = stream.read()
        document = json.loads(text)
        cases = {function: [(wire.decode_value(case["args"]), wire.decode_value(case["kwargs"]))
                            for case in function_cases]
                 for function, function_cases in document["cases"].items()}
        files = {path: base64.b64decode(content) for path, content in document["files"].items()}
        SETUP = dict(document, key=hashlib.sha256(text).hexdigest(), cases=cases, files=files)
        # Objects that no collection will traverse stay unwritten in the forked workers, so
        # their memory pages are not copied.
        gc.freeze()
    except Exception:  # noqa: BLE001 - reported with every request of this setup
        SETUP = {"key": None, "error": traceback.format_exc(limit=5)}


def fork_worker(control, fds):
    """Fork the worker for one request, wait for it and return its exit status."""
    pid = os.fork()
    if pid == 0:
        control.close()
        os._exit(run_forked_worker(*fds))
    for fd in fds:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def run_forked_worker(request_fd, report_fd, log_fd):
    """Grade one request in the forked worker and write its envelope; return the exit status.

    Standard output and error go to the log file, which the function
    children inherit for what the submission prints.
    """
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)

    try:
        with os.fdopen(request_fd, "rb") as stream:
            request = json.loads(stream.read())
        envelope = run_request(request)
    except Exception:  # noqa: BLE001 - the grader must receive every worker failure
        envelope = {"outcome": "worker_error", "detail": traceback.format_exc(limit=5)}

    with os.fdopen(report_fd, "w", encoding="utf-8") as stream:
        json.dump(envelope, stream)
    sys.stdout.flush()
    return 0


def run_request(request):
    """Isolate, run one child per graded function and return the envelope dict.

    Returns
    -------
    dict
        "isolation" and "results", one dict per job in request order (see
        ``collect_events``).
    """
    if SETUP["key"] is None:
        raise RuntimeError(f"the worker host has no valid setup:\n{SETUP['error']}")
    if request["setup"] != SETUP["key"]:
        raise RuntimeError("the request names another setup than the one the worker host loaded")

    kept_paths = find_kept_paths(BASE_SYS_PATH + [SETUP["numpy_path"]])
    isolation, path_map, sandbox_dir = sandbox.isolate_worker(SETUP["hidden_paths"], kept_paths)
    own_folder = sandbox_dir is None
    if own_folder:
        sandbox_dir = tempfile.mkdtemp(prefix="submission-", dir=SETUP["scratch_dir"])
        os.chmod(sandbox_dir, 0o755)

    init_pid = sandbox.start_namespace_init() if isolation["pid"] else None
    try:
        write_files(sandbox_dir, SETUP["files"])
        write_files(sandbox_dir, decode_files(request["files"]))
        import_numpy(SETUP["numpy_path"], path_map)
        import_support_modules(SETUP["preload"], sandbox_dir)
        gc.freeze()
        results = [run_job(job, SETUP["limits"], isolation, sandbox_dir)
                   for job in request["jobs"]]
    finally:
        if init_pid is not None:
            os.kill(init_pid, signal.SIGKILL)
            os.waitpid(init_pid, 0)
        if own_folder:
            shutil.rmtree(sandbox_dir, ignore_errors=True)
    return {"isolation": isolation, "results": results}


def import_numpy(numpy_path, path_map):
    """Point ``sys.path`` and the packages loaded so far at the kept folders, then import NumPy.

    The host imported NumPy from its original folder, which may be hidden or
    unreadable for the children.  The kept folders are readable, so a module
    that NumPy or the submission imports later is found there.  The import
    below only completes what the host's import did not load.
    """
    if PRELOAD_ERROR is not None:
        raise RuntimeError(f"the worker host could not import NumPy:\n{PRELOAD_ERROR}")
    entries = BASE_SYS_PATH + [numpy_path]
    sys.path[:] = [map_path(os.path.realpath(entry), path_map) for entry in entries]
    remap_package_paths(path_map)
    import numpy  # noqa: F401

    IMPORT_FOLDERS[:] = [entry for entry in sys.path if os.path.isdir(entry)]


def import_support_modules(names, sandbox_dir):
    """Import the instructor's support modules from the sandbox folder, for every child to inherit.

    ``names`` come from the grader and never name a submission's module, so
    only trusted code runs here.  Each child then imports just the
    submission's own modules.
    """
    import importlib

    sys.dont_write_bytecode = True
    sys.path.insert(0, sandbox_dir)
    for name in names:
        importlib.import_module(name)


def run_job(job, limits, isolation, sandbox_dir):
    """Fork the child for one graded function and return what ``collect_events`` reports.

    The child leads a process group of its own, which is killed afterwards
    so that no process it started runs on into the next function.
    """
    isolation = dict(isolation, problems=list(isolation["problems"]))
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        os.setpgid(0, 0)
        run_child(job, limits, isolation, sandbox_dir, write_fd)
    os.close(write_fd)
    result = collect_events(pid, read_fd, limits)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return result


def find_kept_paths(entries):
    """Return the existing folders among ``entries``, leaving out those inside another one."""
    folders = sorted({os.path.realpath(entry) for entry in entries if os.path.isdir(entry)})
    kept = []
    for folder in folders:
        if not any(folder.startswith(parent.rstrip("/") + "/") for parent in kept):
            kept.append(folder)
    return kept


def decode_files(files):
    """Return {relative path: bytes} of a request's base64-encoded ``files``."""
    return {path: base64.b64decode(content) for path, content in files.items()}


def write_files(root, files):
    """Write ``files`` (relative path to bytes) under ``root``, readable by every user."""
    for relative_path, content in files.items():
        path = os.path.join(root, relative_path)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "wb") as stream:
            stream.write(content)
        os.chmod(path, 0o644)


def collect_events(pid, read_fd, limits):
    """Read the child's event pipe until it exits, the timeout passes or the output cap is hit.

    Returns
    -------
    dict
        "outcome" ("finished", "timeout" or "output_limit"), "exit_code" or
        "signal" from the child's wait status, "events" (the text read) and
        "seconds" (wall-clock time).
    """
    started = time.monotonic()
    deadline = started + limits["timeout_seconds"]
    chunks, size, outcome = [], 0, "finished"
    pipe_open = True
    # A pidfd becomes readable when the child exits, so select() wakes at once
    # instead of polling waitpid(); systems without pidfd (not Linux) poll.
    exit_fd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    exit_fds = [] if exit_fd is None else [exit_fd]
    poll_seconds = None if exit_fd is not None else FALLBACK_POLL_SECONDS

    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            chunks.extend(drain(read_fd, limits["output_bytes"] - size))
            break
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            outcome = "timeout"
            break
        watched = ([read_fd] if pipe_open else []) + exit_fds
        readable, _, _ = select.select(watched, [], [], min(remaining, poll_seconds or remaining))
        if read_fd in readable:
            data = os.read(read_fd, READ_CHUNK)
            pipe_open = bool(data)
            size += len(data)
            if size > limits["output_bytes"]:
                outcome = "output_limit"
                break
            chunks.append(data)

    if outcome != "finished":
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if exit_fd is not None:
        os.close(exit_fd)
    os.close(read_fd)

    result = {"outcome": outcome, "events": b"".join(chunks).decode("utf-8", "replace"),
              "seconds": round(time.monotonic() - started, 3)}
    if os.WIFSIGNALED(status):
        result["signal"] = signal.Signals(os.WTERMSIG(status)).name
    else:
        result["exit_code"] = os.WEXITSTATUS(status)
    return result


def drain(read_fd, budget):
    """Return what is left in the pipe after the child exited, at most ``budget`` bytes."""
    os.set_blocking(read_fd, False)
    chunks = []
    while budget > 0:
        try:
            data = os.read(read_fd, min(READ_CHUNK, budget))
        except BlockingIOError:
            break
        if not data:
            break
        chunks.append(data)
        budget -= len(data)
    return chunks


def run_child(job, limits, isolation, sandbox_dir, event_fd):
    """Run the cases in the forked child and exit; never returns."""
    exit_code = 0
    try:
        prepare_child(limits, isolation, sandbox_dir, event_fd)
        emitter = EventEmitter(event_fd)
        emitter.emit({"event": "started", "isolation": isolation})
        unreadable = [folder for folder in IMPORT_FOLDERS if not os.access(folder, os.R_OK | os.X_OK)]
        if unreadable:
            emitter.emit({"event": "setup_error",
                          "message": f"the sandboxed user cannot read {', '.join(unreadable)}"})
        else:
            run_cases(job, emitter)
    except BaseException:  # noqa: BLE001 - nothing may escape the forked child
        exit_code = 70
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        os._exit(exit_code)


def prepare_child(limits, isolation, sandbox_dir, event_fd):
    """Close inherited files, restrict the process and enter the sandbox folder.

    ``import_support_modules`` has already put the sandbox folder first on ``sys.path``.
    """
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    keep = sorted({0, 1, 2, event_fd})
    for low, high in zip(keep, keep[1:] + [os.sysconf("SC_OPEN_MAX")]):
        os.closerange(low + 1, high)

    sandbox.restrict_child(isolation, limits)
    os.chdir(sandbox_dir)


def remap_package_paths(path_map):
    """Point the packages imported so far (``encodings``, ``json``...) at the kept folders.

    Their ``__path__`` still names the original folders, which the child may
    not be allowed to read (a Python installed under /root, for example).
    """
    for module in list(sys.modules.values()):
        package_path = getattr(module, "__path__", None)
        if isinstance(package_path, list):
            package_path[:] = [map_path(os.path.realpath(entry), path_map) for entry in package_path]
    sys.path_importer_cache.clear()


def map_path(entry, path_map):
    """Rewrite a ``sys.path`` entry that lies in a kept folder to its bound location."""
    for original, bound in path_map.items():
        if entry == original or entry.startswith(original.rstrip("/") + "/"):
            return bound + entry[len(original):]
    return entry


class EventEmitter:
    """Writes one JSON line per event to the pipe that the worker reads."""

    def __init__(self, fd):
        self.fd = fd
        self.dumps = json.dumps

    def emit(self, event):
        """Write ``event`` as one line, retrying partial writes."""
        data = (self.dumps(event) + "\n").encode("utf-8")
        while data:
            written = os.write(self.fd, data)
            data = data[written:]


def run_cases(job, emitter):
    """Import the submission's module and call the function on each case of the setup.

    The host decoded the cases before forking, so this child has its own
    copy of every input, and a function that changes its arguments changes
    nothing outside the child.
    """
    import importlib

    cases = SETUP["cases"][job["function"]]
    try:
        module = importlib.import_module(job["module"])
    except BaseException as error:  # noqa: BLE001 - sys.exit and errors at import
        emitter.emit({"event": "import_error", **describe_exception(error)})
        return
    emitter.emit({"event": "imported"})

    function = getattr(module, job["function"], None)
    if not callable(function):
        emitter.emit({"event": "missing_function"})
        return

    for index, (args, kwargs) in enumerate(cases):
        emitter.emit(call_case(function, index, args, kwargs))
    emitter.emit({"event": "done"})


def call_case(function, index, args, kwargs):
    """Call ``function`` on one case and return the event describing the result."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - sys.exit and errors in a case
            return {"event": "error", "index": index, **describe_exception(error)}

    runtime_warnings = [
        f"{warning.category.__name__}: {str(warning.message)[:MAX_MESSAGE_LENGTH]}"
        for warning in caught
        if issubclass(warning.category, RuntimeWarning)
    ]
    try:
        return {
            "event": "result",
            "index": index,
            "value": wire.encode_value(value),
            "arguments_after": wire.encode_value([list(args), kwargs]),
            "warnings": runtime_warnings[:10],
        }
    except MemoryError as error:
        # Encoding a large returned array needs memory under the same limit as the call.
        return {"event": "error", "index": index, **describe_exception(error)}


def describe_exception(error):
    """Return the type, message and submission file and line of an exception as plain data."""
    file_name, line = exception_location(error)
    builtin_base = next(cls for cls in type(error).__mro__ if cls.__module__ == "builtins")
    return {
        "type": type(error).__name__,
        "builtin": type(error).__module__ == "builtins",
        "builtin_base": builtin_base.__name__,
        "errno": error.errno if isinstance(error, OSError) else None,
        "module_name": module_name(error),
        "message": safe_message(error),
        "file": file_name,
        "line": line,
    }


def module_name(error):
    """Return the name of the module that an ImportError could not import, or None."""
    name = getattr(error, "name", None) if isinstance(error, ImportError) else None
    return name[:200] if isinstance(name, str) else None


def exception_location(error):
    """Return (file relative to the sandbox, line) of the innermost submission frame, or Nones."""
    sandbox_prefix = os.getcwd() + "/"
    if isinstance(error, SyntaxError) and str(error.filename).startswith(sandbox_prefix):
        return os.path.relpath(error.filename), error.lineno
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(sandbox_prefix)
    ]
    if not frames:
        return None, None
    return os.path.relpath(frames[-1].filename), frames[-1].lineno


def safe_message(error):
    """Return ``str(error)`` cut to ``MAX_MESSAGE_LENGTH``, or a note if ``__str__`` fails.

    A SyntaxError gives only its message, because its file and line are reported apart.
    """
    try:
        if isinstance(error, SyntaxError) and isinstance(error.msg, str):
            return error.msg[:MAX_MESSAGE_LENGTH]
        return str(error)[:MAX_MESSAGE_LENGTH]
    except Exception:  # noqa: BLE001 - a submission's exception may break __str__
        return "(the exception's message could not be read)"


if __name__ == "__main__":
    BASE_SYS_PATH = list(sys.path)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import sandbox
    import wire

    del sys.path[0]
    sys.exit(main(sys.argv[1:]))
