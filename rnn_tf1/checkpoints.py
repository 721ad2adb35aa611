"""Checkpoints that let a run stop and resume as if it had never stopped.

A checkpoint at step N is three things in RUN_DIR/checkpoint/:

    model.ckpt-N.*        every graph variable (tf.compat.v1.train.Saver, optimizer slots included)
    data-state-N.npz      the minibatch shuffler: permutation, position, epoch, RNG state
    progress.json         step N, the file names above, the history and the number of log
                          lines so far; written last, by rename, so it only ever names a
                          complete checkpoint

Restoring all three and continuing at step N + 1 gives the same remaining lines and
the same final variables as an uninterrupted run (the graph has no random ops).
"""
from __future__ import annotations

import glob
import os
from typing import NamedTuple

import numpy as np

from rnn_tf1 import run_dir
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError, UserError
from rnn_tf1.mnist_data import DataSet
from rnn_tf1.run_dir import HistoryRow

PROGRESS_FILE = "progress.json"


class Progress(NamedTuple):
    step: int                  # last completed training step
    model_prefix: str          # path prefix of the Saver checkpoint
    data_state: dict           # DataSet.get_state() at that step
    history: list[HistoryRow]  # displayed points up to that step
    log_lines: int             # lines of train.log printed up to that step


def checkpoint_dir(workdir: str) -> str:
    return os.path.join(workdir, run_dir.CHECKPOINT_DIR)


def save(session, saver, workdir: str, step: int, train_set: DataSet,
         history: list[HistoryRow], log_lines: int) -> str:
    """Write the checkpoint for `step`; returns the Saver's path prefix.

    A failure (disk full, folder gone) is a UserError; the previous checkpoint,
    which progress.json still names, is left intact.
    """
    folder = checkpoint_dir(workdir)
    if not os.path.isdir(workdir):  # never re-create a run directory that was removed mid-run
        raise UserError(f"cannot write the checkpoint for step {step}: the run directory {workdir} "
                        "has disappeared")
    try:
        if not os.path.isdir(folder):
            os.mkdir(folder)
        prefix = saver.save(session, os.path.join(folder, run_dir.CHECKPOINT_PREFIX), global_step=step,
                            write_meta_graph=False)
        state_name = f"data-state-{step}.npz"
        tmp = os.path.join(folder, state_name + ".tmp.npz")
        np.savez(tmp, **train_set.get_state())
        os.replace(tmp, os.path.join(folder, state_name))
        run_dir.write_json(os.path.join(folder, PROGRESS_FILE), {
            "step": step, "model": os.path.basename(prefix), "data_state": state_name,
            "history": [list(row) for row in history], "log_lines": log_lines})
    except Exception as exc:  # TensorFlow raises its own error types for I/O
        if isinstance(exc, UserError):
            raise
        reason = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
        raise UserError(f"cannot write the checkpoint for step {step} in {folder}: "
                        f"{reason.splitlines()[0] if reason else type(exc).__name__}; "
                        "earlier checkpoints are intact") from None
    _prune(folder, saver)
    return prefix


def _prune(folder: str, saver) -> None:
    """Drop data states whose model checkpoint the Saver has already rotated away."""
    kept = {os.path.basename(p).rsplit("-", 1)[1] for p in saver.last_checkpoints}
    for path in glob.glob(os.path.join(folder, "data-state-*.npz")):
        if os.path.basename(path)[len("data-state-"):-len(".npz")] not in kept:
            os.remove(path)


def load(workdir: str) -> Progress:
    """The last complete checkpoint of the run in `workdir`, or a UsageError saying why not."""
    path = os.path.join(checkpoint_dir(workdir), PROGRESS_FILE)
    if not os.path.isdir(workdir):
        raise UsageError(f"{workdir}: no such run directory")
    if not os.path.exists(path):
        raise UsageError(f"{workdir}: no checkpoint to resume from ({path} is missing)")
    try:
        info = run_dir.read_json(path)
        with np.load(os.path.join(checkpoint_dir(workdir), info["data_state"])) as npz:
            data_state = {key: npz[key] for key in npz.files}
        # rows are [step, loss, accuracy, grad_norm]; runs saved before grad_norm was recorded have three
        history = [HistoryRow(int(row[0]), *map(float, row[1:4])) for row in info["history"]]
        return Progress(int(info["step"]), os.path.join(checkpoint_dir(workdir), info["model"]),
                        data_state, history, int(info["log_lines"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: checkpoint is damaged or incomplete ({exc})") from None


def resumable(workdir: str) -> tuple[Progress, Config]:
    """The last checkpoint and the saved config of a run that can be resumed, or a UsageError."""
    progress = load(workdir)
    config = run_dir.read_config(workdir)
    if progress.step >= config.steps and os.path.exists(os.path.join(workdir, run_dir.RESULT_FILE)):
        raise UsageError(f"{workdir}: the run already finished all {config.steps} steps")
    return progress, config
