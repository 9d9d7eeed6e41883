# The two commands: `make run` (the product, with demo data) and `make test`.
# `make test-fast` is the inner loop; `make soak` the long runs (see README, "Tests").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast soak lint bench lock clean

# One pytest worker per core, and one more: the suite spends about half its time waiting
# on worker processes, browsers and sockets. Each has its own test database, Redis
# database and export folder (syncapp/settings/test.py). The e2e rounds share one worker
# (xdist_group), since they share one demo template database.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
XDIST := -n $(TEST_WORKERS) --dist loadgroup

# Every install comes from the lock (requirements/*.txt, exported from uv.lock with a
# hash per file), with plain pip: a fresh machine needs no uv. The project itself goes
# in last, editable and without dependencies, so nothing unlocked slips in.
define install-locked
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r $<
	$(BIN)/pip install -q --no-deps -e .
	touch $@
endef

$(VENV)/.run-installed: requirements/run.txt pyproject.toml
	$(install-locked)

$(VENV)/.test-installed: requirements/test.txt pyproject.toml
	$(install-locked)

$(VENV)/.bench-installed: requirements/bench.txt pyproject.toml
	$(install-locked)

# `make lock` after editing pyproject's dependencies (their ranges are the source);
# `make lock UPGRADE=django` moves one package to the newest release its range allows.
# Either way, commit uv.lock and requirements/. uv (pinned) lives in its own venv.
UV_VERSION := 0.13.9
UV := .tools/uv/bin/uv
$(UV):
	$(PYTHON) -m venv .tools/uv
	.tools/uv/bin/pip install -q uv==$(UV_VERSION)

EXPORT := $(UV) export --frozen --no-emit-project --quiet --format requirements-txt
lock: $(UV)
	$(UV) lock --quiet $(if $(UPGRADE),--upgrade-package $(UPGRADE))
	$(EXPORT) --extra embedded -o requirements/run.txt
	$(EXPORT) --extra embedded --extra test -o requirements/test.txt
	$(EXPORT) --extra embedded --extra bench -o requirements/bench.txt
	$(EXPORT) -o requirements/deploy.txt
	$(EXPORT) --extra sentry -o requirements/deploy-sentry.txt

# Stoplight Prism, for the connectors' contract tests (see package.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium, for the browser tests (Playwright drives it; it never downloads one).
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Debian's docker-compose, for tests/deploy/test_compose.py (`config` only: no Docker daemon).
/usr/bin/docker-compose:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose

run: $(VENV)/.run-installed
	$(BIN)/python -m syncapp.devstack run

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

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
# The propagation phase runs a test (bench/propagation.py): it needs the test extra too.
bench: $(VENV)/.bench-installed $(VENV)/.test-installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .data
