"""What `rnn-tf1 run --seed N` seeds, so that a seeded script repeats its run.

TF 1.x gave a variable created without an initializer (an RNN cell's kernel) TF1's glorot-uniform
initializer, seeded from the graph seed; tf-keras's TF1 layers fall back to an unseeded Keras
initializer, so a seeded script would not repeat.  `restore_default_initializer` gives such weights
TF1's default (the same fix `graph.rnn_outputs` makes for the port), so `--seed N` repeats a
script's run and matches `rnn-tf1 train --seed N`.
"""
from __future__ import annotations


def restore_default_initializer(tf1) -> None:
    """TF1 layers (RNN cells, tf.layers) created a weight without an initializer with TF1's seeded
    glorot_uniform_initializer; tf-keras uses an unseeded Keras one unless the variable scope has an
    initializer.  Give such weights TF1's, exactly as graph.rnn_outputs does for the port."""
    from tf_keras.src.legacy_tf_layers import base

    add_weight = base.Layer.add_weight
    if getattr(add_weight, "rnn_tf1_default_initializer", False):
        return

    def add_weight_tf1(self, name, shape=None, dtype=None, initializer=None, *args, **kwargs):
        floating = dtype is None or tf1.as_dtype(dtype).is_floating
        if initializer is None and floating and tf1.get_variable_scope().initializer is None:
            initializer = tf1.glorot_uniform_initializer()
        return add_weight(self, name, shape, dtype, initializer, *args, **kwargs)

    add_weight_tf1.rnn_tf1_default_initializer = True
    base.Layer.add_weight = add_weight_tf1


def seed(env) -> None:
    """Seed what the script's run draws from: the default graph (TF1's graph-level seed)."""
    if env.seed is not None:
        env.tf1.set_random_seed(env.seed)
