"""A minimal PNG encoder whose output depends only on the pixels and on zlib.

The dataset's files must come out byte for byte the same on every run, so
they are encoded here rather than with ``PIL.Image.save``.  A file contains
only the IHDR, IDAT and IEND chunks, with no time stamp, text or gamma.  All
rows of an image use the same filter, and the data is compressed with
Python's ``zlib`` module at level 9.
"""

import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BIT_DEPTH = 8
COLOUR_TYPE_RGB = 2
FILTER_SUB = 1
FILTER_UP = 2
FILTER_PAETH = 4
FILTERS = (FILTER_SUB, FILTER_UP, FILTER_PAETH)
COMPRESSION_LEVEL = 9


def chunk(chunk_type, data):
    """Return one PNG chunk: length, type, data and the CRC-32 of type and data."""
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def paeth_predictor(left, above, upper_left):
    """Return the PNG Paeth prediction for arrays of neighbouring bytes, as int16."""
    estimate = left + above - upper_left
    distance_left = np.abs(estimate - left)
    distance_above = np.abs(estimate - above)
    distance_upper_left = np.abs(estimate - upper_left)

    use_left = (distance_left <= distance_above) & (distance_left <= distance_upper_left)
    use_above = ~use_left & (distance_above <= distance_upper_left)
    return np.where(use_left, left, np.where(use_above, above, upper_left))


def filter_rows(rows, filter_type, bytes_per_pixel=3):
    """Apply one PNG filter to every row of ``rows``, uint8 of shape (height, row bytes).

    Returns the filtered bytes, each row preceded by its filter-type byte.
    """
    current = rows.astype(np.int16)
    left = np.zeros_like(current)
    left[:, bytes_per_pixel:] = current[:, :-bytes_per_pixel]
    above = np.zeros_like(current)
    above[1:] = current[:-1]

    if filter_type == FILTER_SUB:
        prediction = left
    elif filter_type == FILTER_UP:
        prediction = above
    else:
        upper_left = np.zeros_like(current)
        upper_left[1:] = left[:-1]
        prediction = paeth_predictor(left, above, upper_left)

    filtered = ((current - prediction) % 256).astype(np.uint8)
    type_column = np.full((rows.shape[0], 1), filter_type, dtype=np.uint8)
    return np.hstack([type_column, filtered]).tobytes()


def encode_png(image):
    """Encode an RGB image as PNG bytes.

    Every filter in FILTERS is tried on the whole image and the smallest
    result is kept (the first one on a tie), so the output is deterministic.

    Parameters
    ----------
    image : numpy.ndarray of shape (height, width, 3), dtype uint8
        The pixels.

    Returns
    -------
    data : bytes
        A complete PNG file.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(
            f"image must be a uint8 array of shape (height, width, 3), got shape "
            f"{image.shape} and dtype {image.dtype}. Convert it with "
            f"np.asarray(image, dtype=np.uint8)."
        )
    height, width, _ = image.shape
    header = struct.pack(">IIBBBBB", width, height, BIT_DEPTH, COLOUR_TYPE_RGB, 0, 0, 0)
    rows = image.reshape(height, width * 3)

    candidates = [zlib.compress(filter_rows(rows, kind), COMPRESSION_LEVEL) for kind in FILTERS]
    compressed = min(candidates, key=len)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", compressed) + chunk(b"IEND", b"")
