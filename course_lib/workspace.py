"""Create or update a self-study working copy of the course from a student release.

Usage: ``python -m course_lib workspace --release DIR --out WORK``.

WORK is the learner's own folder, so no run ever overwrites a file the learner
changed.  The first run copies every file of the release and records the
SHA-256 hash of each copy in ``WORK/.course-workspace.json``.  Each later run
compares three versions of every release file: the one recorded at the last
run, the one in WORK now and the one in the release now.

- A file new to WORK is copied.
- A file the learner never edited is replaced by the release's new version.
- A file the learner edited keeps the learner's text, and a changed release
  version is written beside it, for example ``02_sigmoid.updated.ipynb``.
- A file the learner deleted stays deleted until the release changes it.

Files that are in WORK but not in the release are never touched.

Each run logs one summary line at INFO level with the number of files in each
of these groups, and one WARNING per edited file that got a new version beside
it.  The line for each copied file is logged at DEBUG level, because a first
run copies well over a thousand files.
"""

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

LOGGER = logging.getLogger(__name__)

RELEASE_MARKER = ".course-release.json"
WORKSPACE_MANIFEST = ".course-workspace.json"
MANIFEST_FORMAT = 1
UPDATED_INFIX = ".updated"
MAX_UPDATED_COPIES = 100


class WorkspaceError(ValueError):
    """Error raised when the release or working copy is unusable, with the cause and the fix."""


@dataclass
class WorkspaceReport:
    """Record of the files one run changed, as paths relative to the working copy.

    Attributes
    ----------
    added : list of str
        Release files copied into the working copy for the first time.
    updated : list of str
        Files the learner never edited, replaced by a newer release version.
    kept : list of str
        Files left as they were, because the release version did not change since
        the last run, or the working copy already has it.
    restored : list of str
        Files the learner had deleted, written again because the release changed them.
    written_beside : list of tuple of str
        ``(edited_file, new_version_file)`` for each edited file whose release
        version changed.
    failed : list of str
        Files that could not be written.  The log contains the error of each.
    """

    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    restored: list = field(default_factory=list)
    written_beside: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def file_sha256(path):
    """Return the SHA-256 hex digest of the bytes of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json_atomically(path, data):
    """Write ``data`` as JSON to ``path`` through a temporary file, so a crash keeps the old one."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def check_relative_path(name, manifest_path):
    """Return ``name`` as a ``PurePosixPath``, or raise if it could point outside its folder."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise WorkspaceError(
            f"{manifest_path} lists the file {name!r}, expected a relative path inside the "
            f"folder. The manifest is damaged: build the release again."
        )
    return path


def read_manifest(path, kind):
    """Load the JSON manifest at ``path`` and return its ``files`` mapping of path to hash.

    ``kind`` names the manifest in error messages.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WorkspaceError(f"cannot read the {kind} {path}: {error}.") from error

    is_current_format = isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT
    if not is_current_format or not isinstance(data.get("files"), dict):
        raise WorkspaceError(
            f"the {kind} {path} is not in format {MANIFEST_FORMAT} with a 'files' mapping. "
            f"It was written by another version of the course tools or edited by hand."
        )
    for name in data["files"]:
        check_relative_path(name, path)
    return data


def read_release(release_dir):
    """Return the manifest of the release at ``release_dir``, checking that all its files exist."""
    marker = release_dir / RELEASE_MARKER
    if not marker.is_file():
        raise WorkspaceError(
            f"{release_dir} is not a student release because it has no {RELEASE_MARKER}. "
            f"Build one with: python -m course_lib release --out {release_dir}"
        )

    manifest = read_manifest(marker, "release manifest")
    missing = [name for name in manifest["files"] if not (release_dir / name).is_file()]
    if missing:
        raise WorkspaceError(
            f"the release {release_dir} is incomplete: {len(missing)} listed files are missing, "
            f"for example {missing[0]}. Build the release again."
        )
    return manifest


def read_workspace_state(work_dir):
    """Return the file hashes recorded at the last run in ``work_dir``, or None for a new copy."""
    manifest = work_dir / WORKSPACE_MANIFEST
    if manifest.is_file():
        return dict(read_manifest(manifest, "working-copy manifest")["files"])

    if work_dir.exists() and not work_dir.is_dir():
        raise WorkspaceError(f"--out {work_dir} is a file, expected a folder. Choose another path.")
    if work_dir.exists() and any(work_dir.iterdir()):
        raise WorkspaceError(
            f"{work_dir} is not empty and has no {WORKSPACE_MANIFEST}, so this command did not "
            f"create it and cannot tell your files from the course's. Choose a new folder for "
            f"--out, or move the files in {work_dir} elsewhere."
        )
    return None


def check_separate_folders(release_dir, work_dir):
    """Raise if one folder is inside the other, which would make the copy include itself."""
    release_resolved, work_resolved = release_dir.resolve(), work_dir.resolve()
    if release_resolved == work_resolved or release_resolved in work_resolved.parents:
        raise WorkspaceError(
            f"--out {work_dir} is inside --release {release_dir}. Choose a folder outside it."
        )
    if work_resolved in release_resolved.parents:
        raise WorkspaceError(
            f"--release {release_dir} is inside --out {work_dir}. Choose a folder outside it."
        )


def copy_file(source, target):
    """Copy ``source`` to ``target`` through a temporary file beside ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def updated_path(target, new_hash):
    """Return the free path beside ``target`` for the release's new version of it.

    The first choice is ``NAME.updated.EXT``, then ``NAME.updated-2.EXT`` and so on,
    so an earlier ``.updated`` file that the learner may have edited is never
    overwritten.  A candidate that already has the new content is returned as is.
    """
    for number in range(1, MAX_UPDATED_COPIES + 1):
        infix = UPDATED_INFIX if number == 1 else f"{UPDATED_INFIX}-{number}"
        candidate = target.with_name(f"{target.stem}{infix}{target.suffix}")
        if not candidate.exists():
            return candidate
        if candidate.is_file() and file_sha256(candidate) == new_hash:
            return candidate
    raise WorkspaceError(
        f"{MAX_UPDATED_COPIES} updated copies of {target} already exist. "
        f"Delete the ones you no longer need and run again."
    )


def sync_file(name, release_dir, work_dir, recorded_hash, report):
    """Bring one release file into the working copy without overwriting an edit.

    Returns the release hash of the file, to record as its delivered version.
    """
    source, target = release_dir / name, work_dir / name
    new_hash = file_sha256(source)

    if not target.exists():
        if recorded_hash is None:
            copy_file(source, target)
            report.added.append(name)
            LOGGER.debug("added %s", name)
        elif recorded_hash != new_hash:
            copy_file(source, target)
            report.restored.append(name)
            LOGGER.info("wrote %s again: you had deleted it and the course has a new version", name)
        else:
            report.kept.append(name)
            LOGGER.debug("left %s deleted: the course did not change it", name)
        return new_hash

    current_hash = file_sha256(target) if target.is_file() else None
    if current_hash == new_hash or (recorded_hash is not None and recorded_hash == new_hash):
        report.kept.append(name)
        LOGGER.debug("kept %s as it is", name)
        return new_hash
    if recorded_hash is not None and current_hash == recorded_hash:
        copy_file(source, target)
        report.updated.append(name)
        LOGGER.debug("updated %s to the course's new version", name)
        return new_hash

    beside = updated_path(target, new_hash)
    if not beside.exists():
        copy_file(source, beside)
    beside_name = beside.relative_to(work_dir).as_posix()
    report.written_beside.append((name, beside_name))
    LOGGER.warning(
        "kept your edited %s and wrote the course's new version beside it as %s: "
        "compare the two and copy over what you need",
        name,
        beside_name,
    )
    return new_hash


def update_workspace(release_dir, work_dir):
    """Create the working copy ``work_dir`` from ``release_dir``, or bring it up to date.

    Parameters
    ----------
    release_dir : str or pathlib.Path
        A folder built by ``python -m course_lib release``.
    work_dir : str or pathlib.Path
        The learner's working copy: new, empty, or made by an earlier run.

    Returns
    -------
    report : WorkspaceReport
        The files added, updated, kept, restored, written beside an edited
        file, or not written because of an error.

    Raises
    ------
    WorkspaceError
        If ``release_dir`` is not a complete release, or ``work_dir`` is a
        non-empty folder that this function did not create.
    """
    release_dir, work_dir = Path(release_dir), Path(work_dir)
    check_separate_folders(release_dir, work_dir)
    release = read_release(release_dir)
    delivered = read_workspace_state(work_dir)
    if delivered is None:
        LOGGER.info("creating the working copy %s from %s", work_dir, release_dir)
        delivered = {}
    work_dir.mkdir(parents=True, exist_ok=True)

    report = WorkspaceReport()
    for name in sorted(release["files"]):
        try:
            delivered[name] = sync_file(name, release_dir, work_dir, delivered.get(name), report)
        except OSError as error:
            report.failed.append(name)
            LOGGER.error("could not write %s into %s: %s", name, work_dir, error)

    manifest = {
        "format": MANIFEST_FORMAT,
        "course_version": release.get("course_version"),
        "files": delivered,
    }
    write_json_atomically(work_dir / WORKSPACE_MANIFEST, manifest)
    log_summary(work_dir, report)
    return report


def log_summary(work_dir, report):
    """Log one INFO line with the number of files in each group of ``report``."""
    LOGGER.info(
        "working copy %s: %d added, %d updated, %d kept as they were, %d restored, "
        "%d new versions written beside edited files, %d not written because of errors",
        work_dir,
        len(report.added),
        len(report.updated),
        len(report.kept),
        len(report.restored),
        len(report.written_beside),
        len(report.failed),
    )


def main(argv=None):
    """Run ``update_workspace`` from the command line and return 0 on success, 1 on any failure."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib workspace",
        description="Create or update your working copy of the course from a student release.",
    )
    parser.add_argument(
        "--release", required=True, type=Path, help="folder built by 'python -m course_lib release'"
    )
    parser.add_argument(
        "--out", required=True, type=Path, help="your working copy, created on the first run"
    )
    arguments = parser.parse_args(argv)

    try:
        report = update_workspace(arguments.release, arguments.out)
    except WorkspaceError as error:
        LOGGER.error("%s", error)
        return 1
    return 1 if report.failed else 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())
