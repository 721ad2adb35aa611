"""`tensorflow.contrib.rnn`: TF 1.x's cells, wrappers and static RNNs.

Most are the same objects under `tf.compat.v1.nn.rnn_cell` / `tf.compat.v1.nn` (tf-keras's legacy
RNN cells, TF1's variable names); `stack_bidirectional_rnn` and `stack_bidirectional_dynamic_rnn`,
gone from TensorFlow, are written again here with TF 1.15's variable names; the fused cells
(`LSTMBlockCell`, `LSTMBlockFusedCell`, `GRUBlockCell`, `GRUBlockCellV2`) are in
fused_rnn_cells.py on TensorFlow's fused kernels, contrib's other cells (`LayerNormBasicLSTMCell`,
`AttentionCellWrapper`, `UGRNNCell`, `NASCell`, `HighwayWrapper`, `IndRNNCell`, `IndyGRUCell`,
`IndyLSTMCell`) in rnn_cells.py, the projection and embedding wrappers in core_rnn_cell.py.

TF 2: `keras.layers.LSTM` / `GRU` / `SimpleRNN`, `keras.layers.Bidirectional`.
"""
from __future__ import annotations

from typing import Any, Sequence


def names(env) -> dict[str, Any]:
    """TF 1.x's tf.contrib.rnn names that tf.compat.v1 still has, and those it lost."""
    from rnn_tf1.tf1 import core_rnn_cell, fused_rnn_cells, rnn_cells

    tf1 = env.tf1
    provided = {name: getattr(tf1.nn.rnn_cell, name) for name in (
        "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
        "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "LSTMStateTuple")}
    provided.update({name: getattr(tf1.nn, name) for name in (
        "static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn")})

    def stack_bidirectional_rnn(cells_fw: Sequence, cells_bw: Sequence, inputs, initial_states_fw=None,
                                initial_states_bw=None, dtype=None, sequence_length=None, scope=None):
        """Layers of static_bidirectional_rnn, each layer reading the previous one's concatenated
        outputs.  Returns (outputs, forward final states, backward final states), one state per layer;
        variables under SCOPE/cell_K/bidirectional_rnn/{fw,bw}/ as in TF 1.x."""
        cells_fw, cells_bw = _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
        states_fw, states_bw, layer = [], [], inputs
        with tf1.variable_scope(scope or "stack_bidirectional_rnn"):
            for k, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
                with tf1.variable_scope(f"cell_{k}"):
                    layer, state_fw, state_bw = tf1.nn.static_bidirectional_rnn(
                        fw, bw, layer, initial_state_fw=initial_states_fw[k] if initial_states_fw else None,
                        initial_state_bw=initial_states_bw[k] if initial_states_bw else None,
                        dtype=dtype, sequence_length=sequence_length)
                states_fw.append(state_fw)
                states_bw.append(state_bw)
        return layer, tuple(states_fw), tuple(states_bw)

    def stack_bidirectional_dynamic_rnn(cells_fw: Sequence, cells_bw: Sequence, inputs, initial_states_fw=None,
                                        initial_states_bw=None, dtype=None, sequence_length=None,
                                        parallel_iterations=None, time_major=False, scope=None,
                                        swap_memory=False):
        """Layers of bidirectional_dynamic_rnn; each layer's forward and backward outputs are
        concatenated on the feature axis (batch, time, fw + bw units) as the next layer's input."""
        cells_fw, cells_bw = _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
        states_fw, states_bw, layer = [], [], inputs
        with tf1.variable_scope(scope or "stack_bidirectional_rnn"):
            for k, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
                with tf1.variable_scope(f"cell_{k}"):
                    (out_fw, out_bw), (state_fw, state_bw) = tf1.nn.bidirectional_dynamic_rnn(
                        fw, bw, layer, sequence_length=sequence_length,
                        initial_state_fw=initial_states_fw[k] if initial_states_fw else None,
                        initial_state_bw=initial_states_bw[k] if initial_states_bw else None,
                        dtype=dtype, parallel_iterations=parallel_iterations, swap_memory=swap_memory,
                        time_major=time_major)
                    layer = tf1.concat([out_fw, out_bw], 2)
                states_fw.append(state_fw)
                states_bw.append(state_bw)
        return layer, tuple(states_fw), tuple(states_bw)

    provided["stack_bidirectional_rnn"] = stack_bidirectional_rnn
    provided["stack_bidirectional_dynamic_rnn"] = stack_bidirectional_dynamic_rnn
    provided.update({name: getattr(fused_rnn_cells, name) for name in fused_rnn_cells.__all__})
    provided.update({name: getattr(rnn_cells, name) for name in rnn_cells.__all__})
    provided.update({name: getattr(core_rnn_cell, name) for name in core_rnn_cell.__all__})
    return provided


def _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw) -> tuple[list, list]:
    if not cells_fw or not cells_bw:
        raise ValueError("cells_fw and cells_bw must be non-empty lists of RNN cells")
    if len(cells_fw) != len(cells_bw):
        raise ValueError(f"cells_fw ({len(cells_fw)}) and cells_bw ({len(cells_bw)}) must be as many")
    for name, states in (("initial_states_fw", initial_states_fw), ("initial_states_bw", initial_states_bw)):
        if states is not None and len(states) != len(cells_fw):
            raise ValueError(f"{name} must have one state per cell ({len(cells_fw)}), got {len(states)}")
    return list(cells_fw), list(cells_bw)
