"""`tf.contrib.seq2seq.BasicDecoder`: a cell, an optional output layer and a helper that picks each
step's id and next input, as in TF 1.15 (contrib/seq2seq/python/ops/basic_decoder.py).

TF 2: no maintained equivalent; the cell and a `tf.while_loop` (see decoder.py).
"""
from __future__ import annotations

import collections

from tensorflow.compat import v1 as tf1
from tensorflow.python.ops import rnn_cell_impl

from rnn_tf1.tf1.seq2seq.decoder import Decoder, is_tf1_layer, rnn_output_size
from rnn_tf1.tf1.seq2seq.helper import Helper

__all__ = ["BasicDecoderOutput", "BasicDecoder"]


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))):
    """One step's (or, stacked, all steps') cell outputs after the output layer, and sample ids."""


class BasicDecoder(Decoder):
    """Each step: cell(inputs, state) -> output layer -> helper.sample -> helper.next_inputs.  Under
    dynamic_decode the cell's and the layer's variables are decoder/<cell>/... and decoder/<layer>/...
    as in TF 1.15."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        rnn_cell_impl.assert_like_rnncell("cell", cell)
        if not isinstance(helper, Helper):
            raise TypeError("helper must be a Helper, received: %s" % type(helper))
        if output_layer is not None and not is_tf1_layer(output_layer):
            raise TypeError("output_layer must be a Layer, received: %s" % type(output_layer))
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        return rnn_output_size(self._cell, self._output_layer)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(), sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        # TF 1.15: the outputs have the dtype of the initial state's first tensor.
        dtype = tf1.nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(tf1.nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with tf1.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished
