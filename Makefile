# Pishkhan — two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# manage.py defaults to pishkhan.settings; the test suite uses pishkhan.settings_test (pyproject).

.PHONY: run test setup system-deps test-deps lint check pytest bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

system-deps:
	@scripts/system-deps.sh runtime

test-deps:
	@scripts/system-deps.sh test

setup: system-deps $(VENV)/.deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: setup
	$(BIN)/python manage.py seed_demo
	SMS_INBOUND_SECRET=$${SMS_INBOUND_SECRET:-demo-sms-secret} HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

lint: $(VENV)/.deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-only-$$(head -c 48 /dev/urandom | base64) \
	  DJANGO_ALLOWED_HOSTS=example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest: $(VENV)/.deps
	DJANGO_SETTINGS_MODULE=pishkhan.settings_test $(BIN)/pytest -q $(PYTEST_ARGS)

test: system-deps test-deps $(VENV)/.deps lint
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_SETTINGS_MODULE=pishkhan.settings_test $(BIN)/pytest -q $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
