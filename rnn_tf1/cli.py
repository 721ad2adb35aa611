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
import shlex
import signal
import sys
import time

from rnn_tf1 import tf_env  # noqa: F401  (before anything imports TensorFlow)
from rnn_tf1.config import (ACTIVATIONS, CELLS, LOG_STYLES, LSTM_IMPLS, OPTIMIZERS, Config,
                            check_batch_size, model_config)
from rnn_tf1.errors import UsageError, UserError

DEFAULT_MODELS = ("lstm", "gru", "rnn", "rnn/relu")  # the gradient experiments' cells (CELL[/ACTIVATION])

log = logging.getLogger("rnn_tf1")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def _int_range(low: int, high: int | None = None):
    """An argparse type: a whole number in [low, high]."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be {'>= ' + str(low) if high is None else f'{low}..{high}'}, got {value}")
        return value
    return parse


_positive_int = _int_range(1)
_non_negative_int = _int_range(0)
_seed = _int_range(0, 2**31 - 1)


def _float_from(low: float, inclusive: bool):
    """An argparse type: a finite number > low (>= low if `inclusive`)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value < low or (value == low and not inclusive):
            raise argparse.ArgumentTypeError(f"must be a finite number {'>=' if inclusive else '>'} {low:g}, "
                                             f"got {text}")
        return value
    return parse


_positive_float = _float_from(0, inclusive=False)
_non_negative_float = _float_from(0, inclusive=True)


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """The training options; defaults are the tutorial's (see Config)."""
    d = Config(data_dir="unused")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer,
                        help="gd = GradientDescentOptimizer (tutorial), adam = AdamOptimizer (variant), "
                             "rmsprop = RMSPropOptimizer")
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
    parser.add_argument("--checkpoint-every", type=_positive_int, default=d.checkpoint_every,
                        help=f"save a checkpoint every N steps, and at the end (default {d.checkpoint_every})")
    parser.add_argument("--intra-op-threads", type=_non_negative_int, default=d.intra_op_threads,
                        help="Session threads inside one op (default 0 = automatic: TensorFlow's choice; "
                             "1 for --lstm-impl block)")
    parser.add_argument("--inter-op-threads", type=_non_negative_int, default=d.inter_op_threads,
                        help="Session ops run side by side (default 0 = automatic: TensorFlow's choice; "
                             "the batch shards for --lstm-impl block)")
    parser.add_argument("--cell", choices=CELLS, default=d.cell,
                        help="lstm = BasicLSTMCell (tutorial), gru = GRUCell, rnn = BasicRNNCell")
    parser.add_argument("--activation", choices=ACTIVATIONS, default=d.activation,
                        help="the cell's activation (default tanh, the tutorial's)")
    parser.add_argument("--clip-norm", type=_non_negative_float, default=d.clip_norm,
                        help="clip the gradients to this global norm before applying them (default 0 = never)")
    parser.add_argument("--bptt-truncate", type=_non_negative_int, default=d.bptt_truncate, metavar="K",
                        help="backpropagate through the last K time steps only (default 0 = all 28)")
    parser.add_argument("--lstm-impl", choices=LSTM_IMPLS, default=d.lstm_impl,
                        help="faithful = BasicLSTMCell + static_rnn (tutorial); block = the same variables "
                             "and math on TensorFlow's fused LSTMBlockCell ops, the batch split over CPU cores "
                             "(about 2x faster here); hoisted = the same with the input product hoisted out "
                             "of the loop (not faster here). See README, Speed")
    parser.add_argument("--batch-shards", type=_positive_int, default=d.batch_shards, metavar="N",
                        help=f"--lstm-impl block: run each minibatch as N independent blocks of rows, "
                             f"one per CPU core (default {d.batch_shards})")
    parser.add_argument("--data-dir", default=None,
                        help="MNIST folder (default $RNN_TF1_DATA_DIR or ~/.cache/rnn_tf1/mnist); "
                             "fetched there if missing")


def config_from_args(args: argparse.Namespace) -> Config:
    return Config().override(
        optimizer=args.optimizer, learning_rate=args.learning_rate, steps=args.steps,
        batch_size=args.batch_size, display_step=args.display_step, log_style=args.log_style,
        seed=args.seed, data_dir=args.data_dir or "", checkpoint_every=args.checkpoint_every,
        intra_op_threads=args.intra_op_threads, inter_op_threads=args.inter_op_threads,
        cell=args.cell, activation=args.activation, clip_norm=args.clip_norm,
        bptt_truncate=args.bptt_truncate, lstm_impl=args.lstm_impl, batch_shards=args.batch_shards)


class StopFlag:
    """SIGINT/SIGTERM ask the run to stop at the next step boundary; a second one stops at once."""

    def __init__(self) -> None:
        self.signal: int | None = None

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum
        log.info("%s received: saving a checkpoint at the end of this step (again to stop at once)",
                 signal.Signals(signum).name)

    def __call__(self) -> bool:
        return self.signal is not None


def cmd_train(args: argparse.Namespace) -> int:
    from rnn_tf1 import run_dir
    first_step = 1
    claimed: list[str] = []
    if args.resume:
        from rnn_tf1 import checkpoints
        workdir = args.resume
        progress, config = checkpoints.resumable(workdir)  # refusals come before TensorFlow loads
        first_step = progress.step + 1
        log.info("resuming %s with its saved configuration", workdir)
    else:
        config = config_from_args(args)
        workdir = args.run_dir or run_dir.default_run_dir(args.runs_root, config.optimizer, config.seed)
        run_dir.check_creatable(workdir)  # one-line errors before TensorFlow loads
        claimed = _claim_run_dir(workdir)  # a second run racing for this folder is refused now, not later
    started = time.perf_counter()
    try:
        # Data first (no TensorFlow needed): data and size errors are reported before TF loads.
        from rnn_tf1.mnist_data import read_data_sets_for
        data = read_data_sets_for(config)
        check_batch_size(config, data.train.num_examples)
        from rnn_tf1 import trainer
        stop = StopFlag()
        stop.install()
        if args.resume:
            trainer.resume(workdir, data=data, should_stop=stop)
        else:
            trainer.train_and_evaluate(config, workdir, data=data, should_stop=stop, workdir_claimed=True)
    except BaseException:
        _release_run_dir(claimed)  # only folders this call made and nothing has been written into
        raise
    wall = time.perf_counter() - started
    log.info("run directory: %s", os.path.abspath(workdir))
    log.info("wall time: %.1f s (%.1f ms per training step, imports and data included)",
             wall, 1000 * wall / max(1, config.steps - first_step + 1))
    _compare_to_tutorial(workdir, config)
    return 0


def _claim_run_dir(path: str) -> list[str]:
    """Create the new run folder (and missing parents) at once; returns the folders made, deepest first."""
    from rnn_tf1 import run_dir
    made, folder = [], os.path.abspath(path)
    while not os.path.exists(folder):
        made.append(folder)
        folder = os.path.dirname(folder)
    run_dir.create(path)
    return made


def _release_run_dir(made: list[str]) -> None:
    """Remove the folders _claim_run_dir made, as long as they are still empty."""
    for folder in made:
        try:
            os.rmdir(folder)
        except OSError:  # not empty (the run wrote into it) or already gone: leave it
            return


def _compare_to_tutorial(workdir: str, config: Config) -> None:
    """The comparison summary on stderr, so stdout stays the tutorial's lines."""
    from rnn_tf1 import compare, run_dir
    from rnn_tf1.plotting import save_png
    result = _comparison(os.path.join(workdir, run_dir.LOG_FILE), config.batch_size, config)
    for line in compare.summary(result).splitlines():
        log.info("%s", line)
    log.info("chart: %s", os.path.abspath(os.path.join(workdir, run_dir.CHART_FILE)))
    log.info("overlay: %s", save_png(compare.overlay(result, workdir),
                                     os.path.abspath(os.path.join(workdir, run_dir.COMPARE_FILE))))


def _comparison(log_path: str, batch_size: int, config: Config | None, reference_path: str | None = None,
                band_path: str | None = None, no_band: bool = False):
    """A run's log against the reference, judged by the band fidelity.band_for chooses."""
    from rnn_tf1 import compare, fidelity
    from rnn_tf1.log_format import read_log
    run = read_log(log_path, batch_size)
    reference = read_log(reference_path or fidelity.package_data_path(fidelity.REFERENCE_LOG), batch_size)
    choice = fidelity.BandChoice(None, "no seed band: --no-band") if no_band else \
        fidelity.band_for(run, config, band_path)
    return compare.compare_logs(reference, run, choice.band, choice.note)


def _run_target(target: str, batch_size: int | None) -> tuple[str, str | None, Config | None, int]:
    """A run directory or a log file -> (log path, run directory or None, Config or None, batch size)."""
    from rnn_tf1 import run_dir
    if os.path.isdir(target):
        config = None
        if os.path.exists(os.path.join(target, run_dir.CONFIG_FILE)):
            config = run_dir.read_config(target)
        return (os.path.join(target, run_dir.LOG_FILE), target, config,
                batch_size or (config.batch_size if config else 128))
    return target, None, None, batch_size or 128


def _output_path(out: str | None, target: str, run: str | None, in_run: str, suffix: str) -> str:
    if out:
        return _check_output_folder(out)
    if run:
        return os.path.join(run, in_run)
    return os.path.splitext(target)[0] + suffix


def _check_output_folder(out: str) -> str:
    """An output file (replaced if it exists) must go into an existing, writable folder."""
    parent = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out) or not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {out}: " + (f"{out} is a folder" if os.path.isdir(out)
                                                    else f"{parent} is not a writable folder"))
    return out


def cmd_plot(args: argparse.Namespace) -> int:
    from rnn_tf1 import run_dir
    from rnn_tf1.log_format import read_log
    from rnn_tf1.plotting import save_png, show_figure, tutorial_chart
    log_path, run, _, batch_size = _run_target(args.target, args.batch_size)
    parsed = read_log(log_path, batch_size)
    fig = tutorial_chart([p.step for p in parsed.points], [p.accuracy for p in parsed.points])
    out = _output_path(args.out, args.target, run, run_dir.CHART_FILE, "-chart.png")
    log.info("chart: %s", save_png(fig, out))
    if args.show:
        show_figure(fig)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from rnn_tf1 import compare, run_dir
    from rnn_tf1.plotting import save_png
    log_path, workdir, config, batch_size = _run_target(args.run_log, args.batch_size)
    result = _comparison(log_path, batch_size, config, args.reference, args.band, args.no_band)
    print(compare.table(result))
    print(compare.summary(result))
    out = _output_path(args.out, args.run_log, workdir, run_dir.COMPARE_FILE, "-compare.png")
    log.info("overlay: %s", save_png(compare.overlay(result, args.run_log), out))
    if args.check and result.consistent() is not True:
        # --check gates on the verdict: OUTSIDE, or no verdict at all, is a failure.
        log.info("--check: %s", "no verdict" if result.band is None else "OUTSIDE the spread of faithful runs")
        return 1
    return 0


def cmd_fidelity(args: argparse.Namespace) -> int:
    from rnn_tf1 import fidelity, run_dir
    command = "rnn-tf1 " + shlex.join(args.argv)
    if args.inputs:  # rnn-tf1 fidelity merge INPUT... --out BAND.json
        if args.inputs[0] != "merge" or len(args.inputs) < 2:
            raise UsageError("use `rnn-tf1 fidelity [options]` to run seeds, or "
                             "`rnn-tf1 fidelity merge BAND.json|RUN_DIR ... --out BAND.json` to merge")
        if not args.out:
            raise UsageError("fidelity merge needs --out BAND.json")
        out = _new_output_file(args.out, "seed_band.json")
        parts = [(path, fidelity.band_from_run(path) if os.path.isdir(path) else fidelity.load_band(path))
                 for path in args.inputs[1:]]
        band = fidelity.merge_bands(parts, command)
        _write_band(band, _make_parent(out), os.path.splitext(out)[0] + ".png")
        return 0
    config = config_from_args(args)
    seeds = fidelity.parse_seed_list(args.seed_list) if args.seed_list else \
        list(range(args.first_seed, args.first_seed + args.seeds))
    out = _new_output_dir(args, "fidelity")  # one-line errors before any seed runs
    if args.jobs > 1 and not (args.intra_op_threads or args.inter_op_threads):
        # Runs side by side share the cores: one thread each keeps them from fighting.
        config = config.override(intra_op_threads=1, inter_op_threads=1)
    band = fidelity.run_seeds(config, seeds, out, jobs=args.jobs, command=command)
    _write_band(band, os.path.join(out, "seed_band.json"), os.path.join(out, "seed_band.png"))
    return 0


def _write_band(band, path: str, chart_path: str) -> None:
    """Save a band and its chart; print its report."""
    from rnn_tf1 import fidelity, run_dir
    from rnn_tf1.log_format import read_log
    from rnn_tf1.plotting import overlay_chart, save_png
    run_dir.write_json(path, band.to_dict())
    reference = read_log(fidelity.package_data_path(fidelity.REFERENCE_LOG))
    print(fidelity.band_report(band, reference))
    mean = [(s, band.loss["mean"][i], band.accuracy["mean"][i]) for i, s in enumerate(band.steps)]
    fits = {p.step for p in reference.points} <= set(band.steps)
    chart = overlay_chart(reference.points if fits else [], mean, band, run_label="seed mean",
                          title=f"seed band: {len(band.seeds)} seeds")
    log.info("band: %s", path)
    log.info("chart: %s", save_png(chart, chart_path))


def cmd_run(args: argparse.Namespace) -> int:
    from rnn_tf1.script_runner import run_script
    return run_script(args.script, args.script_args, seed=args.seed, data_dir=args.data_dir,
                      figures_dir=args.figures)


def cmd_fetch(args: argparse.Namespace) -> int:
    from rnn_tf1.config import default_data_dir
    from rnn_tf1.mnist_data import read_data_sets
    data_dir = args.data_dir or default_data_dir()
    data = read_data_sets(data_dir)  # fetches what is missing, then parses and verifies all four
    log.info("MNIST verified in %s: %d train, %d validation, %d test images", os.path.abspath(data_dir),
             data.train.num_examples, data.validation.num_examples, data.test.num_examples)
    return 0


def _run_data(workdir: str, with_data: bool = True):
    """The run's config and (if `with_data`) its MNIST, loaded before TensorFlow so that a
    missing checkpoint or bad data is reported first."""
    from rnn_tf1 import checkpoints
    from rnn_tf1.mnist_data import read_data_sets_for
    _, config = checkpoints.load_run(workdir)  # a missing, damaged or inconsistent run is a one-line error
    return config, read_data_sets_for(config) if with_data else None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from rnn_tf1 import run_dir
    from rnn_tf1.plotting import save_png
    config, data = _run_data(args.run_dir)
    from rnn_tf1.evaluate import confusion_chart, evaluate_run
    result = evaluate_run(args.run_dir, data)
    print(f"Testing Accuracy (first {config.test_size} test images): {result.tutorial_accuracy}")
    print(f"Accuracy on all {data.test.num_examples} test images: {result.full_accuracy:.4f}")
    print("digit  images  correct  accuracy")
    for digit, row in enumerate(result.confusion):
        print(f"{digit:>5}  {row.sum():>6}  {row[digit]:>7}  {result.per_class[digit]:8.4f}")
    run_dir.write_json(os.path.join(args.run_dir, "evaluation.json"), result.to_dict())
    log.info("confusion matrix: %s", save_png(confusion_chart(result.confusion),
                                               os.path.join(args.run_dir, "confusion.png")))
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    import numpy as np
    from rnn_tf1.plotting import save_png
    if not args.images and not args.test_index:
        raise UsageError("give at least one IMAGE or --test-index N")
    if args.grid:
        _check_output_folder(args.grid)
    from rnn_tf1.images import load_image, prediction_grid
    inputs = [load_image(path) for path in args.images]  # bad images are reported before anything loads
    names = [os.path.basename(path) for path in args.images]
    _, data = _run_data(args.run_dir, with_data=bool(args.test_index))
    from rnn_tf1.evaluate import probabilities, restore
    for index in args.test_index:
        if index >= data.test.num_examples:
            raise UsageError(f"--test-index {index} is out of range (0..{data.test.num_examples - 1})")
        inputs.append(data.test.images[index].reshape(28, 28))
        names.append(f"test[{index}] (label {data.test.labels[index].argmax()})")
    images = np.stack(inputs)
    with restore(args.run_dir) as (config, model, session):
        probs = probabilities(session, model, config, images)
    for name, p in zip(names, probs):
        print(f"{name}: predicted {p.argmax()}  probabilities " + " ".join(f"{d}:{v:.3f}" for d, v in enumerate(p)))
    if args.grid:
        log.info("grid: %s", save_png(prediction_grid(images, probs, names), args.grid))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from rnn_tf1.export import export_run
    report = export_run(args.run_dir, args.format, args.out)  # a bad request is a UsageError before TensorFlow loads
    print(report.line())
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from rnn_tf1 import bench, run_dir
    from rnn_tf1.config import default_data_dir
    from rnn_tf1.mnist_data import load_mnist_arrays
    load_mnist_arrays(default_data_dir())  # fetch/verify once, before the workers start
    out = _new_output_file(args.out, "bench.json")
    report = bench.run_bench(args.warmup, args.windows, args.steps_per_window)
    print(bench.table(report))
    run_dir.write_json(_make_parent(out), report)
    log.info("bench report: %s", out)
    return 0


def _new_output_dir(args: argparse.Namespace, name: str) -> str:
    """--out, or RUNS_ROOT/DATE-TIME-NAME: a folder that does not exist yet and can be made."""
    from rnn_tf1 import run_dir
    out = args.out or os.path.join(args.runs_root, time.strftime("%Y%m%d-%H%M%S") + "-" + name)
    run_dir.check_creatable(out)
    return out


def _new_output_file(out: str | None, default_name: str) -> str:
    """--out, or runs/DATE-TIME-NAME; an existing file is never overwritten.  Only checked here:
    its folder is made by _make_parent just before the first write, after every other check."""
    out = out or os.path.join("runs", time.strftime("%Y%m%d-%H%M%S") + "-" + default_name)
    if os.path.lexists(out):
        raise UsageError(f"{out} already exists; choose another --out")
    ancestor = os.path.dirname(os.path.abspath(out))
    while not os.path.exists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor) or not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {out}: {ancestor} is not a writable folder")
    return out


def _make_parent(out: str) -> str:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    return out


def cmd_gradients(args: argparse.Namespace) -> int:
    from rnn_tf1 import checkpoints, run_dir
    from rnn_tf1.mnist_data import read_data_sets_for
    config = config_from_args(args)
    if args.runs:  # trained models: each run's own config and last checkpoint
        targets = []
        for run in args.runs:
            progress, run_config = checkpoints.load_run(run)
            targets.append((run_config, progress.model_prefix, os.path.basename(os.path.normpath(run))))
    else:  # fresh models at config.seed's initial weights
        targets = [(model_config(config, spec), None, None) for spec in args.models]
    out = _new_output_file(args.out, "gradients.png")  # checked after the arguments, made only to write
    data = read_data_sets_for(config if not args.runs else targets[0][0])
    from rnn_tf1 import gradients
    from rnn_tf1.plotting import describe_model, gradient_through_time_chart, save_png
    x, y = gradients.probe_batch(data, targets[0][0])
    curves = []
    for cfg, prefix, name in targets:
        label = describe_model(cfg) + (f" ({name})" if name else "")
        curves.append((label, gradients.time_step_norms(cfg, x, y, prefix)))
    print(gradients.norms_table(curves))
    title = ("trained runs" if args.runs else f"at initialisation (seed {config.seed})") + \
        f", {len(x)} test images"
    save_png(gradient_through_time_chart([(title, curves)]), _make_parent(out))
    run_dir.write_json(os.path.splitext(out)[0] + ".json", {
        "batch": len(x), "curves": {label: norms.tolist() for label, norms in curves}})
    log.info("chart: %s", out)
    return 0


def cmd_cells(args: argparse.Namespace) -> int:
    from rnn_tf1 import run_dir
    from rnn_tf1.mnist_data import read_data_sets_for
    config = config_from_args(args)
    for spec in args.models:
        model_config(config, spec)  # bad model names are reported before anything runs
    out = _new_output_dir(args, "cells")
    data = read_data_sets_for(config)
    check_batch_size(config, data.train.num_examples)
    from rnn_tf1 import gradients
    from rnn_tf1.plotting import gradient_through_time_chart, save_png
    results = gradients.run_cells(config, args.models, out, data)
    print(gradients.cells_table(results, config))
    run_dir.write_json(os.path.join(out, "cells.json"), {
        "config": config.to_dict(), "command": "rnn-tf1 " + shlex.join(args.argv),
        "results": [dict(r._asdict(), ratio_init=r.ratio_init, ratio_trained=r.ratio_trained)
                    for r in results]})
    chart = gradient_through_time_chart([
        ("at initialisation", [(r.label, r.norms_init) for r in results]),
        (f"after {config.steps} steps", [(r.label, r.norms_trained) for r in results])])
    log.info("chart: %s", save_png(chart, os.path.join(out, "gradients.png")))
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
    train.add_argument("--resume", metavar="RUN_DIR", default=None,
                       help="continue a stopped run from its last checkpoint, with its saved configuration "
                            "(other training options are ignored)")
    train.set_defaults(func=cmd_train)

    run = sub.add_parser(
        "run", help="run a TF1-era script unchanged (import tensorflow as tf gives TF 1.x's API)",
        description="Run SCRIPT as `python SCRIPT` would, with `import tensorflow as tf` giving TF 1.x's "
                    "API in graph mode, tf.contrib.rnn and tensorflow.examples.tutorials.mnist.input_data. "
                    "The script's own arguments go after --.",
        epilog="example: rnn-tf1 run tutorial.py --seed 0 > run.log; rnn-tf1 compare run.log")
    run.add_argument("script", help="the TF1 script (a .py file)")
    run.add_argument("script_args", nargs="*", metavar="-- SCRIPT_ARGS", help="arguments for the script")
    run.add_argument("--seed", type=_seed, default=None,
                     help="seed the script's default graph and read_data_sets' shuffler as "
                          "`rnn-tf1 train --seed` does (default: unseeded, as the tutorial ran)")
    run.add_argument("--data-dir", default=None,
                     help="MNIST folder to use instead of the one the script names")
    run.add_argument("--figures", default=None, metavar="DIR",
                     help="where plt.show() saves the figures as PNGs (default the current folder)")
    run.set_defaults(func=cmd_run)

    plot = sub.add_parser("plot", help="draw the tutorial's chart from a run directory or a log")
    plot.add_argument("target", help="run directory or log file in the tutorial's format")
    plot.add_argument("--out", default=None, help="PNG path (default RUN_DIR/chart.png or LOG-chart.png)")
    plot.add_argument("--batch-size", type=_positive_int, default=None,
                      help="to read Iter lines (default the run's, or 128)")
    plot.add_argument("--show", action="store_true", help="also open the chart in a window")
    plot.set_defaults(func=cmd_plot)

    comp = sub.add_parser("compare", help="compare a run's log with the tutorial's published log")
    comp.add_argument("run_log", help="run directory or log file")
    comp.add_argument("--reference", default=None, help="reference log (default the tutorial's)")
    comp.add_argument("--band", default=None,
                      help="seed band JSON (default: the shipped band measured for the run's configuration)")
    comp.add_argument("--no-band", action="store_true", help="differences only, no verdict")
    comp.add_argument("--check", action="store_true",
                      help="exit status 1 unless the verdict is CONSISTENT (for scripts and CI)")
    comp.add_argument("--out", default=None,
                      help="overlay PNG path (default RUN_DIR/compare.png or LOG-compare.png)")
    comp.add_argument("--batch-size", type=_positive_int, default=None,
                      help="to read Iter lines (default the run's, or 128)")
    comp.set_defaults(func=cmd_compare)

    ev = sub.add_parser("evaluate", help="accuracy of a trained run on the test set, confusion matrix")
    ev.add_argument("run_dir", help="a run directory with a checkpoint")
    ev.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("predict", help="classify PNG/JPEG digit images (or MNIST test images)")
    pr.add_argument("run_dir", help="a run directory with a checkpoint")
    pr.add_argument("images", nargs="*", help="PNG or JPEG files, any size >= 8x8, either polarity")
    pr.add_argument("--test-index", type=_non_negative_int, nargs="+", default=[],
                    help="also classify these MNIST test images")
    pr.add_argument("--grid", default=None, help="save a PNG of the inputs with their predictions")
    pr.set_defaults(func=cmd_predict)

    from rnn_tf1.export import FORMATS as EXPORT_FORMATS  # NumPy only, no TensorFlow
    ex = sub.add_parser("export", help="write a trained run as a SavedModel, a Keras 3 file or a TFLite model, "
                                       "checked against the run's graph on all 10000 test images")
    ex.add_argument("run_dir", help="a run directory with a checkpoint")
    ex.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                    help="savedmodel (a folder), keras (a .keras file) or tflite (a .tflite file)")
    ex.add_argument("--out", required=True, help="the new file or folder to write (an existing one is never "
                                                 "overwritten; keras needs a name ending .keras)")
    ex.set_defaults(func=cmd_export)

    be = sub.add_parser("bench", help="training step time and memory against peers (Keras, PyTorch, sgemm)")
    be.add_argument("--warmup", type=_non_negative_int, default=10, help="untimed steps first (default 10)")
    be.add_argument("--windows", type=_positive_int, default=5, help="timed windows; the median counts (default 5)")
    be.add_argument("--steps-per-window", type=_positive_int, default=20, help="steps per window (default 20)")
    be.add_argument("--out", default=None, help="JSON report path (default runs/DATE-TIME-bench.json)")
    be.set_defaults(func=cmd_bench)

    gr = sub.add_parser("gradients", help="||dL/dh_t|| for each time step t, one line per cell (log scale)")
    add_config_options(gr)
    gr.add_argument("runs", nargs="*", metavar="RUN_DIR",
                    help="trained runs to measure (default: fresh models, one per --models)")
    gr.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), metavar="CELL[/ACTIVATION]",
                    help=f"fresh models to measure (default {' '.join(DEFAULT_MODELS)})")
    gr.add_argument("--out", default=None, help="chart PNG (default runs/DATE-TIME-gradients.png; "
                                                 "the numbers go to the same name .json)")
    gr.set_defaults(func=cmd_gradients)

    ce = sub.add_parser("cells", help="train each cell for the same budget: accuracy and vanishing gradients",
                        description="Train each model with the same options and minibatches "
                                    "(--steps defaults to 2000 here), then tabulate test accuracy and "
                                    "||dL/dh_T|| / ||dL/dh_1|| before and after training.")
    add_config_options(ce)
    ce.set_defaults(steps=2000)
    ce.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), metavar="CELL[/ACTIVATION]",
                    help=f"default {' '.join(DEFAULT_MODELS)}")
    ce.add_argument("--out", default=None, help="new folder for the runs, cells.json and gradients.png")
    ce.add_argument("--runs-root", default="runs", help="parent of the default folder (default runs)")
    ce.set_defaults(func=cmd_cells)

    fid = sub.add_parser("fidelity", help="train with several seeds and measure their spread")
    add_config_options(fid)
    fid.add_argument("inputs", nargs="*", metavar="merge BAND.json|RUN_DIR",
                     help="`fidelity merge A.json B.json RUN_DIR ... --out BAND.json`: one band of the seeds "
                          "of band files and finished run directories (same configuration and TensorFlow)")
    fid.add_argument("--seeds", type=_positive_int, default=5, help="how many seeds (default 5)")
    fid.add_argument("--first-seed", type=_seed, default=0, help="seeds are FIRST..FIRST+N-1 (default 0)")
    fid.add_argument("--seed-list", default=None, metavar="LIST",
                     help="exactly these seeds, e.g. 100-109 or 0,3,7-9 (instead of --seeds/--first-seed)")
    fid.add_argument("--jobs", type=_positive_int, default=1, help="runs at a time (default 1)")
    fid.add_argument("--out", default=None, help="new folder for the runs and seed_band.json "
                                                  "(merge: the new band file)")
    fid.add_argument("--runs-root", default="runs", help="parent of the default folder (default runs)")
    fid.set_defaults(func=cmd_fidelity)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="rnn-tf1: %(message)s", stream=sys.stderr)
    try:
        argv = sys.argv[1:] if argv is None else argv
        # `run SCRIPT [options] -- SCRIPT_ARGS`: what follows -- is the script's, untouched.
        ours, script_args = argv, []
        if argv[:1] == ["run"] and "--" in argv:
            cut = argv.index("--")
            ours, script_args = argv[:cut], argv[cut + 1:]
        args = build_parser().parse_args(ours)
        if args.command == "run":
            args.script_args += script_args
        args.argv = argv
        return args.func(args)
    except UserError as exc:
        sys.stderr.write(f"rnn-tf1: {exc.label}{exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("rnn-tf1: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
