"""tf.contrib.crf under `rnn-tf1 run` (rnn_tf1/tf1/contrib_crf.py): every score, normaliser,
likelihood and decode against brute-force enumeration of all tag sequences in numpy, on small tag
sets and mixed sequence lengths (1 included, and batches whose longest sequence is 1); TF1's
variable name `transitions`."""
import itertools

import rnn_tf1  # noqa: F401  (before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import contrib_crf

tf1 = tf.compat.v1
crf = type("crf", (), {name: staticmethod(f) if callable(f) and not isinstance(f, type) else f
                       for name, f in contrib_crf.names(None).items()})


def brute_score(unary, tags, transitions):
    """The score of one tag sequence: its unary potentials plus transitions[tag[t-1], tag[t]]."""
    return sum(unary[t, tag] for t, tag in enumerate(tags)) + sum(
        transitions[a, b] for a, b in zip(tags[:-1], tags[1:]))


def brute_all(unary, transitions):
    """{tag sequence: score} over every sequence of unary's length."""
    length, num_tags = unary.shape
    return {tags: brute_score(unary, tags, transitions) for tags in itertools.product(range(num_tags), repeat=length)}


def logsumexp(values):
    values = np.asarray(list(values), np.float64)
    top = values.max()
    return top + np.log(np.exp(values - top).sum())


def problem(seed, batch, max_len, num_tags, lengths):
    rng = np.random.RandomState(seed)
    unary = rng.randn(batch, max_len, num_tags).astype(np.float32)
    transitions = rng.randn(num_tags, num_tags).astype(np.float32)
    tags = rng.randint(num_tags, size=(batch, max_len)).astype(np.int32)
    return unary, tags, np.array(lengths, np.int32), transitions


CASES = [  # (seed, batch, max_len, num_tags, lengths)
    (0, 4, 4, 3, [4, 2, 1, 3]),
    (1, 3, 3, 4, [1, 3, 2]),
    (2, 2, 1, 3, [1, 1]),   # longest sequence 1: TF 1.15's single-step path
    (3, 2, 5, 2, [5, 0]),   # a sequence of length 0 scores 0
]


def run(fetches, feed_static: bool, unary, tags, lengths, transitions):
    """Build the fetches from placeholders (static or unknown time dimension) and run them."""
    graph = tf.Graph()
    with graph.as_default():
        time = unary.shape[1] if feed_static else None
        u = tf1.placeholder(tf.float32, [None, time, unary.shape[2]])
        t = tf1.placeholder(tf.int32, [None, time])
        n = tf1.placeholder(tf.int32, [None])
        tr = tf1.placeholder(tf.float32, transitions.shape)
        built = fetches(u, t, n, tr)
        with tf1.Session(graph=graph) as sess:
            return sess.run(built, {u: unary, t: tags, n: lengths, tr: transitions})


# Every case with the time dimension known when the graph is built; the mixed and the length-1
# batches also with it unknown (TF 1.15's run-time choice between the two paths).
@pytest.mark.parametrize("case, static", [(c, True) for c in CASES] + [(CASES[0], False), (CASES[2], False)],
                         ids=[f"tags{c[3]}_lens{'-'.join(map(str, c[4]))}" for c in CASES]
                         + ["mixed_unknown_time", "len1_unknown_time"])
def test_scores_norm_likelihood_and_decode_against_brute_force(case, static):
    unary, tags, lengths, transitions = problem(*case)

    def build(u, t, n, tr):
        ll, _ = crf.crf_log_likelihood(u, t, n, tr)
        return {"score": crf.crf_sequence_score(u, t, n, tr), "norm": crf.crf_log_norm(u, n, tr), "ll": ll,
                "decode": crf.crf_decode(u, tr, n),
                "unary": crf.crf_unary_score(t, n, u), "binary": crf.crf_binary_score(t, n, tr)}

    got = run(build, static, unary, tags, lengths, transitions)
    for b, length in enumerate(lengths):
        if length == 0:
            assert got["score"][b] == 0 and got["norm"][b] == 0 and got["ll"][b] == 0
            continue
        u, seq = unary[b, :length].astype(np.float64), tuple(tags[b, :length])
        every = brute_all(u, transitions)
        score = brute_score(u, seq, transitions)
        norm = logsumexp(every.values())
        np.testing.assert_allclose(got["score"][b], score, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got["unary"][b], sum(u[i, tag] for i, tag in enumerate(seq)), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got["norm"][b], norm, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got["ll"][b], score - norm, rtol=1e-5, atol=1e-5)
        best = max(every, key=every.get)
        decoded, best_score = got["decode"][0][b], got["decode"][1][b]
        assert tuple(decoded[:length]) == best, (b, decoded, best)
        np.testing.assert_allclose(best_score, every[best], rtol=1e-5, atol=1e-5)
        path, numpy_score = crf.viterbi_decode(unary[b, :length], transitions)
        assert tuple(int(i) for i in path) == best
        np.testing.assert_allclose(numpy_score, every[best], rtol=1e-5, atol=1e-5)
    # The likelihoods of all sequences of one length sum to 1 (a check independent of the scores).
    b = int(np.argmax(lengths))
    every = brute_all(unary[b, :lengths[b]].astype(np.float64), transitions)
    assert abs(sum(np.exp(s - got["norm"][b]) for s in every.values()) - 1) < 1e-4


def test_multitag_score_is_the_logsumexp_over_the_allowed_sequences():
    unary, tags, lengths, transitions = problem(4, 3, 3, 3, [3, 2, 1])
    bitmap = np.random.RandomState(5).rand(*unary.shape) < 0.6
    bitmap[np.arange(3)[:, None], np.arange(3)[None, :], tags] = True  # at least one tag allowed per step
    graph = tf.Graph()
    with graph.as_default(), tf1.Session(graph=graph) as sess:
        multi, one_hot, plain = sess.run([
            crf.crf_multitag_sequence_score(unary, bitmap, lengths, transitions),
            crf.crf_multitag_sequence_score(unary, np.eye(3, dtype=bool)[tags], lengths, transitions),
            crf.crf_sequence_score(unary, tags, lengths, transitions)])
    np.testing.assert_allclose(one_hot, plain, rtol=1e-5)  # TF 1.15's documented identity
    for b, length in enumerate(lengths):
        allowed = [s for seq, s in brute_all(unary[b, :length].astype(np.float64), transitions).items()
                   if all(bitmap[b, t, tag] for t, tag in enumerate(seq))]
        np.testing.assert_allclose(multi[b], logsumexp(allowed), rtol=1e-5)


def test_log_likelihood_makes_tf1s_transitions_variable_and_trains_it():
    unary, tags, lengths, _ = problem(6, 4, 4, 3, [4, 3, 2, 1])
    graph = tf.Graph()
    with graph.as_default():
        with tf1.variable_scope("crf_layer"):
            ll, transitions = crf.crf_log_likelihood(tf.constant(unary), tags, lengths)
        assert transitions.name == "crf_layer/transitions:0" and transitions.shape == (3, 3)
        assert [v.name for v in tf1.trainable_variables()] == ["crf_layer/transitions:0"]
        loss = tf.reduce_mean(-ll)
        train = tf1.train.GradientDescentOptimizer(0.5).minimize(loss)
        with tf1.Session(graph=graph) as sess:
            sess.run(tf1.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(20):
                sess.run(train)
            assert sess.run(loss) < first - 0.1  # the gradient through the forward algorithm is usable
            trained = sess.run(transitions)
    expected = -np.mean([brute_score(unary[b, :n], tuple(tags[b, :n]), trained)
                         - logsumexp(brute_all(unary[b, :n].astype(np.float64), trained).values())
                         for b, n in enumerate(lengths)])
    with tf.Graph().as_default(), tf1.Session() as sess:
        again = sess.run(tf.reduce_mean(-crf.crf_log_likelihood(unary, tags, lengths, trained)[0]))
    np.testing.assert_allclose(again, expected, rtol=1e-5)


def test_cells_step_as_tf1s():
    rng = np.random.RandomState(7)
    transitions = rng.randn(3, 3).astype(np.float32)
    state, inputs = rng.randn(2, 3).astype(np.float32), rng.randn(2, 3).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        forward = crf.CrfForwardRnnCell(tf.constant(transitions))
        decode = crf.CrfDecodeForwardRnnCell(tf.constant(transitions))
        back = crf.CrfDecodeBackwardRnnCell(3)
        assert (forward.state_size, forward.output_size, back.state_size) == (3, 3, 1)
        alphas, _ = forward(inputs, state)
        pointers, best = decode(inputs, state)
        tag, _ = back(tf.constant([[2, 0, 1], [1, 1, 0]], tf.int32), tf.constant([[0], [2]], tf.int32))
        alphas, pointers, best, tag = sess.run([alphas, pointers, best, tag])
    sums = state[:, :, None] + transitions[None]
    np.testing.assert_allclose(alphas, inputs + np.log(np.exp(sums).sum(1)), rtol=1e-5)
    np.testing.assert_array_equal(pointers, sums.argmax(1))
    np.testing.assert_allclose(best, inputs + sums.max(1), rtol=1e-6)
    np.testing.assert_array_equal(tag, [[2], [0]])


def test_the_namespace_and_its_tf1_module_path():
    import rnn_tf1.tf1 as tf1_env
    assert tf1_env.NAMESPACES["tensorflow.contrib.crf"] == "contrib_crf"
    assert tf1_env.NAMESPACES["tensorflow.contrib.crf.python.ops.crf"] == "contrib_crf"
    assert set(contrib_crf.names(None)) == set(contrib_crf.__all__) and len(contrib_crf.__all__) == 11
    from rnn_tf1.tf1 import report  # --report has an entry for each name
    assert all(report.table_key(f"tf.contrib.crf.{name}") for name in contrib_crf.__all__)


def test_the_bilstm_crf_fixture_trains_decodes_and_restores_transitions(tmp_path):
    from conftest import run_cli
    from test_run_script import SCRIPTS
    # Seeded; PYTHONHASHSEED set, so `run` needs no restart of its own (one TensorFlow start-up).
    proc = run_cli("run", f"{SCRIPTS}/bilstm_crf_tagger.py", "--seed", "0", "--", "30", str(tmp_path),
                   env={"PYTHONHASHSEED": "0"})
    assert proc.returncode == 0, proc.stderr
    names, *lines = proc.stdout.splitlines()
    assert names.split() == ["embedding:0", "bilstm/bidirectional_rnn/fw/lstm_cell/kernel:0",
                             "bilstm/bidirectional_rnn/fw/lstm_cell/bias:0",
                             "bilstm/bidirectional_rnn/bw/lstm_cell/kernel:0",
                             "bilstm/bidirectional_rnn/bw/lstm_cell/bias:0", "proj/kernel:0", "proj/bias:0",
                             "crf/transitions:0"]  # TF1's names: a TF1 tagger's checkpoint restores
    losses = [float(line.split()[-1]) for line in lines if line.startswith("step ")]
    assert len(losses) == 3 and losses[-1] < 0.2 * losses[0]
    result = dict(line.split(" ", 1) for line in lines if not line.startswith(("step ", "decoders", "transition ")))
    assert float(result["accuracy"]) > 0.9
    assert "decoders agree True" in lines  # crf_decode in the graph == viterbi_decode in numpy, each sentence
    o_to_i, b_to_i = (float(v) for v in lines[-2].split()[2::2])
    assert o_to_i < b_to_i  # the CRF learnt that I follows B, never O
    assert result["restored"] == "crf/transitions:0 True"
    assert (tmp_path / "tagger.index").exists()
