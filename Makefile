# The course's entry points. `make lab` and `make test` both create .venv on first use.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Jupyter refuses to run as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=

.PHONY: setup lab test notebooks lock clean

setup: $(STAMP)

# One install step, redone only when a file that pins something changes.
$(STAMP): pyproject.toml requirements-lock.txt requirements-offline.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements-lock.txt -e '.[lab,test]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--no-deps -r requirements-offline.txt
	touch $@

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

# Unit tests of tlutils and every notebook under nbval, in the offline profile.
test: setup
	TLUTILS_PROFILE=offline $(BIN)/python -m pytest

# Re-run every notebook offline and keep only the outputs nbval checks (see scripts/).
notebooks: setup
	TLUTILS_PROFILE=offline $(BIN)/python scripts/refresh_notebooks.py notebooks/*.ipynb

# Record every installed version, so a fresh machine gets the same transitive packages.
lock: setup
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check \
		| grep -v -i -f <(sed -n 's/==.*//p' requirements-offline.txt) > requirements-lock.txt

clean:
	rm -rf $(VENV)
