"""`tf.contrib.seq2seq.gather_tree`: TF 1.15's GatherTree kernel (contrib/seq2seq/python/ops/
beam_search_ops.py), which TensorFlow 2.21 no longer has, written again with graph ops: the full
beams, traced back from their last step through the parent ids.

TF 2: no op of TensorFlow's; this backtracking written with `tf.scan`.
"""
from __future__ import annotations

from tensorflow.compat import v1 as tf1

__all__ = ["gather_tree"]


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """step_ids, parent_ids (time, batch, beam); max_sequence_lengths (batch,); -> (time, batch, beam)
    ids of each final beam, as TF 1.15's GatherTree gave them:

    - for entry b, from step L-1 = min(time, max_sequence_lengths[b]) - 1 back to 0, beam k reads
      step_ids[t, b, p] where p follows the parent ids back from p = k at step L-1;
    - steps at and after L are `end_token`; so is every step after a beam's first `end_token`;
    - a parent id out of range gives -1 at that step and `end_token` before it."""
    with tf1.name_scope(name, "GatherTree", [step_ids, parent_ids, max_sequence_lengths, end_token]):
        step_ids = tf1.convert_to_tensor(step_ids, name="step_ids")
        parent_ids = tf1.convert_to_tensor(parent_ids, name="parent_ids", dtype=step_ids.dtype)
        lengths = tf1.cast(tf1.convert_to_tensor(max_sequence_lengths, name="max_sequence_lengths"), tf1.int32)
        end_token = tf1.cast(tf1.convert_to_tensor(end_token, name="end_token"), step_ids.dtype)
        for tensor, what in ((step_ids, "step_ids"), (parent_ids, "parent_ids")):
            if tensor.shape.ndims is not None and tensor.shape.ndims != 3:
                raise ValueError("%s must be a [max_time, batch_size, beam_width] tensor, saw shape: %s"
                                 % (what, tensor.shape))
        shape = tf1.shape(step_ids)
        max_time, beam_width = shape[0], shape[2]
        identity = tf1.tile(tf1.expand_dims(tf1.range(beam_width, dtype=step_ids.dtype), 0), [shape[1], 1])
        valid_steps = tf1.transpose(tf1.sequence_mask(lengths, max_time))  # (time, batch)

        def back_one_step(carry, step):
            # carry: the beam each final beam sits in at this step (batch, beam), whether its path was
            # broken by an invalid parent at a later step; and the previous step's ids (unused).
            beam, broken, _ = carry
            ids, parents, valid = step
            valid = tf1.broadcast_to(tf1.expand_dims(valid, 1), tf1.shape(beam))  # (batch, beam)
            out_of_range = tf1.logical_or(beam < 0, beam >= tf1.cast(beam_width, beam.dtype))
            safe = tf1.where(out_of_range, tf1.zeros_like(beam), beam)
            read = tf1.gather(ids, safe, batch_dims=1)
            newly_broken = tf1.logical_and(tf1.logical_and(valid, out_of_range), tf1.logical_not(broken))
            out = tf1.where(newly_broken, -tf1.ones_like(read),
                            tf1.where(tf1.logical_or(broken, tf1.logical_not(valid)),
                                      tf1.fill(tf1.shape(read), end_token), read))
            # Past an entry's length every beam stays itself, so the trace starts from beam k at L - 1.
            next_beam = tf1.where(valid, tf1.gather(parents, safe, batch_dims=1), identity)
            return next_beam, tf1.logical_or(broken, newly_broken), out

        start = (identity, tf1.zeros_like(identity, dtype=tf1.bool), tf1.zeros_like(identity))
        _, _, beams = tf1.scan(back_one_step, (step_ids, parent_ids, valid_steps), initializer=start,
                               reverse=True)  # (time, batch, beam)
        # TF 1.15 also ends a beam at its first end_token: later steps become end_token.
        is_end = tf1.cast(tf1.equal(beams, end_token), tf1.int32)
        after_end = tf1.cumsum(is_end, axis=0, exclusive=True) > 0
        return tf1.where(after_end, tf1.fill(tf1.shape(beams), end_token), beams)
