"""`tensorflow.contrib.seq2seq`'s attention (TF 1.x's contrib/seq2seq attention_wrapper module):
BahdanauAttention, LuongAttention, their monotonic forms, AttentionWrapper and its state.

Written again here on tf.compat.v1 (its `layers.Dense`, variable scopes and RNNCell, which keep TF1's
graph) with TF 1.15's semantics and variable names: `memory_layer/kernel` where the mechanism is made;
under the wrapper's scope (`rnn/attention_wrapper/` in dynamic_rnn) the wrapped cell,
`bahdanau_attention/{query_layer/kernel, attention_v, attention_g, attention_b}`,
`luong_attention/attention_g` and `attention_layer/kernel`.

TF 2: no maintained drop-in (TensorFlow Addons' tfa.seq2seq no longer imports on TF 2.21);
`keras.layers.AdditiveAttention` / `keras.layers.Attention` over a Keras RNN's outputs.
"""
from __future__ import annotations

import collections
import functools
import math

import numpy as np

from rnn_tf1 import tf_env  # noqa: F401  (before TensorFlow is imported)
from tensorflow.compat import v1 as tf1  # the real tf.compat.v1, also under `rnn-tf1 run`

__all__ = ["AttentionMechanism", "AttentionWrapper", "AttentionWrapperState", "LuongAttention",
           "BahdanauAttention", "hardmax", "safe_cumprod", "monotonic_attention",
           "BahdanauMonotonicAttention", "LuongMonotonicAttention"]

nest = tf1.nest


def _dim(dimension):
    """A static dimension as an int or None (TF1's v1 shapes give Dimension objects)."""
    return tf1.dimension_value(dimension)


def _static_or_dynamic(tensor, axis: int):
    """TF1's `shape[axis].value or tf.shape(t)[axis]`."""
    return _dim(tensor.shape[axis]) or tf1.shape(tensor)[axis]


def _zero_state_tensors(state_size, batch_size, dtype):
    """Zeros (batch, *size) for each size in the (nested) state_size, as TF1's RNN cells made them;
    a size may be a scalar tensor (a memory of unknown length)."""
    def zeros(size):
        dims = [size] if tf1.is_tensor(size) else tf1.TensorShape(size).as_list()
        shape = [batch_size] + dims
        return tf1.zeros(tf1.stack(shape) if any(tf1.is_tensor(d) for d in shape) else shape, dtype=dtype)
    return nest.map_structure(zeros, state_size)


class AttentionMechanism:
    """TF1's base class of attention mechanisms (AttentionWrapper accepts only these)."""

    @property
    def alignments_size(self):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError


def _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined: bool):
    """TF1: memory as tensors, inner dims checked, steps past memory_sequence_length zeroed."""
    memory = nest.map_structure(lambda m: tf1.convert_to_tensor(m, name="memory"), memory)
    if memory_sequence_length is not None:
        memory_sequence_length = tf1.convert_to_tensor(memory_sequence_length, name="memory_sequence_length")
    if check_inner_dims_defined:
        def check(m):
            if not m.get_shape()[2:].is_fully_defined():
                raise ValueError("Expected memory %s to have fully defined inner dims, but saw shape: %s"
                                 % (m.name, m.get_shape()))
        nest.map_structure(check, memory)
    if memory_sequence_length is None:
        return memory
    first = nest.flatten(memory)[0]
    mask = tf1.sequence_mask(memory_sequence_length, maxlen=tf1.shape(first)[1], dtype=first.dtype)  # (batch, time)

    def masked(m):
        rank = m.get_shape().ndims
        rank = rank if rank is not None else tf1.rank(m)
        extra_ones = tf1.ones(rank - 2, dtype=tf1.int32)
        # (batch, time, 1, ...) to broadcast over the memory's depth
        return m * tf1.reshape(mask, tf1.concat((tf1.shape(mask), extra_ones), 0))
    return nest.map_structure(masked, memory)


def _maybe_mask_score(score, memory_sequence_length, score_mask_value):
    """TF1: scores past each sequence's length replaced by score_mask_value (-inf by default)."""
    if memory_sequence_length is None:
        return score
    message = "All values in memory_sequence_length must be greater than zero."
    with tf1.control_dependencies([tf1.assert_positive(memory_sequence_length, message=message)]):
        score_mask = tf1.sequence_mask(memory_sequence_length, maxlen=tf1.shape(score)[1])
        return tf1.where(score_mask, score, score_mask_value * tf1.ones_like(score))


class _BaseAttentionMechanism(AttentionMechanism):
    """TF1's common part: the memory masked and projected to keys by memory_layer, once, when the
    mechanism is made; the probability function applied to masked scores."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None, memory_layer=None,
                 check_inner_dims_defined=True, score_mask_value=None, custom_key_value_fn=None, name=None):
        for what, layer in (("query_layer", query_layer), ("memory_layer", memory_layer)):
            if layer is not None and not isinstance(layer, tf1.layers.Layer):
                raise TypeError("%s is not a Layer: %s" % (what, type(layer).__name__))
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        self.dtype = memory_layer.dtype
        if not callable(probability_fn):
            raise TypeError("probability_fn must be callable, saw type: %s" % type(probability_fn).__name__)
        if score_mask_value is None:
            score_mask_value = tf1.as_dtype(self._memory_layer.dtype).as_numpy_dtype(-np.inf)
        self._probability_fn = lambda score, prev: probability_fn(
            _maybe_mask_score(score, memory_sequence_length, score_mask_value), prev)
        with tf1.name_scope(name, "BaseAttentionMechanismInit", nest.flatten(memory)):
            self._values = _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined)
            self._keys = self.memory_layer(self._values) if self.memory_layer else self._values
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            self._batch_size = _static_or_dynamic(self._keys, 0)
            self._alignments_size = _static_or_dynamic(self._keys, 1)

    @property
    def memory_layer(self):
        return self._memory_layer

    @property
    def query_layer(self):
        return self._query_layer

    @property
    def values(self):
        return self._values

    @property
    def keys(self):
        return self._keys

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def alignments_size(self):
        return self._alignments_size

    @property
    def state_size(self):
        return self._alignments_size

    def initial_alignments(self, batch_size, dtype):
        """Zeros (batch, memory time), TF1's start for the non-monotonic mechanisms."""
        return _zero_state_tensors(self._alignments_size, batch_size, dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)


def _luong_score(query, keys, scale):
    """TF1's multiplicative score: query (batch, depth) . keys (batch, time, depth) -> (batch, time),
    times the scalar `scale` if given."""
    depth, key_units = query.get_shape()[-1], keys.get_shape()[-1]
    if depth != key_units:
        raise ValueError(
            "Incompatible or unknown inner dimensions between query and keys.  Query (%s) has units: %s.  "
            "Keys (%s) have units: %s.  Perhaps you need to set num_units to the keys' dimension (%s)?"
            % (query, depth, keys, key_units, key_units))
    # (batch, 1, depth) @ (batch, depth, time) -> (batch, 1, time) -> (batch, time)
    score = tf1.squeeze(tf1.matmul(tf1.expand_dims(query, 1), keys, transpose_b=True), [1])
    return score if scale is None else scale * score


def _bahdanau_score(processed_query, keys, attention_v, attention_g=None, attention_b=None):
    """TF1's additive score: sum_units v * tanh(keys + query) -> (batch, time); normalized form:
    v replaced by g * v / |v| and a bias b added inside the tanh."""
    processed_query = tf1.expand_dims(processed_query, 1)  # (batch, 1, units) against keys (batch, time, units)
    if attention_g is not None and attention_b is not None:
        normed_v = attention_g * attention_v * tf1.rsqrt(tf1.reduce_sum(tf1.square(attention_v)))
        return tf1.reduce_sum(normed_v * tf1.tanh(keys + processed_query + attention_b), [2])
    return tf1.reduce_sum(attention_v * tf1.tanh(keys + processed_query), [2])


class LuongAttention(_BaseAttentionMechanism):
    """TF1's Luong (multiplicative) attention; scale=True multiplies the score by a learned scalar
    `luong_attention/attention_g` (starting at 1)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False, probability_fn=None,
                 score_mask_value=None, dtype=None, custom_key_value_fn=None, name="LuongAttention"):
        probability_fn = probability_fn or tf1.nn.softmax
        dtype = dtype or tf1.float32
        super().__init__(
            query_layer=None,
            memory_layer=tf1.layers.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=lambda score, _: probability_fn(score),
            memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
            custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units = num_units
        self._scale = scale
        self._name = name

    def _score(self, query):
        """The multiplicative score, with TF1's `attention_g` (starting at 1) when scaled, in the
        current scope."""
        attention_g = None
        if self._scale:
            attention_g = tf1.get_variable("attention_g", dtype=query.dtype, initializer=tf1.ones_initializer,
                                           shape=())
        return _luong_score(query, self._keys, attention_g)

    def __call__(self, query, state):
        """(alignments, next_state) for query (batch, depth); both (batch, memory time)."""
        with tf1.variable_scope(None, "luong_attention", [query]):
            score = self._score(query)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class BahdanauAttention(_BaseAttentionMechanism):
    """TF1's Bahdanau (additive) attention: `bahdanau_attention/query_layer/kernel`,
    `bahdanau_attention/attention_v`; normalize=True adds `attention_g` (sqrt(1/num_units)) and
    `attention_b` (zeros)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False, probability_fn=None,
                 score_mask_value=None, dtype=None, custom_key_value_fn=None, name="BahdanauAttention"):
        probability_fn = probability_fn or tf1.nn.softmax
        dtype = dtype or tf1.float32
        super().__init__(
            query_layer=tf1.layers.Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
            memory_layer=tf1.layers.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=lambda score, _: probability_fn(score),
            custom_key_value_fn=custom_key_value_fn, memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value, name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name

    def _score(self, query):
        """(processed query, additive score) with TF1's variables, in the current scope."""
        processed_query = self.query_layer(query) if self.query_layer else query
        attention_v = tf1.get_variable("attention_v", [self._num_units], dtype=query.dtype)
        attention_g = attention_b = None
        if self._normalize:
            attention_g = tf1.get_variable("attention_g", dtype=query.dtype, shape=(),
                                           initializer=tf1.constant_initializer(math.sqrt(1. / self._num_units)))
            attention_b = tf1.get_variable("attention_b", [self._num_units], dtype=query.dtype,
                                           initializer=tf1.zeros_initializer())
        return processed_query, _bahdanau_score(processed_query, self._keys, attention_v, attention_g, attention_b)

    def __call__(self, query, state):
        """(alignments, next_state) for query (batch, query depth); both (batch, memory time)."""
        with tf1.variable_scope(None, "bahdanau_attention", [query]):
            _, score = self._score(query)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def safe_cumprod(x, *args, **kwargs):
    """TF1: cumprod as exp(cumsum(log(x))), x clipped to [tiny, 1] (no underflow, stable gradient)."""
    with tf1.name_scope(None, "SafeCumprod", [x]):
        x = tf1.convert_to_tensor(x, name="x")
        tiny = np.finfo(x.dtype.as_numpy_dtype).tiny
        return tf1.exp(tf1.cumsum(tf1.log(tf1.clip_by_value(x, tiny, 1)), *args, **kwargs))


def monotonic_attention(p_choose_i, previous_attention, mode):
    """TF1's monotonic attention distribution from choosing probabilities (batch, memory time), in
    mode 'recursive' (a scan), 'parallel' (closed form with cumsum/cumprod) or 'hard' (0/1 only)."""
    p_choose_i = tf1.convert_to_tensor(p_choose_i, name="p_choose_i")
    previous_attention = tf1.convert_to_tensor(previous_attention, name="previous_attention")
    if mode == "recursive":
        batch_size = _static_or_dynamic(p_choose_i, 0)
        # [1, 1 - p_0, ..., 1 - p_{T-2}]: q[i] = (1 - p[i-1]) q[i-1] + previous[i]; attention[i] = p[i] q[i]
        shifted_1mp = tf1.concat([tf1.ones((batch_size, 1)), 1 - p_choose_i[:, :-1]], 1)
        q = tf1.scan(lambda acc, yz: tf1.reshape(yz[0] * acc + yz[1], (batch_size,)),
                     [tf1.transpose(shifted_1mp), tf1.transpose(previous_attention)],
                     tf1.zeros((batch_size,)))
        return p_choose_i * tf1.transpose(q)
    if mode == "parallel":
        cumprod_1mp = safe_cumprod(1 - p_choose_i, axis=1, exclusive=True)
        return p_choose_i * cumprod_1mp * tf1.cumsum(
            previous_attention / tf1.clip_by_value(cumprod_1mp, 1e-10, 1.), axis=1)  # clipped: no divide by 0
    if mode == "hard":
        p_choose_i *= tf1.cumsum(previous_attention, axis=1)  # nothing before last step's choice
        return p_choose_i * tf1.cumprod(1 - p_choose_i, axis=1, exclusive=True)  # only the first chosen index
    raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode, seed=None):
    """TF1: optional pre-sigmoid gaussian noise, sigmoid (a step in 'hard' mode), monotonic_attention."""
    if sigmoid_noise > 0:
        score += sigmoid_noise * tf1.random_normal(tf1.shape(score), dtype=score.dtype, seed=seed)
    p_choose_i = tf1.cast(score > 0, score.dtype) if mode == "hard" else tf1.sigmoid(score)
    return monotonic_attention(p_choose_i, previous_alignments, mode)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
    def initial_alignments(self, batch_size, dtype):
        """TF1: a dirac at the first memory step, [1, 0, ..., 0] for each batch entry."""
        return tf1.one_hot(tf1.zeros((batch_size,), dtype=tf1.int32), self._alignments_size, dtype=dtype)


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """TF1's monotonic attention with the additive score plus a learned scalar
    `bahdanau_monotonic_attention/attention_score_bias`."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False, score_mask_value=None,
                 sigmoid_noise=0., sigmoid_noise_seed=None, score_bias_init=0., mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        dtype = dtype or tf1.float32
        super().__init__(
            query_layer=tf1.layers.Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
            memory_layer=tf1.layers.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory,
            probability_fn=functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise, mode=mode,
                                             seed=sigmoid_noise_seed),
            memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value, name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name
        self._score_bias_init = score_bias_init

    _score = BahdanauAttention._score

    def __call__(self, query, state):
        with tf1.variable_scope(None, "bahdanau_monotonic_attention", [query]):
            processed_query, score = self._score(query)
            score += tf1.get_variable("attention_score_bias", dtype=processed_query.dtype,
                                      initializer=self._score_bias_init)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """TF1's monotonic attention with the multiplicative score plus a learned scalar
    `luong_monotonic_attention/attention_score_bias`."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False, score_mask_value=None,
                 sigmoid_noise=0., sigmoid_noise_seed=None, score_bias_init=0., mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        dtype = dtype or tf1.float32
        super().__init__(
            query_layer=None,
            memory_layer=tf1.layers.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory,
            probability_fn=functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise, mode=mode,
                                             seed=sigmoid_noise_seed),
            memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value, name=name)
        self._num_units = num_units
        self._scale = scale
        self._score_bias_init = score_bias_init
        self._name = name

    _score = LuongAttention._score

    def __call__(self, query, state):
        with tf1.variable_scope(None, "luong_monotonic_attention", [query]):
            score = self._score(query)
            score += tf1.get_variable("attention_score_bias", dtype=query.dtype, initializer=self._score_bias_init)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def _with_same_shape(old, new):
    """TF1's clone check: a replacing tensor must fit the old one's shape (statically now, at run
    time where the shape is not known); it takes on the old static shape."""
    if not (tf1.is_tensor(old) and tf1.is_tensor(new)) or isinstance(old, tf1.TensorArray):
        return new
    if not new.get_shape().is_compatible_with(old.get_shape()):
        raise ValueError("The shape of the AttentionWrapperState is expected to be same as the one to clone. "
                         "self.shape: %s, input.shape: %s" % (old.shape, new.shape))
    if old.get_shape().is_fully_defined() and new.get_shape().is_fully_defined():
        return new
    check = tf1.assert_equal(tf1.shape(old), tf1.shape(new), message="Shapes of the cloned state do not match")
    with tf1.control_dependencies([check]):
        checked = tf1.identity(new)
    checked.set_shape(old.get_shape().merge_with(new.get_shape()))
    return checked


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState",
        ("cell_state", "attention", "time", "alignments", "alignment_history", "attention_state"))):
    """TF1's AttentionWrapper state: the wrapped cell's state, the last attention, the step (int32),
    the last alignments, the alignment history (TensorArrays, or () when off) and each mechanism's state."""

    def clone(self, **kwargs):
        """This state with the fields in kwargs replaced; each new tensor must match the old shape."""
        return nest.map_structure(_with_same_shape, self, super()._replace(**kwargs))


def hardmax(logits, name=None):
    """TF1: one-hot vectors at the argmax of the last axis, in the logits' dtype."""
    with tf1.name_scope(name, "Hardmax", [logits]):
        logits = tf1.convert_to_tensor(logits, name="logits")
        depth = _dim(logits.get_shape()[-1])
        depth = depth if depth is not None else tf1.shape(logits)[-1]
        return tf1.one_hot(tf1.argmax(logits, -1), depth, dtype=logits.dtype)


def _compute_attention(attention_mechanism, cell_output, attention_state, attention_layer):
    """TF1: alignments of the cell output; context = alignments . values; attention =
    attention_layer([cell_output, context]) or the context itself."""
    alignments, next_attention_state = attention_mechanism(cell_output, state=attention_state)
    # (batch, 1, memory time) @ (batch, memory time, memory depth) -> (batch, memory depth)
    context = tf1.squeeze(tf1.matmul(tf1.expand_dims(alignments, 1), attention_mechanism.values), [1])
    attention = attention_layer(tf1.concat([cell_output, context], 1)) if attention_layer is not None else context
    return attention, alignments, next_attention_state


class AttentionWrapper(tf1.nn.rnn_cell.RNNCell):
    """TF1's AttentionWrapper: an RNNCell whose input is [inputs, previous attention], whose cell
    output queries the mechanism(s), and whose output is the attention (output_attention=True) or
    the cell's output."""

    def __init__(self, cell, attention_mechanism, attention_layer_size=None, alignment_history=False,
                 cell_input_fn=None, output_attention=True, initial_cell_state=None, name=None,
                 attention_layer=None, attention_fn=None):
        super().__init__(name=name)
        if not all(hasattr(cell, a) for a in ("output_size", "state_size", "zero_state")) or not callable(cell):
            raise TypeError("The argument 'cell' (%s) is not an RNNCell: 'output_size' property is missing, "
                            "'state_size' property is missing, either 'zero_state' or 'get_initial_state' "
                            "method is required, is not callable." % cell)
        if isinstance(attention_mechanism, (list, tuple)):
            self._is_multi = True
            attention_mechanisms = tuple(attention_mechanism)
            for mechanism in attention_mechanisms:
                if not isinstance(mechanism, AttentionMechanism):
                    raise TypeError("attention_mechanism must contain only instances of AttentionMechanism, "
                                    "saw type: %s" % type(mechanism).__name__)
        else:
            self._is_multi = False
            if not isinstance(attention_mechanism, AttentionMechanism):
                raise TypeError("attention_mechanism must be an AttentionMechanism or list of multiple "
                                "AttentionMechanism instances, saw type: %s" % type(attention_mechanism).__name__)
            attention_mechanisms = (attention_mechanism,)

        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: tf1.concat([inputs, attention], -1)  # noqa: E731
        elif not callable(cell_input_fn):
            raise TypeError("cell_input_fn must be callable, saw type: %s" % type(cell_input_fn).__name__)

        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(attention_mechanisms):
                raise ValueError("If provided, attention_layer_size must contain exactly one integer per "
                                 "attention_mechanism, saw: %d vs %d" % (len(sizes), len(attention_mechanisms)))
            self._attention_layers = tuple(
                tf1.layers.Dense(size, name="attention_layer", use_bias=False, dtype=attention_mechanisms[i].dtype)
                for i, size in enumerate(sizes))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            self._attention_layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                                           else (attention_layer,))
            if len(self._attention_layers) != len(attention_mechanisms):
                raise ValueError("If provided, attention_layer must contain exactly one layer per "
                                 "attention_mechanism, saw: %d vs %d"
                                 % (len(self._attention_layers), len(attention_mechanisms)))
            self._attention_layer_size = sum(
                _dim(layer.compute_output_shape(
                    [None, cell.output_size + _dim(mechanism.values.shape[-1])])[-1])
                for layer, mechanism in zip(self._attention_layers, attention_mechanisms))
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(_dim(m.values.shape[-1]) for m in attention_mechanisms)

        self._attention_fn = attention_fn or _compute_attention
        self._cell = cell
        self._attention_mechanisms = attention_mechanisms
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        with tf1.name_scope(name, "AttentionWrapperInit"):
            if initial_cell_state is None:
                self._initial_cell_state = None
            else:
                last = nest.flatten(initial_cell_state)[-1]
                message = ("When constructing AttentionWrapper %s: " % self._base_name
                           + "Non-matching batch sizes between the memory (encoder output) and initial_cell_state.  "
                           "Are you using the BeamSearchDecoder?  You may need to tile your initial state via the "
                           "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.")
                with tf1.control_dependencies(self._batch_size_checks(_static_or_dynamic(last, 0), message)):
                    self._initial_cell_state = nest.map_structure(
                        lambda s: tf1.identity(s, name="check_initial_cell_state"), initial_cell_state)

    def _batch_size_checks(self, batch_size, error_message):
        return [tf1.assert_equal(batch_size, mechanism.batch_size, message=error_message)
                for mechanism in self._attention_mechanisms]

    def _item_or_tuple(self, seq):
        """A tuple when the mechanisms were given as a list, else the single item (as TF1)."""
        items = tuple(seq)
        return items if self._is_multi else items[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=tf1.TensorShape([]), attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in self._attention_mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in self._attention_mechanisms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else () for m in self._attention_mechanisms))

    def zero_state(self, batch_size, dtype):
        """The initial AttentionWrapperState; batch_size must match the memory's (checked at run time,
        with TF1's message about tile_batch for beam search)."""
        with tf1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = self._cell.get_initial_state(batch_size=batch_size, dtype=dtype)
            message = ("When calling zero_state of AttentionWrapper %s: " % self._base_name
                       + "Non-matching batch sizes between the memory (encoder output) and the requested batch "
                       "size.  Are you using the BeamSearchDecoder?  If so, make sure your encoder output has "
                       "been tiled to beam_width via tf.contrib.seq2seq.tile_batch, and the batch_size= "
                       "argument passed to zero_state is batch_size * beam_width.")
            with tf1.control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = nest.map_structure(lambda s: tf1.identity(s, name="checked_cell_state"), cell_state)
            initial_alignments = [m.initial_alignments(batch_size, dtype) for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state,
                time=tf1.zeros([], dtype=tf1.int32),
                attention=_zero_state_tensors(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(initial_alignments),
                attention_state=self._item_or_tuple(m.initial_state(batch_size, dtype)
                                                    for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(
                    tf1.TensorArray(dtype, size=0, dynamic_size=True, element_shape=alignment.shape)
                    if self._alignment_history else () for alignment in initial_alignments))

    def call(self, inputs, state):
        """One step: cell(cell_input_fn(inputs, attention), cell_state); each mechanism scores the
        cell output; the attentions are concatenated (batch, attention_layer_size)."""
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be instance of AttentionWrapperState. Received type %s instead."
                            % type(state))
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
        message = ("When applying AttentionWrapper %s: " % self.name
                   + "Non-matching batch sizes between the memory (encoder output) and the query (decoder "
                   "output).  Are you using the BeamSearchDecoder?  You may need to tile your memory input via "
                   "the tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.")
        with tf1.control_dependencies(self._batch_size_checks(_static_or_dynamic(cell_output, 0), message)):
            cell_output = tf1.identity(cell_output, name="checked_cell_output")

        if self._is_multi:
            previous_attention_states, previous_histories = state.attention_state, state.alignment_history
        else:
            previous_attention_states, previous_histories = [state.attention_state], [state.alignment_history]
        all_alignments, all_attentions, all_attention_states, all_histories = [], [], [], []
        for i, mechanism in enumerate(self._attention_mechanisms):
            attention, alignments, next_attention_state = self._attention_fn(
                mechanism, cell_output, previous_attention_states[i],
                self._attention_layers[i] if self._attention_layers else None)
            history = previous_histories[i].write(state.time, alignments) if self._alignment_history else ()
            all_attention_states.append(next_attention_state)
            all_alignments.append(alignments)
            all_attentions.append(attention)
            all_histories.append(history)

        attention = tf1.concat(all_attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(all_attention_states),
            alignments=self._item_or_tuple(all_alignments),
            alignment_history=self._item_or_tuple(all_histories))
        return (attention if self._output_attention else cell_output), next_state
