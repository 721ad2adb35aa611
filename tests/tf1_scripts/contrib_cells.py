"""TF1-era sequence classification with tf.contrib.rnn's fused and layer-normalised cells: a
MultiRNNCell of LSTMBlockCell, LayerNormBasicLSTMCell and GRUBlockCellV2 in tf.nn.dynamic_rnn on
synthetic sequences of varying length (does the sequence rise overall?).  For rnn_tf1's tests,
written for this project.  Prints the variables, the loss of each step, then held-out accuracy."""
import sys

import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 40
rng = np.random.RandomState(0)
max_len, n = 10, 1200
lengths = rng.randint(2, max_len + 1, size=n)
slopes = rng.normal(size=n)
data = (slopes[:, None] * np.linspace(0, 1, max_len)[None, :] + 0.3 * rng.normal(size=(n, max_len)))
data = data[:, :, None].astype(np.float32)
data[np.arange(max_len)[None, :] >= lengths[:, None]] = 0.0
labels = (slopes > 0).astype(np.int64)

x = tf.placeholder(tf.float32, [None, max_len, 1])
y = tf.placeholder(tf.int64, [None])
seq_len = tf.placeholder(tf.int32, [None])
cell = rnn.MultiRNNCell([rnn.LSTMBlockCell(16), rnn.LayerNormBasicLSTMCell(16), rnn.GRUBlockCellV2(16)])
outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=seq_len, dtype=tf.float32)
logits = tf.layers.dense(state[-1], 2)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
train = tf.train.AdamOptimizer(0.02).minimize(loss)

test = {x: data[1000:], y: labels[1000:], seq_len: lengths[1000:]}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(" ".join(v.op.name for v in tf.trainable_variables()))
    for step in range(steps):
        i = rng.randint(0, 1000, 64)
        _, l = sess.run([train, loss], {x: data[i], y: labels[i], seq_len: lengths[i]})
        print("loss %.6f" % l)
    print("accuracy %.3f" % sess.run(accuracy, test))
