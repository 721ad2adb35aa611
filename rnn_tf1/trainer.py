"""The tutorial's Session loop, and `train_and_evaluate`, the one entry point.

`train` only `session.run`s the model's handles and returns the history; it
prints through `emit`, which receives exactly the tutorial's stdout lines.
`train_and_evaluate(config, workdir)` is what the CLI, the tests and the
notebook call: data, graph, session, run directory, checkpoints, result.
`resume(workdir)` continues a stopped run from its last checkpoint.
"""
from __future__ import annotations

import logging
import math
import os
import signal
import sys
import time
from typing import Callable, NamedTuple

import numpy as np

from rnn_tf1 import checkpoints, run_files
from rnn_tf1.config import Config, check_sizes
from rnn_tf1.errors import UserError
from rnn_tf1.graph import Model, as_sequences, build_model, new_session, tf1
from rnn_tf1.log_format import (OPTIMIZATION_FINISHED, is_display_step, progress_line,
                                testing_accuracy_line)
from rnn_tf1.mnist_data import DataSet, Datasets, read_data_sets_for
from rnn_tf1.plotting import grad_norm_chart, save_png, tutorial_chart
from rnn_tf1.run_files import HistoryRow

log = logging.getLogger(__name__)
Emit = Callable[[str], None]
AfterStep = Callable[[int, list[HistoryRow], dict], None]


class NonFiniteLoss(UserError):
    """The loss became NaN or infinite, or exploded past DIVERGED_LOSS: training diverged."""


# A minibatch loss above this (finite or not) stops the run as diverged.  Measured (docs/robustness.md):
# at every step of the documented configurations (faithful GD, Adam, RMSProp, GRU, tanh and ReLU RNN,
# --clip-norm, --bptt-truncate, batch 64 and 8, 2x learning rate) the loss never exceeded 5.39 (RMSProp,
# clip 1, tanh RNN, step 6); chance is ln 10 = 2.30.  100 leaves a margin of 18x over that maximum.
DIVERGED_LOSS = 100.0


def diverged(what: str, step: int, config: Config) -> NonFiniteLoss:
    return NonFiniteLoss(f"{what} at step {step}; the learning rate {config.learning_rate} is probably "
                         f"too high for {config.optimizer}; the last good checkpoint is kept")


def check_loss(loss: float, step: int, config: Config) -> None:
    """Stop (NonFiniteLoss) on a NaN or infinite loss, or on a finite one above DIVERGED_LOSS."""
    if not math.isfinite(loss):
        raise diverged(f"the loss became {loss}", step, config)
    if loss > DIVERGED_LOSS:
        raise diverged(f"the loss exploded to {loss:.4g} (above the divergence limit {DIVERGED_LOSS:g})",
                       step, config)


class StopFlag:
    """A `should_stop` for train_and_evaluate: SIGINT/SIGTERM ask the run to stop at the next step
    boundary (after a checkpoint); a second signal stops at once."""

    def __init__(self) -> None:
        self.signal: int | None = None

    def install(self) -> "StopFlag":
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)
        return self

    def _handle(self, signum: int, frame) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum
        log.info("%s received: saving a checkpoint at the end of this step (again to stop at once)",
                 signal.Signals(signum).name)

    def __call__(self) -> bool:
        return self.signal is not None


class StopRequested(UserError):
    """Ctrl-C or SIGTERM: the run stopped at a step boundary after saving a checkpoint."""

    exit_code = 130
    label = ""


def train(session: tf1.Session, model: Model, train_set: DataSet, config: Config, emit: Emit,
          start_step: int = 1, history: list[HistoryRow] | None = None,
          after_step: AfterStep | None = None, summary_writer=None) -> list[HistoryRow]:
    """Steps start_step..config.steps of the tutorial's loop; returns the displayed
    (step, loss, accuracy, grad_norm) rows.

    `after_step(step, history, feed)` runs after every step (checkpoints, stop requests), with
    that step's minibatch;
    `summary_writer` (a tf.compat.v1.summary.FileWriter) gets each displayed point.
    """
    history = list(history or [])
    for step in range(start_step, config.steps + 1):
        batch_x, batch_y = train_set.next_batch(config.batch_size)
        feed = {model.X: as_sequences(batch_x, config), model.Y: batch_y}
        # The loss and gradient norm of this step's forward pass come with the update at no
        # extra cost; the loss is only checked, never printed (the tutorial prints the loss
        # after the update).  The same fetches every step: one compiled graph for all steps.
        _, loss_before, grad_norm = session.run([model.train_op, model.loss, model.grad_norm], feed_dict=feed)
        check_loss(loss_before, step, config)
        if is_display_step(config.log_style, step, config.display_step):
            # Measured on the same minibatch, after this step's update (as the tutorial does).
            fetches = {"loss": model.loss, "accuracy": model.accuracy}
            if summary_writer is not None:
                fetches["summary"] = model.summaries
            out = session.run(fetches, feed_dict=feed)
            emit(progress_line(config.log_style, step, config.batch_size, out["loss"], out["accuracy"]))
            check_loss(out["loss"], step, config)
            history.append(HistoryRow(step, float(out["loss"]), float(out["accuracy"]), float(grad_norm)))
            if summary_writer is not None:
                summary_writer.add_summary(out["summary"], step)
                summary_writer.add_summary(tf1.Summary(value=[tf1.Summary.Value(
                    tag="gradient_global_norm", simple_value=float(grad_norm))]), step)
        if after_step:
            after_step(step, history, feed)
    emit(OPTIMIZATION_FINISHED)
    return history


def evaluate_accuracy(session: tf1.Session, model: Model, data: DataSet, config: Config,
                      limit: int | None = None) -> np.float32:
    """Accuracy on the first `limit` examples of `data` (all if None), in one session.run."""
    n = data.num_examples if limit is None else min(limit, data.num_examples)
    feed = {model.X: as_sequences(data.images[:n], config), model.Y: data.labels[:n]}
    return session.run(model.accuracy, feed_dict=feed)


class Result(NamedTuple):
    history: list[HistoryRow]
    test_accuracy: float      # on the first config.test_size test images
    run_dir: str | None
    seconds: float            # wall time of this call, from loading data to the Testing Accuracy line


def stdout_emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class _RunLog:
    """train.log: every emitted line, flushed at once; `lines` counts them."""

    def __init__(self, workdir: str | None, keep_lines: int | None = None) -> None:
        self.lines = 0
        self.fh = None
        if workdir is None:
            return
        path = os.path.join(workdir, run_files.LOG_FILE)
        if keep_lines is not None:  # resuming: drop lines printed after the checkpoint
            with open(path, encoding="utf-8") as fh:
                kept = fh.read().splitlines()[:keep_lines]
            run_files.write_text_atomically(path, "".join(line + "\n" for line in kept))
            self.lines = len(kept)
        self.fh = open(path, "a", encoding="utf-8")

    def write(self, line: str) -> None:
        self.lines += 1
        if self.fh:
            self.fh.write(line + "\n")
            self.fh.flush()

    def close(self) -> None:
        if self.fh:
            self.fh.close()


def train_and_evaluate(config: Config, workdir: str | None = None, emit: Emit = stdout_emit,
                       data: Datasets | None = None,
                       should_stop: Callable[[], bool] | None = None, workdir_claimed: bool = False) -> Result:
    """Train the tutorial's model as `config` says; write the run to `workdir` if given.

    `workdir` must not exist yet (it is created).  `data` may be passed to reuse
    loaded MNIST (its train set's shuffler continues from where it is).  With a
    `workdir`, a checkpoint is saved every `config.checkpoint_every` steps and at the end;
    `should_stop()` is asked after every step and, when true, the run saves a
    checkpoint and raises StopRequested.  `workdir_claimed`: the caller has already created
    `workdir` (empty), so that a second run racing for the same folder is refused at once.
    """
    if workdir is not None and not workdir_claimed and os.path.exists(workdir):
        run_files.create(workdir)  # raises the "already exists" error before any work is done
    data = data or read_data_sets_for(config)
    check_sizes(config, data)
    model = build_model(config)
    if workdir is not None:
        if not workdir_claimed:
            run_files.create(workdir)
        run_files.write_json(os.path.join(workdir, run_files.CONFIG_FILE), config.to_dict())
    return _run(config, model, data, workdir, emit, None, should_stop)


def resume(workdir: str, emit: Emit = stdout_emit, data: Datasets | None = None,
           should_stop: Callable[[], bool] | None = None) -> Result:
    """Continue the run in `workdir` from its last checkpoint, printing only the remaining lines."""
    progress, config = checkpoints.resumable(workdir)
    data = data or read_data_sets_for(config)
    if len(progress.data_state["order"]) != data.train.num_examples:
        raise run_files.DamagedRun(
            f"{os.path.join(checkpoints.checkpoint_dir(workdir), f'data-state-{progress.step}.npz')}: the saved "
            f"minibatch order has {len(progress.data_state['order'])} entries, the training set "
            f"{data.train.num_examples} images")
    model = build_model(config)
    checkpoints.verify_against_graph(progress, model.graph)  # before anything in the run folder changes
    data.train.set_state(progress.data_state)
    checkpoints.clean_for_resume(workdir, progress, model.saver)
    return _run(config, model, data, workdir, emit, progress, should_stop)


def _run(config: Config, model: Model, data: Datasets, workdir: str | None, emit: Emit,
         progress: checkpoints.Progress | None, should_stop: Callable[[], bool] | None) -> Result:
    started = time.perf_counter()
    run_log = _RunLog(workdir, progress.log_lines if progress else None)
    writer = None
    if workdir is not None:
        with model.graph.as_default():  # a TF1 FileWriter needs graph mode
            writer = tf1.summary.FileWriter(os.path.join(workdir, run_files.TENSORBOARD_DIR),
                                            model.graph if progress is None else None)
        if progress is not None:
            # Tells TensorBoard to drop points logged after the checkpoint by the stopped run.
            writer.add_session_log(tf1.SessionLog(status=tf1.SessionLog.START), progress.step + 1)

    def emit_and_log(line: str) -> None:
        emit(line)
        run_log.write(line)

    with new_session(model, config) as session:
        def after_step(step: int, history: list[HistoryRow], feed: dict) -> None:
            stop = should_stop is not None and should_stop()
            if workdir is not None and (stop or step % config.checkpoint_every == 0
                                     or step == config.steps):
                if not session.run(model.all_finite):  # never let a diverged model replace a good one
                    raise diverged("the variables became NaN or infinite", step, config)
                # The same for a finite explosion: the variables about to be saved, on this step's
                # minibatch (a forward pass only: it changes nothing the run computes).
                check_loss(float(session.run(model.loss, feed_dict=feed)), step, config)
                checkpoints.save(session, model.saver, workdir, step, data.train, history, run_log.lines)
            if stop and step < config.steps:
                where = f"; resume with: rnn-tf1 train --resume {workdir}" if workdir else ""
                raise StopRequested(f"stopped at step {step} of {config.steps}"
                                    + (f", checkpoint saved in {checkpoints.checkpoint_dir(workdir)}"
                                       if workdir else "") + where)

        try:
            if progress is None:
                session.run(model.init)
                history = train(session, model, data.train, config, emit_and_log, after_step=after_step,
                                summary_writer=writer)
            else:
                model.saver.restore(session, progress.model_prefix)
                log.info("resumed from step %d of %d", progress.step, config.steps)
                history = train(session, model, data.train, config, emit_and_log, progress.step + 1,
                                progress.history, after_step, writer)
            test_accuracy = evaluate_accuracy(session, model, data.test, config, limit=config.test_size)
            emit_and_log(testing_accuracy_line(test_accuracy))
        finally:
            run_log.close()
            if writer is not None:
                writer.close()
    seconds = time.perf_counter() - started
    if workdir:
        try:
            run_files.write_text_atomically(os.path.join(workdir, run_files.HISTORY_FILE),
                                          run_files.history_csv(history))
            save_png(tutorial_chart([h.step for h in history], [h.accuracy for h in history]),
                     os.path.join(workdir, run_files.CHART_FILE))
            save_png(grad_norm_chart(history, config), os.path.join(workdir, run_files.GRAD_NORM_FILE))
            run_files.write_json(os.path.join(workdir, run_files.RESULT_FILE), {
                "test_accuracy": float(test_accuracy), "test_images": config.test_size,
                "steps": config.steps, "seconds": round(seconds, 3),
                "checkpoint": os.path.relpath(checkpoints.load(workdir).model_prefix, workdir)})
        except OSError as exc:
            raise UserError(f"cannot write the run's results in {workdir}: {exc.strerror or exc}; "
                            "the final checkpoint was saved") from None
    return Result(history, float(test_accuracy), workdir, seconds)
