# The two commands of the README: `make site` builds the archive, `make test` runs the tests.
# Both set up what they need: a local virtual environment, and Debian's chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site bundle docs test bench serve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

docs: $(VENV)/.installed
	$(PY) -m build_scripts build

site: $(VENV)/.installed
	$(PY) -m build_scripts site
	$(PY) -m build_scripts bundle

serve: $(VENV)/.installed
	$(PY) -m build_scripts build
	$(VENV)/bin/mkdocs serve

/usr/bin/chromium:
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium

test: $(VENV)/.installed /usr/bin/chromium
	$(PY) -m pytest

clean:
	rm -rf site dist .pytest_cache
