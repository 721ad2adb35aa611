# rnn_tf1: `make train` runs the tutorial, `make test` runs the tests.
# Both create .venv/ and fetch MNIST into data/mnist/ on first use.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The exact versions `make` installs, the build backend's included (docs/installing.md).
LOCK := constraints.txt
PIP := $(PY) -m pip
PIP_INSTALL := $(PIP) install --quiet --disable-pip-version-check

# TensorFlow 2.21 has wheels for CPython 3.10-3.13 only. A new .venv is made with PYTHON if
# given (make PYTHON=/path/to/python3.12), else with the first of these that is 3.10-3.13.
# find_python prints "ok COMMAND VERSION", or the one line that says why there is none.
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3.10 python3
PY_VERSION := import sys; print("%d.%d" % sys.version_info[:2])
TF_PYTHONS := TensorFlow 2.21 has wheels for 3.10-3.13 only: install one (e.g. apt install python3.12) or pass PYTHON=/path/to/python3.12
ifneq ($(filter command line environment,$(origin PYTHON)),)
find_python = py='$(PYTHON)'; \
	if v=$$("$$py" -c '$(PY_VERSION)' 2>/dev/null); then \
	  case "$$v" in 3.1[0-3]) echo "ok $$py $$v";; *) echo "PYTHON=$$py is Python $$v; $(TF_PYTHONS)";; esac; \
	else echo "PYTHON=$$py does not run; $(TF_PYTHONS)"; fi
else
find_python = seen='no python3 on PATH'; \
	for c in $(PYTHON_CANDIDATES); do \
	  command -v "$$c" >/dev/null 2>&1 || continue; \
	  if v=$$("$$c" -c '$(PY_VERSION)' 2>/dev/null); then \
	    case "$$v" in 3.1[0-3]) echo "ok $$c $$v"; exit 0;; esac; note="$$c is $$v"; \
	  else note="$$c does not run"; fi; \
	  [ "$$c" != python3 ] || seen=$$note; \
	done; \
	echo "no Python 3.10-3.13 found ($$seen); $(TF_PYTHONS)"
endif

# The lock holds what a clean resolve gave on the Python its header names (3.11); an older Python
# (3.10) lacks some of those releases (docs/installing.md), so it gets setup.cfg's ranges instead.
lock_args = lock=--constraint=$(LOCK); \
	v=$$($(PY) -c '$(PY_VERSION)') || exit 1; \
	l=$$(sed -n 's/^\# Resolved on CPython \([0-9]*\.[0-9]*\).*/\1/p' $(LOCK)); \
	if [ -n "$$l" ] && [ "$$(printf '%s\n' "$$l" "$$v" | sort -V | head -n 1)" != "$$l" ]; then lock=; \
	  echo "note: $(LOCK) was resolved on Python $$l and pins releases that $$v lacks; installing from setup.cfg's ranges" >&2; fi

# Where MNIST lives for everything run from here (CLI, tests, notebook).
export RNN_TF1_DATA_DIR ?= $(CURDIR)/data/mnist

# Passed to `rnn-tf1 train` only when given, so `make train ARGS='--resume RUN'` adds nothing.
OPTIMIZER ?=
IMPL ?=
ARGS ?=

.PHONY: install lock data train run test fidelity bench cells gradients export notebook kernel tensorboard clean-venv help

help:
	@echo "make train [OPTIMIZER=gd|adam] [ARGS='--seed 1 ...']   train the tutorial's LSTM"
	@echo "make train IMPL=block                                 the same numbers on fused LSTM ops, ~1.4x faster"
	@echo "make run SCRIPT=tutorial.py [ARGS='--seed 0']         run a TF1-era script unchanged (TF 1.x's API)"
	@echo "make test                                             run the test suite"
	@echo "make data                                             fetch and verify MNIST"
	@echo "make fidelity [SEEDS=6 JOBS=2]                        measure the seed band of the faithful run"
	@echo "make bench                                            step time and memory against Keras, PyTorch, sgemm"
	@echo "make cells [ARGS='--steps 2000']                      train lstm, gru, rnn, rnn/relu: accuracy, vanishing gradients"
	@echo "make gradients                                        ||dL/dh_t|| per time step of fresh cells (log-scale chart)"
	@echo "make export RUN=RUN_DIR [FORMAT=savedmodel|keras|tflite] [OUT=PATH]   the model for other programs"
	@echo "make notebook                                         execute the tutorial notebook (full schedule)"
	@echo "make kernel                                           the Jupyter kernel \"TF 1.x API (rnn-tf1)\" in .venv (jupyter lab, VS Code)"
	@echo "make tensorboard                                      serve the runs' TensorBoard summaries"
	@echo "make lock                                             refresh constraints.txt, the exact versions make installs"

# Recipes are silent and send their chatter to stderr: stdout of `make train` is the
# tutorial's log and nothing else.
# An existing .venv is used as is; a changed setup.cfg, pyproject.toml or lock reinstalls into it.
$(STAMP): setup.cfg pyproject.toml $(LOCK)
	$(if $(wildcard $(PY)),,$(eval found := $(shell $(find_python)))$(if $(filter ok,$(firstword $(found))),,$(error $(found))))
	@if [ -x $(PY) ]; then \
	  echo "reinstalling rnn_tf1 into $(VENV) ($? changed)" >&2; \
	else \
	  echo "creating $(VENV) with $(word 2,$(found)) (Python $(word 3,$(found))) and installing rnn_tf1 (first run only)" >&2; \
	  $(word 2,$(found)) -m venv $(VENV) >&2 || exit 1; \
	fi; \
	$(lock_args); \
	$(PIP_INSTALL) $$lock --upgrade pip >&2 && \
	$(PIP_INSTALL) $$lock $${lock:+--build-constraint $(LOCK)} -e '.[test]' >&2 && \
	touch $@

install: $(STAMP)

data: $(STAMP)
	@$(PY) -m rnn_tf1 fetch

train: data
	@$(PY) -m rnn_tf1 train $(if $(OPTIMIZER),--optimizer $(OPTIMIZER)) $(if $(IMPL),--lstm-impl $(IMPL)) $(ARGS)

# The script's own arguments: ARGS='--seed 0 -- 400'.  MNIST comes from data/mnist, whatever
# folder the script names.
run: data
	@test -n "$(SCRIPT)" || { echo "make run: give SCRIPT=path/to/script.py" >&2; exit 2; }
	@$(PY) -m rnn_tf1 run $(SCRIPT) --data-dir $(RNN_TF1_DATA_DIR) $(ARGS)

# Two workers: the suite is mostly TensorFlow start-ups and small sessions, which a second worker
# overlaps even on 2 cores (docs/troubleshooting.md, FAQ: `make test`). TEST_JOBS=0 runs it in one process.
TEST_JOBS ?= 2
test: data
	@$(PY) -m pytest $(if $(filter 0,$(TEST_JOBS)),-p no:xdist,-n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder) $(ARGS)

SEEDS ?= 6
JOBS ?= 2
fidelity: data
	@$(PY) -m rnn_tf1 fidelity --seeds $(SEEDS) --jobs $(JOBS) $(ARGS)

bench: data
	@$(PY) -m rnn_tf1 bench $(ARGS)

cells: data
	@$(PY) -m rnn_tf1 cells $(ARGS)

gradients: data
	@$(PY) -m rnn_tf1 gradients $(ARGS)

FORMAT ?= savedmodel
export: data
	@test -n "$(RUN)" || { echo "make export: give RUN=RUN_DIR" >&2; exit 2; }
	@$(PY) -m rnn_tf1 export $(RUN) --format $(FORMAT) --out $(or $(OUT),$(RUN)/model.$(FORMAT))

# Executes every cell with a real kernel; the executed copy (with outputs) goes to runs/.
notebook: data
	@mkdir -p runs
	@$(PY) scripts/run_notebook.py notebooks/rnn_tf1_tutorial.ipynb runs/rnn_tf1_tutorial.executed.ipynb $(ARGS)

# The Jupyter kernel with TF 1.x's API, registered in .venv/share/jupyter/kernels so that a Jupyter
# or VS Code using this environment lists it; `rnn-tf1 kernel install --user` reaches every Jupyter.
kernel: $(STAMP)
	@$(PY) -c "import ipykernel, nbclient" 2>/dev/null || { $(lock_args); \
	  $(PIP_INSTALL) $$lock $${lock:+--build-constraint $(LOCK)} -e '.[notebook]' >&2; }
	@$(PY) -m rnn_tf1 kernel install --sys-prefix

tensorboard: $(STAMP)
	@$(PY) -c "import tensorboard" 2>/dev/null || { $(lock_args); \
	  $(PIP_INSTALL) $$lock $${lock:+--build-constraint $(LOCK)} -e '.[tensorboard]' >&2; }
	@$(PY) -m tensorboard.main --logdir runs --host 127.0.0.1 --port $(or $(PORT),6006)

clean-venv:
	rm -rf $(VENV)

# Refresh the lock: resolve .[test,tensorboard] afresh, with no constraints, in a throwaway venv
# on LOCK_PYTHON, freeze it (pip, setuptools and wheel included: tensorflow and astunparse need
# the last two, and pinning pip makes the installer itself the same), and replace $(LOCK) in one
# rename. Prints one line: how many pins changed.
LOCK_PYTHON ?= python3.11
lock:
	@set -e; export LC_ALL=C; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp" $(LOCK).new' EXIT; \
	echo "resolving .[test,tensorboard] with $(LOCK_PYTHON) in a fresh venv, no constraints" >&2; \
	$(LOCK_PYTHON) -m venv "$$tmp/venv" >&2; \
	lpy="$$tmp/venv/bin/python"; \
	"$$lpy" -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools >&2; \
	"$$lpy" -m pip install --quiet --disable-pip-version-check -e '.[test,tensorboard]' >&2; \
	"$$lpy" -m pip check --disable-pip-version-check >"$$tmp/check" || { cat "$$tmp/check" >&2; exit 1; }; \
	"$$lpy" -m pip freeze --disable-pip-version-check --all --exclude-editable >"$$tmp/pins"; \
	{ echo "# $(LOCK): every package \`make\` installs, pinned exactly (a lock, not a requirements file)."; \
	  echo "# make runs: pip install -c $(LOCK) --build-constraint $(LOCK) -e '.[test]'; and"; \
	  echo "# \`make tensorboard\` adds '.[tensorboard]' with the same pins. setup.cfg's install_requires"; \
	  echo "# ranges stay the loose contract for \`pip install -e .\`. See docs/installing.md."; \
	  "$$lpy" -c 'import platform as p; print(f"# Resolved on CPython {p.python_version()}, {p.system()} {p.machine()} (glibc {p.libc_ver()[1]}): a fresh venv, no constraints,")'; \
	  echo "# pip install -e '.[test,tensorboard]', then pip freeze --all --exclude-editable."; \
	  echo "# Refresh: make lock"; \
	  cat "$$tmp/pins"; } >$(LOCK).new; \
	grep -v '^#' $(LOCK) 2>/dev/null | sort >"$$tmp/old" || true; \
	sort "$$tmp/pins" >"$$tmp/new"; \
	sed 's/==.*//' "$$tmp/old" | sort >"$$tmp/old.names"; sed 's/==.*//' "$$tmp/new" | sort >"$$tmp/new.names"; \
	added=$$(comm -13 "$$tmp/old.names" "$$tmp/new.names" | wc -l); \
	removed=$$(comm -23 "$$tmp/old.names" "$$tmp/new.names" | wc -l); \
	bumped=$$(( $$(comm -13 "$$tmp/old" "$$tmp/new" | wc -l) - added )); \
	mv $(LOCK).new $(LOCK); \
	echo "$(LOCK): $$(wc -l <"$$tmp/new") packages pinned; $$((added + removed + bumped)) changed ($$bumped new versions, $$added added, $$removed removed)"
