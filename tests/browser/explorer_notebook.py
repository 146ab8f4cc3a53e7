"""Write a small notebook that shows every explorer, for the browser test to open."""

import nbformat

NOTEBOOK_NAME = "explorers_in_lab.ipynb"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

CELLS = [
    ("markdown", "Every explorer of `course_lib.explorers`, opened by the browser test."),
    ("code", "import numpy as np\n\nfrom course_lib import explorers\nfrom course_lib.explorers.landscape import make_toy_dataset"),
    ("code", "explorers.sigmoid_explorer()"),
    ("code", "explorers.loss_explorer()"),
    ("code", "explorers.cost_landscape_explorer()"),
    ("code", "explorers.gradient_descent_explorer()"),
    (
        "code",
        "X, Y = make_toy_dataset()\n"
        "w, b, costs = explorers.train_with_progress(np.zeros((1, 1)), 0.0, X, Y, 0.5, 200, record_every=10)\n"
        "print(f'{len(costs)} costs recorded, last {costs[-1]:.4f}')",
    ),
    ("code", "explorers.image_upload_explorer(np.zeros((64 * 64 * 3, 1)), 0.0)"),
    ("code", "explorers.plot_sigmoid_family();"),
]


def write_explorer_notebook(folder):
    """Write the explorer notebook into ``folder`` and return its path."""
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    for kind, source in CELLS:
        if kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell(source))

    path = folder / NOTEBOOK_NAME
    nbformat.write(notebook, path)
    return path
