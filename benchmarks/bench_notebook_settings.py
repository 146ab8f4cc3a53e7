"""Read the training settings and the printed speed-up of notebook 07 from its JSON.

The benchmarks train with the same learning rate and number of iterations
as the notebook and compare their loop-versus-vectorized figure with the
one the executed notebook printed.  Reading them from the notebook keeps
the two in step when the notebook changes.
"""

import json
import logging
import re
from pathlib import Path

LOGGER = logging.getLogger(__name__)

COURSE_ROOT = Path(__file__).resolve().parents[1]
CLASSIFIER_NOTEBOOK = COURSE_ROOT / "notebooks" / "07_cup_classifier.ipynb"
SETTING_NAMES = ("learning_rate", "num_iterations", "record_every")
SETTING_PATTERN = re.compile(
    r"^(learning_rate|num_iterations|record_every)\s*=\s*([0-9.eE+-]+)\s*(#.*)?$")
SPEED_UP_PATTERN = re.compile(r"speed-up: about ([0-9][0-9,]*) times")


def read_code_cells(path):
    """Return the sources and the outputs of the code cells of a notebook.

    Returns
    -------
    list of (str, str)
        For each code cell, its source and the text of its stream outputs.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        printed = "".join("".join(output.get("text", [])) for output in cell.get("outputs", [])
                          if output.get("output_type") == "stream")
        cells.append((source, printed))
    return cells


def parse_settings(sources):
    """Find unindented assignments of number literals to the training settings in cell sources.

    Parameters
    ----------
    sources : iterable of str

    Returns
    -------
    dict
        Maps each of ``learning_rate``, ``num_iterations`` and
        ``record_every`` that is assigned a number literal to that number
        (int when it has no decimal point or exponent).  The first
        assignment of a name wins.
    """
    settings = {}
    for source in sources:
        for line in source.splitlines():
            match = SETTING_PATTERN.match(line.rstrip())
            if match is None or match.group(1) in settings:
                continue
            text = match.group(2)
            try:
                settings[match.group(1)] = int(text) if text.lstrip("+-").isdigit() else float(text)
            except ValueError:
                LOGGER.warning("Ignoring %s = %s in the notebook: not a number", match.group(1), text)
    return settings


def parse_speed_up(printed_outputs):
    """Return the speed-up that notebook 07 printed ("speed-up: about N times"), or None."""
    for printed in printed_outputs:
        match = SPEED_UP_PATTERN.search(printed)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


def read_classifier_notebook(path=CLASSIFIER_NOTEBOOK):
    """Return the training settings found in notebook 07 and the speed-up it printed.

    Returns
    -------
    settings : dict
        See ``parse_settings``; empty when the notebook does not exist.
    speed_up : int or None
        None when the notebook is missing, not executed, or prints no speed-up.
    """
    path = Path(path)
    if not path.exists():
        LOGGER.warning("%s not found; using the benchmark's own training settings", path)
        return {}, None

    cells = read_code_cells(path)
    settings = parse_settings(source for source, _ in cells)
    speed_up = parse_speed_up(printed for _, printed in cells)
    return settings, speed_up
