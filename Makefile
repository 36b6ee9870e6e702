# make run   : create .venv if needed, install the app, serve it on localhost ($STREAMLIT_SERVER_PORT, default 8501)
# make test  : also install the dev tools, then ruff and every test, on two cores (browser tests need Chromium, see README)
# make bench : print the benchmarks' figures
# make hall N=4 : N app processes behind HAProxy on $STREAMLIT_SERVER_PORT, for a big class (README: Big classes)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STREAMLIT_SERVER_PORT ?= 8501

.PHONY: run test lint bench clean hall

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "L1 Descent Lab needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: $(BIN)/python requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.app requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(VENV)/.app
	$(BIN)/python -m streamlit run app.py --server.port $(STREAMLIT_SERVER_PORT) --server.address localhost

hall: $(VENV)/.app
	$(BIN)/python deploy/hall.py --processes $(or $(N),4) --port $(STREAMLIT_SERVER_PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# two pytest processes, one per core: the browser tests (tests/e2e, which wait on a server and Chromium as much as
# they compute) beside the rest; their report follows the other's. `pytest` alone runs everything in one process.
test: lint
	@$(BIN)/python -m pytest -m browser -p no:cacheprovider > $(VENV)/browser-tests.log 2>&1 & browser=$$!; \
	$(BIN)/python -m pytest -m "not browser"; rest=$$?; \
	wait $$browser; browser_rc=$$?; \
	echo "--- the browser tests (tests/e2e, run beside the others) ---"; cat $(VENV)/browser-tests.log; \
	exit $$(( rest || browser_rc ))

bench: $(VENV)/.dev
	$(BIN)/python -m bench.core_sweep
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.browser
	$(BIN)/python -m bench.worst

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache screenshots
