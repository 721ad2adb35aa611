"""The tutorial's Session loop, and `train_and_evaluate`, the one entry point.

`train` only `session.run`s the model's handles and returns the history; it
prints through `emit`, which receives exactly the tutorial's stdout lines.
`train_and_evaluate(config, workdir)` is what the CLI, the tests and the
notebook call: data, graph, session, run directory, result.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable, NamedTuple

import numpy as np

from rnn_tf1 import run_dir
from rnn_tf1.config import Config, check_batch_size
from rnn_tf1.graph import Model, build_model, new_session, tf1
from rnn_tf1.log_format import (OPTIMIZATION_FINISHED, is_display_step, progress_line,
                                testing_accuracy_line)
from rnn_tf1.mnist_data import DataSet, Datasets, read_data_sets
from rnn_tf1.plotting import save_png, tutorial_chart
from rnn_tf1.run_dir import HistoryRow

log = logging.getLogger(__name__)
Emit = Callable[[str], None]


def as_sequences(images: np.ndarray, config: Config) -> np.ndarray:
    """(batch, 784) -> (batch, timesteps, num_input): each image row is one time step."""
    return images.reshape((-1, config.timesteps, config.num_input))


def train(session: tf1.Session, model: Model, train_set: DataSet, config: Config,
          emit: Emit) -> list[HistoryRow]:
    """Steps 1..config.steps of the tutorial's loop; returns the displayed (step, loss, accuracy)."""
    history = []
    for step in range(1, config.steps + 1):
        batch_x, batch_y = train_set.next_batch(config.batch_size)
        feed = {model.X: as_sequences(batch_x, config), model.Y: batch_y}
        session.run(model.train_op, feed_dict=feed)
        if is_display_step(config.log_style, step, config.display_step):
            # Measured on the same minibatch, after this step's update (as the tutorial does).
            out = session.run({"loss": model.loss, "accuracy": model.accuracy}, feed_dict=feed)
            emit(progress_line(config.log_style, step, config.batch_size, out["loss"], out["accuracy"]))
            history.append(HistoryRow(step, float(out["loss"]), float(out["accuracy"])))
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
    seconds: float            # wall time from loading data to the Testing Accuracy line


def stdout_emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def train_and_evaluate(config: Config, workdir: str | None = None, emit: Emit = stdout_emit,
                       data: Datasets | None = None) -> Result:
    """Train the tutorial's model as `config` says; write the run to `workdir` if given.

    `workdir` must not exist yet (it is created); `data` may be passed to reuse
    loaded MNIST (its train set's shuffler then continues from where it is).
    """
    started = time.perf_counter()
    if workdir is not None and os.path.exists(workdir):
        run_dir.create(workdir)  # raises the "already exists" error before any work is done
    data = data or read_data_sets(config.data_dir, validation_size=config.validation_size,
                                  seed=config.seed)
    check_batch_size(config, data.train.num_examples)
    model = build_model(config)
    if workdir is not None:
        run_dir.create(workdir)
        run_dir.write_json(os.path.join(workdir, run_dir.CONFIG_FILE), config.to_dict())
    log_file = open(os.path.join(workdir, run_dir.LOG_FILE), "w", encoding="utf-8") if workdir else None

    def emit_and_log(line: str) -> None:
        emit(line)
        if log_file:
            log_file.write(line + "\n")
            log_file.flush()

    try:
        with new_session(model, config) as session:
            session.run(model.init)
            history = train(session, model, data.train, config, emit_and_log)
            test_accuracy = evaluate_accuracy(session, model, data.test, config, limit=config.test_size)
            emit_and_log(testing_accuracy_line(test_accuracy))
            seconds = time.perf_counter() - started
            if workdir:
                ckpt = model.saver.save(session, os.path.join(workdir, run_dir.CHECKPOINT_DIR,
                                                              run_dir.CHECKPOINT_PREFIX),
                                        global_step=config.steps)
                run_dir.write_text_atomically(os.path.join(workdir, run_dir.HISTORY_FILE),
                                              run_dir.history_csv(history))
                save_png(tutorial_chart([h.step for h in history], [h.accuracy for h in history]),
                         os.path.join(workdir, run_dir.CHART_FILE))
                run_dir.write_json(os.path.join(workdir, run_dir.RESULT_FILE), {
                    "test_accuracy": float(test_accuracy), "test_images": config.test_size,
                    "steps": config.steps, "seconds": round(seconds, 3),
                    "checkpoint": os.path.relpath(ckpt, workdir)})
    finally:
        if log_file:
            log_file.close()
    return Result(history, float(test_accuracy), workdir, seconds)
