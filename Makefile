# Caspian's two commands: `make demo` and `make test`. Everything they need
# is installed on first use, from a machine that has only Python 3.11+, git
# and make. Nothing is installed outside this folder except, from Debian when
# missing and apt-get is available: chromium for the browser tests; varnish,
# varnish-modules and nginx-light for the proxy tests (tests/deploy, which
# are skipped without them unless CASPIAN_REQUIRE_PROXY=1); and wrk and nginx
# for `make bench`.

PYTHON ?= python3
UV_VERSION := 0.13.8
BOOTSTRAP := .cache/bootstrap
UV := $(BOOTSTRAP)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# The PostgreSQL and Redis that `make test` runs the suite against a second time.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# One pytest worker per core (tests/README.md says how the work is shared).
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS)

.PHONY: demo test test-sqlite test-postgres test-corpora bench bench-import install browser-deps proxy-deps docs clean help

help:
	@echo "make demo    install what is needed, then run the demo site on http://127.0.0.1:8000/"
	@echo "make test    install what is needed, then run the whole test suite on SQLite and on PostgreSQL + Redis"
	@echo "make bench   run the benchmark and print its table (BENCH_ARGS='--quick' for a smoke run; see bench/README.md)"
	@echo "make bench-import   time a 10,000-post WordPress import (BENCH_ARGS='--posts 1000' for a smoke run)"

demo: install
	$(VENV)/bin/caspian demo

test: install browser-deps proxy-deps test-corpora
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== Test suite on SQLite with the local-memory cache =="
	$(PYTEST) $(PYTEST_ARGS)

test-postgres:
	@echo "== Test suite on PostgreSQL ($(TEST_DATABASE_URL)) with Redis ($(TEST_REDIS_URL)) =="
	@$(VENV)/bin/python scripts/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PYTEST) $(PYTEST_ARGS)

# Third-party test files (tests/corpora.py): used from ../shared/corpora or
# $$CASPIAN_CORPORA when there, else fetched into .cache/corpora; never fails.
test-corpora: install
	@$(VENV)/bin/python -m tests.corpora

# Not part of the test suite: see bench/README.md. Options go in BENCH_ARGS,
# e.g. make bench BENCH_ARGS='--quick --backends sqlite'.
bench: install
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

# The WordPress import benchmark (bench/README.md): BENCH_ARGS='--posts 1000' or '--backend postgres'.
bench-import: install
	$(VENV)/bin/python -m bench.import_wordpress $(BENCH_ARGS)

install: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	@touch $@

browser-deps: node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }); \
	  else echo "Browser tests need chromium on PATH (Debian package 'chromium')." >&2; exit 1; fi; }

# Varnish with xkey and nginx, for tests/deploy (deploy/varnish, deploy/nginx). Never fails:
# without them those tests are skipped, or fail under CASPIAN_REQUIRE_PROXY=1 (.ci/run).
# (Where systemd runs, Debian's packages also start their own varnish and nginx services.)
proxy-deps:
	@command -v varnishd >/dev/null 2>&1 || test -x /usr/sbin/varnishd || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's varnish, varnish-modules and nginx-light for the proxy tests…"; \
	    (apt-get install -y -qq varnish varnish-modules nginx-light >/dev/null 2>&1 || \
	      { apt-get update -qq && apt-get install -y -qq varnish varnish-modules nginx-light; }) || \
	      echo "Could not install them: the proxy tests will be skipped." >&2; \
	  else echo "No apt-get: install Varnish 7 with varnish-modules and nginx, or the proxy tests are skipped." >&2; fi; }

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else $(VENV)/bin/python scripts/fetch_npm_packages.py; fi
	@touch $@

docs: install
	$(VENV)/bin/python scripts/cli_reference.py > docs/cli.md

clean:
	rm -rf $(VENV) $(BOOTSTRAP) node_modules .pytest_cache
