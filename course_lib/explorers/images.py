"""Turn the bytes of an uploaded image file into the 64x64 RGB array that is the model's input."""

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

from course_lib import validation
from course_lib.dataset import image_to_array
from course_lib.dataset.layout import IMAGE_SIZE
from course_lib.graded import lesson01_linear_model as linear_model
from course_lib.graded import lesson07_classifier as classifier


def open_image(data):
    """Decode ``data`` with Pillow, raising ``ValueError`` for anything that is not a readable image."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"data must be the bytes of an image file, got {type(data).__name__}. "
            f"Read the file in binary mode, for example Path(name).read_bytes()."
        )
    if len(data) == 0:
        raise ValueError("data is empty (0 bytes). Choose an image file such as a PNG or JPEG photo.")

    try:
        image = Image.open(io.BytesIO(bytes(data)))
        image.load()
    except UnidentifiedImageError as error:
        raise ValueError(
            "The file is not an image that Pillow can read. "
            "Choose a PNG, JPEG, GIF, BMP or WebP photo."
        ) from error
    except Image.DecompressionBombError as error:
        raise ValueError(
            f"The image is too large to decode safely ({error}). Choose a photo of a few megapixels."
        ) from error
    except OSError as error:
        raise ValueError(
            f"The image file is damaged or truncated ({error}). Save it again or choose another photo."
        ) from error
    return image


def image_bytes_to_array(data, size=IMAGE_SIZE):
    """Convert the bytes of an image file into an RGB array of shape (size, size, 3).

    The decoded image goes through ``course_lib.dataset.image_to_array``, the
    conversion the dataset loader applies to every training image: EXIF
    orientation first, transparent pixels on white, the largest centred
    square cropped and resized to ``size`` x ``size`` pixels.

    Parameters
    ----------
    data : bytes, bytearray or memoryview
        Contents of an image file in any format Pillow reads (PNG, JPEG, ...).
    size : int, default 64
        Side of the square output in pixels.

    Returns
    -------
    image : numpy.ndarray of shape (size, size, 3), dtype uint8
        The pixels of the model's input, channels in RGB order.

    Raises
    ------
    TypeError
        If ``data`` is not bytes-like.
    ValueError
        If ``data`` is empty, not an image, damaged or too large to decode.
    """
    size = validation.check_positive_int(size, "size")
    return image_to_array(open_image(data), size=size)


def check_image_model(w, b, size=IMAGE_SIZE):
    """Validate parameters trained on flattened size x size RGB images: w of shape (n_x, 1), b a float."""
    n_x = size * size * 3
    w = validation.as_float_array(w, "w")
    validation.check_matrix(w, "w", f"(n_x, 1) = ({n_x}, 1)", rows=n_x, columns=1)
    b = validation.check_scalar(b, "b")
    return w, b


def predict_image_probability(w, b, image):
    r"""Compute the model's probability of "cup" for one image, $a = \sigma(w^T x + b)$.

    The image goes through the student's own ``flatten_images``,
    ``scale_pixels`` and ``predict_proba``, looked up at call time, so the
    probability is the one the student's trained model gives.

    Parameters
    ----------
    w : numpy.ndarray of shape (n_x, 1)
        Trained weights, n_x = 64 * 64 * 3 = 12288.
    b : float
        Trained bias.
    image : numpy.ndarray of shape (64, 64, 3), dtype uint8
        The image, as returned by ``image_bytes_to_array``.

    Returns
    -------
    probability : float
        The predicted probability of "cup", in [0, 1].
    """
    image = validation.as_numeric_array(image, "image")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(
            f"image must be an RGB array of shape (h, w, 3), got {validation.describe(image)}. "
            f"Convert the file with image_bytes_to_array first."
        )

    X = linear_model.scale_pixels(linear_model.flatten_images(image[np.newaxis]))
    A = classifier.predict_proba(w, b, X)
    return float(np.asarray(A).reshape(-1)[0])
