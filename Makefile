# slm-analytics — every target creates the project's virtual environment on first use and
# rebuilds it only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888

.PHONY: help venv review test lint lab bench datasets clean

help:
	@echo "make review   - run the monthly service review on the bundled sample data (reports/)"
	@echo "make test     - unit tests, doctests and every notebook under nbval"
	@echo "make lab      - JupyterLab on the project (no network needed)"
	@echo "make bench    - benchmarks (benchmarks/)"
	@echo "make datasets - regenerate datasets/ from the seeded generator"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

review: $(STAMP)
	$(BIN)/slm review

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

lint: $(STAMP)
	$(BIN)/ruff check slm_analytics tests benchmarks

lab: $(STAMP)
	$(BIN)/jupyter lab --allow-root --no-browser --ip=127.0.0.1 --port=$(PORT) --notebook-dir=. \
		--ServerApp.open_browser=False --LabApp.news_url=None

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

datasets: $(STAMP)
	$(BIN)/python -m slm_analytics.synth --seed 7 --out datasets

clean:
	rm -rf $(VENV) reports .pytest_cache
