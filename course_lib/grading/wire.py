"""Encode function arguments and return values as JSON for the grading worker.

The grader and the sandboxed worker exchange only this format.  Every NumPy
array travels as its dtype string, shape, memory order and the base64 text
of its raw bytes.  Only plain numeric, boolean, bytes, str and datetime
dtypes are accepted, so an array never contains Python objects.  Every float
travels as its ``repr`` string, so decoding never unpickles or evaluates
anything.  A submission that controls its side of the exchange can
therefore send wrong values, but it cannot run code in the grader.

Only the standard library is imported at module level: the worker loads this
file before NumPy can be imported inside the sandbox, and imports NumPy
inside the functions once it can.
"""

import base64
import math
import re

MAX_DEPTH = 32
MAX_STRING_LENGTH = 10_000
MAX_DIMENSIONS = 32
# Byte order, kind (bool, signed, unsigned, float, complex, bytes, str, datetime,
# timedelta), item size and an optional datetime unit: "<f8", "|b1", "<U5", "<M8[ns]".
ARRAY_DTYPE = re.compile(r"[<>|=][biufcSUMm]\d{1,4}(?:\[\w{1,10}\])?")


class WireError(ValueError):
    """Raised when an encoded value is malformed."""


class Unsupported:
    """A returned object of a type that the wire format cannot carry.

    Attributes
    ----------
    type_name : str
        Qualified name of the object's type, as reported by the worker.
    """

    def __init__(self, type_name):
        self.type_name = str(type_name)[:200]

    def __repr__(self):
        return f"<unsupported object of type {self.type_name}>"

    def __eq__(self, other):
        return isinstance(other, Unsupported) and other.type_name == self.type_name

    def __hash__(self):
        return hash(self.type_name)


def encode_value(value, depth=0):
    """Encode ``value`` as a JSON-compatible tree of dicts, lists and strings.

    Objects of any other type, and trees deeper than ``MAX_DEPTH``, become an
    ``"unsupported"`` node naming the type instead of raising, so that one odd
    return value fails one case instead of the whole worker.
    """
    import numpy as np

    if depth > MAX_DEPTH:
        return {"type": "unsupported", "python_type": "nesting deeper than 32 levels"}
    if value is None:
        return {"type": "none"}
    if type(value) is bool:
        return {"type": "bool", "value": value}
    if isinstance(value, np.ndarray):
        return encode_array(value, "ndarray")
    if isinstance(value, np.generic):
        return encode_array(np.asarray(value), "numpy_scalar")
    if type(value) is int:
        return {"type": "int", "value": str(value)}
    if type(value) is float:
        return {"type": "float", "value": repr(value)}
    if type(value) is str:
        return {"type": "str", "value": value[:MAX_STRING_LENGTH]}
    if type(value) in (list, tuple):
        items = [encode_value(item, depth + 1) for item in value]
        return {"type": type(value).__name__, "items": items}
    if type(value) is dict and all(type(key) is str for key in value):
        items = [[key, encode_value(item, depth + 1)] for key, item in value.items()]
        return {"type": "dict", "items": items}
    return {"type": "unsupported", "python_type": type(value).__qualname__}


def encode_array(array, kind):
    """Encode an ndarray or a NumPy scalar as its dtype, shape, memory order and base64 bytes."""
    if not ARRAY_DTYPE.fullmatch(array.dtype.str) or array.dtype.itemsize == 0:
        return {"type": "unsupported", "python_type": f"ndarray of dtype {array.dtype}"}
    order = "F" if array.flags.f_contiguous and not array.flags.c_contiguous else "C"
    return {"type": kind, "dtype": array.dtype.str, "shape": list(array.shape), "order": order,
            "data": base64.b64encode(array.tobytes(order=order)).decode("ascii")}


def decode_value(node, depth=0):
    """Decode a tree made by ``encode_value``.

    Raises
    ------
    WireError
        If the tree is malformed: unknown node type, missing field, invalid
        base64 or ``.npy`` data, or nesting deeper than ``MAX_DEPTH``.
    """
    if depth > MAX_DEPTH:
        raise WireError("encoded value is nested deeper than 32 levels")
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        raise WireError(f"expected an object with a 'type' field, got {type(node).__name__}")

    kind = node["type"]
    decoder = DECODERS.get(kind)
    if decoder is None:
        raise WireError(f"unknown encoded type {kind[:50]!r}")
    try:
        return decoder(node, depth)
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise WireError(f"invalid encoded {kind}: {error}") from None


def decode_scalar_text(node, depth):
    """Decode an int or float node from its text, rejecting anything else."""
    text = node["value"]
    if not isinstance(text, str) or len(text) > 400:
        raise WireError("number text must be a string of at most 400 characters")
    if node["type"] == "int":
        return int(text)
    return float(text)


def decode_array(node, depth):
    """Decode an ndarray or NumPy scalar node, checking its dtype, shape and byte count."""
    import numpy as np

    dtype_text, shape, order = node["dtype"], node["shape"], node["order"]
    if not (isinstance(dtype_text, str) and ARRAY_DTYPE.fullmatch(dtype_text)):
        raise WireError(f"unsupported array dtype {str(dtype_text)[:50]!r}")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMENSIONS
            and all(type(size) is int and size >= 0 for size in shape)):
        raise WireError("shape must be a list of at most 32 non-negative integers")
    if order not in ("C", "F"):
        raise WireError("order must be 'C' or 'F'")

    dtype = np.dtype(dtype_text)
    data = base64.b64decode(node["data"].encode("ascii"), validate=True)
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise WireError(f"{len(data)} bytes do not fill an array of shape {tuple(shape)} "
                        f"and dtype {dtype_text}")
    if dtype.itemsize == 0:
        raise WireError(f"dtype {dtype_text} has items of size 0")
    # A bytearray makes the array writable, as a function's inputs must be.
    array = np.frombuffer(bytearray(data), dtype=dtype).reshape(shape, order=order)
    if node["type"] == "numpy_scalar":
        if array.ndim != 0:
            raise WireError("numpy_scalar must hold a 0-d array")
        return array[()]
    return array


def decode_sequence(node, depth):
    """Decode a list or tuple node."""
    items = node["items"]
    if not isinstance(items, list):
        raise WireError("items must be a list")
    values = [decode_value(item, depth + 1) for item in items]
    return tuple(values) if node["type"] == "tuple" else values


def decode_dict(node, depth):
    """Decode a dict node whose keys are strings."""
    result = {}
    for pair in node["items"]:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            raise WireError("dict items must be [key, value] pairs with string keys")
        result[pair[0]] = decode_value(pair[1], depth + 1)
    return result


def decode_bool(node, depth):
    """Decode a bool node."""
    if not isinstance(node["value"], bool):
        raise WireError("bool value must be true or false")
    return node["value"]


def decode_str(node, depth):
    """Decode a str node."""
    if not isinstance(node["value"], str):
        raise WireError("str value must be a string")
    return node["value"][:MAX_STRING_LENGTH]


DECODERS = {
    "none": lambda node, depth: None,
    "bool": decode_bool,
    "int": decode_scalar_text,
    "float": decode_scalar_text,
    "str": decode_str,
    "ndarray": decode_array,
    "numpy_scalar": decode_array,
    "list": decode_sequence,
    "tuple": decode_sequence,
    "dict": decode_dict,
    "unsupported": lambda node, depth: Unsupported(node["python_type"]),
}
