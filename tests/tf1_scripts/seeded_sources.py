"""Every source of randomness a TF1-era script may draw from, for rnn_tf1's seeded-repeat tests:
numpy's global generator and Python's `random` shuffle the data, a vocabulary comes from a set of
strings (its order follows Python's salted string hashes), the graph is the script's own
`tf.Graph()`, and a DropoutWrapper draws inside tf.nn.dynamic_rnn's while loop.  Written for this
project; the first argument, if any, is the number of training steps."""
import random
import sys

import numpy as np
import tensorflow as tf

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
batch_size, time_steps, depth, units = 32, 12, 8, 24

# A toy task: is the sum of the sequence positive?  Shuffled each epoch as old scripts did it.
data = np.random.randn(256, time_steps, depth).astype(np.float32)
labels = (data.sum(axis=(1, 2)) > 0).astype(np.int64)
order = list(range(len(data)))
idx2char = list(set("hello, seeded world"))  # as character-RNN scripts build their vocabulary
print("vocabulary", "".join(idx2char))

graph = tf.Graph()
with graph.as_default():
    x = tf.placeholder(tf.float32, [None, time_steps, depth])
    y = tf.placeholder(tf.int64, [None])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(units), input_keep_prob=0.8,
                                         output_keep_prob=0.8)
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    logits = tf.layers.dense(outputs[:, -1], 2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            if step % (len(data) // batch_size) == 0:
                random.shuffle(order)
            batch = order[(step * batch_size) % len(data):][:batch_size]
            value, _ = sess.run([loss, train], {x: data[batch], y: labels[batch]})
            if step % 5 == 0:
                print("step %d loss %.6f" % (step, value))
