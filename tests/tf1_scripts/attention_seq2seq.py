"""An attention seq2seq toy written the TF1 way (for rnn_tf1's tests; written for this project):
legacy_seq2seq.embedding_attention_seq2seq learns to reverse 5 digits, trained with
feed_previous=False and decoded greedily with feed_previous=True (the same variables, reused); the
decoder is saved and restored into a fresh graph; then a contrib.seq2seq AttentionWrapper over the
encoder's outputs runs in tf.nn.dynamic_rnn.  The first argument is the number of training steps."""
import copy
import os
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.contrib import legacy_seq2seq, rnn, seq2seq

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
length, symbols, GO = 5, 9, 0     # digits 1..8, and 0 as the decoder's GO symbol
rng = np.random.RandomState(0)


def batch(n):
    x = rng.randint(1, symbols, size=(n, length))
    y = x[:, ::-1]
    return x, np.concatenate([np.full((n, 1), GO), y[:, :-1]], 1), y


def build():
    enc = [tf.placeholder(tf.int32, [None], name="enc%d" % i) for i in range(length)]
    dec = [tf.placeholder(tf.int32, [None], name="dec%d" % i) for i in range(length)]
    targets = [tf.placeholder(tf.int32, [None], name="target%d" % i) for i in range(length)]
    cell = rnn.GRUCell(32)

    def seq2seq_f(feed_previous):
        # the TF1-era habit: a fresh copy of the cell per model (TF1 cannot deepcopy a used cell)
        return legacy_seq2seq.embedding_attention_seq2seq(
            enc, dec, copy.deepcopy(cell), symbols, symbols, 16, feed_previous=feed_previous)

    train_outputs, _ = seq2seq_f(False)
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        greedy_outputs, _ = seq2seq_f(True)
    weights = [tf.ones_like(t, dtype=tf.float32) for t in targets]
    loss = legacy_seq2seq.sequence_loss(train_outputs, targets, weights)
    predictions = tf.stack([tf.argmax(o, 1) for o in greedy_outputs], 1)
    return enc, dec, targets, loss, predictions


def feed(enc, dec, targets, x, d, y):
    f = {p: x[:, i] for i, p in enumerate(enc)}
    f.update({p: d[:, i] for i, p in enumerate(dec)})
    f.update({p: y[:, i] for i, p in enumerate(targets)})
    return f


enc, dec, targets, loss, predictions = build()
train = tf.train.AdamOptimizer(0.01).minimize(loss)
test_x, test_d, test_y = batch(200)
save_dir = tempfile.mkdtemp(prefix="attention-seq2seq-")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("variables " + " ".join(v.op.name for v in tf.trainable_variables()))
    for step in range(steps):
        l, _ = sess.run([loss, train], feed(enc, dec, targets, *batch(32)))
        if step == 0:
            print("first_loss %.4f" % l)
    print("final_loss %.4f" % l)
    # greedy decoding reads only the GO symbol of the decoder inputs
    zeros = np.zeros_like(test_d)
    accuracy = (sess.run(predictions, feed(enc, dec, targets, test_x, zeros, test_y)) == test_y).mean()
    print("greedy_accuracy %.4f" % accuracy)
    tf.train.Saver().save(sess, os.path.join(save_dir, "model.ckpt"))

tf.reset_default_graph()
enc, dec, targets, loss, predictions = build()
with tf.Session() as sess:
    tf.train.Saver().restore(sess, os.path.join(save_dir, "model.ckpt"))
    restored = (sess.run(predictions, feed(enc, dec, targets, test_x, np.zeros_like(test_d), test_y)) == test_y)
    print("restored_accuracy %.4f" % restored.mean())
shutil.rmtree(save_dir)

tf.reset_default_graph()
source = tf.placeholder(tf.float32, [None, 7, 3])
source_length = tf.placeholder(tf.int32, [None])
encoder_outputs, encoder_state = tf.nn.dynamic_rnn(rnn.LSTMCell(8), source, source_length, dtype=tf.float32,
                                                   scope="encoder")
mechanism = seq2seq.LuongAttention(8, encoder_outputs, memory_sequence_length=source_length, scale=True)
decoder_cell = seq2seq.AttentionWrapper(rnn.LSTMCell(8), mechanism, attention_layer_size=8, alignment_history=True)
start = decoder_cell.zero_state(tf.shape(source)[0], tf.float32).clone(cell_state=encoder_state)
outputs, final = tf.nn.dynamic_rnn(decoder_cell, tf.zeros([4, 6, 2]), initial_state=start, dtype=tf.float32,
                                   scope="decoder")
history = final.alignment_history.stack()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out, hist = sess.run([outputs, history], {source: rng.normal(size=(4, 7, 3)), source_length: [7, 5, 3, 1]})
    print("wrapper_output %s %.6f %s" % (out.shape, np.abs(out).sum(), hist.shape))
    print("wrapper_variables " + " ".join(v.op.name for v in tf.global_variables()))
