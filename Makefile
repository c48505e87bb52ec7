# slm-analytics — every target creates the project's virtual environment on first use and
# rebuilds it only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# the notebook `make dashboard` serves (switch with `make dashboard DASHBOARD=notebooks/other.ipynb`)
DASHBOARD      ?= notebooks/01-compliance-explorer.ipynb
DASHBOARD_PORT ?= 8866
# Lab settings override (no news/update checks) and Voila's `slm` template (no CDN): share/jupyter/
SHARE  := $(CURDIR)/share/jupyter

.PHONY: help venv review test test-browser lint lab dashboard bench datasets clean

help:
	@echo "make review   - the monthly service review of the bundled sample data, its last two months (reports/)"
	@echo "make test     - unit tests, doctests and every notebook under nbval"
	@echo "make lab      - JupyterLab on the project (no network needed)"
	@echo "make dashboard - the notebook DASHBOARD as a code-free Voila dashboard (no network needed)"
	@echo "make test-browser - the dashboard and a notebook in Lab in headless Chromium (browser-screenshots/)"
	@echo "make bench    - benchmarks (benchmarks/)"
	@echo "make datasets - regenerate datasets/ from the seeded generator"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

review: $(STAMP)
	$(BIN)/slm review run parameters/monthly-review.yaml --history 2

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

# Needs Chromium (Debian: apt-get install chromium; CHROMIUM=/path for another); skips without it.
test-browser: $(STAMP)
	SLM_DASHBOARD=$(DASHBOARD) $(BIN)/python -m pytest -q -p no:cacheprovider -m browser tests/browser

lint: $(STAMP)
	$(BIN)/ruff check slm_analytics tests benchmarks

lab: $(STAMP)
	$(BIN)/jupyter lab --allow-root --no-browser --ip=127.0.0.1 --port=$(PORT) --notebook-dir=. \
		--ServerApp.open_browser=False --LabApp.news_url=None --LabApp.app_settings_dir=$(SHARE)/lab/settings

dashboard: $(STAMP)
	JUPYTER_PATH=$(SHARE) $(BIN)/voila $(DASHBOARD) --no-browser --Voila.ip=127.0.0.1 \
		--port=$(DASHBOARD_PORT) --template=slm

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

datasets: $(STAMP)
	$(BIN)/python -m slm_analytics.synth --seed 7 --out datasets

clean:
	rm -rf $(VENV) reports .pytest_cache
