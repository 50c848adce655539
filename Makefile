# The two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The address trainees type (e.g. http://192.168.1.10:8080 with HOST=0.0.0.0): every address
# the sandbox registers or prints follows it.
SANDBOX_BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
export SANDBOX_BASE_URL
# gunicorn with threads holds a class of 40 trainees at once (the portal also calls the
# registry and VNeID on itself, so a request may wait for a second one); runserver does not.
WORKERS ?= 2
THREADS ?= 40

# The versions that were tested, with their hashes (`make lock` writes them from pyproject.toml's
# ranges): dev.txt for `make run`, `make test` and CI, base.txt (runtime only) for deployments.
LOCK := requirements/dev.txt
RUNTIME_LOCK := requirements/base.txt
# `make lock` keeps every pin that still fits; LOCK_ARGS=--upgrade (or
# "--upgrade-package Django") moves them on.
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test setup lock migrate seed bench bench-national lint format clean

# No editable install: the project is not a package (`packages = []`), it runs from its folder.
$(STAMP): $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	touch $(STAMP)

setup: $(STAMP)

# Runtime and dev tools are resolved together, then the runtime alone within those pins, so
# both files name the same versions.
lock: setup
	$(PIP_COMPILE) --extra dev --output-file $(LOCK) pyproject.toml requirements/tools.in
	$(PIP_COMPILE) --constraint $(LOCK) --output-file $(RUNTIME_LOCK) \
		pyproject.toml requirements/tools.in

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_sandbox

# config/gunicorn.py: threaded workers, and the hourly purges of expired workspaces and VNeID
# codes, run by the server itself.
run: seed
	$(BIN)/gunicorn config.wsgi -c config/gunicorn.py --bind $(HOST):$(PORT) \
		--workers $(WORKERS) --threads $(THREADS) --access-logfile -

test: lint
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench
	$(BIN)/python -m bench.classroom

# National scale on PostgreSQL (about half an hour): 10M citizens with COPY, verify timings,
# the CCCD index's depth extrapolated to 100M rows. Drops and re-creates NATIONAL_DATABASE_URL.
NATIONAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dvc_bench_national
bench-national: setup
	$(BIN)/python -m bench.national --database-url $(NATIONAL_DATABASE_URL)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
