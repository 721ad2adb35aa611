"""`tensorflow.contrib.rnn`'s cells from TF 1.15's contrib/rnn rnn_cell.py that tf.compat.v1 lost:
`LayerNormBasicLSTMCell`, `AttentionCellWrapper`, `UGRNNCell`, `NASCell`, `HighwayWrapper`, `IndRNNCell`,
`IndyGRUCell`, `IndyLSTMCell`.

Written again here on tf-keras's legacy RNNCell (the base of tf.compat.v1's own cells), with TF1's
signatures, variable names and formulas; the layer normalisation is tf-slim's `layer_norm`
(TF1's contrib.layers one, variance epsilon 1e-12).  Variables sit in the cell's scope
(`rnn/layer_norm_basic_lstm_cell/...`, `rnn/attention_cell_wrapper/...`), so a TF1 checkpoint
restores.

TF 2: `keras.layers.LSTM` with `keras.layers.LayerNormalization` (a custom cell), or
`keras.layers.Attention` / `MultiHeadAttention` over an RNN's outputs.
"""
from __future__ import annotations

import logging

import tensorflow as tf
from tf_keras.src.engine.input_spec import InputSpec
from tf_keras.src.layers.rnn import legacy_cells

tf1 = tf.compat.v1
log = logging.getLogger(__name__)

__all__ = ["LayerNormBasicLSTMCell", "AttentionCellWrapper", "UGRNNCell", "NASCell", "HighwayWrapper", "IndRNNCell",
           "IndyGRUCell", "IndyLSTMCell"]


class _Linear:
    """TF1's rnn_cell_impl._Linear: `kernel` (sum of the args' depths, output_size) and `bias`
    (output_size, zeros) in the variable scope current at construction; calling it gives
    concat(args, 1) @ kernel + bias.  Made once per cell, so later calls share the variables."""

    def __init__(self, args, output_size: int, build_bias: bool, bias_initializer=None, kernel_initializer=None):
        args = list(args) if isinstance(args, (list, tuple)) else [args]
        depths = [tf1.dimension_value(a.shape.with_rank(2)[1]) for a in args]
        if None in depths:
            raise ValueError(f"linear expects shape[1] to be provided for shape {args[depths.index(None)].shape}, "
                             "but saw None.")
        dtype = args[0].dtype
        self._build_bias = build_bias
        self._kernel = tf1.get_variable("kernel", [sum(depths), output_size], dtype=dtype,
                                        initializer=kernel_initializer)
        if build_bias:
            self._bias = tf1.get_variable("bias", [output_size], dtype=dtype,
                                          initializer=bias_initializer or tf1.constant_initializer(0.0, dtype=dtype))

    def __call__(self, args):
        args = list(args) if isinstance(args, (list, tuple)) else [args]
        res = tf.matmul(args[0] if len(args) == 1 else tf.concat(args, 1), self._kernel)
        return tf.nn.bias_add(res, self._bias) if self._build_bias else res


def _assert_like_rnncell(cell) -> None:
    missing = [name for name in ("output_size", "state_size", "zero_state") if not hasattr(cell, name)]
    if not callable(cell):
        missing.append("__call__")
    if missing:
        raise TypeError(f"The argument 'cell' ({cell}) is not an RNNCell: missing {', '.join(missing)}.")


class LayerNormBasicLSTMCell(legacy_cells.RNNCell):
    """TF1's tf.contrib.rnn.LayerNormBasicLSTMCell: BasicLSTMCell with layer normalisation of
    each gate's pre-activation and of the new cell state (before their nonlinearities), and
    recurrent dropout on the candidate g (Semeniuta et al.: no dropout on the memory).

    Variables: `kernel` (input + units, 4 units); with layer_norm, `gamma`/`beta` under `input/`,
    `transform/`, `forget/`, `output/`, `state/` and no bias; without it, `bias` (4 units)."""

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=tf.tanh, layer_norm=True,
                 norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        if input_size is not None:  # TF1 warned and went on: the argument was already unused
            log.warning("%s: The input_size parameter is deprecated.", self)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    @property
    def state_size(self):
        return legacy_cells.LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def _norm(self, inp, scope: str, dtype):
        import tf_slim  # TF1's contrib.layers.layer_norm; imported by the first cell that needs it

        shape = inp.shape[-1:]
        with tf1.variable_scope(scope):
            # TF1 made gamma and beta itself (with norm_gain / norm_shift), then layer_norm reused them
            tf1.get_variable("gamma", shape=shape, initializer=tf1.constant_initializer(self._norm_gain), dtype=dtype)
            tf1.get_variable("beta", shape=shape, initializer=tf1.constant_initializer(self._norm_shift), dtype=dtype)
        return tf_slim.layers.layer_norm(inp, reuse=True, scope=scope)

    def _linear(self, args):
        out_size = 4 * self._num_units
        weights = tf1.get_variable("kernel", [args.shape[-1], out_size], dtype=args.dtype)
        out = tf.matmul(args, weights)
        if not self._layer_norm:
            out = tf.nn.bias_add(out, tf1.get_variable("bias", [out_size], dtype=args.dtype))
        return out

    def call(self, inputs, state):
        c, h = state
        args = tf.concat([inputs, h], 1)                 # (batch, input + units)
        i, j, f, o = tf.split(self._linear(args), 4, axis=1)
        dtype = args.dtype
        if self._layer_norm:
            i = self._norm(i, "input", dtype)
            j = self._norm(j, "transform", dtype)
            f = self._norm(f, "forget", dtype)
            o = self._norm(o, "output", dtype)
        g = self._activation(j)
        # TF1's test: a tensor, or a float below 1 (an int 1 too: it is not a float)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = tf1.nn.dropout(g, keep_prob=self._keep_prob, seed=self._seed)
        new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, legacy_cells.LSTMStateTuple(new_c, new_h)


class AttentionCellWrapper(legacy_cells.RNNCell):
    """TF1's tf.contrib.rnn.AttentionCellWrapper (Cheng et al. 2016, LSTMN): attention over a
    window of the last `attn_length` outputs, kept in the state.  State (cell state, attention
    vector (batch, attn_size), window (batch, attn_length * attn_size)); output (batch, attn_size).

    Variables in the wrapper's scope: `kernel`/`bias` (inputs and attention -> input_size), the
    cell's own, `attention/attn_w` (1, 1, attn_size, attn_vec_size), `attention/attn_v`,
    `attention/kernel`/`bias` (the state query), `attn_output_projection/kernel`/`bias`."""

    def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None, input_size=None, state_is_tuple=True,
                 reuse=None):
        super().__init__(_reuse=reuse)
        _assert_like_rnncell(cell)
        if tf.nest.is_nested(cell.state_size) and not state_is_tuple:
            raise ValueError("Cell returns tuple of states, but the flag state_is_tuple is not set. "
                             f"State size is: {cell.state_size}")
        if attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length}")
        if not state_is_tuple:
            log.warning("%s: Using a concatenated state is slower and will soon be deprecated.  "
                        "Use state_is_tuple=True.", self)
        attn_size = cell.output_size if attn_size is None else attn_size
        self._state_is_tuple = state_is_tuple
        self._cell = cell
        self._attn_vec_size = attn_size if attn_vec_size is None else attn_vec_size
        self._input_size = input_size
        self._attn_size = attn_size
        self._attn_length = attn_length
        self._linear_input = self._linear_output = self._linear_query = None

    @property
    def state_size(self):
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    @property
    def output_size(self):
        return self._attn_size

    def call(self, inputs, state):
        if self._state_is_tuple:
            state, attns, attn_states = state
        else:
            cell_size = self._cell.state_size
            attns = state[:, cell_size:cell_size + self._attn_size]
            attn_states = state[:, cell_size + self._attn_size:cell_size + self._attn_size * (1 + self._attn_length)]
            state = state[:, :cell_size]
        attn_states = tf.reshape(attn_states, [-1, self._attn_length, self._attn_size])  # (batch, L, attn)
        input_size = self._input_size if self._input_size is not None else inputs.shape.as_list()[1]
        if self._linear_input is None:
            self._linear_input = _Linear([inputs, attns], input_size, True)
        cell_output, new_state = self._cell(self._linear_input([inputs, attns]), state)
        query = tf.concat(tf.nest.flatten(new_state), 1) if self._state_is_tuple else new_state
        new_attns, new_attn_states = self._attention(query, attn_states)
        with tf1.variable_scope("attn_output_projection"):
            if self._linear_output is None:
                self._linear_output = _Linear([cell_output, new_attns], self._attn_size, True)
            output = self._linear_output([cell_output, new_attns])
        # the window slides: the oldest entry dropped, this step's output appended
        new_attn_states = tf.reshape(tf.concat([new_attn_states, output[:, None, :]], 1),
                                     [-1, self._attn_length * self._attn_size])
        new_state = (new_state, new_attns, new_attn_states)
        return output, (new_state if self._state_is_tuple else tf.concat(list(new_state), 1))

    def _attention(self, query, attn_states):
        """Additive attention over the window: softmax over L of v . tanh(W_h h_l + W_q q)."""
        with tf1.variable_scope("attention"):
            k = tf1.get_variable("attn_w", [1, 1, self._attn_size, self._attn_vec_size])
            v = tf1.get_variable("attn_v", [self._attn_vec_size])
            hidden = tf.reshape(attn_states, [-1, self._attn_length, 1, self._attn_size])  # (batch, L, 1, attn)
            hidden_features = tf1.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME")          # (batch, L, 1, vec)
            if self._linear_query is None:
                self._linear_query = _Linear(query, self._attn_vec_size, True)
            y = tf.reshape(self._linear_query(query), [-1, 1, 1, self._attn_vec_size])
            s = tf.reduce_sum(v * tf.tanh(hidden_features + y), [2, 3])                  # (batch, L)
            a = tf.nn.softmax(s)
            d = tf.reduce_sum(tf.reshape(a, [-1, self._attn_length, 1, 1]) * hidden, [1, 2])
            return tf.reshape(d, [-1, self._attn_size]), attn_states[:, 1:, :]


class UGRNNCell(legacy_cells.RNNCell):
    """TF1's tf.contrib.rnn.UGRNNCell (Collins et al. 2017): one update gate g between the old
    state and a tanh candidate, h = g * h_prev + (1 - g) * c.  Variables `kernel`
    (input + units, 2 units), `bias` (2 units) in `ugrnn_cell/`."""

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=tf.tanh, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._activation = activation
        self._linear = None

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        if tf1.dimension_value(inputs.shape.with_rank(2)[1]) is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        with tf1.variable_scope(tf1.get_variable_scope(), initializer=self._initializer):
            cell_inputs = tf.concat([inputs, state], 1)
            if self._linear is None:
                self._linear = _Linear(cell_inputs, 2 * self._num_units, True)
            g_act, c_act = tf.split(self._linear(cell_inputs), 2, axis=1)
            c = self._activation(c_act)
            g = tf.sigmoid(g_act + self._forget_bias)
            new_state = g * state + (1.0 - g) * c
        return new_state, new_state


class NASCell(legacy_cells.LayerRNNCell):
    """TF1's tf.contrib.rnn.NASCell (Zoph & Le 2017): the searched 8-branch recurrent cell, with an
    optional projection.  Variables `recurrent_kernel` (proj or units, 8 units), `kernel`
    (input, 8 units), `bias` if use_bias, `projection_weights` if num_proj, in `nas_cell/`."""

    _NAS_BASE = 8

    def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None, **kwargs):
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units = num_units
        self._num_proj = num_proj
        self._use_bias = use_bias
        out = num_units if num_proj is None else num_proj
        self._state_size = legacy_cells.LSTMStateTuple(num_units, out)
        self._output_size = out

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, inputs_shape):
        input_size = tf1.dimension_value(tf.TensorShape(inputs_shape).with_rank(2)[1])
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        width = self._NAS_BASE * self._num_units
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [self._output_size, width])
        self.kernel = self.add_weight("kernel", [input_size, width])
        if self._use_bias:
            self.bias = self.add_weight("bias", shape=[width], initializer=tf1.zeros_initializer())
        if self._num_proj is not None:
            self.projection_weights = self.add_weight("projection_weights", [self._num_units, self._num_proj])
        self.built = True

    def call(self, inputs, state):
        sigmoid, tanh, relu = tf.sigmoid, tf.tanh, tf.nn.relu
        c_prev, m_prev = state
        m_matrix = tf.matmul(m_prev, self.recurrent_kernel)   # (batch, 8 units)
        if self._use_bias:
            m_matrix = tf.nn.bias_add(m_matrix, self.bias)
        m = tf.split(m_matrix, self._NAS_BASE, axis=1)
        x = tf.split(tf.matmul(inputs, self.kernel), self._NAS_BASE, axis=1)
        # the searched tree, as TF1 wrote it (branch 3 multiplies, the others add)
        layer1 = [sigmoid(x[0] + m[0]), relu(x[1] + m[1]), sigmoid(x[2] + m[2]), relu(x[3] * m[3]),
                  tanh(x[4] + m[4]), sigmoid(x[5] + m[5]), tanh(x[6] + m[6]), sigmoid(x[7] + m[7])]
        l2_0 = tanh(layer1[0] * layer1[1])
        l2_1 = tanh(layer1[2] + layer1[3])
        l2_2 = tanh(layer1[4] * layer1[5])
        l2_3 = sigmoid(layer1[6] + layer1[7])
        new_c = tanh(l2_0 + c_prev) * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))
        if self._num_proj is not None:
            new_m = tf.matmul(new_m, self.projection_weights)
        return new_m, legacy_cells.LSTMStateTuple(new_c, new_m)


class HighwayWrapper(legacy_cells.RNNCell):
    """TF1's tf.contrib.rnn.HighwayWrapper: out = x * carry + cell(x) * transform, carry =
    sigmoid(x @ carry_w + carry_b) and transform = 1 - carry (or its own gate).  Its variables
    `carry_w`, `carry_b` (`transform_w`, `transform_b`) are in the scope the wrapper is called
    in, beside the cell's scope, as in TF1."""

    def __init__(self, cell, couple_carry_transform_gates=True, carry_bias_init=1.0):
        super().__init__()
        self._cell = cell
        self._couple_carry_transform_gates = couple_carry_transform_gates
        self._carry_bias_init = carry_bias_init

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with tf.name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def _highway(self, inp, out):
        input_size = tf1.dimension_value(inp.shape.with_rank(2)[1])
        carry_weight = tf1.get_variable("carry_w", [input_size, input_size])
        carry_bias = tf1.get_variable("carry_b", [input_size],
                                      initializer=tf1.constant_initializer(self._carry_bias_init))
        carry = tf.sigmoid(tf1.nn.xw_plus_b(inp, carry_weight, carry_bias))
        if self._couple_carry_transform_gates:
            transform = 1 - carry
        else:
            transform_weight = tf1.get_variable("transform_w", [input_size, input_size])
            transform_bias = tf1.get_variable("transform_b", [input_size],
                                              initializer=tf1.constant_initializer(-self._carry_bias_init))
            transform = tf.sigmoid(tf1.nn.xw_plus_b(inp, transform_weight, transform_bias))
        return inp * carry + out * transform

    def __call__(self, inputs, state, scope=None):
        outputs, new_state = self._cell(inputs, state, scope=scope)
        tf.nest.assert_same_structure(inputs, outputs)
        tf.nest.map_structure(lambda i, o: i.shape.assert_is_compatible_with(o.shape), inputs, outputs)
        return tf.nest.map_structure(self._highway, inputs, outputs), new_state


class _IndependentCell(legacy_cells.LayerRNNCell):
    """What TF1's IndRNN family shares: 2-D inputs, TF1's signature and the input depth check.
    Each recurrent weight `*_u` is a row (1, n) multiplying the state elementwise, initialised
    uniform in [-1, 1] as in TF1."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None, bias_initializer=None,
                 name=None, dtype=None):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = activation or tf.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def _input_depth(self, inputs_shape) -> int:
        depth = tf1.dimension_value(tf.TensorShape(inputs_shape)[1])
        if depth is None:
            raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
        return depth

    def _recurrent_row(self, name: str, width: int):
        return self.add_weight(name, shape=[1, width],
                               initializer=tf1.random_uniform_initializer(minval=-1, maxval=1, dtype=self.dtype))

    def _bias(self, name: str, width: int, default):
        return self.add_weight(name, shape=[width], initializer=self._bias_initializer or default)


class IndRNNCell(_IndependentCell):
    """TF1's tf.contrib.rnn.IndRNNCell (Li et al. 2018): h = act(x @ kernel_w + u * h_prev + bias)."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(num_units, activation=activation, reuse=reuse, name=name, dtype=dtype)

    def build(self, inputs_shape):
        depth = self._input_depth(inputs_shape)
        self._kernel_w = self.add_weight("kernel_w", shape=[depth, self._num_units])
        self._kernel_u = self._recurrent_row("kernel_u", self._num_units)
        self._bias_v = self.add_weight("bias", shape=[self._num_units], initializer=tf1.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        output = self._activation(tf.nn.bias_add(tf.matmul(inputs, self._kernel_w) + state * self._kernel_u,
                                                 self._bias_v))
        return output, output


class IndyGRUCell(_IndependentCell):
    """TF1's tf.contrib.rnn.IndyGRUCell: GRUCell with each recurrent matrix a diagonal (a row u):
    r, u = s(x @ W + [u_r, u_z] * [h, h] + b); h' = u h + (1 - u) act(x @ W_c + u_c * r h + b_c)."""

    def build(self, inputs_shape):
        depth, units = self._input_depth(inputs_shape), self._num_units
        self._gate_kernel_w = self.add_weight("gates/kernel_w", shape=[depth, 2 * units],
                                              initializer=self._kernel_initializer)
        self._gate_kernel_u = self._recurrent_row("gates/kernel_u", 2 * units)
        self._gate_bias = self._bias("gates/bias", 2 * units, tf1.constant_initializer(1.0))
        self._candidate_kernel_w = self.add_weight("candidate/kernel", shape=[depth, units],
                                                   initializer=self._kernel_initializer)
        self._candidate_kernel_u = self._recurrent_row("candidate/kernel_u", units)
        self._candidate_bias = self._bias("candidate/bias", units, tf1.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        gates = tf.matmul(inputs, self._gate_kernel_w) + tf.tile(state, [1, 2]) * self._gate_kernel_u
        r, u = tf.split(tf.sigmoid(tf.nn.bias_add(gates, self._gate_bias)), 2, axis=1)
        candidate = tf.matmul(inputs, self._candidate_kernel_w) + r * state * self._candidate_kernel_u
        c = self._activation(tf.nn.bias_add(candidate, self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class IndyLSTMCell(_IndependentCell):
    """TF1's tf.contrib.rnn.IndyLSTMCell: BasicLSTMCell (i, j, f, o; forget_bias) with each
    recurrent matrix a diagonal: z = x @ kernel_w + [h, h, h, h] * kernel_u + bias."""

    def __init__(self, num_units, forget_bias=1.0, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation=activation, reuse=reuse, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, name=name, dtype=dtype)
        self._forget_bias = forget_bias

    @property
    def state_size(self):
        return legacy_cells.LSTMStateTuple(self._num_units, self._num_units)

    def build(self, inputs_shape):
        depth, units = self._input_depth(inputs_shape), self._num_units
        self._kernel_w = self.add_weight("kernel_w", shape=[depth, 4 * units], initializer=self._kernel_initializer)
        self._kernel_u = self._recurrent_row("kernel_u", 4 * units)
        self._bias_v = self._bias("bias", 4 * units, tf1.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        c, h = state
        z = tf.nn.bias_add(tf.matmul(inputs, self._kernel_w) + tf.tile(h, [1, 4]) * self._kernel_u, self._bias_v)
        i, j, f, o = tf.split(z, 4, axis=1)
        new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, legacy_cells.LSTMStateTuple(new_c, new_h)
