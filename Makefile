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

.PHONY: run test setup migrate seed bench lint format clean

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
	$(BIN)/gunicorn portal.wsgi --bind $(HOST):$(PORT) --worker-class gthread \
		--workers $(WORKERS) --threads $(THREADS) --timeout 60 --access-logfile -

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench
	$(BIN)/python -m bench.classroom

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
