"""Drive a JupyterLab notebook page in Playwright the way a student would: menus, sliders, uploads.

Every wait has a timeout, so a page that never renders fails the test
instead of hanging it.
"""

import re
import time

OPEN_TIMEOUT_MS = 90_000
KERNEL_IDLE_TIMEOUT_MS = 90_000
RUN_ALL_TIMEOUT_MS = 240_000
REDRAW_TIMEOUT_SECONDS = 30
ACTION_TIMEOUT_MS = 15_000
SLIDER_DRAG_PIXELS = 60

WIDGET_ERROR_TEXT = "Error displaying widget"
KERNEL_ERROR_PATTERN = re.compile(rb'"msg_type":\s*"error"')

# True once the status bar names a started kernel that is idle.  The toolbar's
# execution indicator already reads "idle" while the status bar still shows
# "No Kernel | Initializing", and in JupyterLab 4.6 "Run All Cells" clicked
# then runs nothing.
KERNEL_READY_SCRIPT = """
() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .map(item => item.textContent.trim())
    .some(text => text.endsWith('| Idle') && !text.startsWith('No Kernel'))
"""

# True once the kernel is idle, no cell is running or queued, and every code
# cell either shows an execution count or a cell above it failed, which stops
# "Run All Cells" in JupyterLab.
CELLS_FINISHED_SCRIPT = """
() => {
    const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
    if (!indicator || indicator.dataset.status !== 'idle') return false;
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(prompt => prompt.textContent.trim());
    if (prompts.some(prompt => prompt.includes('*'))) return false;
    const failed = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    return prompts.every(prompt => /^\\[\\d+\\]:$/.test(prompt)) || failed !== null;
}
"""


class KernelErrorWatcher:
    """Count kernel messages of type "error" that reach the page over its websockets."""

    def __init__(self, page):
        self.error_frames = []
        page.on("websocket", self.watch)

    def watch(self, websocket):
        websocket.on("framereceived", self.inspect)

    def inspect(self, payload):
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        if KERNEL_ERROR_PATTERN.search(data):
            self.error_frames.append(data[:2000])


class LabPage:
    """One notebook open in JupyterLab, with the actions and readings the browser test needs."""

    def __init__(self, page, artifact_dir, name):
        self.page = page
        self.artifact_dir = artifact_dir
        self.name = name
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.kernel_errors = KernelErrorWatcher(page)

    def open(self, url):
        """Load the notebook and wait until its kernel is idle."""
        self.page.goto(url, timeout=OPEN_TIMEOUT_MS)
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=OPEN_TIMEOUT_MS)
        self.page.wait_for_function(KERNEL_READY_SCRIPT, timeout=KERNEL_IDLE_TIMEOUT_MS, polling=500)

    def click_menu(self, menu, item):
        """Click ``item`` in the menu bar's ``menu``, as a user does."""
        self.page.get_by_role("menuitem", name=menu, exact=True).click()
        self.page.get_by_role("menuitem", name=item, exact=True).click()

    def run_all_cells(self):
        """Clear the stored outputs, run every cell from the Run menu and wait until they finish."""
        self.click_menu("Edit", "Clear Outputs of All Cells")
        self.click_menu("Run", "Run All Cells")
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            self.page.wait_for_function(CELLS_FINISHED_SCRIPT, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
        except PlaywrightTimeoutError:
            self.screenshot("run-all-timed-out")
            raise AssertionError(
                f"cells still running or not run after {RUN_ALL_TIMEOUT_MS // 1000} s, "
                f"prompts: {self.code_cell_prompts()}"
            ) from None

    def code_cell_prompts(self):
        return [text.strip() for text in self.page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]

    def error_outputs(self):
        """Return the text of every output that shows a traceback or an exception."""
        stderr_outputs = self.page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        return [text for text in stderr_outputs if "Traceback" in text or re.search(r"^\w+Error\b", text, re.M)]

    def widget_error_count(self):
        return self.page.get_by_text(WIDGET_ERROR_TEXT).count()

    def widget_image_sizes(self):
        """Return the natural (width, height) of every image widget, (0, 0) for one that failed to load."""
        return self.page.locator("img.widget-image").evaluate_all(
            "images => images.map(image => [image.naturalWidth, image.naturalHeight])"
        )

    def first_explorer_with_slider(self):
        """Return the first output that contains both a slider and an image widget, or None."""
        outputs = (
            self.page.locator(".jp-OutputArea-output")
            .filter(has=self.page.locator(".widget-slider"))
            .filter(has=self.page.locator("img.widget-image"))
        )
        return outputs.first if outputs.count() else None

    def drag_slider(self, explorer):
        """Drag the first slider handle inside ``explorer`` to the right with the mouse."""
        handle = explorer.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + SLIDER_DRAG_PIXELS, y, steps=8)
        self.page.mouse.up()

    def wait_for_new_image(self, image, before):
        """Poll the screenshot of ``image`` until it differs from ``before``; return the last one."""
        deadline = time.monotonic() + REDRAW_TIMEOUT_SECONDS
        after = image.screenshot()
        while after == before and time.monotonic() < deadline:
            time.sleep(0.5)
            after = image.screenshot()
        return after

    def upload_file(self, explorer, name, mime_type, data):
        """Click the upload button inside ``explorer`` and pick a file in the file chooser it opens."""
        with self.page.expect_file_chooser(timeout=ACTION_TIMEOUT_MS) as chooser:
            explorer.locator(".widget-upload").click()
        chooser.value.set_files(files=[{"name": name, "mimeType": mime_type, "buffer": data}])

    def screenshot(self, step, locator=None):
        """Save a screenshot of the page, or of ``locator``, as ``NAME-STEP.png`` under the artifact folder."""
        path = self.artifact_dir / f"{self.name}-{step}.png"
        (locator or self.page).screenshot(path=path)
        return path
