"""Execute course notebooks in place and strip metadata that changes between runs.

Usage: ``python -m course_lib.instructor.execute_notebooks [NOTEBOOK ...]``
(default: every ``notebooks/*.ipynb``).  The stored outputs are what nbval
compares against, so run this after editing a notebook and commit the result.
"""

import argparse
import logging
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

LOGGER = logging.getLogger(__name__)
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL_NAME = "python3"
NOTEBOOK_METADATA = {
    "kernelspec": {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)", "language": "python"},
    "language_info": {"name": "python"},
}
KEPT_CELL_METADATA = ("tags",)


def clean_metadata(notebook):
    """Keep only the kernel name and cell tags, so diffs show content changes only."""
    notebook.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    for index, cell in enumerate(notebook.cells):
        cell.metadata = nbformat.from_dict(
            {key: cell.metadata[key] for key in KEPT_CELL_METADATA if key in cell.metadata}
        )
        cell.id = f"cell-{index:02d}"
    return notebook


def execute_notebook(path, timeout=600):
    """Run every cell of the notebook at ``path`` and write it back with cleaned metadata."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.validate(clean_metadata(notebook))
    nbformat.write(notebook, path)
    LOGGER.info("executed %s", path)


def main(argv=None):
    """Execute the notebooks named in ``argv``, or all course notebooks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebook files (default: all)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    paths = arguments.notebooks or sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    if not paths:
        LOGGER.error("no notebooks found in %s", NOTEBOOK_DIR)
        return 1
    for path in paths:
        execute_notebook(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
