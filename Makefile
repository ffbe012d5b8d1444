# Two commands for a fresh machine (README): `make report` and `make test`.
# Each creates the virtual environment it needs when it is missing.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SAMPLE  := data/sampel
STAMP   := $(VENV)/.installed

.PHONY: report test test-fast lint format sample validate batch app bench bench-quick clean browser lock

# Installs exactly the versions in requirements.lock (hashes checked), then kinerja itself without
# dependencies. uv does the install (measured: 6 s against pip's 131 s for the same lock); plain
# `pip install --require-hashes -r requirements.lock` gives the same result without uv.
# `make lock` re-resolves the lock after a change to pyproject.toml (README: Versi paket).
UV_VERSION := 0.13.9
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

$(SAMPLE)/opd.csv: | $(STAMP)
	$(BIN)/kinerja sample --out $(SAMPLE)

sample: $(SAMPLE)/opd.csv

validate: $(SAMPLE)/opd.csv
	$(BIN)/kinerja validate $(SAMPLE)

## Main job: sample data -> validation -> every OPD's report, overview, index, manifest, rekap.
report: validate browser
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

## Exploring: JupyterLab on 127.0.0.1 with the project's kernel, opening notebooks/mulai_di_sini.ipynb.
## Jupyter prints the full address with its token; LAB_PORT=8890 picks another port, LAB_ARGS=--no-browser
## keeps the browser closed.
LAB_PORT ?= 8888
.PHONY: lab
lab: $(STAMP) $(SAMPLE)/opd.csv
	@echo "JupyterLab: http://127.0.0.1:$(LAB_PORT)/lab/tree/notebooks/mulai_di_sini.ipynb (alamat lengkap dengan token dicetak di bawah; berhenti dengan Ctrl-C)"
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	  --ServerApp.port_retries=0 --ServerApp.root_dir=. \
	  --LabApp.default_url=/lab/tree/notebooks/mulai_di_sini.ipynb \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(SAMPLE)/opd.csv browser
	$(BIN)/python bench/run.py --full

bench-quick: $(SAMPLE)/opd.csv browser
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf reports karantina bench/_work .pytest_cache

## Re-resolve requirements.lock from pyproject.toml (newest versions within its bounds), with hashes,
## for every platform and Python >= 3.11. Review the diff, run `make test`, commit both files.
lock:
	test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
	  --generate-hashes --upgrade --quiet -o requirements.lock
