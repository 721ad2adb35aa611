"""A linear regression written the TF 1.x eager way, for rnn_tf1's tests of `rnn-tf1 run` (written
for this project): `tf.enable_eager_execution()` first, `tfe.Variable`s, the loss and its
gradients from `tfe.implicit_value_and_gradients`, applied by a GradientDescentOptimizer.  The
first argument, if any, is the number of steps.  Prints the initial weights, the loss before each
step, then a few seeded draws (tf.random_normal and a tf.layers.Dense kernel) for the seeded-repeat
check."""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf

tf.enable_eager_execution()
tfe = tf.contrib.eager

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
learning_rate = 0.1

# y = 3x + 2 with a deterministic wiggle, 40 points
train_x = np.linspace(-1.0, 1.0, 40).astype(np.float32)
train_y = (3.0 * train_x + 2.0 + 0.3 * np.sin(7.0 * train_x)).astype(np.float32)

W = tfe.Variable(np.float32(np.random.randn()), name="weight")
b = tfe.Variable(np.float32(np.random.randn()), name="bias")
print("init %.9g %.9g" % (W.numpy(), b.numpy()))


def mean_square(x, y):
    return tf.reduce_mean(tf.square(W * x + b - y))


value_and_grads = tfe.implicit_value_and_gradients(mean_square)
optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
for step in range(steps):
    loss, grads_and_vars = value_and_grads(train_x, train_y)
    optimizer.apply_gradients(grads_and_vars)
    print("step %d loss %.6f" % (step + 1, loss.numpy()))
print("final %.6f %.6f" % (W.numpy(), b.numpy()))
print("names", " ".join(v.name for _, v in grads_and_vars))

# what --seed must repeat under eager execution
print("random_normal", " ".join("%.6f" % v for v in tf.random_normal([3]).numpy()))
dense = tf.layers.Dense(2)
dense(tf.ones([1, 3]))
print("dense kernel", " ".join("%.6f" % v for v in dense.kernel.numpy().ravel()))
