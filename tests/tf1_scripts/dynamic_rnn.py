"""dynamic_rnn on synthetic sequences of varying length (is the sum of a sequence positive?), with
a MultiRNNCell of a DropoutWrapper'd LSTMCell and a GRUCell: for rnn_tf1's tests, written for this
project.  Prints the accuracy on held-out sequences before and after training."""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
max_len, n = 12, 2000
lengths = rng.randint(3, max_len + 1, size=n)
data = rng.normal(size=(n, max_len, 1)).astype(np.float32)
data[np.arange(max_len)[None, :] >= lengths[:, None]] = 0.0
labels = (data.sum(axis=(1, 2)) > 0).astype(np.int64)

x = tf.placeholder(tf.float32, [None, max_len, 1])
y = tf.placeholder(tf.int64, [None])
seq_len = tf.placeholder(tf.int32, [None])
keep = tf.placeholder_with_default(1.0, [])
cell = tf.nn.rnn_cell.MultiRNNCell([
    tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(16), output_keep_prob=keep),
    tf.nn.rnn_cell.GRUCell(16)])
outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=seq_len, dtype=tf.float32)
logits = tf.layers.dense(state[-1], 2)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
train = tf.train.AdamOptimizer(0.01).minimize(loss)

test = {x: data[1600:], y: labels[1600:], seq_len: lengths[1600:]}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("before %.3f" % sess.run(accuracy, test))
    for step in range(300):
        i = rng.randint(0, 1600, 64)
        sess.run(train, {x: data[i], y: labels[i], seq_len: lengths[i], keep: 0.9})
    print("after %.3f" % sess.run(accuracy, test))
