# The two commands: `make run` (the product, with demo data) and `make test`.
# `make test-fast` is the inner loop; `make soak` the long runs (see README, "Tests").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast soak lint bench clean

# One pytest worker per core; each has its own test database, Redis database and
# export folder (syncapp/settings/test.py). The e2e rounds share one worker
# (xdist_group), since they share one demo template database.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
XDIST := -n $(TEST_WORKERS) --dist loadgroup

$(VENV)/.run-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[embedded]'
	touch $@

$(VENV)/.test-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[embedded,test]'
	touch $@

$(VENV)/.bench-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[embedded,bench]'
	touch $@

# Stoplight Prism, for the connectors' contract tests (see package.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium, for the browser tests (Playwright drives it; it never downloads one).
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Debian's docker-compose, for tests/test_compose.py (`config` only: no Docker daemon).
/usr/bin/docker-compose:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose

run: $(VENV)/.run-installed
	$(BIN)/python -m syncapp.devstack run

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# Everything but the long runs: the Portuguese e2e round, the deployed-mode story (in
# English), a smoke of each long suite.
test: lint node_modules/.installed /usr/bin/chromium /usr/bin/docker-compose
	$(BIN)/python -m syncapp.devstack test $(XDIST) -m "not soak"

# The inner loop: no browser, no end-to-end stack, no Celery worker processes.
test-fast: $(VENV)/.test-installed node_modules/.installed /usr/bin/docker-compose
	$(BIN)/python -m syncapp.devstack test $(XDIST) -m "not soak and not browser and not e2e and not worker"

# The long runs: ten English e2e rounds, the long versions of the convergence and
# fault suites (SOAK=1 raises their example counts and storm lengths).
soak: $(VENV)/.test-installed node_modules/.installed /usr/bin/chromium
	E2E_ROUNDS=10 SOAK=1 $(BIN)/python -m syncapp.devstack test $(XDIST) -m "soak or grows_in_soak or e2e"

# Not part of `make test`: BENCH_N records on each side (default 100000); see bench/.
bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .data
