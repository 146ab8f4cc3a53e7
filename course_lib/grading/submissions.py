"""Find the submissions in a folder and read their graded modules safely.

SUBMISSIONS holds one entry per student: a folder or a ``.zip`` file, each
a copy of the student release with the edited ``course_lib/graded/`` files
(inside any number of wrapping folders), or only the ``lessonNN_*.py``
files.  Only the graded modules are read, and only as bytes: nothing in a
submission is extracted, executed or followed.  Every problem (no files, a
corrupt zip, a zip entry or symbolic link that leads outside the
submission) becomes a status instead of an exception, so one bad entry
cannot stop the batch.  Each status comes with two messages, one for the
instructor and one for the student.  Other files in SUBMISSIONS (``notes.txt``) are skipped with a
warning.
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
GRADED_IN_RELEASE = re.compile(r"^(?:(.+)/)?course_lib/graded/(lesson\d\d_\w+\.py)$")
GRADED_LOOSE = re.compile(r"^(?:(.+)/)?(lesson\d\d_\w+\.py)$")
# Archives that students may upload instead of a .zip file: a row explains that they are not read.
OTHER_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".gz", ".bz2", ".xz", ".rar",
                  ".7z")
LISTED_NAMES = 5
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
    problem : LoadedSubmission or None
        Why the entry cannot be graded, when that is known from listing alone.
    """

    student: str
    path: Path
    file_name: str
    problem: "LoadedSubmission | None" = None


@dataclass
class LoadedSubmission:
    """The graded modules read from a submission, or why none could be read.

    Attributes
    ----------
    status : str
        "ok", "empty" or "invalid".
    message : str
        What was found or what is wrong, and what the instructor can do,
        for the gradebook and the log.
    files : dict
        Maps graded file names (``lesson02_sigmoid.py``) to their bytes.
    sha256 : dict
        "files" maps each file read (path inside the submission) to its
        sha256; "archive" is the sha256 of the whole zip file, if any.
    student_message : str
        The same problem addressed to the student, for the feedback; empty
        when the status is "ok".
    """

    status: str
    message: str
    files: dict = field(default_factory=dict)
    sha256: dict = field(default_factory=dict)
    student_message: str = ""


def unusable(status, fact, instructor_advice, student_advice, student_fact=None):
    """Return a LoadedSubmission without files, with advice for the instructor and the student.

    ``student_fact`` replaces ``fact`` in the student's text when the fact
    names paths of the instructor's computer.
    """
    return LoadedSubmission(status, f"{fact}; {instructor_advice}",
                            student_message=f"{student_fact or fact}; {student_advice}")


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
        classified = classify_entry(root, entry)
        if classified is None:
            LOGGER.warning("Skipping %s in SUBMISSIONS: it is neither a folder nor a .zip file, "
                           "so it is not a submission", entry.name)
            continue
        student, problem = classified
        by_student.setdefault(student, []).append((Path(entry.path), problem))

    submissions = []
    for student, entries in by_student.items():
        path, problem = entries[0]
        if len(entries) > 1:
            names = " and ".join(path.name for path, _ in entries)
            problem = unusable(INVALID, f"{names} are both submissions of {student}",
                               "keep only one", "neither was graded, and your instructor needs "
                               "to keep only one", f"two submissions were found for you ({names})")
        submissions.append(Submission(student, path, safe_file_name(student), problem))
    return submissions


def classify_entry(root, entry):
    """Return (student name, problem or None) for one entry of SUBMISSIONS, or None to skip it.

    Folders, ``.zip`` files, symbolic links and other archives are
    submissions; a link or another archive gets a problem that explains why
    it is not read.  Any other file is not a submission.
    """
    name = entry.name
    is_zip = name.lower().endswith(".zip")
    student = name[:-4] if is_zip and len(name) > 4 else name

    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        where = "inside" if is_inside(target, root) else "outside"
        return student, unusable(
            INVALID, f"{name} is a symbolic link to {target} ({where} SUBMISSIONS), which the "
                     f"grader does not follow", "copy the submission itself there",
            "it was not graded, and your instructor needs to store the files themselves",
            "your submission was stored as a link that the grader does not follow")
    if entry.is_dir():
        return name, None
    if is_zip and entry.is_file():
        return student, None
    suffix = next((suffix for suffix in OTHER_ARCHIVES if name.lower().endswith(suffix)), None)
    if suffix is None or not entry.is_file():
        return None
    student = name[: -len(suffix)] or name
    return student, unusable(
        INVALID, f"{name} is a {suffix} archive, but the grader reads only folders and .zip files",
        f"unpack it into a folder named {student}, or ask the student to upload a .zip file",
        "upload your work again as a .zip file")


def is_inside(path, folder):
    """Return True when ``path`` is ``folder`` or inside it, after resolving both."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def load_submission(submission):
    """Read the graded modules of one submission.

    The graded files are the ``course_lib/graded/lessonNN_*.py`` files of
    the one ``course_lib/graded`` folder in the submission, at any depth.
    Without such a folder, the loose ``lessonNN_*.py`` files of one folder
    are taken, as students upload them to Gradescope.

    Parameters
    ----------
    submission : Submission

    Returns
    -------
    LoadedSubmission
    """
    if submission.problem:
        return submission.problem
    if submission.path.is_dir():
        return load_folder(submission.path)
    return load_zip(submission.path)


def load_folder(folder):
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
            return too_many_entries("folder")

    for relative in links:
        target = os.path.realpath(os.path.join(folder, relative))
        if not is_inside(target, folder):
            return unusable(
                INVALID, f"{relative} is a symbolic link leading outside the submission (to "
                         f"{target})", "replace it with the file itself",
                "upload your work again with the file itself in its place",
                f"{relative} is a symbolic link to a file outside your submission")
    if not files and not links:
        return no_files("folder")

    return read_graded(files + links, lambda relative: read_regular_file(folder, relative), links)


def too_many_entries(kind):
    """Return the INVALID result for a folder or zip file with more than MAX_ENTRIES entries."""
    return unusable(INVALID, f"the {kind} contains more than {MAX_ENTRIES} entries",
                    "ask the student to upload only the course folder",
                    "upload your work again with only your course folder")


def no_files(kind):
    """Return the EMPTY result for a folder or zip file without files."""
    return unusable(EMPTY, f"the {kind} contains no files",
                    "ask the student to upload their work again", "upload your work again")


def read_regular_file(folder, relative):
    """Return the bytes of a regular file under ``folder``, refusing links and large files."""
    path = os.path.join(folder, relative)
    # O_NONBLOCK makes opening a named pipe return at once instead of waiting for a writer.
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError(f"{relative} is not a regular file")
        data = stream.read(MAX_GRADED_FILE_BYTES + 1)
    if len(data) > MAX_GRADED_FILE_BYTES:
        raise ValueError(f"{relative} is larger than {MAX_GRADED_FILE_BYTES // 1024} KiB")
    return data


def load_zip(path):
    """Read the graded modules of a zip submission, checking every entry first."""
    try:
        with zipfile.ZipFile(path) as archive:
            loaded = read_zip_entries(archive)
    except READ_ERRORS as error:
        return unusable(INVALID, f"{path.name} is not a valid zip file ({error})",
                        "ask the student to create and upload it again",
                        "create the zip file again and upload it")
    if loaded.status == OK:
        loaded.sha256["archive"] = sha256_of_file(path)
    return loaded


def read_zip_entries(archive):
    """Check every entry of an open archive, then read the graded ones."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        return too_many_entries("zip file")

    entries, links = {}, []
    for info in infos:
        name = info.filename.replace("\\", "/")
        if is_unsafe_name(name):
            return rebuild_zip(f"the zip entry {name!r} points outside the submission (absolute "
                               f"path or '..')")
        parts = [part for part in name.split("/") if part]
        if info.is_dir() or not parts or any(is_ignored(part) for part in parts):
            continue
        relative = "/".join(parts)
        if relative in entries:
            return rebuild_zip(f"the zip file contains {relative} twice")
        entries[relative] = info
        if is_zip_link(info):
            problem = check_zip_link(archive, info, relative)
            if problem:
                return rebuild_zip(problem)
            links.append(relative)

    if not entries:
        return no_files("zip file")
    return read_graded(list(entries), lambda relative: read_zip_file(archive, entries[relative]),
                       links)


def rebuild_zip(fact):
    """Return the INVALID result for a zip file whose entries cannot be read safely."""
    return unusable(INVALID, fact, "ask the student to create the zip file again from the course "
                                   "folder", "create the zip file again from your course folder "
                                             "and upload it")


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
                f"(to {target})")
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


def read_graded(paths, read, links):
    """Pick the graded modules among ``paths`` and read them with ``read``.

    Parameters
    ----------
    paths : list of str
        Every file path in the submission, relative and with ``/``.
    read : callable
        Returns the bytes of one relative path; may raise ValueError or OSError.
    links : list of str
        The paths that are symbolic links inside the submission.
    """
    chosen, problem = choose_graded_files(paths)
    if problem:
        return problem

    loaded = LoadedSubmission(OK, "", sha256={"files": {}})
    for name, relative in chosen.items():
        if relative in links:
            return unusable(INVALID, f"{relative} is a symbolic link",
                            "ask the student to upload the file itself",
                            "upload your work again with the file itself in its place")
        try:
            data = read(relative)
        except READ_ERRORS as error:
            return unusable(INVALID, f"{relative} could not be read: {error}",
                            "ask the student to upload it again", "upload your work again")
        loaded.files[name] = data
        loaded.sha256["files"][relative] = hashlib.sha256(data).hexdigest()

    missing = [name for name in graded_file_names() if name not in chosen]
    loaded.message = f"read {len(chosen)} graded files" + (
        f"; missing: {', '.join(missing)}" if missing else "")
    return loaded


def choose_graded_files(paths):
    """Map each known graded file name to its path in the submission.

    The one folder named ``course_lib/graded`` that contains graded files
    wins, at any depth.  Without one, the one folder that contains loose
    graded files is used.  Two candidates of the same kind are a problem,
    because the grader cannot tell which copy the student meant.

    Returns
    -------
    chosen : dict
        Graded file name to relative path.
    problem : LoadedSubmission or None
        Why no graded file could be chosen, naming what was found.
    """
    known = set(graded_file_names())
    for pattern, folder_suffix in ((GRADED_IN_RELEASE, "course_lib/graded/"), (GRADED_LOOSE, "")):
        by_folder = {}
        for relative in paths:
            match = pattern.match(relative)
            if match and match.group(2) in known:
                folder = f"{match.group(1)}/{folder_suffix}" if match.group(1) else folder_suffix
                by_folder.setdefault(folder or "./", {})[match.group(2)] = relative
        if len(by_folder) == 1:
            return next(iter(by_folder.values())), None
        if len(by_folder) > 1:
            return {}, unusable(
                INVALID, f"graded files were found in {len(by_folder)} folders: "
                         f"{list_names(sorted(by_folder))}",
                "delete every copy but the one to grade, then run the grade command again",
                "upload your work again with only one copy of the graded files")

    return {}, unusable(
        INVALID, f"no graded file was found (expected course_lib/graded/lessonNN_*.py files such "
                 f"as course_lib/graded/lesson01_linear_model.py); {describe_files(paths)}",
        "ask the student to upload their course folder or its course_lib/graded/lessonNN_*.py files",
        "upload your course folder, or its course_lib/graded/lessonNN_*.py files")


def describe_files(paths):
    """Describe what a submission without graded files contains: its Python files, else any files."""
    python_files = sorted(path for path in paths if path.endswith(".py"))
    if python_files:
        noun = "Python file" if len(python_files) == 1 else "Python files"
        return f"found {len(python_files)} {noun}: {list_names(python_files)}"
    noun = "file" if len(paths) == 1 else "files"
    return f"found {len(paths)} {noun} and no Python file: {list_names(sorted(paths))}"


def list_names(names):
    """Return the first ``LISTED_NAMES`` names joined with commas, and how many more there are."""
    first_names = ", ".join(names[:LISTED_NAMES])
    remaining = len(names) - LISTED_NAMES
    return f"{first_names} and {remaining} more" if remaining > 0 else first_names


def sha256_of_file(path):
    """Return the sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_sha256(submission):
    """Return a sha256 that changes when the submission's entry or any file in it changes.

    A rerun compares it with the one stored in an empty or invalid record,
    so a submission that the instructor fixed is graded again.  Symbolic
    links are hashed by their target and never followed.
    """
    if submission.problem is not None:
        return hashlib.sha256(submission.problem.message.encode("utf-8")).hexdigest()
    try:
        if not submission.path.is_dir():
            return sha256_of_file(submission.path)
        return sha256_of_folder(submission.path)
    except OSError as error:
        return hashlib.sha256(f"unreadable: {error}".encode("utf-8")).hexdigest()


def sha256_of_folder(folder):
    """Return the sha256 of the relative paths and contents of every file under ``folder``."""
    digest = hashlib.sha256()
    entries = 0
    for directory, subdirectories, file_names in os.walk(folder):
        subdirectories.sort()
        for name in subdirectories + sorted(file_names):
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, folder)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                digest.update(f"{relative} -> {os.readlink(path)}\0".encode("utf-8", "replace"))
            elif stat.S_ISREG(mode):
                digest.update(f"{relative}: {sha256_of_file(path)}\0".encode("utf-8", "replace"))
            entries += 1
        if entries > MAX_ENTRIES:
            break
    return digest.hexdigest()
