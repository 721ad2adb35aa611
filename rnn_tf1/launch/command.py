"""`rnn-tf1 exec [--seed N] [--data-dir D] [--report P] -- COMMAND ARGS...`: any command (a
project's `bash run.sh`, `make`, a launcher starting several processes) such that every Python
process it starts with this environment's Python gets TF 1.x's API, with the same settings.

The command replaces rnn-tf1 (exec: its exit status, signals and output are the command's own)
with an environment that differs from the caller's only in:

- PYTHONPATH: the start-up hook's folder first (startup/sitecustomize.py, inside this package:
  nothing is written anywhere, nothing is left behind);
- RNN_TF1_LAUNCH: the settings (common.Settings), which also switch the hook on;
- PYTHONHASHSEED=N with --seed (unless set already), so that string hashes repeat in every process;
- PATH: this environment's `bin` folder first when rnn-tf1 runs from a virtual environment, so
  that `python` in a script is this environment's Python (as `conda run` / `poetry run` do).

Everything else (TF_ENABLE_ONEDNN_OPTS, CUDA_VISIBLE_DEVICES, ...) passes through unchanged.  A
Python process installs TF 1.x's API on its first `import tensorflow` (hook.py): processes that
never import TensorFlow are untouched, and multiprocessing's children get it as well (a fork child
has it already; a spawn child is a new Python under the same environment).  With --report each
process that imports TensorFlow writes its own report: PATH's stem + `.PID` + suffix.
"""
from __future__ import annotations

import os
import shutil
import sys

from rnn_tf1.errors import UsageError, UserError
from rnn_tf1.launch import common


class CommandNotFound(UserError):
    """The command is not on PATH (or not executable): exit status 127, as a shell gives."""

    exit_code = 127


def find_command(name: str, path: str | None = None) -> str:
    """The executable `name` names, looked up on `path` (the command's own PATH) as a shell does."""
    if os.sep in name:
        if os.path.isfile(name) and os.access(name, os.X_OK):
            return name
        raise CommandNotFound(f"{name}: " + ("not executable" if os.path.exists(name) else "no such file"))
    found = shutil.which(name, path=path)
    if found is None:
        raise CommandNotFound(f"{name}: command not found")
    return found


def command_environment(settings: common.Settings, environ: dict | None = None) -> dict:
    env = common.child_environment(settings, environ)
    if sys.prefix != sys.base_prefix:  # a virtual environment: its python first on PATH
        bin_dir = os.path.dirname(os.path.abspath(sys.executable))
        parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != bin_dir]
        env["PATH"] = os.pathsep.join([bin_dir, *parts])
    return env


def check_report_folder(settings: common.Settings) -> None:
    if settings.report is None:
        return
    folder = os.path.dirname(os.path.abspath(settings.report))
    if os.path.isdir(settings.report):
        raise UsageError(f"--report {settings.report}: is a folder (each process writes NAME.PID.md beside it)")
    if not os.path.isdir(folder):
        raise UsageError(f"--report {settings.report}: no such folder {os.path.dirname(settings.report) or folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--report {settings.report}: {folder} is not a writable folder")


def run_command(command: list[str], settings: common.Settings) -> int:
    """Replace this process with `command` under the TF1 environment (returns only on an error)."""
    if not command:
        raise UsageError("exec needs a command: rnn-tf1 exec [options] -- COMMAND [ARGS...]")
    check_report_folder(settings)
    if settings.report is not None:
        settings.report = os.path.abspath(settings.report)  # the same files whatever folder a process is in
    if settings.data_dir is not None:
        settings.data_dir = os.path.abspath(settings.data_dir)
    env = command_environment(settings)
    executable = find_command(command[0], env.get("PATH", os.defpath))
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(executable, command, env)
    except OSError as exc:
        raise CommandNotFound(f"{command[0]}: cannot run ({exc.strerror})") from None
    return 127  # not reached
