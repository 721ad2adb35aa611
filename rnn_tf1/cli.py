"""`rnn-tf1` (also `python -m rnn_tf1`): a thin command line over the package.

Stdout carries only the tutorial's lines; everything else goes to stderr.
User mistakes end with one `rnn-tf1: error: ...` line and a non-zero status
(2 for usage errors), never a traceback.  TensorFlow is imported only by the
commands that need it, so option errors are reported at once.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import time

from rnn_tf1 import tf_env  # noqa: F401  (before anything imports TensorFlow)
from rnn_tf1.config import LOG_STYLES, OPTIMIZERS, Config, check_batch_size
from rnn_tf1.errors import UsageError, UserError

log = logging.getLogger("rnn_tf1")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError(f"must be 0..2147483647, got {value}")
    return value


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """The training options; defaults are the tutorial's (see Config)."""
    d = Config(data_dir="unused")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer,
                        help="gd = GradientDescentOptimizer (tutorial), adam = AdamOptimizer (variant)")
    parser.add_argument("--learning-rate", type=_positive_float, default=d.learning_rate,
                        help=f"default {d.learning_rate}")
    parser.add_argument("--steps", type=_positive_int, default=d.steps, help=f"default {d.steps}")
    parser.add_argument("--batch-size", type=_positive_int, default=d.batch_size,
                        help=f"default {d.batch_size}")
    parser.add_argument("--display-step", type=_positive_int, default=d.display_step,
                        help=f"print a progress line every N steps (default {d.display_step})")
    parser.add_argument("--log-style", choices=LOG_STYLES, default=d.log_style,
                        help="step: `Step N, ...` lines (tutorial); iter: `Iter N*batch, ...` lines, "
                             "no step-1 line (Adam variant)")
    parser.add_argument("--seed", type=_seed, default=d.seed, help=f"default {d.seed}")
    parser.add_argument("--data-dir", default=None,
                        help="MNIST folder (default $RNN_TF1_DATA_DIR or ~/.cache/rnn_tf1/mnist); "
                             "fetched there if missing")


def config_from_args(args: argparse.Namespace) -> Config:
    return Config().override(
        optimizer=args.optimizer, learning_rate=args.learning_rate, steps=args.steps,
        batch_size=args.batch_size, display_step=args.display_step, log_style=args.log_style,
        seed=args.seed, data_dir=args.data_dir or "")


def cmd_train(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    from rnn_tf1 import run_dir
    workdir = args.run_dir or run_dir.default_run_dir(args.runs_root, config.optimizer, config.seed)
    if os.path.exists(workdir):
        run_dir.create(workdir)  # the one-line "already exists" error, before TensorFlow loads
    started = time.perf_counter()
    # Data first (no TensorFlow needed): data and size errors are reported before TF loads.
    from rnn_tf1.mnist_data import read_data_sets
    data = read_data_sets(config.data_dir, validation_size=config.validation_size, seed=config.seed)
    check_batch_size(config, data.train.num_examples)
    from rnn_tf1.trainer import train_and_evaluate
    train_and_evaluate(config, workdir, data=data)
    wall = time.perf_counter() - started
    log.info("run directory: %s", os.path.abspath(workdir))
    log.info("wall time: %.1f s (%.1f ms per training step, imports and data included)",
             wall, 1000 * wall / config.steps)
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from rnn_tf1.config import default_data_dir
    from rnn_tf1.mnist_data import read_data_sets
    data_dir = args.data_dir or default_data_dir()
    data = read_data_sets(data_dir)  # fetches what is missing, then parses and verifies all four
    log.info("MNIST verified in %s: %d train, %d validation, %d test images", os.path.abspath(data_dir),
             data.train.num_examples, data.validation.num_examples, data.test.num_examples)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="rnn-tf1", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    fetch = sub.add_parser("fetch", help="fetch MNIST if missing and verify its checksums")
    fetch.add_argument("--data-dir", default=None, help="default $RNN_TF1_DATA_DIR or ~/.cache/rnn_tf1/mnist")
    fetch.set_defaults(func=cmd_fetch)
    train = sub.add_parser("train", help="train the tutorial's LSTM and print its log")
    add_config_options(train)
    train.add_argument("--run-dir", default=None,
                       help="new folder for this run's log, history, config and checkpoint "
                            "(must not exist; default RUNS_ROOT/DATE-TIME-OPTIMIZER-seedN)")
    train.add_argument("--runs-root", default="runs", help="parent of default run folders (default runs)")
    train.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="rnn-tf1: %(message)s", stream=sys.stderr)
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except UserError as exc:
        sys.stderr.write(f"rnn-tf1: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("rnn-tf1: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
