"""A seq2seq toy written the TF 1.x way, for rnn_tf1's tests: learn to reverse a sequence of 5
digits.  Encoder: tf.nn.dynamic_rnn; decoder: tf.contrib.seq2seq's TrainingHelper + BasicDecoder +
dynamic_decode, trained on sequence_loss; then greedy (GreedyEmbeddingHelper) and beam search
(BeamSearchDecoder over tile_batch'ed encoder states) decoding of held-out sequences.
Prints the variable names, the loss every 10 steps, and the decoded sequences.
Usage: seq2seq_reverse.py [STEPS]"""
import sys

import numpy as np
import tensorflow as tf
from tensorflow.contrib import seq2seq

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 60
GO, EOS, FIRST_DIGIT, DIGITS, LENGTH, UNITS, BEAM = 1, 2, 3, 5, 5, 32, 3
vocab = FIRST_DIGIT + DIGITS
rng = np.random.RandomState(0)


def batch(n):
    source = rng.randint(FIRST_DIGIT, vocab, size=(n, LENGTH))
    target = np.concatenate([source[:, ::-1], np.full((n, 1), EOS)], 1)  # reversed, then EOS
    decoder_in = np.concatenate([np.full((n, 1), GO), source[:, ::-1]], 1)  # GO, then reversed
    return source, decoder_in, target


source = tf.placeholder(tf.int32, [None, LENGTH])
decoder_in = tf.placeholder(tf.int32, [None, LENGTH + 1])
target = tf.placeholder(tf.int32, [None, LENGTH + 1])
batch_size = tf.shape(source)[0]
embedding = tf.get_variable("embedding", [vocab, 16])

with tf.variable_scope("encoder"):
    encoder_cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
    _, encoder_state = tf.nn.dynamic_rnn(encoder_cell, tf.nn.embedding_lookup(embedding, source), dtype=tf.float32)

decoder_cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
projection = tf.layers.Dense(vocab)
lengths = tf.fill([batch_size], LENGTH + 1)
helper = seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, decoder_in), lengths)
decoder = seq2seq.BasicDecoder(decoder_cell, helper, encoder_state, output_layer=projection)
outputs, _, _ = seq2seq.dynamic_decode(decoder)
mask = tf.sequence_mask(lengths, LENGTH + 1, dtype=tf.float32)
loss = seq2seq.sequence_loss(outputs.rnn_output, target, mask)
train = tf.train.AdamOptimizer(0.02).minimize(loss)

start = tf.fill([batch_size], GO)
greedy = seq2seq.BasicDecoder(decoder_cell, seq2seq.GreedyEmbeddingHelper(embedding, start, EOS), encoder_state,
                              output_layer=projection)
greedy_out, _, _ = seq2seq.dynamic_decode(greedy, maximum_iterations=2 * LENGTH)
beam = seq2seq.BeamSearchDecoder(decoder_cell, embedding, start, EOS, seq2seq.tile_batch(encoder_state, BEAM), BEAM,
                                 output_layer=projection, length_penalty_weight=0.5)
beam_out, _, _ = seq2seq.dynamic_decode(beam, maximum_iterations=2 * LENGTH)

print(" ".join(v.name for v in tf.trainable_variables()))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, steps + 1):
        s, d, t = batch(64)
        value, _ = sess.run([loss, train], {source: s, decoder_in: d, target: t})
        if step % 10 == 0:
            print("step %d loss %.6f" % (step, value))
    test = rng.randint(FIRST_DIGIT, vocab, size=(3, LENGTH))
    ids, beams = sess.run([greedy_out.sample_id, beam_out.predicted_ids], {source: test})
    for row in range(3):
        print("source", " ".join(map(str, test[row])), "| greedy", " ".join(map(str, ids[row])),
              "| beam", " ".join(map(str, beams[row, :, 0])))
