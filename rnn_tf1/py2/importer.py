"""Running a program's own files with Python 2's meaning: the script, and each module it imports
from its own folder tree (an import hook), translated in memory when they are Python 2 code.

A translated file runs with its own builtins (`__builtins__` in its globals): Python 3's, with
Python 2's `__import__`, which tries a package's sibling module first (`import memory` inside a
package meant its sibling, unless `from __future__ import absolute_import`), and gives Python 2's
pickle for `import pickle`.  Files that compile as Python 3 run as they are; the Python 2 names
they use (`xrange`, `unicode`, ...) are builtins here, announced once each (FALLBACK_NAMES).
"""
from __future__ import annotations

import ast
import builtins
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import re
import sys
import types
from typing import Any

from rnn_tf1.py2 import modules, rules, runtime, translate

log = logging.getLogger(__name__)

# Python 2 builtins a Python-3 file may still use: name -> what it is here.
FALLBACK_NAMES = {"xrange": "range", "raw_input": "input", "unicode": "str", "long": "int",
                  "basestring": "(str, bytes)", "reduce": "functools.reduce", "unichr": "chr",
                  "cmp": "Python 2's cmp", "execfile": "Python 2's execfile", "file": "open"}


class Session:
    """What this process translated: per file, its Translation (for the note, --report and
    --show-translation); the folders whose modules are the program's own."""

    def __init__(self) -> None:
        self.translations: dict[str, translate.Translation] = {}
        self.roots: list[str] = []
        self.noted_names: set[str] = set()
        self.python2 = False  # `rnn-tf1 run --python2`: the program's own files are Python 2 (the user says so)
        self.hinted = False


SESSION_HINT = ("if this program is Python 2 code that happens to compile as Python 3, `rnn-tf1 run --python2` "
                "runs its own files with Python 2's meaning (integer division, lists, printing)")


SESSION = Session()


def _note_translation(filename: str, t: translate.Translation) -> None:
    log.info("note: %s is Python 2 code; running it with Python 2's meaning (%s)",
             os.path.basename(filename), t.summary() or "no construct changed")
    ordered = [c.line for c in t.constructs if c.rule.endswith(f"({rules.ORDER_DETAIL})")]
    if ordered:  # what Python 2 left to chance cannot come back: said where it can be seen
        log.info("note: %s:%d iterates a dict in its order: Python 2's was the hash table's, Python 3's is "
                 "insertion order; values that depend on it can differ from Python 2's (docs/python2.md, the limits)",
                 os.path.basename(filename), ordered[0])


def evidence(source: str, filename: str) -> str | None:
    """translate.evidence, or with `--python2` any file Python 2's grammar parses."""
    why = translate.evidence(source, filename)
    if why is None and SESSION.python2 and translate.parses_as_python2(source):
        why = "rnn-tf1 run --python2"
    return why


def _hint() -> None:
    """Once, for a program none of whose files was seen to be Python 2."""
    if not SESSION.hinted and not SESSION.python2 and not SESSION.translations:
        SESSION.hinted = True
        log.info("note: %s", SESSION_HINT)


# A file none of whose words is such a name needs no parse: most of a project's files.
_FALLBACK_WORD = re.compile(r"\b(?:%s)\b" % "|".join(FALLBACK_NAMES))


def _note_fallbacks(source: str, filename: str) -> None:
    """A Python-3 file that uses a Python 2 builtin it does not define: one note per name."""
    if not _FALLBACK_WORD.search(source):
        return
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return
    bound, used = set(), []  # one walk: the names the file binds, and its loads of fallback names in order
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                bound.add(node.id)
            elif node.id in FALLBACK_NAMES:
                used.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {a.asname or a.name for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    for node in used:
        if node.id not in bound and node.id not in SESSION.noted_names:
            SESSION.noted_names.add(node.id)
            log.info("note: %s:%d uses %s, Python 2's name; it is %s here", os.path.basename(filename),
                     node.lineno, node.id, FALLBACK_NAMES[node.id])
            _hint()


def code_for(source: str, filename: str, why: str | None = None):
    """(code, translation or None) for a program's file: translated if Python 2, with the note."""
    why = why or evidence(source, filename)
    if why is None:
        _note_fallbacks(source, filename)
        return compile(source, filename, "exec", dont_inherit=True), None
    try:
        t = translate.translate(source, filename, why)
    except SyntaxError as exc:  # a construct no rule translates: one line naming the file
        from rnn_tf1.errors import UserError
        raise UserError(f"{filename}: Python 2 code that rnn-tf1 cannot translate: {exc}") from None
    SESSION.translations[os.path.abspath(filename)] = t
    _note_translation(filename, t)
    return compile(t.source, filename, "exec", dont_inherit=True), t


def python2_builtins(absolute_import: bool = False) -> dict[str, Any]:
    """Builtins of a translated file: Python 3's, with Python 2's `__import__`."""
    real_import = builtins.__import__

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002 (Python's names)
        if level == 0 and globals and not absolute_import:
            package = globals.get("__package__")
            if package:
                try:
                    sibling = importlib.util.find_spec(f"{package}.{name.partition('.')[0]}")
                except (ImportError, ValueError):
                    sibling = None
                if sibling is not None:  # Python 2's implicit relative import
                    return real_import(name, globals, locals, fromlist, 1)
        if level == 0 and name == "pickle":
            return sys.modules.setdefault("rnn_tf1.py2.pickle", modules.pickle_module("pickle"))
        return real_import(name, globals, locals, fromlist, level)

    return {**vars(builtins), "__import__": __import__}


def _absolute_import(source: str) -> bool:
    from fissix.refactor import _detect_future_features
    return "absolute_import" in _detect_future_features(source)


class Py2Loader(importlib.machinery.SourceFileLoader):
    """A Python-2 module of the program: translated from its source at each import (never cached
    in __pycache__, where a Python-3 run would find it)."""

    def __init__(self, fullname, path, source, why):
        super().__init__(fullname, path)
        self._source, self._why = source, why

    def get_code(self, fullname):
        return code_for(self._source, self.path, self._why)[0]

    def exec_module(self, module):
        module.__dict__["__builtins__"] = python2_builtins(_absolute_import(self._source))
        super().exec_module(module)


class Py2SourceFinder(importlib.abc.MetaPathFinder):
    """Before Python's path finder: a module of the program's own folders that is Python 2."""

    def find_spec(self, fullname, path=None, target=None):
        mine = [p for p in (sys.path if path is None else path)
                if isinstance(p, str) and any(os.path.join(os.path.abspath(p or "."), "").startswith(r)
                                              for r in SESSION.roots)]
        if not mine:  # not the program's own folders: Python's finders alone
            return None
        if path is None and mine[0] != sys.path[0]:
            return None  # a top-level module comes from the program's folders only where Python looks first
        spec = importlib.machinery.PathFinder.find_spec(fullname, mine)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        origin = os.path.abspath(spec.origin)
        if not any(origin.startswith(root) for root in SESSION.roots):
            return None
        try:
            with open(origin, "rb") as fh:
                source = fh.read().decode("utf-8", errors="replace")
        except OSError:
            return None
        why = evidence(source, origin)
        if why is None:
            _note_fallbacks(source, origin)
            return None
        spec.loader = Py2Loader(fullname, origin, source, why)
        return spec


def install(root: str | None = None, python2: bool = False) -> None:
    """Python 2's names as fallbacks for every file; the import hook for the program's own folders
    (`python2`: all of them are Python 2, `rnn-tf1 run --python2`)."""
    SESSION.python2 = SESSION.python2 or python2
    runtime.install()
    modules.install()
    for name, value in runtime.BUILTINS.items():
        if name in FALLBACK_NAMES and not hasattr(builtins, name):
            setattr(builtins, name, value)
    if root is not None:
        SESSION.roots.append(os.path.join(os.path.abspath(root), ""))
        if not any(isinstance(f, Py2SourceFinder) for f in sys.meta_path):
            sys.meta_path.insert(0, Py2SourceFinder())


def run_main(path: str, source: str, why: str) -> dict:
    """Run a Python-2 script as __main__ (runpy.run_path's contract); returns its globals."""
    code, _ = code_for(source, path, why)
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=path, __cached__=None, __loader__=None, __package__=None, __spec__=None,
                           __builtins__=python2_builtins(_absolute_import(source)))
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved
    return module.__dict__


def run_path(path: str) -> None:
    """`rnn-tf1 run SCRIPT.py`'s run: translated as __main__ if Python 2, else runpy.run_path."""
    import runpy

    with open(path, "rb") as fh:
        source = fh.read().decode("utf-8", errors="replace")
    why = evidence(source, path)
    if why is None:
        _note_fallbacks(source, path)
        runpy.run_path(path, run_name="__main__")
    else:
        run_main(path, source, why)
