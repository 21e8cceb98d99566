# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Settings keep debug off unless told (config/settings.py): every target here is local use, so it says
# so, unless the caller chose a value. The load run and schemathesis start their servers with debug
# off and their own keys (tests/load/gunicorn_server.py).
export DJANGO_DEBUG ?= 1

.PHONY: run test test-postgres test-browser bench schema-fuzz load install migrate demo clean reference-values stats-check

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The server and, beside it, the background-job worker (large imports): Ctrl-C stops both, the worker
# once its running job is done. The worker runs in a session of its own (setsid), so the terminal's
# Ctrl-C reaches only the server, and the worker is stopped once, with SIGTERM, when the server ends.
run: demo
	@$$(command -v setsid) $(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite but the browser tests, on SQLite (or on PostgreSQL with DATABASE_URL set).
test: install
	$(BIN)/python -m pytest -m "not browser" -q

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python -m pytest -m "not browser" -q

# Headless Chromium (Debian's /usr/bin/chromium) against a live server.
test-browser: install
	$(BIN)/python -m pytest -m browser -q

bench: install
	$(BIN)/python -m tests.bench

# 1,000 simulated projects with a known effect: the headline's bias and its 95% CI coverage (about 2 min).
stats-check: install
	$(BIN)/python -m tests.stats

# schemathesis against the OpenAPI schema as each role, each on a fresh copy of the demo data (PostgreSQL).
SCHEMA_FUZZ_EXAMPLES ?= 20
SCHEMA_FUZZ_SECONDS ?= 2400
schema-fuzz: install
	$(BIN)/python -m tests.schema.run_schemathesis --max-examples $(SCHEMA_FUZZ_EXAMPLES) \
		--time-budget $(SCHEMA_FUZZ_SECONDS) \
		--postgres $${SCHEMA_FUZZ_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}

# A load run on loopback: gunicorn + PostgreSQL, several clients, 60 s or 4,000 requests; stops by itself.
load: install
	$(BIN)/python -m tests.load.run

# Reference values from R for the statistics tests (Debian: r-base-core r-cran-metafor r-cran-lme4);
# CI does not install R and reads the committed output in fixtures/reference/.
reference-values:
	Rscript fixtures/reference/make_reference.R

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-output
