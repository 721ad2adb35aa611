"""`rnn-tf1 run -m MODULE [-- ARGS]`: what `python -m MODULE ARGS` does, in the TF1 environment.

As Python starts a module (runpy's `_run_module_as_main`): the current folder first on `sys.path`
before the module is looked for; a package runs its `__main__`; the code runs as `__main__` in a
fresh module of that name with `__spec__` (so relative imports and multiprocessing's spawn work),
`__file__`, `__package__`, `__loader__` and `__cached__` as Python sets them; `sys.argv[0]` is the
module's file and the rest are ARGS.  Python's own messages for a module it cannot run become one
line (`No module named X`, `No module named pkg.__main__; 'pkg' is a package and cannot be
directly executed`), exit status 1.  Around it, every rule of `run SCRIPT` (common.py): TF 1.x's
API, the one line for a TF1 name not provided naming the project's file:line (relative to the
current folder), tracebacks from the module's first frame, the report.  Test runners started this
way (`-m pytest`, `-m unittest`) keep their own counts and exit status.
"""
from __future__ import annotations

import importlib.util
import os
import runpy
import sys

from rnn_tf1.errors import UserError
from rnn_tf1.launch import common


class NoSuchModule(UserError):
    """Python's own words for a module `-m` cannot run; exit status 1, as `python -m` gives."""

    label = ""


def module_details(name: str):
    """(name, spec, code) of what `python -m NAME` runs, or NoSuchModule with Python's message."""
    class _Error(ImportError):
        pass
    try:
        return runpy._get_module_details(name, _Error)  # Python's own lookup and messages
    except _Error as exc:
        raise NoSuchModule(str(exc)) from None
    # Any other error importing a parent package goes on, as under python (its traceback, or the
    # one line for a TF1 name not provided).


def _not_found(name: str) -> str | None:
    """Python's message when `name` (or a package's __main__) is surely not there, looked up on
    sys.path without importing anything (a package's own code may import tensorflow); None when
    it is there or only an import can tell (then Python's own lookup decides, after install)."""
    import importlib.machinery
    parts = name.split(".")
    locations = None
    for depth in range(1, len(parts) + 1):
        dotted = ".".join(parts[:depth])
        if dotted in sys.modules:
            locations = getattr(sys.modules[dotted], "__path__", None)
            spec = getattr(sys.modules[dotted], "__spec__", None)
        else:
            try:
                spec = importlib.machinery.PathFinder.find_spec(dotted, locations)
            except (ImportError, ValueError):
                return None
            if spec is None:
                if depth == 1 and importlib.util.find_spec(dotted) is not None:  # another finder has it
                    return None
                if depth == len(parts):
                    return f"No module named {name}"
                return (f"Error while finding module specification for {name!r} "
                        f"(ModuleNotFoundError: No module named {dotted!r})")
            locations = spec.submodule_search_locations
        if locations is None and depth < len(parts):
            return None  # a module, not a package, holding a submodule: Python's lookup will say
    if locations is not None:  # a package: python -m runs its __main__
        main_spec = importlib.machinery.PathFinder.find_spec(name + ".__main__", locations)
        if main_spec is None:
            return (f"No module named {name}.__main__; {name!r} is a package and cannot be directly "
                    "executed")
    return None


def run_module(name: str, module_args: list[str], settings: common.Settings, command: list[str],
               python2: bool = False) -> int:
    """Run module `name` as __main__ in the TF1 environment; returns its exit status."""
    if not name or name.startswith(".") or name.endswith("."):
        raise NoSuchModule("Relative module names not supported" if name.startswith(".") else
                           f"No module named {name!r}")
    cwd = os.getcwd()
    sys.path[0] = cwd  # python -m: the current folder first, in place of rnn-tf1's own entry
    sys.argv = ["-m", *module_args]  # what Python shows while the module is being found
    missing = _not_found(name)  # a module that is nowhere: one line before TensorFlow loads
    if missing:
        raise NoSuchModule(missing)
    recorder, report_paths = common.prepare(settings, name)
    common.enable_for_children(settings)
    from rnn_tf1.py2 import importer as py2
    py2.install(cwd, python2)  # the project's own Python-2 modules translated as they are imported
    found = {}

    def execute() -> None:
        # Python's lookup imports the parent packages: their code runs in the TF1 environment, and
        # a TF1 name not provided there is the one line too.
        mod_name, spec, code = module_details(name)
        found["file"] = os.path.abspath(spec.origin) if spec.origin else ""
        sys.argv[0] = spec.origin if spec.origin else "-m"
        main = common.main_module(__name__="__main__", __file__=spec.origin, __cached__=spec.cached,
                                  __loader__=spec.loader, __package__=spec.parent, __spec__=spec)
        exec(code, main.__dict__)

    return common.run_main(execute, program=name, first_file=lambda: found.get("file", ""), project=cwd,
                           recorder=recorder, report_paths=report_paths, settings=settings, command=command)
