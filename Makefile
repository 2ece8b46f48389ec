# Meetings pipeline. `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# dbt must never try the network (these machines only reach package registries).
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install the pinned dependencies

.PHONY: demo
demo: $(STAMP) ## Run the whole pipeline on the bundled sample exports (warehouse/meetings.duckdb)
	$(BIN)/meetings run --data-dir data/sample
	@# The LACRM step as a dry run planned from the warehouse only: no API key, no network.
	$(BIN)/meetings sync --offline
	@# The bundled sample ages with the calendar: show staleness, don't fail the demo on it.
	$(BIN)/meetings status --no-fail-on-stale
	@$(BIN)/python -c "from loader.settings import Settings; print('Report page (open in a browser):', Settings.resolve().report_page.as_uri())"

.PHONY: load
load: $(STAMP) ## Land new exports from data/ (meetings load)
	$(BIN)/meetings load

.PHONY: build
build: $(STAMP) ## Build dbt models and run their tests (meetings build)
	$(BIN)/meetings build

.PHONY: lint
lint: $(STAMP) ## ruff, mypy and sqlfluff
	$(BIN)/ruff check loader tests/python
	$(BIN)/ruff format --check loader tests/python
	$(BIN)/mypy
	$(BIN)/sqlfluff lint models macros tests/dbt

.PHONY: pytest
pytest: $(STAMP) chromium ## Python tests (loader unit tests + CLI end-to-end + docs in a browser)
	$(BIN)/pytest

.PHONY: dbt-test
dbt-test: $(STAMP) ## dbt build (models, unit tests, data tests) on the sample data in a temp DB, then docs + coverage check
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	MEETINGS_DB=$$tmp/test.duckdb $(BIN)/meetings load --data-dir data/sample; \
	MEETINGS_DB=$$tmp/test.duckdb $(BIN)/meetings build; \
	MEETINGS_DB=$$tmp/test.duckdb $(BIN)/dbt source freshness --project-dir . --profiles-dir .; \
	MEETINGS_DB=$$tmp/test.duckdb DBT_TARGET_PATH=$$tmp/target $(BIN)/meetings docs; \
	$(BIN)/python -m loader.doc_coverage $$tmp/target/manifest.json

# The docs browser test drives Debian's chromium (Playwright's own browser download is not
# reachable from these machines). Installed only when missing; CI runs as root.
.PHONY: chromium
chromium: ## Install Debian's chromium for the docs browser test (only if /usr/bin/chromium is missing)
	@if [ ! -x /usr/bin/chromium ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

.PHONY: test
test: lint pytest dbt-test ## Everything: lint, pytest, dbt build with tests

.PHONY: clean
clean: ## Remove build artefacts (keeps .venv and the warehouse)
	rm -rf target logs .pytest_cache .mypy_cache .ruff_cache

BENCH_ROWS ?= 1000000

.PHONY: bench
bench: $(STAMP) ## Benchmark: load vs. the DuckDB floor, build vs. hand-written SQL, re-run vs. start-up (BENCH_ROWS, default 1M)
	BENCH_ROWS=$(BENCH_ROWS) $(BIN)/python bench/run.py

.PHONY: bench-smoke
bench-smoke: $(STAMP) ## The benchmark at a tiny scale (checks it runs; no timing checks)
	BENCH_ROWS=2000 BENCH_CONTACTS=500 $(BIN)/python bench/run.py

.PHONY: check-emails
check-emails: $(STAMP) ## Matched meetings counted in client metrics on a synth corpus with display-name emails
	$(BIN)/python bench/email_spellings.py

.PHONY: check-review
check-review: $(STAMP) ## Review queue and shared-mailbox precision on a synth corpus where couples share one email
	$(BIN)/python bench/shared_mailboxes.py
