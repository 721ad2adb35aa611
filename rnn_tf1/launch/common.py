"""What every form of starting TF1 code does, in one place.

`run SCRIPT.py` (script.py), `run -m MODULE` (module.py) and every Python process under
`exec -- COMMAND` (command.py, through the start-up hook in startup/sitecustomize.py) share:

- `Settings`: `--seed`, `--data-dir`, `--report`, carried to child processes in one environment
  variable (HOOK_VARIABLE) that also switches the start-up hook on there;
- `prepare`: rnn-tf1's own notes on stderr without touching the root logger (a script's own
  `logging.basicConfig(...)` takes effect), pyplot without a screen (`plt.show()` saves PNGs, an
  interactive `matplotlib.use(...)` stays on Agg with one note), `rnn_tf1.tf1.install` (TF 1.x's
  API), TensorFlow's notices as TF 1.x showed them, the report's recorder, and the test runners'
  rule for a TF1 name not provided (one line in unittest's and pytest's failure reports);
- `run_main`: the exit status as Python gives it, one line for a TF1 name not provided (the
  project's file:line that used it), a traceback without rnn_tf1's frames, the report written
  whatever the exit status.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
import sysconfig
import traceback
from typing import Callable

from rnn_tf1.errors import UsageError, UserError

log = logging.getLogger("rnn_tf1")

HOOK_VARIABLE = "RNN_TF1_LAUNCH"  # JSON Settings; set, it switches the start-up hook on in a new Python
STARTUP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "startup")  # holds sitecustomize.py
PYTEST_PLUGIN = "rnn_tf1.launch.pytest_plugin"
# matplotlib's backends that draw without a screen (files); any other asks for a window.
_OFF_SCREEN_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}
INTERACTIVE_BACKENDS_NOTE = "no screen here: figures stay off screen (Agg) and plt.show() saves them as PNGs"


@dataclasses.dataclass
class Settings:
    """A run's settings, the same for every process of it."""
    seed: int | None = None
    data_dir: str | None = None
    report: str | None = None            # --report PATH (a process of `exec` writes PATH's stem + .PID)
    report_format: str = "markdown"
    force: bool = False
    figures_dir: str | None = None       # where plt.show() saves figures (default the current folder)

    def to_env(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_env(cls, text: str) -> "Settings":
        try:
            values = json.loads(text or "{}")
        except ValueError:  # not ours (set by hand?): the defaults, as an unseeded `run`
            values = {}
        if not isinstance(values, dict):
            values = {}
        return cls(**{f.name: values[f.name] for f in dataclasses.fields(cls) if f.name in values})


def child_environment(settings: Settings, environ: dict | None = None) -> dict:
    """The environment of a process whose Python children get the TF1 environment: the start-up
    hook's folder first on PYTHONPATH, the settings in HOOK_VARIABLE, PYTHONHASHSEED when seeded
    (a value the user set is kept); everything else passed through unchanged."""
    from rnn_tf1.tf1.seeding import hash_seed_environment
    env = dict(os.environ if environ is None else environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != STARTUP_DIR]
    env["PYTHONPATH"] = os.pathsep.join([STARTUP_DIR, *paths])
    env[HOOK_VARIABLE] = settings.to_env()
    if settings.seed is not None and env.get("PYTHONHASHSEED", "random") == "random":
        env.update(hash_seed_environment(settings.seed))
    return env


# ---------------------------------------------------------------------------------------------
# Logging: rnn-tf1's notes on stderr, the root logger left to the program.

class CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (pytest and IPython replace it; the
    kernel's TensorFlow notices use it too)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def own_logging() -> None:
    """rnn-tf1's notes (`rnn-tf1: ...` on stderr) through the `rnn_tf1` logger alone, and the root
    logger as a fresh Python has it (no handler, WARNING): a program's own
    `logging.basicConfig(stream=sys.stdout, format=...)` then takes effect, as under `python`."""
    ours = logging.getLogger("rnn_tf1")
    if not any(getattr(h, "_rnn_tf1", False) for h in ours.handlers):
        handler = CurrentStderr()
        handler.setFormatter(logging.Formatter("rnn-tf1: %(message)s"))
        handler._rnn_tf1 = True
        ours.addHandler(handler)
    ours.setLevel(logging.INFO)
    ours.propagate = False
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if getattr(handler, "formatter", None) is not None and \
                getattr(handler.formatter, "_fmt", "") == "rnn-tf1: %(message)s":  # cli.main's basicConfig
            root.removeHandler(handler)
            root.setLevel(logging.WARNING)  # a process's own settings (under exec) are left as they are


def tf_notices(stream_handler: logging.Handler | None = None) -> None:
    """TensorFlow's own notices (deprecations the program triggers) on stderr as TF 1.x showed them,
    `WARNING:tensorflow:...`; WARN and above unless the program sets tf.logging's verbosity."""
    handler = stream_handler or CurrentStderr()
    handler.setFormatter(logging.Formatter("%(levelname)s:tensorflow:%(message)s"))
    tf_logger = logging.getLogger("tensorflow")
    tf_logger.handlers[:] = [handler]  # also TensorFlow's own handler, which goes to stdout when interactive
    tf_logger.propagate = False
    if tf_logger.level == logging.NOTSET:
        tf_logger.setLevel(logging.WARNING)


# ---------------------------------------------------------------------------------------------
# pyplot without a screen.

def figure_path(figures_dir: str, program: str, number: int) -> str:
    """figures_dir/PROGRAM-figureN.png, or -2, -3 ... before the suffix if that file exists."""
    stem = os.path.splitext(os.path.basename(program))[0]
    base = os.path.join(figures_dir, f"{stem}-figure{number}")
    path, n = base + ".png", 1
    while os.path.exists(path):
        n += 1
        path = f"{base}-{n}.png"
    return path


def _headless_pyplot(figures_dir: str, program: str) -> dict:
    """pyplot's calls that wait on a screen, for a machine without one: `show` saves each open
    figure as a PNG and closes it (as a closed window would); `waitforbuttonpress`, which would
    wait forever here, saves them too, keeps them open (the window stays up) and returns None, its
    answer when no key or button came."""
    import matplotlib.pyplot as plt

    def save_open_figures() -> None:
        for number in plt.get_fignums():
            path = figure_path(figures_dir, program, number)
            plt.figure(number).savefig(path)
            log.info("figure %d: %s", number, os.path.abspath(path))

    def show(*args, **kwargs) -> None:
        save_open_figures()
        plt.close("all")

    def waitforbuttonpress(timeout=-1):
        save_open_figures()
        return None

    return {"show": show, "waitforbuttonpress": waitforbuttonpress}


def headless_pyplot(figures_dir: str, program: str) -> None:
    """Agg, plt.show() saving PNGs, and `matplotlib.use(B)` / `plt.switch_backend(B)` of an
    interactive backend accepted without a screen: the figures stay on Agg, said once on stderr."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    for name, call in _headless_pyplot(figures_dir, program).items():
        setattr(plt, name, call)
    noted = []

    def screenless(original):
        def use(backend, *args, **kwargs):
            name = str(backend).lower()
            if name in _OFF_SCREEN_BACKENDS or name.startswith("module://"):
                return original(backend, *args, **kwargs)
            if not noted:
                noted.append(backend)
                log.info("note: matplotlib backend %s: %s", backend, INTERACTIVE_BACKENDS_NOTE)
            return None
        use.__wrapped__ = original
        return use
    if not hasattr(matplotlib.use, "__wrapped__"):
        matplotlib.use = screenless(matplotlib.use)
        plt.switch_backend = screenless(plt.switch_backend)


# ---------------------------------------------------------------------------------------------
# Where the user's code is; tracebacks without rnn_tf1's frames.

_LIBRARY: tuple[str, ...] | None = None


def is_library_file(filename: str) -> bool:
    """A file of Python, of an installed package or of rnn_tf1: not the project's own code."""
    global _LIBRARY
    if _LIBRARY is None:
        paths = sysconfig.get_paths()
        roots = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
        roots.add(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep + "rnn_tf1")
        _LIBRARY = tuple(os.path.join(os.path.realpath(p), "") for p in roots if p)
    return filename.startswith("<") or os.path.realpath(filename).startswith(_LIBRARY)


def user_location(tb, folder: str, fallback: str) -> str:
    """file:line of the deepest frame of the project that led here: a file under `folder` that is
    not Python's, a package's or rnn_tf1's (else the deepest such file anywhere, as a test module
    beside the project); the file relative to the current folder when under it."""
    folder = os.path.join(os.path.abspath(folder), "")
    inside = anywhere = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not is_library_file(filename):
            anywhere = (filename, tb.tb_lineno)
            if os.path.abspath(filename).startswith(folder):
                inside = anywhere
        tb = tb.tb_next
    where = inside or anywhere
    if where is None:
        return fallback
    filename, line = where
    if os.path.isabs(filename) and os.path.abspath(filename).startswith(os.path.join(os.getcwd(), "")):
        filename = os.path.relpath(filename, os.getcwd())
    return f"{filename}:{line}"


def trimmed_traceback(exc: BaseException, first_file: str) -> str:
    """Python's traceback of `exc` as `python PROGRAM` prints it: in each exception of the chain,
    the frames before the program's first one (runpy's, rnn_tf1's) are cut off."""
    report = traceback.TracebackException.from_exception(exc)
    seen = set()
    chain = [report]
    while chain:
        part = chain.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        frames = list(part.stack)
        first = next((i for i, f in enumerate(frames) if os.path.abspath(f.filename) == first_file), None)
        if first is None:  # not through the program's file: drop the launcher's own frames only
            first = next((i for i, f in enumerate(frames) if not _is_launcher_frame(f.filename)), 0)
        part.stack = traceback.StackSummary.from_list(frames[first:])
        chain += [c for c in (part.__cause__, part.__context__) if c is not None]
    return "".join(report.format())


def _is_launcher_frame(filename: str) -> bool:
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.abspath(filename).startswith(here + os.sep) or filename.endswith(("runpy.py", "cli.py")) \
        or filename.startswith("<frozen runpy")


def tf1_errors() -> tuple[type, ...]:
    from rnn_tf1.tf1.namespace import TF1ModuleMissing, TF1NameMissing
    return TF1NameMissing, TF1ModuleMissing


def one_line(exc: BaseException, folder: str, fallback: str) -> str:
    """The line for a TF1 name not provided: the project's file:line, then the error's message."""
    return f"{user_location(exc.__traceback__, folder, fallback)}: {exc}"


# ---------------------------------------------------------------------------------------------
# Test runners: a TF1 name not provided fails a test with one line.

def _unittest_rule() -> None:
    """unittest's (and absltest's, tf.test.main's) failure text for a TF1 name not provided: the
    one line, without the frames inside rnn_tf1."""
    import unittest.result
    result_class = unittest.result.TestResult
    original = result_class._exc_info_to_string
    if getattr(original, "_rnn_tf1", False):
        return

    def _exc_info_to_string(self, err, test):
        exctype, value, tb = err
        if isinstance(value, tf1_errors()):
            return one_line(value, os.getcwd(), "") + "\n"
        return original(self, err, test)
    _exc_info_to_string._rnn_tf1 = True
    result_class._exc_info_to_string = _exc_info_to_string


def _pytest_rule() -> None:
    """pytest loads PYTEST_PLUGIN (its report of a TF1 name not provided is the one line): added to
    its default plugins now if pytest is loaded, else when `_pytest.config` is first imported."""
    config = sys.modules.get("_pytest.config")
    if config is not None:
        if PYTEST_PLUGIN not in config.default_plugins:
            config.default_plugins = (*config.default_plugins, PYTEST_PLUGIN)
        return
    from rnn_tf1.launch.hook import after_import
    after_import("_pytest.config", lambda module: _pytest_rule())


# ---------------------------------------------------------------------------------------------
# The shared path.

def start_report(settings: Settings, program: str):
    """(recorder, paths) for --report, the paths checked before the program runs; (None, None) without."""
    if settings.report is None:
        return None, None
    from rnn_tf1.tf1 import report as tf1_report
    paths = tf1_report.report_paths(settings.report, settings.report_format)
    tf1_report.check_report_paths(paths, force=settings.force)
    return tf1_report.Recorder(program), paths


def prepare(settings: Settings, program: str):
    """Everything before the program's first line; returns the report's (recorder, paths)."""
    figures_dir = settings.figures_dir or os.getcwd()
    if not os.path.isdir(figures_dir):
        raise UsageError(f"--figures {figures_dir}: no such folder")
    recorder, paths = start_report(settings, program)
    own_logging()
    headless_pyplot(figures_dir, program)
    from rnn_tf1 import tf1
    tf1.install(seed=settings.seed, data_dir=settings.data_dir)
    if recorder is not None:
        recorder.attach(sys.modules.values())
    tf_notices()
    _unittest_rule()
    _pytest_rule()
    return recorder, paths


def run_main(execute: Callable[[], None], *, program: str, first_file: str | Callable[[], str], project: str,
             recorder=None, report_paths=None, settings: Settings | None = None,
             command: list[str] | None = None) -> int:
    """Run `execute` (the program's code as __main__) with the rules every form keeps; returns its
    exit status.  `first_file`: the program's own file (tracebacks start there); `project`: the
    folder of the project's own code (the one line names its file:line)."""
    status = 1  # unless the program ends
    try:
        execute()
        status = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            status = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
    except tf1_errors() as exc:
        if recorder is not None:
            recorder.failed(exc)
        raise UserError(one_line(exc, project, program)) from None
    except UserError:  # the launcher's own one line (run -m: no such module; Python 2 code no rule translates)
        raise
    except KeyboardInterrupt as exc:
        status = 130
        if recorder is not None:
            recorder.failed(exc)
        raise
    except Exception as exc:  # the program's own error: its traceback, as python would print it
        sys.stdout.flush()
        sys.stderr.write(trimmed_traceback(exc, first_file() if callable(first_file) else first_file))
        if recorder is not None:
            recorder.failed(exc)
    finally:
        sys.stdout.flush()
        if recorder is not None:  # whatever the exit status
            from rnn_tf1.tf1 import report as tf1_report
            log.info("%s", tf1_report.write_report(recorder, report_paths, settings.report_format,
                                                   command or [program], status))
    return status


def main_module(**names) -> "types.ModuleType":
    """A fresh `__main__` module in sys.modules (as Python makes it), with `names` set."""
    import builtins
    import types
    main = types.ModuleType("__main__")
    main.__dict__.update({"__builtins__": builtins, "__doc__": None, **names})
    sys.modules["__main__"] = main
    return main


def enable_for_children(settings: Settings) -> None:
    """Python processes this one starts (multiprocessing's spawn children, a subprocess running
    this environment's Python) get the TF1 environment too, with the same settings but no report
    (the report is this process's)."""
    os.environ.update(child_environment(dataclasses.replace(settings, report=None)))
