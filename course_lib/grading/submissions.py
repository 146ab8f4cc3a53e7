"""Find the submissions in a folder and read their graded modules safely.

SUBMISSIONS holds one entry per student: a folder or a ``.zip`` file, each
a copy of the student release with the edited ``course_lib/graded/`` files,
optionally inside one wrapping folder.  Only the graded modules are read,
and only as bytes: nothing in a submission is extracted, executed or
followed.  Every problem (no files, a corrupt zip, a zip entry or symbolic
link that leads outside the submission) becomes a status with a message
instead of an exception, so one bad entry cannot stop the batch.
"""

import hashlib
import logging
import os
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.grading.grader import graded_file_names

LOGGER = logging.getLogger(__name__)

OK = "ok"
EMPTY = "empty"
INVALID = "invalid"

MAX_GRADED_FILE_BYTES = 1024 * 1024
MAX_ENTRIES = 100_000
IGNORED_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}
GRADED_IN_RELEASE = re.compile(r"^(?:([^/]+)/)?course_lib/graded/(lesson\d\d_\w+\.py)$")
GRADED_FLAT = re.compile(r"^(?:([^/]+)/)?(lesson\d\d_\w+\.py)$")
READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Submission:
    """One entry of SUBMISSIONS.

    Attributes
    ----------
    student : str
        The entry's name, without ``.zip`` for a zip file.
    path : Path
        The folder or file.
    file_name : str
        A name safe for the feedback and record files of this student.
    problem : str or None
        Why the entry cannot be graded, when that is known from listing alone.
    """

    student: str
    path: Path
    file_name: str
    problem: str | None = None


@dataclass
class LoadedSubmission:
    """The graded modules read from a submission, or why none could be read.

    Attributes
    ----------
    status : str
        "ok", "empty" or "invalid".
    message : str
        What was found or what is wrong, for the gradebook and the feedback.
    files : dict
        Maps graded file names (``lesson02_sigmoid.py``) to their bytes.
    sha256 : dict
        "files" maps each file read (path inside the submission) to its
        sha256; "archive" is the sha256 of the whole zip file, if any.
    """

    status: str
    message: str
    files: dict = field(default_factory=dict)
    sha256: dict = field(default_factory=dict)


def safe_file_name(student):
    """Return a file name for ``student``: the name itself when safe, else a cleaned name plus a hash.

    The hash keeps two names that clean to the same text ("a b" and "a_b")
    apart.
    """
    cleaned = re.sub(r"[^A-Za-z0-9._@+-]", "_", student).lstrip(".")[:80] or "student"
    if cleaned == student:
        return cleaned
    return f"{cleaned}-{hashlib.sha256(student.encode('utf-8')).hexdigest()[:8]}"


def is_ignored(name):
    """Return True for hidden files and the clutter that archivers and file browsers add."""
    return name.startswith(".") or name in IGNORED_NAMES


def discover_submissions(root):
    """List the submissions in ``root``, one per student, in name order.

    Raises
    ------
    ValueError
        If ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(
            f"SUBMISSIONS must be a folder with one folder or .zip file per student, got {root}."
        )

    by_student = {}
    for entry in sorted(os.scandir(root), key=lambda item: item.name):
        if is_ignored(entry.name):
            LOGGER.info("Skipping %s: hidden or system file", entry.name)
            continue
        student, problem = classify_entry(root, entry)
        by_student.setdefault(student, []).append((Path(entry.path), problem))

    submissions = []
    for student, entries in by_student.items():
        path, problem = entries[0]
        if len(entries) > 1:
            names = " and ".join(path.name for path, _ in entries)
            problem = f"{names} are both submissions of {student}; keep only one"
        submissions.append(Submission(student, path, safe_file_name(student), problem))
    return submissions


def classify_entry(root, entry):
    """Return (student name, problem or None) for one entry of SUBMISSIONS."""
    name = entry.name
    is_zip = name.lower().endswith(".zip")
    student = name[:-4] if is_zip and len(name) > 4 else name

    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        where = "inside" if is_inside(target, root) else "outside"
        return student, (f"{name} is a symbolic link to {target} ({where} SUBMISSIONS), which "
                         f"the grader does not follow; copy the submission itself there")
    if entry.is_dir():
        return name, None
    if is_zip and entry.is_file():
        return student, None
    return student, f"{name} is neither a folder nor a .zip file"


def is_inside(path, folder):
    """Return True when ``path`` is ``folder`` or inside it, after resolving both."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def load_submission(submission, flat_files_allowed=False):
    """Read the graded modules of one submission.

    Parameters
    ----------
    submission : Submission
    flat_files_allowed : bool, default False
        Also accept ``lessonNN_*.py`` files at the top level (or in one
        wrapping folder), as students upload them to Gradescope.

    Returns
    -------
    LoadedSubmission
    """
    if submission.problem:
        return LoadedSubmission(INVALID, submission.problem)
    if submission.path.is_dir():
        return load_folder(submission.path, flat_files_allowed)
    return load_zip(submission.path, flat_files_allowed)


def load_folder(folder, flat_files_allowed):
    """Read the graded modules of a submission folder without following symbolic links."""
    files, links = [], []
    for directory, subdirectories, file_names in os.walk(folder):
        subdirectories[:] = [name for name in subdirectories if not is_ignored(name)]
        relative_dir = os.path.relpath(directory, folder)
        for name in subdirectories + file_names:
            relative = posixpath.normpath(posixpath.join(relative_dir, name))
            if os.path.islink(os.path.join(directory, name)):
                links.append(relative)
            elif name in file_names and not is_ignored(name):
                files.append(relative)
        if len(files) + len(links) > MAX_ENTRIES:
            return LoadedSubmission(INVALID, f"the folder holds more than {MAX_ENTRIES} entries")

    for relative in links:
        target = os.path.realpath(os.path.join(folder, relative))
        if not is_inside(target, folder):
            return LoadedSubmission(INVALID, f"{relative} is a symbolic link leading outside the "
                                             f"submission (to {target}); submit the file itself")
    if not files and not links:
        return LoadedSubmission(EMPTY, "the folder contains no files")

    return read_graded(files + links, flat_files_allowed,
                       lambda relative: read_regular_file(folder, relative), links)


def read_regular_file(folder, relative):
    """Return the bytes of a regular file under ``folder``, refusing links and large files."""
    path = os.path.join(folder, relative)
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError(f"{relative} is not a regular file")
        data = stream.read(MAX_GRADED_FILE_BYTES + 1)
    if len(data) > MAX_GRADED_FILE_BYTES:
        raise ValueError(f"{relative} is larger than {MAX_GRADED_FILE_BYTES // 1024} KiB")
    return data


def load_zip(path, flat_files_allowed):
    """Read the graded modules of a zip submission, checking every entry first."""
    try:
        with zipfile.ZipFile(path) as archive:
            loaded = read_zip_entries(archive, flat_files_allowed)
    except READ_ERRORS as error:
        return LoadedSubmission(INVALID, f"{path.name} is not a valid zip file ({error}); ask "
                                         f"the student to create and upload it again")
    if loaded.status == OK:
        loaded.sha256["archive"] = sha256_of_file(path)
    return loaded


def read_zip_entries(archive, flat_files_allowed):
    """Check every entry of an open archive, then read the graded ones."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        return LoadedSubmission(INVALID, f"the zip file holds more than {MAX_ENTRIES} entries")

    entries, links = {}, []
    for info in infos:
        name = info.filename.replace("\\", "/")
        if is_unsafe_name(name):
            return LoadedSubmission(INVALID, f"the zip entry {name!r} points outside the "
                                             f"submission (absolute path or '..')")
        parts = [part for part in name.split("/") if part]
        if info.is_dir() or not parts or any(is_ignored(part) for part in parts):
            continue
        relative = "/".join(parts)
        if relative in entries:
            return LoadedSubmission(INVALID, f"the zip file holds {relative} twice")
        entries[relative] = info
        if is_zip_link(info):
            problem = check_zip_link(archive, info, relative)
            if problem:
                return LoadedSubmission(INVALID, problem)
            links.append(relative)

    if not entries:
        return LoadedSubmission(EMPTY, "the zip file contains no files")
    return read_graded(list(entries), flat_files_allowed,
                       lambda relative: read_zip_file(archive, entries[relative]), links)


def is_unsafe_name(name):
    """Return True for an absolute entry name or one with a '..' component."""
    return (name.startswith("/") or re.match(r"^[A-Za-z]:", name) is not None
            or ".." in name.split("/"))


def is_zip_link(info):
    """Return True when a zip entry stores a Unix symbolic link."""
    return stat.S_ISLNK(info.external_attr >> 16)


def check_zip_link(archive, info, relative):
    """Return a problem if a symbolic-link entry leads outside the archive, else None."""
    target = archive.read(info)[:4096].decode("utf-8", "replace")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(relative), target))
    if target.startswith("/") or resolved == ".." or resolved.startswith("../"):
        return (f"the zip entry {relative} is a symbolic link leading outside the submission "
                f"(to {target}); submit the file itself")
    return None


def read_zip_file(archive, info):
    """Return the bytes of one zip entry, refusing encrypted and large entries."""
    if info.flag_bits & 0x1:
        raise ValueError(f"{info.filename} is password-protected")
    if info.file_size > MAX_GRADED_FILE_BYTES:
        raise ValueError(f"{info.filename} is larger than {MAX_GRADED_FILE_BYTES // 1024} KiB")
    with archive.open(info) as stream:
        data = stream.read(MAX_GRADED_FILE_BYTES + 1)
    if len(data) > MAX_GRADED_FILE_BYTES:
        raise ValueError(f"{info.filename} is larger than {MAX_GRADED_FILE_BYTES // 1024} KiB")
    return data


def read_graded(paths, flat_files_allowed, read, links):
    """Pick the graded modules among ``paths`` and read them with ``read``.

    Parameters
    ----------
    paths : list of str
        Every file path in the submission, relative and with ``/``.
    flat_files_allowed : bool
        Also accept ``lessonNN_*.py`` without the ``course_lib/graded/`` folders.
    read : callable
        Returns the bytes of one relative path; may raise ValueError or OSError.
    links : list of str
        The paths that are symbolic links inside the submission.
    """
    chosen, problem = choose_graded_files(paths, flat_files_allowed)
    if problem:
        return LoadedSubmission(INVALID, problem)

    loaded = LoadedSubmission(OK, "", sha256={"files": {}})
    for name, relative in chosen.items():
        if relative in links:
            return LoadedSubmission(INVALID, f"{relative} is a symbolic link; submit the file itself")
        try:
            data = read(relative)
        except READ_ERRORS as error:
            return LoadedSubmission(INVALID, f"{relative} could not be read: {error}")
        loaded.files[name] = data
        loaded.sha256["files"][relative] = hashlib.sha256(data).hexdigest()

    missing = [name for name in graded_file_names() if name not in chosen]
    loaded.message = f"read {len(chosen)} graded files" + (
        f"; missing: {', '.join(missing)}" if missing else "")
    return loaded


def choose_graded_files(paths, flat_files_allowed):
    """Map each known graded file name to its path in the submission.

    Returns
    -------
    chosen : dict
        Graded file name to relative path.
    problem : str or None
        Why no graded file could be chosen.
    """
    known = set(graded_file_names())
    patterns = [GRADED_IN_RELEASE] + ([GRADED_FLAT] if flat_files_allowed else [])
    for pattern in patterns:
        by_prefix = {}
        for relative in paths:
            match = pattern.match(relative)
            if match and match.group(2) in known:
                by_prefix.setdefault(match.group(1) or "", {})[match.group(2)] = relative
        if "" in by_prefix:
            return by_prefix[""], None
        if len(by_prefix) == 1:
            return next(iter(by_prefix.values())), None
        if len(by_prefix) > 1:
            folders = ", ".join(sorted(f"{prefix}/" for prefix in by_prefix))
            return {}, f"graded files were found in several folders ({folders}); keep one copy"

    return {}, ("no graded file was found: expected course_lib/graded/lessonNN_*.py files, "
                "for example course_lib/graded/lesson01_linear_model.py, at the top level or "
                "inside one folder")


def sha256_of_file(path):
    """Return the sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
