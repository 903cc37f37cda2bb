# The two commands a newcomer needs: `make serve` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.installed

.PHONY: serve test quick lint check seed schema bench load lock clean

serve: $(READY)
	$(BIN)/python cli.py serve

# The whole suite in two steps: all but the `alone` tests on three worker processes (many wait on the servers
# they start, not on a core; an idle one takes tests queued for another), then those by themselves (they load
# both cores, or read the synthetic data set).
# Exit status 5 is a step whose tests PYTEST_ARGS left out.
test: $(READY)
	$(BIN)/python -m pytest -n 3 --dist worksteal -m "not alone" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The tests that start no server, browser or cluster: a first answer in about a minute.
quick: $(READY)
	$(BIN)/python -m pytest -n 3 -m "not slow" $(PYTEST_ARGS)

lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

check: $(READY)
	$(BIN)/python cli.py check

seed: $(READY)
	$(BIN)/python cli.py seed

schema: $(READY)
	$(BIN)/python cli.py schema

# BENCH_ARGS="--quick --backend sqlite" for a first look; `$(BIN)/python -m bench --help` lists the options.
bench: $(READY)
	$(BIN)/python -m bench $(BENCH_ARGS)

load: $(READY)
	$(BIN)/python -m bench.load

$(READY): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python cli.py assets || echo "GraphiQL will not load until 'cli.py assets' succeeds; the API works without it."
	touch $@

# Regenerate the lock file after changing pyproject.toml's dependencies.
lock:
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet uv
	var/lock-venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--universal --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
