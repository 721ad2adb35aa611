"""One frozen configuration for a run: the tutorial's hyperparameters by default.

Every field has the tutorial's value (or a neutral one where the tutorial had
none, like the seed).  ``Config.override`` is strict: an unknown key or a value
out of range is a ``UsageError`` naming the key, never a silent typo.
"""
from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from typing import Any, Mapping

from rnn_tf1.errors import UsageError

OPTIMIZERS = ("gd", "adam", "rmsprop")
LOG_STYLES = ("step", "iter")
CELLS = ("lstm", "gru", "rnn")
ACTIVATIONS = ("tanh", "relu")
LSTM_IMPLS = ("faithful", "hoisted", "block")
# Fields that change how a run is computed, not its numbers' distribution: where the data lives,
# checkpoints, threads, and the LSTM implementations (the same variables and math).
EXECUTION_FIELDS = ("data_dir", "checkpoint_every", "intra_op_threads", "inter_op_threads", "lstm_impl",
                    "batch_shards")


def default_data_dir() -> str:
    """Where MNIST lives unless told otherwise: $RNN_TF1_DATA_DIR or a user cache."""
    env = os.environ.get("RNN_TF1_DATA_DIR")
    if env:
        return env
    return os.path.join(os.path.expanduser("~"), ".cache", "rnn_tf1", "mnist")


@dataclass(frozen=True)
class Config:
    # --- the tutorial's training parameters -------------------------------
    optimizer: str = "gd"          # "gd" = GradientDescentOptimizer (main version), "adam" = AdamOptimizer
                                   # (variant), "rmsprop" = RMSPropOptimizer (a remedy for exploding gradients)
    learning_rate: float = 0.001   # the tutorial's learning_rate (for every optimizer)
    steps: int = 10000             # training_steps: minibatch updates, counted from 1
    batch_size: int = 128          # images per minibatch
    display_step: int = 200        # print a progress line every display_step steps (and at step 1 in "step" style)
    log_style: str = "step"        # "step": `Step N, ...` lines (main); "iter": `Iter N*batch, ...` lines (Adam variant)
    # --- the tutorial's network parameters --------------------------------
    num_input: int = 28            # pixels per image row = features per time step
    timesteps: int = 28            # image rows = time steps the LSTM reads
    num_hidden: int = 128          # LSTM units (state size of BasicLSTMCell)
    num_classes: int = 10          # digits 0-9
    forget_bias: float = 1.0       # BasicLSTMCell's forget_bias
    # --- the gradient experiments (defaults = the tutorial's model) ---------
    cell: str = "lstm"             # "lstm" = BasicLSTMCell (tutorial), "gru" = GRUCell, "rnn" = BasicRNNCell
    activation: str = "tanh"       # the cell's activation: "tanh" (tutorial) or "relu"
    clip_norm: float = 0.0         # clip gradients to this global norm before applying them (0 = never)
    bptt_truncate: int = 0         # backpropagate through the last K time steps only (0 = all of them)
    # --- data and evaluation ----------------------------------------------
    validation_size: int = 5000    # read_data_sets: the first 5000 training images are held out as validation
    test_size: int = 128           # "Testing Accuracy" is measured on the first 128 test images
    data_dir: str = ""             # where the four MNIST files live; "" = default_data_dir()
    # --- reproducibility ---------------------------------------------------
    seed: int = 0                  # graph-level TF seed and the minibatch shuffler's seed (the tutorial set none)
    # --- how, not what, is computed -----------------------------------------
    checkpoint_every: int = 1000   # steps between checkpoints in the run directory (and one at the end)
    intra_op_threads: int = 0      # threads inside one op, e.g. a matmul (0 = automatic, see session_threads)
    inter_op_threads: int = 0      # ops run side by side (0 = automatic, see session_threads)
    lstm_impl: str = "faithful"    # "faithful" = BasicLSTMCell + static_rnn; "hoisted" = same variables and math,
                                   # input product hoisted and weight gradients in one matmul (hoisted_lstm.py);
                                   # "block" = same variables and math on fused LSTMBlockCell ops (block_lstm.py)
    batch_shards: int = 2          # block only: the minibatch runs as this many independent blocks of rows,
                                   # one per CPU core (2 = the small CPUs this project is measured on)

    def __post_init__(self) -> None:
        if not self.data_dir:
            object.__setattr__(self, "data_dir", default_data_dir())
        self.validate()

    def validate(self) -> None:
        """Reject values the tutorial's program cannot run with, naming the field."""
        for name in ("steps", "batch_size", "display_step", "num_input", "timesteps",
                     "num_hidden", "num_classes", "test_size", "checkpoint_every", "batch_shards"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise UsageError(f"{name} must be a positive whole number, got {value!r}")
        for name in ("intra_op_threads", "inter_op_threads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UsageError(f"{name} must be a whole number >= 0, got {value!r}")
        if isinstance(self.validation_size, bool) or not isinstance(self.validation_size, int) \
                or self.validation_size < 0:
            raise UsageError(f"validation_size must be a whole number >= 0, got {self.validation_size!r}")
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
            raise UsageError(f"learning_rate must be a finite number > 0, got {lr!r}")
        if not isinstance(self.forget_bias, (int, float)) or not math.isfinite(self.forget_bias):
            raise UsageError(f"forget_bias must be a finite number, got {self.forget_bias!r}")
        for name, choices in (("optimizer", OPTIMIZERS), ("log_style", LOG_STYLES), ("cell", CELLS),
                              ("activation", ACTIVATIONS), ("lstm_impl", LSTM_IMPLS)):
            if getattr(self, name) not in choices:
                raise UsageError(f"{name} must be one of {', '.join(choices)}, got {getattr(self, name)!r}")
        clip = self.clip_norm
        if isinstance(clip, bool) or not isinstance(clip, (int, float)) or not math.isfinite(clip) or clip < 0:
            raise UsageError(f"clip_norm must be a finite number >= 0 (0 = no clipping), got {clip!r}")
        k = self.bptt_truncate
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= self.timesteps:
            raise UsageError(f"bptt_truncate must be a whole number from 0 (full BPTT) to timesteps "
                             f"({self.timesteps}), got {k!r}")
        if self.lstm_impl != "faithful" and (self.cell, self.activation, self.bptt_truncate) != ("lstm", "tanh", 0):
            raise UsageError(f"lstm_impl {self.lstm_impl} is the tutorial's LSTM only: it needs cell lstm, "
                             "activation tanh and bptt_truncate 0")
        if self.lstm_impl != "block" and self.batch_shards != Config.batch_shards:
            raise UsageError(f"batch_shards applies to lstm_impl block only, got batch_shards {self.batch_shards} "
                             f"with lstm_impl {self.lstm_impl}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**31:
            raise UsageError(f"seed must be a whole number from 0 to 2**31-1, got {self.seed!r}")

    def model_settings(self) -> dict[str, Any]:
        """The fields that decide what a run computes, so runs of different seeds can be compared:
        all but seed, the schedule's length and the EXECUTION_FIELDS."""
        return {k: v for k, v in self.to_dict().items() if k not in ("seed", "steps", *EXECUTION_FIELDS)}

    def session_threads(self) -> tuple[int, int]:
        """(intra_op, inter_op) threads for the Session; 0 is TensorFlow's own choice.

        Left at 0, the block implementation gets one thread per op and batch_shards ops side
        by side: each block of rows keeps one core busy with its own chain of small ops.  The
        other implementations get one thread per op and two ops side by side on a machine of at
        most two cores (measured about 20 % faster there than TensorFlow's pools, with the same
        numbers; README, Speed), and TensorFlow's own choice on larger machines.
        """
        if (self.intra_op_threads, self.inter_op_threads) != (0, 0):
            return self.intra_op_threads, self.inter_op_threads
        if self.lstm_impl == "block":
            return 1, self.batch_shards
        return (1, 2) if (os.cpu_count() or 1) <= 2 else (0, 0)

    def override(self, **changes: Any) -> "Config":
        """A copy with `changes` applied; unknown keys are an error, not ignored."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise UsageError(f"unknown config key(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "Config":
        return cls().override(**dict(values))


def check_batch_size(config: Config, train_examples: int) -> None:
    if config.batch_size > train_examples:
        raise UsageError(f"batch_size {config.batch_size} is larger than the training set "
                         f"({train_examples} images)")


def tiny_config(**changes: Any) -> Config:
    """A config for tests: the tutorial's graph and data, a few steps only."""
    return Config(steps=20, display_step=10).override(**changes)


def model_config(config: Config, spec: str) -> Config:
    """`config` with the model "CELL" or "CELL/ACTIVATION" (e.g. "gru", "rnn/relu")."""
    cell, _, activation = spec.partition("/")
    activation = activation or "tanh"
    if cell not in CELLS or activation not in ACTIVATIONS:
        raise UsageError(f"model {spec!r} is not CELL or CELL/ACTIVATION with CELL one of "
                         f"{', '.join(CELLS)} and ACTIVATION one of {', '.join(ACTIVATIONS)}")
    return config.override(cell=cell, activation=activation)
