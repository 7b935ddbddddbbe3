# Chancery developer entry points.
#
#   make run     migrate, load the demo and the real datasets in data/, serve on http://127.0.0.1:8000
#                (make run DATA=demo: the demo alone)
#   make test    lint (ruff, import-linter), then the whole suite on PostgreSQL + Redis and on SQLite + Redis
#   make lint    ruff's lint and format check, and the import contracts, alone
#   make venv    (re)install requirements-dev.txt into .venv when it changes
#   make clean   remove the virtualenv, collected static files and caches
#   make eval-intake  the news intake scored against data/intake-gold/ (bench/RESULTS.md); fails on a missed target
#
# The server commands below are the single source of truth: scripts/run.sh runs them and
# tests/test_compose.py checks that docker-compose.yml runs the same ones.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
STAMP       := $(VENV)/.requirements.stamp
PYTEST_ARGS ?=
DATA        ?= all

GUNICORN      := gunicorn chancery.wsgi --workers 2 --worker-class gthread --threads 4 --reuse-port
# gthread: a long streamed download (a large CSV export) keeps its worker alive; a sync
# worker would be killed at the 30 s timeout mid-download.
# --reuse-port: each worker listens on a socket of its own and the kernel spreads new
# connections across them. On one shared socket a worker that woke first could take every
# keep-alive connection of a burst and leave the other idle (bench/RESULTS.md).
CELERY_WORKER := celery -A chancery worker -l info
CELERY_BEAT   := celery -A chancery beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

export VENV PYTEST_ARGS DATA GUNICORN CELERY_WORKER CELERY_BEAT

.PHONY: help venv run test lint test-compose services-up services-down clean eval-intake

help:
	@echo "make run | test [PYTEST_ARGS=...] | lint | eval-intake | venv | services-up | services-down | clean"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt scripts/venv.sh
	scripts/venv.sh
	touch $@

run: venv
	scripts/run.sh

test: lint
	scripts/test.sh

# Style (ruff, configured in pyproject.toml) and the dependency rule between apps
# (import-linter contracts in pyproject.toml; docs/architecture.md explains them).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Full stack in containers (needs a Docker engine): SECRET_KEY must be set in the environment.
services-up:
	docker compose up -d --build --wait

services-down:
	docker compose down

# The news intake against the gold set (data/intake-gold/SOURCE.md): a throwaway SQLite database
# under var/ for the countries (they come with the migrations), the gold set's own directory for
# the people, and the scores recorded in bench/RESULTS.md's eval-intake section. Exits non-zero,
# saying which, when a target is missed.
EVAL_DB := var/eval-intake.sqlite3

eval-intake: venv
	mkdir -p var
	rm -f $(EVAL_DB)
	DATABASE_URL=sqlite:///$(CURDIR)/$(EVAL_DB) CHANCERY_ENV=development $(VENV)/bin/python manage.py migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(CURDIR)/$(EVAL_DB) CHANCERY_ENV=development $(VENV)/bin/python manage.py eval_intake --record bench/RESULTS.md

clean:
	rm -rf $(VENV) staticfiles .pytest_cache var/celerybeat-schedule*
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

# Benchmarks (bench/run.sh): throwaway PostgreSQL + Redis on their own loopback ports,
# generated data, every benchmark beside its baseline, results in bench/RESULTS.md
# (make bench-quick: bench/RESULTS-quick.md, so a quick look never overwrites the full figures).
.PHONY: bench bench-quick

bench: venv
	bench/run.sh

bench-quick: venv
	bench/run.sh --quick

# Deeper API fuzzing than `make test` runs: Schemathesis's coverage phase (boundary values
# for every parameter) and 200 generated requests per operation and role (anonymous, analyst,
# editor), on PostgreSQL then SQLite; what was sent goes into bench/RESULTS.md (FUZZ_EXAMPLES=N).
.PHONY: fuzz
FUZZ_EXAMPLES ?= 200
fuzz: venv
	mkdir -p var && rm -f var/fuzz-report.*.json
	FUZZ_DEEP=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_REPORT=$(CURDIR)/var/fuzz-report PYTEST_ARGS='tests/api/test_fuzz.py' \
		scripts/test.sh; status=$$?; \
		cd bench && ../$(VENV)/bin/python fuzz_report.py $(CURDIR)/var/fuzz-report && exit $$status

# Load test (bench/load.sh): analysts' pages, API reads and editors' writes at once, 50 users
# for 60 s (LOAD_DURATION, LOAD_USERS, LOAD_REPEAT), against gunicorn + PostgreSQL + Redis + a
# worker on their own loopback ports; zero errors and p95 into bench/RESULTS.md. Not in `make test`.
.PHONY: load
load: venv
	bench/load.sh
