# Two commands for a fresh machine (see README):
#   make demo   set up .venv, analyse the bundled sample corpus, write out/report.{json,html}
#   make test   set up .venv with the test extras, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# torch is pinned and installed first: this CPU wheel is what the machines here carry,
# and an unpinned torch would pull a multi-GB CUDA build.
TORCH  := torch==2.13.0

.PHONY: demo test setup setup-dev clean

demo: $(VENV)/.installed
	$(BIN)/newsprism analyze examples/corpus --db newsprism.db --out out

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	touch $@

clean:
	rm -rf $(VENV) out newsprism.db newsprism.db-wal newsprism.db-shm
