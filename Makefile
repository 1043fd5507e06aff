# Pathways: the README's two commands are `make run` and `make test`.
# Needs python3 (3.11 or newer), make and npm; everything else lands in .venv and .state.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml or the developer tools' pins change.
INSTALLED := $(VENV)/.installed
SOURCES ?= seed_data/sources.toml

.PHONY: run test install lint typecheck hooks index bench soak eval eval-plan clean chromium postgresql

# run: start Meilisearch, index seed_data, serve the API on http://127.0.0.1:8000
run: $(INSTALLED)
	$(BIN)/pathways

# test: lint and type-check, fetch and verify Meilisearch, then run every test
test: lint
	$(BIN)/python -m meili_local ensure
	@$(MAKE) --no-print-directory chromium
	@$(MAKE) --no-print-directory postgresql
	$(BIN)/pytest

install: $(INSTALLED)

# chromium: Debian's Chromium for the browser tests (tests/browser), installed only if missing.
# Never `playwright install`: Playwright drives this system browser.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || ! command -v sudo >/dev/null 2>&1 || echo sudo)
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "The browser tests need Chromium at $(CHROMIUM), and apt-get is not available here:" >&2; \
		echo "install Chromium with your system's package manager." >&2; \
		exit 1; \
	fi; \
	echo "Installing Debian's Chromium for the browser tests (apt-get install -y chromium)..."; \
	$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# postgresql: Debian's PostgreSQL server binaries for the storage tests (tests/postgres_server.py
# starts one on a temporary folder and a loopback port), installed only if missing.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "The storage tests need PostgreSQL's server, and apt-get is not available here:" >&2; \
		echo "install PostgreSQL with your system's package manager." >&2; \
		exit 1; \
	fi; \
	echo "Installing Debian's PostgreSQL for the storage tests (apt-get install -y postgresql)..."; \
	$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Pathways needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml constraints-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]' -c constraints-dev.txt
	@touch $@

# lint: what the pre-commit hook runs (.pre-commit-config.yaml), over the whole tree
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: $(INSTALLED)
	$(BIN)/mypy

# hooks: run `make lint`'s checks and the file checks on every commit (no network needed)
hooks: $(INSTALLED)
	$(BIN)/pre-commit install

# index: re-index seed_data into the Meilisearch named by PATHWAYS_MEILI_URL (and _KEY)
index: $(INSTALLED)
	@test -n "$$PATHWAYS_MEILI_URL" || \
		{ echo "Set PATHWAYS_MEILI_URL (and PATHWAYS_MEILI_KEY) first; \`make run\` indexes by itself." >&2; exit 2; }
	$(BIN)/pathways-indexer index --sources $(SOURCES)

# bench: 200,000 documents; Meilisearch and the API side by side (results in bench/RESULTS.md).
# BENCH_ARGS="--docs 60000 --duration 5" for a quick one. Installs wrk with apt-get if missing.
bench: $(INSTALLED)
	$(BIN)/python -m meili_local ensure
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# soak: 10 minutes at 16 connections on the seed index: errors and API memory growth
# (bench/soak.py, results in bench/SOAK.md). SOAK_ARGS="--duration-s 60" for a short one.
soak: $(INSTALLED)
	$(BIN)/python -m meili_local ensure
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

# eval: the judged set (tests/data/search_eval) asked of the real app on the seed index, literal
# and understood, with the settings variants side by side (results in docs/search-quality.md);
# then the plan personas, as eval-plan (docs/plan-quality.md)
eval: $(INSTALLED)
	$(BIN)/python -m meili_local ensure
	$(BIN)/python -m bench.eval $(EVAL_ARGS)
	$(BIN)/python -m bench.plan_eval $(EVAL_PLAN_ARGS)

# eval-plan: every persona of tests/data/plan_eval asked for a support plan on the seed index,
# each pick judged, beside the plain search the person would type (docs/plan-quality.md)
eval-plan: $(INSTALLED)
	$(BIN)/python -m meili_local ensure
	$(BIN)/python -m bench.plan_eval $(EVAL_PLAN_ARGS)

# Keeps .state (the downloaded Meilisearch, the local index and its key): `rm -rf .state` for those.
clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.git -prune -o -path ./.state -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
