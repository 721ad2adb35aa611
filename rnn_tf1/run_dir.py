"""A run's directory: its stdout log, history, config, result and checkpoint.

A run directory is created new; an existing one is never reused or emptied.
Layout::

    RUN_DIR/config.json     the Config used
    RUN_DIR/train.log       exactly what the run printed on stdout
    RUN_DIR/history.csv     step,loss,accuracy,grad_norm at every displayed step
    RUN_DIR/grad_norm.png   the gradient's global norm at every displayed step (log scale)
    RUN_DIR/result.json     test accuracy, steps done, wall time
    RUN_DIR/chart.png       the tutorial's chart
    RUN_DIR/compare.png     loss and accuracy against the tutorial's log (written by the CLI)
    RUN_DIR/checkpoint/     tf.compat.v1.train.Saver files (model.ckpt-STEP.*), data state, progress
    RUN_DIR/tensorboard/    TF1 summaries: the graph, minibatch loss and accuracy per displayed step
"""
from __future__ import annotations

import csv
import math
import io
import json
import os
import time
from typing import Any, Iterable, NamedTuple

from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError

CONFIG_FILE = "config.json"
LOG_FILE = "train.log"
HISTORY_FILE = "history.csv"
RESULT_FILE = "result.json"
CHART_FILE = "chart.png"         # the tutorial's chart: training accuracy against step + 1
GRAD_NORM_FILE = "grad_norm.png"  # gradient global norm against step: exploding gradients show here
COMPARE_FILE = "compare.png"     # this run over the tutorial's log (and the seed band)
CHECKPOINT_DIR = "checkpoint"
TENSORBOARD_DIR = "tensorboard"   # TF1 summaries (graph, minibatch loss and accuracy)
CHECKPOINT_PREFIX = "model.ckpt"


class HistoryRow(NamedTuple):
    step: int        # the training step after whose update the minibatch was measured
    loss: float      # minibatch loss
    accuracy: float  # minibatch training accuracy
    grad_norm: float = math.nan  # global norm of that step's gradient, before clipping (nan: not recorded)


def default_run_dir(root: str, optimizer: str, seed: int) -> str:
    """runs/YYYYmmdd-HHMMSS-OPT-seedN, with -2, -3 ... if that name is taken."""
    base = os.path.join(root, time.strftime("%Y%m%d-%H%M%S") + f"-{optimizer}-seed{seed}")
    path, n = base, 1
    while os.path.exists(path):
        n += 1
        path = f"{base}-{n}"
    return path


def check_creatable(path: str) -> None:
    """Refuse, before any work, a run directory that exists or cannot be made."""
    if os.path.exists(path):
        create(path)  # the "already exists" error
    ancestor = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor) or not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"cannot create run directory {path}: {ancestor} is not a writable folder")


def create(path: str) -> str:
    """Make `path` as a new, empty run directory (its parents as needed)."""
    if os.path.exists(path):
        raise UsageError(f"run directory {path} already exists; choose another --run-dir "
                         "(runs are never overwritten)")
    parent = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(parent, exist_ok=True)
        os.mkdir(path)
    except FileExistsError:
        raise UsageError(f"run directory {path} already exists; choose another --run-dir") from None
    except OSError as exc:
        raise UsageError(f"cannot create run directory {path}: {exc.strerror}") from None
    return path


def write_text_atomically(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write_json(path: str, data: dict[str, Any]) -> None:
    write_text_atomically(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_json(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_config(workdir: str) -> Config:
    """The Config a run was made with (its config.json)."""
    return Config.from_dict(read_json(os.path.join(workdir, CONFIG_FILE)))


def history_csv(rows: Iterable[HistoryRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HistoryRow._fields)
    for row in rows:
        writer.writerow([row.step, repr(float(row.loss)), repr(float(row.accuracy)), repr(float(row.grad_norm))])
    return buf.getvalue()


def read_history(path: str) -> list[HistoryRow]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [HistoryRow(int(r["step"]), float(r["loss"]), float(r["accuracy"]),
                           float(r.get("grad_norm") or math.nan))
                for r in csv.DictReader(fh)]
