# Two commands for people: `make run` starts the app, `make test` runs the whole suite.
# Both create the virtual environment in .venv on first use and refresh it when
# pyproject.toml changes.

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# What WeasyPrint needs from Debian to make the result's PDF: Pango and a local font.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

.PHONY: run test lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	scripts/ensure-packages $(PDF_PACKAGES)
	SCAN_ENV=development $(BIN)/flask --app scan init
	@echo
	@echo "  De scan draait op http://$(HOST):$(PORT)/  (stoppen: Ctrl+C)"
	@echo "  Medewerkers: http://$(HOST):$(PORT)/medewerkers/inloggen"
	@SCAN_ENV=development $(BIN)/flask --app scan demo-account | sed 's/^/  /'
	@SCAN_ENV=development $(BIN)/flask --app scan demo-offer | sed 's/^/  /'
	@echo
	SCAN_ENV=development $(BIN)/flask --app scan run --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check scan tests bench scripts gunicorn.conf.py
	$(BIN)/ruff format --check scan tests bench scripts gunicorn.conf.py
	$(BIN)/mypy

test: $(STAMP) lint
	scripts/ensure-packages chromium hunspell hunspell-nl $(PDF_PACKAGES)
	scripts/ensure-redis
	SCAN_ENV=development $(BIN)/flask --app scan check-content
	$(BIN)/pytest -n 2 -p no:cacheprovider
