# Relaydesk — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := run

UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON := $(shell scripts/find-python)
UV := .tools/bin/uv
RUN := $(UV) run --frozen
export UV_PYTHON := $(PYTHON)

.PHONY: run install test lint test-sqlite test-postgres system-deps bench demo clean messages

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: .tools/bin/uv pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: .venv/.synced node_modules/.installed messages

# gettext's msgfmt compiles the catalogs; Chromium drives the browser tests; curl and jq run
# the examples of docs/api.md; Dovecot is the IMAP server the mail tests fetch from.
system-deps:
	@command -v msgfmt >/dev/null && command -v chromium >/dev/null \
	  && command -v curl >/dev/null && command -v jq >/dev/null && [ -x /usr/sbin/dovecot ] || { \
	  echo "Installing Debian packages: gettext chromium fonts curl jq dovecot-imapd"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    gettext chromium fonts-dejavu-core fonts-noto-core curl jq dovecot-imapd >/dev/null; }

messages: .venv/.synced
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps
	cd src/relaydesk && ../../$(RUN) relaydesk compilemessages --verbosity 0

run: install
	$(RUN) relaydesk migrate --no-input
	$(RUN) relaydesk demo --if-empty
	RELAYDESK_DEMO=1 RELAYDESK_DEBUG=$${RELAYDESK_DEBUG:-1} $(RUN) relaydesk serve

demo: install
	$(RUN) relaydesk migrate --no-input
	$(RUN) relaydesk demo

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	RELAYDESK_HOME=$$(mktemp -d) $(RUN) relaydesk makemigrations --check --dry-run
	$(RUN) python scripts/check_translations.py

test-sqlite: install system-deps
	RELAYDESK_TESTING=1 RELAYDESK_HOME=$$(mktemp -d) DATABASE_URL= $(RUN) pytest -q

# Runs when PostgreSQL answers; with RELAYDESK_REQUIRE_POSTGRES=1 (CI) a missing server fails.
PG_URL ?= postgres://postgres@127.0.0.1:5432/relaydesk
test-postgres: install system-deps
	@if $(RUN) python scripts/pg_ready.py "$(PG_URL)"; then \
	  RELAYDESK_TESTING=1 RELAYDESK_HOME=$$(mktemp -d) DATABASE_URL="$(PG_URL)" \
	    $(RUN) pytest -q --junitxml=var/junit-postgres.xml; \
	elif [ "$$RELAYDESK_REQUIRE_POSTGRES" = 1 ]; then \
	  echo "PostgreSQL at $(PG_URL) is not reachable and RELAYDESK_REQUIRE_POSTGRES=1"; exit 1; \
	else echo "PostgreSQL not reachable: its run is skipped (SQLite run done)."; fi

test: lint test-sqlite test-postgres

bench: install
	$(RUN) python -m bench

clean:
	rm -rf .venv .tools node_modules var
