"""Generate the Cup dataset, or check that a folder matches a fresh generation.

Usage::

    python -m course_lib dataset                # rewrite assets/cup_dataset
    python -m course_lib dataset --check        # compare it with a fresh generation
    python -m course_lib dataset --out DIR      # write a copy elsewhere

Every image is drawn from its own ``numpy.random.default_rng`` seeded with
(DATASET_SEED, split, label, index), so any one image can be redrawn alone.
Next to the images the generator writes ``SHA256SUMS`` (the format of the
``sha256sum`` tool).  It marks the folder as a generated dataset, which may be
overwritten, and lets anyone verify the files with ``sha256sum -c SHA256SUMS``.

NOTE: the pixels depend on Pillow's drawing code and NumPy's random
distributions, and the PNG bytes on the zlib version.  The shipped files were
made with Pillow 13.0.0, NumPy 2.4.6 and zlib 1.2.13; with other versions
``--check`` may report differences that say nothing about the dataset's content.
"""

import argparse
import hashlib
import io
import logging
import sys
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, UnidentifiedImageError

from course_lib.dataset.layout import CLASS_FOLDERS, DEFAULT_ROOT, SPLITS, is_hidden
from course_lib.dataset.png import encode_png
from course_lib.dataset.scene import draw_scene

LOGGER = logging.getLogger(__name__)
DATASET_SEED = 1958
MANIFEST_NAME = "SHA256SUMS"
# 40 % cups in both splits, so that always predicting "not cup" scores 60 %.
SPLIT_SIZES = {
    "train": {"not_cup": 600, "cup": 400},
    "test": {"not_cup": 180, "cup": 120},
}
MAX_LISTED = 20


def image_path(split, label, index):
    """Return the path of one image relative to the dataset root, such as ``train/cup/0007.png``."""
    return PurePosixPath(split, CLASS_FOLDERS[label], f"{index:04d}.png")


def draw_dataset_image(split, label, index):
    """Draw image ``index`` of class ``label`` (1 = cup) in ``split``.

    Returns
    -------
    image : numpy.ndarray of shape (64, 64, 3), dtype uint8
    """
    seed = [DATASET_SEED, SPLITS.index(split), label, index]
    return draw_scene(np.random.default_rng(seed), label)


def render_dataset(sizes=None):
    """Draw and encode every file of the dataset, including the manifest.

    Parameters
    ----------
    sizes : dict, optional
        Number of images per split and class folder, shaped like
        ``SPLIT_SIZES``, which is the default.

    Returns
    -------
    files : dict of str to bytes
        File contents by path relative to the dataset root, in POSIX form.
    """
    sizes = SPLIT_SIZES if sizes is None else sizes
    files = {}
    for split in SPLITS:
        for label, class_folder in enumerate(CLASS_FOLDERS):
            count = sizes.get(split, {}).get(class_folder, 0)
            for index in range(count):
                image = draw_dataset_image(split, label, index)
                files[str(image_path(split, label, index))] = encode_png(image)
            LOGGER.info("Drew %d images for %s/%s", count, split, class_folder)

    files[MANIFEST_NAME] = format_manifest(files).encode("utf-8")
    return files


def format_manifest(files):
    """Return ``sha256sum``-style lines: the SHA-256 of each file, two spaces, its path."""
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files.items())
    )


def read_manifest(root):
    """Return {path: SHA-256 hex digest} from ``root/SHA256SUMS``, or None if it is unusable."""
    try:
        text = (root / MANIFEST_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None

    digests = {}
    for line in text.splitlines():
        digest, separator, path = line.partition("  ")
        if not separator or len(digest) != 64:
            return None
        digests[path] = digest
    return digests


def list_files(root):
    """Return the relative POSIX paths of all files under ``root``, skipping hidden names."""
    paths = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(is_hidden(Path(part)) for part in relative.parts):
            paths.append(relative.as_posix())
    return paths


def find_foreign_files(root):
    """Return the files under ``root`` that no generation wrote, or that were changed since.

    A file belongs to a previous dataset when ``SHA256SUMS`` lists it with its
    current SHA-256.  Only such files may be overwritten or deleted without
    ``--force``.
    """
    digests = read_manifest(root) or {}
    foreign = []
    for path in list_files(root):
        if path == MANIFEST_NAME and digests:
            continue
        actual = hashlib.sha256((root / path).read_bytes()).hexdigest()
        if digests.get(path) != actual:
            foreign.append(path)
    return foreign


def write_dataset(out, sizes=None, force=False):
    """Write the dataset into the folder ``out``, creating it if needed.

    Parameters
    ----------
    out : str or os.PathLike
        Target folder: missing, empty, or holding a previous generation.
    sizes : dict, optional
        Number of images per split and class folder, shaped like
        ``SPLIT_SIZES``, which is the default.
    force : bool, default False
        Write even if ``out`` contains files that no generation wrote.  Files
        with the same names as dataset files are overwritten; other files are kept.

    Returns
    -------
    files : dict of str to bytes
        The files written, by relative path.

    Raises
    ------
    FileExistsError
        If ``out`` contains foreign files and ``force`` is False.
    NotADirectoryError
        If ``out`` is a file.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(
            f"Output path {out} is a file, not a folder. Pass a folder with --out."
        )
    foreign = find_foreign_files(out) if out.is_dir() else []
    if foreign and not force:
        raise FileExistsError(
            f"Folder {out} is not empty and is not a generated Cup dataset: it contains files "
            f"that its {MANIFEST_NAME} does not list or that were changed since "
            f"({len(foreign)} in all, such as {', '.join(foreign[:3])}). "
            f"Choose a new or empty folder with --out, or pass --force to write into it anyway "
            f"(files with the same names are overwritten, other files are kept)."
        )

    previous = read_manifest(out) if out.is_dir() else None
    files = render_dataset(sizes)
    for path, data in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    remove_stale_files(out, previous or {}, files, foreign)
    return files


def remove_stale_files(root, previous, files, foreign):
    """Delete unchanged files of the previous generation that the new one did not write."""
    for path in sorted(set(previous) - set(files) - set(foreign)):
        target = root / path
        if target.is_file():
            target.unlink()
            LOGGER.info("Removed %s, which the new generation does not contain", target)


def compare_dataset(root, sizes=None):
    """Compare the folder ``root`` with a fresh generation, file by file.

    Parameters
    ----------
    root : str or os.PathLike
        The folder to check.
    sizes : dict, optional
        Number of images per split and class folder, shaped like
        ``SPLIT_SIZES``, which is the default.

    Returns
    -------
    differences : list of str
        One line per missing, different or unexpected file; empty when the
        folder matches byte for byte.
    """
    root = Path(root)
    expected = render_dataset(sizes)
    differences = []
    for path, data in expected.items():
        target = root / path
        if not target.is_file():
            differences.append(f"missing: {path}")
        elif target.read_bytes() != data:
            differences.append(describe_difference(path, target.read_bytes(), data))

    differences += [f"unexpected file: {path}" for path in list_files(root) if path not in expected]
    return differences


def describe_difference(path, actual, expected):
    """Return a line saying whether a differing file also differs in its pixels."""
    try:
        actual_pixels = np.asarray(Image.open(io.BytesIO(actual)).convert("RGB"))
        expected_pixels = np.asarray(Image.open(io.BytesIO(expected)).convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError):
        return f"different content: {path}"

    if np.array_equal(actual_pixels, expected_pixels):
        return (
            f"different bytes but identical pixels: {path} "
            f"(a different zlib version compresses differently)"
        )
    return f"different pixels: {path}"


def parse_arguments(argv):
    """Parse the command-line options of ``python -m course_lib dataset``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib dataset",
        description="Generate the Cup / not Cup image dataset, or check a copy of it.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_ROOT,
        metavar="DIR",
        help="folder to write or check (default: %(default)s)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; compare the folder with a fresh generation byte for byte and "
        "exit with status 1 if any file is missing, different or unexpected",
    )
    mode.add_argument(
        "--force",
        action="store_true",
        help="write even into a folder that contains files no generation wrote; files with "
        "the same names are overwritten, other files are kept",
    )
    return parser.parse_args(argv)


def run_check(root):
    """Log the differences between ``root`` and a fresh generation; return the exit status."""
    if not root.is_dir():
        LOGGER.error("Cannot check %s: folder not found. Pass the dataset folder with --out.", root)
        return 1

    differences = compare_dataset(root)
    for line in differences[:MAX_LISTED]:
        LOGGER.error("%s", line)
    if len(differences) > MAX_LISTED:
        LOGGER.error("... and %d more differences", len(differences) - MAX_LISTED)
    if differences:
        LOGGER.error("%s does not match a fresh generation: %d differences", root, len(differences))
        return 1
    LOGGER.info("%s matches a fresh generation byte for byte", root)
    return 0


def main(argv=None):
    """Run ``python -m course_lib dataset`` with the options in ``argv``; return the exit status."""
    arguments = parse_arguments(argv)
    if arguments.check:
        return run_check(arguments.out)

    try:
        files = write_dataset(arguments.out, force=arguments.force)
    except (FileExistsError, NotADirectoryError) as error:
        LOGGER.error("%s", error)
        return 1
    LOGGER.info("Wrote %d files to %s", len(files), arguments.out)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())
