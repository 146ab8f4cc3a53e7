"""Open notebooks in real JupyterLab in headless Chromium, run them and use their widgets.

For each notebook the test runs every cell from the Run menu, checks that
no cell failed and that every widget rendered, then drags the first slider
of an explorer and checks that its figure image changed.  Screenshots go to
test-artifacts/browser/.  See conftest.py for how to enable the test and add
course notebooks.
"""

import io

import numpy as np
import pytest
from PIL import Image

from lab_page import LabPage

pytestmark = pytest.mark.browser

WIDGET_REPLY_TIMEOUT_MS = 30_000
MAX_WIDGET_SCREENSHOTS = 12


def png_bytes(height, width, colour):
    """Encode a solid-colour RGB image as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(np.full((height, width, 3), colour, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def run_notebook(lab, lab_server, notebook_path):
    """Open the notebook and run all its cells, with a screenshot after each step."""
    lab.open(lab_server.notebook_url(notebook_path.name))
    lab.screenshot("opened")
    lab.run_all_cells()
    lab.screenshot("ran")
    widget_outputs = lab.page.locator(".jp-OutputArea-output").filter(has=lab.page.locator(".jupyter-widgets"))
    for index in range(min(widget_outputs.count(), MAX_WIDGET_SCREENSHOTS)):
        lab.screenshot(f"widget-{index}", widget_outputs.nth(index))


def check_upload(lab):
    """Upload a photo and a text file to the upload explorer and read its messages."""
    explorer = lab.page.locator(".jp-OutputArea-output").filter(has=lab.page.locator(".widget-upload")).first
    status = explorer.locator(".widget-html")

    lab.upload_file(explorer, "grey.png", "image/png", png_bytes(90, 120, (128, 128, 128)))
    status.filter(has_text="probability of cup").wait_for(timeout=WIDGET_REPLY_TIMEOUT_MS)
    lab.screenshot("uploaded-photo", explorer)

    lab.upload_file(explorer, "notes.txt", "text/plain", b"not a picture")
    status.filter(has_text="Could not read notes.txt").wait_for(timeout=WIDGET_REPLY_TIMEOUT_MS)
    lab.screenshot("uploaded-text", explorer)


def check_step_button(lab):
    """Click Step twice in the gradient-descent explorer and read the iteration it reports."""
    step_button = lab.page.locator('button.widget-button[title="Step"]')
    explorer = lab.page.locator(".jp-OutputArea-output").filter(has=step_button)
    for _ in range(2):
        explorer.locator(step_button).click()
    explorer.locator(".widget-html").filter(has_text="Iteration 2:").wait_for(timeout=WIDGET_REPLY_TIMEOUT_MS)
    lab.screenshot("stepped", explorer)


def test_notebook_widgets_in_lab(notebook_case, notebook_path, lab_server, browser_page, artifact_dir):
    lab = LabPage(browser_page, artifact_dir, notebook_path.stem)
    run_notebook(lab, lab_server, notebook_path)

    assert lab.error_outputs() == []
    assert lab.kernel_errors.error_frames == []
    prompts = lab.code_cell_prompts()
    assert prompts, "the notebook shows no code cells"
    assert all(prompt[1:-2].isdigit() for prompt in prompts), f"cells not run: {prompts}"
    assert lab.widget_error_count() == 0
    assert all(width > 0 for width, _ in lab.widget_image_sizes()), lab.widget_image_sizes()

    explorer = lab.first_explorer_with_slider()
    if explorer is None:
        assert notebook_case != "explorers", "the explorer notebook shows no slider next to a figure"
        return
    image = explorer.locator("img.widget-image").first
    before = image.screenshot()
    lab.screenshot("before-slider", explorer)

    lab.drag_slider(explorer)
    after = lab.wait_for_new_image(image, before)
    lab.screenshot("after-slider", explorer)
    assert after != before, "dragging the slider did not change the figure"
    assert lab.widget_error_count() == 0
    assert lab.kernel_errors.error_frames == []

    if notebook_case == "explorers":
        check_step_button(lab)
        check_upload(lab)
        assert lab.kernel_errors.error_frames == []
