"""Tests of the self-study working copy: created once, never overwriting the learner's edits."""

import hashlib
import json
import logging

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib import workspace
from course_lib.workspace import (
    RELEASE_MARKER,
    WORKSPACE_MANIFEST,
    WorkspaceError,
    update_workspace,
)

pytestmark = pytest.mark.filterwarnings("error")

FIRST_RELEASE = {
    "README.md": "# Course\n",
    "notebooks/01_linear_model.ipynb": '{"cells": ["lesson 1"]}\n',
    "notebooks/02_sigmoid.ipynb": '{"cells": ["lesson 2"]}\n',
    "course_lib/graded/lesson02_sigmoid.py": "def sigmoid(z):\n    raise NotImplementedError\n",
}
SIGMOID_NOTEBOOK = "notebooks/02_sigmoid.ipynb"
EDITED_TEXT = '{"cells": ["lesson 2", "my notes"]}\n'


def write_release(release_dir, files, version="1.0"):
    """Write ``files`` (path to text) and a release manifest with their SHA-256 into ``release_dir``."""
    for name, text in files.items():
        path = release_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    hashes = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()}
    manifest = {"format": 1, "course_version": version, "files": hashes}
    (release_dir / RELEASE_MARKER).write_text(json.dumps(manifest), encoding="utf-8")
    return release_dir


def read_tree(folder):
    """Return every file under ``folder`` except the working-copy manifest, as path to text."""
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != WORKSPACE_MANIFEST
    }


@pytest.fixture
def release_dir(tmp_path):
    """A first course release."""
    return write_release(tmp_path / "release", FIRST_RELEASE)


@pytest.fixture
def work_dir(tmp_path, release_dir):
    """A working copy created from the first release."""
    work = tmp_path / "work"
    update_workspace(release_dir, work)
    return work


def new_release(tmp_path, changes, removed=()):
    """Write a second release: the first one with ``changes`` applied and ``removed`` left out."""
    files = {name: text for name, text in FIRST_RELEASE.items() if name not in removed}
    files.update(changes)
    return write_release(tmp_path / "release2", files, version="2.0")


def test_workspace_create_copies_release(tmp_path, release_dir):
    report = update_workspace(release_dir, tmp_path / "work")

    assert read_tree(tmp_path / "work") == FIRST_RELEASE
    assert report.added == sorted(FIRST_RELEASE)


def test_workspace_create_records_manifest(work_dir):
    manifest = json.loads((work_dir / WORKSPACE_MANIFEST).read_text(encoding="utf-8"))

    assert manifest["course_version"] == "1.0"
    expected_hash = hashlib.sha256(FIRST_RELEASE[SIGMOID_NOTEBOOK].encode()).hexdigest()
    assert manifest["files"][SIGMOID_NOTEBOOK] == expected_hash


def test_workspace_create_in_empty_folder(tmp_path, release_dir):
    (tmp_path / "work").mkdir()

    update_workspace(release_dir, tmp_path / "work")

    assert read_tree(tmp_path / "work") == FIRST_RELEASE


def test_workspace_rerun_same_release_changes_nothing(release_dir, work_dir):
    report = update_workspace(release_dir, work_dir)

    assert report == workspace.WorkspaceReport(kept=sorted(FIRST_RELEASE))
    assert read_tree(work_dir) == FIRST_RELEASE


def test_workspace_rerun_keeps_edited_file(tmp_path, work_dir):
    (work_dir / SIGMOID_NOTEBOOK).write_text(EDITED_TEXT, encoding="utf-8")
    release = new_release(tmp_path, {SIGMOID_NOTEBOOK: '{"cells": ["lesson 2, fixed"]}\n'})

    report = update_workspace(release, work_dir)

    assert (work_dir / SIGMOID_NOTEBOOK).read_text(encoding="utf-8") == EDITED_TEXT
    assert (work_dir / "notebooks/02_sigmoid.updated.ipynb").read_text(encoding="utf-8") == (
        '{"cells": ["lesson 2, fixed"]}\n'
    )
    assert report.written_beside == [(SIGMOID_NOTEBOOK, "notebooks/02_sigmoid.updated.ipynb")]


def test_workspace_rerun_logs_edited_file(tmp_path, work_dir, caplog):
    (work_dir / SIGMOID_NOTEBOOK).write_text(EDITED_TEXT, encoding="utf-8")
    release = new_release(tmp_path, {SIGMOID_NOTEBOOK: '{"cells": ["lesson 2, fixed"]}\n'})

    with caplog.at_level(logging.WARNING, logger="course_lib.workspace"):
        update_workspace(release, work_dir)

    assert "kept your edited notebooks/02_sigmoid.ipynb" in caplog.text
    assert "notebooks/02_sigmoid.updated.ipynb" in caplog.text


def test_workspace_create_logs_summary_at_info(tmp_path, release_dir, caplog):
    with caplog.at_level(logging.INFO, logger="course_lib.workspace"):
        update_workspace(release_dir, tmp_path / "work")

    messages = [record.getMessage() for record in caplog.records]
    summaries = [message for message in messages if "kept as they were" in message]
    assert len(summaries) == 1
    assert f"{len(FIRST_RELEASE)} added, 0 updated, 0 kept as they were" in summaries[0]
    assert not any(name in message for message in messages for name in FIRST_RELEASE)


def test_workspace_create_logs_files_at_debug(tmp_path, release_dir, caplog):
    with caplog.at_level(logging.DEBUG, logger="course_lib.workspace"):
        update_workspace(release_dir, tmp_path / "work")

    debug_messages = [record.getMessage() for record in caplog.records if record.levelno == logging.DEBUG]
    assert debug_messages == [f"added {name}" for name in sorted(FIRST_RELEASE)]


def test_workspace_rerun_summary_counts_groups(tmp_path, work_dir, caplog):
    (work_dir / SIGMOID_NOTEBOOK).write_text(EDITED_TEXT, encoding="utf-8")
    changes = {
        SIGMOID_NOTEBOOK: "v2\n",
        "README.md": "# Course v2\n",
        "notebooks/03_squared_error.ipynb": "lesson 3\n",
    }

    with caplog.at_level(logging.INFO, logger="course_lib.workspace"):
        update_workspace(new_release(tmp_path, changes), work_dir)

    expected = (
        "1 added, 1 updated, 2 kept as they were, 0 restored, "
        "1 new versions written beside edited files, 0 not written because of errors"
    )
    assert expected in caplog.text


def test_workspace_rerun_edited_file_release_unchanged(tmp_path, release_dir, work_dir):
    (work_dir / SIGMOID_NOTEBOOK).write_text(EDITED_TEXT, encoding="utf-8")

    update_workspace(new_release(tmp_path, {"README.md": "# Course v2\n"}), work_dir)

    assert (work_dir / SIGMOID_NOTEBOOK).read_text(encoding="utf-8") == EDITED_TEXT
    assert not (work_dir / "notebooks/02_sigmoid.updated.ipynb").exists()


def test_workspace_new_lesson_added(tmp_path, work_dir):
    release = new_release(tmp_path, {"notebooks/03_squared_error.ipynb": '{"cells": ["lesson 3"]}\n'})

    report = update_workspace(release, work_dir)

    assert (work_dir / "notebooks/03_squared_error.ipynb").read_text(encoding="utf-8") == (
        '{"cells": ["lesson 3"]}\n'
    )
    assert report.added == ["notebooks/03_squared_error.ipynb"]


def test_workspace_unedited_file_updated(tmp_path, work_dir):
    release = new_release(tmp_path, {SIGMOID_NOTEBOOK: '{"cells": ["lesson 2, fixed"]}\n'})

    report = update_workspace(release, work_dir)

    assert (work_dir / SIGMOID_NOTEBOOK).read_text(encoding="utf-8") == '{"cells": ["lesson 2, fixed"]}\n'
    assert report.updated == [SIGMOID_NOTEBOOK]
    assert not (work_dir / "notebooks/02_sigmoid.updated.ipynb").exists()


def test_workspace_update_then_edit_then_update(tmp_path, work_dir):
    update_workspace(new_release(tmp_path, {SIGMOID_NOTEBOOK: "v2\n"}), work_dir)
    (work_dir / SIGMOID_NOTEBOOK).write_text(EDITED_TEXT, encoding="utf-8")

    third = write_release(tmp_path / "release3", {**FIRST_RELEASE, SIGMOID_NOTEBOOK: "v3\n"})
    update_workspace(third, work_dir)

    assert (work_dir / SIGMOID_NOTEBOOK).read_text(encoding="utf-8") == EDITED_TEXT
    assert (work_dir / "notebooks/02_sigmoid.updated.ipynb").read_text(encoding="utf-8") == "v3\n"


def test_workspace_keeps_earlier_updated_copy(tmp_path, work_dir):
    (work_dir / SIGMOID_NOTEBOOK).write_text(EDITED_TEXT, encoding="utf-8")
    update_workspace(new_release(tmp_path, {SIGMOID_NOTEBOOK: "v2\n"}), work_dir)

    third = write_release(tmp_path / "release3", {**FIRST_RELEASE, SIGMOID_NOTEBOOK: "v3\n"})
    report = update_workspace(third, work_dir)

    assert (work_dir / "notebooks/02_sigmoid.updated.ipynb").read_text(encoding="utf-8") == "v2\n"
    assert (work_dir / "notebooks/02_sigmoid.updated-2.ipynb").read_text(encoding="utf-8") == "v3\n"
    assert report.written_beside == [(SIGMOID_NOTEBOOK, "notebooks/02_sigmoid.updated-2.ipynb")]


def test_workspace_deleted_file_stays_deleted(tmp_path, work_dir):
    (work_dir / SIGMOID_NOTEBOOK).unlink()

    update_workspace(new_release(tmp_path, {"README.md": "# Course v2\n"}), work_dir)

    assert not (work_dir / SIGMOID_NOTEBOOK).exists()


def test_workspace_deleted_file_restored_when_changed(tmp_path, work_dir):
    (work_dir / SIGMOID_NOTEBOOK).unlink()

    report = update_workspace(new_release(tmp_path, {SIGMOID_NOTEBOOK: "v2\n"}), work_dir)

    assert (work_dir / SIGMOID_NOTEBOOK).read_text(encoding="utf-8") == "v2\n"
    assert report.restored == [SIGMOID_NOTEBOOK]


def test_workspace_learner_file_with_new_lesson_name(tmp_path, work_dir):
    (work_dir / "notebooks/03_squared_error.ipynb").write_text("my own notebook\n", encoding="utf-8")

    update_workspace(new_release(tmp_path, {"notebooks/03_squared_error.ipynb": "lesson 3\n"}), work_dir)

    assert (work_dir / "notebooks/03_squared_error.ipynb").read_text(encoding="utf-8") == "my own notebook\n"
    assert (work_dir / "notebooks/03_squared_error.updated.ipynb").read_text(encoding="utf-8") == "lesson 3\n"


def test_workspace_keeps_learner_only_files(tmp_path, work_dir):
    (work_dir / "notes.md").write_text("my notes\n", encoding="utf-8")

    update_workspace(new_release(tmp_path, {}, removed=["README.md"]), work_dir)

    assert (work_dir / "notes.md").read_text(encoding="utf-8") == "my notes\n"
    assert (work_dir / "README.md").read_text(encoding="utf-8") == "# Course\n"


def test_workspace_edited_makefile_gets_updated_suffix(tmp_path, work_dir):
    write_release(tmp_path / "release", {**FIRST_RELEASE, "Makefile": "lab:\n"})
    update_workspace(tmp_path / "release", work_dir)
    (work_dir / "Makefile").write_text("lab:\n\techo mine\n", encoding="utf-8")

    update_workspace(new_release(tmp_path, {"Makefile": "lab:\n\techo v2\n"}), work_dir)

    assert (work_dir / "Makefile.updated").read_text(encoding="utf-8") == "lab:\n\techo v2\n"


def test_workspace_rejects_unknown_folder(tmp_path, release_dir):
    work = tmp_path / "work"
    work.mkdir()
    (work / "thesis.tex").write_text("chapter 1\n", encoding="utf-8")

    with pytest.raises(WorkspaceError, match=r"is not empty and has no \.course-workspace\.json"):
        update_workspace(release_dir, work)
    assert read_tree(work) == {"thesis.tex": "chapter 1\n"}


def test_workspace_rejects_file_as_out(tmp_path, release_dir):
    (tmp_path / "work").write_text("x\n", encoding="utf-8")

    with pytest.raises(WorkspaceError, match=r"is a file, expected a folder"):
        update_workspace(release_dir, tmp_path / "work")


def test_workspace_rejects_folder_without_release_marker(tmp_path):
    (tmp_path / "not_a_release").mkdir()

    message = r"is not a student release because it has no \.course-release\.json"
    with pytest.raises(WorkspaceError, match=message):
        update_workspace(tmp_path / "not_a_release", tmp_path / "work")


def test_workspace_rejects_incomplete_release(tmp_path, release_dir):
    (release_dir / SIGMOID_NOTEBOOK).unlink()

    with pytest.raises(WorkspaceError, match=r"is incomplete: 1 listed files are missing"):
        update_workspace(release_dir, tmp_path / "work")


@pytest.mark.parametrize("name", ["../escape.txt", "/tmp/escape.txt", ""])
def test_workspace_rejects_path_outside_folder(tmp_path, name):
    release = tmp_path / "release"
    release.mkdir()
    manifest = {"format": 1, "files": {name: "0" * 64}}
    (release / RELEASE_MARKER).write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(WorkspaceError, match=r"expected a relative path inside the folder"):
        update_workspace(release, tmp_path / "work")


@pytest.mark.parametrize("content", ["not json", '{"format": 99, "files": {}}', '["format", 1]'])
def test_workspace_rejects_damaged_manifest(tmp_path, content):
    release = tmp_path / "release"
    release.mkdir()
    (release / RELEASE_MARKER).write_text(content, encoding="utf-8")

    with pytest.raises(WorkspaceError, match=r"release manifest"):
        update_workspace(release, tmp_path / "work")


@pytest.mark.parametrize("work_name", ["release/work", "."])
def test_workspace_rejects_nested_folders(tmp_path, release_dir, work_name):
    with pytest.raises(WorkspaceError, match=r"is inside"):
        update_workspace(release_dir, tmp_path / work_name)


def test_main_returns_zero_on_success(tmp_path, release_dir):
    assert workspace.main(["--release", str(release_dir), "--out", str(tmp_path / "work")]) == 0


def test_main_logs_error_and_returns_one(tmp_path, caplog):
    (tmp_path / "empty").mkdir()

    with caplog.at_level(logging.ERROR, logger="course_lib.workspace"):
        status = workspace.main(["--release", str(tmp_path / "empty"), "--out", str(tmp_path / "work")])

    assert status == 1
    assert "is not a student release" in caplog.text


def test_kernel_imports_working_copy(tmp_path, monkeypatch):
    """A kernel started with PYTHONPATH=WORK imports WORK/course_lib, not the editable install."""
    package = tmp_path / "work" / "course_lib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "work"))
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("import course_lib\nprint(course_lib.__file__)"))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}

    client = NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )

    client.execute()

    assert notebook.cells[0].outputs[0]["text"].strip() == str(package / "__init__.py")
