"""tf.contrib.legacy_seq2seq (rnn_tf1/tf1/legacy_seq2seq.py) and contrib.rnn's projection and
embedding wrappers (rnn_tf1/tf1/core_rnn_cell.py) against numpy and hand unrolls, with TF1's variable
names; the fixtures (a character RNN language model, an attention seq2seq toy) under `rnn-tf1 run`,
seeded twice.  In-process graph mode, no install()."""
import copy

import numpy as np
import pytest

import rnn_tf1  # noqa: F401  (before TensorFlow)
import tensorflow as tf

from rnn_tf1.tf1 import core_rnn_cell, legacy_seq2seq as ls
from test_run_script import run_script

tf1 = tf.compat.v1
rng = np.random.RandomState(1)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def crossentropy(logits, targets):
    return -np.log(softmax(logits)[np.arange(len(targets)), targets])


def variables(sess):
    return {v.op.name: sess.run(v) for v in tf1.global_variables()}


def names():
    return [v.op.name for v in tf1.global_variables()]


def rnn_step(w, prefix, x, h):
    """BasicRNNCell: tanh([x, h] @ kernel + bias)."""
    return np.tanh(np.concatenate([x, h], 1) @ w[prefix + "basic_rnn_cell/kernel"] + w[prefix + "basic_rnn_cell/bias"])


def test_the_namespace_has_tf1s_legacy_seq2seq_names():
    provided = ls.names(None)
    assert sorted(provided) == sorted([
        "rnn_decoder", "attention_decoder", "basic_rnn_seq2seq", "tied_rnn_seq2seq", "embedding_rnn_decoder",
        "embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq", "embedding_attention_decoder",
        "embedding_attention_seq2seq", "one2many_rnn_seq2seq", "sequence_loss_by_example", "sequence_loss",
        "model_with_buckets"])
    assert provided["rnn_decoder"] is ls.rnn_decoder
    assert core_rnn_cell.__all__ == ["EmbeddingWrapper", "InputProjectionWrapper", "OutputProjectionWrapper"]


LOGITS = rng.normal(size=(3, 4, 5)).astype(np.float32)     # (time, batch, classes)
TARGETS = rng.randint(0, 5, size=(3, 4)).astype(np.int32)
WEIGHTS = rng.uniform(0, 2, size=(3, 4)).astype(np.float32)
WEIGHTS[2, 1] = 0.0


def as_lists():
    return ([tf1.constant(x) for x in LOGITS], [tf1.constant(t) for t in TARGETS], [tf1.constant(w) for w in WEIGHTS])


@pytest.mark.parametrize("per_step", [True, False])
def test_sequence_loss_by_example_against_numpy(per_step):
    with tf.Graph().as_default(), tf1.Session() as sess:
        got = sess.run(ls.sequence_loss_by_example(*as_lists(), average_across_timesteps=per_step))
    total = sum(WEIGHTS[t] * crossentropy(LOGITS[t], TARGETS[t]) for t in range(3))  # (batch,)
    expected = total / (WEIGHTS.sum(0) + 1e-12) if per_step else total
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("per_step, per_batch", [(True, True), (True, False), (False, True), (False, False)])
def test_sequence_loss_against_numpy(per_step, per_batch):
    with tf.Graph().as_default(), tf1.Session() as sess:
        got = sess.run(ls.sequence_loss(*as_lists(), average_across_timesteps=per_step,
                                        average_across_batch=per_batch))
    total = sum(WEIGHTS[t] * crossentropy(LOGITS[t], TARGETS[t]) for t in range(3))
    per_example = total / (WEIGHTS.sum(0) + 1e-12) if per_step else total
    expected = per_example.sum() / (4 if per_batch else 1)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_a_softmax_loss_function_is_called_with_named_arguments():
    seen = []

    def squared_error(labels, logits):  # TF1 requires named arguments: labels=, logits=
        seen.append(labels)
        return tf1.reduce_sum(tf1.square(logits - tf1.one_hot(labels, 5)), 1)

    with tf.Graph().as_default(), tf1.Session() as sess:
        got = sess.run(ls.sequence_loss(*as_lists(), softmax_loss_function=squared_error))
    assert len(seen) == 3
    per_step = [((LOGITS[t] - np.eye(5)[TARGETS[t]]) ** 2).sum(1) for t in range(3)]
    expected = (sum(WEIGHTS[t] * per_step[t] for t in range(3)) / (WEIGHTS.sum(0) + 1e-12)).sum() / 4
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    with tf.Graph().as_default(), pytest.raises(ValueError, match="Lengths of logits, weights, and targets"):
        logits, targets, weights = as_lists()
        ls.sequence_loss_by_example(logits, targets[:2], weights)


@pytest.mark.parametrize("with_loop_function", [False, True])
def test_rnn_decoder_against_a_hand_unroll(with_loop_function):
    inputs = rng.normal(size=(4, 2, 3)).astype(np.float32)    # (time, batch, depth = units)
    h0 = rng.normal(size=(2, 3)).astype(np.float32)
    calls = []

    def loop_function(prev, i):  # the step number reaches it, and the previous output
        calls.append(i)
        return prev * (i + 1.0)

    with tf.Graph().as_default(), tf1.Session() as sess:
        outputs, state = ls.rnn_decoder([tf1.constant(x) for x in inputs], tf1.constant(h0),
                                        tf1.nn.rnn_cell.BasicRNNCell(3),
                                        loop_function=loop_function if with_loop_function else None)
        assert names() == ["rnn_decoder/basic_rnn_cell/kernel", "rnn_decoder/basic_rnn_cell/bias"]
        sess.run(tf1.global_variables_initializer())
        got, got_state = sess.run([outputs, state])
        w = variables(sess)
    h, prev, expected = h0, None, []
    for i in range(4):
        x = prev * (i + 1.0) if with_loop_function and prev is not None else inputs[i]
        h = rnn_step(w, "rnn_decoder/", x, h)
        expected.append(h)
        prev = h
    assert calls == ([1, 2, 3] if with_loop_function else [])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state, expected[-1], rtol=1e-5, atol=1e-6)


def test_attention_decoders_first_step_against_tf1s_formulas():
    attention_states = rng.normal(size=(2, 4, 5)).astype(np.float32)  # (batch, attn length, attn size)
    x0 = rng.normal(size=(2, 3)).astype(np.float32)
    h0 = rng.normal(size=(2, 6)).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        outputs, _ = ls.attention_decoder([tf1.constant(x0), tf1.constant(x0)], tf1.constant(h0),
                                          tf1.constant(attention_states), tf1.nn.rnn_cell.BasicRNNCell(6),
                                          output_size=7)
        assert names() == [
            "attention_decoder/AttnW_0", "attention_decoder/AttnV_0", "attention_decoder/kernel",
            "attention_decoder/bias", "attention_decoder/basic_rnn_cell/kernel",
            "attention_decoder/basic_rnn_cell/bias",
            "attention_decoder/Attention_0/kernel", "attention_decoder/Attention_0/bias",
            "attention_decoder/AttnOutputProjection/kernel", "attention_decoder/AttnOutputProjection/bias"]
        sess.run(tf1.global_variables_initializer())
        for v in tf1.global_variables():  # random biases too: none of them may be left out
            sess.run(v.assign(rng.normal(size=v.shape.as_list()).astype(np.float32) * 0.5))
        got = sess.run(outputs)
        w = variables(sess)
    p = "attention_decoder/"

    def step(x, h, attns):
        x = np.concatenate([x, attns], 1) @ w[p + "kernel"] + w[p + "bias"]           # input mixed with attention
        h = rnn_step(w, p, x, h)
        features = attention_states @ w[p + "AttnW_0"][0, 0]                           # W h_t (1x1 conv)
        y = h @ w[p + "Attention_0/kernel"] + w[p + "Attention_0/bias"]               # U state
        a = softmax((w[p + "AttnV_0"] * np.tanh(features + y[:, None])).sum(-1))      # (batch, length)
        read = (a[..., None] * attention_states).sum(1)                               # (batch, attn size)
        out = np.concatenate([h, read], 1) @ w[p + "AttnOutputProjection/kernel"] + w[p + "AttnOutputProjection/bias"]
        return out, h, read

    out0, h1, read1 = step(x0, h0, np.zeros((2, 5), np.float32))
    np.testing.assert_allclose(got[0], out0, rtol=1e-4, atol=1e-5)
    out1, _, _ = step(x0, h1, read1)   # the second step reads the first's attention
    np.testing.assert_allclose(got[1], out1, rtol=1e-4, atol=1e-5)


def test_embedding_attention_seq2seq_names_and_greedy_feed_previous():
    """TF1's names; feed_previous=True (a bool tensor: both decoders under tf.cond) feeds back the
    argmax: it gives what feed_previous=False gives when the decoder inputs are those argmaxes."""
    with tf.Graph().as_default(), tf1.Session() as sess:
        enc = [tf1.placeholder(tf.int32, [None]) for _ in range(3)]
        dec = [tf1.placeholder(tf.int32, [None]) for _ in range(3)]
        feed_previous = tf1.placeholder(tf.bool, [])
        outputs, _ = ls.embedding_attention_seq2seq(enc, dec, tf1.nn.rnn_cell.GRUCell(4), 6, 5, 3,
                                                    feed_previous=feed_previous)
        prefix = "embedding_attention_seq2seq/"
        decoder = prefix + "embedding_attention_decoder/attention_decoder/"
        assert set(names()) == {
            prefix + "rnn/embedding_wrapper/embedding",
            *(prefix + "rnn/embedding_wrapper/gru_cell/" + n for n in
              ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")),
            prefix + "embedding_attention_decoder/embedding",
            decoder + "AttnW_0", decoder + "AttnV_0", decoder + "kernel", decoder + "bias",
            *(decoder + "output_projection_wrapper/gru_cell/" + n for n in
              ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")),
            decoder + "output_projection_wrapper/kernel", decoder + "output_projection_wrapper/bias",
            decoder + "Attention_0/kernel", decoder + "Attention_0/bias",
            decoder + "AttnOutputProjection/kernel", decoder + "AttnOutputProjection/bias"}
        sess.run(tf1.global_variables_initializer())
        feed = {**{p: rng.randint(0, 6, 4) for p in enc}, **{p: rng.randint(0, 5, 4) for p in dec}}
        greedy = sess.run(outputs, {**feed, feed_previous: True})
        assert greedy[0].shape == (4, 5)
        teacher = dict(feed)
        for i in (1, 2):
            teacher[dec[i]] = greedy[i - 1].argmax(1)
        forced = sess.run(outputs, {**teacher, feed_previous: False})
    np.testing.assert_allclose(forced, greedy, rtol=1e-5, atol=1e-6)


def test_model_with_buckets_shares_the_variables_and_returns_each_buckets_loss():
    with tf.Graph().as_default(), tf1.Session() as sess:
        enc = [tf1.constant(rng.randint(0, 6, 2)) for _ in range(4)]
        dec = [tf1.constant(rng.randint(0, 5, 2)) for _ in range(4)]
        weights = [tf1.ones([2]) for _ in range(4)]
        cell = tf1.nn.rnn_cell.GRUCell(3)
        outputs, losses = ls.model_with_buckets(
            enc, dec, dec[1:] + [dec[0]], weights, [(2, 2), (4, 4)],
            # a fresh copy of the cell per bucket, as TF1-era code did (a used cell cannot be deep-copied)
            lambda x, y: ls.embedding_rnn_seq2seq(x, y, copy.deepcopy(cell), 6, 5, 3))
        # encoder: embedding + 4 GRU weights; decoder: embedding + 4 GRU weights + projection kernel, bias;
        # the second bucket adds none
        assert len(names()) == 12 and all(n.startswith("embedding_rnn_seq2seq/") for n in names())
        assert "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/kernel" in names()
        assert [len(o) for o in outputs] == [2, 4]
        direct = [ls.sequence_loss(o, (dec[1:] + [dec[0]])[:len(o)], weights[:len(o)]) for o in outputs]
        sess.run(tf1.global_variables_initializer())
        got, expected = sess.run([losses, direct])
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_the_wrappers_numbers_and_names():
    ids = rng.randint(0, 7, size=(3, 2)).astype(np.int32)   # (time, batch)
    xs = rng.normal(size=(3, 2, 4)).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        embedded = core_rnn_cell.OutputProjectionWrapper(
            core_rnn_cell.EmbeddingWrapper(tf1.nn.rnn_cell.BasicRNNCell(3), 7, 2), 5)
        out_e, _ = tf1.nn.static_rnn(embedded, [tf1.constant(i) for i in ids], dtype=tf.float32, scope="e")
        projected = core_rnn_cell.InputProjectionWrapper(tf1.nn.rnn_cell.BasicRNNCell(3), 2, activation=tf.tanh)
        out_p, _ = tf1.nn.static_rnn(projected, [tf1.constant(x) for x in xs], dtype=tf.float32, scope="p")
        assert embedded.output_size == 5 and embedded.state_size == 3 and projected.output_size == 3
        assert names() == [
            "e/output_projection_wrapper/embedding_wrapper/embedding",
            "e/output_projection_wrapper/embedding_wrapper/basic_rnn_cell/kernel",
            "e/output_projection_wrapper/embedding_wrapper/basic_rnn_cell/bias",
            "e/output_projection_wrapper/kernel", "e/output_projection_wrapper/bias",
            "p/input_projection_wrapper/kernel", "p/input_projection_wrapper/bias",
            "p/input_projection_wrapper/basic_rnn_cell/kernel", "p/input_projection_wrapper/basic_rnn_cell/bias"]
        sess.run(tf1.global_variables_initializer())
        embedding = sess.run(tf1.global_variables()[0])
        assert np.abs(embedding).max() <= np.sqrt(3)  # TF1's variance-1 uniform(-sqrt 3, sqrt 3)
        for v in tf1.global_variables():
            sess.run(v.assign(rng.normal(size=v.shape.as_list()).astype(np.float32) * 0.5))
        got_e, got_p = sess.run([out_e, out_p])
        w = variables(sess)
    h_e, h_p = np.zeros((2, 3)), np.zeros((2, 3))
    for t in range(3):
        h_e = rnn_step(w, "e/output_projection_wrapper/embedding_wrapper/",
                       w["e/output_projection_wrapper/embedding_wrapper/embedding"][ids[t]], h_e)
        expected_e = h_e @ w["e/output_projection_wrapper/kernel"] + w["e/output_projection_wrapper/bias"]
        np.testing.assert_allclose(got_e[t], expected_e, rtol=1e-5, atol=1e-6)
        x = np.tanh(xs[t] @ w["p/input_projection_wrapper/kernel"] + w["p/input_projection_wrapper/bias"])
        h_p = rnn_step(w, "p/input_projection_wrapper/", x, h_p)
        np.testing.assert_allclose(got_p[t], h_p, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="must be > 0"):
        core_rnn_cell.EmbeddingWrapper(tf1.nn.rnn_cell.BasicRNNCell(3), 0, 2)
    with pytest.raises(TypeError, match="not RNNCell"):
        core_rnn_cell.OutputProjectionWrapper("cell", 3)


def test_the_char_rnn_fixture_learns_samples_and_repeats_seeded():
    runs = [run_script("char_rnn.py", seed=3, script_args=["30"]) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    lines = runs[0].stdout.splitlines()
    assert "rnnlm/softmax_w" in lines[0].split() and "rnnlm/multi_rnn_cell/cell_1/basic_lstm_cell/kernel" \
        in lines[0].split()
    losses = [float(line.split()[1]) for line in lines if line.startswith("loss ")]
    assert len(losses) == 30 and np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.3
    sample = next(line for line in lines if line.startswith("sample: "))[len("sample: "):]
    assert len(sample) == 60 and set(sample) <= set("the quick brown fox jumps over a lazy dog")


def test_the_attention_seq2seq_fixture_learns_to_reverse():
    proc = run_script("attention_seq2seq.py", seed=0, script_args=["200"])
    assert proc.returncode == 0, proc.stderr
    out = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    assert float(out["final_loss"]) < float(out["first_loss"]) / 2
    assert float(out["greedy_accuracy"]) > 0.6, proc.stdout
    assert "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/AttnW_0" in out["variables"]
    assert float(out["restored_accuracy"]) == float(out["greedy_accuracy"])
    # AttentionWrapper in dynamic_rnn under TF1's graph mode: (batch, time, attention_layer_size) outputs,
    # a (time, batch, memory time) history, TF1's names
    assert out["wrapper_output"].startswith("(4, 6, 8) ") and out["wrapper_output"].endswith(" (6, 4, 7)")
    assert out["wrapper_variables"].split() == [
        "encoder/lstm_cell/kernel", "encoder/lstm_cell/bias", "memory_layer/kernel",
        "decoder/attention_wrapper/lstm_cell/kernel", "decoder/attention_wrapper/lstm_cell/bias",
        "decoder/attention_wrapper/luong_attention/attention_g", "decoder/attention_wrapper/attention_layer/kernel"]
