"""Two small MNIST models written the TF1 way with tf.contrib.layers and tf.contrib.slim, for
rnn_tf1's tests of `rnn-tf1 run` (written for this project): an MLP with xavier_initializer,
fully_connected and an l2 penalty through apply_regularization, then a CNN with slim's conv2d
(batch_norm as its normalizer), max_pool2d, flatten and dropout.  The first argument, if any, is
the number of training steps of each.  Prints the trainable variables' names, each step's loss and
the CNN's accuracy on held-out images."""
from __future__ import print_function

import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

slim = tf.contrib.slim
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])
is_training = tf.placeholder(tf.bool, [])

# the MLP
xavier = tf.contrib.layers.xavier_initializer()
with tf.variable_scope("mlp"):
    hidden = tf.contrib.layers.fully_connected(x, 128, weights_initializer=xavier)
    mlp_logits = tf.contrib.layers.fully_connected(hidden, 10, activation_fn=None, weights_initializer=xavier)
mlp_weights = [v for v in tf.trainable_variables() if v.name.endswith("weights:0")]
penalty = tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(1e-4), mlp_weights)
mlp_loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=mlp_logits)) + penalty
mlp_train = tf.train.AdamOptimizer(1e-3).minimize(mlp_loss)

# the CNN
images = tf.reshape(x, [-1, 28, 28, 1])
with tf.variable_scope("cnn"):
    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                        normalizer_params={"is_training": is_training}):
        net = slim.conv2d(images, 8, [5, 5])
        net = slim.max_pool2d(net, [2, 2])
        net = slim.flatten(net)
        net = slim.dropout(net, 0.75, is_training=is_training)
        cnn_logits = slim.fully_connected(net, 10, activation_fn=None)
cnn_loss = tf.losses.softmax_cross_entropy(y, cnn_logits)
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):  # batch_norm's moving averages
    cnn_train = tf.train.AdamOptimizer(1e-3).minimize(cnn_loss)
correct = tf.equal(tf.argmax(cnn_logits, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

print("variables", " ".join(v.op.name for v in tf.global_variables() if "Adam" not in v.op.name
                            and "power" not in v.op.name))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(steps):
        batch_x, batch_y = mnist.train.next_batch(64)
        _, loss = sess.run([mlp_train, mlp_loss], {x: batch_x, y: batch_y})
        print("mlp %d %.6f" % (step + 1, loss))
    for step in range(steps):
        batch_x, batch_y = mnist.train.next_batch(64)
        _, loss = sess.run([cnn_train, cnn_loss], {x: batch_x, y: batch_y, is_training: True})
        print("cnn %d %.6f" % (step + 1, loss))
    test = {x: mnist.test.images[:500], y: mnist.test.labels[:500], is_training: False}
    print("cnn accuracy %.4f" % sess.run(accuracy, test))
