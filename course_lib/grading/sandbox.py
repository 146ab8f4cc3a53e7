"""Linux isolation for the process that runs a submission's code.

The worker calls these functions in two steps.  ``isolate_worker`` runs in
the worker process while it is still trusted.  It enters new namespaces
(mount, network, PID, IPC, UTS, and a user namespace when not root) and
gives the sandbox a private ``/tmp``.  It also covers the instructor's
folders with empty read-only file systems and makes every other mount
read-only.  ``restrict_child`` runs in the forked child just before it
imports the submission.  It mounts a ``/proc`` that shows only the child's
own processes, sets resource limits and drops privileges: to ``nobody``
when the grader runs as root, otherwise by dropping every capability of
the user namespace.

Each step that the kernel or the container refuses is skipped and recorded
in the returned ``isolation`` dict, so the grader can log what protection was
missing.  Only the standard library is imported, because this module runs
before NumPy can be imported inside the sandbox.
"""

import ctypes
import ctypes.util
import errno
import os
import pwd
import re
import resource
import signal
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_RELATIME = 0x200000
MS_STRICTATIME = 0x1000000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

MOUNT_OPTION_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
}

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522
LAST_CAPABILITY = 63

PRIVATE_TMP = "/tmp"
PRIVATE_TMP_SIZE = "64m"
SANDBOX_DIR = "/tmp/sandbox"
KEPT_DIR = "/tmp/kept"
SCRATCH_FOLDERS = ("/dev/shm", "/var/tmp")
MAX_OPEN_FILES = 64
MAX_PROCESSES = 64

LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


class CapabilityHeader(ctypes.Structure):
    """``struct __user_cap_header_struct`` of capset(2)."""

    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapabilityData(ctypes.Structure):
    """``struct __user_cap_data_struct`` of capset(2)."""

    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def check_call(result, what):
    """Raise OSError with the C errno when a libc call returned -1."""
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what} failed: {os.strerror(code)}")


def unshare(flags, what):
    """Call unshare(2) with ``flags``."""
    check_call(LIBC.unshare(ctypes.c_int(flags)), f"unshare({what})")


def mount(source, target, fstype, flags, options=None):
    """Call mount(2); ``None`` arguments become NULL pointers."""
    encode = lambda text: None if text is None else os.fsencode(text)  # noqa: E731
    result = LIBC.mount(
        encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(options)
    )
    check_call(result, f"mount {fstype or source} on {target}")


def prctl(option, argument):
    """Call prctl(2) with one argument."""
    check_call(LIBC.prctl(option, ctypes.c_ulong(argument), 0, 0, 0), f"prctl({option})")


def isolate_worker(hidden_paths, kept_paths):
    """Enter new namespaces and prepare the file system that the children will see.

    Parameters
    ----------
    hidden_paths : list of str
        Folders to cover with an empty read-only file system, for example the
        course source, the results folder and the submissions folder.
    kept_paths : list of str
        Folders that the child must still read (NumPy's site-packages, the
        standard library).  Each is bind-mounted read-only under
        ``/tmp/kept`` before anything is hidden.

    Returns
    -------
    isolation : dict
        Which protections are in place: "user", "namespaces", "network",
        "pid", "filesystem", plus "problems", a list of what failed.
    path_map : dict
        Maps each kept path to where the child finds it.
    sandbox_dir : str or None
        Where to write the submission's files, or None when the file system
        could not be isolated and the caller must use a folder of its own.
    """
    isolation = {"user": None, "namespaces": False, "network": False, "pid": False,
                 "filesystem": False, "problems": []}
    if not enter_namespaces(isolation):
        return isolation, {}, None

    try:
        path_map = prepare_filesystem(hidden_paths, kept_paths)
    except OSError as error:
        isolation["problems"].append(str(error))
        return isolation, {}, None
    isolation["filesystem"] = True
    return isolation, path_map, SANDBOX_DIR


def enter_namespaces(isolation):
    """Unshare mount, network, PID, IPC and UTS namespaces; return True on success.

    A non-root grader first enters a user namespace that maps its own user
    and group, which lets it create the other namespaces without privileges.
    Only the processes forked afterwards enter the new PID namespace.
    """
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    uid, gid = os.geteuid(), os.getegid()
    try:
        if uid != 0:
            # NOTE: the tests run as root, so this user-namespace path has not been run there.
            unshare(CLONE_NEWUSER, "user namespace")
            write_id_maps(uid, gid)
            isolation["user"] = "user namespace"
        unshare(flags, "mount, network, pid, ipc, uts namespaces")
    except OSError as error:
        isolation["problems"].append(str(error))
        return False

    isolation.update(namespaces=True, network=True, pid=True)
    return True


def write_id_maps(uid, gid):
    """Map the caller's user and group into its new user namespace."""
    with open("/proc/self/setgroups", "w") as stream:
        stream.write("deny")
    with open("/proc/self/uid_map", "w") as stream:
        stream.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as stream:
        stream.write(f"{gid} {gid} 1")


def prepare_filesystem(hidden_paths, kept_paths):
    """Give the mount namespace a private /tmp, keep ``kept_paths`` and hide ``hidden_paths``.

    Kept folders are opened before the new /tmp is mounted and bound from
    their file descriptors, so a kept folder under /tmp or under a hidden
    folder stays reachable.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    kept_fds = [os.open(path, os.O_PATH | os.O_DIRECTORY) for path in kept_paths]

    mount("tmpfs", PRIVATE_TMP, "tmpfs", MS_NOSUID | MS_NODEV,
          f"size={PRIVATE_TMP_SIZE},mode=1777")
    path_map = {}
    for index, (path, descriptor) in enumerate(zip(kept_paths, kept_fds)):
        target = f"{KEPT_DIR}/{index}"
        os.makedirs(target, mode=0o755)
        mount(f"/proc/self/fd/{descriptor}", target, None, MS_BIND | MS_REC)
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(descriptor)
        path_map[path] = target
    os.chmod(KEPT_DIR, 0o755)

    for path in hidden_paths:
        hide_folder(path)
    make_mounts_read_only()
    for path in SCRATCH_FOLDERS:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")

    os.makedirs(SANDBOX_DIR, mode=0o755)
    return path_map


def make_mounts_read_only():
    """Remount every mount except the private /tmp and the kernel's /proc, /sys and /dev read-only.

    A remount keeps the mount's own flags (nosuid, nodev, noexec and the
    atime mode), because a user namespace may not clear them.
    """
    for mount_point, options in read_mount_table():
        if is_under(mount_point, ("/proc", "/sys", "/dev", PRIVATE_TMP)):
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY
        for option in options:
            flags |= MOUNT_OPTION_FLAGS.get(option, 0)
        try:
            mount(None, mount_point, None, flags)
        except OSError as error:
            if error.errno not in (errno.ENOENT, errno.EACCES):
                raise


def read_mount_table():
    """Return (mount point, per-mount options) pairs from /proc/self/mountinfo."""
    entries = []
    with open("/proc/self/mountinfo", encoding="utf-8") as stream:
        for line in stream:
            fields = line.split()
            mount_point = decode_mount_path(fields[4])
            entries.append((mount_point, fields[5].split(",")))
    return entries


def decode_mount_path(text):
    """Undo the octal escapes (``\\040`` for a space) of a path in mountinfo."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), text)


def is_under(path, folders):
    """Return True when ``path`` is one of ``folders`` or inside one of them."""
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def hide_folder(path):
    """Cover ``path`` with an empty read-only tmpfs, unless the private /tmp already hides it."""
    if not os.path.isdir(path):
        return
    mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555")


def start_namespace_init():
    """Fork the first process of the new PID namespace and return its PID.

    The process only reaps orphans.  The worker's children enter the
    namespace after it, and killing it ends every process left in the
    namespace.  It dies with the worker through the parent-death signal.
    """
    pid = os.fork()
    if pid != 0:
        return pid
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                time.sleep(0.2)
    finally:
        os._exit(0)


def restrict_child(isolation, limits):
    """Apply the child-side restrictions: /proc, resource limits, privileges.

    Parameters
    ----------
    isolation : dict
        The dict returned by ``isolate_worker``; updated in place.
    limits : dict
        "cpu_seconds", "memory_bytes" and "output_bytes".
    """
    if isolation["pid"]:
        mount_private_proc(isolation)

    set_resource_limits(limits)
    drop_privileges(isolation)
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError as error:
        isolation["problems"].append(str(error))


def mount_private_proc(isolation):
    """Mount a /proc that lists only the processes of the new PID namespace, or hide /proc.

    The child first enters a mount namespace of its own, so that the worker
    and the next child keep their /proc.
    """
    try:
        unshare(CLONE_NEWNS, "mount namespace of the child")
    except OSError as error:
        isolation["problems"].append(str(error))
        return
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError as error:
        isolation["problems"].append(str(error))
        hide_folder("/proc")


def set_resource_limits(limits):
    """Set CPU time, address space, file size, open files, process count and core dumps."""
    # With equal soft and hard limits the kernel sends SIGKILL at the limit, which cannot be caught.
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["output_bytes"], limits["output_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_OPEN_FILES, MAX_OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def drop_privileges(isolation):
    """Become ``nobody`` when root, else drop every capability of the user namespace.

    Both paths set no_new_privs, so no later exec can gain privileges back.

    Raises
    ------
    OSError
        If root cannot switch to ``nobody``; running a submission as root
        is never acceptable, so the child must stop.
    """
    drop_bounding_set(isolation)
    if os.geteuid() == 0 and isolation["user"] is None:
        nobody = pwd.getpwnam("nobody")
        os.setgroups([])
        os.setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid)
        os.setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid)
        if os.geteuid() == 0 or os.getuid() == 0:
            raise OSError(errno.EPERM, "switching to the user nobody failed")
        isolation["user"] = "nobody"
    elif isolation["user"] is not None:
        clear_capabilities()
    else:
        isolation["user"] = "grader's own user"
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def drop_bounding_set(isolation):
    """Remove every capability from the bounding set, recording a refusal.

    EINVAL marks the first capability number that the kernel does not know.
    """
    for capability in range(LAST_CAPABILITY + 1):
        result = LIBC.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(capability), 0, 0, 0)
        if result == 0:
            continue
        if ctypes.get_errno() != errno.EINVAL:
            isolation["problems"].append("dropping the capability bounding set failed")
        return


def clear_capabilities():
    """Clear the effective, permitted and inheritable capability sets with capset(2)."""
    header = CapabilityHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (CapabilityData * 2)()
    check_call(LIBC.capset(ctypes.byref(header), data), "capset")
