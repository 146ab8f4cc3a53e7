"""Loading of an image folder in the Cup dataset layout into NumPy arrays."""

import logging
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from course_lib.dataset.layout import CLASS_FOLDERS, DEFAULT_ROOT, IMAGE_SIZE, SPLITS, is_hidden

LOGGER = logging.getLogger(__name__)
SIXTEEN_BIT_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N")
WHITE = (255, 255, 255, 255)


def load_cup_dataset(root=None):
    """Load the train and test images of a folder in the Cup dataset layout.

    Parameters
    ----------
    root : str or os.PathLike, optional
        Folder containing ``train/cup``, ``train/not_cup``, ``test/cup`` and
        ``test/not_cup``.  Defaults to ``DEFAULT_ROOT``, the shipped dataset.

    Returns
    -------
    train_images : numpy.ndarray of shape (m_train, 64, 64, 3), dtype uint8
    train_labels : numpy.ndarray of shape (1, m_train), dtype int64
        1 for an image from a ``cup`` folder, 0 for ``not_cup``.
    test_images : numpy.ndarray of shape (m_test, 64, 64, 3), dtype uint8
    test_labels : numpy.ndarray of shape (1, m_test), dtype int64

    Raises
    ------
    FileNotFoundError
        If ``root`` or one of its four class folders does not exist.
    ValueError
        If a class folder contains no images, or contains a file that is not
        an image or cannot be read.

    Notes
    -----
    Within a split, examples are sorted by file name and then by class
    (``not_cup`` before ``cup``), so the order is the same on every machine.
    Names that start with a dot (``.DS_Store``, ``.ipynb_checkpoints``) are
    skipped.  Each image is converted by ``image_to_array``.

    Examples
    --------
    >>> train_images, train_labels, test_images, test_labels = load_cup_dataset()
    >>> train_images.shape, train_labels.shape
    ((1000, 64, 64, 3), (1, 1000))
    """
    root = check_root(root)

    train_images, train_labels = load_split(root, "train")
    test_images, test_labels = load_split(root, "test")
    return train_images, train_labels, test_images, test_labels


def check_root(root):
    """Return ``root`` as a Path to an existing folder, or raise an error saying how to get one."""
    if root is None:
        root = DEFAULT_ROOT
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(
            f"root must be a folder path (str or pathlib.Path), got {type(root).__name__} "
            f"{root!r}. Pass a path such as 'assets/cup_dataset', or None for the shipped dataset."
        )

    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(
            f"Cup dataset folder {root} not found. Pass the folder that contains train/ and "
            f"test/, or run 'python -m course_lib dataset' to create the default one at "
            f"{DEFAULT_ROOT}."
        )
    return root


def list_class_folder(folder):
    """Return the sorted entries of a class folder without hidden ones, or raise if none remain."""
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Class folder {folder} not found. A Cup dataset needs the folders "
            f"{', '.join(f'{split}/{name}' for split in SPLITS for name in CLASS_FOLDERS)}; "
            f"create {folder} and put its images in it."
        )

    entries = sorted(path for path in folder.iterdir() if not is_hidden(path))
    if not entries:
        raise ValueError(
            f"Class folder {folder} contains no images. Add at least one PNG or JPEG image to it."
        )
    return entries


def load_split(root, split):
    """Load one split (``"train"`` or ``"test"``) of the dataset at ``root``.

    Returns
    -------
    images : numpy.ndarray of shape (m, 64, 64, 3), dtype uint8
    labels : numpy.ndarray of shape (1, m), dtype int64
    """
    examples = []
    for label, class_folder in enumerate(CLASS_FOLDERS):
        for path in list_class_folder(root / split / class_folder):
            examples.append((path.name, label, path))
    examples.sort(key=lambda example: (example[0], example[1]))

    images = np.stack([read_image(path) for _, _, path in examples])
    labels = np.array([[label for _, label, _ in examples]], dtype=np.int64)
    LOGGER.debug("Loaded %d %s images from %s", len(examples), split, root / split)
    return images, labels


def read_image(path):
    """Read one image file and convert it with ``image_to_array``, or raise naming the file."""
    if path.is_dir():
        raise ValueError(
            f"{path} is a folder, but class folders may contain only image files. "
            f"Move it out of {path.parent}."
        )

    try:
        with Image.open(path) as image:
            image.load()
            return image_to_array(image)
    except UnidentifiedImageError as error:
        raise ValueError(
            f"{path} is not a readable image: Pillow does not recognise its format, or the "
            f"file is damaged. Remove it from {path.parent} or replace it with a PNG or JPEG image."
        ) from error
    except (OSError, SyntaxError) as error:
        raise ValueError(
            f"Could not read image {path}: {error}. The file is probably truncated or "
            f"corrupt; replace it with a working copy or delete it."
        ) from error


def image_to_array(image, size=IMAGE_SIZE):
    """Convert a Pillow image to a square RGB array, the input format of the model.

    Parameters
    ----------
    image : PIL.Image.Image
        Any mode: greyscale, palette, RGB, RGBA, 16-bit greyscale, CMYK.
    size : int, default 64
        Width and height of the result in pixels.

    Returns
    -------
    pixels : numpy.ndarray of shape (size, size, 3), dtype uint8

    Notes
    -----
    The EXIF orientation tag (set by phone cameras) is applied first.  A
    transparent background becomes white.  An image that is not square is
    cropped to its centred square before it is resized with Lanczos
    filtering, so a wide photo loses its left and right edges.  Images of
    mode "I" or "I;16" are assumed to hold 16-bit values (0 to 65535), as
    Pillow returns for 16-bit greyscale PNG files, and are scaled to 0-255.
    """
    image = ImageOps.exif_transpose(image)
    image = to_rgb(image)

    if image.size != (size, size):
        image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    return np.array(image, dtype=np.uint8)


def to_rgb(image):
    """Return an RGB copy of a Pillow image, compositing transparency on white."""
    if image.mode in SIXTEEN_BIT_MODES:
        levels = np.asarray(image, dtype=np.float64) / 257.0
        image = Image.fromarray(np.round(np.clip(levels, 0.0, 255.0)).astype(np.uint8))

    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, WHITE)
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
