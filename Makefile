# Two commands do all set-up: `make play` and `make test`. pip only, no sudo.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP_PLAY := $(VENV)/.installed-play
STAMP_TEST := $(VENV)/.installed-test

.PHONY: play test fuzz lint bench demo-songs clean

play: $(STAMP_PLAY)
	$(PY) -m rokgame

test: $(STAMP_TEST)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(PY) -m pytest

# Fresh random examples for every property test (make test draws the same ones each run): hunts bugs.
fuzz: $(STAMP_TEST)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q $(shell grep -l '@given' tests/*.py)

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check rokgame tests tools bench main.py

bench: $(STAMP_TEST)
	$(PY) bench/render.py
	$(PY) bench/chartgen.py

demo-songs: $(STAMP_TEST)
	$(PY) tools/make_demo_songs.py
	$(PY) tools/make_demo_charts.py

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rokgame needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_PLAY): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(STAMP_PLAY)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
