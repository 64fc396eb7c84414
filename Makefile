# The two commands: `make run` serves the demo, `make test` runs the whole suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app principles_app
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test lint test-fast test-sqlite test-postgres bench screenshots install system-deps browser-deps translations messages check-postgres clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: system-deps $(VENV)/.installed translations

# WeasyPrint needs Pango and fonts that cover Arabic; the PDF tests read text back with pdftotext.
# Installed from Debian's packages when missing.
system-deps:
	@if ! ldconfig -p | grep -q libpango-1.0 || ! ldconfig -p | grep -q libharfbuzz-subset || ! fc-list 2>/dev/null | grep -qi "DejaVu Sans" || ! command -v pdftotext >/dev/null; then \
		echo "Installing system libraries for PDF rendering (pango, DejaVu fonts)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra poppler-utils >/dev/null; \
	fi

# End-to-end tests drive Debian's Chromium (never a downloaded browser) and inject axe-core from npm.
browser-deps:
	@command -v chromium >/dev/null || { echo "Installing Chromium from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm install --no-audit --no-fund --silent
	@test -f node_modules/vnu-jar/build/dist/vnu.jar || npm install --no-audit --no-fund --silent

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d principles_app/translations 2>&1 | tail -n 3

# Re-extract every marked string (N_ marks the export labels of the pure-Python domain) and merge
# the template into the es/fr/ar catalogues; then translate what is new and run `make translations`.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k N_ \
		-o principles_app/translations/messages.pot .
	$(BIN)/pybabel update -i principles_app/translations/messages.pot -d principles_app/translations \
		--no-fuzzy-matching --width 100

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo ""
	@echo "Principles for Collaboration is running at http://$(HOST):$(PORT)/  (sign in at http://$(HOST):$(PORT)/sign-in)"
	@echo "Public pages: http://$(HOST):$(PORT)/principles/   API documentation: http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "Two-factor sign-in is required of no role here (TWO_FACTOR_REQUIRED_ROLES is empty), so the demo accounts sign in with their passwords; everywhere else the default requires it of the secretariat."
	@echo ""
	SESSION_COOKIE_SECURE=0 TWO_FACTOR_REQUIRED_ROLES= $(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - 'principles_app:create_app()'

check-postgres: $(VENV)/.installed
	@$(BIN)/python -c "import psycopg, sys; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=5).close()" 2>/dev/null || \
		{ echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL)."; \
		  echo "Start it (e.g. pg_ctlcluster <version> main start) or set TEST_DATABASE_URL. The PostgreSQL half of the suite is required."; \
		  exit 1; }

test-sqlite: install browser-deps
	@echo "=== Test suite on SQLite ==="
	TEST_DB=sqlite $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The wheel test (tests/test_wheel.py) serves the installed wheel on a SQLite file of its own,
# whatever the suite's database: the SQLite half runs it, the PostgreSQL half leaves it out.
test-postgres: install browser-deps check-postgres
	@echo "=== Test suite on PostgreSQL ($(TEST_DATABASE_URL)) ==="
	TEST_DB=postgresql TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -q -m "not wheel" $(PYTEST_ARGS)

# ruff (configured in pyproject.toml) lints and checks the formatting before any test runs.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint test-sqlite test-postgres

# While developing: the fast part only (no browser journeys, no load, no wheel build), on SQLite.
test-fast: install
	TEST_DB=sqlite $(BIN)/python -m pytest -q -m "not e2e and not wheel" -x $(PYTEST_ARGS)

bench: install check-postgres
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m benchmarks $(BENCH)

# Screenshots of the main pages (public, member, secretariat; English and Arabic; desktop and phone)
# for the README, taken with Playwright and Debian's Chromium from the demo served on a SQLite file.
screenshots: install browser-deps
	$(BIN)/python docs/screenshots/make_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find instance -mindepth 1 ! -name README.md -delete
