"""Build the student release: ``python -m course_lib release --out DIR [--force]``.

The release is what students get: ``course_lib/`` with every solution region
replaced by a stub, the notebooks with outputs cleared, ``assets/``,
``environment.yml``, ``pyproject.toml``, and a student README, Makefile and
``.gitignore`` from ``course_lib/instructor/templates/``.  It leaves out the
instructor-only code listed in ``INSTRUCTOR_ONLY_PATHS``, which includes this
module and ``solution_markers``: both only make sense next to the reference
solutions, and their marker constants would put marker text in the release.
``workspace`` ships, so a learner who has only a release can still bring a
working copy up to date from a newer release.

The release is assembled in a temporary folder beside DIR and renamed into
place only after it passed ``verify_release``, so a failed build leaves DIR
as it was.  ``RELEASE_MARKER`` records the course version and the SHA-256 of
every file.  ``--force`` replaces DIR only if it carries that marker and
every file still has its recorded hash, so a folder in which a student has
edited or added files is never deleted.
"""

import argparse
import ast
import importlib.metadata
import logging
import os
import secrets
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from course_lib.solution_markers import MARKERS, SolutionMarkerError, strip_solutions
from course_lib.workspace import (
    MANIFEST_FORMAT,
    RELEASE_MARKER,
    WorkspaceError,
    file_sha256,
    read_manifest,
    write_json_atomically,
)

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 has no tomllib.
    tomllib = None

LOGGER = logging.getLogger(__name__)

SOURCE_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = Path(__file__).resolve().parent / "instructor" / "templates"

# Release file name for each template file.
TEMPLATES = {"README.md": "README.md", "Makefile": "Makefile", "gitignore": ".gitignore"}
COPIED_FILES = ("environment.yml", "pyproject.toml")
COPIED_FOLDERS = ("course_lib", "assets")
NOTEBOOK_FOLDER = "notebooks"

# Paths relative to the source root that never ship.
INSTRUCTOR_ONLY_PATHS = (
    "course_lib/instructor",
    "course_lib/grading",
    "course_lib/release.py",
    "course_lib/solution_markers.py",
    "tests",
    "benchmarks",
    "docs",
)
INSTRUCTOR_ONLY_MODULES = tuple(
    path.removesuffix(".py").replace("/", ".")
    for path in INSTRUCTOR_ONLY_PATHS
    if path.startswith("course_lib/")
)

# Build products that are never copied and may be deleted when replacing a release.
GENERATED_NAMES = frozenset({"__pycache__", ".pytest_cache", ".venv"})
GENERATED_SUFFIXES = (".pyc", ".pyo", ".egg-info")

KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info")
KEPT_CELL_METADATA = ("tags", "editable", "deletable", "jupyter")


class ReleaseError(ValueError):
    """Error raised when the release cannot be built or written, with the cause and the fix."""


def is_generated(name):
    """Return True for a cache or build product name such as ``__pycache__`` or ``x.pyc``."""
    return name in GENERATED_NAMES or name.endswith(GENERATED_SUFFIXES)


def is_copied(relative_path):
    """Return True if the source file at ``relative_path`` (a ``PurePath``) belongs in the release.

    Hidden files, caches and instructor-only paths are left out.
    """
    if any(part.startswith(".") or is_generated(part) for part in relative_path.parts):
        return False
    text = relative_path.as_posix()
    return not any(text == path or text.startswith(path + "/") for path in INSTRUCTOR_ONLY_PATHS)


def list_source_files(source_root, folder):
    """Return the paths, relative to ``source_root``, of the files under ``folder`` to ship."""
    top = source_root / folder
    if not top.is_dir():
        LOGGER.warning("%s is missing, so the release will have no %s/ folder", top, folder)
        return []
    files = (path.relative_to(source_root) for path in top.rglob("*") if path.is_file())
    return sorted(path for path in files if is_copied(path))


def read_course_version(source_root):
    """Return the ``version`` of ``pyproject.toml``, or of the installed package on Python 3.10."""
    if tomllib is None:
        return importlib.metadata.version("course_lib")
    with open(source_root / "pyproject.toml", "rb") as stream:
        return tomllib.load(stream)["project"]["version"]


def release_notebook(source, relative_name):
    """Return the student version of the notebook at ``source`` as JSON text.

    Outputs and execution counts are cleared, solution regions in code cells
    are stubbed, and only the metadata in ``KEPT_NOTEBOOK_METADATA`` and
    ``KEPT_CELL_METADATA`` stays, so no saved output or widget state ships.
    """
    notebook = nbformat.read(source, as_version=4)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, relative_name, cell=number)
            cell.outputs = []
            cell.execution_count = None
        cell.metadata = nbformat.from_dict(
            {key: cell.metadata[key] for key in KEPT_CELL_METADATA if key in cell.metadata}
        )

    notebook.metadata = nbformat.from_dict(
        {key: notebook.metadata[key] for key in KEPT_NOTEBOOK_METADATA if key in notebook.metadata}
    )
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def write_release_file(source, target, relative_name):
    """Write the student version of one file: stubbed Python, cleared notebooks, others as is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix == ".py":
        text = source.read_text(encoding="utf-8")
        target.write_text(strip_solutions(text, relative_name), encoding="utf-8")
    elif source.suffix == ".ipynb":
        target.write_text(release_notebook(source, relative_name), encoding="utf-8")
    else:
        shutil.copyfile(source, target)


def write_release(source_root, staging):
    """Write every release file into the empty folder ``staging`` and return the relative names."""
    written = []
    sources = [Path(name) for name in COPIED_FILES]
    for folder in (*COPIED_FOLDERS, NOTEBOOK_FOLDER):
        sources.extend(list_source_files(source_root, folder))

    for relative in sources:
        write_release_file(source_root / relative, staging / relative, relative.as_posix())
        written.append(relative.as_posix())

    for template_name, release_name in TEMPLATES.items():
        shutil.copyfile(TEMPLATE_DIR / template_name, staging / release_name)
        written.append(release_name)
    return written


def find_instructor_imports(path, relative_name):
    """Return the instructor-only modules that the Python file at ``path`` imports."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative_name)
    except SyntaxError as error:
        raise ReleaseError(
            f"{relative_name} is not valid Python ({error.msg} at line {error.lineno}). "
            f"Fix the source file and build again."
        ) from error
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.append(node.module)
            imported.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return [name for name in imported if name.startswith(INSTRUCTOR_ONLY_MODULES)]


def verify_release(staging):
    """Raise ``ReleaseError`` if the built release contains anything a student must not get.

    Checks that no instructor-only path or build product exists, that no file
    contains solution marker text, and that no Python file imports an
    instructor-only module or fails to parse.
    """
    for relative in INSTRUCTOR_ONLY_PATHS:
        if (staging / relative).exists():
            raise ReleaseError(f"the release contains the instructor-only path {relative}.")

    for path in sorted(staging.rglob("*")):
        relative_name = path.relative_to(staging).as_posix()
        if is_generated(path.name):
            raise ReleaseError(f"the release contains the build product {relative_name}.")
        if not path.is_file():
            continue
        content = path.read_bytes()
        for marker in MARKERS:
            if marker.encode() in content:
                raise ReleaseError(f"{relative_name} in the release still contains {marker!r}.")
        if path.suffix == ".py":
            instructor_imports = find_instructor_imports(path, relative_name)
            if instructor_imports:
                raise ReleaseError(
                    f"{relative_name} imports {instructor_imports[0]}, which the release "
                    f"leaves out. Move the import into instructor-only code or ship the module."
                )


def find_changed_files(folder, recorded_hashes):
    """Return the files under ``folder`` that were added or edited since the release was built.

    Build products such as ``__pycache__`` and ``.venv`` are not counted.
    Files deleted since the build are not counted either, because replacing
    the folder loses nothing of them.
    """
    changed = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = [name for name in subdirectories if not is_generated(name)]
        for name in files:
            path = Path(directory) / name
            relative_name = path.relative_to(folder).as_posix()
            if relative_name == RELEASE_MARKER or is_generated(name):
                continue
            if recorded_hashes.get(relative_name) != file_sha256(path):
                changed.append(relative_name)
    return sorted(changed)


def check_replaceable(out_dir, force):
    """Raise ``ReleaseError`` unless writing the release to ``out_dir`` loses nothing.

    ``out_dir`` may be missing or empty.  With ``force`` it may also be an
    unchanged previous release build.
    """
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ReleaseError(f"--out {out_dir} is a file, expected a folder. Choose another path.")
    if not any(out_dir.iterdir()):
        return
    if not force:
        raise ReleaseError(
            f"--out {out_dir} is not empty. Choose a new or empty folder, or pass --force "
            f"to replace a previous release build, which contains {RELEASE_MARKER}."
        )

    marker = out_dir / RELEASE_MARKER
    if not marker.is_file():
        raise ReleaseError(
            f"--force replaces only a previous release build, but {out_dir} has no "
            f"{RELEASE_MARKER} and may hold someone's work. It was left as it is: "
            f"choose another --out, or move its files elsewhere."
        )
    try:
        recorded_hashes = read_manifest(marker, "release manifest")["files"]
    except WorkspaceError as error:
        raise ReleaseError(f"{error} {out_dir} was left as it is: choose another --out.") from error

    changed = find_changed_files(out_dir, recorded_hashes)
    if changed:
        listed = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
        raise ReleaseError(
            f"--force would delete work in {out_dir}: {len(changed)} files were added or edited "
            f"since it was built ({listed}). It was left as it is: copy that work elsewhere, "
            f"or choose another --out."
        )


def check_source(source_root):
    """Raise ``ReleaseError`` unless ``source_root`` has the files every release needs."""
    required = [source_root / "course_lib", *(source_root / name for name in COPIED_FILES)]
    missing = [str(path) for path in required if not path.exists()]
    if missing:
        raise ReleaseError(
            f"{source_root} is not the course source: {', '.join(missing)} not found. "
            f"Run the release command from an instructor checkout of the course."
        )


def check_out_location(out_dir, source_root):
    """Raise ``ReleaseError`` if ``out_dir`` would overwrite or be copied into the source."""
    resolved, source = out_dir.resolve(), source_root.resolve()
    if resolved == source or resolved in source.parents:
        raise ReleaseError(
            f"--out {out_dir} contains the course source {source}. "
            f"Choose a folder such as {source / 'build' / 'release'}."
        )
    for folder in (*COPIED_FOLDERS, NOTEBOOK_FOLDER):
        copied = source / folder
        if resolved == copied or copied in resolved.parents:
            raise ReleaseError(
                f"--out {out_dir} is inside {copied}, which the release copies. "
                f"Choose a folder such as {source / 'build' / 'release'}."
            )


def replace_folder(staging, out_dir):
    """Move ``staging`` to ``out_dir``, deleting an old ``out_dir`` once the new one is in place."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return

    retired = out_dir.with_name(f".{out_dir.name}.old-{secrets.token_hex(4)}")
    os.rename(out_dir, retired)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(retired, out_dir)
        raise
    shutil.rmtree(retired)


def build_release(out_dir, source_root=SOURCE_ROOT, force=False):
    """Build the student release of the course in ``out_dir``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to create.  It must be missing or empty, or, with ``force``,
        an unchanged previous release build.
    source_root : str or pathlib.Path, default the repository of this package
        Course source with reference solutions.
    force : bool, default False
        Replace a previous release build.

    Returns
    -------
    out_dir : pathlib.Path
        The release folder.

    Raises
    ------
    ReleaseError
        If ``out_dir`` cannot be replaced without losing work, or the built
        release fails ``verify_release``.
    SolutionMarkerError
        If a source file has malformed solution markers.
    """
    out_dir, source_root = Path(out_dir).absolute(), Path(source_root)
    check_source(source_root)
    check_out_location(out_dir, source_root)
    check_replaceable(out_dir, force)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.building-{secrets.token_hex(4)}")
    staging.mkdir()
    try:
        written = write_release(source_root, staging)
        manifest = {
            "format": MANIFEST_FORMAT,
            "course_version": read_course_version(source_root),
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "files": {name: file_sha256(staging / name) for name in written},
        }
        write_json_atomically(staging / RELEASE_MARKER, manifest)
        verify_release(staging)
        replace_folder(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)

    LOGGER.info(
        "wrote the student release of course version %s to %s (%d files)",
        manifest["course_version"],
        out_dir,
        len(written),
    )
    return out_dir


def main(argv=None):
    """Run ``build_release`` from the command line and return 0 on success, 1 on failure."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib release",
        description="Build the student release: stubs in place of solutions, no instructor code.",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write the release to")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a previous release build in --out, unless files in it were added or edited",
    )
    arguments = parser.parse_args(argv)

    try:
        build_release(arguments.out, force=arguments.force)
    except (ReleaseError, SolutionMarkerError) as error:
        LOGGER.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())
