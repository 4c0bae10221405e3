# The course's entry points. `make lab` and `make test` both create .venv on first use.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The course's JupyterLab defaults (lab/overrides.json: no news pop-up, no update check), where
# the venv's JupyterLab reads them; a learner's own settings still win over these.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# Jupyter refuses to run as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=
LAB_DIR ?= notebooks

.PHONY: setup lab test notebooks lock clean assignments grade

setup: $(STAMP) $(LAB_SETTINGS)

# One install step, redone only when a file that pins something changes. --no-compile: pip would
# compile every module of every package to bytecode (TensorFlow alone is thousands of files, the
# course imports a fraction): 103 s of install against 65 s without, measured on a fresh clone
# with a warm pip cache. Python compiles what is imported instead, once, into __pycache__; the
# export below lets it write those files even where PYTHONDONTWRITEBYTECODE is set (else every
# process would compile TensorFlow again: 18 s to import the course's packages against 8 s).
export PYTHONDONTWRITEBYTECODE :=
$(STAMP): pyproject.toml requirements-lock.txt requirements-offline.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile --disable-pip-version-check \
		-c requirements-lock.txt -e '.[lab,test]'
	$(BIN)/python -m pip install --quiet --no-compile --disable-pip-version-check \
		--no-deps -r requirements-offline.txt
	touch $@

$(LAB_SETTINGS): lab/overrides.json | $(STAMP)
	install -D -m 644 $< $@

lab: setup
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) $(ROOT_FLAG) $(LAB_ARGS)

# Unit tests of tlutils and every notebook under nbval, in the offline profile, with a fresh
# cache folder so that every run converts, computes and trains from nothing. Two pytest-xdist
# workers (TEST_WORKERS=0 runs in one process); tests/conftest.py says what runs together.
TEST_WORKERS ?= 2
# OPENBLAS_NUM_THREADS=1: the two test workers share two cores, and OpenBLAS's threads wait
# busily for work; scikit-learn's small problems run faster on one thread even on an idle machine
# (lesson 06's logistic regression on 48 x 2,048 features: 4.2 s with OpenBLAS's default threads,
# 1.1 s with one). TensorFlow does not use OpenBLAS.
test: setup
	cache=$$(mktemp -d) && TLUTILS_PROFILE=offline TLUTILS_CACHE=$$cache OPENBLAS_NUM_THREADS=1 \
		$(BIN)/python -m pytest -n $(TEST_WORKERS); \
		status=$$?; rm -rf $$cache; exit $$status

# Re-run every notebook offline and store its outputs with a label naming the run (see scripts/).
notebooks: setup
	cache=$$(mktemp -d) && TLUTILS_PROFILE=offline TLUTILS_CACHE=$$cache \
		$(BIN)/python scripts/refresh_notebooks.py notebooks/*.ipynb; status=$$?; rm -rf $$cache; exit $$status

# Graded otter-grader assignments from the lessons' exercises, into build/assignments (git ignores
# build/): per lesson a student notebook, the autograder notebook and its archive, for a JupyterHub
# and for Colab. docs/teaching.md says how to hand them out.
assignments: setup
	$(BIN)/python scripts/build_assignments.py

# A learner grades their own notebook (named after its lesson, e.g. 00_...): make grade NB=path.
NB ?=
grade: setup
	@test -n "$(NB)" || { echo "Say which notebook: make grade NB=path/to/00_mine.ipynb"; exit 2; }
	$(BIN)/python scripts/grade.py "$(NB)"

# Record every installed version, so a fresh machine gets the same transitive packages.
lock: setup
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check \
		| grep -v -i -f <(sed -n 's/==.*//p' requirements-offline.txt) > requirements-lock.txt

clean:
	rm -rf $(VENV)
