# Set-up and test commands for the course.  Every target creates the local
# virtual environment .venv first, so a fresh clone needs only python3 >= 3.10.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
RELEASE_DIR := build/release
WORK_DIR := work
LAB_PORT ?= 8888
LAB_OPTIONS ?=
# JupyterLab refuses to run as root (common in containers) unless told to.
LAB_ROOT_OPTION := $(if $(filter 0,$(shell id -u)),--allow-root)
# Course notebooks that show explorers; the browser test runs each of them.
EXPLORER_NOTEBOOKS := $(shell grep -l "explorer\|train_with_progress" notebooks/*.ipynb)
PIP_INSTALL := $(BIN)/python -m pip install --quiet --constraint .ci/constraints.txt
PYTEST_NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: install lab lab-instructor check test test-browser notebooks release grade bench clean

$(INSTALLED): pyproject.toml .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -e '.[lab,test]'
	touch $(INSTALLED)

install: $(INSTALLED)

# The learner works in work/, a personal copy of the student release that
# later runs never overwrite; PYTHONPATH makes the kernel import work/course_lib.
lab: $(INSTALLED)
	$(BIN)/python -m course_lib release --out $(RELEASE_DIR) --force
	$(BIN)/python -m course_lib workspace --release $(RELEASE_DIR) --out $(WORK_DIR)
	PYTHONPATH=$(abspath $(WORK_DIR)) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$(LAB_PORT) --ServerApp.root_dir=$(abspath $(WORK_DIR)) \
		$(LAB_ROOT_OPTION) $(LAB_OPTIONS) $(abspath $(WORK_DIR))/notebooks/00_welcome.ipynb

# Run check() on every graded function of the learner's working copy.
check: $(INSTALLED)
	@test -d $(WORK_DIR)/course_lib || { echo "error: no working copy in $(WORK_DIR); run make lab first" >&2; exit 2; }
	cd $(WORK_DIR) && PYTHONPATH=$(abspath $(WORK_DIR)) $(abspath $(BIN))/python -c "from course_lib import check; check()"

# Instructors open the source notebooks, which import the reference solutions.
lab-instructor: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir=$(CURDIR) $(LAB_ROOT_OPTION) $(LAB_OPTIONS) notebooks/00_welcome.ipynb

test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_NBVAL) tests notebooks

test-browser: $(INSTALLED)
	$(PIP_INSTALL) -e '.[lab,test,browser]'
	$(BIN)/python -m pytest -m browser --run-browser tests/browser \
		$(foreach notebook,$(EXPLORER_NOTEBOOKS),--lab-notebook $(notebook))

notebooks: $(INSTALLED)
	$(BIN)/python -m course_lib.instructor.execute_notebooks

release: $(INSTALLED)
	$(BIN)/python -m course_lib release --out $(RELEASE_DIR)

grade: $(INSTALLED)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=DIR [RESULTS=DIR]" >&2; exit 2; }
	$(BIN)/python -m course_lib grade $(SUBMISSIONS) --out $(or $(RESULTS),results)

bench: $(INSTALLED)
	$(PIP_INSTALL) -e '.[lab,test,bench]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build .pytest_cache
