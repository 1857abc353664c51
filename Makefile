# icommit — the commands everyone uses. `make help` lists them.
#
#   make run    install (once), prepare the demo and serve it on http://127.0.0.1:8000/
#   make test   install the development tools (once), then lint, type-check and the whole suite
#
# Everything runs from the project's own virtual environment in .venv, installed by uv from
# uv.lock. Stamp files in .venv remember what was installed, so a second `make run` starts
# in a few seconds. ICOMMIT_* variables and DATABASE_URL pass through from the environment.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ICOMMIT := $(BIN)/icommit
# uv from PATH, else where `pip install --user uv` puts it (installed on first use).
USER_BIN := $(shell $(PYTHON) -c 'import os, site; print(os.path.join(site.getuserbase(), "bin"))' 2>/dev/null || echo $(HOME)/.local/bin)
UV ?= $(or $(shell command -v uv 2>/dev/null),$(USER_BIN)/uv)
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_NO_PROGRESS := 1

# Debian packages the browser tests, PDF tests and translations need.
SYSTEM_PACKAGES := chromium gettext poppler-utils libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2
IS_ROOT := $(filter 0,$(shell id -u))

# pytest arguments; `make test PYTEST_ARGS="-x tests/teams"` narrows the run.
PYTEST_ARGS ?= -n 2

# Demo settings for run/demo (override on the command line or in the environment).
DEMO_TARGETS := run demo
$(DEMO_TARGETS): export ICOMMIT_DEMO ?= 1
$(DEMO_TARGETS): export ICOMMIT_MFA_REQUIRED ?= 0
$(DEMO_TARGETS): export ICOMMIT_PORT ?= 8000
$(DEMO_TARGETS): export ICOMMIT_BIND ?= 127.0.0.1
$(DEMO_TARGETS): export ICOMMIT_BASE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(ICOMMIT_BIND)),127.0.0.1,$(ICOMMIT_BIND)):$(ICOMMIT_PORT)

PO_FILES := $(wildcard src/icommit/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help run demo test lint mypy pytest bench messages compile-messages system-packages \
	install install-dev clean

help: ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

# --- installing ------------------------------------------------------------------------------

$(USER_BIN)/uv:
	@echo "uv is not installed: installing it with pip --user into $(USER_BIN)"
	@if ! $(PYTHON) -m pip --version >/dev/null 2>&1; then \
		if [ -n "$(IS_ROOT)" ] && command -v apt-get >/dev/null; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-pip; \
		else \
			echo "error: $(PYTHON) has no pip. Install uv (pip install --user uv) or python3-pip (sudo apt-get install python3-pip), then run make again." >&2; \
			exit 1; \
		fi; \
	fi
	$(PYTHON) -m pip install --user --quiet uv 2>/dev/null \
		|| $(PYTHON) -m pip install --user --quiet --break-system-packages uv
	@test -x $@ || { echo "error: uv was installed but $@ is missing" >&2; exit 1; }

# The runtime packages only. --inexact keeps the development tools if `make test` put them there.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --inexact
	@touch $@

# Runtime plus the dev group (a superset, so it also satisfies the runtime stamp).
$(VENV)/.synced-dev: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --group dev
	@touch $@ $(VENV)/.synced

install: $(VENV)/.synced ## install the runtime packages into .venv (once)
install-dev: $(VENV)/.synced-dev ## install runtime and development packages into .venv (once)

system-packages: ## check (as root: install) the Debian packages the tests need
	@missing=""; \
	if command -v dpkg-query >/dev/null; then \
		for pkg in $(SYSTEM_PACKAGES); do \
			dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
		done; \
	else \
		[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
		command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	fi; \
	if [ -n "$$missing" ]; then \
		if [ -n "$(IS_ROOT)" ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages:$$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -q; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
		else \
			echo "error: the tests need these Debian packages:$$missing" >&2; \
			echo "       install them with: sudo apt-get install$$missing" >&2; \
			exit 1; \
		fi; \
	fi; \
	[ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 1; }

# --- translations ------------------------------------------------------------------------------
# Compiled from inside src/icommit, so only our own locale folder is found (never .venv's).

compile-messages: $(MO_FILES) ## compile the .po translation files

ifneq ($(PO_FILES),)
$(MO_FILES) &: $(PO_FILES) | $(VENV)/.synced
	@if ! command -v msgfmt >/dev/null; then \
		if [ -n "$(IS_ROOT)" ] && command -v apt-get >/dev/null; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gettext; \
		else \
			echo "warning: msgfmt is missing, so the German translation is not compiled;" \
				"install gettext (sudo apt-get install gettext) and run make again." >&2; \
			exit 0; \
		fi; \
	fi; \
	cd src/icommit && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/django-admin compilemessages -v0
endif

messages: $(VENV)/.synced ## extract translatable strings into src/icommit/locale/de
	cd src/icommit && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/django-admin makemessages \
		-l de --no-obsolete --ignore=migrations --ignore=static --ignore=content

# --- running ----------------------------------------------------------------------------------
# collectstatic, migrate, demo and serve in one process: Django starts once instead of four
# times, which keeps a second `make run` well under ten seconds. migrate runs the system checks
# as `icommit migrate` would. (No dollar sign or double quote in this code: it is passed to the
# shell in double quotes.)
PREPARE_DEMO := from django.conf import settings as s; \
	from django.core.management import call_command as c; \
	c('collectstatic', interactive=False, verbosity=0); \
	c('migrate', interactive=False, verbosity=0, skip_checks=False); \
	c('demo')
SERVE_DEMO := $(PREPARE_DEMO); \
	print(); \
	print(f'icommit demo: open {s.BASE_URL}/ and log in with an account above'); \
	print(f'(password: {s.DEMO_PASSWORD}). Data folder: {s.DATA_DIR}. Ctrl-C stops the server.'); \
	print(flush=True); \
	c('serve')

run: $(VENV)/.synced compile-messages ## install (once), prepare the demo, serve it
	@echo "$(ICOMMIT) shell -c \"collectstatic; migrate; demo; serve\""
	@exec $(ICOMMIT) shell --no-imports -c "$(SERVE_DEMO)"

demo: $(VENV)/.synced compile-messages ## prepare the demo database (migrate + Demo City) without serving
	$(ICOMMIT) shell --no-imports -c "$(PREPARE_DEMO)"

# --- checking -----------------------------------------------------------------------------------

lint: $(VENV)/.synced-dev ## ruff (lint + format check), mypy and the import layers
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	cd src && ../$(BIN)/lint-imports --no-cache ../pyproject.toml

mypy: $(VENV)/.synced-dev
	$(BIN)/mypy

pytest: $(VENV)/.synced-dev compile-messages ## the test suite alone (PYTEST_ARGS=...)
	$(BIN)/pytest $(PYTEST_ARGS)

test: $(VENV)/.synced-dev system-packages compile-messages lint ## everything: lint, mypy, the whole suite incl. browser tests
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.synced ## page benchmark at city scale beside a bare-Django reference; writes bench/results/latest.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# --- tidying ------------------------------------------------------------------------------------

clean: ## remove caches, compiled translations, bench results and install stamps (keeps .venv and var/)
	rm -rf .mypy_cache .ruff_cache .pytest_cache test-results bench/results
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f $(MO_FILES) $(VENV)/.synced $(VENV)/.synced-dev
