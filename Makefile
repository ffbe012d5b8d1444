# Two commands for a fresh machine (README): `make report` and `make test`.
# Each creates the virtual environment it needs when it is missing.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SAMPLE  := data/sampel
STAMP   := $(VENV)/.installed

.PHONY: report test test-fast lint format sample validate batch app bench bench-quick clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

$(SAMPLE)/opd.csv: | $(STAMP)
	$(BIN)/kinerja sample --out $(SAMPLE)

sample: $(SAMPLE)/opd.csv

validate: $(SAMPLE)/opd.csv
	$(BIN)/kinerja validate $(SAMPLE)

## Main job: sample data -> validation -> every OPD's report, overview, index, manifest, rekap.
report: validate
	$(BIN)/kinerja batch --data $(SAMPLE) --out reports

# Debian's chromium for the browser test (Playwright's own download does not work here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Memasang chromium (apt-get)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## All tests: unit, property-based, notebooks (nbval), batch, browser.
test: $(STAMP) browser
	$(BIN)/ruff check kinerja tests bench
	$(BIN)/python -m pytest tests --nbval-lax notebooks

## Quick check while editing: the tests not marked slow (no kernel, server or browser), < 2 min.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" tests

lint: $(STAMP)
	$(BIN)/ruff check kinerja tests bench
	$(BIN)/ruff format --check kinerja tests bench

format: $(STAMP)
	$(BIN)/ruff format kinerja tests bench
	$(BIN)/ruff check --fix kinerja tests bench

app: $(SAMPLE)/opd.csv
	$(BIN)/kinerja app --data $(SAMPLE)

bench: $(SAMPLE)/opd.csv browser
	$(BIN)/python bench/run.py --full

bench-quick: $(SAMPLE)/opd.csv browser
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf reports karantina bench/_work .pytest_cache
