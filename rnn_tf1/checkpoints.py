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
import io
import os
import re
import shutil
import zipfile
from typing import NamedTuple

import numpy as np

from rnn_tf1 import run_files
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError, UserError
from rnn_tf1.mnist_data import DataSet
from rnn_tf1.run_files import DamagedRun, HistoryRow

PROGRESS_FILE = "progress.json"


class Progress(NamedTuple):
    step: int                  # last completed training step
    model_prefix: str          # path prefix of the Saver checkpoint
    data_state: dict           # DataSet.get_state() at that step
    history: list[HistoryRow]  # displayed points up to that step
    log_lines: int             # lines of train.log printed up to that step


def checkpoint_dir(workdir: str) -> str:
    return os.path.join(workdir, run_files.CHECKPOINT_DIR)


def save(session, saver, workdir: str, step: int, train_set: DataSet,
         history: list[HistoryRow], log_lines: int) -> str:
    """Write the checkpoint for `step`; returns the Saver's path prefix.

    A failure (disk full, folder gone) is a UserError; the previous checkpoint,
    which progress.json still names, is left intact.
    """
    from tensorflow import errors as tf_errors  # already loaded: a session is running
    folder = checkpoint_dir(workdir)
    if not os.path.isdir(workdir):  # never re-create a run directory that was removed mid-run
        raise UserError(f"cannot write the checkpoint for step {step}: the run directory {workdir} "
                        "has disappeared")
    try:
        if not os.path.isdir(folder):
            os.mkdir(folder)
        prefix = saver.save(session, os.path.join(folder, run_files.CHECKPOINT_PREFIX), global_step=step,
                            write_meta_graph=False)
        state_name = f"data-state-{step}.npz"
        buf = io.BytesIO()
        np.savez(buf, **train_set.get_state())
        run_files.write_bytes_atomically(os.path.join(folder, state_name), buf.getvalue())
        run_files.write_json(os.path.join(folder, PROGRESS_FILE), {
            "step": step, "model": os.path.basename(prefix), "data_state": state_name,
            "history": [list(row) for row in history], "log_lines": log_lines})
    # What writing can raise: OSError from our files, TensorFlow's own error types (and ValueError
    # for a vanished folder) from the Saver.
    except (OSError, ValueError, tf_errors.OpError) as exc:
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


DATA_STATE_KEYS = ("order", "index_in_epoch", "epochs_completed", "rng_keys", "rng_pos", "rng_has_gauss",
                   "rng_cached_gaussian")


def _whole_number(info: dict, key: str, path: str, low: int) -> int:
    value = info.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise DamagedRun(f"{path}: {key} must be a whole number >= {low}, got {value!r}"[:300])
    return value


def load(workdir: str) -> Progress:
    """The last complete checkpoint of the run in `workdir`, or an error saying why not.

    No run folder or no progress.json is a UsageError (exit 2, as before); a progress.json
    that is not what this package writes, or that names files which are missing or damaged,
    is a DamagedRun (exit 1) naming the file.  Reads only small files: no TensorFlow.
    """
    folder = checkpoint_dir(workdir)
    path = os.path.join(folder, PROGRESS_FILE)
    if not os.path.isdir(workdir):
        raise UsageError(f"{workdir}: no such run directory")
    if not os.path.lexists(path):
        raise UsageError(f"{workdir}: no checkpoint to resume from ({path} is missing)")
    info = run_files.read_json_object(path, "checkpoint record")
    step = _whole_number(info, "step", path, 1)
    log_lines = _whole_number(info, "log_lines", path, 0)
    for key, expected in (("model", f"{run_files.CHECKPOINT_PREFIX}-{step}"), ("data_state", f"data-state-{step}.npz")):
        if info.get(key) != expected:  # also keeps every name inside the checkpoint folder
            raise DamagedRun(f"{path}: {key} must be {expected!r} for step {step}, got {info.get(key)!r}"[:300])
    history = info.get("history")
    if not isinstance(history, list):
        raise DamagedRun(f"{path}: history must be a JSON array")
    rows = []
    for row in history:
        # rows are [step, loss, accuracy, grad_norm]; runs saved before grad_norm was recorded have three
        if (not isinstance(row, list) or len(row) not in (3, 4) or isinstance(row[0], bool)
                or not isinstance(row[0], int) or not 1 <= row[0] <= step
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row[1:])):
            raise DamagedRun(f"{path}: history row {json_text(row)} is not [step, loss, accuracy, grad_norm] "
                             f"with a step from 1 to {step}")
        rows.append(HistoryRow(row[0], *map(float, row[1:4])))
    if [r.step for r in rows] != sorted({r.step for r in rows}):
        raise DamagedRun(f"{path}: history steps are not increasing")
    prefix = os.path.join(folder, info["model"])
    for suffix in (".index", ".data-00000-of-00001"):
        if not os.path.isfile(prefix + suffix):
            raise DamagedRun(f"{prefix + suffix}: checkpoint file is missing (progress.json names step {step})")
        if os.path.getsize(prefix + suffix) == 0:
            raise DamagedRun(f"{prefix + suffix}: checkpoint file is empty (truncated)")
    state_path = os.path.join(folder, info["data_state"])
    data_state = _read_data_state(state_path)
    return Progress(step, prefix, data_state, rows, log_lines)


def json_text(value) -> str:
    import json
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_data_state(path: str) -> dict:
    try:
        with np.load(path) as npz:
            state = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise DamagedRun(f"{path}: the minibatch shuffler's state is missing") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise DamagedRun(f"{path}: the minibatch shuffler's state is damaged ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'})") from None
    missing = [key for key in DATA_STATE_KEYS if key not in state]
    if missing:
        raise DamagedRun(f"{path}: the minibatch shuffler's state lacks {', '.join(missing)}")
    order = state["order"]
    if (order.ndim != 1 or order.dtype.kind not in "iu" or state["rng_keys"].shape != (624,)
            or any(state[k].shape != () for k in DATA_STATE_KEYS if k not in ("order", "rng_keys"))):
        raise DamagedRun(f"{path}: the minibatch shuffler's state has arrays of the wrong shape or type")
    if order.size and (order.min() < 0 or not np.array_equal(np.sort(order), np.arange(order.size))):
        raise DamagedRun(f"{path}: the saved minibatch order is not a permutation")
    if not 0 <= int(state["index_in_epoch"]) <= order.size:
        raise DamagedRun(f"{path}: the saved position {int(state['index_in_epoch'])} is outside the epoch")
    return state


def load_run(workdir: str) -> tuple[Progress, Config]:
    """The last checkpoint and the configuration of a run, checked against each other."""
    progress = load(workdir)
    config = run_files.read_config(workdir)
    if progress.step > config.steps:
        raise DamagedRun(f"{os.path.join(workdir, run_files.CONFIG_FILE)}: steps is {config.steps}, but the "
                         f"checkpoint {os.path.basename(progress.model_prefix)} is from step {progress.step}; "
                         "config.json and the checkpoint do not belong together")
    return progress, config


def resumable(workdir: str) -> tuple[Progress, Config]:
    """The last checkpoint and the saved config of a run that can be resumed, or an error."""
    progress, config = load_run(workdir)
    if progress.step >= config.steps and os.path.exists(os.path.join(workdir, run_files.RESULT_FILE)):
        raise UsageError(f"{workdir}: the run already finished all {config.steps} steps")
    log_path = os.path.join(workdir, run_files.LOG_FILE)
    try:
        with open(log_path, encoding="utf-8") as fh:
            lines = fh.read().count("\n")
    except FileNotFoundError:
        raise DamagedRun(f"{log_path}: the run's log is missing (the checkpoint needs its first "
                         f"{progress.log_lines} lines)") from None
    except UnicodeDecodeError:
        raise DamagedRun(f"{log_path}: the run's log is not UTF-8 text") from None
    except OSError as exc:
        raise DamagedRun(f"{log_path}: cannot read the run's log ({exc.strerror})") from None
    if lines < progress.log_lines:
        raise DamagedRun(f"{log_path}: the run's log has {lines} lines, the checkpoint of step {progress.step} "
                         f"was written after {progress.log_lines}")
    return progress, config


def verify_against_graph(progress: Progress, graph) -> None:
    """Check the checkpoint's files with TensorFlow's own reader before anything restores it:
    every variable of `graph` present with its shape, and every tensor readable (a truncated or
    altered .data file fails its length or CRC check).  A DamagedRun names the file."""
    import tensorflow as tf
    prefix = progress.model_prefix
    try:
        reader = tf.train.load_checkpoint(prefix)
        shapes = reader.get_variable_to_shape_map()
        for name in shapes:
            reader.get_tensor(name)
    except (tf.errors.OpError, ValueError, IndexError, RuntimeError) as exc:  # what the reader raises
        reason = getattr(exc, "message", None) or str(exc)
        reason = reason.strip().splitlines()[0] if reason.strip() else type(exc).__name__
        raise DamagedRun(f"{prefix}: the checkpoint is damaged or incomplete ({type(exc).__name__}: "
                         f"{reason[:200]})") from None
    with graph.as_default():
        needed = {v.op.name: v.shape.as_list() for v in tf.compat.v1.global_variables()}
    missing = sorted(set(needed) - set(shapes))
    if missing:
        raise DamagedRun(f"{prefix}: the checkpoint holds no variable {missing[0]}"
                         f"{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}, which the run's "
                         "config.json needs; the checkpoint and config.json do not belong together")
    for name, shape in sorted(needed.items()):
        if list(shapes[name]) != shape:
            raise DamagedRun(f"{prefix}: variable {name} has shape {list(shapes[name])} in the checkpoint, "
                             f"{shape} in the run's config.json; they do not belong together")


_STEP_OF = re.compile(re.escape(run_files.CHECKPOINT_PREFIX) + r"-(\d+)[._]|data-state-(\d+)\.npz$")


def clean_for_resume(workdir: str, progress: Progress, saver) -> None:
    """Before a resumed run continues: remove what a killed run left behind after its last complete
    checkpoint (Saver files of later steps, TensorFlow's `_temp` folders and `tempstate` files,
    this package's temporary files) and hand the kept checkpoints to the new Saver, so that it
    rotates them (max_to_keep) as the uninterrupted run would have."""
    folder = checkpoint_dir(workdir)
    kept = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        match = _STEP_OF.match(name)
        step = int(match.group(1) or match.group(2)) if match else None
        stale = ("tempstate" in name or run_files.TEMP_MARK in name or name.endswith("_temp")
                 or (step is not None and step > progress.step))
        if stale:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
        elif step is not None and name.endswith(".index"):
            kept[step] = path[:-len(".index")]
    saver.recover_last_checkpoints([kept[s] for s in sorted(kept)])
