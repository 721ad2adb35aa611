"""tf.contrib.seq2seq under `rnn-tf1 run` (rnn_tf1/tf1/seq2seq/): each shim's numbers against numpy
or a hand unroll of the same cell and layer, TF 1.15's errors and variable names; the fixture
(tests/tf1_scripts/seq2seq_reverse.py, written for this project) run twice with one seed."""
import itertools

import rnn_tf1  # noqa: F401  (before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import seq2seq as seq2seq_package
from test_run_script import run_script

tf1 = tf.compat.v1
s2s = type("seq2seq", (), seq2seq_package.names(None))  # the namespace's names, as attributes


def graph_session():
    graph = tf.Graph()
    return graph, tf1.Session(graph=graph)


# ---------------------------------------------------------------- sequence_loss


def numpy_crossent(logits, targets):
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, targets[..., None], -1)[..., 0]  # (batch, time)


def numpy_sequence_loss(crossent, weights, avg_time, avg_batch, sum_time, sum_batch):
    """TF 1.15's reductions: an averaged axis is divided by the weights' sum over it, a summed axis by
    the count of non-zero weights over it (0 / 0 gives 0); with an average on one axis and a sum on
    the other, only the averaged axis is reduced."""
    weighted = crossent * weights

    def divide(num, den):
        return np.where(den == 0, 0.0, num / np.where(den == 0, 1.0, den))

    if avg_time and avg_batch:
        return divide(weighted.sum(), weights.sum())
    if sum_time and sum_batch:
        return divide(weighted.sum(), np.count_nonzero(weights))
    if avg_time or avg_batch:
        axis = 0 if avg_batch else 1
        return divide(weighted.sum(axis), weights.sum(axis))
    if sum_time or sum_batch:
        axis = 0 if sum_batch else 1
        return divide(weighted.sum(axis), np.count_nonzero(weights, axis))
    return weighted


FLAG_SETS = [flags for flags in itertools.product((False, True), repeat=4)
             if not (flags[0] and flags[2]) and not (flags[1] and flags[3])]  # (avg_t, avg_b, sum_t, sum_b)


def test_sequence_loss_matches_numpy_for_every_flag_combination_and_weights():
    rng = np.random.RandomState(3)
    logits = rng.normal(size=(4, 5, 7)).astype(np.float32)
    targets = rng.randint(0, 7, size=(4, 5)).astype(np.int32)
    weights = rng.uniform(0.2, 2.0, size=(4, 5)).astype(np.float32)
    weights[1, 3:] = 0.0  # a padded entry
    weights[2, :] = 0.0  # an entry of padding only: its average is 0, not NaN
    weights[:, 4] = 0.0  # a step padded everywhere
    crossent = numpy_crossent(logits.astype(np.float64), targets)
    graph, sess = graph_session()
    with graph.as_default(), sess:
        losses = [s2s.sequence_loss(tf1.constant(logits), tf1.constant(targets), tf1.constant(weights),
                                    average_across_timesteps=a_t, average_across_batch=a_b,
                                    sum_over_timesteps=s_t, sum_over_batch=s_b) for a_t, a_b, s_t, s_b in FLAG_SETS]
        values = sess.run(losses)
    assert len(FLAG_SETS) == 9
    for flags, value in zip(FLAG_SETS, values):
        expected = numpy_sequence_loss(crossent, weights, *flags)
        assert value.shape == np.shape(expected), flags
        np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-6, err_msg=str(flags))
        assert np.all(np.isfinite(value))
    # The default is the weighted mean over every step; a padded entry's per-entry average is 0.
    assert values[FLAG_SETS.index((True, True, False, False))].shape == ()
    assert values[FLAG_SETS.index((True, False, False, False))][2] == 0.0


def test_sequence_loss_with_softmax_loss_function():
    rng = np.random.RandomState(4)
    logits = rng.normal(size=(3, 4, 6)).astype(np.float32)
    targets = rng.randint(0, 6, size=(3, 4)).astype(np.int32)
    weights = (rng.uniform(size=(3, 4)) > 0.3).astype(np.float32)
    seen = {}

    def squared_error_loss(labels, logits):
        # A loss of the script's own (any function of flat labels and logits), called by name.
        seen["shapes"] = (labels.shape.as_list(), logits.shape.as_list())
        return tf1.reduce_sum(tf1.square(tf1.nn.softmax(logits) - tf1.one_hot(labels, 6)), 1)

    graph, sess = graph_session()
    with graph.as_default(), sess:
        value = sess.run(s2s.sequence_loss(tf1.constant(logits), tf1.constant(targets), tf1.constant(weights),
                                           average_across_batch=False, softmax_loss_function=squared_error_loss))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    per_step = ((probs - np.eye(6)[targets]) ** 2).sum(-1)
    np.testing.assert_allclose(value, (per_step * weights).sum(1) / weights.sum(1), rtol=1e-5)
    assert seen["shapes"] == ([12], [12, 6])  # (batch * time,) labels and (batch * time, classes) logits


@pytest.mark.parametrize("flags, message", [
    (dict(sum_over_timesteps=True), "average_across_timesteps and sum_over_timesteps cannot be set to True"),
    (dict(sum_over_batch=True), "average_across_batch and sum_over_batch cannot be set to True"),
])
def test_sequence_loss_refuses_conflicting_flags(flags, message):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=message):
            s2s.sequence_loss(tf1.zeros([2, 3, 4]), tf1.zeros([2, 3], tf1.int32), tf1.ones([2, 3]), **flags)


@pytest.mark.parametrize("shapes, message", [
    (([2, 3], [2, 3], [2, 3]), r"Logits must be a \[batch_size x sequence_length x logits\] tensor"),
    (([2, 3, 4], [2], [2, 3]), r"Targets must be a \[batch_size x sequence_length\] tensor"),
    (([2, 3, 4], [2, 3], [2, 3, 1]), r"Weights must be a \[batch_size x sequence_length\] tensor"),
])
def test_sequence_loss_checks_ranks(shapes, message):
    with tf.Graph().as_default():
        logits, targets, weights = (tf1.zeros(shape, dtype) for shape, dtype in
                                    zip(shapes, (tf1.float32, tf1.int32, tf1.float32)))
        with pytest.raises(ValueError, match=message):
            s2s.sequence_loss(logits, targets, weights)


# ---------------------------------------------------------------- decoding with BasicDecoder

BATCH, TIME, DEPTH, UNITS, VOCAB = 3, 5, 4, 6, 7


def hand_unroll(cell, layer, inputs, state, steps):
    """The cell and the layer called step by step (their variables already built): outputs, states."""
    outputs, states = [], []
    for t in range(steps):
        out, state = cell(inputs[:, t], state)
        outputs.append(layer(out))
        states.append(state)
    return tf1.stack(outputs, 1), states


def test_basic_decoder_variables_have_tf1s_names():
    with tf.Graph().as_default():
        cell = tf1.nn.rnn_cell.BasicLSTMCell(UNITS)
        helper = s2s.TrainingHelper(tf1.zeros([BATCH, TIME, DEPTH]), tf1.fill([BATCH], TIME))
        s2s.dynamic_decode(s2s.BasicDecoder(cell, helper, cell.zero_state(BATCH, tf1.float32),
                                            output_layer=tf1.layers.Dense(VOCAB)))
        assert [v.name for v in tf1.global_variables()] == [
            "decoder/basic_lstm_cell/kernel:0", "decoder/basic_lstm_cell/bias:0",
            "decoder/dense/kernel:0", "decoder/dense/bias:0"]


# In this process (TensorFlow 2's while loops, unlike `rnn-tf1 run`'s TF1 ones) a tf-keras cell that
# ran inside two decoding loops builds a later call into the last loop's graph: so each hand unroll
# below is built before the decoders, on the same cell and layer objects.


def test_training_decoder_equals_a_hand_unroll():
    rng = np.random.RandomState(5)
    inputs_value = rng.normal(size=(BATCH, TIME, DEPTH)).astype(np.float32)
    lengths_value = np.array([5, 2, 3], np.int32)
    graph, sess = graph_session()
    with graph.as_default(), sess:
        tf1.set_random_seed(1)
        inputs = tf1.constant(inputs_value)
        cell = tf1.nn.rnn_cell.BasicLSTMCell(UNITS)
        layer = tf1.layers.Dense(VOCAB)
        initial = cell.zero_state(BATCH, tf1.float32)
        hand_outputs, hand_states = hand_unroll(cell, layer, inputs, initial, TIME)
        decoded = {}
        for impute in (False, True):
            helper = s2s.TrainingHelper(inputs, tf1.constant(lengths_value))
            decoder = s2s.BasicDecoder(cell, helper, initial, output_layer=layer)
            decoded[impute] = s2s.dynamic_decode(decoder, impute_finished=impute)
        sess.run(tf1.global_variables_initializer())
        (plain, plain_state, plain_lengths), (imputed, imputed_state, imputed_lengths), hand, states = sess.run(
            [decoded[False], decoded[True], hand_outputs, hand_states])
    assert isinstance(plain, s2s.BasicDecoderOutput)
    assert plain.rnn_output.shape == (BATCH, TIME, VOCAB) and plain.sample_id.dtype == np.int32
    np.testing.assert_allclose(plain.rnn_output, hand, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(plain.sample_id, hand.argmax(-1))
    np.testing.assert_array_equal(plain_lengths, lengths_value)
    np.testing.assert_allclose(plain_state.h, states[-1].h, rtol=1e-5, atol=1e-6)  # steps past the end run on
    # impute_finished: zeros past each entry's length, the state of its last step copied through.
    valid = np.arange(TIME)[None, :] < lengths_value[:, None]
    np.testing.assert_allclose(imputed.rnn_output, np.where(valid[..., None], hand, 0.0), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(imputed.sample_id, np.where(valid, hand.argmax(-1), 0))
    for b, length in enumerate(lengths_value):
        np.testing.assert_allclose(imputed_state.c[b], states[length - 1].c[b], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(imputed_state.h[b], states[length - 1].h[b], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(imputed_lengths, lengths_value)


def test_maximum_iterations_and_time_major_outputs():
    rng = np.random.RandomState(6)
    graph, sess = graph_session()
    with graph.as_default(), sess:
        inputs = tf1.constant(rng.normal(size=(BATCH, TIME, DEPTH)).astype(np.float32))
        cell = tf1.nn.rnn_cell.GRUCell(UNITS)
        with tf1.variable_scope("capped"):
            hand, _ = hand_unroll(cell, tf1.identity, inputs, cell.zero_state(BATCH, tf1.float32), 3)
        helper = s2s.TrainingHelper(inputs, tf1.constant([5, 2, 4]))
        decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(BATCH, tf1.float32))
        outputs, _, lengths = s2s.dynamic_decode(decoder, maximum_iterations=3, output_time_major=True,
                                                 scope="capped")
        nothing = s2s.dynamic_decode(s2s.BasicDecoder(cell, s2s.TrainingHelper(inputs, tf1.constant([5, 2, 4])),
                                                      cell.zero_state(BATCH, tf1.float32)),
                                     maximum_iterations=0, scope="capped")
        assert [v.name for v in tf1.global_variables()] == ["capped/gru_cell/gates/kernel:0",
                                                            "capped/gru_cell/gates/bias:0",
                                                            "capped/gru_cell/candidate/kernel:0",
                                                            "capped/gru_cell/candidate/bias:0"]
        sess.run(tf1.global_variables_initializer())
        out, length, hand_value, (none_out, _, none_lengths) = sess.run([outputs, lengths, hand, nothing])
    assert out.rnn_output.shape == (3, BATCH, UNITS)  # (time, batch, units), stopped after 3 steps
    np.testing.assert_allclose(out.rnn_output, hand_value.transpose(1, 0, 2), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(length, [3, 2, 3])  # the cap is the length of an unfinished entry
    assert none_out.rnn_output.shape == (BATCH, 0, UNITS) and list(none_lengths) == [0, 0, 0]


def test_dynamic_decode_and_basic_decoder_refuse_what_tf1_refused():
    with tf.Graph().as_default():
        cell = tf1.nn.rnn_cell.GRUCell(2)
        helper = s2s.TrainingHelper(tf1.zeros([1, 2, 2]), [2])
        with pytest.raises(TypeError, match="Expected decoder to be type Decoder"):
            s2s.dynamic_decode(object())
        with pytest.raises(TypeError, match="helper must be a Helper"):
            s2s.BasicDecoder(cell, object(), cell.zero_state(1, tf1.float32))
        with pytest.raises(TypeError, match="output_layer must be a Layer"):
            s2s.BasicDecoder(cell, helper, cell.zero_state(1, tf1.float32), output_layer=lambda x: x)
        with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
            s2s.dynamic_decode(s2s.BasicDecoder(cell, helper, cell.zero_state(1, tf1.float32)),
                               maximum_iterations=[2])
        with pytest.raises(ValueError, match="Expected sequence_length to be a vector"):
            s2s.TrainingHelper(tf1.zeros([1, 2, 2]), 2)


def build_embedding_decoder(vocab, units, seed):
    """An embedding, a BasicRNNCell and a Dense projection, and numpy weights for them: load_weights(sess)
    puts those into the variables once they exist."""
    rng = np.random.RandomState(seed)
    weights = {"embedding": rng.normal(0, 1.0, (vocab, units)), "kernel": rng.normal(0, 0.8, (2 * units, units)),
               "bias": rng.normal(0, 0.1, units), "projection": rng.normal(0, 1.5, (units, vocab)),
               "projection_bias": rng.normal(0, 0.5, vocab)}
    weights = {k: v.astype(np.float32) for k, v in weights.items()}
    embedding = tf1.constant(weights["embedding"])
    cell = tf1.nn.rnn_cell.BasicRNNCell(units)
    layer = tf1.layers.Dense(vocab)

    def load_weights(sess):
        sess.run(tf1.global_variables_initializer())
        (kernel, bias), (projection, projection_bias) = cell.weights, layer.weights
        for variable, key in ((kernel, "kernel"), (bias, "bias"), (projection, "projection"),
                              (projection_bias, "projection_bias")):
            variable.load(weights[key], sess)
    return embedding, cell, layer, weights, load_weights


def test_greedy_decoding_equals_a_hand_argmax_loop():
    graph, sess = graph_session()
    with graph.as_default(), sess:
        embedding, cell, layer, _, load_weights = build_embedding_decoder(VOCAB, UNITS, seed=7)
        start = tf1.constant([0, 1, 2])
        initial = tf1.constant(np.random.RandomState(8).normal(size=(3, UNITS)).astype(np.float32))
        end_token = tf1.placeholder(tf1.int32, [])
        decoder = s2s.BasicDecoder(cell, s2s.GreedyEmbeddingHelper(embedding, start, end_token), initial,
                                   output_layer=layer)
        outputs, _, lengths = s2s.dynamic_decode(decoder, maximum_iterations=8)
        ids, state, hand = start, initial, []
        for _ in range(8):
            out, state = cell(tf1.nn.embedding_lookup(embedding, ids), state)
            ids = tf1.cast(tf1.argmax(layer(out), -1), tf1.int32)
            hand.append(ids)
        load_weights(sess)
        hand_ids = np.stack(sess.run(hand), 1)  # (batch, 8)
        end = int(hand_ids[0, 2])  # an id the first entry emits at its third step: it finishes there
        decoded, decoded_lengths = sess.run([outputs.sample_id, lengths], {end_token: end})
    first_end = [list(row).index(end) + 1 if end in row else 8 for row in hand_ids]
    np.testing.assert_array_equal(decoded_lengths, first_end)
    assert first_end[0] <= 3
    np.testing.assert_array_equal(decoded, hand_ids[:, :max(first_end)])  # until every entry has ended


def test_sample_and_scheduled_helpers_at_their_limits():
    """SampleEmbeddingHelper with a near-zero temperature is the greedy helper; scheduled sampling
    with probability 0 is teacher forcing, and ScheduledOutputTrainingHelper with probability 1
    feeds each output back as the next input."""
    rng = np.random.RandomState(9)
    graph, sess = graph_session()
    with graph.as_default(), sess:
        embedding, cell, layer, _, load_weights = build_embedding_decoder(VOCAB, UNITS, seed=7)
        start, initial = tf1.constant([0, 1, 2]), cell.zero_state(3, tf1.float32)
        inputs = tf1.constant(rng.normal(size=(3, TIME, UNITS)).astype(np.float32))
        lengths = tf1.constant([5, 3, 4])
        with tf1.variable_scope("decoder"):
            # each output fed back as the next input, by hand
            state, hand, step_input = initial, [], inputs[:, 0]
            for _ in range(TIME):
                step_input, state = cell(step_input, state)
                hand.append(step_input)
            layer(step_input)
        greedy = s2s.dynamic_decode(s2s.BasicDecoder(
            cell, s2s.GreedyEmbeddingHelper(embedding, start, 99), initial, output_layer=layer), maximum_iterations=6)
        sampled = s2s.dynamic_decode(s2s.BasicDecoder(
            cell, s2s.SampleEmbeddingHelper(embedding, start, 99, softmax_temperature=1e-4, seed=3), initial,
            output_layer=layer), maximum_iterations=6)
        forced = s2s.dynamic_decode(s2s.BasicDecoder(cell, s2s.TrainingHelper(inputs, lengths), initial))
        scheduled = s2s.dynamic_decode(s2s.BasicDecoder(cell, s2s.ScheduledEmbeddingTrainingHelper(
            inputs, lengths, embedding, 0.0, seed=1, scheduling_seed=2), initial))
        unscheduled = s2s.dynamic_decode(s2s.BasicDecoder(cell, s2s.ScheduledOutputTrainingHelper(
            inputs, lengths, 0.0, seed=1), initial))
        fed_back = s2s.dynamic_decode(s2s.BasicDecoder(cell, s2s.ScheduledOutputTrainingHelper(
            inputs, lengths, 1.0, seed=1), initial))
        load_weights(sess)
        g, smp, f, sch, uns, fb, hand_value = sess.run([greedy[0], sampled[0], forced[0], scheduled[0],
                                                        unscheduled[0], fed_back[0], tf1.stack(hand, 1)])
    np.testing.assert_array_equal(smp.sample_id, g.sample_id)
    np.testing.assert_allclose(sch.rnn_output, f.rnn_output, rtol=1e-6)
    assert (sch.sample_id == -1).all()  # -1: no id drawn
    np.testing.assert_allclose(uns.rnn_output, f.rnn_output, rtol=1e-6)
    assert not uns.sample_id.any() and fb.sample_id[:, :3].all()
    np.testing.assert_allclose(fb.rnn_output, hand_value, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- beam search


def numpy_gather_tree(step_ids, parent_ids, max_lengths, end_token):
    """TF 1.15's GatherTree, one beam at a time."""
    time, batch, beam = step_ids.shape
    out = np.full_like(step_ids, end_token)
    for b in range(batch):
        length = min(time, max_lengths[b])
        for k in range(beam):
            if length <= 0:
                continue
            out[length - 1, b, k] = step_ids[length - 1, b, k]
            parent = parent_ids[length - 1, b, k]
            for t in range(length - 2, -1, -1):
                if parent < 0 or parent >= beam:
                    out[t, b, k] = -1
                    break
                out[t, b, k] = step_ids[t, b, parent]
                parent = parent_ids[t, b, parent]
            ended = False
            for t in range(length):
                if ended:
                    out[t, b, k] = end_token
                elif out[t, b, k] == end_token:
                    ended = True
    return out


def test_gather_tree_matches_numpy():
    rng = np.random.RandomState(10)
    step_ids = rng.randint(0, 6, size=(7, 4, 3)).astype(np.int32)
    parent_ids = rng.randint(0, 3, size=(7, 4, 3)).astype(np.int32)
    parent_ids[1, 2, :] = 5  # out-of-range parents: step 0 of entry 2 is -1
    parent_ids[4, 0, :] = -1  # a break at step 3 of entry 0: end tokens before it, so (first end) after it too
    max_lengths = np.array([7, 4, 6, 0], np.int32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        value = sess.run(s2s.gather_tree(step_ids, parent_ids, max_lengths, end_token=5))
    expected = numpy_gather_tree(step_ids, parent_ids, max_lengths, 5)
    np.testing.assert_array_equal(value, expected)
    assert (expected[0, 2] == -1).all() and (expected[:, 0] == 5).all() and (expected[:, 3] == 5).all()
    assert (expected[:4, 1] != 5).any() and (expected[4:, 1] == 5).all()  # traced up to its length, then ends


def test_tile_batch_is_numpys_repeat_over_nested_states():
    rng = np.random.RandomState(11)
    c, h = rng.normal(size=(2, 3, 4)).astype(np.float32)
    memory = rng.normal(size=(2, 5, 3)).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        state = tf1.nn.rnn_cell.LSTMStateTuple(tf1.constant(c), tf1.constant(h))
        tiled_state, tiled_memory = s2s.tile_batch((state, tf1.constant(memory)), 3)
        assert isinstance(tiled_state, tf1.nn.rnn_cell.LSTMStateTuple)
        assert tiled_memory.shape.as_list() == [6, 5, 3]
        unknown = s2s.tile_batch(tf1.placeholder(tf1.float32, [None, 4]), 2)
        assert unknown.shape.as_list() == [None, 4]
        values = sess.run([tiled_state, tiled_memory, unknown], {"Placeholder:0": c})
    np.testing.assert_array_equal(values[0].c, np.repeat(c, 3, axis=0))
    np.testing.assert_array_equal(values[0].h, np.repeat(h, 3, axis=0))
    np.testing.assert_array_equal(values[1], np.repeat(memory, 3, axis=0))
    np.testing.assert_array_equal(values[2], np.repeat(c, 2, axis=0))
    with tf.Graph().as_default(), pytest.raises(ValueError, match="t must have statically known rank"):
        s2s.tile_batch(tf1.constant(1.0), 2)


def numpy_rnn_step(weights, ids, state):
    x = weights["embedding"][ids]
    new_state = np.tanh(np.concatenate([x, state], -1) @ weights["kernel"] + weights["bias"])
    return new_state @ weights["projection"] + weights["projection_bias"], new_state


def numpy_beam_search(weights, start, end_token, initial, beam, max_steps, penalty):
    """TF 1.15's beam search in numpy (float64): per step the scores, chosen ids and parents; the final
    lengths; the finished flags."""
    batch, vocab = len(start), weights["projection"].shape[1]
    state = np.repeat(initial, beam, 0).reshape(batch, beam, -1)
    log_probs = np.full((batch, beam), -np.inf)
    log_probs[:, 0] = 0.0
    finished = np.ones((batch, beam), bool)
    finished[:, 0] = False
    lengths = np.zeros((batch, beam), np.int64)
    ids = np.repeat(np.asarray(start)[:, None], beam, 1)
    steps = []
    for _ in range(max_steps):
        logits, new_state = numpy_rnn_step(weights, ids, state)
        shifted = logits - logits.max(-1, keepdims=True)
        step_log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        eos_only = np.full(vocab, np.finfo(np.float32).min)
        eos_only[end_token] = 0.0
        step_log_probs = np.where(finished[..., None], eos_only, step_log_probs)
        total = log_probs[..., None] + step_log_probs  # (batch, beam, vocab)
        added = np.where(np.arange(vocab) == end_token, 0, 1)[None, None] * (~finished)[..., None]
        new_lengths = lengths[..., None] + added
        scores = total / (((5.0 + new_lengths) / 6.0) ** penalty if penalty else 1.0)
        flat = scores.reshape(batch, -1)
        chosen = np.argsort(-flat, axis=1, kind="stable")[:, :beam]  # top_k: ties to the lower index
        parents, words = chosen // vocab, chosen % vocab
        rows = np.arange(batch)[:, None]
        step_scores = flat[rows, chosen]
        log_probs = total.reshape(batch, -1)[rows, chosen]
        parent_finished = finished[rows, parents]
        finished = parent_finished | (words == end_token)
        lengths = lengths[rows, parents] + ~parent_finished
        state = new_state[rows, parents]
        ids = words
        steps.append((step_scores, words, parents))
        if finished.all():
            break
    scores, words, parents = (np.stack(part, 1) for part in zip(*steps))  # (batch, time, beam)
    return scores, words, parents, lengths, finished


@pytest.mark.parametrize("penalty", [0.0, 0.8])
def test_beam_search_matches_a_numpy_beam_search(penalty):
    beam, vocab, units, end_token = 3, 5, 4, 1
    start = [0, 2, 3, 4]
    graph, sess = graph_session()
    with graph.as_default(), sess:
        embedding, cell, layer, weights, load_weights = build_embedding_decoder(vocab, units, seed=12)
        initial_value = np.random.RandomState(13).normal(size=(len(start), units)).astype(np.float32)
        decoder = s2s.BeamSearchDecoder(cell, embedding, start, end_token,
                                        s2s.tile_batch(tf1.constant(initial_value), beam), beam,
                                        output_layer=layer, length_penalty_weight=penalty)
        outputs, state, _ = s2s.dynamic_decode(decoder, maximum_iterations=9)
        assert sorted(v.name for v in tf1.global_variables()) == [
            "decoder/basic_rnn_cell/bias:0", "decoder/basic_rnn_cell/kernel:0",
            "decoder/dense/bias:0", "decoder/dense/kernel:0"]
        load_weights(sess)
        out, final_state = sess.run([outputs, state])
    assert isinstance(out, s2s.FinalBeamSearchDecoderOutput) and isinstance(final_state, s2s.BeamSearchDecoderState)
    scores, words, parents, lengths, finished = numpy_beam_search(
        {k: v.astype(np.float64) for k, v in weights.items()}, start, end_token, initial_value, beam, 9, penalty)
    steps_out = out.beam_search_decoder_output
    np.testing.assert_array_equal(steps_out.predicted_ids, words)
    np.testing.assert_array_equal(steps_out.parent_ids, parents)
    np.testing.assert_allclose(steps_out.scores, scores, rtol=1e-4)
    np.testing.assert_array_equal(final_state.lengths, lengths)
    np.testing.assert_array_equal(final_state.finished, finished)
    expected = numpy_gather_tree(words.transpose(1, 0, 2), parents.transpose(1, 0, 2), lengths.max(1),
                                 end_token).transpose(1, 0, 2)
    np.testing.assert_array_equal(out.predicted_ids, expected)  # (batch, time, beam), best beam first
    # The cases are there: beams ended at different steps, and some parents are not their own beam.
    assert len(set(lengths.ravel())) > 1 and (parents != np.arange(beam)).any()


def test_beam_width_one_is_greedy_decoding():
    vocab, units, end_token = 6, 5, 2
    start = [0, 1, 3, 4, 5]
    graph, sess = graph_session()
    with graph.as_default(), sess:
        embedding, cell, layer, _, load_weights = build_embedding_decoder(vocab, units, seed=14)
        initial = tf1.constant(np.random.RandomState(15).normal(size=(len(start), units)).astype(np.float32))
        greedy, _, greedy_lengths = s2s.dynamic_decode(s2s.BasicDecoder(
            cell, s2s.GreedyEmbeddingHelper(embedding, start, end_token), initial, output_layer=layer),
            maximum_iterations=10)
        beam, beam_state, _ = s2s.dynamic_decode(s2s.BeamSearchDecoder(
            cell, embedding, start, end_token, s2s.tile_batch(initial, 1), 1, output_layer=layer),
            maximum_iterations=10)
        load_weights(sess)
        greedy_ids, lengths, beam_ids, beam_lengths = sess.run(
            [greedy.sample_id, greedy_lengths, beam.predicted_ids[:, :, 0], beam_state.lengths[:, 0]])
    np.testing.assert_array_equal(beam_lengths, lengths)
    for row, length in enumerate(lengths):
        np.testing.assert_array_equal(beam_ids[row, :length], greedy_ids[row, :length])
        assert (beam_ids[row, length:] == end_token).all()  # after its end, a beam is end tokens
    assert lengths.min() < 10  # some entry did end


def test_beam_search_decoder_checks_its_arguments():
    with tf.Graph().as_default():
        cell = tf1.nn.rnn_cell.GRUCell(3)
        state = s2s.tile_batch(cell.zero_state(2, tf1.float32), 2)
        embedding = tf1.zeros([4, 3])
        with pytest.raises(ValueError, match="start_tokens must be a vector"):
            s2s.BeamSearchDecoder(cell, embedding, [[0, 0]], 1, state, 2)
        with pytest.raises(ValueError, match="end_token must be a scalar"):
            s2s.BeamSearchDecoder(cell, embedding, [0, 0], [1], state, 2)
        with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements to shape"):
            s2s.BeamSearchDecoder(cell, embedding, [0, 0], 1, cell.zero_state(2, tf1.float32), 2)  # not tiled
        decoder = s2s.BeamSearchDecoder(cell, embedding, [0, 0], 1, state, 2, coverage_penalty_weight=0.5)
        with pytest.raises(ValueError, match="coverage_penalty_weight must be 0.0 if no cell is attentional"):
            s2s.dynamic_decode(decoder)


# ---------------------------------------------------------------- the fixture under rnn-tf1 run


def test_the_seq2seq_fixture_trains_decodes_and_repeats_with_a_seed():
    runs = [run_script("seq2seq_reverse.py", seed=0, script_args=["60"]) for _ in range(2)]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
    assert runs[0].stdout == runs[1].stdout
    names, *lines = runs[0].stdout.splitlines()
    assert names.split() == ["embedding:0", "encoder/rnn/basic_lstm_cell/kernel:0",
                             "encoder/rnn/basic_lstm_cell/bias:0", "decoder/basic_lstm_cell/kernel:0",
                             "decoder/basic_lstm_cell/bias:0", "decoder/dense/kernel:0", "decoder/dense/bias:0"]
    losses = [float(line.split()[-1]) for line in lines if line.startswith("step ")]
    assert len(losses) == 6 and losses[-1] < 0.5 * losses[0]
    decoded = [line for line in lines if line.startswith("source ")]
    assert len(decoded) == 3
    correct = 0
    for line in decoded:
        source, greedy, beam = (part.split()[1:] for part in line.split("|"))
        assert greedy[-1] == "2" and beam[-1] == "2"  # both end with EOS, within the 10 steps
        correct += greedy[:-1] == source[::-1]
    assert correct >= 1  # 60 steps reverse some held-out sequences exactly
