"""`tensorflow.contrib.seq2seq`: TF 1.x's sequence loss and decoding API.

One module here per file of TF 1.15's `tensorflow/contrib/seq2seq/python/ops/`; the namespace is
every name in each module's `__all__` (SUBMODULES lists the modules).

TF 2: the decoding API has no maintained home (TensorFlow Addons, its successor, no longer imports
on TF 2.21); `keras.losses.SparseCategoricalCrossentropy` with sample weights for `sequence_loss`.
"""
from __future__ import annotations

import importlib
from typing import Any

SUBMODULES: tuple[str, ...] = ("loss", "decoder", "helper", "basic_decoder", "beam_search_ops",
                               "beam_search_decoder", "attention_wrapper")


def names(env) -> dict[str, Any]:
    provided: dict[str, Any] = {}
    for sub in SUBMODULES:
        module = importlib.import_module(f"{__name__}.{sub}")
        provided.update({name: getattr(module, name) for name in module.__all__})
    return provided
