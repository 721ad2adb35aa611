"""Python 2's module names (`cPickle`, `StringIO`, `Queue`, `urllib2`, ...) and the names Python 2's
modules had (`itertools.izip`, `urllib.urlretrieve`, `string.letters`, `sys.maxint`, ...).

Under rnn-tf1 they exist for every file, Python 2 or 3, as fallbacks: only a name Python 3 lacks is
provided (a finder placed after Python's own), each announced once on stderr.  Pickles are read as
Python 2 read them: `cPickle.load` (and `pickle.load` in a Python-2 file) decodes Python 2's `str`
as latin-1 (bytes kept byte for byte, numpy arrays included), reads from a file opened in text mode
(Python 2 on Linux made no difference), and `dump` writes protocol 0 by default, as Python 2 did.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import io
import logging
import pickle as _pickle
import sys
import types
from typing import Any, Callable

log = logging.getLogger(__name__)
_NOTED: set[str] = set()


def note(what: str, instead: str) -> None:
    """One note per Python 2 name and process."""
    if what not in _NOTED:
        _NOTED.add(what)
        log.info("note: %s is Python 2's name; using %s for it", what, instead)
        from rnn_tf1.py2 import importer
        importer._hint()


# ---------------------------------------------------------------------------------------------
# Old pickles


def _binary(file: Any, writing: bool = False) -> Any:
    """The binary stream under a text-mode file (Python 2's `open(path)` read bytes)."""
    if isinstance(file, io.TextIOBase) and hasattr(file, "buffer"):
        if writing:
            file.flush()
        return file.buffer
    return file


def pickle_module(name: str = "cPickle") -> types.ModuleType:
    """`cPickle` / Python 2's `pickle`: Python 3's pickle with Python 2's reading and defaults."""
    module = types.ModuleType(name, "Python 2's pickle: latin-1 str, text-mode files, protocol 0 by default")
    module.__dict__.update({k: v for k, v in vars(_pickle).items() if not k.startswith("__")})

    def load(file, encoding="latin1", errors="strict", **kwargs):
        return _pickle.load(_binary(file), encoding=encoding, errors=errors, **kwargs)

    def loads(data, encoding="latin1", errors="strict", **kwargs):
        if isinstance(data, str):
            data = data.encode("latin1")
        return _pickle.loads(data, encoding=encoding, errors=errors, **kwargs)

    def dump(obj, file, protocol=0, **kwargs):
        return _pickle.dump(obj, _binary(file, writing=True), protocol if protocol >= 0 else 2, **kwargs)

    def dumps(obj, protocol=0, **kwargs):
        return _pickle.dumps(obj, protocol if protocol >= 0 else 2, **kwargs)

    class Unpickler(_pickle.Unpickler):
        def __init__(self, file, encoding="latin1", **kwargs):
            super().__init__(_binary(file), encoding=encoding, **kwargs)

    class Pickler(_pickle.Pickler):
        def __init__(self, file, protocol=0, **kwargs):
            super().__init__(_binary(file, writing=True), protocol if protocol >= 0 else 2, **kwargs)

    module.__dict__.update(load=load, loads=loads, dump=dump, dumps=dumps, Unpickler=Unpickler, Pickler=Pickler,
                           HIGHEST_PROTOCOL=2)
    return module


def _string_io(name: str) -> types.ModuleType:
    module = types.ModuleType(name)

    def StringIO(buf=""):  # noqa: N802  (Python 2's name)
        return io.BytesIO(buf) if isinstance(buf, (bytes, bytearray)) else io.StringIO(buf)
    module.StringIO = StringIO
    module.InputType = module.OutputType = io.StringIO
    return module


def _from(name: str, parts: dict[str, str]) -> types.ModuleType:
    """A module whose names come from Python 3's modules: {name: 'module:attribute'}."""
    module = types.ModuleType(name)
    for attr, where in parts.items():
        mod, _, real = where.partition(":")
        setattr(module, attr, getattr(importlib.import_module(mod), real or attr))
    return module


def _urllib2() -> types.ModuleType:
    names = {n: "urllib.request" for n in ("urlopen", "Request", "build_opener", "install_opener", "ProxyHandler",
                                           "HTTPHandler", "HTTPSHandler", "HTTPCookieProcessor", "OpenerDirector")}
    names.update(URLError="urllib.error", HTTPError="urllib.error")
    return _from("urllib2", names)


def _commands() -> types.ModuleType:
    return _from("commands", {"getoutput": "subprocess", "getstatusoutput": "subprocess"})


# Python 2 module -> Python 3 module name, or a builder of the module.
MODULES: dict[str, str | Callable[[], types.ModuleType]] = {
    "cPickle": lambda: pickle_module("cPickle"), "StringIO": lambda: _string_io("StringIO"),
    "cStringIO": lambda: _string_io("cStringIO"), "Queue": "queue", "ConfigParser": "configparser",
    "urllib2": _urllib2, "urlparse": "urllib.parse", "HTMLParser": "html.parser", "__builtin__": "builtins",
    "httplib": "http.client", "cookielib": "http.cookiejar", "Tkinter": "tkinter", "tkMessageBox": "tkinter.messagebox",
    "commands": _commands, "copy_reg": "copyreg", "SocketServer": "socketserver", "thread": "_thread",
    "htmlentitydefs": "html.entities", "repr": "reprlib",
}

# Names Python 2's modules had that Python 3's lack: module -> {name: 'module:attribute' or value}.
ATTRIBUTES: dict[str, dict[str, Any]] = {
    "itertools": {"izip": "builtins:zip", "imap": "builtins:map", "ifilter": "builtins:filter",
                  "izip_longest": "itertools:zip_longest", "ifilterfalse": "itertools:filterfalse"},
    "urllib": {"urlretrieve": "urllib.request:urlretrieve", "urlopen": "urllib.request:urlopen",
               "urlencode": "urllib.parse:urlencode", "quote": "urllib.parse:quote",
               "unquote": "urllib.parse:unquote", "quote_plus": "urllib.parse:quote_plus",
               "unquote_plus": "urllib.parse:unquote_plus", "urlcleanup": "urllib.request:urlcleanup"},
    "string": {"letters": "string:ascii_letters", "lowercase": "string:ascii_lowercase",
               "uppercase": "string:ascii_uppercase", "maketrans": "builtins:str.maketrans"},
    "sys": {"maxint": "sys:maxsize"},
    "os": {"getcwdu": "os:getcwd"},
}


def _resolve(where: str) -> Any:
    mod, _, attr = where.partition(":")
    value = importlib.import_module(mod)
    for part in attr.split("."):
        value = getattr(value, part)
    return value


def _attribute_fallback(module_name: str, module: types.ModuleType) -> None:
    names = ATTRIBUTES[module_name]
    previous = module.__dict__.get("__getattr__")
    if getattr(previous, "_py2_fallback", False):
        return

    def __getattr__(attr):  # PEP 562: called only for names the module lacks
        if attr in names:
            note(f"{module_name}.{attr}", names[attr].replace(":", "."))
            return _resolve(names[attr])
        if previous is not None:
            return previous(attr)
        raise AttributeError(f"module {module_name!r} has no attribute {attr!r}")
    __getattr__._py2_fallback = True
    module.__getattr__ = __getattr__


class Py2ModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """After Python's finders: a Python 2 module name Python 3 lacks gives its Python 3 module."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        made = MODULES[spec.name]
        if callable(made):
            module = made()
            what = "pickle, reading Python 2 pickles" if "Pickle" in spec.name else "io" if "StringIO" in spec.name \
                else spec.name
            note(f"import {spec.name}", f"Python 3's {what}")
        else:
            module = importlib.import_module(made)
            note(f"import {spec.name}", made)
        return module

    def exec_module(self, module):
        pass


def install() -> None:
    """The fallback modules (after Python's own finders) and the fallback attributes."""
    if not any(isinstance(f, Py2ModuleFinder) for f in sys.meta_path):
        sys.meta_path.append(Py2ModuleFinder())
    for name in ATTRIBUTES:
        _attribute_fallback(name, importlib.import_module(name))
