# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The suite runs on SQLite, then again on PostgreSQL when it answers at POSTGRES_URL.
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
POSTGRES_ANSWERS = $(BIN)/python -c 'import sys, sqlalchemy; sqlalchemy.create_engine( \
	sys.argv[1], connect_args={"connect_timeout": 3}).connect()' '$(POSTGRES_URL)' >/dev/null 2>&1

.PHONY: run run-cluster test lint typecheck pytest pytest-sqlite pytest-postgres services browser \
	system-packages pdf-packages simulated-day screenshots lock upgrade clean i18n catalogues \
	language fuzz-order bench bench-quick

run: $(STAMP) catalogues pdf-packages
	$(BIN)/python -m app run

# The bundled event served from several workers on PostgreSQL and Redis, both running, with
# the database created. Override on the command line: make run-cluster WORKERS=4 DATABASE_URL=…
WORKERS = 3
DATABASE_URL = postgresql+psycopg://postgres@127.0.0.1:5432/palabra
BROADCAST_URL = redis://127.0.0.1:6379/0

run-cluster: $(STAMP) catalogues
	PALABRA_DATABASE_URL='$(DATABASE_URL)' PALABRA_BROADCAST_URL='$(BROADCAST_URL)' \
	  $(BIN)/python -m app run --workers $(WORKERS)

test: $(STAMP) system-packages lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff format --check app tests migrations benchmarks
	$(BIN)/ruff check app tests migrations benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# PostgreSQL is asked first, so that the run ends with pytest's summary either way. In CI,
# which starts it (make services), a PostgreSQL that does not answer fails the run.
pytest: $(STAMP) catalogues
	@if $(POSTGRES_ANSWERS); then \
	  $(MAKE) --no-print-directory pytest-sqlite pytest-postgres; \
	elif [ -n "$$CI" ]; then \
	  echo "PostgreSQL is not reachable at $(POSTGRES_URL), and CI needs it"; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(POSTGRES_URL); skipping the PostgreSQL run"; \
	  $(MAKE) --no-print-directory pytest-sqlite; \
	fi

pytest-sqlite: $(STAMP) catalogues
	PALABRA_TEST_DATABASE_URL= $(BIN)/pytest

pytest-postgres: $(STAMP) catalogues
	PALABRA_TEST_DATABASE_URL='$(POSTGRES_URL)' $(BIN)/pytest

# The list of speakers driven through many more random sequences than `make test` runs
# (tests/unit/test_floor_order_stateful.py), on SQLite; add PALABRA_TEST_DATABASE_URL=… for PostgreSQL.
fuzz-order: $(STAMP) catalogues
	PALABRA_ORDER_EXAMPLES=300 PALABRA_ORDER_STEPS=40 $(BIN)/pytest tests/unit/test_floor_order_stateful.py

# Palabra beside a bare broadcaster and FastAPI's documented loop, same run, same generator;
# rewrites benchmarks/RESULTS.md. The burst runs on PostgreSQL too when it answers.
bench: $(STAMP) catalogues
	@if $(POSTGRES_ANSWERS); then \
	  $(BIN)/python -m benchmarks --postgres '$(POSTGRES_URL)'; \
	else \
	  $(BIN)/python -m benchmarks; \
	fi

# The same at small sizes, in under two minutes.
bench-quick: $(STAMP) catalogues
	$(BIN)/python -m benchmarks --quick

# Starts this machine's PostgreSQL and Redis if they are down (what CI does first).
services:
	scripts/services

# The browser test drives Debian's Chromium; Playwright's own browser downloads are not used.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# What the outcome report's PDF needs (WeasyPrint draws with Pango in the system's fonts), and
# what the tests need besides: Chromium, and pdftoppm (poppler-utils) to look at the PDF's pages.
# On Debian or Ubuntu the missing ones are installed; elsewhere scripts/system-packages says
# which to install.
pdf-packages:
	@scripts/system-packages pdf || echo "The outcome report's PDF cannot be drawn until then."

system-packages: browser
	@scripts/system-packages pdf tests

# A simulated day on the bundled agenda, played through the services on a new database in
# var/report/, and its outcome report written as var/report/report.html and report.pdf.
simulated-day: $(STAMP) catalogues pdf-packages
	$(BIN)/python -m app.simulation --out var/report

# The README's screenshots (docs/screenshots/*.png), taken afresh in Chromium from the bundled
# event on a new database; commit them after changing a screen.
screenshots: $(STAMP) catalogues browser
	$(BIN)/python -m tests.browser.screenshots

# Every package comes from the lock, at its pinned version and hash; then the project itself.
# requirements-dev.lock is requirements.lock (what the container installs) and the dev tools.
$(STAMP): requirements-dev.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pybabel compile --domain messages --directory $(LOCALES)
	touch $(STAMP)

# The interface's translations: app/locales/LANG/LC_MESSAGES/messages.po, written by people;
# the compiled .mo files are built from them (by the install, and again when one is edited),
# never committed. `make i18n` extracts the messages of the code and the templates into
# messages.pot and brings every catalogue up to date with it; `make language LOCALE=xx` starts
# the catalogue of a new language.
LOCALES := app/locales
CATALOGUES := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)

catalogues: $(CATALOGUES:.po=.mo)

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile --locale $* --input-file $< --output-file $@

i18n: $(STAMP)
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords plural_message:1,2 \
	  --no-location --sort-output --width 100 --project Palabra \
	  --output-file $(LOCALES)/messages.pot .
	$(BIN)/pybabel update --input-file $(LOCALES)/messages.pot --output-dir $(LOCALES) \
	  --no-fuzzy-matching --ignore-obsolete --width 100
	$(MAKE) --no-print-directory catalogues

language: $(STAMP)
	@test -n "$(LOCALE)" || { echo "Name the language: make language LOCALE=xx"; exit 1; }
	$(BIN)/pybabel init --input-file $(LOCALES)/messages.pot --output-dir $(LOCALES) \
	  --locale $(LOCALE) --width 100

# The locks change only here, on purpose. After editing pyproject.toml's dependencies,
# `make lock` adds what is new and keeps every other pin; `make upgrade` takes the newest
# release of everything that pyproject.toml allows. Both then reinstall .venv. The runtime lock
# is resolved within the dev lock, so the two never pin one package differently.
LOCK = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock'

lock: $(STAMP)
	$(LOCK) --extra dev -o requirements-dev.lock
	$(LOCK) -c requirements-dev.lock -o requirements.lock
	$(MAKE) --no-print-directory $(STAMP)

upgrade: $(STAMP)
	$(LOCK) --extra dev --upgrade -o requirements-dev.lock
	$(LOCK) -c requirements-dev.lock -o requirements.lock
	$(MAKE) --no-print-directory $(STAMP)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
