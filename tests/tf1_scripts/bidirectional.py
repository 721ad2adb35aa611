"""TF1-era bidirectional LSTMs on MNIST rows, with tf.contrib.rnn's static_bidirectional_rnn and
stack_bidirectional_rnn (for rnn_tf1's tests; written for this project).  Prints the variables,
then the loss of each step."""
import sys

import tensorflow as tf
from tensorflow.contrib import rnn
from tensorflow.examples.tutorials.mnist import input_data

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
X = tf.placeholder("float", [None, 28, 28])
Y = tf.placeholder("float", [None, 10])
x = tf.unstack(X, 28, 1)

with tf.variable_scope("single"):
    out, fw, bw = rnn.static_bidirectional_rnn(rnn.BasicLSTMCell(32), rnn.BasicLSTMCell(32), x, dtype=tf.float32)
stacked, fws, bws = rnn.stack_bidirectional_rnn([rnn.BasicLSTMCell(16), rnn.GRUCell(16)],
                                                [rnn.BasicLSTMCell(16), rnn.GRUCell(16)], out, dtype=tf.float32)
assert isinstance(fw, rnn.LSTMStateTuple) and len(fws) == len(bws) == 2
w = tf.Variable(tf.random_normal([32, 10]))       # 16 forward + 16 backward units
logits = tf.matmul(stacked[-1], w)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
train = tf.train.AdamOptimizer(0.01).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(" ".join(v.op.name for v in tf.trainable_variables()))
    for step in range(steps):
        bx, by = mnist.train.next_batch(64)
        _, l = sess.run([train, loss], feed_dict={X: bx.reshape((-1, 28, 28)), Y: by})
        print("loss %.4f" % l)
