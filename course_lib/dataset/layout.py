"""Folder layout and class names of the Cup dataset, shared by the generator and the loader."""

from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "cup_dataset"
SPLITS = ("train", "test")
CLASS_FOLDERS = ("not_cup", "cup")
CLASS_NAMES = ("not cup", "cup")
IMAGE_SIZE = 64


def is_hidden(path):
    """Return True for names that start with a dot, such as .DS_Store or .ipynb_checkpoints."""
    return path.name.startswith(".")
