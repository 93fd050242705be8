# Grassroots feedback and case tracking — developer commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SMTP_PORT ?= 1025

.PHONY: install run test test-fault test-unit test-integration lint dlq mailsink migrate check bench up down logs clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip wheel "setuptools<81"
	$(VENV)/bin/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP) ## create the virtualenv with pinned dependencies

run: install ## check broker and databases, migrate, run the four services (Ctrl-C stops)
	$(PY) -m services run

test: install ## run the whole test suite (needs RabbitMQ, PostgreSQL and /usr/bin/chromium)
	$(PY) -m pytest -m "not browser and not fault" --durations=20
	TEST_WITHOUT_EVENTLET=1 $(PY) -m pytest -m browser tests/browser

test-fault: install ## the fault suite: services killed, broker, database and SMTP cut under load (~5 min)
	$(PY) -m pytest -m fault tests/fault -s

test-unit: install ## run only the tests that need no broker or database
	$(PY) -m pytest -m "not integration and not e2e"

lint: install ## ruff over the code and tests
	$(VENV)/bin/ruff check .

dlq: install ## list dead letters (requeue: .venv/bin/python -m services dlq requeue --all)
	$(PY) -m services dlq list

mailsink: install ## a local SMTP server on $(SMTP_PORT) that prints and keeps every email
	$(PY) -m services.devtools.mailsink --port $(SMTP_PORT) --dir var/mail

migrate: install ## upgrade every service database
	$(PY) -m services migrate

check: install ## one verdict per dependency: broker, databases, SMTP
	$(PY) -m services check

bench: install ## benchmarks (need RabbitMQ and PostgreSQL); figures go to bench/results/
	$(PY) bench/pipeline.py
	$(PY) bench/pipeline.py --replicas 2
	$(PY) bench/import.py
	$(PY) bench/dedup.py
	$(PY) bench/reports.py

COMPOSE ?= docker compose -f deploy/compose.yaml

up: ## build the image and start everything in containers (needs deploy/.env: see deploy/README.md)
	@test -f deploy/.env || { echo "error: cp deploy/.env.example deploy/.env and set its secrets" >&2; exit 2; }
	$(COMPOSE) up -d --build --wait

down: ## stop the containers (data volumes are kept)
	$(COMPOSE) down

logs: ## follow the containers' logs
	$(COMPOSE) logs -f --tail=200

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
