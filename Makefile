# The project's commands (README "Commands"). Everything runs through uv's locked venv.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= uv
PY := $(UV) run --frozen python
MEMBERS := shared deploy/devstack deploy/demo $(wildcard services/*)

.PHONY: help install up down status demo test test-faults check lint typecheck arch fmt bench docs lint-deploy

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install:  ## uv, the venv, the Kafka jars, PostgreSQL binaries (what is missing)
	@bash deploy/install.sh

# SECURE=1 (or DEVSTACK_SECURE=1 in the environment): the broker with SASL/SCRAM and ACLs.
SECURE_ENV = $(if $(SECURE),DEVSTACK_SECURE=$(SECURE) ,)

up: install  ## start Kafka, PostgreSQL and every service in the background (SECURE=1: SASL + ACLs)
	@$(SECURE_ENV)$(PY) -m devstack up

down:  ## stop the local stack; no process is left behind
	@$(PY) -m devstack down

status:  ## what runs where
	@$(PY) -m devstack status

demo: install  ## start the stack, load the 2024 demo year through the public APIs, print the report
	@$(SECURE_ENV)$(PY) -m devstack up
	@$(PY) -m demo load

test: install  ## every test against one real Kafka broker and one PostgreSQL
	@$(PY) -m devstack test $(PYTEST_ARGS)

test-faults: install  ## only the fault suite (tests/faults, which make test runs too): 3 brokers, kills
	@$(UV) run --frozen pytest tests/faults $(PYTEST_ARGS)

check: lint typecheck arch  ## ruff, mypy --strict, import-linter

lint:
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen ruff check .

fmt:
	@$(UV) run --frozen ruff format .
	@$(UV) run --frozen ruff check --fix .

typecheck:
	@set -e; for m in $(MEMBERS); do echo "mypy $$m"; (cd $$m && $(UV) run --frozen mypy --config-file $(CURDIR)/pyproject.toml src $$( [ -d tests ] && echo tests )); done
	@$(UV) run --frozen mypy tests bench

arch:
	@$(UV) run --frozen lint-imports

docs:  ## docs/: each service's AsyncAPI, the event catalogue and schemas (offline, no Kafka)
	@$(PY) -m devstack docs

# BENCH=name (or "a b", "a,b"): only those benchmarks (relay memory rebuild command_path e2e_latency).
bench: install  ## throughput, latency and memory against same-run baselines (bench/results/)
	@$(PY) -m bench $(BENCH)

lint-deploy:  ## dclint on the compose files, hadolint on the Dockerfiles (make test runs them too)
	@deploy/lint/node_modules/.bin/dclint -c deploy/lint/dclint.yaml docker-compose.yml deploy/compose/kafka-3.yml
	@$(UV) run --frozen hadolint -c deploy/lint/hadolint.yaml deploy/docker/Dockerfile deploy/otel/Dockerfile
