# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PACKAGES := app tutor retrieval ingest recommender agents prompts api bench

.PHONY: install run test lint typecheck pytest screenshots clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	# torch first and pinned: an open range would pull a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	# Everything else in ONE pinned install (piecemeal installs break celery's exact pins).
	$(PY) -m pip install --quiet -c constraints.txt -r requirements-dev.txt -e .
	@touch $(STAMP)

install: $(STAMP)

run: install
	HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False TUTOR_LOG_FORMAT=text $(VENV)/bin/tutor serve --seed

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy $(PACKAGES) tests

pytest: install
	HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False $(VENV)/bin/pytest -q -p no:cacheprovider

test: lint typecheck pytest

# Regenerates docs/screenshots/ (desktop and phone) from a fresh `tutor serve --seed` in a temp dir.
screenshots: install
	HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False $(PY) -m tests.e2e.screenshots --out docs/screenshots

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
