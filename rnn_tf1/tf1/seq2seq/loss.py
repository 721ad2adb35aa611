"""`tf.contrib.seq2seq.sequence_loss`: TF 1.15's weighted cross-entropy over a batch of sequences
(contrib/seq2seq/python/ops/loss.py), on `tf.compat.v1`'s sparse softmax cross-entropy.

TF 2: `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` with `sample_weight`.
"""
from __future__ import annotations

from tensorflow.compat import v1 as tf1

__all__ = ["sequence_loss"]


def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                  sum_over_timesteps=False, sum_over_batch=False, softmax_loss_function=None, name=None):
    """Cross-entropy of `logits` (batch, time, classes) against `targets` (batch, time), each term
    times `weights` (batch, time), reduced as TF 1.15 did:

    - average_across_*: summed over that axis and divided by the weights' sum over it;
    - sum_over_*: summed over that axis and divided by the count of non-zero weights over it;
    - neither on an axis: that axis is kept (rank 0, 1 or 2 result).

    A division by a zero total gives 0 (TF 1.15's div_no_nan).  `softmax_loss_function(labels=,
    logits=)` replaces the sparse softmax cross-entropy, on flat (batch * time,) labels."""
    # TF 1.15 checks the static ranks and the conflicting flags before building anything.
    if len(logits.get_shape()) != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if len(targets.get_shape()) != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if len(weights.get_shape()) != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same time.")
    with tf1.name_scope(name, "sequence_loss", [logits, targets, weights]):
        num_classes = tf1.shape(logits)[2]
        logits_flat = tf1.reshape(logits, [-1, num_classes])  # (batch * time, classes)
        targets_flat = tf1.reshape(targets, [-1])  # (batch * time,)
        if softmax_loss_function is None:
            crossent = tf1.nn.sparse_softmax_cross_entropy_with_logits(labels=targets_flat, logits=logits_flat)
        else:
            crossent = softmax_loss_function(labels=targets_flat, logits=logits_flat)
        crossent *= tf1.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return tf1.div_no_nan(tf1.reduce_sum(crossent), tf1.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            nonzero = tf1.cast(tf1.count_nonzero(weights), crossent.dtype)
            return tf1.div_no_nan(tf1.reduce_sum(crossent), nonzero)
        crossent = tf1.reshape(crossent, tf1.shape(logits)[0:2])  # (batch, time)
        # One axis reduced, the other kept.  As in TF 1.15, an average flag on one axis with a sum
        # flag on the other reduces the averaged axis only (average_across_batch with
        # sum_over_timesteps gives the (time,) batch averages).
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return tf1.div_no_nan(tf1.reduce_sum(crossent, axis=axis), tf1.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            nonzero = tf1.cast(tf1.count_nonzero(weights, axis=axis), crossent.dtype)
            return tf1.div_no_nan(tf1.reduce_sum(crossent, axis=axis), nonzero)
        return crossent
