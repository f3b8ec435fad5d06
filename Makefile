# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where `make run` serves: `PORT=8001 make run` (or `make run PORT=8001`).
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint format demo bench load lock clean

run: export DEBUG = 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --address http://$(HOST):$(PORT)/
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $(STAMP)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# One table: every figure beside its goal (add BENCH_DATABASE_URL for the search at 100k).
bench: $(STAMP)
	$(BIN)/python bench/run.py

# The load run (about a minute and a half): gunicorn with 2 workers on loopback, 4 clients
# without pause for 20 s, with and without one more printing PDFs. LOAD_DATABASE_URL names
# a scratch PostgreSQL database (then `make bench` runs it too); without it, a temporary
# SQLite file.
load: $(STAMP)
	$(BIN)/python bench/load.py

# Re-pin the dependencies after editing pyproject.toml.
lock:
	$(PYTHON) -m venv /tmp/uv-lock && /tmp/uv-lock/bin/pip install --quiet uv
	/tmp/uv-lock/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
