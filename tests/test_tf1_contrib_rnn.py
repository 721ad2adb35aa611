"""tf.contrib.rnn's cells that TensorFlow lost (rnn_tf1/tf1/fused_rnn_cells.py, rnn_cells.py): each
against its TF1 equivalent with the same weights (outputs, states, gradients) or a numpy computation
of its formulas, TF1's variable names, and a TF1-era script using them under `rnn-tf1 run`."""
import os

import numpy as np
import pytest

import rnn_tf1  # noqa: F401  (before TensorFlow)
import tensorflow as tf

from conftest import REPO, run_cli
from rnn_tf1.tf1 import fused_rnn_cells, rnn_cells
from rnn_tf1.tf1.contrib_rnn import names as contrib_rnn_names

tf1 = tf.compat.v1
BATCH, TIME, DEPTH, UNITS = 4, 6, 3, 5
LENGTHS = np.array([6, 3, 1, 0], np.int32)  # a full sequence, two short ones and an empty one


@pytest.fixture
def session():
    with tf.Graph().as_default(), tf1.Session() as sess:
        yield sess


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sequences(seed=0):
    return np.random.RandomState(seed).normal(size=(BATCH, TIME, DEPTH)).astype(np.float32)


def short_names(variables, scope):
    """Variable names below `scope/`, without the ':0'."""
    return [v.op.name[len(scope) + 1:] for v in variables if v.op.name.startswith(scope + "/")]


def fill(session, variables, seed, scale=0.5):
    """Give every variable random values (biases and peepholes too, so each path is exercised)."""
    rng = np.random.RandomState(seed)
    session.run(tf1.global_variables_initializer())
    for v in variables:
        v.load(rng.uniform(-scale, scale, v.shape.as_list()).astype(np.float32) * 2, session)


def dynamic(cell, x, scope, **kwargs):
    with tf1.variable_scope(scope):
        outputs, state = tf1.nn.dynamic_rnn(cell, x, sequence_length=LENGTHS, dtype=tf.float32, **kwargs)
    return outputs, state, tf1.trainable_variables(scope)


def outputs_and_gradients(outputs, state, variables, x):
    """Outputs, final state, and the gradients of a loss reading all of them wrt weights and x.
    Built before the session first runs the graph: differentiating TF 2's while loop adds outputs
    to its forward op, which a graph the session already runs cannot take."""
    weight = tf.constant(np.linspace(-1, 1, outputs.shape[-1]), tf.float32)  # unequal dL/dh per unit
    loss = tf.reduce_sum(outputs * weight) + sum(tf.reduce_sum(tf.sin(s)) for s in tf.nest.flatten(state))
    return [outputs, tf.nest.flatten(state), tf.gradients(loss, variables + [x])]


def assert_close(got, want, atol=2e-5):
    for g, w in zip(tf.nest.flatten(got), tf.nest.flatten(want)):
        np.testing.assert_allclose(g, w, rtol=0, atol=atol)


def test_contrib_rnn_exports_the_new_cells_and_keeps_the_old_names():
    class Env:
        tf1 = tf.compat.v1
    provided = contrib_rnn_names(Env())
    for name in ("LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell", "GRUBlockCellV2", "LayerNormBasicLSTMCell",
                 "AttentionCellWrapper", "UGRNNCell", "NASCell", "HighwayWrapper", "IndRNNCell", "IndyGRUCell",
                 "IndyLSTMCell"):
        assert provided[name] is getattr(fused_rnn_cells if "Block" in name else rnn_cells, name)
    from rnn_tf1.tf1 import core_rnn_cell
    for name in ("EmbeddingWrapper", "InputProjectionWrapper", "OutputProjectionWrapper"):
        assert provided[name] is getattr(core_rnn_cell, name)
    assert provided["BasicLSTMCell"] is tf1.nn.rnn_cell.BasicLSTMCell
    assert callable(provided["stack_bidirectional_dynamic_rnn"])


def test_lstm_block_cell_is_basic_lstm_cell_with_its_weights(session):
    """Same kernel and bias (TF1's gate order i, j, f, o on both sides): the same outputs, states
    and gradients through dynamic_rnn, with sequence lengths."""
    x = tf.constant(sequences())
    block = dynamic(fused_rnn_cells.LSTMBlockCell(UNITS, forget_bias=0.7), x, "block")
    basic = dynamic(tf1.nn.rnn_cell.BasicLSTMCell(UNITS, forget_bias=0.7), x, "basic")
    assert short_names(block[2], "block") == ["rnn/lstm_cell/kernel", "rnn/lstm_cell/bias"]
    assert [v.shape.as_list() for v in block[2]] == [v.shape.as_list() for v in basic[2]] == [
        [DEPTH + UNITS, 4 * UNITS], [4 * UNITS]]
    assert isinstance(block[1], tf1.nn.rnn_cell.LSTMStateTuple)
    fetches = [outputs_and_gradients(*block, x), outputs_and_gradients(*basic, x)]
    fill(session, block[2], seed=1)
    for source, target in zip(block[2], basic[2]):
        target.load(session.run(source), session)
    got, want = session.run(fetches)
    assert_close(got, want)
    assert np.abs(want[0]).max() > 0.3 and all(np.abs(g).max() > 1e-2 for g in want[2])
    assert np.all(got[0][3] == 0) and np.all(got[0][2, 1:] == 0)  # past each length: zeros


def test_lstm_block_cell_checkpoint_restores_into_lstm_cell_with_peepholes_and_clipping(session, tmp_path):
    """TF1's promise: LSTMBlockCell keeps LSTMCell's names (lstm_cell/kernel, bias, w_i_diag,
    w_f_diag, w_o_diag), so a Saver checkpoint of one restores into the other, and the two
    compute the same outputs (peepholes, cell clipping) and gradients (peepholes)."""
    x = tf.constant(sequences(2) * 3)  # large inputs: the cell state reaches the clip
    with tf1.variable_scope("model"):
        block_clip = dynamic(fused_rnn_cells.LSTMBlockCell(UNITS, use_peephole=True, cell_clip=0.8), x, "clip")
        block = dynamic(fused_rnn_cells.LSTMBlockCell(UNITS, use_peephole=True), x, "free")
    names = short_names(tf1.global_variables(), "model")
    assert names == [f"{s}/rnn/lstm_cell/{n}" for s in ("clip", "free")
                     for n in ("kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag")]
    fetches = [block_clip[0], block_clip[1].c, outputs_and_gradients(*block, x)]
    fill(session, tf1.global_variables(), seed=3)
    got = session.run(fetches)
    path = tf1.train.Saver().save(session, str(tmp_path / "block.ckpt"))

    with tf.Graph().as_default(), tf1.Session() as reference_session:
        x = tf.constant(sequences(2) * 3)
        with tf1.variable_scope("model"):
            ref_clip = dynamic(tf1.nn.rnn_cell.LSTMCell(UNITS, use_peepholes=True, cell_clip=0.8), x, "clip")
            ref = dynamic(tf1.nn.rnn_cell.LSTMCell(UNITS, use_peepholes=True), x, "free")
        assert sorted(short_names(tf1.global_variables(), "model")) == sorted(names)  # LSTMCell: w_f_diag first
        fetches = [ref_clip[0], ref_clip[1].c, outputs_and_gradients(*ref, x)]
        tf1.train.Saver().restore(reference_session, path)
        want = reference_session.run(fetches)
    assert_close(got, want)
    assert np.abs(want[0]).max() > 0.3 and all(np.abs(g).max() > 1e-2 for g in want[2][2])
    assert np.isclose(np.abs(got[1]).max(), 0.8)  # the clip is reached: c stops at 0.8
    assert np.abs(got[2][1][0]).max() > 0.8  # where the unclipped model's c goes past it


def test_lstm_block_fused_cell_is_lstm_block_cell_over_time(session):
    """BlockLSTM over a time-major sequence: LSTMBlockCell's outputs (zero past each length), its
    final states at each sequence's last step, and its gradients; variables lstm_fused_cell/*."""
    x = tf.constant(sequences(4))
    step = dynamic(fused_rnn_cells.LSTMBlockCell(UNITS, use_peephole=True), x, "step")
    fused_cell = fused_rnn_cells.LSTMBlockFusedCell(UNITS, use_peephole=True)
    with tf1.variable_scope("fused"):
        outputs, state = fused_cell(tf.transpose(x, [1, 0, 2]), dtype=tf.float32, sequence_length=LENGTHS)
    fused = (tf.transpose(outputs, [1, 0, 2]), state, tf1.trainable_variables("fused"))
    assert short_names(fused[2], "fused") == [f"lstm_fused_cell/{n}" for n in (
        "kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag")]
    # a list of steps in, a list of steps out; no lengths: the last step's state
    with tf1.variable_scope("fused", reuse=True):
        steps, last = fused_cell(tf.unstack(tf.transpose(x, [1, 0, 2])), dtype=tf.float32)
    assert len(steps) == TIME
    fetches = [outputs_and_gradients(*fused, x), outputs_and_gradients(*step, x)]
    fill(session, step[2], seed=5)
    for source, target in zip(step[2], fused[2]):
        target.load(session.run(source), session)
    got, want = session.run(fetches)
    assert_close(got, want)
    assert all(np.abs(g).max() > 1e-2 for g in want[2])
    full, last_h = session.run([steps[-1], last.h])
    np.testing.assert_array_equal(full, last_h)


@pytest.mark.parametrize("cell_class, names", [
    (fused_rnn_cells.GRUBlockCellV2, ["gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"]),
    (fused_rnn_cells.GRUBlockCell, ["w_ru", "b_ru", "w_c", "b_c"]),
])
def test_gru_block_cells_are_gru_cell_with_its_weights(session, cell_class, names):
    x = tf.constant(sequences(6))
    block = dynamic(cell_class(UNITS), x, "block")
    gru = dynamic(tf1.nn.rnn_cell.GRUCell(UNITS), x, "gru")
    assert short_names(block[2], "block") == [f"rnn/gru_cell/{n}" for n in names]
    assert short_names(gru[2], "gru") == [f"rnn/gru_cell/{n}" for n in (
        "gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")]
    fetches = [outputs_and_gradients(*block, x), outputs_and_gradients(*gru, x)]
    session.run(tf1.global_variables_initializer())
    # TF1's initial biases: gates 1.0, candidate 0.0 (as GRUCell's)
    assert np.all(session.run(block[2][1]) == 1.0) and np.all(session.run(block[2][3]) == 0.0)
    fill(session, block[2], seed=7)
    for source, target in zip(block[2], gru[2]):
        target.load(session.run(source), session)
    got, want = session.run(fetches)
    assert_close(got, want)
    assert np.abs(want[0]).max() > 0.3 and all(np.abs(g).max() > 1e-2 for g in want[2])


def test_gru_block_cell_takes_exactly_one_size():
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        fused_rnn_cells.GRUBlockCell()
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        fused_rnn_cells.GRUBlockCell(4, cell_size=4)
    assert fused_rnn_cells.GRUBlockCell(cell_size=4).state_size == 4


def numpy_layer_norm(z, gamma, beta):
    mean = z.mean(-1, keepdims=True)
    return (z - mean) / np.sqrt(z.var(-1, keepdims=True) + 1e-12) * gamma + beta


@pytest.mark.parametrize("layer_norm", [True, False])
def test_layer_norm_basic_lstm_cell_against_numpy(session, layer_norm):
    """Two steps of i, j, f, o = LN(split([x, h] @ kernel)); c' = LN(c s(f + fb) + s(i) tanh(j));
    h' = tanh(c') s(o), with TF1's names; without layer_norm a bias and no gamma/beta."""
    x = tf.constant(sequences(8)[:, :2])
    cell = rnn_cells.LayerNormBasicLSTMCell(UNITS, forget_bias=0.5, layer_norm=layer_norm, norm_gain=1.5,
                                            norm_shift=0.1)
    with tf1.variable_scope("ln"):
        outputs, state = tf1.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    variables = tf1.trainable_variables("ln")
    parts = ("input", "transform", "forget", "output", "state")
    expected = ["kernel"] + ([f"{p}/{g}" for p in parts for g in ("gamma", "beta")] if layer_norm else ["bias"])
    assert short_names(variables, "ln/rnn/layer_norm_basic_lstm_cell") == expected
    session.run(tf1.global_variables_initializer())
    initial = {v.op.name.split("/", 3)[-1]: session.run(v) for v in variables}
    if layer_norm:  # TF1's norm_gain and norm_shift as gamma's and beta's initial values
        assert np.all(initial["input/gamma"] == 1.5) and np.all(initial["state/beta"] == np.float32(0.1))
    fill(session, variables, seed=9)
    got_outputs, got_state = session.run([outputs, state])
    w = {v.op.name.split("/", 3)[-1]: session.run(v) for v in variables}

    norm = (lambda z, part: numpy_layer_norm(z, w[f"{part}/gamma"], w[f"{part}/beta"])) if layer_norm else (
        lambda z, part: z)
    xs, c, h = session.run(x), np.zeros((BATCH, UNITS)), np.zeros((BATCH, UNITS))
    for t in range(2):
        z = np.concatenate([xs[:, t], h], 1) @ w["kernel"] + (0 if layer_norm else w["bias"])
        i, j, f, o = (norm(part, name) for part, name in zip(np.split(z, 4, 1), parts))
        c = norm(c * sigmoid(f + 0.5) + sigmoid(i) * np.tanh(j), "state")
        h = np.tanh(c) * sigmoid(o)
        np.testing.assert_allclose(got_outputs[:, t], h, rtol=0, atol=2e-5)
    np.testing.assert_allclose(got_state.c, c, rtol=0, atol=2e-5)
    assert np.abs(h).max() > 0.2


def test_layer_norm_basic_lstm_cell_recurrent_dropout(session):
    """Dropout on the candidate only, seeded: keep_prob fed 1.0 is the plain cell; 0.5 changes it."""
    keep = tf1.placeholder_with_default(1.0, [])
    x = tf.constant(sequences(10))
    with tf1.variable_scope("drop"):
        dropped, _ = tf1.nn.dynamic_rnn(rnn_cells.LayerNormBasicLSTMCell(UNITS, dropout_keep_prob=keep,
                                                                          dropout_prob_seed=3), x, dtype=tf.float32)
    with tf1.variable_scope("drop", reuse=True):
        plain, _ = tf1.nn.dynamic_rnn(rnn_cells.LayerNormBasicLSTMCell(UNITS), x, dtype=tf.float32)
    session.run(tf1.global_variables_initializer())
    np.testing.assert_allclose(*session.run([dropped, plain]), rtol=0, atol=1e-6)
    assert np.abs(session.run(dropped, {keep: 0.5}) - session.run(plain)).max() > 1e-2


def test_attention_cell_wrapper_one_step_against_numpy(session):
    """One step from a nonzero attention state: the input projection, the wrapped LSTM, additive
    attention over the window, the output projection and the window sliding by one."""
    length, attn, vec = 3, 4, 6
    cell = rnn_cells.AttentionCellWrapper(tf1.nn.rnn_cell.BasicLSTMCell(UNITS), attn_length=length, attn_size=attn,
                                          attn_vec_size=vec)
    assert cell.state_size == ((UNITS, UNITS), attn, attn * length) and cell.output_size == attn
    rng = np.random.RandomState(11)
    x = rng.normal(size=(BATCH, DEPTH)).astype(np.float32)
    c0, h0 = rng.normal(size=(2, BATCH, UNITS)).astype(np.float32)
    attns0 = rng.normal(size=(BATCH, attn)).astype(np.float32)
    window0 = rng.normal(size=(BATCH, length * attn)).astype(np.float32)
    with tf1.variable_scope("rnn"):
        output, (state, attns, window) = cell(tf.constant(x), (
            tf1.nn.rnn_cell.LSTMStateTuple(tf.constant(c0), tf.constant(h0)), tf.constant(attns0),
            tf.constant(window0)))
    variables = tf1.trainable_variables()
    assert short_names(variables, "rnn/attention_cell_wrapper") == [
        "kernel", "bias", "basic_lstm_cell/kernel", "basic_lstm_cell/bias", "attention/attn_w", "attention/attn_v",
        "attention/kernel", "attention/bias", "attn_output_projection/kernel", "attn_output_projection/bias"]
    fill(session, variables, seed=12)
    got = session.run([output, state, attns, window])
    w = {v.op.name[len("rnn/attention_cell_wrapper/"):]: session.run(v) for v in variables}

    inputs = np.concatenate([x, attns0], 1) @ w["kernel"] + w["bias"]        # (batch, depth)
    i, j, f, o = np.split(np.concatenate([inputs, h0], 1) @ w["basic_lstm_cell/kernel"]
                          + w["basic_lstm_cell/bias"], 4, 1)
    c = c0 * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
    h = np.tanh(c) * sigmoid(o)
    hidden = window0.reshape(BATCH, length, attn)
    query = np.concatenate([c, h], 1) @ w["attention/kernel"] + w["attention/bias"]  # (batch, vec)
    scores = np.tanh(hidden @ w["attention/attn_w"][0, 0] + query[:, None, :]) @ w["attention/attn_v"]
    a = np.exp(scores) / np.exp(scores).sum(1, keepdims=True)                        # (batch, length)
    new_attns = (a[:, :, None] * hidden).sum(1)
    out = np.concatenate([h, new_attns], 1) @ w["attn_output_projection/kernel"] + w["attn_output_projection/bias"]
    new_window = np.concatenate([hidden[:, 1:], out[:, None]], 1).reshape(BATCH, -1)
    assert_close(got, [out, (c, h), new_attns, new_window])
    assert a.std(1).min() > 0.01  # the weights are not uniform: the attention is exercised


def test_attention_cell_wrapper_in_dynamic_rnn_and_its_refusals(session):
    x = tf.constant(sequences(13))
    cell = rnn_cells.AttentionCellWrapper(tf1.nn.rnn_cell.GRUCell(UNITS), attn_length=2, state_is_tuple=False)
    outputs, state = tf1.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    assert cell.state_size == UNITS + UNITS + 2 * UNITS and state.shape.as_list() == [BATCH, 4 * UNITS]
    session.run(tf1.global_variables_initializer())
    got_outputs, got_state = session.run([outputs, state])
    np.testing.assert_allclose(got_state[:, -UNITS:], got_outputs[:, -1], rtol=0, atol=1e-6)  # the window's newest
    with pytest.raises(ValueError, match="state_is_tuple is not set"):
        rnn_cells.AttentionCellWrapper(tf1.nn.rnn_cell.BasicLSTMCell(4), 2, state_is_tuple=False)
    with pytest.raises(ValueError, match="attn_length should be greater than zero"):
        rnn_cells.AttentionCellWrapper(tf1.nn.rnn_cell.GRUCell(4), 0)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        rnn_cells.AttentionCellWrapper(object(), 2)


def test_ugrnn_nas_and_highway_one_step_against_numpy(session):
    rng = np.random.RandomState(14)
    x = rng.normal(size=(BATCH, UNITS)).astype(np.float32)
    c0, h0 = rng.normal(size=(2, BATCH, UNITS)).astype(np.float32)
    with tf1.variable_scope("ugrnn"):
        ugrnn_out, _ = rnn_cells.UGRNNCell(UNITS, forget_bias=0.5)(tf.constant(x), h0)
    with tf1.variable_scope("nas"):
        nas_out, nas_state = rnn_cells.NASCell(UNITS, num_proj=3, use_bias=True)(
            tf.constant(x), tf1.nn.rnn_cell.LSTMStateTuple(c0, h0[:, :3]))
    with tf1.variable_scope("highway"):
        highway_out, _ = rnn_cells.HighwayWrapper(tf1.nn.rnn_cell.GRUCell(UNITS))(tf.constant(x), h0)
    variables = tf1.trainable_variables()
    assert [v.op.name for v in variables] == [
        "ugrnn/ugrnn_cell/kernel", "ugrnn/ugrnn_cell/bias", "nas/nas_cell/recurrent_kernel", "nas/nas_cell/kernel",
        "nas/nas_cell/bias", "nas/nas_cell/projection_weights", "highway/gru_cell/gates/kernel",
        "highway/gru_cell/gates/bias", "highway/gru_cell/candidate/kernel", "highway/gru_cell/candidate/bias",
        "highway/carry_w", "highway/carry_b"]
    fill(session, variables, seed=15)
    got = session.run([ugrnn_out, nas_out, nas_state, highway_out])
    w = {v.op.name: session.run(v) for v in variables}

    g_act, c_act = np.split(np.concatenate([x, h0], 1) @ w["ugrnn/ugrnn_cell/kernel"] + w["ugrnn/ugrnn_cell/bias"], 2, 1)
    g = sigmoid(g_act + 0.5)
    ugrnn = g * h0 + (1 - g) * np.tanh(c_act)

    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    m = np.split(h0[:, :3] @ w["nas/nas_cell/recurrent_kernel"] + w["nas/nas_cell/bias"], 8, 1)
    xs = np.split(x @ w["nas/nas_cell/kernel"], 8, 1)
    l1 = [sigmoid(xs[0] + m[0]), relu(xs[1] + m[1]), sigmoid(xs[2] + m[2]), relu(xs[3] * m[3]),
          np.tanh(xs[4] + m[4]), sigmoid(xs[5] + m[5]), np.tanh(xs[6] + m[6]), sigmoid(xs[7] + m[7])]
    nas_c = np.tanh(np.tanh(l1[0] * l1[1]) + c0) * np.tanh(l1[2] + l1[3])
    nas_m = np.tanh(nas_c * np.tanh(np.tanh(l1[4] * l1[5]) + sigmoid(l1[6] + l1[7]))) @ w[
        "nas/nas_cell/projection_weights"]

    r, u = np.split(sigmoid(np.concatenate([x, h0], 1) @ w["highway/gru_cell/gates/kernel"]
                            + w["highway/gru_cell/gates/bias"]), 2, 1)
    cand = np.tanh(np.concatenate([x, r * h0], 1) @ w["highway/gru_cell/candidate/kernel"]
                   + w["highway/gru_cell/candidate/bias"])
    gru = u * h0 + (1 - u) * cand
    carry = sigmoid(x @ w["highway/carry_w"] + w["highway/carry_b"])
    assert_close(got, [ugrnn, nas_m, (nas_c, nas_m), x * carry + gru * (1 - carry)])


def test_indrnn_indy_gru_and_indy_lstm_one_step_against_numpy(session):
    """Diagonal recurrences: each unit sees only its own state, through a row `*_u` (TF1's names)."""
    rng = np.random.RandomState(16)
    x = rng.normal(size=(BATCH, DEPTH)).astype(np.float32)
    c0, h0 = rng.normal(size=(2, BATCH, UNITS)).astype(np.float32)
    ind_out, _ = rnn_cells.IndRNNCell(UNITS)(tf.constant(x), tf.constant(h0))
    gru_out, _ = rnn_cells.IndyGRUCell(UNITS)(tf.constant(x), tf.constant(h0))
    lstm_out, lstm_state = rnn_cells.IndyLSTMCell(UNITS, forget_bias=0.5)(
        tf.constant(x), tf1.nn.rnn_cell.LSTMStateTuple(tf.constant(c0), tf.constant(h0)))
    variables = tf1.trainable_variables()
    assert [v.op.name for v in variables] == [
        "ind_rnn_cell/kernel_w", "ind_rnn_cell/kernel_u", "ind_rnn_cell/bias", "indy_gru_cell/gates/kernel_w",
        "indy_gru_cell/gates/kernel_u", "indy_gru_cell/gates/bias", "indy_gru_cell/candidate/kernel",
        "indy_gru_cell/candidate/kernel_u", "indy_gru_cell/candidate/bias", "indy_lstm_cell/kernel_w",
        "indy_lstm_cell/kernel_u", "indy_lstm_cell/bias"]
    session.run(tf1.global_variables_initializer())
    u = session.run(variables[1])  # TF1's initial recurrent row: uniform in [-1, 1], not glorot's range
    assert u.shape == (1, UNITS) and np.abs(u).max() <= 1 and np.all(session.run(variables[5]) == 1.0)
    fill(session, variables, seed=17)
    got = session.run([ind_out, gru_out, lstm_out, lstm_state])
    w = {v.op.name: session.run(v) for v in variables}

    ind = np.tanh(x @ w["ind_rnn_cell/kernel_w"] + h0 * w["ind_rnn_cell/kernel_u"] + w["ind_rnn_cell/bias"])
    g = "indy_gru_cell/"
    r, z = np.split(sigmoid(x @ w[g + "gates/kernel_w"] + np.tile(h0, 2) * w[g + "gates/kernel_u"]
                            + w[g + "gates/bias"]), 2, 1)
    cand = np.tanh(x @ w[g + "candidate/kernel"] + r * h0 * w[g + "candidate/kernel_u"] + w[g + "candidate/bias"])
    gru = z * h0 + (1 - z) * cand
    i, j, f, o = np.split(x @ w["indy_lstm_cell/kernel_w"] + np.tile(h0, 4) * w["indy_lstm_cell/kernel_u"]
                          + w["indy_lstm_cell/bias"], 4, 1)
    c = c0 * sigmoid(f + 0.5) + sigmoid(i) * np.tanh(j)
    h = np.tanh(c) * sigmoid(o)
    assert_close(got, [ind, gru, h, (c, h)])


def test_a_tf1_script_with_the_contrib_cells_learns_and_repeats_seeded():
    """`rnn-tf1 run` on a TF1-era script with LSTMBlockCell, LayerNormBasicLSTMCell and
    GRUBlockCellV2 in a MultiRNNCell: TF1's variable names, falling losses, and a second run with
    the same --seed printing the same bytes."""
    script = os.path.join(REPO, "tests", "tf1_scripts", "contrib_cells.py")
    runs = [run_cli("run", script, "--seed", "0") for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    names, *losses, accuracy = runs[0].stdout.splitlines()
    assert names.split()[:3] == ["rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/lstm_cell/bias",
                                 "rnn/multi_rnn_cell/cell_1/layer_norm_basic_lstm_cell/kernel"]
    assert "rnn/multi_rnn_cell/cell_1/layer_norm_basic_lstm_cell/state/gamma" in names.split()
    assert "rnn/multi_rnn_cell/cell_2/gru_cell/candidate/kernel" in names.split()
    values = [float(line.split()[1]) for line in losses]
    assert len(values) == 40 and np.mean(values[-10:]) < np.mean(values[:5]) - 0.15
    assert float(accuracy.split()[1]) > 0.7  # chance is 0.5
