"""`rnn-tf1 run SCRIPT.py`: a TF1-era script, unchanged, in the TF1 environment of `rnn_tf1.tf1`.

The script runs as `python SCRIPT.py` would run it: as `__main__`, with its own `sys.argv`,
`__file__` and folder first on `sys.path`, printing to stdout what it prints.  Around it:

- `rnn_tf1.tf1.install` runs before its first line (`import tensorflow as tf` is TF 1.x's API);
- `plt.show()` has no screen here, so it writes each open figure to a PNG in `figures_dir`
  (`SCRIPT-figureN.png`, never over an existing file), names it on stderr and closes it;
  an interactive backend the script asks for (`matplotlib.use('TkAgg')`) stays Agg, said once;
- the script's own `logging.basicConfig(...)` takes effect (rnn-tf1's notes never use the root logger);
- Python processes it starts (multiprocessing's spawn children, `subprocess` of this Python) get
  the same TF1 environment and --seed/--data-dir through the start-up hook (hook.py);
- the script's own exceptions end with Python's traceback of the script (rnn_tf1's frames
  cut off), exit status 1; a TF1 name the environment lacks ends with one line naming the
  name and the script's file:line that used it, exit status 1;
- a script (or a module of its own folder tree) that is Python 2 code runs translated, with Python
  2's meaning and a note on stderr (rnn_tf1/py2, docs/python2.md);
- with `report=(PATH, FORMAT, force)` (`--report`), the TF1 names the script reached are recorded
  while it runs and written to PATH afterwards, whatever its exit status (rnn_tf1/tf1/report.py).

What every form shares (these rules, the report) is common.py's.
"""
from __future__ import annotations

import importlib.machinery
import logging
import os
import sys

from rnn_tf1.errors import UsageError
from rnn_tf1.launch import common

log = logging.getLogger(__name__)


def check_script(path: str) -> str:
    """The script's source, or a one-line UsageError: missing, a folder, not Python, bad syntax."""
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such script")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a folder, not a Python script")
    if not path.endswith(".py"):
        raise UsageError(f"{path}: not a Python file (expected a name ending in .py, or .ipynb for a notebook)")
    try:
        with open(path, "rb") as fh:
            source = fh.read()
        if b"\0" in source:
            raise UsageError(f"{path}: not a Python file (it holds NUL bytes: binary data)")
        error = _python3_or_2_error(source, path)
        if error is not None:
            raise error
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}" if exc.lineno else path
        raise UsageError(f"{where}: syntax error: {exc.msg}") from None
    return source.decode("utf-8", errors="replace")


def _python3_or_2_error(source: bytes, path: str) -> SyntaxError | None:
    """Python 3's syntax error, unless the script is Python 2 code (which runs translated)."""
    from rnn_tf1.py2 import translate
    error = translate.python3_error(source, path)
    if error is not None and translate.parses_as_python2(source.decode("utf-8", errors="replace")):
        return None
    return error


def _command(path: str, script_args: list[str], seed: int | None) -> list[str]:
    """The run as a command line, for the report's header."""
    return ["rnn-tf1", "run", path, *(["--seed", str(seed)] if seed is not None else []),
            *(["--", *script_args] if script_args else [])]


def run_script(path: str, script_args: list[str], settings: common.Settings, python2: bool = False) -> int:
    """Run `path` as __main__ in the TF1 environment with the run's `settings`; returns its exit status."""
    check_script(path)
    script = os.path.abspath(path)
    recorder, report_paths = common.prepare(settings, path)
    common.enable_for_children(settings)
    from rnn_tf1.py2 import importer as py2
    py2.install(os.path.dirname(script), python2)  # Python 2's names; its own Python-2 modules translated
    sys.argv = [path, *script_args]
    sys.path[0] = os.path.dirname(script)
    with open(script, "rb") as fh:
        source = fh.read().decode("utf-8", errors="replace")

    def execute() -> None:
        # As `python SCRIPT` makes it: __file__ absolute, no __spec__ or __package__, the source
        # loader; Python 2 code translated first (a construct no rule translates: one line).
        code, translation = py2.code_for(source, script)
        names = {"__builtins__": py2.python2_builtins(py2._absolute_import(source))} if translation else {}
        main = common.main_module(__name__="__main__", __file__=script, __cached__=None, __package__=None,
                                  __spec__=None, __loader__=importlib.machinery.SourceFileLoader("__main__", script),
                                  **names)
        exec(code, main.__dict__)
    return common.run_main(execute, program=path, first_file=script,
                           project=os.path.dirname(script), recorder=recorder, report_paths=report_paths,
                           settings=settings, command=_command(path, script_args, settings.seed))
