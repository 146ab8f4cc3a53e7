"""The Cup / not Cup image dataset: 64x64 RGB images of cups and of other objects.

``load_cup_dataset`` reads the shipped images (or any folder in the same
layout); ``python -m course_lib dataset`` regenerates them.
"""

from course_lib.dataset.layout import CLASS_NAMES, DEFAULT_ROOT
from course_lib.dataset.loader import image_to_array, load_cup_dataset

__all__ = ["CLASS_NAMES", "DEFAULT_ROOT", "image_to_array", "load_cup_dataset"]
