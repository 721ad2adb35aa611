"""`tf.contrib.seq2seq.BeamSearchDecoder` and `tile_batch`: TF 1.15's beam search
(contrib/seq2seq/python/ops/beam_search_decoder.py), generic over nested cell states (an
LSTMStateTuple, a MultiRNNCell's tuple, an AttentionWrapperState: every tensor is split into
(batch, beam, ...), reordered by the chosen parents and merged back through `nest`).

TF 2: no maintained equivalent; a beam search written over the cell with `tf.math.top_k`.
"""
from __future__ import annotations

import collections
import importlib

import numpy as np
from tensorflow.compat import v1 as tf1
from tensorflow.python.ops import rnn_cell_impl

from rnn_tf1.tf1.seq2seq.beam_search_ops import gather_tree
from rnn_tf1.tf1.seq2seq.decoder import Decoder, is_tf1_layer, rnn_output_size

__all__ = ["BeamSearchDecoderOutput", "BeamSearchDecoderState", "BeamSearchDecoder",
           "FinalBeamSearchDecoderOutput", "tile_batch"]


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    """The cell state (batch, beam, ...), each beam's log probability, finished flag and int64 length,
    and the summed attention probabilities for the coverage penalty (() when it is off)."""


class BeamSearchDecoderOutput(collections.namedtuple("BeamSearchDecoderOutput",
                                                     ("scores", "predicted_ids", "parent_ids"))):
    """One step's beam scores, chosen ids and the beams they extend, each (batch, beam)."""


class FinalBeamSearchDecoderOutput(collections.namedtuple("FinalBeamDecoderOutput",
                                                          ["predicted_ids", "beam_search_decoder_output"])):
    """predicted_ids: the full beams (batch, time, beam) traced back by gather_tree; and the steps' outputs."""


def _tile_one(t, multiplier):
    t = tf1.convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    shape = tf1.shape(t)
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    tiled = tf1.tile(tf1.expand_dims(t, 1), tiling)  # (batch, multiplier, ...)
    tiled = tf1.reshape(tiled, tf1.concat(([shape[0] * multiplier], shape[1:]), 0))
    static_batch = t.shape.dims[0].value
    tiled.set_shape(tf1.TensorShape([static_batch * multiplier if static_batch is not None else None])
                    .concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """Each batch entry repeated `multiplier` times in a row, for every tensor of the (nested) `t`:
    (batch, ...) -> (batch * multiplier, ...) as entries t[0], t[0], ..., t[1], t[1], ... (numpy's
    repeat on axis 0), as TF 1.15 tiled an encoder's outputs and state for a beam search."""
    flat = tf1.nest.flatten(t)
    with tf1.name_scope(name, "tile_batch", flat + [multiplier]):
        return tf1.nest.map_structure(lambda one: _tile_one(one, multiplier), t)


def gather_tree_from_array(t, parent_ids, sequence_length):
    """The stacked TensorArray `t` (time, batch * beam or batch, beam, ...) reordered along the final
    beams (gather_tree of the beam indices); steps past an entry's length keep their own beam."""
    max_time = parent_ids.shape.dims[0].value or tf1.shape(parent_ids)[0]
    batch_size = parent_ids.shape.dims[1].value or tf1.shape(parent_ids)[1]
    beam_width = parent_ids.shape.dims[2].value or tf1.shape(parent_ids)[2]
    beam_ids = tf1.tile(tf1.reshape(tf1.range(beam_width), [1, 1, -1]), [max_time, batch_size, 1])
    max_lengths = tf1.cast(tf1.reduce_max(sequence_length, axis=1), tf1.int32)
    # end_token beam_width + 1 never occurs among beam indices: no beam is cut short.
    sorted_beam_ids = gather_tree(beam_ids, parent_ids, max_lengths, beam_width + 1)
    in_bound = tf1.transpose(tf1.sequence_mask(sequence_length, maxlen=max_time), perm=[2, 0, 1])
    sorted_beam_ids = tf1.where(in_bound, sorted_beam_ids, beam_ids)
    gather_from = tf1.reshape(t, [max_time, batch_size, beam_width, -1])
    ordered = tf1.gather(gather_from, sorted_beam_ids, axis=2, batch_dims=2)
    return tf1.reshape(ordered, tf1.shape(t))


def _check_ndims(t):
    if t.shape.ndims is None:
        raise ValueError("Expected tensor (%s) to have known rank, but ndims == None." % t)


def _gather_beams(t, beam_indices):
    """t (batch, beam, ...) with beam b of entry n taken from beam beam_indices[n, b]."""
    return tf1.gather(t, beam_indices, axis=1, batch_dims=1)


def _maybe_gather_beams(t, beam_indices):
    # TF 1.15 reorders every state tensor of rank >= 2 and passes TensorArrays and scalars through.
    if isinstance(t, tf1.TensorArray):
        return t
    _check_ndims(t)
    return _gather_beams(t, beam_indices) if t.shape.ndims >= 2 else t


def _attention_wrapper_state_class():
    """AttentionWrapperState, if this package has attention_wrapper; None otherwise."""
    try:
        return importlib.import_module("rnn_tf1.tf1.seq2seq.attention_wrapper").AttentionWrapperState
    except (ImportError, AttributeError):
        return None


def _attention_probs_of(attention_state):
    """The alignments of an AttentionWrapperState (batch, beam, memory time), averaged over its
    attention mechanisms when there are several."""
    probs = attention_state.alignments
    if isinstance(probs, tuple):
        probs = tf1.reduce_mean(tf1.stack(probs, -1), -1)
    return probs


def get_attention_probs(cell_state, coverage_penalty_weight):
    """The attention probabilities (batch, beam, memory time) of the cell state's attention layers,
    averaged over layers; None when the coverage penalty is off."""
    if coverage_penalty_weight == 0.0:
        return None
    state_class = _attention_wrapper_state_class()
    per_layer = []
    if state_class is not None:
        if isinstance(cell_state, state_class):
            per_layer = [_attention_probs_of(cell_state)]
        elif isinstance(cell_state, tuple):
            per_layer = [_attention_probs_of(s) for s in cell_state if isinstance(s, state_class)]
    if not per_layer:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    if len(per_layer) == 1:
        return per_layer[0]
    return tf1.reduce_mean(tf1.stack(per_layer, -1), -1)


def _length_penalty(sequence_lengths, penalty_factor):
    """GNMT's length penalty ((5 + length) / 6) ** penalty_factor (arXiv:1609.08144); 1 when off."""
    penalty_factor = tf1.convert_to_tensor(penalty_factor, name="penalty_factor")
    penalty_factor.set_shape(())
    static = tf1.get_static_value(penalty_factor)
    if static is not None and static == 0:
        return 1.0
    return (5.0 + tf1.cast(sequence_lengths, tf1.float32)) ** penalty_factor / (5.0 + 1.0) ** penalty_factor


def _get_scores(log_probs, sequence_lengths, length_penalty_weight, coverage_penalty_weight, finished,
                accumulated_attention_probs):
    """log_probs / length penalty, plus coverage_penalty_weight * sum over memory of
    log(min(accumulated attention, 1)) for finished beams (memory steps never attended count 0)."""
    scores = log_probs / tf1.cast(_length_penalty(sequence_lengths, length_penalty_weight), log_probs.dtype)
    coverage_penalty_weight = tf1.convert_to_tensor(coverage_penalty_weight, name="coverage_penalty_weight")
    if coverage_penalty_weight.shape.ndims != 0:
        raise ValueError("coverage_penalty_weight should be a scalar, but saw shape: %s"
                         % coverage_penalty_weight.shape)
    if tf1.get_static_value(coverage_penalty_weight) == 0.0:
        return scores
    if accumulated_attention_probs is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty is disabled.")
    # Zeros are padding of the memory (a source shorter than the longest): log(1) = 0 for them.
    accumulated = tf1.where(tf1.equal(accumulated_attention_probs, 0.0),
                            tf1.ones_like(accumulated_attention_probs), accumulated_attention_probs)
    coverage = tf1.reduce_sum(tf1.log(tf1.minimum(accumulated, 1.0)), 2)  # (batch, beam)
    coverage *= tf1.cast(finished, tf1.float32)
    return scores + tf1.expand_dims(coverage * coverage_penalty_weight, 2)


def _mask_probs(log_probs, end_token, finished):
    """Finished beams put all their mass on end_token (log 0 there, the dtype's lowest elsewhere)."""
    vocab_size = tf1.shape(log_probs)[2]
    finished_row = tf1.one_hot(end_token, vocab_size, dtype=log_probs.dtype,
                               on_value=tf1.constant(0.0, log_probs.dtype), off_value=log_probs.dtype.min)
    finished_probs = tf1.tile(tf1.reshape(finished_row, [1, 1, -1]), tf1.concat([tf1.shape(finished), [1]], 0))
    finished_mask = tf1.tile(tf1.expand_dims(finished, 2), [1, 1, vocab_size])
    return tf1.where(finished_mask, finished_probs, log_probs)


def _beam_search_step(logits, next_cell_state, beam_state, batch_size, static_batch, beam_width, end_token,
                      length_penalty_weight, coverage_penalty_weight):
    """One step of TF 1.15's beam search: every beam's continuations scored, the best beam_width of
    the batch entry's beam_width * vocab kept (top_k), states reordered by their parent beams.
    `static_batch`: the batch size if known when the graph is built, else None."""
    previously_finished = beam_state.finished
    not_finished = tf1.logical_not(previously_finished)
    step_log_probs = _mask_probs(tf1.nn.log_softmax(logits), end_token, previously_finished)
    total_probs = tf1.expand_dims(beam_state.log_probs, 2) + step_log_probs  # (batch, beam, vocab)

    # A continuation adds 1 to a beam's length unless the beam was finished or it is end_token.
    vocab_size = logits.shape.dims[-1].value or tf1.shape(logits)[-1]
    lengths_to_add = tf1.one_hot(tf1.fill([batch_size, beam_width], end_token), depth=vocab_size,
                                 on_value=np.int64(0), off_value=np.int64(1), dtype=tf1.int64)
    lengths_to_add *= tf1.expand_dims(tf1.cast(not_finished, tf1.int64), 2)
    new_lengths = lengths_to_add + tf1.expand_dims(beam_state.lengths, 2)

    accumulated_attention_probs = None
    attention_probs = get_attention_probs(next_cell_state, coverage_penalty_weight)
    if attention_probs is not None:
        attention_probs *= tf1.expand_dims(tf1.cast(not_finished, tf1.float32), 2)
        accumulated_attention_probs = beam_state.accumulated_attention_probs + attention_probs

    scores = _get_scores(total_probs, new_lengths, length_penalty_weight, coverage_penalty_weight,
                         previously_finished, accumulated_attention_probs)
    scores_flat = tf1.reshape(scores, [batch_size, -1])  # (batch, beam * vocab)
    next_beam_scores, word_indices = tf1.nn.top_k(scores_flat, k=beam_width)
    next_beam_scores.set_shape([static_batch, beam_width])
    word_indices.set_shape([static_batch, beam_width])

    next_beam_probs = tf1.gather(tf1.reshape(total_probs, [batch_size, -1]), word_indices, batch_dims=1)
    next_beam_probs.set_shape([static_batch, beam_width])
    next_word_ids = tf1.cast(tf1.mod(word_indices, vocab_size), tf1.int32, name="next_beam_word_ids")
    next_beam_ids = tf1.cast(word_indices / vocab_size, tf1.int32, name="next_beam_parent_ids")

    previously_finished = _gather_beams(previously_finished, next_beam_ids)
    next_finished = tf1.logical_or(previously_finished, tf1.equal(next_word_ids, end_token),
                                   name="next_beam_finished")
    # A beam's length grows by 1 unless its parent was finished (end_token itself counts).
    next_lengths = _gather_beams(beam_state.lengths, next_beam_ids)
    next_lengths += tf1.cast(tf1.logical_not(previously_finished), tf1.int64)
    next_accumulated = ()
    if accumulated_attention_probs is not None:
        next_accumulated = _gather_beams(accumulated_attention_probs, next_beam_ids)
    next_cell_state = tf1.nest.map_structure(lambda t: _maybe_gather_beams(t, next_beam_ids), next_cell_state)
    next_state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_beam_probs, finished=next_finished,
                                        lengths=next_lengths, accumulated_attention_probs=next_accumulated)
    output = BeamSearchDecoderOutput(scores=next_beam_scores, predicted_ids=next_word_ids, parent_ids=next_beam_ids)
    return output, next_state


class BeamSearchDecoder(Decoder):
    """TF 1.15's beam search decoder.  `initial_state` is the cell's state for batch * beam_width
    entries (tile_batch of the encoder's state); the first step extends beam 0 only (the others
    start at log probability -inf).  Under dynamic_decode its outputs are a
    FinalBeamSearchDecoderOutput: predicted_ids (batch, time, beam), best beam first."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width, output_layer=None,
                 length_penalty_weight=0.0, coverage_penalty_weight=0.0, reorder_tensor_arrays=True):
        rnn_cell_impl.assert_like_rnncell("cell", cell)
        if output_layer is not None and not is_tf1_layer(output_layer):
            raise TypeError("output_layer must be a Layer, received: %s" % type(output_layer))
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        self._embedding_fn = embedding if callable(embedding) else (
            lambda ids: tf1.nn.embedding_lookup(embedding, ids))
        self._start_tokens = tf1.convert_to_tensor(start_tokens, dtype=tf1.int32, name="start_tokens")
        if self._start_tokens.get_shape().ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = tf1.convert_to_tensor(end_token, dtype=tf1.int32, name="end_token")
        if self._end_token.get_shape().ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = tf1.size(start_tokens)
        # Read here, outside the decoding loop (inside a v2 while loop the batch size is a loop input).
        self._static_batch_size = tf1.get_static_value(self._batch_size)
        self._initial_cell_state = tf1.nest.map_structure(self._maybe_split_batch_beams, initial_state,
                                                          self._cell.state_size)
        self._start_tokens = tf1.tile(tf1.expand_dims(self._start_tokens, 1), [1, beam_width])  # (batch, beam)
        self._start_inputs = self._embedding_fn(self._start_tokens)
        # Only beam 0 is live at the start: the others are finished, so they never extend.
        self._finished = tf1.one_hot(tf1.zeros([self._batch_size], dtype=tf1.int32), depth=beam_width,
                                     on_value=False, off_value=True, dtype=tf1.bool)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def tracks_own_finished(self):
        # Beams are reordered each step: dynamic_decode must take the decoder's finished flags as they are.
        return True

    def _rnn_output_size(self):
        return rnn_output_size(self._cell, self._output_layer)

    @property
    def output_size(self):
        beams = tf1.TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=beams, predicted_ids=beams, parent_ids=beams)

    @property
    def output_dtype(self):
        dtype = tf1.nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(scores=tf1.nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                       predicted_ids=tf1.int32, parent_ids=tf1.int32)

    def initialize(self, name=None):
        dtype = tf1.nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = tf1.one_hot(tf1.zeros([self._batch_size], dtype=tf1.int32), depth=self._beam_width,
                                on_value=tf1.constant(0.0, dtype), off_value=tf1.constant(-np.inf, dtype),
                                dtype=dtype)  # (batch, beam)
        attention_probs = get_attention_probs(self._initial_cell_state, self._coverage_penalty_weight)
        initial_state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=self._finished,
            lengths=tf1.zeros([self._batch_size, self._beam_width], dtype=tf1.int64),
            accumulated_attention_probs=() if attention_probs is None else attention_probs)
        return self._finished, self._start_inputs, initial_state

    def finalize(self, outputs, final_state, sequence_lengths):
        """predicted_ids: the beams traced back from the last step (gather_tree) up to each entry's
        longest beam; TensorArrays of the cell state reordered the same way (reorder_tensor_arrays)."""
        max_lengths = tf1.cast(tf1.reduce_max(final_state.lengths, axis=1), tf1.int32)
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids, max_sequence_lengths=max_lengths,
                                    end_token=self._end_token)
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=tf1.nest.map_structure(
                lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids, final_state.lengths),
                final_state.cell_state))
        final_outputs = FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs, predicted_ids=predicted_ids)
        return final_outputs, final_state

    def _merge_batch_beams(self, t, s=None):
        """(batch, beam, *s) -> (batch * beam, *s)."""
        s = tf1.TensorShape(tf1.get_static_value(s) if isinstance(s, tf1.Tensor) else s)
        static_batch = self._static_batch_size
        merged = tf1.reshape(t, tf1.concat(([self._batch_size * self._beam_width], tf1.shape(t)[2:]), 0))
        merged.set_shape(tf1.TensorShape([None if static_batch is None else static_batch * self._beam_width])
                         .concatenate(s))
        return merged

    def _split_batch_beams(self, t, s=None):
        """(batch * beam, *s) -> (batch, beam, *s), with TF 1.15's error for a state of another batch size."""
        s = tf1.TensorShape(tf1.get_static_value(s) if isinstance(s, tf1.Tensor) else s)
        split = tf1.reshape(t, tf1.concat(([self._batch_size, self._beam_width], tf1.shape(t)[1:]), 0))
        expected = tf1.TensorShape([self._static_batch_size, self._beam_width]).concatenate(s)
        if not split.shape.is_compatible_with(expected):
            raise ValueError("Unexpected behavior when reshaping between beam width and batch size.  The reshaped "
                             "tensor has shape: %s.  We expected it to have shape (batch_size, beam_width, depth) "
                             "== %s.  Perhaps you forgot to create a zero_state with "
                             "batch_size=encoder_batch_size * beam_width?" % (split.shape, expected))
        split.set_shape(expected)
        return split

    def _maybe_split_batch_beams(self, t, s):
        if isinstance(t, tf1.TensorArray):
            return t
        _check_ndims(t)
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s):
        if isinstance(t, tf1.TensorArray):
            return t
        _check_ndims(t)
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
        """A TensorArray of the cell state (an attention history) reordered along the final beams."""
        if not isinstance(t, tf1.TensorArray):
            return t
        element_shape = t.element_shape
        if element_shape.ndims is None or element_shape.ndims < 1:
            tf1.logging.warn("The TensorArray %s in the cell state is not amenable to sorting based on the beam "
                             "search result. For a TensorArray to be sorted, its elements shape must be defined "
                             "and have at least a rank of 1, but saw shape: %s" % (t.handle.name, element_shape))
            return t
        static_batch = self._static_batch_size
        if (static_batch is not None and element_shape.dims[0].value is not None
                and element_shape[0] != static_batch * self._beam_width):
            tf1.logging.warn("TensorArray reordering expects elements to be reshapable to %s which is "
                             "incompatible with the current shape %s. Consider setting reorder_tensor_arrays to "
                             "False to disable TensorArray reordering during the beam search."
                             % (tf1.TensorShape([static_batch, self._beam_width, None]), element_shape))
            return t
        return gather_tree_from_array(t.stack(), parent_ids, sequence_length)

    def step(self, time, inputs, state, name=None):
        with tf1.name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
            # The cell runs on batch * beam rows; its outputs and state are split back per beam.
            inputs = tf1.nest.map_structure(lambda inp: self._merge_batch_beams(inp, s=inp.shape[2:]), inputs)
            cell_state = tf1.nest.map_structure(self._maybe_merge_batch_beams, state.cell_state,
                                                self._cell.state_size)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = tf1.nest.map_structure(lambda out: self._split_batch_beams(out, out.shape[1:]),
                                                  cell_outputs)
            next_cell_state = tf1.nest.map_structure(self._maybe_split_batch_beams, next_cell_state,
                                                     self._cell.state_size)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            output, beam_state = _beam_search_step(
                cell_outputs, next_cell_state, state, self._batch_size, self._static_batch_size, self._beam_width,
                self._end_token,
                self._length_penalty_weight, self._coverage_penalty_weight)
            finished = beam_state.finished
            next_inputs = tf1.cond(tf1.reduce_all(finished), lambda: self._start_inputs,
                                   lambda: self._embedding_fn(output.predicted_ids))
        return output, beam_state, next_inputs, finished
