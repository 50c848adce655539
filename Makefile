# The two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate seed bench bench-national lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_sandbox

run: seed
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench

# National scale on PostgreSQL (about half an hour): 10M citizens with COPY, verify timings,
# the CCCD index's depth extrapolated to 100M rows. Drops and re-creates NATIONAL_DATABASE_URL.
NATIONAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dvc_bench_national
bench-national: setup
	$(BIN)/python -m bench.national --database-url $(NATIONAL_DATABASE_URL)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
