"""`rnn-tf1` (also `python -m rnn_tf1`): a thin command line over the package.

It parses, calls one function of the package, and prints.  Stdout carries only
the tutorial's lines (or a command's table); everything else goes to stderr.
User mistakes end with one `rnn-tf1: error: ...` line and a non-zero status
(2 for usage errors), never a traceback.  TensorFlow is imported only by the
commands that need it, so option errors are reported at once.
"""
from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import textwrap
import time
from importlib import metadata

from rnn_tf1 import __version__, tf_env  # noqa: F401  (tf_env: before anything imports TensorFlow)
from rnn_tf1 import run_files
from rnn_tf1.config import (Config, add_options, check_sizes, flag, from_args, given_fields, model_config,
                            option_type)
from rnn_tf1.errors import UsageError, UserError

DEFAULT_MODELS = ("lstm", "gru", "rnn", "rnn/relu")  # the gradient experiments' cells (CELL[/ACTIVATION])
# Commands that compute with the one arithmetic (tf_env.one_arithmetic: the same digits on every x86-64
# CPU), as `run --seed N` does (cmd_run); `bench` sets it per measured path, and unseeded `run` and the
# kernel leave TensorFlow's defaults alone, as TF 1.x did.
ONE_ARITHMETIC_COMMANDS = ("train", "fidelity", "evaluate", "predict", "export", "gradients", "cells")
CELLS_STEPS = 2000  # `rnn-tf1 cells` trains each model this many steps unless --steps says otherwise
TRAIN_DESCRIPTION = """\
Train the tutorial's LSTM and print its log on stdout, line for line.  Every option
defaults to the tutorial's value.  The run folder (log, history, config, checkpoints,
charts) and the comparison with the tutorial's published log are named on stderr.
TensorFlow and numpy compute with one arithmetic on every x86-64 CPU (ONEDNN_MAX_CPU_ISA=AVX2,
TF_ENABLE_ONEDNN_OPTS=0, OPENBLAS_CORETYPE=Haswell, NPY_DISABLE_CPU_FEATURES=AVX-512), so a
seed prints the same digits on an AVX2 laptop and an AVX-512 server; a variable you set wins,
with one note (docs/one-arithmetic.md)."""
TRAIN_EXAMPLES = """examples:
  rnn-tf1 train                                  the tutorial: GD, 10000 steps, its 53 lines on stdout
  rnn-tf1 train --steps 400 --seed 0 > run.log   a short seeded run, the log kept for `rnn-tf1 compare`
  rnn-tf1 train --optimizer adam --log-style iter --steps 781 --display-step 10
                                                 the tutorial's Adam variant (100000 images, Iter lines)
  rnn-tf1 train --lstm-impl block                the same numbers on fused LSTM ops, faster
  rnn-tf1 train --num-hidden 64 --forget-bias 0  a study: every model setting is an option
  rnn-tf1 train --resume runs/RUN                continue a stopped run with its saved configuration
"""

log = logging.getLogger("rnn_tf1")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def cmd_train(args: argparse.Namespace) -> int:
    from rnn_tf1 import checkpoints
    first_step = 1
    claimed: list[str] = []
    if args.resume:
        ignored = [flag(name) for name in given_fields(args)] + \
            [opt for opt, value in (("--run-dir", args.run_dir), ("--runs-root", args.runs_root)) if value]
        progress, config = checkpoints.resumable(args.resume)  # refusals come before TensorFlow loads
        workdir, first_step = args.resume, progress.step + 1
        log.info("resuming %s with its saved configuration", workdir)
        if ignored:
            log.info("--resume continues with the run's saved configuration: ignoring %s", ", ".join(ignored))
    else:
        config = from_args(args)
        workdir = args.run_dir or run_files.default_run_dir(args.runs_root or run_files.RUNS_ROOT, config.optimizer,
                                                            config.seed)
        run_files.check_creatable(workdir)  # one-line errors before TensorFlow loads
        claimed = run_files.claim(workdir)  # a second run racing for this folder is refused now, not later
    started = time.perf_counter()
    try:
        data = _data_for(config)  # data and size errors are reported before TensorFlow loads
        from rnn_tf1 import trainer
        stop = trainer.StopFlag().install()
        if args.resume:
            trainer.resume(workdir, data=data, should_stop=stop)
        else:
            trainer.train_and_evaluate(config, workdir, data=data, should_stop=stop, workdir_claimed=True)
    except BaseException:
        run_files.release(claimed)  # only folders this call made and nothing has been written into
        raise
    wall = time.perf_counter() - started
    log.info("run directory: %s", os.path.abspath(workdir))
    log.info("wall time: %.1f s (%.1f ms per training step, imports and data included)",
             wall, 1000 * wall / max(1, config.steps - first_step + 1))
    from rnn_tf1.studies import compare
    summary, overlay = compare.after_training(workdir, config)  # on stderr: stdout stays the tutorial's
    for line in summary.splitlines():
        log.info("%s", line)
    log.info("chart: %s", os.path.abspath(os.path.join(workdir, run_files.CHART_FILE)))
    if overlay:
        log.info("overlay: %s", overlay)
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from rnn_tf1.log_format import read_log
    from rnn_tf1.plotting import save_png, show_figure, tutorial_chart
    from rnn_tf1.studies.compare import target
    run = target(args.target, args.batch_size)
    parsed = read_log(run.log_path, run.batch_size)
    fig = tutorial_chart([p.step for p in parsed.points], [p.accuracy for p in parsed.points])
    out = run_files.chart_path(args.out, args.target, run.run, run_files.CHART_FILE, "-chart.png")
    log.info("chart: %s", save_png(fig, out))
    if args.show:
        show_figure(fig)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from rnn_tf1.plotting import save_png
    from rnn_tf1.studies import compare
    run = compare.target(args.run_log, args.batch_size)
    result = compare.compare_run(run, args.reference, args.band, args.no_band)
    print(compare.table(result))
    print(compare.summary(result))
    out = run_files.chart_path(args.out, args.run_log, run.run, run_files.COMPARE_FILE, "-compare.png")
    log.info("overlay: %s", save_png(compare.overlay(result, args.run_log), out))
    if args.check and result.consistent() is not True:
        # --check gates on the verdict: OUTSIDE, or no verdict at all, is a failure.
        log.info("--check: %s", "no verdict" if result.band is None else "OUTSIDE the spread of faithful runs")
        return 1
    return 0


def cmd_fidelity(args: argparse.Namespace) -> int:
    from rnn_tf1.studies import fidelity
    command = "rnn-tf1 " + shlex.join(args.argv)
    if args.inputs:  # rnn-tf1 fidelity merge INPUT... --out BAND.json
        if args.inputs[0] != "merge" or len(args.inputs) < 2:
            raise UsageError("use `rnn-tf1 fidelity [options]` to run seeds, or "
                             "`rnn-tf1 fidelity merge BAND.json|RUN_DIR ... --out BAND.json` to merge")
        if not args.out:
            raise UsageError("fidelity merge needs --out BAND.json")
        out = run_files.new_output_file(args.out, "seed_band.json")
        chart = run_files.new_output_file(os.path.splitext(out)[0] + ".png", "seed_band.png")  # never replaced
        band = fidelity.merge_bands(fidelity.load_inputs(args.inputs[1:]), command)
        print(fidelity.save_band(band, run_files.make_parent(out), chart))
        log.info("band: %s", out)
        log.info("chart: %s", chart)
        return 0
    config = from_args(args)
    seeds = fidelity.parse_seed_list(args.seed_list) if args.seed_list else \
        list(range(args.first_seed, args.first_seed + args.seeds))
    out = run_files.new_output_dir(args.out, "fidelity", args.runs_root)  # one-line errors before any seed runs
    if args.jobs > 1 and not (config.intra_op_threads or config.inter_op_threads):
        # Runs side by side share the cores: one thread each keeps them from fighting.
        config = config.override(intra_op_threads=1, inter_op_threads=1)
    band = fidelity.run_seeds(config, seeds, out, jobs=args.jobs, command=command)
    print(fidelity.save_band(band, os.path.join(out, "seed_band.json"), os.path.join(out, "seed_band.png")))
    log.info("band: %s", os.path.join(out, "seed_band.json"))
    log.info("chart: %s", os.path.join(out, "seed_band.png"))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from rnn_tf1.launch.notebook import is_notebook, run_notebook
    from rnn_tf1.launch.script import run_script
    if (args.script is None) == (args.module is None):
        raise UsageError("give a SCRIPT.py, a NOTEBOOK.ipynb or -m MODULE" if args.script is None else
                         f"give either {args.script} or -m {args.module}, not both")
    if args.report is None and (args.report_format or args.force):
        raise UsageError(f"{'--report-format' if args.report_format else '--force'} needs --report PATH")
    notebook = args.script is not None and is_notebook(args.script)
    if args.show_translation:  # what would run, printed instead of running it
        if args.module is not None:
            raise UsageError("--show-translation is for a SCRIPT.py or NOTEBOOK.ipynb, not -m MODULE")
        from rnn_tf1.py2.show import show_translation
        return show_translation(args.script, python2=args.python2)
    from rnn_tf1.tf1.seeding import hash_seed_environment
    restart = hash_seed_environment(args.seed)
    if restart and not notebook:  # string hashes are salted at start-up: start again seeded
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, [sys.executable, "-m", "rnn_tf1", *args.argv], {**os.environ, **restart})
    if args.seed is not None:  # in the process that runs the script (after any restart): notes once
        tf_env.one_arithmetic()  # unseeded, TensorFlow's own kernel choice, as TF 1.x ran
    if notebook:
        for given, option, why in ((args.figures, "--figures", "its figures are inline in the executed copy (--out)"),
                                   (args.script_args, "-- ARGS", "a notebook has no command-line arguments"),
                                   (args.report, "--report", "it records the names a script's own code reaches"),
                                   (args.python2, "--python2", "a notebook says Python 2 in its kernelspec")):
            if given:
                raise UsageError(f"{option} is for scripts, not notebooks: {why}")
        return run_notebook(args.script, seed=args.seed, data_dir=args.data_dir, out=args.out)
    if args.out:
        raise UsageError("--out is for notebooks (the executed copy); a script's output is its stdout")
    from rnn_tf1.launch.common import Settings
    settings = Settings(seed=args.seed, data_dir=args.data_dir, figures_dir=args.figures, report=args.report,
                        report_format=args.report_format or "markdown", force=args.force)
    if args.module is not None:
        from rnn_tf1.launch.module import run_module
        return run_module(args.module, args.script_args, settings, ["rnn-tf1", *args.argv], python2=args.python2)
    return run_script(args.script, args.script_args, settings, python2=args.python2)


def cmd_exec(args: argparse.Namespace) -> int:
    from rnn_tf1.launch.command import run_command
    from rnn_tf1.launch.common import Settings
    if args.report is None and args.report_format:
        raise UsageError("--report-format needs --report PATH")
    if args.seed is not None:  # every process of a seeded command computes with the one arithmetic
        tf_env.one_arithmetic()  # set in this environment, which the command inherits
    return run_command(args.command_args, Settings(seed=args.seed, data_dir=args.data_dir, report=args.report,
                                                   report_format=args.report_format or "markdown"))


def cmd_kernel(args: argparse.Namespace) -> int:
    from rnn_tf1.launch import kernel as tf1_kernel
    if args.action == "install":
        path = tf1_kernel.install_kernel(args.name, args.user, args.sys_prefix, args.prefix)
        log.info("kernel %s (%s) installed in %s", args.name, tf1_kernel.DISPLAY_NAME, path)
    else:
        log.info("kernel %s removed from %s", args.name,
                 tf1_kernel.remove_kernel(args.name, args.user, args.sys_prefix, args.prefix))
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from rnn_tf1.config import default_data_dir
    from rnn_tf1.mnist_data import read_data_sets
    data_dir = args.data_dir or default_data_dir()
    data = read_data_sets(data_dir)  # fetches what is missing, then parses and verifies all four
    log.info("MNIST verified in %s: %d train, %d validation, %d test images", os.path.abspath(data_dir),
             data.train.num_examples, data.validation.num_examples, data.test.num_examples)
    return 0


def _data_for(config: Config):
    """MNIST as `config` splits it, its sizes checked: data errors are one line before TensorFlow loads."""
    from rnn_tf1.mnist_data import read_data_sets_for
    data = read_data_sets_for(config)
    check_sizes(config, data)
    return data


def _run_data(workdir: str, with_data: bool = True):
    """The run's config and (if `with_data`) its MNIST, loaded before TensorFlow so that a
    missing checkpoint or bad data is reported first."""
    from rnn_tf1 import checkpoints
    _, config = checkpoints.load_run(workdir)  # a missing, damaged or inconsistent run is a one-line error
    return config, _data_for(config) if with_data else None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from rnn_tf1.plotting import save_png
    config, data = _run_data(args.run_dir)
    from rnn_tf1.evaluate import confusion_chart, evaluate_run, report
    result = evaluate_run(args.run_dir, data)
    print(report(result, config.test_size))
    run_files.write_json(os.path.join(args.run_dir, "evaluation.json"), result.to_dict())
    log.info("confusion matrix: %s", save_png(confusion_chart(result.confusion),
                                               os.path.join(args.run_dir, "confusion.png")))
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    import numpy as np
    from rnn_tf1.plotting import save_png
    if not args.images and not args.test_index:
        raise UsageError("give at least one IMAGE or --test-index N")
    if args.grid:
        run_files.replaceable_file(args.grid)
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
    from rnn_tf1.config import default_data_dir
    from rnn_tf1.mnist_data import load_mnist_arrays
    from rnn_tf1.studies import bench
    load_mnist_arrays(default_data_dir())  # fetch/verify once, before the workers start
    if args.report_overhead:  # what `rnn-tf1 run --report` costs, instead of the training-step bench
        out = run_files.new_output_file(args.out, "bench-report.json")
        result = bench.report_overhead(args.report_overhead, args.repeats)
        print(bench.report_overhead_table(result))
        run_files.write_json(run_files.make_parent(out), result)
        log.info("bench report: %s", out)
        return 0
    out = run_files.new_output_file(args.out, "bench.json")
    report = bench.run_bench(args.warmup, args.windows, args.steps_per_window)
    print(bench.table(report))
    run_files.write_json(run_files.make_parent(out), report)
    log.info("bench report: %s", out)
    return 0


def cmd_gradients(args: argparse.Namespace) -> int:
    from rnn_tf1 import checkpoints
    config = from_args(args)
    # (folder, progress, config) of each trained run: a missing or damaged one is one line, before TensorFlow loads.
    runs = [(run, *checkpoints.load_run(run)) for run in args.runs]
    if not args.runs:
        for spec in args.models:
            model_config(config, spec)  # bad model names are reported before anything runs
    out = run_files.new_output_file(args.out, "gradients.png")  # checked after the arguments, made only to write
    data = _data_for(runs[0][2] if runs else config)
    from rnn_tf1.studies import gradients
    print(gradients.measure(config, runs, args.models, out, data))
    log.info("chart: %s", out)
    return 0


def cmd_cells(args: argparse.Namespace) -> int:
    config = from_args(args, Config(steps=CELLS_STEPS))
    for spec in args.models:
        model_config(config, spec)  # bad model names are reported before anything runs
    out = run_files.new_output_dir(args.out, "cells", args.runs_root)
    data = _data_for(config)
    from rnn_tf1.studies import gradients
    print(gradients.cells(config, args.models, out, data, "rnn-tf1 " + shlex.join(args.argv)))
    log.info("chart: %s", os.path.join(out, "gradients.png"))
    return 0


def version() -> str:
    try:
        tf = metadata.version("tensorflow")
    except metadata.PackageNotFoundError:
        tf = "not installed"
    return f"rnn-tf1 {__version__} (TensorFlow {tf}, Python {sys.version.split()[0]})"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="rnn-tf1", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=version())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    fetch = sub.add_parser("fetch", help="fetch MNIST if missing and verify its checksums")
    fetch.add_argument("--data-dir", default=None, help="default $RNN_TF1_DATA_DIR or ~/.cache/rnn_tf1/mnist")
    fetch.set_defaults(func=cmd_fetch)

    train = sub.add_parser("train", help="train the tutorial's LSTM and print its log",
                           description=TRAIN_DESCRIPTION, epilog=TRAIN_EXAMPLES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(train)
    runs = train.add_argument_group("the run folder")
    runs.add_argument("--run-dir", default=None,
                      help="new folder for this run's log, history, config and checkpoints "
                           "(must not exist; default RUNS_ROOT/DATE-TIME-OPTIMIZER-seedN)")
    runs.add_argument("--runs-root", default=None,
                      help=f"parent of default run folders (default: {run_files.RUNS_ROOT})")
    runs.add_argument("--resume", metavar="RUN_DIR", default=None,
                      help="continue a stopped run from its last checkpoint, with its saved configuration "
                           "(other options are ignored, and named on stderr)")
    train.set_defaults(func=cmd_train)

    run = sub.add_parser(
        "run", help="run a TF1-era script or notebook unchanged (import tensorflow as tf gives TF 1.x's API)",
        description=textwrap.fill("Run SCRIPT as `python SCRIPT` would, with `import tensorflow as tf` giving TF 1.x's "
                    "API in graph mode: tf.compat.v1 at the top level, tf.contrib.rnn, .layers, .slim, "
                    ".seq2seq, .legacy_seq2seq, .data, .eager (a script starting with "
                    "tf.enable_eager_execution() runs eagerly), .training (HParams), .framework, .learn, "
                    ".crf, .tpu (TPUEstimator with use_tpu=False), .summary, .metrics, .signal, "
                    "tf.estimator (model_fn style), tf.test and "
                    "tensorflow.examples.tutorials.mnist.input_data "
                    "(docs/tf1-scripts.md). The script's own arguments go after --. "
                    "`run -m MODULE ARGS` runs a module as `python -m MODULE ARGS` does (a package's __main__, "
                    "relative imports, a project's test suite: -m pytest, -m unittest); every Python process "
                    "the program starts gets the same environment (docs/running-tf1-code.md).", 88),
        epilog="examples:\n"
               "  rnn-tf1 run tutorial.py --seed 0 > run.log; rnn-tf1 compare run.log\n"
               "  rnn-tf1 run -m nmt.nmt --src=vi --tgt=en ...   (python -m nmt.nmt ...)\n"
               "  rnn-tf1 run -m pytest tests/                    (a TF1 project's own tests)\n"
               "A NOTEBOOK.ipynb runs every code cell on the TF1 kernel (see rnn-tf1 kernel): stdout is what "
               "its cells print; the executed copy goes to --out.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("script", nargs="?", help="the TF1 script (a .py file) or notebook (a .ipynb file)")
    run.add_argument("-m", dest="module", default=None, metavar="MODULE",
                     help="run MODULE as `python -m MODULE` does (the current folder first on sys.path, a "
                          "package's __main__, relative imports); what follows MODULE is its arguments, "
                          "or, with --, rnn-tf1's options up to -- and the module's after it")
    run.add_argument("script_args", nargs="*", metavar="-- SCRIPT_ARGS", help="arguments for the script")
    run.add_argument("--seed", type=option_type("seed"), default=None,
                     help="seed the script's run so that it repeats: its graphs (the default one and "
                          "any tf.Graph() it makes), read_data_sets' shuffler, numpy's global generator and "
                          "Python's random with N, its string hashes with PYTHONHASHSEED=N (run restarts "
                          "itself once); random ops in while loops draw in iteration order; its "
                          "Sessions get the port's threads (1 per op, 2 ops side by side) and TensorFlow and numpy "
                          "the one arithmetic (ONEDNN_MAX_CPU_ISA=AVX2, TF_ENABLE_ONEDNN_OPTS=0, "
                          "OPENBLAS_CORETYPE=Haswell, NPY_DISABLE_CPU_FEATURES=AVX-512: the same digits on every "
                          "x86-64 CPU with AVX2), so it prints what `rnn-tf1 train --seed N` prints (default: "
                          "unseeded, as the tutorial ran, on TensorFlow's own kernel choice)")
    run.add_argument("--data-dir", default=None,
                     help="MNIST folder to use instead of the one the script names")
    run.add_argument("--figures", default=None, metavar="DIR",
                     help="where plt.show() saves the figures as PNGs (default the current folder)")
    run.add_argument("--out", default=None, metavar="EXECUTED.ipynb",
                     help="a notebook's executed copy, outputs and figures included (a new file; "
                          "default NOTEBOOK.executed.ipynb beside it)")
    run.add_argument("--report", default=None, metavar="PATH",
                     help="after the run (whatever its exit status) write the TF1 names the script used, where "
                          "each comes from today and its TensorFlow 2 replacement: Markdown at PATH and JSON "
                          "beside it (migrate.md: migrate.json); never over an existing file without --force")
    run.add_argument("--report-format", choices=("markdown", "json"), default=None,
                     help="json: write only the JSON report, at PATH (default markdown, with the JSON beside it)")
    run.add_argument("--force", action="store_true", help="with --report: replace existing report files")
    run.add_argument("--show-translation", action="store_true",
                     help="print the Python-3 source that runs for Python-2 code (a script, or a notebook's cells) "
                          "instead of running it; > FILE.py keeps it (docs/python2.md)")
    run.add_argument("--python2", action="store_true",
                     help="the script and its own modules are Python 2 code even where they compile as Python 3: "
                          "run them with Python 2's meaning (docs/python2.md)")
    run.set_defaults(func=cmd_run)

    ex_ = sub.add_parser(
        "exec", help="run any command (bash run.sh, make, a launcher) so that every Python process it starts "
                     "gets TF 1.x's API",
        usage="rnn-tf1 exec [-h] [--seed N] [--data-dir DIR] [--report PATH] [--report-format {markdown,json}] "
              "-- COMMAND [ARGS ...]",
        description=textwrap.fill("Run COMMAND (in the style of `conda run`) so that every Python process it starts with "
                    "this environment's Python gets TF 1.x's API on its first `import tensorflow`, with the "
                    "same --seed, --data-dir and --report: a project's run.sh calling python several times, "
                    "make, a launcher starting a parameter server and workers, multiprocessing's children. "
                    "Processes that never import TensorFlow are untouched. The command's output, exit "
                    "status and signals are its own (docs/running-tf1-code.md).", 88),
        epilog="examples: rnn-tf1 exec -- bash run.sh\n"
               "          rnn-tf1 exec --seed 0 -- python -m pkg.train --steps 100\n"
               "A command that does not exist: one line, exit status 127.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ex_.add_argument("--seed", type=option_type("seed"), default=None,
                     help="seed every Python process as `run --seed N` seeds a script (PYTHONHASHSEED=N too)")
    ex_.add_argument("--data-dir", default=None, help="MNIST folder to use instead of the one the scripts name")
    ex_.add_argument("--report", default=None, metavar="PATH",
                     help="each Python process that imports TensorFlow writes its own report of the TF1 names "
                          "it used: PATH's name + .PID (migrate.md -> migrate.4242.md and migrate.4242.json)")
    ex_.add_argument("--report-format", choices=("markdown", "json"), default=None,
                     help="json: only the JSON report of each process")
    ex_.set_defaults(func=cmd_exec)

    kernel = sub.add_parser("kernel", help="install or remove the Jupyter kernel with TF 1.x's API",
                            description="Register the Jupyter kernel \"Python 3 · TF 1.x API (rnn-tf1)\": "
                                        "IPython with `import tensorflow as tf` giving TF 1.x's API, as under "
                                        "`rnn-tf1 run`, and figures inline.")
    kernel.add_argument("action", choices=("install", "remove"))
    where = kernel.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="the user's Jupyter folder (install's default)")
    where.add_argument("--sys-prefix", action="store_true",
                       help="this Python environment's share/jupyter (what `make kernel` uses)")
    where.add_argument("--prefix", default=None, metavar="DIR", help="DIR/share/jupyter/kernels")
    kernel.add_argument("--name", default="rnn-tf1", help="the kernelspec's name (default rnn-tf1)")
    kernel.set_defaults(func=cmd_kernel)

    plot = sub.add_parser("plot", help="draw the tutorial's chart from a run directory or a log")
    plot.add_argument("target", help="run directory or log file in the tutorial's format")
    plot.add_argument("--out", default=None, help="PNG path (default RUN_DIR/chart.png or LOG-chart.png)")
    plot.add_argument("--batch-size", type=option_type("positive"), default=None,
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
    comp.add_argument("--batch-size", type=option_type("positive"), default=None,
                      help="to read Iter lines (default the run's, or 128)")
    comp.set_defaults(func=cmd_compare)

    ev = sub.add_parser("evaluate", help="accuracy of a trained run on the test set, confusion matrix")
    ev.add_argument("run_dir", help="a run directory with a checkpoint")
    ev.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("predict", help="classify PNG/JPEG digit images (or MNIST test images)")
    pr.add_argument("run_dir", help="a run directory with a checkpoint")
    pr.add_argument("images", nargs="*", help="PNG or JPEG files, any size >= 8x8, either polarity")
    pr.add_argument("--test-index", type=option_type("count"), nargs="+", default=[],
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
    be.add_argument("--warmup", type=option_type("count"), default=10, help="untimed steps first (default 10)")
    be.add_argument("--windows", type=option_type("positive"), default=5, help="timed windows; the median counts (default 5)")
    be.add_argument("--steps-per-window", type=option_type("positive"), default=20, help="steps per window (default 20)")
    be.add_argument("--out", default=None, help="JSON report path (default runs/DATE-TIME-bench.json)")
    be.add_argument("--report-overhead", type=option_type("positive"), default=None, metavar="STEPS",
                    help="instead: time tests/tf1_scripts/tutorial_gd.py for STEPS steps under `rnn-tf1 run`, "
                         "without and with --report, and print the ratio (the tutorial: 10000)")
    be.add_argument("--repeats", type=option_type("positive"), default=3,
                    help="with --report-overhead: runs of each kind, alternating (default 3)")
    be.set_defaults(func=cmd_bench)

    gr = sub.add_parser("gradients", help="||dL/dh_t|| for each time step t, one line per cell (log scale)")
    add_options(gr)
    gr.add_argument("runs", nargs="*", metavar="RUN_DIR",
                    help="trained runs to measure (default: fresh models, one per --models)")
    gr.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), metavar="CELL[/ACTIVATION]",
                    help=f"fresh models to measure (default {' '.join(DEFAULT_MODELS)})")
    gr.add_argument("--out", default=None, help="chart PNG (default runs/DATE-TIME-gradients.png; "
                                                 "the numbers go to the same name .json)")
    gr.set_defaults(func=cmd_gradients)

    ce = sub.add_parser("cells", help="train each cell for the same budget: accuracy and vanishing gradients",
                        description="Train each model with the same options and minibatches "
                                    f"(--steps defaults to {CELLS_STEPS} here), then tabulate test accuracy and "
                                    "||dL/dh_T|| / ||dL/dh_1|| before and after training.")
    add_options(ce, Config(steps=CELLS_STEPS))
    ce.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), metavar="CELL[/ACTIVATION]",
                    help=f"default {' '.join(DEFAULT_MODELS)}")
    ce.add_argument("--out", default=None, help="new folder for the runs, cells.json and gradients.png")
    ce.add_argument("--runs-root", default=run_files.RUNS_ROOT,
                    help=f"parent of the default folder (default {run_files.RUNS_ROOT})")
    ce.set_defaults(func=cmd_cells)

    fid = sub.add_parser("fidelity", help="train with several seeds and measure their spread")
    add_options(fid)
    fid.add_argument("inputs", nargs="*", metavar="merge BAND.json|RUN_DIR",
                     help="`fidelity merge A.json B.json RUN_DIR ... --out BAND.json`: one band of the seeds "
                          "of band files and finished run directories (same configuration and TensorFlow)")
    fid.add_argument("--seeds", type=option_type("positive"), default=5, help="how many seeds (default 5)")
    fid.add_argument("--first-seed", type=option_type("seed"), default=0, help="seeds are FIRST..FIRST+N-1 (default 0)")
    fid.add_argument("--seed-list", default=None, metavar="LIST",
                     help="exactly these seeds, e.g. 100-109 or 0,3,7-9 (instead of --seeds/--first-seed)")
    fid.add_argument("--jobs", type=option_type("positive"), default=1, help="runs at a time (default 1)")
    fid.add_argument("--out", default=None, help="new folder for the runs and seed_band.json "
                                                  "(merge: the new band file)")
    fid.add_argument("--runs-root", default=run_files.RUNS_ROOT,
                     help=f"parent of the default folder (default {run_files.RUNS_ROOT})")
    fid.set_defaults(func=cmd_fidelity)
    return parser


def _split_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """(rnn-tf1's arguments, the program's): `run SCRIPT [options] -- ARGS`, `run [options] -m MODULE
    ARGS` (as python -m: all after MODULE is the module's) or `run -m MODULE [options] -- ARGS`,
    `exec [options] -- COMMAND ARGS` (or `exec [options] COMMAND ARGS`)."""
    cut = argv.index("--") if "--" in argv else len(argv)
    if argv[:1] == ["run"] and "-m" in argv[:cut]:
        at = argv.index("-m")
        if at + 1 >= len(argv) or argv[at + 1] == "--":
            raise UsageError("argument -m: expected a MODULE (see rnn-tf1 run --help)")
        rest = argv[at + 2:]
        if "--" in rest:
            return argv[:at + 2] + rest[:rest.index("--")], rest[rest.index("--") + 1:]
        return argv[:at + 2], rest
    if argv[:1] == ["exec"] and cut == len(argv):  # no --: the command starts at the first non-option
        at, takes_value = 1, {"--seed", "--data-dir", "--report", "--report-format"}
        while at < len(argv) and argv[at].startswith("-"):
            at += 1 if "=" in argv[at] or argv[at] not in takes_value else 2
        return argv[:at], argv[at:]
    if argv[:1] in (["run"], ["exec"]) and cut < len(argv):
        return argv[:cut], argv[cut + 1:]
    return argv, []


def main(argv: list[str] | None = None) -> int:
    if any(type(f).__name__ == "_RnnTf1StartupFinder" for f in sys.meta_path):
        from rnn_tf1.launch import hook
        hook.disable()  # rnn-tf1's own commands set up TensorFlow themselves, also under `rnn-tf1 exec`
    logging.basicConfig(level=logging.INFO, format="rnn-tf1: %(message)s", stream=sys.stderr)
    try:
        argv = sys.argv[1:] if argv is None else argv
        # What follows -- (or -m MODULE) is the program's, untouched.
        ours, program_args = _split_argv(argv)
        args = build_parser().parse_args(ours)
        if args.command == "run":
            args.script_args += program_args
        elif args.command == "exec":
            args.command_args = program_args
        args.argv = argv
        if args.command in ONE_ARITHMETIC_COMMANDS:
            tf_env.one_arithmetic()  # before TensorFlow and numpy load (`run --seed N`: cmd_run)
        return args.func(args)
    except UserError as exc:
        sys.stderr.write(f"rnn-tf1: {exc.label}{exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("rnn-tf1: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
