"""`tf.nn` as TF 1.15 had it: `tf.compat.v1.nn`, with TF 1.x's named-argument rule for its three
cross-entropies.

TF 1.x's `softmax_cross_entropy_with_logits`, `sparse_softmax_cross_entropy_with_logits` and
`sigmoid_cross_entropy_with_logits` took a `_sentinel` first, so that a positional call (TF 0.12's
`(logits, labels)` order, in scripts written before 1.0) failed loudly.  TF 2.21's `tf.compat.v1`
dropped the sentinel: `softmax_cross_entropy_with_logits(py_x, Y)` now takes the arguments as
`labels, logits` and trains on a wrong loss, silently.  These keep TF 1.15's ValueErrors.

TF 2: `tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...)` (the v2 function).
"""
from __future__ import annotations

import functools

# The functions of TF 1.15 whose first parameter was `_sentinel`.
SENTINEL_FUNCTIONS = ("softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
                      "sigmoid_cross_entropy_with_logits")


def _named_arguments_only(name: str, function):
    @functools.wraps(function)
    def call(_sentinel=None, labels=None, logits=None, **kwargs):
        # TF 1.15's nn_ops._ensure_xent_args, word for word in its messages.
        if _sentinel is not None:
            raise ValueError(f"Only call `{name}` with named arguments (labels=..., logits=..., ...)")
        if labels is None or logits is None:
            raise ValueError("Both labels and logits must be provided.")
        return function(labels=labels, logits=logits, **kwargs)
    return call


def names(env) -> dict:
    return {name: _named_arguments_only(name, getattr(env.tf1.nn, name)) for name in SENTINEL_FUNCTIONS}
