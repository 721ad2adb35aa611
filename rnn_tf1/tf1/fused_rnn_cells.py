"""`tensorflow.contrib.rnn`'s fused cells (TF 1.15's contrib/rnn lstm_ops.py and gru_ops.py):
`LSTMBlockCell`, `LSTMBlockFusedCell`, `GRUBlockCell`, `GRUBlockCellV2`.

Each step is one of TensorFlow's fused kernels, which TF 2 still ships as raw ops
(`LSTMBlockCell`, `BlockLSTM`, `GRUBlockCell`); the cells are tf-keras's legacy layers (the base
of tf.compat.v1's own cells), so variables get TF1's names and a TF1 checkpoint restores:

- LSTMBlockCell: `lstm_cell/kernel` (input + units, 4 units), `lstm_cell/bias` (4 units), with
  peepholes `lstm_cell/w_i_diag`, `w_f_diag`, `w_o_diag` -- LSTMCell's names, its gate order
  (i, j, f, o, as BasicLSTMCell and `rnn_tf1.block_lstm`) and its numbers, so the two cells'
  checkpoints interchange (TF1's promise; BasicLSTMCell's scope is `basic_lstm_cell`);
- LSTMBlockFusedCell: the same variables under `lstm_fused_cell/`, a whole time-major sequence
  in one `BlockLSTM` op;
- GRUBlockCellV2: GRUCell's `gru_cell/gates/kernel`, `gates/bias`, `candidate/kernel`,
  `candidate/bias` and its numbers; GRUBlockCell the same under TF1's first names `gru_cell/w_ru`,
  `b_ru`, `w_c`, `b_c`.

TF 2 registers no gradient for the single-step `LSTMBlockCell` and `GRUBlockCell` ops (only for
`BlockLSTM`), so this module registers TF1's, written from their kernels' outputs: the gate
gradients come from `LSTMBlockCellGrad` / `GRUBlockCellGrad`, the input, state and weight
gradients from matmuls, as TF 1.15 did.  (`rnn_tf1.block_lstm` differentiates a whole unrolled
sequence at once for speed; a cell inside `dynamic_rnn`'s loop needs the per-op gradient.)

TF 2: `keras.layers.LSTM` / `keras.layers.GRU(reset_after=False)`, which pick fused kernels
themselves.
"""
from __future__ import annotations

import logging

import tensorflow as tf
from tf_keras.src.engine.input_spec import InputSpec
from tf_keras.src.layers.rnn import legacy_cells
from tf_keras.src.legacy_tf_layers import base as legacy_layers

tf1 = tf.compat.v1
log = logging.getLogger(__name__)

__all__ = ["LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell", "GRUBlockCellV2"]

NO_CLIP = -1.0  # the kernels' cell_clip for "no clipping" (TF1's cell_clip=None)


def _lstm_block_cell_grad(op, *grads):
    """TF1's gradient of one LSTMBlockCell step; only `cs` (grads[1]) and `h` (grads[6]) are
    read, as in TF 1.15 (the gate outputs are intermediate values for this gradient)."""
    x, cs_prev, h_prev, w, wci, wcf, wco, b = op.inputs
    i, cs, f, o, ci, co, _ = op.outputs
    cs_prev_grad, dicfo, wci_grad, wcf_grad, wco_grad = tf.raw_ops.LSTMBlockCellGrad(
        x=x, cs_prev=cs_prev, h_prev=h_prev, w=w, wci=wci, wcf=wcf, wco=wco, b=b, i=i, cs=cs, f=f, o=o,
        ci=ci, co=co, cs_grad=grads[1], h_grad=grads[6], use_peephole=op.get_attr("use_peephole"))
    # dicfo: dL/d(gate pre-activations), (batch, 4 units); z = [x, h_prev] @ w + b
    xh_grad = tf.matmul(dicfo, w, transpose_b=True)                    # (batch, input + units)
    input_size = tf.shape(x)[1]
    x_grad, h_prev_grad = xh_grad[:, :input_size], xh_grad[:, input_size:]
    x_grad.set_shape(x.shape)
    h_prev_grad.set_shape(h_prev.shape)
    w_grad = tf.matmul(tf.concat([x, h_prev], 1), dicfo, transpose_a=True)  # (input + units, 4 units)
    b_grad = tf.reduce_sum(dicfo, 0)
    return x_grad, cs_prev_grad, h_prev_grad, w_grad, wci_grad, wcf_grad, wco_grad, b_grad


def _gru_block_cell_grad(op, *grads):
    """TF1's gradient of one GRUBlockCell step from dL/dh (the last output; r, u, c are
    intermediate values for this gradient)."""
    x, h_prev, w_ru, w_c, b_ru, b_c = op.inputs
    r, u, c, _ = op.outputs
    d_x, d_h_prev, d_c_bar, d_r_bar_u_bar = tf.raw_ops.GRUBlockCellGrad(
        x=x, h_prev=h_prev, w_ru=w_ru, w_c=w_c, b_ru=b_ru, b_c=b_c, r=r, u=u, c=c, d_h=grads[3])
    # [r_bar, u_bar] = [x, h_prev] @ w_ru + b_ru;  c_bar = [x, r * h_prev] @ w_c + b_c
    d_w_ru = tf.matmul(tf.concat([x, h_prev], 1), d_r_bar_u_bar, transpose_a=True)  # (input + units, 2 units)
    d_w_c = tf.matmul(tf.concat([x, h_prev * r], 1), d_c_bar, transpose_a=True)      # (input + units, units)
    return d_x, d_h_prev, d_w_ru, d_w_c, tf.reduce_sum(d_r_bar_u_bar, 0), tf.reduce_sum(d_c_bar, 0)


def _register_gradients() -> None:
    """Once per process; a TensorFlow that registers its own gradient for an op keeps it."""
    for op_type, grad in (("LSTMBlockCell", _lstm_block_cell_grad), ("GRUBlockCell", _gru_block_cell_grad)):
        try:
            tf.RegisterGradient(op_type)(grad)
        except KeyError:  # already registered (by TensorFlow itself, or an earlier import)
            pass


_register_gradients()


def _input_depth(shape, axis: int, what: str) -> int:
    depth = tf1.dimension_value(tf.TensorShape(shape)[axis])
    if not depth:
        raise ValueError(f"Expecting {what} to be set: {shape}")
    return depth


def _add_lstm_block_weights(cell, input_size: int) -> None:
    """The fused LSTM ops' weights, as TF1's LSTMBlockCell and LSTMBlockFusedCell made them:
    kernel (input + units, 4 units) in gate order i, j, f, o, bias (4 units) at zero, and the
    peephole diagonals w_i_diag, w_f_diag, w_o_diag (units) when use_peephole."""
    units = cell._num_units
    cell._kernel = cell.add_weight("kernel", [input_size + units, 4 * units])
    cell._bias = cell.add_weight("bias", [4 * units], initializer=tf1.constant_initializer(0.0))
    if cell._use_peephole:
        cell._w_i_diag = cell.add_weight("w_i_diag", [units])
        cell._w_f_diag = cell.add_weight("w_f_diag", [units])
        cell._w_o_diag = cell.add_weight("w_o_diag", [units])


def _peepholes(cell, dtype):
    """(wci, wcf, wco) for the fused ops: the diagonals, or zeros without peepholes (the ops take them always)."""
    if cell._use_peephole:
        return cell._w_i_diag, cell._w_f_diag, cell._w_o_diag
    zeros = tf.zeros([cell._num_units], dtype=dtype)
    return zeros, zeros, zeros


class LSTMBlockCell(legacy_cells.LayerRNNCell):
    """TF1's tf.contrib.rnn.LSTMBlockCell: BasicLSTMCell's LSTM (forget_bias added to the forget
    gate), one fused op per step, optional peepholes and cell clipping; state LSTMStateTuple(c, h).
    Variable names are LSTMCell's (scope `lstm_cell`)."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, dtype=None, reuse=None,
                 name="lstm_cell"):
        super().__init__(_reuse=reuse, dtype=dtype, name=name)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = cell_clip if cell_clip is not None else NO_CLIP
        self.input_spec = InputSpec(ndim=2)  # TF1: inputs (batch, depth)

    @property
    def state_size(self):
        return legacy_cells.LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        input_size = _input_depth(inputs_shape, 1, "inputs_shape[1]")
        _add_lstm_block_weights(self, input_size)
        self.built = True

    def call(self, inputs, state):
        if len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        wci, wcf, wco = _peepholes(self, self.dtype)
        cs_prev, h_prev = state
        # outputs i, cs (= c_t), f, o, ci (= tanh(j)), co (= tanh(c_t)), h_t
        _, cs, _, _, _, _, h = tf.raw_ops.LSTMBlockCell(
            x=inputs, cs_prev=cs_prev, h_prev=h_prev, w=self._kernel, wci=wci, wcf=wcf, wco=wco, b=self._bias,
            forget_bias=self._forget_bias, cell_clip=self._cell_clip, use_peephole=self._use_peephole)
        return h, legacy_cells.LSTMStateTuple(cs, h)


class LSTMBlockFusedCell(legacy_layers.Layer):
    """TF1's tf.contrib.rnn.LSTMBlockFusedCell: LSTMBlockCell's LSTM over a whole time-major
    sequence in one BlockLSTM op.  `cell(inputs, initial_state=None, dtype=None,
    sequence_length=None)`: inputs (time, batch, depth) or a list of (batch, depth) -> (outputs
    of the same kind, LSTMStateTuple(c, h) at each sequence's last valid step)."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, reuse=None, dtype=None,
                 name="lstm_fused_cell"):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._cell_clip = cell_clip if cell_clip is not None else NO_CLIP
        self._use_peephole = use_peephole
        self.input_spec = InputSpec(ndim=3)  # TF1: (time, batch, depth)

    @property
    def num_units(self):
        return self._num_units

    def build(self, input_shape):
        input_size = _input_depth(input_shape, 2, "inputs_shape[2]")
        _add_lstm_block_weights(self, input_size)
        self.built = True

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
        # TF1 stacked a list of steps before the layer saw it (its input_spec is for one 3-D tensor)
        is_list = isinstance(inputs, (list, tuple))
        stacked = tf.stack(inputs) if is_list else inputs
        outputs, final_state = super().__call__(stacked, initial_state=initial_state, dtype=dtype,
                                                sequence_length=sequence_length, scope=scope)
        return (tf.unstack(outputs) if is_list else outputs), final_state

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        inputs.shape.with_rank(3)
        _input_depth(inputs.shape, 2, "inputs_shape[2]")
        time_len = tf1.dimension_value(inputs.shape[0]) or tf.shape(inputs)[0]
        batch_size = tf1.dimension_value(inputs.shape[1]) or tf.shape(inputs)[1]
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            zeros = tf.zeros(tf.stack([batch_size, self._num_units]), dtype=dtype)
            initial_state = (zeros, zeros)
        else:
            if len(initial_state) != 2:
                raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
            dtype = dtype or initial_state[0].dtype
        c0, h0 = initial_state
        wci, wcf, wco = _peepholes(self, dtype)
        if sequence_length is None:
            seq_len_max = tf.cast(time_len, tf.int64)
        else:
            sequence_length = tf.convert_to_tensor(sequence_length)
            seq_len_max = tf.cast(tf.reduce_max(sequence_length), tf.int64)
        _, cs, _, _, _, _, h = tf.raw_ops.BlockLSTM(
            seq_len_max=seq_len_max, x=inputs, cs_prev=c0, h_prev=h0, w=self._kernel, wci=wci, wcf=wcf, wco=wco,
            b=self._bias, forget_bias=self._forget_bias, cell_clip=self._cell_clip,
            use_peephole=self._use_peephole)                               # cs, h: (time, batch, units)
        if sequence_length is None:
            return h, legacy_cells.LSTMStateTuple(cs[-1], h[-1])
        # TF1: outputs past a sequence's length are zero; its final state is the one at its last
        # valid step (the initial state for length 0)
        mask = tf.transpose(tf.sequence_mask(sequence_length, time_len, dtype=dtype))  # (time, batch)
        h = h * mask[:, :, None]
        last = tf.stack([tf.cast(sequence_length, tf.int32), tf.range(batch_size)], axis=1)  # (batch, 2)
        final_c = tf.gather_nd(tf.concat([c0[None], cs], 0), last)
        final_h = tf.gather_nd(tf.concat([h0[None], h], 0), last)
        return h, legacy_cells.LSTMStateTuple(final_c, final_h)


class GRUBlockCell(legacy_cells.LayerRNNCell):
    """TF1's tf.contrib.rnn.GRUBlockCell: GRUCell's GRU (gate bias initialised to 1.0, candidate
    bias to 0.0), one fused op per step, under TF1's first names w_ru, b_ru, w_c, b_c."""

    _names = {"gate_kernel": "w_ru", "gate_bias": "b_ru", "candidate_kernel": "w_c", "candidate_bias": "b_c"}

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        super().__init__(_reuse=reuse, name=name)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        if cell_size is not None:  # TF1's deprecation of the argument, in one line
            log.warning("GRUBlockCell: cell_size is deprecated, use num_units instead")
        self._cell_size = num_units if num_units is not None else cell_size
        self.input_spec = InputSpec(ndim=2)

    @property
    def state_size(self):
        return self._cell_size

    @property
    def output_size(self):
        return self._cell_size

    def build(self, input_shape):
        input_size = tf1.dimension_value(tf.TensorShape(input_shape)[1])
        if input_size is None:
            raise ValueError("Expecting input_size to be set.")
        rows, units, names = input_size + self._cell_size, self._cell_size, self._names
        self._gate_kernel = self.add_weight(names["gate_kernel"], [rows, 2 * units])
        self._gate_bias = self.add_weight(names["gate_bias"], [2 * units], initializer=tf1.constant_initializer(1.0))
        self._candidate_kernel = self.add_weight(names["candidate_kernel"], [rows, units])
        self._candidate_bias = self.add_weight(names["candidate_bias"], [units],
                                               initializer=tf1.constant_initializer(0.0))
        self.built = True

    def call(self, inputs, h_prev):
        cell_size = h_prev.shape.with_rank(2)[1]
        if cell_size != self._cell_size:
            raise ValueError("Shape of h_prev[1] incorrect: cell_size %i vs %s" % (self._cell_size, cell_size))
        # outputs r, u, c, h: h = u * h_prev + (1 - u) * c, as GRUCell
        _, _, _, new_h = tf.raw_ops.GRUBlockCell(
            x=inputs, h_prev=h_prev, w_ru=self._gate_kernel, w_c=self._candidate_kernel, b_ru=self._gate_bias,
            b_c=self._candidate_bias)
        return new_h, new_h


class GRUBlockCellV2(GRUBlockCell):
    """TF1's tf.contrib.rnn.GRUBlockCellV2: GRUBlockCell under GRUCell's variable names."""

    _names = {"gate_kernel": "gates/kernel", "gate_bias": "gates/bias", "candidate_kernel": "candidate/kernel",
              "candidate_bias": "candidate/bias"}
