"""Gradients through time: how much of the loss's gradient reaches each time step.

`time_step_norms` measures ||dL/dh_t|| for t = 1..T over a batch, where h_t is
static_rnn's output (the hidden state) at image row t and L the tutorial's loss
(mean cross-entropy over the batch).  How fast it falls from t = T back to
t = 1 is the vanishing gradient; docs/gradients.md gives what it measures on this model
(on 28 rows it falls least for the plain tanh RNN).

`run_cells` is the experiment: train each cell for the same budget, then
tabulate test accuracy and the last/first ratio ||dL/dh_T|| / ||dL/dh_1||
(1 = no vanishing, >> 1 vanishing, << 1 exploding), at initialisation and
after training.  `measure` and `cells` are `rnn-tf1 gradients` and `rnn-tf1 cells`:
they write their chart and numbers and return the table they print.
"""
from __future__ import annotations

import logging
import os
from typing import NamedTuple

import numpy as np

from rnn_tf1 import checkpoints, run_files
from rnn_tf1.config import Config, model_config
from rnn_tf1.evaluate import evaluate_run
from rnn_tf1.graph import as_sequences, build_model, new_session, tf
from rnn_tf1.mnist_data import Datasets
from rnn_tf1.plotting import describe_model, gradient_through_time_chart, save_png
from rnn_tf1.trainer import train_and_evaluate

log = logging.getLogger(__name__)


def time_step_norms(config: Config, x: np.ndarray, y: np.ndarray,
                    checkpoint_prefix: str | None = None) -> np.ndarray:
    """||dL/dh_t||, t = 1..T, of the model in `config` on the batch (x (B, T, I), y (B, C)).

    The weights are `config.seed`'s initial ones, or the checkpoint's.  The block LSTM
    path has no per-step tensors, so the faithful graph (same variables) is measured.  A time
    step the gradient does not reach (truncated BPTT) measures 0.
    """
    config = config.override(lstm_impl="faithful", batch_shards=Config.batch_shards)  # shards are block's own
    model = build_model(config, training=False)  # tf.gradients below; the optimizer is not needed
    if checkpoint_prefix:  # the file checks of checkpoints.verify_against_graph, for a bare prefix
        checkpoints.verify_against_graph(checkpoints.Progress(0, checkpoint_prefix, {}, [], 0), model.graph)
    with model.graph.as_default():
        grads = tf.gradients(model.loss, model.outputs)
        norms = [tf.norm(g) if g is not None else tf.constant(0.0) for g in grads]
    with new_session(model, config) as session:
        if checkpoint_prefix:
            model.saver.restore(session, checkpoint_prefix)
        else:
            session.run(model.init)
        return np.array(session.run(norms, {model.X: x, model.Y: y}), dtype=np.float64)


def last_first_ratio(norms: np.ndarray) -> float:
    """||dL/dh_T|| / ||dL/dh_1||: how many times the gradient shrank on its way back."""
    return float(norms[-1] / norms[0]) if norms[0] > 0 else float("inf")


def probe_batch(data: Datasets, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """The batch the norms are measured on: the first batch_size test images (never trained on)."""
    n = min(config.batch_size, data.test.num_examples)
    return as_sequences(data.test.images[:n], config), data.test.labels[:n]


class CellResult(NamedTuple):
    model: str                # "lstm", "rnn/relu", ...
    label: str                # describe_model(config)
    run_dir: str
    test_accuracy: float      # on the first test_size test images (the tutorial's measure)
    full_test_accuracy: float  # on all test images
    norms_init: list[float]   # ||dL/dh_t|| at initialisation, t = 1..T
    norms_trained: list[float]  # the same after training
    grad_norm_first: float    # global gradient norm at the first displayed step
    grad_norm_last: float     # ... and at the last
    seconds: float

    @property
    def ratio_init(self) -> float:
        return last_first_ratio(np.array(self.norms_init))

    @property
    def ratio_trained(self) -> float:
        return last_first_ratio(np.array(self.norms_trained))


def run_cells(config: Config, models: list[str], out: str, data: Datasets) -> list[CellResult]:
    """Train each model for config.steps in OUT/<model>, measuring gradients before and after."""
    run_files.create(out)
    x, y = probe_batch(data, config)
    start = data.train.get_state()
    results = []
    for spec in models:
        cfg = model_config(config, spec)
        workdir = os.path.join(out, spec.replace("/", "-"))
        log.info("training %s for %d steps in %s", describe_model(cfg), cfg.steps, workdir)
        norms_init = time_step_norms(cfg, x, y)
        data.train.set_state(start)  # every model sees the same minibatches
        result = train_and_evaluate(cfg, workdir, emit=lambda line: None, data=data)
        norms_trained = time_step_norms(cfg, x, y, checkpoints.load(workdir).model_prefix)
        full = evaluate_run(workdir, data).full_accuracy
        results.append(CellResult(spec, describe_model(cfg), workdir, result.test_accuracy, full,
                                  norms_init.tolist(), norms_trained.tolist(),
                                  result.history[0].grad_norm, result.history[-1].grad_norm,
                                  round(result.seconds, 1)))
    return results


def cells_table(results: list[CellResult], config: Config) -> str:
    """Markdown: one row per model."""
    T = config.timesteps
    lines = [f"| model | Testing Accuracy ({config.test_size}) | all test images | "
             f"‖∂L/∂h_{T}‖ / ‖∂L/∂h_1‖ at init | after {config.steps} steps | "
             "gradient norm, first → last displayed step | seconds |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r.label} | {r.test_accuracy:.4f} | {r.full_test_accuracy:.4f} | "
                     f"{r.ratio_init:.3g} | {r.ratio_trained:.3g} | "
                     f"{r.grad_norm_first:.3g} → {r.grad_norm_last:.3g} | {r.seconds:.0f} |")
    return "\n".join(lines)


def norms_table(curves: list[tuple[str, np.ndarray]]) -> str:
    """Plain text: t and one column of ||dL/dh_t|| per curve, then the last/first ratio."""
    width = max(12, *(len(label) for label, _ in curves))
    lines = ["         t" + "".join(f"  {label:>{width}}" for label, _ in curves)]
    for t in range(len(curves[0][1])):
        lines.append(f"{t + 1:10d}" + "".join(f"  {norms[t]:>{width}.4e}" for _, norms in curves))
    lines.append("last/first" + "".join(f"  {last_first_ratio(norms):>{width}.4g}" for _, norms in curves))
    return "\n".join(lines)



def measure(config: Config, runs: list[tuple[str, checkpoints.Progress, Config]], models: list[str], out: str,
            data: Datasets) -> str:
    """||dL/dh_t|| of trained runs (folder, progress and config, as checkpoints.load_run gives them:
    each run's own config and last checkpoint) or, without runs, of fresh models (one per CELL[/ACTIVATION] in `models`) at config.seed's initial
    weights, on the first test images of `data`; the chart goes to `out`, the numbers beside it (.json)."""
    if runs:
        targets = [(run_config, progress.model_prefix, os.path.basename(os.path.normpath(folder)))
                   for folder, progress, run_config in runs]
    else:
        targets = [(model_config(config, spec), None, None) for spec in models]
    x, y = probe_batch(data, targets[0][0])
    curves = []
    for cfg, prefix, name in targets:
        label = describe_model(cfg) + (f" ({name})" if name else "")
        curves.append((label, time_step_norms(cfg, x, y, prefix)))
    title = ("trained runs" if runs else f"at initialisation (seed {config.seed})") + f", {len(x)} test images"
    save_png(gradient_through_time_chart([(title, curves)]), run_files.make_parent(out))
    run_files.write_json(os.path.splitext(out)[0] + ".json", {
        "batch": len(x), "curves": {label: norms.tolist() for label, norms in curves}})
    return norms_table(curves)


def cells(config: Config, models: list[str], out: str, data: Datasets, command: str) -> str:
    """Train each model with `config` in OUT/<model>; write OUT/cells.json and OUT/gradients.png."""
    results = run_cells(config, models, out, data)
    run_files.write_json(os.path.join(out, "cells.json"), {
        "config": config.to_dict(), "command": command,
        "results": [dict(r._asdict(), ratio_init=r.ratio_init, ratio_trained=r.ratio_trained) for r in results]})
    chart = gradient_through_time_chart([
        ("at initialisation", [(r.label, r.norms_init) for r in results]),
        (f"after {config.steps} steps", [(r.label, r.norms_trained) for r in results])])
    save_png(chart, os.path.join(out, "gradients.png"))
    return cells_table(results, config)
