"""`tf.contrib.seq2seq.Decoder` and `dynamic_decode`: TF 1.15's decoding loop
(contrib/seq2seq/python/ops/decoder.py) on `tf.compat.v1.while_loop`, its variables under the
variable scope "decoder" (decoder/basic_lstm_cell/kernel, decoder/dense/kernel, ...).

TF 2: no maintained equivalent; a `tf.while_loop` over the cell, or Keras' `RNN` for teacher forcing.
"""
from __future__ import annotations

import abc

from tensorflow.compat import v1 as tf1
from tensorflow.python.ops import control_flow_util

__all__ = ["Decoder", "dynamic_decode"]


def is_tf1_layer(layer) -> bool:
    """TF 1.15 took a `tf.layers.Layer` as an output layer: here tf.layers' classes (tf-keras's
    legacy layers) or those of `tensorflow.python.layers` (`from tensorflow.python.layers.core
    import Dense`, TensorFlow's own legacy copy)."""
    from tensorflow.python.layers import base as tensorflow_layers_base
    return isinstance(layer, (tf1.layers.Layer, tensorflow_layers_base.Layer))


def rnn_output_size(cell, output_layer):
    """The size of one step's output of `cell` after `output_layer` (if any), batch dropped: the
    layer's output shape for the cell's output with an unknown batch (TF1's decoders' rule)."""
    size = cell.output_size
    if output_layer is None:
        return size
    with_batch = tf1.nest.map_structure(lambda s: tf1.TensorShape([None]).concatenate(s), size)
    layer_shape = output_layer.compute_output_shape(with_batch)
    return tf1.nest.map_structure(lambda s: s[1:], layer_shape)


def transpose_batch_time(t):
    """(batch, time, ...) <-> (time, batch, ...); tensors of rank < 2 are returned as they are."""
    rank = t.shape.ndims
    if rank is not None and rank < 2:
        return t
    perm = tf1.concat([[1, 0], tf1.range(2, tf1.rank(t))], 0)
    swapped = tf1.transpose(t, perm)
    if rank is not None:
        dims = t.shape.dims
        swapped.set_shape([dims[1], dims[0]] + dims[2:])
    return swapped


def zero_outputs(size, dtype, batch_size):
    """Zeros (batch, *size) for each (size, dtype) of the nested structures."""
    def zeros(s, d):
        dims = tf1.TensorShape(s).as_list()  # a decoder's output sizes are fully defined
        return tf1.zeros(tf1.stack([batch_size] + dims), dtype=d)
    return tf1.nest.map_structure(zeros, size, dtype)


class Decoder(abc.ABC):
    """TF 1.15's abstract decoder: `dynamic_decode` calls initialize() once, step() in its loop and
    finalize() (if given) on the stacked outputs."""

    @property
    def batch_size(self):
        """The batch size of the inputs (a scalar int32 tensor)."""
        raise NotImplementedError

    @property
    def output_size(self):
        """A (nested) int or TensorShape per output, without the batch dimension."""
        raise NotImplementedError

    @property
    def output_dtype(self):
        """A (nested) dtype per output."""
        raise NotImplementedError

    @abc.abstractmethod
    def initialize(self, name=None):
        """-> (finished, initial_inputs, initial_state)."""
        raise NotImplementedError

    @abc.abstractmethod
    def step(self, time, inputs, state, name=None):
        """-> (outputs, next_state, next_inputs, finished)."""
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        """-> (final_outputs, final_state); not implemented: the outputs are returned as stacked."""
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        """True for a decoder that reorders its batch entries (beam search): dynamic_decode then takes
        its `finished` as it is instead of or-ing it with the previous one."""
        return False


def dynamic_decode(decoder, output_time_major=False, impute_finished=False, maximum_iterations=None,
                   parallel_iterations=32, swap_memory=False, scope=None):
    """Run `decoder` until every entry is finished or `maximum_iterations` steps are done; returns
    (final_outputs, final_state, final_sequence_lengths) as TF 1.15 did: outputs (batch, time, ...)
    unless `output_time_major`; with `impute_finished`, a finished entry's outputs are zeros and its
    state is copied through; the length of an entry is the step at which it finished."""
    if not isinstance(decoder, Decoder):
        raise TypeError("Expected decoder to be type Decoder, but saw: %s" % type(decoder))
    with tf1.variable_scope(scope, "decoder") as varscope:
        # TF 1.15 cached variable reads per device outside a while loop (a train step may itself be one).
        context = tf1.get_default_graph()._get_control_flow_context()  # pylint: disable=protected-access
        if control_flow_util.GetContainingWhileContext(context) is None and varscope.caching_device is None:
            varscope.set_caching_device(lambda op: op.device)

        if maximum_iterations is not None:
            maximum_iterations = tf1.convert_to_tensor(maximum_iterations, dtype=tf1.int32,
                                                       name="maximum_iterations")
            if maximum_iterations.get_shape().ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")

        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zeros = zero_outputs(decoder.output_size, decoder.output_dtype, decoder.batch_size)
        if maximum_iterations is not None:
            initial_finished = tf1.logical_or(initial_finished, 0 >= maximum_iterations)
        initial_lengths = tf1.zeros_like(initial_finished, dtype=tf1.int32)
        static_batch = tf1.get_static_value(tf1.convert_to_tensor(decoder.batch_size, name="batch_size"))

        def element_shape(size):
            if not isinstance(size, tf1.TensorShape) or size.ndims == 0:
                return tf1.TensorShape(None)
            return tf1.TensorShape([static_batch]).concatenate(size)

        initial_outputs_ta = tf1.nest.map_structure(
            lambda s, d: tf1.TensorArray(dtype=d, size=0, dynamic_size=True, element_shape=element_shape(s)),
            decoder.output_size, decoder.output_dtype)

        def condition(time, outputs_ta, state, inputs, finished, lengths):
            return tf1.logical_not(tf1.reduce_all(finished))

        def body(time, outputs_ta, state, inputs, finished, lengths):
            outputs, decoder_state, next_inputs, decoder_finished = decoder.step(time, inputs, state)
            if decoder.tracks_own_finished:
                next_finished = decoder_finished
            else:
                next_finished = tf1.logical_or(decoder_finished, finished)
            # An entry's length is the step after which it was first seen finished.
            next_lengths = tf1.where(tf1.logical_not(finished), tf1.fill(tf1.shape(lengths), time + 1), lengths)
            tf1.nest.assert_same_structure(state, decoder_state)
            tf1.nest.assert_same_structure(outputs_ta, outputs)
            tf1.nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                outputs = tf1.nest.map_structure(lambda out, zero: tf1.where(finished, zero, out), outputs, zeros)

                def copy_through(new, current):
                    # TensorArrays and scalar states pass through as the step made them.
                    if isinstance(current, tf1.TensorArray):
                        return new
                    new.set_shape(current.shape)
                    return new if new.shape.ndims == 0 else tf1.where(finished, current, new)
                decoder_state = tf1.nest.map_structure(copy_through, decoder_state, state)
            outputs_ta = tf1.nest.map_structure(lambda ta, out: ta.write(time, out), outputs_ta, outputs)
            return time + 1, outputs_ta, decoder_state, next_inputs, next_finished, next_lengths

        result = tf1.while_loop(
            condition, body,
            loop_vars=(tf1.constant(0, dtype=tf1.int32), initial_outputs_ta, initial_state, initial_inputs,
                       initial_finished, initial_lengths),
            parallel_iterations=parallel_iterations, maximum_iterations=maximum_iterations,
            swap_memory=swap_memory)
        final_state, final_lengths = result[2], result[5]
        final_outputs = tf1.nest.map_structure(lambda ta: ta.stack(), result[1])  # (time, batch, ...)
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state, final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = tf1.nest.map_structure(transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths
