"""One frozen configuration for a run: the tutorial's hyperparameters by default.

Every field has the tutorial's value (or a neutral one where the tutorial had none, like
the seed), and one `Setting` that says what values it takes, how `--help` explains it and
under which heading.  That one table gives `Config.validate`, the command-line options
(`add_options` / `from_args`) and the inverse, `to_argv`, which writes a Config back as
options (`rnn-tf1 fidelity` starts each seed's run with it).  `Config.override` is strict:
an unknown key or a value out of range is a `UsageError` naming the key.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple

from rnn_tf1.errors import UsageError

OPTIMIZERS = ("gd", "adam", "rmsprop")
LOG_STYLES = ("step", "iter")
CELLS = ("lstm", "gru", "rnn")
ACTIVATIONS = ("tanh", "relu")
LSTM_IMPLS = ("faithful", "block")
# The faithful default's Session threads (intra_op, inter_op) on every machine: one thread inside each
# op, because TensorFlow's threaded kernels split a matmul's sums by the machine's core count and the
# printed digits move with it (the Adam variant's sixth decimal at 2 threads); two ops side by side,
# which changes no op's arithmetic.  The shipped seed bands were made with one thread per op.
# `rnn-tf1 run --seed` gives a script's own Sessions the same (rnn_tf1/tf1/sessions.py).
SESSION_THREADS = (1, 2)
RETIRED_LSTM_IMPLS = {"hoisted": "retired in 0.2.0: never reliably faster than faithful (docs/speed.md); "
                                 "its runs have the same variables, so use lstm_impl faithful"}


def default_data_dir() -> str:
    """Where MNIST lives unless told otherwise: $RNN_TF1_DATA_DIR or a user cache."""
    env = os.environ.get("RNN_TF1_DATA_DIR")
    if env:
        return env
    return os.path.join(os.path.expanduser("~"), ".cache", "rnn_tf1", "mnist")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class Kind(NamedTuple):
    """The values a field takes: `parse` reads the option's text, `ok` checks a value."""
    parse: Callable[[str], Any]
    ok: Callable[[Any], bool]
    wants: str  # completes "NAME must be ..."


KINDS = {
    "positive": Kind(int, lambda v: _whole(v) and v > 0, "a positive whole number"),
    "count": Kind(int, lambda v: _whole(v) and v >= 0, "a whole number >= 0"),
    "seed": Kind(int, lambda v: _whole(v) and 0 <= v < 2**31, "a whole number from 0 to 2**31-1"),
    "rate": Kind(float, lambda v: _number(v) and v > 0, "a finite number > 0"),
    "norm": Kind(float, lambda v: _number(v) and v >= 0, "a finite number >= 0"),
    "real": Kind(float, _number, "a finite number"),
    "choice": Kind(str, lambda v: isinstance(v, str), "one of"),  # the choices are the field's own
    "path": Kind(str, lambda v: isinstance(v, str), "a path"),
}

# The --help sections, in order.
TRAINING, NETWORK, STUDIES, DATA, REPRODUCIBILITY, EXECUTION = (
    "the tutorial's training parameters", "the tutorial's network", "gradient experiments (default: the tutorial's)",
    "data and evaluation", "reproducibility", "how, not what, is computed")
GROUPS = (TRAINING, NETWORK, STUDIES, DATA, REPRODUCIBILITY, EXECUTION)


@dataclass(frozen=True)
class Setting:
    kind: str                       # a key of KINDS
    help: str                       # the option's help; also this field's documentation
    group: str                      # one of GROUPS
    choices: tuple[str, ...] = ()   # kind "choice": the allowed values
    settable: bool = True           # False: no option (fixed by MNIST's shape); to_argv refuses another value
    execution: bool = False         # True: changes how a run is computed, not its numbers' distribution
    metavar: str | None = None


def setting(default: Any, kind: str, help: str, group: str, **more: Any) -> Any:
    return field(default=default, metadata={"setting": Setting(kind, help, group, **more)})


@dataclass(frozen=True)
class Config:
    # --- the tutorial's training parameters -------------------------------------------------
    optimizer: str = setting("gd", "choice", "gd = GradientDescentOptimizer (tutorial), adam = AdamOptimizer "
                             "(variant), rmsprop = RMSPropOptimizer (a remedy for exploding gradients)",
                             TRAINING, choices=OPTIMIZERS)
    learning_rate: float = setting(0.001, "rate", "the tutorial's learning_rate, for every optimizer", TRAINING)
    steps: int = setting(10000, "positive", "training_steps: minibatch updates, counted from 1", TRAINING)
    batch_size: int = setting(128, "positive", "images per minibatch", TRAINING)
    display_step: int = setting(200, "positive", "print a progress line every N steps (and at step 1 in "
                                "the step style)", TRAINING, metavar="N")
    log_style: str = setting("step", "choice", "step: `Step N, ...` lines (tutorial); iter: `Iter N*batch, ...` "
                             "lines, no step-1 line (Adam variant)", TRAINING, choices=LOG_STYLES)
    # --- the tutorial's network -------------------------------------------------------------
    num_input: int = setting(28, "positive", "pixels per image row = features per time step", NETWORK,
                             settable=False)
    timesteps: int = setting(28, "positive", "image rows = time steps the LSTM reads", NETWORK, settable=False)
    num_hidden: int = setting(128, "positive", "LSTM units (the state size of BasicLSTMCell)", NETWORK)
    num_classes: int = setting(10, "positive", "digits 0-9", NETWORK, settable=False)
    forget_bias: float = setting(1.0, "real", "BasicLSTMCell's forget_bias", NETWORK)
    # --- gradient experiments (defaults = the tutorial's model) -------------------------------
    cell: str = setting("lstm", "choice", "lstm = BasicLSTMCell (tutorial), gru = GRUCell, rnn = BasicRNNCell",
                        STUDIES, choices=CELLS)
    activation: str = setting("tanh", "choice", "the cell's activation (tanh is the tutorial's)", STUDIES,
                              choices=ACTIVATIONS)
    clip_norm: float = setting(0.0, "norm", "clip the gradients to this global norm before applying them "
                               "(0 = never)", STUDIES)
    bptt_truncate: int = setting(0, "count", "backpropagate through the last K time steps only (0 = all of them)",
                                 STUDIES, metavar="K")
    # --- data and evaluation ---------------------------------------------------------------
    validation_size: int = setting(5000, "count", "read_data_sets: the first N training images are held out "
                                   "as validation", DATA, metavar="N")
    test_size: int = setting(128, "positive", "`Testing Accuracy` is measured on the first N test images",
                             DATA, metavar="N")
    data_dir: str = setting("", "path", "the MNIST folder, fetched there if missing (\"\" = default_data_dir(): "
                            "$RNN_TF1_DATA_DIR or ~/.cache/rnn_tf1/mnist)", DATA, metavar="DIR", execution=True)
    # --- reproducibility --------------------------------------------------------------------
    seed: int = setting(0, "seed", "graph-level TF seed and the minibatch shuffler's seed (the tutorial set "
                        "none)", REPRODUCIBILITY)
    # --- how, not what, is computed ---------------------------------------------------------
    checkpoint_every: int = setting(1000, "positive", "save a checkpoint in the run folder every N steps, and "
                                    "at the end", EXECUTION, metavar="N", execution=True)
    intra_op_threads: int = setting(0, "count", "Session threads inside one op, e.g. a matmul (0 = automatic: "
                                    "1, on every machine: TensorFlow's threaded kernels split a sum by the core count, "
                                    "and the printed digits would move with it)",
                                    EXECUTION, metavar="N", execution=True)
    inter_op_threads: int = setting(0, "count", "Session ops run side by side (0 = automatic: the batch shards "
                                    "for block, else 2)",
                                    EXECUTION, metavar="N", execution=True)
    lstm_impl: str = setting("faithful", "choice", "faithful = BasicLSTMCell + static_rnn (tutorial); block = "
                             "the same variables and math on TensorFlow's fused LSTMBlockCell ops, the batch "
                             "split over CPU cores (about 1.4x faster here, same printed numbers)", EXECUTION,
                             choices=LSTM_IMPLS, execution=True)
    batch_shards: int = setting(2, "positive", "lstm_impl block only: run each minibatch as N independent "
                                "blocks of rows, one per CPU core", EXECUTION, metavar="N", execution=True)

    def __post_init__(self) -> None:
        if not self.data_dir:
            object.__setattr__(self, "data_dir", default_data_dir())
        self.validate()

    def validate(self) -> None:
        """Reject values the tutorial's program cannot run with, naming the field."""
        for f in dataclasses.fields(self):
            s: Setting = f.metadata["setting"]
            value = getattr(self, f.name)
            if f.name == "lstm_impl" and value in RETIRED_LSTM_IMPLS:
                raise UsageError(f"lstm_impl {value} was {RETIRED_LSTM_IMPLS[value]}")
            if s.kind == "choice":
                if value not in s.choices:
                    raise UsageError(f"{f.name} must be one of {', '.join(s.choices)}, got {value!r}")
            elif not KINDS[s.kind].ok(value):
                raise UsageError(f"{f.name} must be {KINDS[s.kind].wants}, got {value!r}")
        if self.bptt_truncate > self.timesteps:
            raise UsageError(f"bptt_truncate must be a whole number from 0 (full BPTT) to timesteps "
                             f"({self.timesteps}), got {self.bptt_truncate!r}")
        if self.lstm_impl != "faithful" and (self.cell, self.activation, self.bptt_truncate) != ("lstm", "tanh", 0):
            raise UsageError(f"lstm_impl {self.lstm_impl} is the tutorial's LSTM only: it needs cell lstm, "
                             "activation tanh and bptt_truncate 0")
        if self.lstm_impl != "block" and self.batch_shards != Config.batch_shards:
            raise UsageError(f"batch_shards applies to lstm_impl block only, got batch_shards {self.batch_shards} "
                             f"with lstm_impl {self.lstm_impl}")

    def model_settings(self) -> dict[str, Any]:
        """The fields that decide what a run computes, so runs of different seeds can be compared:
        all but seed, the schedule's length and the EXECUTION_FIELDS."""
        return {k: v for k, v in self.to_dict().items() if k not in ("seed", "steps", *EXECUTION_FIELDS)}

    def session_threads(self) -> tuple[int, int]:
        """(intra_op, inter_op) threads for the Session; 0 is TensorFlow's own choice.

        Left at 0, the faithful implementation gets SESSION_THREADS on every machine, and the block
        implementation one thread per op and batch_shards ops side by side (each block of rows
        keeps one core busy with its own chain of small ops): neither depends on the core count.
        """
        if (self.intra_op_threads, self.inter_op_threads) != (0, 0):
            return self.intra_op_threads, self.inter_op_threads
        if self.lstm_impl == "block":
            return 1, self.batch_shards
        return SESSION_THREADS

    def override(self, **changes: Any) -> "Config":
        """A copy with `changes` applied; unknown keys are an error, not ignored."""
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise UsageError(f"unknown config key(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "Config":
        """A Config from saved values (a run's config.json, a band's config).  A run saved with a
        retired LSTM implementation is read as faithful: the same variables and math."""
        values = dict(values)
        if values.get("lstm_impl") in RETIRED_LSTM_IMPLS:
            logging.getLogger(__name__).info("lstm_impl %s %s; reading it as faithful", values["lstm_impl"],
                                             RETIRED_LSTM_IMPLS[values["lstm_impl"]].split(";")[0])
            values["lstm_impl"] = "faithful"
        return cls().override(**values)


FIELDS: dict[str, Setting] = {f.name: f.metadata["setting"] for f in dataclasses.fields(Config)}
EXECUTION_FIELDS = tuple(name for name, s in FIELDS.items() if s.execution)


# --- the command line, generated from FIELDS ----------------------------------------------------

def flag(name: str) -> str:
    """The option of field `name`: learning_rate -> --learning-rate."""
    return "--" + name.replace("_", "-")


def option_type(kind: str) -> Callable[[str], Any]:
    """argparse's type for a value of `kind` (a key of KINDS): a bad value is one usage line."""
    spec = KINDS[kind]

    def parse(text: str) -> Any:
        try:
            value = spec.parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {spec.wants}") from None
        if not spec.ok(value):
            raise argparse.ArgumentTypeError(f"must be {spec.wants}, got {text}")
        return value
    parse.__name__ = kind  # argparse names the type in its messages
    return parse


def add_options(parser: argparse.ArgumentParser, base: Config | None = None) -> None:
    """One option per settable field, in --help sections by group, showing `base`'s values as
    defaults.  Options not given stay out of the namespace (from_args takes them from `base`),
    so the caller can tell which ones the user gave (see given_fields)."""
    defaults = (base or Config()).to_dict()
    fixed = {group: ", ".join(f"{name} {defaults[name]}" for name, s in FIELDS.items()
                              if s.group == group and not s.settable) for group in GROUPS}
    groups = {title: parser.add_argument_group(title, f"fixed by MNIST's images, not options: {fixed[title]}"
                                               if fixed[title] else None) for title in GROUPS}
    for name, s in FIELDS.items():
        if not s.settable:
            continue
        help = s.help if name == "data_dir" else f"{s.help} (default: {defaults[name]})"
        kwargs: dict[str, Any] = {"choices": s.choices} if s.kind == "choice" else {"type": option_type(s.kind)}
        groups[s.group].add_argument(flag(name), dest=name, default=argparse.SUPPRESS, metavar=s.metavar,
                                     help=help.replace("%", "%%"), **kwargs)


def given_fields(args: argparse.Namespace) -> list[str]:
    """The Config fields the user gave as options, in FIELDS order."""
    return [name for name in FIELDS if name in vars(args)]


def from_args(args: argparse.Namespace, base: Config | None = None) -> Config:
    """`base` (default Config()) with the options the user gave."""
    return (base or Config()).override(**{name: getattr(args, name) for name in given_fields(args)})


def to_argv(config: Config) -> list[str]:
    """The options that make `from_args` give `config` back: every settable field, written out.

    A field without an option (fixed by MNIST's shape) that differs from its default cannot be
    passed on: that is an error, never a run of another configuration."""
    argv: list[str] = []
    for name, s in FIELDS.items():
        value = getattr(config, name)
        if not s.settable:
            if value != getattr(Config, name):
                raise UsageError(f"{name} {value!r} cannot be given on the command line (only "
                                 f"{getattr(Config, name)!r}, MNIST's); train such a model with "
                                 "train_and_evaluate in Python")
            continue
        # One --flag=VALUE word: a value such as -0.5 or a path starting with "-" is not read as an option.
        argv.append(f"{flag(name)}={repr(value) if isinstance(value, float) else value}")
    return argv


def check_sizes(config: Config, data) -> None:
    """The sizes that depend on the data (`data`: mnist_data.Datasets): a minibatch must fit in the
    training set and the Testing Accuracy images in the test set."""
    if config.batch_size > data.train.num_examples:
        raise UsageError(f"batch_size {config.batch_size} is larger than the training set "
                         f"({data.train.num_examples} images)")
    if config.test_size > data.test.num_examples:
        raise UsageError(f"test_size {config.test_size} is larger than the test set "
                         f"({data.test.num_examples} images)")


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
