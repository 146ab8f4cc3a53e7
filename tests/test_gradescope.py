"""Tests of the Gradescope bundle, run locally in Gradescope's folder layout.

Each test lays out ``autograder/source``, ``autograder/submission`` and
``autograder/results`` under a temporary folder, unpacks the bundle into
``source`` and runs its ``run_autograder`` script with the root moved there
by COURSE_AUTOGRADER_ROOT, as Gradescope would run it in /autograder.
"""

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course_lib.checks import specs
from course_lib.grading import gradescope, grader, runner

pytestmark = pytest.mark.filterwarnings("error")

COURSE_ROOT = Path(__file__).resolve().parents[1]
GRADED_DIR = COURSE_ROOT / "course_lib" / "graded"
MAX_SCORE = float(sum(grader.POINTS.values()))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """Build the bundle once with short limits and return its path."""
    path = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    assert gradescope.main(["--out", str(path), "--timeout", "5", "--cpu-time", "5"]) == 0
    return path


def unpack(bundle_path, source_dir):
    """Extract the bundle like Gradescope does, keeping the permission bits."""
    with zipfile.ZipFile(bundle_path) as archive:
        for info in archive.infolist():
            target = source_dir / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod(stat.S_IMODE(info.external_attr >> 16))


@pytest.fixture
def autograder_root(tmp_path, bundle):
    """Lay out Gradescope's folders with the unpacked bundle in source/."""
    root = tmp_path / "autograder"
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    unpack(bundle, root / "source")
    return root


def run_autograder(root):
    """Run the bundle's run_autograder script; return (exit code, results dict, stderr)."""
    environment = {**os.environ, "COURSE_AUTOGRADER_ROOT": str(root),
                   "COURSE_AUTOGRADER_PYTHON": sys.executable, "TMPDIR": str(root.parent)}
    completed = subprocess.run(["bash", str(root / "source" / "run_autograder")],
                               env=environment, capture_output=True, text=True, timeout=300)
    results = json.loads((root / "results" / "results.json").read_text())
    return completed.returncode, results, completed.stderr


def test_bundle_has_scripts(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    for name in ("setup.sh", "run_autograder"):
        assert name in names
        assert modes[name] & 0o111 == 0o111


def test_bundle_has_course_package(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert "course_lib/graded/lesson02_sigmoid.py" in names
    assert "course_lib/grading/hidden_cases.py" in names
    assert "course_lib/grading/worker.py" in names
    assert not [name for name in names if name.startswith("course_lib/instructor/")]
    assert not [name for name in names if "__pycache__" in name]


def test_bundle_requirements_only_numpy(bundle):
    with zipfile.ZipFile(bundle) as archive:
        lines = archive.read("requirements.txt").decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("numpy")


def test_bundle_package_init_is_lazy(bundle):
    with zipfile.ZipFile(bundle) as archive:
        text = archive.read("course_lib/__init__.py").decode()
    assert "import course_lib.dataset" not in text
    assert "from course_lib" not in text
    assert "'load_cup_dataset': ('course_lib.dataset', 'load_cup_dataset')" in text


def fake_command(folder, name, script):
    """Write an executable shell script ``name`` into ``folder``."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


@pytest.mark.parametrize("python_script, code, message", [
    ('[ "$1" = "--version" ] && echo "Python 3.8.10"\n'
     '[ "$1" = "-c" ] && exit 1\nexit 0\n', 1,
     "error: the autograder needs Python 3.10 or newer, but python3 is Python 3.8.10."),
    ("exit 0\n", 0, ""),
])
def test_setup_checks_python_version(tmp_path, bundle, python_script, code, message):
    source = tmp_path / "source"
    unpack(bundle, source)
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake_command(fake_bin, "apt-get", "exit 0\n")
    fake_command(fake_bin, "python3", python_script)
    script = (source / "setup.sh").read_text().replace("/autograder/source", str(source))
    environment = {**os.environ, "PATH": f"{fake_bin}:/usr/bin:/bin"}
    completed = subprocess.run(["bash", "-c", script], env=environment, capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode == code
    assert message in completed.stderr


def test_bundle_rejects_unusable_memory(tmp_path, capsys):
    out = tmp_path / "autograder.zip"
    assert gradescope.main(["--out", str(out), "--memory", "10"]) == 2
    assert "Raise --memory (now 10 MiB, default 1024 MiB)" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("timeout, warned", [(30.0, False), (45.0, True)])
def test_run_time_warning(caplog, timeout, warned):
    gradescope.warn_about_run_time(runner.Limits(timeout_seconds=timeout))
    assert ("more than Gradescope's default limit of 600 s" in caplog.text) is warned


def test_worst_case_seconds():
    expected = len(specs.FUNCTION_NAMES) * 30 + runner.WORKER_MARGIN_SECONDS + 30
    assert gradescope.worst_case_seconds(runner.Limits(timeout_seconds=30)) == expected


def test_bundle_stores_limits(bundle):
    with zipfile.ZipFile(bundle) as archive:
        config = json.loads(archive.read("autograder_config.json"))
    assert config["limits"]["timeout_seconds"] == 5.0
    assert config["limits"]["cpu_seconds"] == 5


def test_bundle_out_must_be_zip(tmp_path, capsys):
    assert gradescope.main(["--out", str(tmp_path / "autograder.tar")]) == 2
    assert "--out must name a .zip file" in capsys.readouterr().err


def test_out_and_run_exclusive(tmp_path, capsys):
    with pytest.raises(SystemExit):
        gradescope.main(["--out", str(tmp_path / "a.zip"), "--run"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_flat_upload_full_score(autograder_root):
    for path in GRADED_DIR.glob("lesson*.py"):
        (autograder_root / "submission" / path.name).write_bytes(path.read_bytes())
    code, results, log = run_autograder(autograder_root)
    assert code == 0
    assert results["score"] == MAX_SCORE
    assert f"with the course package in {autograder_root / 'source' / 'course_lib'}" in log


def test_results_follow_gradescope_format(autograder_root):
    for path in GRADED_DIR.glob("lesson*.py"):
        (autograder_root / "submission" / path.name).write_bytes(path.read_bytes())
    _, results, _ = run_autograder(autograder_root)
    assert [test["name"] for test in results["tests"]] == list(specs.FUNCTION_NAMES)
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
    assert sum(test["max_score"] for test in results["tests"]) == MAX_SCORE


def test_run_hides_source_from_others(autograder_root):
    run_autograder(autograder_root)
    assert stat.S_IMODE((autograder_root / "source").stat().st_mode) & 0o077 == 0


def test_zipped_release_with_mistake(autograder_root):
    archive_path = autograder_root / "submission" / "my-work.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for path in GRADED_DIR.glob("lesson*.py"):
            text = path.read_text()
            if path.name == "lesson03_squared_error.py":
                text = text.replace("loss = 0.5 * (y_hat - y) ** 2", "loss = (y_hat - y) ** 2")
            archive.writestr(f"release/course_lib/graded/{path.name}", text)
    code, results, _ = run_autograder(autograder_root)
    scores = {test["name"]: test["score"] for test in results["tests"]}
    assert code == 0
    assert scores["squared_error_loss"] < grader.POINTS["squared_error_loss"]
    assert results["score"] == MAX_SCORE - grader.POINTS["squared_error_loss"] + scores[
        "squared_error_loss"]


def test_empty_upload_explained(autograder_root):
    code, results, _ = run_autograder(autograder_root)
    assert code == 0
    assert results["score"] == 0.0
    assert results["output"].startswith("Your submission could not be graded: the folder "
                                        "contains no files; upload your work again.")
    assert "the student" not in results["output"]
    assert len(results["tests"]) == len(specs.FUNCTION_NAMES)


BLOCKER = """\
import sys
from pathlib import Path

OPTIONAL = {"PIL", "matplotlib", "ipywidgets", "IPython", "nbformat"}


class BlockOptionalPackages:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in OPTIONAL:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, BlockOptionalPackages())
Path(__file__).with_name("active").write_text("yes")
"""


def test_grading_needs_only_numpy(autograder_root, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER)
    for path in GRADED_DIR.glob("lesson*.py"):
        (autograder_root / "submission" / path.name).write_bytes(path.read_bytes())
    environment = {**os.environ, "COURSE_AUTOGRADER_ROOT": str(autograder_root),
                   "COURSE_AUTOGRADER_PYTHON": sys.executable, "TMPDIR": str(tmp_path),
                   "PYTHONPATH": str(blocker)}
    completed = subprocess.run(["bash", str(autograder_root / "source" / "run_autograder")],
                               env=environment, capture_output=True, text=True, timeout=300)
    assert (blocker / "active").exists()
    assert completed.returncode == 0, completed.stderr
    results = json.loads((autograder_root / "results" / "results.json").read_text())
    assert results["score"] == MAX_SCORE


def test_read_limits_default_without_config(tmp_path):
    assert gradescope.read_limits(tmp_path) == runner.Limits()
