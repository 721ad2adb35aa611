"""`tensorflow.contrib.compiler.jit`: `experimental_jit_scope`, which copies of TF 1.x's
contrib/rnn cell module import (`from tensorflow.contrib.compiler import jit`).

The same function as `tf.compat.v1.xla.experimental.jit_scope` (TensorFlow's
tensorflow.python.compiler.xla.jit): ops built inside are marked for XLA compilation, a hint that
graph mode on the CPU may ignore, as TF 1.x's did without XLA.

TF 2: `tf.function(jit_compile=True)`.
"""
from __future__ import annotations


def jit_names(env) -> dict:
    return {"experimental_jit_scope": env.tf1.xla.experimental.jit_scope}
