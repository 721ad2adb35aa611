"""tf.contrib.seq2seq's attention (rnn_tf1/tf1/seq2seq/attention_wrapper.py) against numpy: the
Bahdanau and Luong scores and alignments with memory_sequence_length masking, AttentionWrapper steps
by hand, in tf.nn.dynamic_rnn, and TF1's variable names.  In-process graph mode, no install()."""
import numpy as np
import pytest

import rnn_tf1  # noqa: F401  (before TensorFlow)
import tensorflow as tf

from rnn_tf1.tf1.seq2seq import attention_wrapper as aw
from rnn_tf1.tf1 import seq2seq

tf1 = tf.compat.v1
rng = np.random.RandomState(0)
MEMORY = rng.normal(size=(2, 5, 6)).astype(np.float32)   # (batch, memory time, memory depth)
LENGTHS = np.array([3, 5], np.int32)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def masked(scores, lengths):
    """Scores past each length at -inf, as TF1's default score_mask_value."""
    return np.where(np.arange(scores.shape[1])[None, :] < lengths[:, None], scores, -np.inf)


def variables(sess):
    return {v.op.name: sess.run(v) for v in tf1.global_variables()}


def randomize(sess):
    """Give every variable random values, so no initial value (g = 1, b = 0) hides a wrong formula."""
    for v in tf1.global_variables():
        sess.run(v.assign(rng.normal(size=v.shape.as_list()).astype(np.float32)))


def test_the_namespace_lists_the_attention_names():
    provided = seq2seq.names(None)
    for name in ("AttentionMechanism", "AttentionWrapper", "AttentionWrapperState", "BahdanauAttention",
                 "LuongAttention", "hardmax", "safe_cumprod", "monotonic_attention",
                 "BahdanauMonotonicAttention", "LuongMonotonicAttention"):
        assert provided[name] is getattr(aw, name)


@pytest.mark.parametrize("normalize", [False, True])
def test_bahdanau_alignments_against_numpy_with_masking(normalize):
    with tf.Graph().as_default(), tf1.Session() as sess:
        mechanism = aw.BahdanauAttention(4, tf1.constant(MEMORY), memory_sequence_length=LENGTHS,
                                         normalize=normalize)
        query = rng.normal(size=(2, 3)).astype(np.float32)
        alignments, next_state = mechanism(tf1.constant(query), state=tf1.zeros([2, 5]))
        expected_names = ["memory_layer/kernel", "bahdanau_attention/query_layer/kernel",
                          "bahdanau_attention/attention_v"]
        expected_names += ["bahdanau_attention/attention_g", "bahdanau_attention/attention_b"] if normalize else []
        assert [v.op.name for v in tf1.global_variables()] == expected_names
        sess.run(tf1.global_variables_initializer())
        if normalize:  # TF1's starting values: g = sqrt(1 / num_units), b = 0
            start = variables(sess)
            assert np.isclose(start["bahdanau_attention/attention_g"], np.sqrt(1 / 4))
            assert not start["bahdanau_attention/attention_b"].any()
        randomize(sess)
        got, state, values = sess.run([alignments, next_state, mechanism.values])
        w = variables(sess)

    memory = MEMORY * (np.arange(5)[None, :, None] < LENGTHS[:, None, None])   # steps past the length zeroed
    np.testing.assert_array_equal(values, memory)
    keys = memory @ w["memory_layer/kernel"]                                   # (batch, time, units)
    processed = (query @ w["bahdanau_attention/query_layer/kernel"])[:, None]  # (batch, 1, units)
    v = w["bahdanau_attention/attention_v"]
    if normalize:
        v = w["bahdanau_attention/attention_g"] * v / np.linalg.norm(v)
        scores = (v * np.tanh(keys + processed + w["bahdanau_attention/attention_b"])).sum(-1)
    else:
        scores = (v * np.tanh(keys + processed)).sum(-1)
    expected = softmax(masked(scores, LENGTHS))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(state, got)
    assert (got[0, 3:] == 0).all() and (got[1] > 0).all()


@pytest.mark.parametrize("scale", [False, True])
def test_luong_alignments_against_numpy_with_masking(scale):
    with tf.Graph().as_default(), tf1.Session() as sess:
        mechanism = aw.LuongAttention(3, tf1.constant(MEMORY), memory_sequence_length=LENGTHS, scale=scale,
                                      score_mask_value=-50.0)
        query = rng.normal(size=(2, 3)).astype(np.float32)
        alignments, _ = mechanism(tf1.constant(query), state=tf1.zeros([2, 5]))
        names = [v.op.name for v in tf1.global_variables()]
        assert names == ["memory_layer/kernel"] + (["luong_attention/attention_g"] if scale else [])
        sess.run(tf1.global_variables_initializer())
        if scale:
            assert sess.run(tf1.global_variables()[1]) == 1.0  # TF1 starts g at 1
        randomize(sess)
        got = sess.run(alignments)
        w = variables(sess)
    memory = MEMORY * (np.arange(5)[None, :, None] < LENGTHS[:, None, None])
    scores = np.einsum("bu,btu->bt", query, memory @ w["memory_layer/kernel"])
    if scale:
        scores = w["luong_attention/attention_g"] * scores
    # a finite score_mask_value: the masked steps keep a tiny weight, exactly as TF1's tf.where gives
    scores = np.where(np.arange(5)[None, :] < LENGTHS[:, None], scores, -50.0)
    np.testing.assert_allclose(got, softmax(scores), rtol=1e-5, atol=1e-7)


def test_luong_needs_the_querys_depth():
    with tf.Graph().as_default():
        mechanism = aw.LuongAttention(4, tf1.constant(MEMORY))
        with pytest.raises(ValueError, match="Incompatible or unknown inner dimensions"):
            mechanism(tf1.zeros([2, 3]), state=tf1.zeros([2, 5]))


def hand_step(w, x, h, attention, memory, layer_size, prefix):
    """One AttentionWrapper step of a BasicRNNCell with Luong attention (no scale), in numpy."""
    h = np.tanh(np.concatenate([x, attention, h], 1) @ w[prefix + "basic_rnn_cell/kernel"]
                + w[prefix + "basic_rnn_cell/bias"])
    alignments = softmax(np.einsum("bu,btu->bt", h, memory @ w["memory_layer/kernel"]))
    context = np.einsum("bt,btd->bd", alignments, memory)
    if layer_size:
        attention = np.concatenate([h, context], 1) @ w[prefix + "attention_layer/kernel"]
    else:
        attention = context
    return h, attention, alignments


@pytest.mark.parametrize("layer_size, output_attention", [(None, True), (4, True), (4, False)])
def test_attention_wrapper_two_steps_by_hand(layer_size, output_attention):
    """Two steps (the second reads the first's attention), alignment_history and time."""
    xs = rng.normal(size=(2, 2, 2)).astype(np.float32)  # (step, batch, input depth)
    with tf.Graph().as_default(), tf1.Session() as sess:
        mechanism = aw.LuongAttention(3, tf1.constant(MEMORY))
        cell = aw.AttentionWrapper(tf1.nn.rnn_cell.BasicRNNCell(3), mechanism, attention_layer_size=layer_size,
                                   alignment_history=True, output_attention=output_attention)
        state = cell.zero_state(2, tf.float32)
        assert isinstance(state, aw.AttentionWrapperState)
        assert cell.output_size == ((layer_size or 6) if output_attention else 3)
        outputs = []
        with tf1.variable_scope("decoder") as scope:
            for i in range(2):
                if i:
                    scope.reuse_variables()
                output, state = cell(tf1.constant(xs[i]), state)
                outputs.append(output)
        history = state.alignment_history.stack()
        names = {v.op.name for v in tf1.global_variables()}
        expected = {"memory_layer/kernel", "decoder/attention_wrapper/basic_rnn_cell/kernel",
                    "decoder/attention_wrapper/basic_rnn_cell/bias"}
        assert names == expected | ({"decoder/attention_wrapper/attention_layer/kernel"} if layer_size else set())
        sess.run(tf1.global_variables_initializer())
        got, got_history, got_time, got_attention = sess.run([outputs, history, state.time, state.attention])
        w = variables(sess)

    h, attention = np.zeros((2, 3), np.float32), np.zeros((2, layer_size or 6), np.float32)
    hand_history = []
    for i in range(2):
        h, attention, alignments = hand_step(w, xs[i], h, attention, MEMORY, layer_size, "decoder/attention_wrapper/")
        hand_history.append(alignments)
        np.testing.assert_allclose(got[i], attention if output_attention else h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_history, np.stack(hand_history), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_attention, attention, rtol=1e-5, atol=1e-6)
    assert got_time == 2


def test_attention_wrapper_in_dynamic_rnn_equals_its_steps():
    """dynamic_rnn over a Bahdanau-wrapped LSTM gives, step by step, what calling the cell gives; the
    TF1 names under rnn/attention_wrapper/; the history stacks to (time, batch, memory time)."""
    xs = rng.normal(size=(2, 4, 2)).astype(np.float32)  # (batch, time, depth)
    with tf.Graph().as_default(), tf1.Session() as sess:
        mechanism = aw.BahdanauAttention(4, tf1.constant(MEMORY), memory_sequence_length=LENGTHS)
        cell = aw.AttentionWrapper(tf1.nn.rnn_cell.LSTMCell(3), mechanism, attention_layer_size=5,
                                   alignment_history=True)
        # The steps first (outside a loop), then dynamic_rnn reusing their variables: in this test
        # process TensorFlow 2's while loops trace the cell in a function graph of their own.
        stepped, state = [], cell.zero_state(2, tf.float32)
        with tf1.variable_scope("rnn"):
            for t in range(4):
                out, state = cell(tf1.constant(xs[:, t]), state)
                stepped.append(out)
        assert [v.op.name for v in tf1.global_variables()] == [
            "memory_layer/kernel", "rnn/attention_wrapper/lstm_cell/kernel", "rnn/attention_wrapper/lstm_cell/bias",
            "rnn/attention_wrapper/bahdanau_attention/query_layer/kernel",
            "rnn/attention_wrapper/bahdanau_attention/attention_v", "rnn/attention_wrapper/attention_layer/kernel"]
        with tf1.variable_scope(tf1.get_variable_scope(), reuse=True):
            outputs, final = tf1.nn.dynamic_rnn(cell, tf1.constant(xs), dtype=tf.float32)
        assert len(tf1.global_variables()) == 6  # dynamic_rnn found the same names
        sess.run(tf1.global_variables_initializer())
        got, history, by_steps, last_alignments = sess.run(
            [outputs, final.alignment_history.stack(), stepped, state.alignments])
    assert got.shape == (2, 4, 5) and history.shape == (4, 2, 5)
    np.testing.assert_allclose(got, np.stack(by_steps, 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history[-1], last_alignments, rtol=1e-5, atol=1e-6)
    assert (history[:, 0, 3:] == 0).all()


def test_clone_and_the_batch_size_checks():
    with tf.Graph().as_default(), tf1.Session() as sess:
        mechanism = aw.LuongAttention(3, tf1.constant(MEMORY))
        cell = aw.AttentionWrapper(tf1.nn.rnn_cell.GRUCell(3), mechanism)
        state = cell.zero_state(2, tf.float32)
        encoder_state = tf1.constant(np.full((2, 3), 0.5, np.float32))
        cloned = state.clone(cell_state=encoder_state)
        assert isinstance(cloned, aw.AttentionWrapperState)
        assert (sess.run(cloned.cell_state) == 0.5).all() and cloned.attention is state.attention
        with pytest.raises(ValueError, match="expected to be same"):
            state.clone(cell_state=tf1.zeros([2, 4]))
        # dynamic shapes are checked when run
        fed = tf1.placeholder(tf.float32, [None, 3])
        checked = cell.zero_state(2, tf.float32).clone(cell_state=fed)
        assert checked.cell_state.shape.as_list() == [2, 3]
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(checked.cell_state, {fed: np.zeros((3, 3))})
        # zero_state for a batch the memory does not have: TF1's runtime error about tile_batch
        # (known batch sizes: when the graph is built; fed ones: when run)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Non-matching batch sizes.*tile_batch"):
            cell.zero_state(3, tf.float32)
        batch = tf1.placeholder(tf.int32, [])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Non-matching batch sizes.*tile_batch"):
            sess.run(cell.zero_state(batch, tf.float32).cell_state, {batch: 3})
        with pytest.raises(TypeError, match="AttentionMechanism"):
            aw.AttentionWrapper(tf1.nn.rnn_cell.GRUCell(3), "not a mechanism")
        with pytest.raises(ValueError, match="Only one of attention_layer_size and attention_layer"):
            aw.AttentionWrapper(tf1.nn.rnn_cell.GRUCell(3), mechanism, attention_layer_size=2,
                                attention_layer=tf1.layers.Dense(2))


def test_hardmax_safe_cumprod_and_monotonic_attention_against_numpy():
    p = rng.uniform(0.05, 0.95, size=(2, 6)).astype(np.float32)
    previous = softmax(rng.normal(size=(2, 6))).astype(np.float32)
    hard_p = (rng.uniform(size=(2, 6)) > 0.5).astype(np.float32)
    dirac = np.eye(6, dtype=np.float32)[[0, 2]]
    with tf.Graph().as_default(), tf1.Session() as sess:
        got = sess.run({
            "hardmax": aw.hardmax(tf1.constant(p)),
            "cumprod": aw.safe_cumprod(tf1.constant(p), axis=1, exclusive=True),
            "recursive": aw.monotonic_attention(p, previous, "recursive"),
            "parallel": aw.monotonic_attention(p, previous, "parallel"),
            "hard": aw.monotonic_attention(hard_p, dirac, "hard")})
        with pytest.raises(ValueError, match="mode must be"):
            aw.monotonic_attention(p, previous, "soft")
    np.testing.assert_array_equal(got["hardmax"], np.eye(6)[p.argmax(1)])
    np.testing.assert_allclose(got["cumprod"], np.concatenate([np.ones((2, 1)), np.cumprod(p, 1)[:, :-1]], 1),
                               rtol=1e-5)
    # the recurrence by hand: q_i = (1 - p_{i-1}) q_{i-1} + previous_i, attention_i = p_i q_i
    q, expected = np.zeros(2), np.zeros_like(p)
    for i in range(6):
        q = (1 - p[:, i - 1] if i else 1) * q + previous[:, i]
        expected[:, i] = p[:, i] * q
    np.testing.assert_allclose(got["recursive"], expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got["parallel"], expected, rtol=1e-4, atol=1e-6)
    # hard: the first chosen index at or after the previous one
    for b, start in enumerate([0, 2]):
        chosen = [i for i in range(start, 6) if hard_p[b, i] == 1]
        np.testing.assert_array_equal(got["hard"][b], np.eye(6)[chosen[0]] if chosen else np.zeros(6))


def test_monotonic_mechanisms_start_at_a_dirac_and_name_their_bias():
    query = rng.normal(size=(2, 6)).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        bahdanau = aw.BahdanauMonotonicAttention(4, tf1.constant(MEMORY), score_bias_init=-1.0)
        luong = aw.LuongMonotonicAttention(6, tf1.constant(MEMORY), scale=True, mode="recursive")
        start = bahdanau.initial_alignments(2, tf.float32)
        a_b, _ = bahdanau(tf1.constant(query), state=start)
        a_l, _ = luong(tf1.constant(query), state=start)
        names = [v.op.name for v in tf1.global_variables()]
        assert names == ["memory_layer/kernel", "memory_layer_1/kernel",
                         "bahdanau_monotonic_attention/query_layer/kernel",
                         "bahdanau_monotonic_attention/attention_v",
                         "bahdanau_monotonic_attention/attention_score_bias",
                         "luong_monotonic_attention/attention_g", "luong_monotonic_attention/attention_score_bias"]
        sess.run(tf1.global_variables_initializer())
        assert sess.run(tf1.global_variables()[4]) == -1.0  # score_bias_init
        randomize(sess)
        got_start, got_b, got_l = sess.run([start, a_b, a_l])
        w = variables(sess)
    np.testing.assert_array_equal(got_start, np.eye(5)[[0, 0]])
    # Luong monotonic from the dirac: p_i = sigmoid(g q.k_i + bias), attention_i = p_i prod_{j<i} (1 - p_j)
    scores = w["luong_monotonic_attention/attention_g"] * np.einsum("bu,btu->bt", query,
                                                                     MEMORY @ w["memory_layer_1/kernel"])
    p = 1 / (1 + np.exp(-(scores + w["luong_monotonic_attention/attention_score_bias"])))
    expected = p * np.concatenate([np.ones((2, 1)), np.cumprod(1 - p, 1)[:, :-1]], 1)
    np.testing.assert_allclose(got_l, expected, rtol=1e-5, atol=1e-6)
    assert np.all(got_b >= 0) and np.all(got_b.sum(1) <= 1 + 1e-5)
