"""`rnn-tf1 run SCRIPT.py`: a TF1-era script, unchanged, in the TF1 environment of `rnn_tf1.tf1`.

The script runs as `python SCRIPT.py` would run it: as `__main__`, with its own `sys.argv`,
`__file__` and folder first on `sys.path`, printing to stdout what it prints.  Around it:

- `rnn_tf1.tf1.install` runs before its first line (`import tensorflow as tf` is TF 1.x's API);
- `plt.show()` has no screen here, so it writes each open figure to a PNG in `figures_dir`
  (`SCRIPT-figureN.png`, never over an existing file), names it on stderr and closes it;
- the script's own exceptions end with Python's traceback of the script (rnn_tf1's frames
  cut off), exit status 1; a TF1 name the environment lacks ends with one line naming the
  name and the script's file:line that used it, exit status 1;
- a script (or a module of its own folder tree) that is Python 2 code runs translated, with Python
  2's meaning and a note on stderr (rnn_tf1/py2, docs/python2.md);
- with `report=(PATH, FORMAT, force)` (`--report`), the TF1 names the script reached are recorded
  while it runs and written to PATH afterwards, whatever its exit status (rnn_tf1/tf1/report.py).
"""
from __future__ import annotations

import logging
import os
import sys
import traceback

from rnn_tf1.errors import UsageError, UserError

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


def figure_path(figures_dir: str, script: str, number: int) -> str:
    """figures_dir/SCRIPT-figureN.png, or -2, -3 ... before the suffix if that file exists."""
    stem = os.path.splitext(os.path.basename(script))[0]
    base = os.path.join(figures_dir, f"{stem}-figure{number}")
    path, n = base + ".png", 1
    while os.path.exists(path):
        n += 1
        path = f"{base}-{n}.png"
    return path


def _headless_pyplot(figures_dir: str, script: str) -> dict:
    """pyplot's calls that wait on a screen, for a machine without one: `show` saves each open
    figure as a PNG and closes it (as a closed window would); `waitforbuttonpress`, which would
    wait forever here, saves them too, keeps them open (the window stays up) and returns None, its
    answer when no key or button came."""
    import matplotlib.pyplot as plt

    def save_open_figures() -> None:
        for number in plt.get_fignums():
            path = figure_path(figures_dir, script, number)
            plt.figure(number).savefig(path)
            log.info("figure %d: %s", number, os.path.abspath(path))

    def show(*args, **kwargs) -> None:
        save_open_figures()
        plt.close("all")

    def waitforbuttonpress(timeout=-1):
        save_open_figures()
        return None

    return {"show": show, "waitforbuttonpress": waitforbuttonpress}


def script_traceback(exc: BaseException, script: str) -> str:
    """Python's traceback of `exc` as `python SCRIPT` prints it: in each exception of the chain,
    the frames before the script's first one (runpy's, rnn_tf1's) are cut off."""
    report = traceback.TracebackException.from_exception(exc)
    seen = set()
    chain = [report]
    while chain:
        part = chain.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        frames = list(part.stack)
        first = next((i for i, f in enumerate(frames) if os.path.abspath(f.filename) == script), 0)
        part.stack = traceback.StackSummary.from_list(frames[first:])
        chain += [c for c in (part.__cause__, part.__context__) if c is not None]
    return "".join(report.format())


def _user_location(tb, script: str) -> str:
    """file:line of the deepest frame in the script's folder (the user's code) that led here."""
    folder = os.path.dirname(script) + os.sep
    where = None
    while tb is not None:
        name = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if name == script or name.startswith(folder):
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where or script


def _command(path: str, script_args: list[str], seed: int | None) -> list[str]:
    """The run as a command line, for the report's header."""
    return ["rnn-tf1", "run", path, *(["--seed", str(seed)] if seed is not None else []),
            *(["--", *script_args] if script_args else [])]


def run_script(path: str, script_args: list[str], seed: int | None = None, data_dir: str | None = None,
               figures_dir: str | None = None, report: tuple[str, str, bool] | None = None,
               python2: bool = False) -> int:
    """Run `path` as __main__ in the TF1 environment; returns its exit status."""
    check_script(path)
    figures_dir = figures_dir or os.getcwd()
    if not os.path.isdir(figures_dir):
        raise UsageError(f"--figures {figures_dir}: no such folder")
    script = os.path.abspath(path)
    recorder = None
    if report is not None:
        from rnn_tf1.tf1 import report as tf1_report
        report_paths = tf1_report.report_paths(report[0], report[1])
        tf1_report.check_report_paths(report_paths, force=report[2])  # before the script runs
        recorder = tf1_report.Recorder(path)

    import matplotlib
    matplotlib.use("Agg")  # no screen: figures are drawn off screen and saved by show()
    import matplotlib.pyplot as plt
    for name, call in _headless_pyplot(figures_dir, path).items():
        setattr(plt, name, call)

    from rnn_tf1 import tf1
    tf1.install(seed=seed, data_dir=data_dir)
    if recorder is not None:
        recorder.attach(sys.modules.values())
    # TensorFlow's own notices (deprecations the script triggers) on stderr as TF 1.x showed them.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s:tensorflow:%(message)s"))
    tf_logger = logging.getLogger("tensorflow")
    tf_logger.addHandler(handler)
    tf_logger.propagate = False
    if tf_logger.level == logging.NOTSET:
        # TF 1.x's rule for a script: WARN and above unless it calls tf.logging.set_verbosity (an
        # Estimator's INFO lines then show); the root logger's INFO (rnn-tf1's own notes) must not leak in.
        tf_logger.setLevel(logging.WARNING)
    from rnn_tf1.py2 import importer as py2
    py2.install(os.path.dirname(script), python2)  # Python 2's names; its own Python-2 modules translated
    sys.argv = [path, *script_args]
    sys.path[0] = os.path.dirname(script)
    status = 1  # unless the script ends
    try:
        py2.run_path(path)
        status = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            status = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
    except (tf1.TF1NameMissing, tf1.TF1ModuleMissing) as exc:
        if recorder is not None:
            recorder.failed(exc)
        raise UserError(f"{_user_location(exc.__traceback__, script)}: {exc}") from None
    except UserError:  # Python 2 code no rule translates (rnn_tf1/py2): one line, not a traceback
        raise
    except KeyboardInterrupt as exc:
        status = 130
        if recorder is not None:
            recorder.failed(exc)
        raise
    except Exception as exc:  # the script's own error: its traceback, as python would print it
        sys.stdout.flush()
        sys.stderr.write(script_traceback(exc, script))
        if recorder is not None:
            recorder.failed(exc)
    finally:
        sys.stdout.flush()
        if recorder is not None:  # whatever the script's exit status
            log.info("%s", tf1_report.write_report(recorder, report_paths, report[1],
                                                   _command(path, script_args, seed), status))
    return status
