# rnn_tf1: `make train` runs the tutorial, `make test` runs the tests.
# Both create .venv/ and fetch MNIST into data/mnist/ on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Where MNIST lives for everything run from here (CLI, tests, notebook).
export RNN_TF1_DATA_DIR ?= $(CURDIR)/data/mnist

OPTIMIZER ?= gd
IMPL ?= faithful
ARGS ?=

.PHONY: install data train run test fidelity bench cells gradients export notebook tensorboard clean-venv help

help:
	@echo "make train [OPTIMIZER=gd|adam] [ARGS='--seed 1 ...']   train the tutorial's LSTM"
	@echo "make train IMPL=block                                 the same model on fused LSTM ops, ~2x faster"
	@echo "make run SCRIPT=tutorial.py [ARGS='--seed 0']         run a TF1-era script unchanged (TF 1.x's API)"
	@echo "make test                                             run the test suite"
	@echo "make data                                             fetch and verify MNIST"
	@echo "make fidelity [SEEDS=6 JOBS=2]                        measure the seed band of the faithful run"
	@echo "make bench                                            step time and memory against Keras, PyTorch, sgemm"
	@echo "make cells [ARGS='--steps 2000']                      train lstm, gru, rnn, rnn/relu: accuracy, vanishing gradients"
	@echo "make gradients                                        ||dL/dh_t|| per time step of fresh cells (log-scale chart)"
	@echo "make export RUN=RUN_DIR [FORMAT=savedmodel|keras|tflite] [OUT=PATH]   the model for other programs"
	@echo "make notebook                                         execute the tutorial notebook (full schedule)"
	@echo "make tensorboard                                      serve the runs' TensorBoard summaries"

# Recipes are silent and send their chatter to stderr: stdout of `make train` is the
# tutorial's log and nothing else.
$(STAMP): setup.cfg pyproject.toml
	@echo "creating $(VENV) and installing rnn_tf1 (first run only)" >&2
	@$(PYTHON) -m venv $(VENV) >&2
	@$(PY) -m pip install --quiet --upgrade pip >&2
	@$(PY) -m pip install --quiet -e '.[test]' >&2
	@touch $@

install: $(STAMP)

data: $(STAMP)
	@$(PY) -m rnn_tf1 fetch

train: data
	@$(PY) -m rnn_tf1 train --optimizer $(OPTIMIZER) --lstm-impl $(IMPL) $(ARGS)

# The script's own arguments: ARGS='--seed 0 -- 400'.  MNIST comes from data/mnist, whatever
# folder the script names.
run: data
	@test -n "$(SCRIPT)" || { echo "make run: give SCRIPT=path/to/script.py" >&2; exit 2; }
	@$(PY) -m rnn_tf1 run $(SCRIPT) --data-dir $(RNN_TF1_DATA_DIR) $(ARGS)

test: data
	@$(PY) -m pytest

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

tensorboard: $(STAMP)
	@$(PY) -c "import tensorboard" 2>/dev/null || $(PY) -m pip install --quiet -e '.[tensorboard]' >&2
	@$(PY) -m tensorboard.main --logdir runs --host 127.0.0.1 --port $(or $(PORT),6006)

clean-venv:
	rm -rf $(VENV)
