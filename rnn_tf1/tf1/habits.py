"""numpy 1's habits that TF1-era code has and numpy 2 refuses, made to work under `rnn-tf1 run`.

TF1-era scripts call names numpy 2 removed (`np.float`, `np.int`, `np.asscalar`, `np.product`, ...)
and keywords it dropped (`np.reshape(a, newshape=...)`), and build object arrays of ragged nested
sequences, which numpy 1 did (with a warning from 1.20) and numpy 1.24 and 2 refuse.  `install(env)` (called by
`rnn_tf1.tf1.install`, so by `rnn-tf1 run` and never by `rnn-tf1 train`) gives them back with
numpy 1's meaning, each announced once on stderr the first time the script uses it, with what
numpy 2 code writes instead; numpy scalars print as numpy 1 printed them (`0.124`, not
`np.float32(0.124)`).  Only what numpy 2.x really lacks or refuses is given back: `np.bool`
and `np.long` still exist (as numpy scalar types) and are left alone.

TF 2 / numpy 2: the replacement each note names (`float`, `np.float64`, `a.item()`, `np.prod`, ...).
"""
from __future__ import annotations

import functools
import logging
import warnings
from typing import Any, Callable

log = logging.getLogger(__name__)

_NOTED: set[str] = set()


def _note(habit: str, instead: str) -> None:
    """One note per habit and process: the first use of `habit` names what numpy 2 writes instead."""
    if habit not in _NOTED:
        _NOTED.add(habit)
        log.info("numpy 1 habit: %s is gone from numpy 2; using %s for it", habit, instead)


def _removed_names(np) -> dict[str, tuple[Any, str]]:
    """numpy 1 name -> (what it was, how numpy 2 code says it)."""

    def asscalar(a):
        # numpy 1's np.asscalar(a): a.item(), the Python scalar of a size-1 array
        return a.item()

    def in1d(ar1, ar2, assume_unique=False, invert=False, **kwargs):
        # numpy 1's np.in1d: np.isin on the flattened first array, always 1-D
        return np.isin(np.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert, **kwargs)

    def msort(a):
        # numpy 1's np.msort: sorted along the first axis
        return np.sort(a, axis=0)

    def asfarray(a, dtype=np.float64):
        # numpy 1's np.asfarray: an inexact array (float64 unless an inexact dtype is asked for)
        dtype = np.dtype(dtype)
        return np.asarray(a, dtype=dtype if np.issubdtype(dtype, np.inexact) else np.float64)

    return {
        # numpy 1's aliases of Python's builtins (deprecated in 1.20, removed in 1.24)
        "float": (float, "float"), "int": (int, "int"), "object": (object, "object"),
        "complex": (complex, "complex"), "str": (str, "str"), "unicode": (str, "str"),
        # numpy 1's aliases of numpy's own types and constants (removed in 2.0)
        "float_": (np.float64, "np.float64"), "complex_": (np.complex128, "np.complex128"),
        "cfloat": (np.complex128, "np.complex128"), "longfloat": (np.longdouble, "np.longdouble"),
        "string_": (np.bytes_, "np.bytes_"), "unicode_": (np.str_, "np.str_"),
        "int0": (np.intp, "np.intp"), "uint0": (np.uintp, "np.uintp"), "bool8": (np.bool_, "np.bool_"),
        "object0": (np.object_, "np.object_"),
        "Inf": (np.inf, "np.inf"), "Infinity": (np.inf, "np.inf"), "infty": (np.inf, "np.inf"),
        "PINF": (np.inf, "np.inf"), "NINF": (-np.inf, "-np.inf"), "NaN": (np.nan, "np.nan"),
        # numpy 1's functions numpy 2 removed
        "asscalar": (asscalar, "a.item()"), "product": (np.prod, "np.prod"),
        "cumproduct": (np.cumprod, "np.cumprod"), "alltrue": (np.all, "np.all"),
        "sometrue": (np.any, "np.any"), "round_": (np.round, "np.round"), "in1d": (in1d, "np.isin"),
        "msort": (msort, "np.sort(a, axis=0)"), "asfarray": (asfarray, "np.asarray(a, dtype=np.float64)"),
        "trapz": (np.trapezoid, "np.trapezoid"), "mat": (np.asmatrix, "np.asmatrix"),
    }


def _reshape_with_newshape(reshape: Callable) -> Callable:
    @functools.wraps(reshape)
    def reshape_tf1(a, *args, **kwargs):
        # numpy 1's np.reshape(a, newshape=...): numpy 2.4 knows the shape only as `shape`
        if "newshape" in kwargs:
            if args or "shape" in kwargs:
                raise TypeError("reshape() got the shape twice (newshape= and shape)")
            _note("np.reshape(a, newshape=...)", "np.reshape(a, shape=...)")
            kwargs["shape"] = kwargs.pop("newshape")
        return reshape(a, *args, **kwargs)

    reshape_tf1.rnn_tf1_habit = True
    return reshape_tf1


def _array_ragged_as_object(array: Callable) -> Callable:
    @functools.wraps(array)
    def array_tf1(obj, *args, **kwargs):
        # numpy 1 (before 1.24) made an object array of ragged nested sequences
        # (`np.array(list(zip(x_train, y_train)))` in a text classifier's batch_iter); numpy 2 refuses.
        try:
            return array(obj, *args, **kwargs)
        except ValueError as exc:
            if args or kwargs.get("dtype") is not None or "inhomogeneous" not in str(exc):
                raise
        _note("np.array(ragged nested sequences) making an object array",
              "np.array(x, dtype=object)")
        return array(obj, dtype=object, **kwargs)

    array_tf1.rnn_tf1_habit = True
    return array_tf1


def install(env=None) -> None:
    """Give numpy 1's removed names and keywords back, in this process (idempotent)."""
    import numpy as np

    numpy_getattr = np.__dict__.get("__getattr__")
    if getattr(numpy_getattr, "rnn_tf1_habit", False):
        return
    removed = {name: entry for name, entry in _removed_names(np).items() if not _present(np, name)}

    def getattr_tf1(attr: str) -> Any:
        # reached only for names numpy's module lacks: numpy 1's, noted once, then kept as attributes
        if attr in removed:
            value, instead = removed[attr]
            _note(f"np.{attr}", instead)
            setattr(np, attr, value)
            return value
        if numpy_getattr is None:
            raise AttributeError(f"module 'numpy' has no attribute {attr!r}")
        return numpy_getattr(attr)

    getattr_tf1.rnn_tf1_habit = True
    np.__getattr__ = getattr_tf1
    # numpy 1's repr of scalars: `print(sess.run({...}))` or an Estimator's metrics dict shows
    # {'accuracy': 0.124}, as TF1-era logs did, not numpy 2's {'accuracy': np.float32(0.124)}.
    np.set_printoptions(legacy="1.25")
    if not _takes_newshape(np):
        np.reshape = _reshape_with_newshape(np.reshape)
    if not getattr(np.array, "rnn_tf1_habit", False):
        np.array = _array_ragged_as_object(np.array)


def _present(np, name: str) -> bool:
    """numpy still has `name` (a name numpy 2 removed raises AttributeError on access)."""
    try:
        with warnings.catch_warnings():  # numpy's FutureWarning that some may come back as its types
            warnings.simplefilter("ignore", FutureWarning)
            getattr(np, name)
    except AttributeError:
        return False
    return True


def _takes_newshape(np) -> bool:
    try:
        np.reshape(np.zeros(1), newshape=(1,))
    except TypeError:
        return False
    return True
