"""An attention seq2seq toy written the TF 1.x NMT-tutorial way, for rnn_tf1's tests of `rnn-tf1 run`:
an encoder through dynamic_rnn, a decoder cell wrapped in AttentionWrapper(BahdanauAttention),
trained with TrainingHelper + BasicDecoder + dynamic_decode + sequence_loss, then decoded with a
BeamSearchDecoder over tile_batch'ed memory.  The task: copy a sequence of digits in reverse.
Written for this project; the first argument, if any, is the number of training steps."""
import sys

import numpy as np
import tensorflow as tf

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 150
GO, EOS, vocab, length, units, batch, beam_width = 10, 11, 12, 5, 32, 32, 3
rng = np.random.RandomState(0)


def batch_of(n):
    source = rng.randint(0, 10, size=(n, length))
    target = source[:, ::-1]
    decoder_in = np.concatenate([np.full((n, 1), GO), target], 1)  # GO + reversed
    decoder_out = np.concatenate([target, np.full((n, 1), EOS)], 1)  # reversed + EOS
    return source, decoder_in, decoder_out


source = tf.placeholder(tf.int32, [None, length])
decoder_in = tf.placeholder(tf.int32, [None, length + 1])
decoder_out = tf.placeholder(tf.int32, [None, length + 1])
batch_size = tf.shape(source)[0]
source_lengths = tf.fill([batch_size], length)
embedding = tf.get_variable("embedding", [vocab, 16])

with tf.variable_scope("encoder"):
    encoder_cell = tf.nn.rnn_cell.LSTMCell(units)
    memory, encoder_state = tf.nn.dynamic_rnn(encoder_cell, tf.nn.embedding_lookup(embedding, source),
                                              sequence_length=source_lengths, dtype=tf.float32)

projection = tf.layers.Dense(vocab, use_bias=False, name="output_projection")


def decoder_cell(memory, memory_lengths):
    mechanism = tf.contrib.seq2seq.BahdanauAttention(units, memory, memory_sequence_length=memory_lengths)
    return tf.contrib.seq2seq.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(units), mechanism,
                                               attention_layer_size=units)


with tf.variable_scope("decoder"):
    cell = decoder_cell(memory, source_lengths)
    initial = cell.zero_state(batch_size, tf.float32).clone(cell_state=encoder_state)
    helper = tf.contrib.seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, decoder_in),
                                               tf.fill([batch_size], length + 1))
    decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial, output_layer=projection)
    outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(decoder)
    loss = tf.contrib.seq2seq.sequence_loss(outputs.rnn_output, decoder_out,
                                            tf.ones([batch_size, length + 1]))
train = tf.train.AdamOptimizer(0.01).minimize(loss)

with tf.variable_scope("decoder", reuse=True):
    tiled_memory = tf.contrib.seq2seq.tile_batch(memory, multiplier=beam_width)
    tiled_lengths = tf.contrib.seq2seq.tile_batch(source_lengths, multiplier=beam_width)
    tiled_state = tf.contrib.seq2seq.tile_batch(encoder_state, multiplier=beam_width)
    beam_cell = decoder_cell(tiled_memory, tiled_lengths)
    beam_initial = beam_cell.zero_state(batch_size * beam_width, tf.float32).clone(cell_state=tiled_state)
    beam_decoder = tf.contrib.seq2seq.BeamSearchDecoder(beam_cell, embedding, tf.fill([batch_size], GO), EOS,
                                                        beam_initial, beam_width, output_layer=projection,
                                                        length_penalty_weight=0.0)
    beams, _, _ = tf.contrib.seq2seq.dynamic_decode(beam_decoder, maximum_iterations=length + 2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(" ".join(sorted(v.op.name for v in tf.trainable_variables() if "attention" in v.op.name)))
    for step in range(steps):
        s, d_in, d_out = batch_of(batch)
        value, _ = sess.run([loss, train], {source: s, decoder_in: d_in, decoder_out: d_out})
        if step % 50 == 0 or step == steps - 1:
            print("step %d loss %.6f" % (step, value))
    s, _, _ = batch_of(4)
    ids = sess.run(beams.predicted_ids, {source: s})  # (batch, time, beam), best beam first
    for row, best in zip(s, ids[:, :, 0]):
        print("source", "".join(map(str, row)), "beam", " ".join(map(str, best)))
