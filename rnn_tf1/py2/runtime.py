"""Python 2's meaning at run time: the helpers a translated file calls (rules.py puts the calls in).

Each helper is a builtin named `__py2_NAME__` while Python-2 code runs under rnn-tf1 (`install()`),
so a translated file, and the Python-3 file `rnn-tf1 run --show-translation` writes, can call it
without an import (and without moving a line).  The values are Python 2.7's, from its language
reference and library documentation:

- `/` (`div`): ints (and longs, bools) floor; numpy arrays and scalars of integer dtypes floor as
  numpy's `divide` did on Python 2 (it was `floor_divide` for two integer operands); TensorFlow
  tensors go through `tf.compat.v1.div`, which is TF 1.x's own `Tensor.__div__` (`_div_python2`:
  the other operand converted to the tensor's dtype, then `floor_div` for integer dtypes and
  `real_div` for floating ones); everything else divides truly (floats) or by its own `__div__`.
- `print` statements (`print_`): each item's `str()` (a float's with 12 significant digits; numpy
  arrays and scalars as numpy 1.13, the numpy of TF 1.x's Python-2 years, printed them: float32
  with 6 significant digits, `[[ 12.]]`), items separated by one space, and the trailing-comma
  softspace rule of the print statement.
- `range`, `map`, `filter`, `zip` give lists; `map(None, ...)` and `map` over unequal sequences pad
  with None; `filter` of a str or tuple gives a str or tuple; `round` rounds a half away from zero
  and returns a float; `sorted(cmp=)`; `cmp`; ordering comparisons between types Python 3 refuses
  to order (`None < 1`) order as CPython 2 did: None first, numbers next, then other types by name.
"""
from __future__ import annotations

import builtins
import decimal
import functools
import itertools
import math
import numbers
import sys
from typing import Any

# ---------------------------------------------------------------------------------------------
# Division


def _is_tensor(x: Any) -> bool:
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return False
    kind = type(x)
    return any(c.__module__.startswith(("tensorflow.", "tf_keras.")) and c.__name__ in
               ("Tensor", "SymbolicTensor", "EagerTensor", "RefVariable", "ResourceVariable", "Variable",
                "IndexedSlices", "SparseTensor", "_EagerTensorBase")
               for c in kind.__mro__)


def _numpy_kind(x: Any) -> str | None:
    """numpy's dtype kind of x ('i', 'u', 'b', 'f', ...) when x is a numpy array or scalar."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind
    return None


def _integral(x: Any) -> bool:
    return isinstance(x, int) or _numpy_kind(x) in ("i", "u", "b")


def _tensor_div(a: Any, b: Any) -> Any:
    """TF 1.x's Tensor.__div__ / __rdiv__ (math_ops._div_python2): the other operand converted to
    the tensor's dtype, FloorDiv for integer dtypes, RealDiv for floating ones, an op named div."""
    tf = sys.modules["tensorflow"]
    if _is_tensor(a):
        x = tf.convert_to_tensor(a, name="x")
        y = tf.convert_to_tensor(b, name="y", dtype=x.dtype.base_dtype)
    else:  # __rdiv__: the number takes the tensor's dtype
        y = tf.convert_to_tensor(b, name="y")
        x = tf.convert_to_tensor(a, name="x", dtype=y.dtype.base_dtype)
    if x.dtype.base_dtype != y.dtype.base_dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype.base_dtype!r} != {y.dtype.base_dtype!r}.")
    if x.dtype.base_dtype.is_floating or x.dtype.base_dtype.is_complex:
        return tf.realdiv(x, y, name="div")
    return tf.floordiv(x, y, name="div")


def div(a: Any, b: Any) -> Any:
    """`a / b` as Python 2 (and TF 1.x and numpy on Python 2) computed it."""
    if type(a) in (int, bool) and type(b) in (int, bool):
        return a // b
    if _is_tensor(a) or _is_tensor(b):
        return _tensor_div(a, b)
    if (_numpy_kind(a) or _numpy_kind(b)) and _integral(a) and _integral(b):
        return a // b
    own = getattr(type(a), "__div__", None)
    if own is not None:
        return own(a, b)
    return a / b


def idiv(a: Any, b: Any) -> Any:
    """`a /= b`: in place where the object divides in place (numpy arrays), as Python 2's `/=`."""
    if type(a) in (int, bool) and type(b) in (int, bool):
        return a // b
    if _is_tensor(a) or _is_tensor(b):
        return div(a, b)
    if (_numpy_kind(a) or _numpy_kind(b)) and _integral(a) and _integral(b):
        a //= b
        return a
    own = getattr(type(a), "__idiv__", None) or getattr(type(a), "__div__", None)
    if own is not None:
        return own(a, b)
    a /= b
    return a


# ---------------------------------------------------------------------------------------------
# Printing


def str_(x: Any = "") -> str:
    """Python 2's `str(x)`: a float with 12 significant digits (`2.41054834744`); bytes (Python 2's
    str, what `sess.run` gives for a string tensor) as their text, not `b'...'`."""
    if isinstance(x, (bytes, bytearray)):
        return bytes(x).decode("utf-8", errors="replace")
    if _numpy_kind(x) is not None:  # numpy as TF 1.x on Python 2 had it (<= 1.13): float32 6 digits, [ 12.]
        np = sys.modules["numpy"]
        with np.printoptions(legacy="1.13"):
            return builtins.str(x)
    if type(x) is float:
        if math.isinf(x) or math.isnan(x):
            return repr(x)
        text = format(x, ".12g")
        if not any(c in text for c in ".e"):
            text += ".0"
        return text
    return builtins.str(x)


_SOFTSPACE: dict[int, bool] = {}  # id(file) -> Python 2's file.softspace


def print_(*items: Any, file: Any = None, comma: bool = False) -> None:
    """A print statement: `print a, b` (comma=False) or `print a, b,` (comma=True), to `file`
    (`print >>f, ...`; None is sys.stdout)."""
    out = sys.stdout if file is None else file
    key = id(out)
    for item in items:
        if _SOFTSPACE.get(key):
            out.write(" ")
        text = str_(item)
        out.write(text)
        # Python 2: after a string ending in whitespace other than a space, no softspace.
        _SOFTSPACE[key] = not (isinstance(item, str) and text and text[-1].isspace() and text[-1] != " ")
    if not comma:
        out.write("\n")
        _SOFTSPACE[key] = False


class _Str2Float(float):
    """A float whose str() is Python 2's (for `'%s' % x`); arithmetic and other formats unchanged."""

    def __str__(self) -> str:
        return str_(float(self))


class _Str2(object):
    """A numpy value whose str() is the Python-2-era numpy's (for `'%s' % x`)."""
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return str_(self.value)

    def __repr__(self) -> str:
        return repr(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return self.value.__index__()


def _for_format(x: Any) -> Any:
    if type(x) is float:
        return _Str2Float(x)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(x, np.generic) and x.dtype.kind in "fc":
        return _Str2(x)
    return x


def mod(left: Any, right: Any) -> Any:
    """`'...' % args`: `%s` of a float gives Python 2's str() (12 significant digits; numpy floats
    as numpy 1.13 printed them); every other conversion, and `%` of anything else, unchanged."""
    if not isinstance(left, str):
        return left % right
    if isinstance(right, tuple):
        right = tuple(_for_format(x) for x in right)
    elif isinstance(right, dict):
        right = {k: _for_format(v) for k, v in right.items()}
    else:
        right = _for_format(right)
    return left % right


def print_function(*items: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None) -> None:
    """Python 2's print() under `from __future__ import print_function`: str() of each item, as
    Python 2's str() (12 significant digits for a float)."""
    out = sys.stdout if file is None else file
    out.write((" " if sep is None else sep).join(str_(item) for item in items) + ("\n" if end is None else end))
    _SOFTSPACE[id(out)] = False


# ---------------------------------------------------------------------------------------------
# Builtins that gave lists, or another value


def range_(*args: int) -> list:
    return list(builtins.range(*args))


def map_(function: Any, *sequences: Any) -> list:
    """Python 2's map: a list; shorter sequences padded with None; map(None, ...) gives tuples."""
    if len(sequences) == 1:
        return list(sequences[0]) if function is None else [function(x) for x in sequences[0]]
    rows = itertools.zip_longest(*sequences)
    return [tuple(row) if function is None else function(*row) for row in rows]


def filter_(function: Any, sequence: Any) -> Any:
    """Python 2's filter: a str or tuple stays a str or tuple, anything else gives a list."""
    keep = [x for x in sequence if (bool(x) if function is None else function(x))]
    if isinstance(sequence, str):
        return "".join(keep)
    if isinstance(sequence, tuple):
        return tuple(keep)
    return keep


def zip_(*sequences: Any) -> list:
    return list(builtins.zip(*sequences))


def round_(number: Any, ndigits: int = 0) -> float:
    """Python 2's round: a float, a half rounded away from zero (of the double's exact value)."""
    x = float(number)
    if math.isinf(x) or math.isnan(x):
        return x
    exact = decimal.Decimal(x)
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-ndigits), rounding=decimal.ROUND_HALF_UP)
    return float(rounded)


def _py2_order_key(x: Any) -> tuple:
    """CPython 2's fallback order of objects of types it could not compare: None before
    everything, numbers before other types, other types by their type's name."""
    if x is None:
        return (0, "")
    if isinstance(x, numbers.Number):
        return (1, "")
    return (2, type(x).__name__)


def _ordering(a: Any, b: Any) -> int:
    ka, kb = _py2_order_key(a), _py2_order_key(b)
    if ka != kb:
        return -1 if ka < kb else 1
    return (id(type(a)) > id(type(b))) - (id(type(a)) < id(type(b)))  # CPython 2: by address


def _compare(op: str, a: Any, b: Any) -> Any:
    try:
        return getattr(__import__("operator"), op)(a, b)
    except TypeError:
        if isinstance(a, (list, tuple)) and type(a) is type(b):
            return getattr(__import__("operator"), op)(cmp_(a, b), 0)
        if type(a) is type(b) and not (a is None):
            raise
        return getattr(__import__("operator"), op)(_ordering(a, b), 0)


def lt(a: Any, b: Any) -> Any:
    return _compare("lt", a, b)


def le(a: Any, b: Any) -> Any:
    return _compare("le", a, b)


def gt(a: Any, b: Any) -> Any:
    return _compare("gt", a, b)


def ge(a: Any, b: Any) -> Any:
    return _compare("ge", a, b)


def cmp_(a: Any, b: Any) -> int:
    """Python 2's cmp(a, b): -1, 0 or 1."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and type(a) is type(b):
        for x, y in builtins.zip(a, b):
            c = cmp_(x, y)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if a == b:
        return 0
    return -1 if lt(a, b) else 1


def _key(cmp: Any, key: Any) -> Any:
    if cmp is None:
        return key
    if key is None:
        return functools.cmp_to_key(cmp)
    by = functools.cmp_to_key(cmp)
    return lambda x: by(key(x))


def sorted_(iterable: Any, cmp: Any = None, key: Any = None, reverse: bool = False) -> list:
    """Python 2's sorted(iterable, cmp=None, key=None, reverse=False); mixed types order as in 2."""
    items = list(iterable)
    order = _key(cmp, key)
    try:
        return builtins.sorted(items, key=order, reverse=reverse)
    except TypeError:
        if order is not None:
            raise
        return builtins.sorted(items, key=functools.cmp_to_key(cmp_), reverse=reverse)


def sort_(items: list, cmp: Any = None, key: Any = None, reverse: bool = False) -> None:
    """Python 2's list.sort(cmp=None, key=None, reverse=False)."""
    items[:] = sorted_(items, cmp, key, reverse)


def reduce_(function: Any, sequence: Any, *initial: Any) -> Any:
    return functools.reduce(function, sequence, *initial)


def input_(prompt: Any = "") -> Any:
    """Python 2's input(): eval(raw_input(prompt))."""
    return eval(builtins.input(prompt))


def apply_(function: Any, args: Any = (), kwargs: Any = None) -> Any:
    return function(*args, **(kwargs or {}))


def execfile_(filename: str, globals_: dict | None = None, locals_: dict | None = None) -> None:
    from rnn_tf1.py2 import translate

    with open(filename, "rb") as fh:
        source = fh.read().decode("utf-8", errors="replace")
    code = translate.compile_source(source, filename)
    frame = sys._getframe(1)
    exec(code, frame.f_globals if globals_ is None else globals_,
         (frame.f_locals if globals_ is None else globals_) if locals_ is None else locals_)


def reload_(module: Any) -> Any:
    import importlib
    return importlib.reload(module)


# Python 2 builtins whose name is gone or whose value changed -> what `__py2_NAME__` is.
BUILTINS: dict[str, Any] = {
    "range": range_, "xrange": builtins.range, "map": map_, "filter": filter_, "zip": zip_,
    "round": round_, "sorted": sorted_, "reduce": reduce_, "cmp": cmp_, "unicode": builtins.str,
    "long": builtins.int, "basestring": (builtins.str, builtins.bytes), "unichr": builtins.chr,
    "raw_input": builtins.input, "input": input_, "apply": apply_, "execfile": execfile_,
    "file": builtins.open, "reload": reload_, "intern": sys.intern, "buffer": builtins.memoryview,
}

# The helpers the rules call, besides BUILTINS' names.
HELPERS: dict[str, Any] = {"div": div, "idiv": idiv, "mod": mod, "print": print_, "print_function": print_function,
                           "str": str_, "lt": lt, "le": le,
                           "gt": gt, "ge": ge, "sort": sort_}


def helper_name(name: str) -> str:
    return f"__py2_{name}__"


def install() -> None:
    """Make every `__py2_NAME__` a builtin (dunder names: nothing of the program's is shadowed)."""
    for name, value in {**BUILTINS, **HELPERS}.items():
        setattr(builtins, helper_name(name), value)
