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

import contextlib
import csv
import math
import io
import json
import os
import tempfile
import time
from typing import Any, Iterable, NamedTuple

from rnn_tf1.config import FIELDS, KINDS, Config
from rnn_tf1.errors import UsageError, UserError

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
RUNS_ROOT = "runs"                # where new runs and reports go unless told otherwise (--runs-root, --out)


class HistoryRow(NamedTuple):
    step: int        # the training step after whose update the minibatch was measured
    loss: float      # minibatch loss
    accuracy: float  # minibatch training accuracy
    grad_norm: float = math.nan  # global norm of that step's gradient, before clipping (nan: not recorded)


def timestamped(root: str, name: str) -> str:
    """ROOT/YYYYmmdd-HHMMSS-NAME, with -2, -3 ... before NAME's extension if that name is taken:
    the default of every new output (run folders, bands, charts, reports)."""
    stem, ext = os.path.splitext(os.path.join(root, time.strftime("%Y%m%d-%H%M%S") + "-" + name))
    path, n = stem + ext, 1
    while os.path.lexists(path):
        n += 1
        path = f"{stem}-{n}{ext}"
    return path


def default_run_dir(root: str, optimizer: str, seed: int) -> str:
    """runs/YYYYmmdd-HHMMSS-OPT-seedN, with -2, -3 ... if that name is taken."""
    return timestamped(root, f"{optimizer}-seed{seed}")


def _unwritable_ancestor(path: str) -> str | None:
    """The nearest existing path above `path` if it is not a writable folder (so `path` cannot be
    made), else None."""
    ancestor = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(ancestor):
        ancestor = os.path.dirname(ancestor)
    return None if os.path.isdir(ancestor) and os.access(ancestor, os.W_OK | os.X_OK) else ancestor


def new_output_file(out: str | None, name: str, root: str = RUNS_ROOT) -> str:
    """--out, or ROOT/DATE-TIME-NAME: a file that does not exist yet (never overwritten).  Only
    checked here: its folder is made by make_parent just before the first write."""
    out = out or timestamped(root, name)
    if os.path.lexists(out):
        raise UsageError(f"{out} already exists; choose another --out")
    ancestor = _unwritable_ancestor(out)
    if ancestor:
        raise UsageError(f"cannot write {out}: {ancestor} is not a writable folder")
    return out


def new_output_dir(out: str | None, name: str, root: str = RUNS_ROOT) -> str:
    """--out, or ROOT/DATE-TIME-NAME: a folder that does not exist yet and can be made."""
    out = out or timestamped(root, name)
    check_creatable(out)
    return out


def make_parent(out: str) -> str:
    """Make the folder `out` goes into; returns `out`."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    return out


def replaceable_file(out: str) -> str:
    """A chart the user names (replaced if it exists) must go into an existing, writable folder."""
    parent = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out) or not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {out}: " + (f"{out} is a folder" if os.path.isdir(out)
                                                    else f"{parent} is not a writable folder"))
    return out


def chart_path(out: str | None, target: str, run: str | None, in_run: str, suffix: str) -> str:
    """Where a chart of `target` goes: --out, else into its run folder as `in_run`, else beside
    the log file as LOG`suffix`."""
    if out:
        return replaceable_file(out)
    if run:
        return os.path.join(run, in_run)
    return os.path.splitext(target)[0] + suffix


def check_creatable(path: str) -> None:
    """Refuse, before any work, a run directory that exists or cannot be made."""
    if os.path.exists(path):
        create(path)  # the "already exists" error
    ancestor = _unwritable_ancestor(path)
    if ancestor:
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


def claim(path: str) -> list[str]:
    """Create the new run folder (and missing parents) at once, so a second run racing for it is
    refused now; returns the folders made, deepest first, for release."""
    made, folder = [], os.path.abspath(path)
    while not os.path.exists(folder):
        made.append(folder)
        folder = os.path.dirname(folder)
    create(path)
    return made


def release(made: list[str]) -> None:
    """Remove the folders claim made, as long as they are still empty."""
    for folder in made:
        try:
            os.rmdir(folder)
        except OSError:  # not empty (the run wrote into it) or already gone: leave it
            return


class DamagedRun(UserError):
    """A file of a run folder is missing, damaged or inconsistent (exit status 1)."""


def _current_umask() -> int:
    """The process umask, read without changing it where Linux allows (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
TEMP_MARK = ".rnn-tf1-tmp-"  # in every temporary name this package makes: `.NAME.rnn-tf1-tmp-RANDOM`


def temporary_name_prefix(path: str) -> str:
    return "." + os.path.basename(path) + TEMP_MARK


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part.

    The one atomic writer of this package: the bytes go to a temporary file created exclusively
    (tempfile.mkstemp: O_CREAT | O_EXCL | O_NOFOLLOW, an unpredictable name) in the target's own
    folder, are flushed to disk and renamed over `path`.  A symlink planted under any name is
    never followed: the temporary name cannot be guessed, and the rename replaces a symlink at
    `path` itself, not the file it points to.  On any failure the temporary file is removed.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=temporary_name_prefix(path), dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file ordinary permissions
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomically(path: str, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def temporary_sibling_dir(path: str) -> str:
    """A new, empty, private folder next to `path` (same file system, so a rename is atomic), created
    exclusively under an unpredictable name (tempfile.mkdtemp); the caller removes it."""
    return tempfile.mkdtemp(prefix=temporary_name_prefix(path), dir=os.path.dirname(os.path.abspath(path)))


def write_json(path: str, data: dict[str, Any]) -> None:
    write_text_atomically(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_json(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_json_object(path: str, what: str) -> dict[str, Any]:
    """A run folder's JSON file as a dict, or a DamagedRun naming the file and what is wrong."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise DamagedRun(f"{path}: {what} is missing") from None
    except IsADirectoryError:
        raise DamagedRun(f"{path}: {what} is a folder, not a file") from None
    except OSError as exc:
        raise DamagedRun(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if not raw.strip():
        raise DamagedRun(f"{path}: the {what} is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DamagedRun(f"{path}: the {what} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DamagedRun(f"{path}: the {what} is not valid JSON ({exc.msg} at line {exc.lineno} "
                         f"column {exc.colno})") from None
    except RecursionError:
        raise DamagedRun(f"{path}: the {what} is not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise DamagedRun(f"{path}: the {what} is not a JSON object (it is a JSON {_json_type(data)})")
    return data


def _json_type(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, (int, float)) else type(value).__name__)


def config_from_json(values: dict[str, Any], path: str) -> Config:
    """A Config from config.json's object, every field checked for its JSON type and range."""
    for name, value in values.items():
        if name not in FIELDS:
            raise DamagedRun(f"{path}: unknown configuration key {name!r}")
        kind = KINDS[FIELDS[name].kind].parse  # int, float or str
        if kind is str:
            ok = isinstance(value, str)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok:
            raise DamagedRun(f"{path}: {name} must be a JSON {kind.__name__.replace('str', 'string')}, "
                             f"got {json.dumps(value)[:60]}")
    try:
        return Config.from_dict(values)
    except UsageError as exc:
        raise DamagedRun(f"{path}: {exc}") from None


def read_config(workdir: str) -> Config:
    """The Config a run was made with (its config.json), or a DamagedRun naming what is wrong."""
    path = os.path.join(workdir, CONFIG_FILE)
    return config_from_json(read_json_object(path, "run's configuration"), path)


def history_csv(rows: Iterable[HistoryRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HistoryRow._fields)
    for row in rows:
        writer.writerow([row.step, repr(float(row.loss)), repr(float(row.accuracy)), repr(float(row.grad_norm))])
    return buf.getvalue()
