"""`tensorflow.contrib.rnn`'s input and output wrappers (TF 1.x's contrib/rnn core_rnn_cell module):
EmbeddingWrapper, InputProjectionWrapper, OutputProjectionWrapper.

Written again here on tf.compat.v1's RNNCell (tf-keras's legacy cell, which keeps TF1's variable
scopes), with TF 1.15's variable names: `SCOPE/embedding_wrapper/embedding`,
`SCOPE/input_projection_wrapper/{kernel,bias}`, `SCOPE/output_projection_wrapper/{kernel,bias}`, the
wrapped cell under the wrapper's scope (`SCOPE/output_projection_wrapper/basic_lstm_cell/kernel`).
`linear` is TF1's `_linear` (one `kernel` over the concatenated arguments, a `bias` starting at 0),
which legacy_seq2seq builds on too.

TF 2: `keras.layers.Embedding` before the RNN layer, `keras.layers.Dense` on its outputs.
"""
from __future__ import annotations

import math

from rnn_tf1 import tf_env  # noqa: F401  (before TensorFlow is imported)
from tensorflow.compat import v1 as tf1  # the real tf.compat.v1, also under `rnn-tf1 run`

__all__ = ["EmbeddingWrapper", "InputProjectionWrapper", "OutputProjectionWrapper"]

RNNCell = tf1.nn.rnn_cell.RNNCell
nest = tf1.nest


def like_rnncell(cell) -> bool:
    """TF1's duck-typed check of an RNN cell: sizes, zero_state and callable."""
    return all(hasattr(cell, attr) for attr in ("output_size", "state_size", "zero_state")) and callable(cell)


def linear(args, output_size: int, bias: bool, bias_initializer=None, kernel_initializer=None):
    """TF1's `_linear`: concat(args, 1) @ kernel (+ bias), the variables `kernel` [sum of depths,
    output_size] and `bias` [output_size] (zeros unless bias_initializer) in the current scope."""
    if args is None or (nest.is_nested(args) and not args):
        raise ValueError("`args` must be specified")
    if not nest.is_nested(args):
        args = [args]
    total_depth = 0
    shapes = [a.get_shape() for a in args]
    for shape in shapes:
        if shape.ndims != 2:
            raise ValueError("linear is expecting 2D arguments: %s" % shapes)
        depth = tf1.dimension_value(shape[1])  # an int, or a Dimension under TF1's v1 shapes
        if depth is None:
            raise ValueError("linear expects shape[1] to be provided for shape %s, but saw %s" % (shape, shape[1]))
        total_depth += depth
    dtype = args[0].dtype
    scope = tf1.get_variable_scope()
    with tf1.variable_scope(scope) as outer_scope:
        kernel = tf1.get_variable("kernel", [total_depth, output_size], dtype=dtype, initializer=kernel_initializer)
        # (batch, sum of depths) @ (sum of depths, output_size)
        res = tf1.matmul(args[0] if len(args) == 1 else tf1.concat(args, 1), kernel)
        if not bias:
            return res
        with tf1.variable_scope(outer_scope) as inner_scope:
            inner_scope.set_partitioner(None)  # TF1: the bias is never partitioned
            if bias_initializer is None:
                bias_initializer = tf1.constant_initializer(0.0, dtype=dtype)
            biases = tf1.get_variable("bias", [output_size], dtype=dtype, initializer=bias_initializer)
        return tf1.nn.bias_add(res, biases)


class _WrapperBase(RNNCell):
    """The wrapped cell's state, passed through; its zero_state under `<Wrapper>ZeroState`."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        if not like_rnncell(cell):
            raise TypeError("The parameter cell is not RNNCell.")
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with tf1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)


class EmbeddingWrapper(_WrapperBase):
    """TF1's EmbeddingWrapper: integer ids (batch,) or (batch, 1) -> an `embedding`
    [embedding_classes, embedding_size] lookup -> the wrapped cell."""

    def __init__(self, cell, embedding_classes: int, embedding_size: int, initializer=None, reuse=None):
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError("Both embedding_classes and embedding_size must be > 0: "
                             "%d, %d." % (embedding_classes, embedding_size))
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    def call(self, inputs, state):
        # TF1 kept the embedding on the CPU, and its default initializer has variance 1:
        # uniform(-sqrt(3), sqrt(3)) unless given one or the scope has one.
        with tf1.device("/cpu:0"):
            initializer = self._initializer or tf1.get_variable_scope().initializer
            if not initializer:
                initializer = tf1.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
            dtype = state[0].dtype if isinstance(state, tuple) else state.dtype
            embedding = tf1.get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                         initializer=initializer, dtype=dtype)
            embedded = tf1.nn.embedding_lookup(embedding, tf1.reshape(inputs, [-1]))  # (batch, embedding_size)
            return self._cell(embedded, state)


class InputProjectionWrapper(_WrapperBase):
    """TF1's InputProjectionWrapper: inputs -> linear(num_proj) (kernel, bias), optional activation
    -> the wrapped cell."""

    def __init__(self, cell, num_proj: int, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse)
        if input_size is not None:
            # TF1 accepted it but warned that it is deprecated and unused; say so, never drop it silently.
            tf1.logging.warn("%s: The input_size parameter is deprecated.", self)
        self._num_proj = num_proj
        self._activation = activation

    def call(self, inputs, state):
        projected = linear(inputs, self._num_proj, True)  # (batch, num_proj)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class OutputProjectionWrapper(_WrapperBase):
    """TF1's OutputProjectionWrapper: the wrapped cell, then linear(output_size) (kernel, bias) on
    its output, optional activation; the cell's state unchanged."""

    def __init__(self, cell, output_size: int, activation=None, reuse=None):
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError("Parameter output_size must be > 0: %d." % output_size)
        self._output_size = output_size
        self._activation = activation

    @property
    def output_size(self):
        return self._output_size

    def call(self, inputs, state):
        output, next_state = self._cell(inputs, state)
        projected = linear(output, self._output_size, True)  # (batch, output_size)
        if self._activation:
            projected = self._activation(projected)
        return projected, next_state
