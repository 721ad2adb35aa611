"""What to use instead of a TF 1.x name `rnn-tf1 run` does not provide: one table, keyed by the
missing dotted name's prefix (the longest matching prefix wins)."""
from __future__ import annotations

HINTS = {
    "tensorflow.contrib.slim": "tf.contrib.slim here is the tf-slim package (1.1.0), which lacks it; "
                               "rewrite with tf.layers (tf.compat.v1.layers) or tf.keras",
    "tensorflow.contrib.slim.nets": "use tf.keras.applications (VGG, ResNet, Inception, MobileNet) instead",
    "tensorflow.contrib.learn": "use tf.estimator or Keras instead",
    "tensorflow.contrib.layers": "tf.contrib.layers here is the tf-slim package's (1.1.0), which lacks it; "
                                 "feature columns: use tf.feature_column (tf.compat.v1.feature_column), "
                                 "otherwise tf.layers (tf.compat.v1.layers)",
    "tensorflow.contrib.keras": "use tf.keras instead",
    "tensorflow.contrib.distributions": "use the tensorflow-probability package instead",
    # tensorflow-addons no longer imports on TF 2.21 (No module named 'keras.src.engine').
    "tensorflow.contrib.seq2seq": ("no drop-in replacement (tensorflow-addons does not import on TF 2.21); "
                                   "rewrite that part with the provided dynamic_decode/BasicDecoder or a "
                                   "tf.while_loop over the cell"),
    "tensorflow.contrib.legacy_seq2seq": "use a rewrite with tf.nn.dynamic_rnn instead",
    "tensorflow.contrib.eager": "use tf.compat.v1.enable_eager_execution outside rnn-tf1 run instead",
    "tensorflow.contrib.rnn": "use the cells in tf.nn.rnn_cell (BasicLSTMCell, LSTMCell, GRUCell, ...) instead",
    "tensorflow.examples": "use tensorflow.examples.tutorials.mnist.input_data (read_data_sets) instead",
}


def hint_for(dotted: str) -> str | None:
    """The hint of the longest prefix of `dotted` in HINTS, or None."""
    matches = [prefix for prefix in HINTS if dotted == prefix or dotted.startswith(prefix + ".")]
    return HINTS[max(matches, key=len)] if matches else None
