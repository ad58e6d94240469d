# 마음약방 kiosk — the two commands that matter are `make run` and `make test`.
# Both set everything up first: system packages (Korean font, venv support), the
# virtual environment and the Python packages. Safe to run again and again.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SDL_AUDIODRIVER ?= dummy

.PHONY: run test setup system-deps test-system-deps lint typecheck pytest demo bench fuzz soak clean

run: setup
	$(BIN)/python main.py $(ARGS)

test: setup test-system-deps lint typecheck pytest

setup: system-deps $(VENV)/.installed

system-deps:
	@bash deploy/system-deps.sh run

test-system-deps:
	@bash deploy/system-deps.sh test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

# Pytest exits 5 when it collects no test at all; that is not a failure of the build.
pytest:
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest; \
	  rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

demo: setup
	SDL_VIDEODRIVER=dummy $(BIN)/python main.py demo --out out/demo --all-resolutions

bench: setup
	SDL_VIDEODRIVER=dummy $(BIN)/python main.py bench

soak: setup
	SDL_VIDEODRIVER=dummy $(BIN)/python -m pytest -m slow -p no:cacheprovider

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .hypothesis
