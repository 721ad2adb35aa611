"""The module objects that stand in for TF 1.x's modules, and the errors for names they lack.

A `Namespace` is a module in `sys.modules` (`tensorflow`, `tensorflow.contrib.rnn`, ...): its own
names first, then those of `source` (for `tensorflow`: `tf.compat.v1`); a name it lacks raises
`TF1NameMissing`, never a bare AttributeError deep inside TensorFlow.  A namespace built from a
`loader` fills itself on first use, so a script pays only for the TF1 modules it touches (tf-slim is
imported by the first `tf.contrib.layers.X`, not by every `rnn-tf1 run`).

Under `rnn-tf1 run --report` (only then) the namespaces become `RecordingNamespace`s and the real
TensorFlow modules the script reaches through them (`tf.train`, `tf.nn.rnn_cell`) come wrapped in a
`RecordingModule`, so that every dotted name the script's own code reaches is told to the run's
recorder (rnn_tf1/tf1/report.py); a run without --report uses plain Namespaces, as before.
"""
from __future__ import annotations

import importlib.abc
import sys
import types
from typing import Any, Callable, Mapping

from rnn_tf1.tf1.hints import hint_for


class TF1NameMissing(AttributeError):
    """A TF 1.x name the environment does not provide; `.tf1_name` is its dotted name."""

    def __init__(self, dotted: str) -> None:
        self.tf1_name = dotted
        hint = hint_for(dotted)
        super().__init__(f"{dotted} is not provided by rnn-tf1's TF1 environment"
                         + (f"; {hint}" if hint else ""))


class TF1ModuleMissing(ModuleNotFoundError):
    """`import tensorflow.contrib.X` of a module the environment does not provide."""

    def __init__(self, dotted: str) -> None:
        self.tf1_name = dotted
        super().__init__(str(TF1NameMissing(dotted)))
        # name=None: the import system must not take this for "no submodule, try an attribute"
        # and swallow it; the script sees this message.
        self.name = None


class Namespace(types.ModuleType):
    """A module whose own attributes come first, then those of `source`; any other name is a
    TF1NameMissing naming it.  `loader()`, if given, returns the own names on first use."""

    def __init__(self, name: str, source: Any = None, loader: Callable[[], Mapping[str, Any]] | None = None,
                 **own: Any) -> None:
        super().__init__(name)
        self._source = source
        self._loader = loader
        self.__dict__.update(own)

    def _load(self) -> bool:
        loader, self._loader = self._loader, None
        if loader is None:
            return False
        self.__dict__.update(loader())
        return True

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if self._load() and attr in self.__dict__:
            return self.__dict__[attr]
        if self._source is not None:
            try:
                return getattr(self._source, attr)
            except AttributeError:
                pass
        raise TF1NameMissing(f"{self.__name__}.{attr}")

    def __dir__(self) -> list[str]:
        self._load()
        return sorted(set(self.__dict__) | set(dir(self._source) if self._source is not None else ()))


class MissingModuleFinder(importlib.abc.MetaPathFinder):
    """`import tensorflow.contrib.X` / `tensorflow.examples.X` / `tensorflow.estimator.X` for X not
    provided: a clear error."""

    PREFIXES = ("tensorflow.contrib.", "tensorflow.examples.", "tensorflow.estimator.")

    def find_spec(self, fullname: str, path, target=None):
        if fullname.startswith(self.PREFIXES) and fullname not in sys.modules:
            raise TF1ModuleMissing(fullname)
        return None


class RecordingNamespace(Namespace):
    """A Namespace that tells its `_recorder` each public name the script's code reaches through it,
    found in its own names or in `source` (rnn-tf1 run --report).  `Recorder.attach` turns the
    installed Namespaces into these; `_recorder.reached` decides what is the script's code and what
    to hand back (the value itself, or a RecordingModule around a real module)."""

    _recorder: Any

    def __getattribute__(self, attr: str) -> Any:
        value = super().__getattribute__(attr)  # a miss goes on to __getattr__ below
        if attr[:1] == "_":
            return value
        return super().__getattribute__("_recorder").reached(self.__name__, attr, value, sys._getframe(1))

    def __getattr__(self, attr: str) -> Any:
        if attr[:1] == "_":
            return super().__getattr__(attr)
        try:
            value = super().__getattr__(attr)
        except TF1NameMissing as exc:
            self._recorder.missing(exc.tf1_name, sys._getframe(1))
            raise
        return self._recorder.reached(self.__name__, attr, value, sys._getframe(1))


class RecordingModule(types.ModuleType):
    """A real TensorFlow module as the script reached it (`tf.train` is tf.compat.v1.train): every
    attribute is the module's own, and each public one the script's code reaches is recorded under
    `dotted` + name (`tensorflow.train.GradientDescentOptimizer`).  Setting an attribute sets it on
    the module, as on the module itself."""

    def __init__(self, dotted: str, target: types.ModuleType, recorder: Any) -> None:
        super().__init__(getattr(target, "__name__", dotted), getattr(target, "__doc__", None))
        object.__setattr__(self, "_rnn_tf1_dotted", dotted)
        object.__setattr__(self, "_rnn_tf1_target", target)
        object.__setattr__(self, "_rnn_tf1_recorder", recorder)

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._rnn_tf1_target, attr)
        if attr[:1] == "_":
            return value
        return self._rnn_tf1_recorder.reached(self._rnn_tf1_dotted, attr, value, sys._getframe(1))

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._rnn_tf1_target, attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self._rnn_tf1_target, attr)

    def __dir__(self) -> list[str]:
        return dir(self._rnn_tf1_target)

    def __repr__(self) -> str:
        return repr(self._rnn_tf1_target)
