"""`tensorflow.contrib.crf`: TF 1.15's linear-chain CRF, the layer BiLSTM-CRF taggers put on top of
their recurrent network.

Written here on `tf.compat.v1` ops with TF 1.15's signatures and results: `crf_log_likelihood`
makes its transition matrix with `get_variable("transitions", [num_tags, num_tags])` in the
caller's variable scope when none is given (so a TF1 tagger's checkpoint restores), the forward
algorithm and the decoder run through `tf.nn.dynamic_rnn` with the CRF cells, as TF 1.15's did,
and a sequence of length 0 scores 0.  `transition_params[i, j]` is the score of tag i followed by
tag j.  A batch whose longest sequence has length 1 (known from the static shape, or found at run
time) takes TF 1.15's single-step path: no transitions.

TF 2: TensorFlow Addons' `tfa.text.crf_*` had these (it no longer imports on TF 2.21); the
`tensorflow-text` / Keras ecosystem has no linear-chain CRF, so a TF 2 port keeps functions like
these (a logsumexp forward recursion over a `transitions` variable and a Viterbi decoder).
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf
from tf_keras.src.layers.rnn import legacy_cells

tf1 = tf.compat.v1

__all__ = ["crf_sequence_score", "crf_log_norm", "crf_log_likelihood", "crf_unary_score", "crf_binary_score",
           "CrfForwardRnnCell", "viterbi_decode", "crf_decode", "CrfDecodeForwardRnnCell",
           "CrfDecodeBackwardRnnCell", "crf_multitag_sequence_score"]


def _static_len(tensor, axis: int):
    return tf1.dimension_value(tensor.shape[axis]) if tensor.shape.rank is not None else None


def _by_length(inputs, single, multi):
    """TF 1.15's choice of path: `single()` when max_seq_len is 1, else `multi()`; statically when the
    time dimension is known, otherwise a `tf.cond` on the run-time shape."""
    static = _static_len(inputs, 1)
    if static is not None:
        return single() if static == 1 else multi()
    return tf1.cond(tf.equal(tf.shape(inputs)[1], 1), single, multi)


def _zero_where_empty(values, sequence_lengths):
    """Sequences of length <= 0 score 0, as in TF 1.15."""
    return tf1.where(tf.less_equal(sequence_lengths, 0), tf.zeros_like(values), values)


def _masks(sequence_lengths, like, dtype=tf.float32):
    return tf.sequence_mask(sequence_lengths, maxlen=tf.shape(like)[1], dtype=dtype)


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """[batch] sum over t < length of inputs[b, t, tag_indices[b, t]]."""
    inputs = tf.convert_to_tensor(inputs)
    tag_indices = tf.convert_to_tensor(tag_indices)
    picked = tf.gather(inputs, tag_indices, axis=2, batch_dims=2)  # [batch, max_seq_len]
    return tf.reduce_sum(picked * _masks(sequence_lengths, tag_indices, picked.dtype), 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """[batch] sum over 0 < t < length of transition_params[tag[t-1], tag[t]]."""
    tag_indices = tf.convert_to_tensor(tag_indices)
    transition_params = tf.convert_to_tensor(transition_params)
    pairs = tf.stack([tag_indices[:, :-1], tag_indices[:, 1:]], axis=-1)  # [batch, max_seq_len - 1, 2]
    scores = tf.gather_nd(transition_params, pairs)
    masks = _masks(sequence_lengths, tag_indices, scores.dtype)[:, 1:]
    return tf.reduce_sum(scores * masks, 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """The unnormalised score of each tag sequence: its unary plus its binary scores ([batch])."""
    inputs = tf.convert_to_tensor(inputs)
    tag_indices = tf.convert_to_tensor(tag_indices)

    def single():
        scores = tf.gather(inputs[:, 0, :], tag_indices[:, :1], axis=1, batch_dims=1)[:, 0]
        return _zero_where_empty(scores, sequence_lengths)

    def multi():
        return (crf_unary_score(tag_indices, sequence_lengths, inputs)
                + crf_binary_score(tag_indices, sequence_lengths, transition_params))

    return _by_length(inputs, single, multi)


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths, transition_params):
    """log of the summed exp-scores of every tag sequence allowed by `tag_bitmap` ([batch, max_seq_len,
    num_tags] bool): one-hot rows give `crf_sequence_score`'s result."""
    inputs = tf.convert_to_tensor(inputs)
    filtered = tf1.where(tag_bitmap, inputs, tf.fill(tf.shape(inputs), tf.constant(-np.inf, inputs.dtype)))

    def single():
        return tf.reduce_logsumexp(filtered, axis=[1, 2])

    def multi():
        return crf_log_norm(filtered, sequence_lengths, transition_params)

    return _by_length(inputs, single, multi)


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """The log partition function of each sequence ([batch]): the forward algorithm in log space."""
    inputs = tf.convert_to_tensor(inputs)
    sequence_lengths = tf.convert_to_tensor(sequence_lengths)
    first = inputs[:, 0, :]

    def single():
        return _zero_where_empty(tf.reduce_logsumexp(first, [1]), sequence_lengths)

    def multi():
        steps = tf.maximum(tf.constant(0, sequence_lengths.dtype), sequence_lengths - 1)
        _, alphas = tf1.nn.dynamic_rnn(cell=CrfForwardRnnCell(transition_params), inputs=inputs[:, 1:, :],
                                       sequence_length=steps, initial_state=first, dtype=tf.float32)
        return _zero_where_empty(tf.reduce_logsumexp(alphas, [1]), sequence_lengths)

    # TF 1.15 decides this one at run time (tf.cond), whatever the static shape.
    return tf1.cond(tf.equal(tf.shape(inputs)[1], 1), single, multi)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """(log-likelihood of each tag sequence [batch], transition_params); without transition_params a
    [num_tags, num_tags] variable named `transitions` is made in the current variable scope."""
    inputs = tf.convert_to_tensor(inputs)
    if transition_params is None:
        num_tags = _static_len(inputs, 2)
        transition_params = tf1.get_variable("transitions", [num_tags, num_tags])
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    return scores - crf_log_norm(inputs, sequence_lengths, transition_params), transition_params


class _CrfCell(legacy_cells.RNNCell):
    """TF1's CRF cells are RNNCells with no variables, for `tf.nn.dynamic_rnn`."""

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        self._num_tags = num_tags

    @property
    def state_size(self):
        return self._num_tags

    @property
    def output_size(self):
        return self._num_tags


class CrfForwardRnnCell(_CrfCell):
    """One step of the forward algorithm: alphas' = inputs + logsumexp_i(alphas[i] + transitions[i, :])."""

    def __init__(self, transition_params):
        transition_params = tf.convert_to_tensor(transition_params)
        super().__init__(tf1.dimension_value(transition_params.shape[0]))
        self._transition_params = tf.expand_dims(transition_params, 0)  # [1, num_tags, num_tags]

    def __call__(self, inputs, state, scope=None):
        alphas = inputs + tf.reduce_logsumexp(tf.expand_dims(state, 2) + self._transition_params, [1])
        return alphas, alphas


class CrfDecodeForwardRnnCell(_CrfCell):
    """One step of Viterbi's forward pass: (backpointers [batch, num_tags] int32, new best scores)."""

    def __init__(self, transition_params):
        transition_params = tf.convert_to_tensor(transition_params)
        super().__init__(tf1.dimension_value(transition_params.shape[0]))
        self._transition_params = tf.expand_dims(transition_params, 0)

    def __call__(self, inputs, state, scope=None):
        candidates = tf.expand_dims(state, 2) + self._transition_params  # [batch, from, to]
        backpointers = tf.cast(tf.argmax(candidates, 1), tf.int32)
        return backpointers, inputs + tf.reduce_max(candidates, [1])


class CrfDecodeBackwardRnnCell(_CrfCell):
    """One step back through the backpointers: state [batch, 1] the next position's tag, input the
    backpointers of that position; gives the tag before it ([batch, 1]) as output and state."""

    def __init__(self, num_tags):
        super().__init__(num_tags)

    @property
    def state_size(self):
        return 1

    @property
    def output_size(self):
        return 1

    def __call__(self, inputs, state, scope=None):
        tags = tf.gather(inputs, state, axis=1, batch_dims=1)  # [batch, 1]
        return tags, tags


def viterbi_decode(score, transition_params):
    """In numpy, for one sequence ([seq_len, num_tags] unary scores): (the best tag sequence as a list,
    its score)."""
    score = np.asarray(score)
    transition_params = np.asarray(transition_params)
    best = np.zeros_like(score)
    came_from = np.zeros(score.shape, dtype=np.int32)
    best[0] = score[0]
    for t in range(1, score.shape[0]):
        candidates = best[t - 1][:, None] + transition_params  # [from, to]
        came_from[t] = np.argmax(candidates, 0)
        best[t] = score[t] + np.max(candidates, 0)
    path = [np.argmax(best[-1])]
    for t in range(score.shape[0] - 1, 0, -1):
        path.append(came_from[t][path[-1]])
    path.reverse()
    return path, np.max(best[-1])


def crf_decode(potentials, transition_params, sequence_length):
    """Viterbi decoding in the graph: (decode_tags [batch, max_seq_len] int32, best_score [batch])."""
    potentials = tf.convert_to_tensor(potentials)
    sequence_length = tf.convert_to_tensor(sequence_length)
    num_tags = _static_len(potentials, 2)

    def single():
        return (tf.cast(tf.argmax(potentials, axis=2), tf.int32),
                tf.reduce_max(potentials[:, 0, :], axis=1))

    def multi():
        steps = tf.maximum(tf.constant(0, sequence_length.dtype), sequence_length - 1)
        backpointers, last = tf1.nn.dynamic_rnn(CrfDecodeForwardRnnCell(transition_params),
                                                inputs=potentials[:, 1:, :], sequence_length=steps,
                                                initial_state=potentials[:, 0, :], dtype=tf.int32)
        backpointers = tf.reverse_sequence(backpointers, steps, seq_axis=1)
        final_tag = tf.expand_dims(tf.cast(tf.argmax(last, axis=1), tf.int32), -1)  # [batch, 1]
        earlier, _ = tf1.nn.dynamic_rnn(CrfDecodeBackwardRnnCell(num_tags), inputs=backpointers,
                                        sequence_length=steps, initial_state=final_tag, dtype=tf.int32)
        tags = tf.concat([final_tag, tf.squeeze(earlier, axis=[2])], axis=1)  # last tag first
        return tf.reverse_sequence(tags, sequence_length, seq_axis=1), tf.reduce_max(last, axis=1)

    return _by_length(potentials, single, multi)


def names(env) -> dict:
    return {name: globals()[name] for name in __all__}
