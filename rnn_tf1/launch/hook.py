"""The start-up hook's work in a Python process under `rnn-tf1 exec` (startup/sitecustomize.py
calls `find_spec` on the process's first `import tensorflow`, and on pytest's configuration module).

On `import tensorflow`: the TF1 environment is installed with the run's settings (HOOK_VARIABLE,
common.Settings) as `rnn-tf1 run` installs it (common.prepare), and the import gives TF 1.x's API.
The process then keeps Python's own rules (its exit status, its tracebacks), except that an uncaught
TF1 name not provided ends with the one line `rnn-tf1: error: FILE:LINE: NAME is not provided ...`
(exit status 1, as Python's for an uncaught error).  With --report, each such process writes its
own report, PATH's stem + `.PID` + suffix (migrate.md -> migrate.4242.md and migrate.4242.json),
at its exit; its status there is 1 after an uncaught error, else 0.

A process that imported rnn_tf1 itself (rnn-tf1's own commands, its kernel) is left alone: it
sets up what it needs (`disable`).
"""
from __future__ import annotations

import atexit
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

from rnn_tf1.errors import UserError
from rnn_tf1.launch import common

_state = {"disabled": False, "installed": False}


def disable() -> None:
    """This process is rnn-tf1's own (its command line, its kernel): the hook does nothing here."""
    _state["disabled"] = True
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_RnnTf1StartupFinder"]


def _remove(finder) -> None:
    try:
        sys.meta_path.remove(finder)
    except ValueError:
        pass


def _other_spec(name: str, path, target, skip) -> importlib.machinery.ModuleSpec | None:
    for finder in sys.meta_path:
        if finder is skip or not hasattr(finder, "find_spec"):
            continue
        spec = finder.find_spec(name, path, target)
        if spec is not None:
            return spec
    return None


class _Installed(importlib.abc.Loader):
    """Loads `tensorflow` as the TF1 module install() put in sys.modules."""

    def __init__(self, module) -> None:
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        pass


def find_spec(finder, name: str, path, target=None):
    if _state["disabled"]:
        _remove(finder)
        return None
    if name == "_pytest.config":
        return after_import_spec(name, path, target, lambda module: common._pytest_rule(), skip=finder)
    _remove(finder)  # tensorflow: once per process
    if _state["installed"] or not _complete():
        return None
    _state["installed"] = True
    settings = common.Settings.from_env(os.environ.get(common.HOOK_VARIABLE, ""))
    module = install(settings)
    spec = importlib.util.spec_from_loader("tensorflow", _Installed(module), is_package=True)
    spec.submodule_search_locations = list(module.__path__)
    return spec


def _complete() -> bool:
    """This Python has what the TF1 environment needs (a Python that reaches rnn_tf1 through
    PYTHONPATH but lacks its packages is left alone, silently)."""
    return all(importlib.util.find_spec(name) is not None for name in ("matplotlib", "numpy", "tf_keras"))


def install(settings: common.Settings):
    """The TF1 environment in this process, as `run` installs it; returns the `tensorflow` module."""
    program = sys.argv[0] if sys.argv and sys.argv[0] not in ("", "-c", "-m") else "python"
    report = settings.report
    if report:
        stem, ext = os.path.splitext(report)
        settings.report = f"{stem}.{os.getpid()}{ext}"
    try:
        recorder, paths = common.prepare(settings, program)
    except UserError as exc:  # this process's report cannot be written: say so, run without it
        sys.stderr.write(f"rnn-tf1: note: no report for process {os.getpid()}: {exc}\n")
        settings.report = None
        recorder, paths = common.prepare(settings, program)
    _one_line_for_uncaught(recorder, paths, settings, program)
    return sys.modules["tensorflow"]


def _one_line_for_uncaught(recorder, paths, settings, program) -> None:
    failed = []
    original = sys.excepthook

    def excepthook(exctype, value, tb):
        failed.append(value)
        if recorder is not None:
            recorder.failed(value)
        if isinstance(value, common.tf1_errors()):
            sys.stdout.flush()
            sys.stderr.write(f"rnn-tf1: error: {common.one_line(value, os.getcwd(), program)}\n")
            return
        original(exctype, value, tb)
    sys.excepthook = excepthook
    if recorder is not None:
        def write() -> None:
            from rnn_tf1.tf1 import report as tf1_report
            common.log.info("%s", tf1_report.write_report(recorder, paths, settings.report_format,
                                                          list(sys.orig_argv), 1 if failed else 0))
        atexit.register(write)


class _AfterImport(importlib.abc.Loader):
    def __init__(self, loader, then) -> None:
        self.loader, self.then = loader, then

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        self.loader.exec_module(module)
        self.then(module)


def after_import_spec(name: str, path, target, then, skip=None):
    """The spec other finders give `name`, its loader calling `then(module)` once it has run."""
    spec = _other_spec(name, path, target, skip)
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return spec
    spec.loader = _AfterImport(spec.loader, then)
    return spec


class _Watch(importlib.abc.MetaPathFinder):
    """Calls `then(module)` after the first import of `name` (a finder first on sys.meta_path)."""

    def __init__(self, name: str, then) -> None:
        self.name, self.then = name, then

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        _remove(self)
        return after_import_spec(name, path, target, self.then, skip=self)


def after_import(name: str, then) -> None:
    sys.meta_path.insert(0, _Watch(name, then))
