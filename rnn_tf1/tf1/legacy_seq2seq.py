"""`tensorflow.contrib.legacy_seq2seq`: TF 1.x's list-of-time-steps seq2seq library (contrib's
legacy_seq2seq seq2seq module).

Written again here on tf.compat.v1 (static_rnn, variable scopes, RNNCells) and this package's
core_rnn_cell wrappers, with TF 1.15's semantics and variable names: rnn_decoder's
`rnn_decoder/<cell>/...` and its `loop_function` scope; attention_decoder's `AttnW_0`, `AttnV_0`,
`Attention_0/{kernel,bias}`, `AttnOutputProjection/{kernel,bias}` and the input mix
`attention_decoder/{kernel,bias}`; the embeddings (`embedding_rnn_seq2seq/rnn/embedding_wrapper/
embedding`, `.../embedding_rnn_decoder/embedding`, ...) and output projections
(`.../output_projection_wrapper/{kernel,bias}`) of the embedding models.

TF 2: `keras.layers.Embedding` + `keras.layers.LSTM(return_sequences=True, return_state=True)` for
encoder and decoder, `keras.layers.AdditiveAttention` for attention, and
`keras.losses.SparseCategoricalCrossentropy` with sample weights for the sequence losses.
"""
from __future__ import annotations

import copy
from typing import Any

from rnn_tf1 import tf_env  # noqa: F401  (before TensorFlow is imported)
from tensorflow.compat import v1 as tf1  # the real tf.compat.v1, also under `rnn-tf1 run`

from rnn_tf1.tf1.core_rnn_cell import EmbeddingWrapper, OutputProjectionWrapper, linear

__all__ = ["rnn_decoder", "attention_decoder", "basic_rnn_seq2seq", "tied_rnn_seq2seq", "embedding_rnn_decoder",
           "embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq", "embedding_attention_decoder",
           "embedding_attention_seq2seq", "one2many_rnn_seq2seq", "sequence_loss_by_example", "sequence_loss",
           "model_with_buckets"]

nest = tf1.nest
static_rnn = tf1.nn.static_rnn


def names(env) -> dict[str, Any]:
    """The tensorflow.contrib.legacy_seq2seq names."""
    return {name: globals()[name] for name in __all__}


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """TF1's greedy loop_function: argmax of the (projected) previous output, embedded."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = tf1.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
        emb_prev = tf1.nn.embedding_lookup(embedding, tf1.argmax(prev, 1))  # (batch, embedding_size)
        return emb_prev if update_embedding else tf1.stop_gradient(emb_prev)
    return loop_function


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """TF1: the cell over the list of inputs from initial_state; with loop_function, step i > 0 reads
    loop_function(previous output, i) (under a reused `loop_function` scope) instead of input i.
    Returns (outputs, final state)."""
    with tf1.variable_scope(scope or "rnn_decoder"):
        state, outputs, prev = initial_state, [], None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with tf1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                tf1.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=tf1.float32, scope=None):
    """TF1: static_rnn encoder (a deep copy of cell: its own weights), rnn_decoder from its final state."""
    with tf1.variable_scope(scope or "basic_rnn_seq2seq"):
        _, enc_state = static_rnn(copy.deepcopy(cell), encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None, dtype=tf1.float32, scope=None):
    """TF1: encoder and decoder share one cell and its weights, under
    `combined_tied_rnn_seq2seq/tied_rnn_seq2seq/`."""
    with tf1.variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        tf1.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function, scope=scope)


def _check_projection(output_projection, num_symbols, dtype):
    """TF1: W must be (?, num_symbols) and B (num_symbols,)."""
    weights = tf1.convert_to_tensor(output_projection[0], dtype=dtype)
    weights.get_shape().assert_is_compatible_with([None, num_symbols])
    biases = tf1.convert_to_tensor(output_projection[1], dtype=dtype)
    biases.get_shape().assert_is_compatible_with([num_symbols])


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size, output_projection=None,
                          feed_previous=False, update_embedding_for_previous=True, scope=None):
    """TF1: symbol ids embedded by `embedding_rnn_decoder/embedding`, then rnn_decoder; feed_previous
    feeds back the embedded argmax of each output (a greedy decoder)."""
    with tf1.variable_scope(scope or "embedding_rnn_decoder") as scope:
        if output_projection is not None:
            _check_projection(output_projection, num_symbols, scope.dtype)
        embedding = tf1.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection, update_embedding_for_previous) if feed_previous else None
        emb_inp = (tf1.nn.embedding_lookup(embedding, i) for i in decoder_inputs)
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def _cond_decoders(feed_previous, build, decoder_inputs, structure):
    """TF1's feed_previous as a boolean tensor: both decoders built (the second reusing the first's
    variables), chosen by tf.cond; the state packed back into the encoder state's structure."""
    def branch(feed_previous_bool):
        with tf1.variable_scope(tf1.get_variable_scope(), reuse=None if feed_previous_bool else True):
            outputs, state = build(feed_previous_bool)
            return outputs + (nest.flatten(state) if nest.is_nested(state) else [state])
    outputs_and_state = tf1.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    outputs_len = len(decoder_inputs)
    state_list = outputs_and_state[outputs_len:]
    state = state_list[0]
    if nest.is_nested(structure):
        state = nest.pack_sequence_as(structure=structure, flat_sequence=state_list)
    return outputs_and_state[:outputs_len], state


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                          embedding_size, output_projection=None, feed_previous=False, dtype=None, scope=None):
    """TF1: an EmbeddingWrapper'd copy of cell encodes; embedding_rnn_decoder decodes (through an
    OutputProjectionWrapper to num_decoder_symbols unless output_projection is given)."""
    with tf1.variable_scope(scope or "embedding_rnn_seq2seq") as scope:
        if dtype is not None:
            scope.set_dtype(dtype)
        else:
            dtype = scope.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
        if isinstance(feed_previous, bool):
            return embedding_rnn_decoder(decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                                         output_projection=output_projection, feed_previous=feed_previous)
        return _cond_decoders(feed_previous, lambda fp: embedding_rnn_decoder(
            decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
            output_projection=output_projection, feed_previous=fp, update_embedding_for_previous=False),
            decoder_inputs, encoder_state)


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols, embedding_size,
                               num_decoder_symbols=None, output_projection=None, feed_previous=False, dtype=None,
                               scope=None):
    """TF1: one `embedding` for encoder and decoder inputs, then tied_rnn_seq2seq (outputs over
    num_decoder_symbols, or num_symbols)."""
    with tf1.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        if output_projection is not None:
            _check_projection(output_projection, num_symbols, dtype)
        embedding = tf1.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [tf1.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [tf1.nn.embedding_lookup(embedding, x) for x in decoder_inputs]
        output_symbols = num_decoder_symbols if num_decoder_symbols is not None else num_symbols
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, output_symbols)
        if isinstance(feed_previous, bool):
            loop_function = _extract_argmax_and_embed(embedding, output_projection, True) if feed_previous else None
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell, loop_function=loop_function,
                                    dtype=dtype)

        def build(fp):
            loop_function = _extract_argmax_and_embed(embedding, output_projection, False) if fp else None
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell, loop_function=loop_function,
                                    dtype=dtype)
        # TF1 packs the state into the cell's zero-state structure here; the inputs' batch sizes must agree.
        static_batch = encoder_inputs[0].get_shape()[:1]
        for inp in encoder_inputs[1:]:
            static_batch.merge_with(inp.get_shape()[:1])
        batch_size = tf1.dimension_value(static_batch[0])
        if batch_size is None:
            batch_size = tf1.shape(encoder_inputs[0])[0]
        return _cond_decoders(feed_previous, build, decoder_inputs, cell.zero_state(batch_size, dtype))


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None, num_heads=1,
                      loop_function=None, dtype=None, scope=None, initial_state_attention=False):
    """TF1's attention decoder (arXiv:1412.7449): per step,
    x = linear([input] + attns); cell_output, state = cell(x, state);
    per head a: a_t = softmax(sum(AttnV_a * tanh(W_a h + Attention_a(state)))), attn_a = sum_t a_t h_t;
    output = AttnOutputProjection([cell_output] + attns).  Returns (outputs, final state)."""
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if tf1.dimension_value(attention_states.get_shape()[2]) is None:
        raise ValueError("Shape[2] of attention_states must be known: %s" % attention_states.get_shape())
    if output_size is None:
        output_size = cell.output_size

    with tf1.variable_scope(scope or "attention_decoder", dtype=dtype) as scope:
        dtype = scope.dtype
        batch_size = tf1.shape(decoder_inputs[0])[0]
        attn_length = tf1.dimension_value(attention_states.get_shape()[1])
        if attn_length is None:
            attn_length = tf1.shape(attention_states)[1]
        attn_size = tf1.dimension_value(attention_states.get_shape()[2])

        # W_a h for all steps as TF1 computed it: a 1x1 convolution over (batch, length, 1, attn_size)
        hidden = tf1.reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, v = [], []
        attention_vec_size = attn_size
        for a in range(num_heads):
            k = tf1.get_variable("AttnW_%d" % a, [1, 1, attn_size, attention_vec_size])
            hidden_features.append(tf1.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(tf1.get_variable("AttnV_%d" % a, [attention_vec_size]))

        def attention(query):
            """Each head's attention read (batch, attn_size) for the query (a state, flattened)."""
            reads = []
            if nest.is_nested(query):
                query_list = nest.flatten(query)
                for q in query_list:
                    ndims = q.get_shape().ndims
                    if ndims:
                        assert ndims == 2
                query = tf1.concat(query_list, 1)
            for a in range(num_heads):
                with tf1.variable_scope("Attention_%d" % a):
                    y = tf1.reshape(linear(query, attention_vec_size, True), [-1, 1, 1, attention_vec_size])
                    s = tf1.reduce_sum(v[a] * tf1.tanh(hidden_features[a] + y), [2, 3])  # (batch, length)
                    weights = tf1.nn.softmax(s)
                    read = tf1.reduce_sum(tf1.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    reads.append(tf1.reshape(read, [-1, attn_size]))
            return reads

        state, outputs, prev = initial_state, [], None
        attns = [tf1.zeros(tf1.stack([batch_size, attn_size]), dtype=dtype) for _ in range(num_heads)]
        for a in attns:
            a.set_shape([None, attn_size])
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                tf1.get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with tf1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            input_size = tf1.dimension_value(inp.get_shape().with_rank(2)[1])
            if input_size is None:
                raise ValueError("Could not infer input size from input: %s" % inp.name)
            x = linear([inp] + attns, input_size, True)  # (batch, input_size)
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with tf1.variable_scope(tf1.get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with tf1.variable_scope("AttnOutputProjection"):
                output = linear([cell_output] + attns, output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell, num_symbols, embedding_size,
                                num_heads=1, output_size=None, output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """TF1: ids embedded by `embedding_attention_decoder/embedding`, then attention_decoder; feed_previous
    feeds back the embedded argmax of each output."""
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:
        biases = tf1.convert_to_tensor(output_projection[1], dtype=dtype)
        biases.get_shape().assert_is_compatible_with([num_symbols])
    with tf1.variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = tf1.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection, update_embedding_for_previous) if feed_previous else None
        emb_inp = [tf1.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(emb_inp, initial_state, attention_states, cell, output_size=output_size,
                                 num_heads=num_heads, loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                                embedding_size, encoder_cell=None, num_heads=1, output_projection=None,
                                feed_previous=False, dtype=None, scope=None, initial_state_attention=False):
    """TF1: an EmbeddingWrapper'd encoder (a deep copy of cell unless encoder_cell), its outputs
    (batch, length, cell.output_size) attended by embedding_attention_decoder."""
    with tf1.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        if encoder_cell is None:
            encoder_cell = copy.deepcopy(cell)
        encoder_cell = EmbeddingWrapper(encoder_cell, embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        encoder_outputs, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        top_states = [tf1.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
        attention_states = tf1.concat(top_states, 1)  # (batch, encoder length, cell.output_size)

        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def build(fp, update_embedding_for_previous=False):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols, embedding_size,
                num_heads=num_heads, output_size=output_size, output_projection=output_projection, feed_previous=fp,
                update_embedding_for_previous=update_embedding_for_previous,
                initial_state_attention=initial_state_attention)
        if isinstance(feed_previous, bool):
            return build(feed_previous, update_embedding_for_previous=True)
        return _cond_decoders(feed_previous, build, decoder_inputs, encoder_state)


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict, num_encoder_symbols,
                         num_decoder_symbols_dict, embedding_size, feed_previous=False, dtype=None, scope=None):
    """TF1's multi-task model: one embedding encoder, one embedding_rnn_decoder per named task (under
    `one2many_decoder_NAME`).  Returns ({name: outputs}, {name: final state})."""
    rnn_cell = tf1.nn.rnn_cell.RNNCell
    if not isinstance(enc_cell, rnn_cell):
        raise TypeError("enc_cell is not an RNNCell: %s" % type(enc_cell))
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, rnn_cell):
            raise TypeError("dec_cell is not an RNNCell: %s" % type(dec_cell))
    outputs_dict, state_dict = {}, {}
    with tf1.variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        enc_cell = EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols, embedding_size=embedding_size)
        _, encoder_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with tf1.variable_scope("one2many_decoder_" + str(name)):
                dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)
                if isinstance(feed_previous, bool):
                    outputs, state = embedding_rnn_decoder(decoder_inputs, encoder_state, dec_cell,
                                                           num_decoder_symbols, embedding_size,
                                                           feed_previous=feed_previous)
                else:
                    outputs, state = _cond_decoders(
                        feed_previous,
                        lambda fp, d=decoder_inputs, c=dec_cell, n=num_decoder_symbols: embedding_rnn_decoder(
                            d, encoder_state, c, n, embedding_size, feed_previous=fp),
                        decoder_inputs, encoder_state)
            outputs_dict[name] = outputs
            state_dict[name] = state
    return outputs_dict, state_dict


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True, softmax_loss_function=None,
                             name=None):
    """TF1: sum over steps of weight_t * crossentropy(logits_t, targets_t), per example (batch,);
    average_across_timesteps divides by the summed weights (+ 1e-12)."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError("Lengths of logits, weights, and targets must be the same %d, %d, %d."
                         % (len(logits), len(weights), len(targets)))
    with tf1.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
        log_perp_list = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                # TF1 reshapes: targets were sometimes given as (batch, 1) or scalars
                crossent = tf1.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=tf1.reshape(target, [-1]), logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            log_perp_list.append(crossent * weight)
        log_perps = tf1.add_n(log_perp_list)
        if average_across_timesteps:
            total_size = tf1.add_n(weights) + 1e-12  # no division by 0 for all-0 weights
            log_perps /= total_size
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                  softmax_loss_function=None, name=None):
    """TF1: the sum of sequence_loss_by_example over the batch, divided by the batch size when
    average_across_batch."""
    with tf1.name_scope(name, "sequence_loss", logits + targets + weights):
        cost = tf1.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            return cost / tf1.cast(tf1.shape(targets[0])[0], cost.dtype)
        return cost


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """TF1: seq2seq(encoder_inputs[:in], decoder_inputs[:out]) for each (in, out) bucket, every bucket
    after the first reusing the first's variables; returns (outputs per bucket, loss per bucket)."""
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError("Length of encoder_inputs (%d) must be at least that of last bucket (%d)."
                         % (len(encoder_inputs), buckets[-1][0]))
    if len(targets) < buckets[-1][1]:
        raise ValueError("Length of targets (%d) must be at least that of lastbucket (%d)."
                         % (len(targets), buckets[-1][1]))
    if len(weights) < buckets[-1][1]:
        raise ValueError("Length of weights (%d) must be at least that of lastbucket (%d)."
                         % (len(weights), buckets[-1][1]))
    losses, outputs = [], []
    with tf1.name_scope(name, "model_with_buckets", encoder_inputs + decoder_inputs + targets + weights):
        for j, bucket in enumerate(buckets):
            with tf1.variable_scope(tf1.get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]], decoder_inputs[:bucket[1]])
                outputs.append(bucket_outputs)
                loss = sequence_loss_by_example if per_example_loss else sequence_loss
                losses.append(loss(outputs[-1], targets[:bucket[1]], weights[:bucket[1]],
                                   softmax_loss_function=softmax_loss_function))
    return outputs, losses
