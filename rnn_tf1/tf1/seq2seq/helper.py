"""`tf.contrib.seq2seq`'s helpers: what a `BasicDecoder` feeds its cell at each step and how it
picks an id from the outputs, as in TF 1.15 (contrib/seq2seq/python/ops/helper.py).

TF 2: no maintained equivalent; teacher forcing is the cell over the shifted targets, greedy or
sampled decoding a `tf.while_loop` with `tf.argmax` / `tf.random.categorical`.
"""
from __future__ import annotations

import abc

from tensorflow.compat import v1 as tf1

from rnn_tf1.tf1.seq2seq.decoder import is_tf1_layer, transpose_batch_time

__all__ = ["Helper", "CustomHelper", "TrainingHelper", "GreedyEmbeddingHelper", "SampleEmbeddingHelper",
           "InferenceHelper", "ScheduledEmbeddingTrainingHelper", "ScheduledOutputTrainingHelper"]


def _unstack_ta(inp):
    """A (time, batch, ...) tensor as a TensorArray read one step at a time."""
    return tf1.TensorArray(dtype=inp.dtype, size=tf1.shape(inp)[0], element_shape=inp.get_shape()[1:]).unstack(inp)


def _embedding_fn(embedding):
    """TF 1.15: `embedding` is a callable of the ids or the params of embedding_lookup."""
    return embedding if callable(embedding) else (lambda ids: tf1.nn.embedding_lookup(embedding, ids))


def _categorical_sample(logits, seed=None):
    """One id per row of (batch, classes) logits, drawn as TF 1.15's helpers drew it."""
    sample_dtype = tf1.int64 if logits.dtype.size > 4 else tf1.int32
    draws = tf1.multinomial(logits, 1, seed=seed, output_dtype=sample_dtype)  # (batch, 1)
    return tf1.cast(tf1.reshape(draws, [-1]), tf1.int32)


def _bernoulli_sample(probs, batch_size, seed=None):
    """(batch,) booleans, entry b true with probability `probs` (a scalar, or a (batch,) vector)."""
    probs = tf1.convert_to_tensor(probs, name="probs")
    uniform = tf1.random_uniform(tf1.reshape(batch_size, [1]), seed=seed, dtype=probs.dtype)
    return tf1.less(uniform, probs)


class Helper(abc.ABC):
    """TF 1.15's helper interface, used by BasicDecoder."""

    @property
    @abc.abstractmethod
    def batch_size(self):
        """Batch size of the ids `sample` returns (a scalar int32 tensor)."""

    @property
    @abc.abstractmethod
    def sample_ids_shape(self):
        """Shape of one entry's sample id (a TensorShape)."""

    @property
    @abc.abstractmethod
    def sample_ids_dtype(self):
        """dtype of the sample ids."""

    @abc.abstractmethod
    def initialize(self, name=None):
        """-> (initial_finished, initial_inputs)."""

    @abc.abstractmethod
    def sample(self, time, outputs, state, name=None):
        """-> sample_ids."""

    @abc.abstractmethod
    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        """-> (finished, next_inputs, next_state)."""


class CustomHelper(Helper):
    """A helper made of three functions: initialize_fn() -> (finished, inputs); sample_fn(time,
    outputs, state) -> ids; next_inputs_fn(time, outputs, state, sample_ids) -> (finished,
    next_inputs, next_state)."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None, sample_ids_dtype=None):
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = tf1.TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = sample_ids_dtype or tf1.int32

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with tf1.name_scope(name, "%sInitialize" % type(self).__name__):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:  # TF 1.15: the batch size is the number of finished flags
                self._batch_size = tf1.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with tf1.name_scope(name, "%sSample" % type(self).__name__, (time, outputs, state)):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with tf1.name_scope(name, "%sNextInputs" % type(self).__name__, (time, outputs, state)):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state, sample_ids=sample_ids)


class TrainingHelper(Helper):
    """Teacher forcing: step t reads inputs[:, t] (inputs (batch, time, ...), or (time, batch, ...)
    with time_major); entry b is finished after sequence_length[b] steps; the sample ids are the
    argmax of the outputs."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with tf1.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
            inputs = tf1.convert_to_tensor(inputs, name="inputs")
            self._inputs = inputs
            if not time_major:
                inputs = tf1.nest.map_structure(transpose_batch_time, inputs)  # (time, batch, ...)
            self._input_tas = tf1.nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = tf1.convert_to_tensor(sequence_length, name="sequence_length")
            if self._sequence_length.get_shape().ndims != 1:
                raise ValueError("Expected sequence_length to be a vector, but received shape: %s"
                                 % self._sequence_length.get_shape())
            self._zero_inputs = tf1.nest.map_structure(lambda inp: tf1.zeros_like(inp[0, :]), inputs)
            self._batch_size = tf1.size(sequence_length)

    @property
    def inputs(self):
        return self._inputs

    @property
    def sequence_length(self):
        return self._sequence_length

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return tf1.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return tf1.int32

    def initialize(self, name=None):
        with tf1.name_scope(name, "TrainingHelperInitialize"):
            finished = tf1.equal(0, self._sequence_length)
            # TF 1.15: when every entry is empty the first inputs are zeros (nothing to read).
            next_inputs = tf1.cond(tf1.reduce_all(finished), lambda: self._zero_inputs,
                                   lambda: tf1.nest.map_structure(lambda ta: ta.read(0), self._input_tas))
            return finished, next_inputs

    def sample(self, time, outputs, name=None, **unused_kwargs):
        with tf1.name_scope(name, "TrainingHelperSample", [time, outputs]):
            return tf1.cast(tf1.argmax(outputs, axis=-1), tf1.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with tf1.name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
            next_time = time + 1
            finished = next_time >= self._sequence_length
            next_inputs = tf1.cond(tf1.reduce_all(finished), lambda: self._zero_inputs,
                                   lambda: tf1.nest.map_structure(lambda ta: ta.read(next_time), self._input_tas))
            return finished, next_inputs, state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """Teacher forcing where, with probability `sampling_probability`, an entry's next input is the
    embedding of an id drawn from its outputs instead; sample ids are -1 where no draw was made."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability, time_major=False, seed=None,
                 scheduling_seed=None, name=None):
        with tf1.name_scope(name, "ScheduledEmbeddingSamplingWrapper", [embedding, sampling_probability]):
            self._embedding_fn = _embedding_fn(embedding)
            self._sampling_probability = tf1.convert_to_tensor(sampling_probability, name="sampling_probability")
            if self._sampling_probability.get_shape().ndims not in (0, 1):
                raise ValueError("sampling_probability must be either a scalar or a vector. saw shape: %s"
                                 % self._sampling_probability.get_shape())
            self._seed = seed
            self._scheduling_seed = scheduling_seed
            super().__init__(inputs=inputs, sequence_length=sequence_length, time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with tf1.name_scope(name, "ScheduledEmbeddingTrainingHelperSample", [time, outputs, state]):
            select = _bernoulli_sample(self._sampling_probability, self.batch_size, seed=self._scheduling_seed)
            return tf1.where(select, _categorical_sample(outputs, seed=self._seed),
                             tf1.fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with tf1.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs", [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(time=time, outputs=outputs, state=state,
                                                                    sample_ids=sample_ids, name=name)

            def maybe_sample():
                # Only the drawn ids are embedded (an id of -1 has no embedding); the other rows
                # keep the read inputs.
                where_sampling = tf1.cast(tf1.where(sample_ids > -1), tf1.int32)  # (n, 1)
                where_not_sampling = tf1.cast(tf1.where(sample_ids <= -1), tf1.int32)
                sampled = self._embedding_fn(tf1.gather_nd(sample_ids, where_sampling))
                kept = tf1.gather_nd(base_next_inputs, where_not_sampling)
                shape = tf1.shape(base_next_inputs)
                return (tf1.scatter_nd(where_sampling, sampled, shape)
                        + tf1.scatter_nd(where_not_sampling, kept, shape))

            next_inputs = tf1.cond(tf1.reduce_all(finished), lambda: base_next_inputs, maybe_sample)
            return finished, next_inputs, state


class ScheduledOutputTrainingHelper(TrainingHelper):
    """Teacher forcing where, with probability `sampling_probability`, an entry's next input is its
    own output (through `next_input_layer` if given, with `auxiliary_inputs` appended); the sample
    ids are booleans: true where the output was used."""

    def __init__(self, inputs, sequence_length, sampling_probability, time_major=False, seed=None,
                 next_input_layer=None, auxiliary_inputs=None, name=None):
        with tf1.name_scope(name, "ScheduledOutputTrainingHelper", [inputs, auxiliary_inputs, sampling_probability]):
            self._sampling_probability = tf1.convert_to_tensor(sampling_probability, name="sampling_probability")
            if self._sampling_probability.get_shape().ndims not in (0, 1):
                raise ValueError("sampling_probability must be either a scalar or a vector. saw shape: %s"
                                 % self._sampling_probability.get_shape())
            if auxiliary_inputs is None:
                maybe_concatenated_inputs = inputs
            else:
                inputs = tf1.convert_to_tensor(inputs, name="inputs")
                auxiliary_inputs = tf1.convert_to_tensor(auxiliary_inputs, name="auxiliary_inputs")
                maybe_concatenated_inputs = tf1.nest.map_structure(lambda x, y: tf1.concat((x, y), -1),
                                                                   inputs, auxiliary_inputs)
                if not time_major:
                    auxiliary_inputs = tf1.nest.map_structure(transpose_batch_time, auxiliary_inputs)
            self._auxiliary_input_tas = (tf1.nest.map_structure(_unstack_ta, auxiliary_inputs)
                                         if auxiliary_inputs is not None else None)
            self._seed = seed
            if next_input_layer is not None and not is_tf1_layer(next_input_layer):
                raise TypeError("next_input_layer must be a Layer, received: %s" % type(next_input_layer))
            self._next_input_layer = next_input_layer
            super().__init__(inputs=maybe_concatenated_inputs, sequence_length=sequence_length,
                             time_major=time_major, name=name)

    @property
    def sample_ids_shape(self):
        return tf1.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return tf1.bool

    def sample(self, time, outputs, state, name=None):
        with tf1.name_scope(name, "ScheduledOutputTrainingHelperSample", [time, outputs, state]):
            return _bernoulli_sample(self._sampling_probability, self.batch_size, seed=self._seed)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with tf1.name_scope(name, "ScheduledOutputTrainingHelperNextInputs", [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(time=time, outputs=outputs, state=state,
                                                                    sample_ids=sample_ids, name=name)

            def with_auxiliary(outputs_, indices=None):
                if self._auxiliary_input_tas is None:
                    return outputs_
                auxiliary = tf1.nest.map_structure(lambda ta: ta.read(time + 1), self._auxiliary_input_tas)
                if indices is not None:
                    auxiliary = tf1.gather_nd(auxiliary, indices)
                return tf1.nest.map_structure(lambda x, y: tf1.concat((x, y), -1), outputs_, auxiliary)

            def maybe_sample():
                if self._next_input_layer is None:
                    return tf1.where(sample_ids, with_auxiliary(outputs), base_next_inputs)
                where_sampling = tf1.cast(tf1.where(sample_ids), tf1.int32)
                where_not_sampling = tf1.cast(tf1.where(tf1.logical_not(sample_ids)), tf1.int32)
                sampled = with_auxiliary(self._next_input_layer(tf1.gather_nd(outputs, where_sampling)),
                                         where_sampling)
                kept = tf1.gather_nd(base_next_inputs, where_not_sampling)
                shape = tf1.shape(base_next_inputs)
                return tf1.scatter_nd(where_sampling, sampled, shape) + tf1.scatter_nd(where_not_sampling, kept, shape)

            no_samples = tf1.logical_not(tf1.reduce_any(sample_ids))
            next_inputs = tf1.cond(tf1.logical_or(tf1.reduce_all(finished), no_samples),
                                   lambda: base_next_inputs, maybe_sample)
            return finished, next_inputs, state


class GreedyEmbeddingHelper(Helper):
    """Inference: the next input is the embedding of the argmax of the outputs (logits); an entry is
    finished when that id is `end_token`."""

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = tf1.convert_to_tensor(start_tokens, dtype=tf1.int32, name="start_tokens")
        self._end_token = tf1.convert_to_tensor(end_token, dtype=tf1.int32, name="end_token")
        if self._start_tokens.get_shape().ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = tf1.size(start_tokens)
        if self._end_token.get_shape().ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return tf1.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return tf1.int32

    def initialize(self, name=None):
        return tf1.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        if not isinstance(outputs, tf1.Tensor):
            raise TypeError("Expected outputs to be a single Tensor, got: %s" % type(outputs))
        return tf1.cast(tf1.argmax(outputs, axis=-1), tf1.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = tf1.equal(sample_ids, self._end_token)
        # TF 1.15: once all are finished the next inputs do not matter (the start inputs stand in).
        next_inputs = tf1.cond(tf1.reduce_all(finished), lambda: self._start_inputs,
                               lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """Inference as GreedyEmbeddingHelper, but the id is drawn from softmax(outputs / temperature)."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None, seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        if not isinstance(outputs, tf1.Tensor):
            raise TypeError("Expected outputs to be a single Tensor, got: %s" % type(outputs))
        logits = outputs if self._softmax_temperature is None else outputs / self._softmax_temperature
        return _categorical_sample(logits, seed=self._seed)


class InferenceHelper(Helper):
    """Inference on outputs that are not ids: sample_fn(outputs) -> sample ids, end_fn(ids) ->
    finished, next_inputs_fn(ids) -> next inputs (the ids themselves when None)."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn, next_inputs_fn=None):
        self._sample_fn = sample_fn
        self._end_fn = end_fn
        self._sample_shape = tf1.TensorShape(sample_shape)
        self._sample_dtype = sample_dtype
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = tf1.shape(start_inputs)[0]
        self._start_inputs = tf1.convert_to_tensor(start_inputs, name="start_inputs")

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        return tf1.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        next_inputs = sample_ids if self._next_inputs_fn is None else self._next_inputs_fn(sample_ids)
        return self._end_fn(sample_ids), next_inputs, state
