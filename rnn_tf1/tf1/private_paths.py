"""TF 1.x's private module paths that TF1-era code imports, resolved where TensorFlow 2.21 keeps them.

Research code imported TensorFlow's internals at their TF 1.15 paths
(`from tensorflow.python.ops.control_flow_ops import while_loop`, `control_flow_ops.cond`,
`array_ops.stack`); TensorFlow 2 split those modules and the names moved.  `install()` gives each
module of MOVED a PEP 562 `__getattr__`, called only for names the module lacks: the name comes
from its TF 2.21 home, announced once on stderr, and is listed in `rnn-tf1 run --report` (USES).
Nothing TensorFlow still has at that path is changed.

TF 2: the public names (`tf.compat.v1.while_loop`, `tf.compat.v1.cond`, `tf.case`, `tf.debugging.Assert`,
`tf.stack`) are the ones to use.
"""
from __future__ import annotations

import importlib
import logging
import sys

log = logging.getLogger(__name__)

# TF 1.15's module -> {name: TF 2.21 module:name}
MOVED = {
    "tensorflow.python.ops.control_flow_ops": {
        "while_loop": "tensorflow.python.ops.while_loop:while_loop",
        "cond": "tensorflow.python.ops.cond:cond",
        "case": "tensorflow.python.ops.control_flow_case:case",
        "Assert": "tensorflow.python.ops.control_flow_assert:Assert",
    },
    "tensorflow.python.ops.array_ops": {
        "stack": "tensorflow.python.ops.array_ops_stack:stack",
        "unstack": "tensorflow.python.ops.array_ops_stack:unstack",
        "parallel_stack": "tensorflow.python.ops.array_ops_stack:parallel_stack",
    },
    # TF 1.x's linear map of the RNN cells, TF1's variable names kept (core_rnn_cell.py, rnn_cells.py)
    "tensorflow.python.ops.rnn_cell_impl": {
        "_linear": "rnn_tf1.tf1.core_rnn_cell:linear",
        "_Linear": "rnn_tf1.tf1.rnn_cells:_Linear",
    },
}

# (TF 1.x path, TF 2.21 path, file:line of the first use) of each name resolved, in order of use.
USES: list[tuple[str, str, str]] = []


def _where() -> str:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "?"


def _fallback(module_name: str, module, names: dict[str, str]) -> None:
    previous = module.__dict__.get("__getattr__")

    def __getattr__(attr):
        if attr in names:
            home, _, real = names[attr].partition(":")
            value = getattr(importlib.import_module(home), real)
            old, new = f"{module_name}.{attr}", f"{home}.{real}"
            if not any(u[0] == old for u in USES):
                USES.append((old, new, _where()))
                log.info("note: %s (TF 1.x's private path) is %s in TensorFlow 2.21; using it", old, new)
            return value
        if previous is not None:
            return previous(attr)
        raise AttributeError(f"module {module_name!r} has no attribute {attr!r}")
    module.__getattr__ = __getattr__


def install() -> None:
    for module_name, names in MOVED.items():
        module = importlib.import_module(module_name)
        if not getattr(module.__dict__.get("__getattr__"), "__module__", "") == __name__:
            _fallback(module_name, module, names)
