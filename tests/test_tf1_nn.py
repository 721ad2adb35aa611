"""tf.nn under rnn-tf1 run (rnn_tf1/tf1/nn.py): TF 1.15's named-argument rule for the three
cross-entropies that had a `_sentinel`, which tf.compat.v1 on TF 2.21 dropped."""
import rnn_tf1  # noqa: F401  (TF_USE_LEGACY_KERAS before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import Env, nn

tf1 = tf.compat.v1


def test_named_calls_give_tf1s_values_and_positional_calls_tf1s_error():
    names = nn.names(Env(tf1))
    logits = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], np.float32)
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
    log_softmax = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    with tf.Graph().as_default(), tf1.Session() as sess:
        softmax, sparse, sigmoid = sess.run([
            names["softmax_cross_entropy_with_logits"](labels=labels, logits=logits),
            names["sparse_softmax_cross_entropy_with_logits"](labels=[1, 0], logits=logits, name="xent"),
            names["sigmoid_cross_entropy_with_logits"](labels=labels, logits=logits)])
        np.testing.assert_allclose(softmax, -(labels * log_softmax).sum(1), rtol=1e-6)
        np.testing.assert_allclose(sparse, -log_softmax[[0, 1], [1, 0]], rtol=1e-6)
        np.testing.assert_allclose(sigmoid, np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-abs(logits))),
                                   rtol=1e-6)
        for name in nn.SENTINEL_FUNCTIONS:
            # TF 0.12's positional (logits, labels): TF 1.15 refused it, never swapped them silently.
            with pytest.raises(ValueError, match=rf"^Only call `{name}` with named arguments \(labels=\.\.\., "):
                names[name](logits, labels)
            with pytest.raises(ValueError, match="^Both labels and logits must be provided.$"):
                names[name](logits=logits)
