# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000

.PHONY: install run test test-fast lint bench deploy-check soak screenshots refresh-constraints clean

$(STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/consortium demo --port $(PORT)

# The full suite (CI): lint first, then every test, the 25 slowest listed.
test: install lint
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)

# The edit loop: no browser, PostgreSQL or slow tests, on every core.
test-fast: install
	$(BIN)/python -m pytest -n auto -q -m "not browser and not postgres and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# The production shape on loopback (PostgreSQL, two web processes, a worker, SMTP) and the
# journeys' API checks against it (docs/deploy.md).
deploy-check: install
	$(BIN)/python -m bench.deploy_check

# Ten minutes of members pushing, readers searching and asking, liaisons answering, with the
# worker and a web process killed at random (PostgreSQL, loopback; not part of `make test`).
soak: install
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

# Every page of tests/site_tour.py in zh-CN and English at desktop and phone width, for a reviewer.
screenshots: install
	$(BIN)/python -m tests.site_tour screenshots screenshots

# Newest versions setup.cfg allows, installed into a throw-away environment, written down.
refresh-constraints:
	rm -rf build/refresh-venv && $(PYTHON) -m venv build/refresh-venv
	build/refresh-venv/bin/pip install -q --upgrade pip
	build/refresh-venv/bin/pip install -q -e '.[test]'
	{ echo "# Every package the tests ran with, pinned: make installs with -c constraints.txt."; \
	  echo "# Refresh with 'make refresh-constraints' (newest versions setup.cfg allows), then make test."; \
	  build/refresh-venv/bin/pip freeze --exclude-editable | grep -v '^daodu'; } > constraints.txt
	rm -rf build/refresh-venv

clean:
	rm -rf $(VENV) instance build *.egg-info
