"""`tf.flags` / `tf.app.flags` for scripts of both TF 1.x eras.

TF 1.5 and later (and TF 2.21's `tf.compat.v1.flags`) are absl's flags: `DEFINE_*`, `FLAGS.name`,
parsed from `sys.argv` on the first read of a flag, or by `tf.app.run()`.  TF 1.0-1.4 had a flags
module of their own on argparse, and the scripts of that time (the widely copied CNN text
classifier among them) call two of its private names that TF 1.5 broke:

- `FLAGS._parse_flags(args=None)`: parse `sys.argv[1:]` (or `args`), ignoring arguments of no
  defined flag, and return those;
- `FLAGS.__flags` (also `FLAGS.__dict__['__flags']`): the dict flag name -> value, printed with
  `for attr, value in sorted(FLAGS.__flags.items())`.  Under absl, `FLAGS.__flags` is absl's own
  dict of Flag objects, which printed as `<absl.flags._flag.Flag object ...>`.

Here `FLAGS` is TensorFlow's own `tf.compat.v1.flags.FLAGS` (absl's, parsed on first read) with
those TF 1.0-1.4 names added: the dict holds the flags the script defined (not those absl and
TensorFlow define for themselves: `logtostderr`, `help`, ...), as TF 1.4's held only tf.flags'
own, each with its value, parsing `sys.argv` first if nothing parsed yet; assigning to an item
sets the flag, as it did.  `DEFINE_*` are TF 1.15's (absl's): `DEFINE_float("batch_size", 20, ...)`
gives 20.0, as TF 1.5-1.15 did, although TF 1.0-1.4's argparse kept the int 20 (a 2017 script that
slices with it stops on TF 1.15 too, with the same TypeError).

TF 2: `absl.flags` (`FLAGS(sys.argv)` or `absl.app.run`), `FLAGS.flag_values_dict()` for the dict.
"""
from __future__ import annotations

import sys
from typing import Any

from absl import flags as _absl_flags

# absl attributes a flag to the module that called DEFINE_*: the script, not this module's wrapper
# below (TensorFlow's flags module does the same for its own).
_absl_flags.disclaim_key_flags()

# Flags these packages define for themselves; TF 1.4's dict held only the script's flags.
OWN_FLAG_MODULES = ("absl.", "tensorflow.", "tf_keras.", "keras.", "rnn_tf1.")


class FlagValuesDict(dict):
    """TF 1.4's `FLAGS.__flags`: name -> value; setting an item sets the flag."""

    def __init__(self, flags) -> None:
        self._flags = flags
        super().__init__(script_flag_values(flags))

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self._flags, name, value)
        super().__setitem__(name, value)


def script_flag_values(flags) -> dict:
    """{name: value} of the flags defined outside absl and TensorFlow, parsing sys.argv first if
    nothing parsed yet (as reading a flag does)."""
    if not flags.is_parsed():
        flags(sys.argv)
    values = {}
    for name, flag in flags._flags().items():
        module = flags.find_module_defining_flag(name)
        if module is not None and not module.startswith(OWN_FLAG_MODULES) and name == flag.name:
            values[name] = flag.value
    return values


class TF1FlagValues:
    """TensorFlow's FLAGS (`wrapped`), with TF 1.0-1.4's `_parse_flags`, `__flags`, `__parsed` and
    `__dict__['__flags']`; everything else is the wrapped object's."""

    def __init__(self, wrapped) -> None:
        object.__setattr__(self, "_rnn_tf1_wrapped", wrapped)

    def __getattribute__(self, name: str) -> Any:
        wrapped = object.__getattribute__(self, "_rnn_tf1_wrapped")
        if name == "_parse_flags":
            return object.__getattribute__(self, "_parse_flags")
        if name == "__flags":
            return FlagValuesDict(wrapped)
        if name == "__parsed":
            return wrapped.is_parsed()
        if name == "__module__":  # this module, for --report (its class stays absl's, for isinstance)
            return __name__
        if name == "__dict__":
            return {"__flags": FlagValuesDict(wrapped), "__parsed": wrapped.is_parsed()}
        return getattr(wrapped, name)

    def _parse_flags(self, args=None) -> list:
        """TF 1.0-1.4: parse `args` (default `sys.argv[1:]`), skipping arguments no flag takes; returns
        those."""
        wrapped = object.__getattribute__(self, "_rnn_tf1_wrapped")
        argv = [sys.argv[0], *(sys.argv[1:] if args is None else args)]
        return wrapped(argv, known_only=True)[1:]

    def __setattr__(self, name, value):
        setattr(object.__getattribute__(self, "_rnn_tf1_wrapped"), name, value)

    def __delattr__(self, name):
        delattr(object.__getattribute__(self, "_rnn_tf1_wrapped"), name)

    def __call__(self, *args, **kwargs):
        return object.__getattribute__(self, "_rnn_tf1_wrapped")(*args, **kwargs)

    def __getitem__(self, name):
        return object.__getattribute__(self, "_rnn_tf1_wrapped")[name]

    def __setitem__(self, name, flag):
        object.__getattribute__(self, "_rnn_tf1_wrapped")[name] = flag

    def __contains__(self, name):
        return name in object.__getattribute__(self, "_rnn_tf1_wrapped")

    def __iter__(self):
        return iter(object.__getattribute__(self, "_rnn_tf1_wrapped"))

    def __len__(self):
        return len(object.__getattribute__(self, "_rnn_tf1_wrapped"))

    def __dir__(self):
        return dir(object.__getattribute__(self, "_rnn_tf1_wrapped"))


_made: dict[int, TF1FlagValues] = {}


def names(env) -> dict:
    """`tensorflow.flags`: tf.compat.v1.flags' names, FLAGS with TF 1.0-1.4's names added."""
    flags = env.tf1.flags
    provided = {name: getattr(flags, name) for name in dir(flags) if not name.startswith("_")}
    provided["FLAGS"] = _made.setdefault(id(flags.FLAGS), TF1FlagValues(flags.FLAGS))
    return provided


def app_names(env) -> dict:
    """`tensorflow.app`: `run`, and `flags` (the same namespace as `tensorflow.flags`)."""
    return {"run": env.tf1.app.run, "flags": sys.modules.get("tensorflow.flags", env.tf1.flags)}
