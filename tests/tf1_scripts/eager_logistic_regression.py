"""Logistic regression and a small MLP on MNIST written the TF 1.x eager way, for rnn_tf1's tests of
`rnn-tf1 run` (written for this project): `tf.enable_eager_execution()`, `read_data_sets`, a
`tf.data.Dataset` read through `tfe.Iterator` (started again at StopIteration), gradients from
`tfe.implicit_gradients`, then a `tfe.Network` of two tracked `tf.layers.Dense` and
`tfe.metrics.Accuracy`.  The first argument, if any, is the number of steps of each model.  The
logistic model learns from the first 256 validation images, 64 at a time, in order."""
from __future__ import print_function

import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.enable_eager_execution()
tfe = tf.contrib.eager

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 6
mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
images, labels = mnist.validation.images[:256], mnist.validation.labels[:256]
dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(64)
batches = tfe.Iterator(dataset)

W = tfe.Variable(tf.zeros([784, 10]), name="weights")
b = tfe.Variable(tf.zeros([10]), name="bias")


def logistic_loss(x, y):
    logits = tf.matmul(x, W) + b
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


grad = tfe.implicit_gradients(logistic_loss)
optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.5)
for step in range(steps):
    try:
        x, y = batches.next()
    except StopIteration:  # the end of the 256 images: start over, as TF1's examples did
        batches = tfe.Iterator(dataset)
        x, y = batches.next()
    print("logistic %d loss %.6f" % (step + 1, logistic_loss(x, y).numpy()))
    optimizer.apply_gradients(grad(x, y))


class NeuralNet(tfe.Network):
    def __init__(self):
        super(NeuralNet, self).__init__()
        self.hidden = self.track_layer(tf.layers.Dense(32, activation=tf.nn.relu))
        self.out = self.track_layer(tf.layers.Dense(10))

    def call(self, x):
        return self.out(self.hidden(x))


net = NeuralNet()


def mlp_loss(x, y):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=net(x)))


mlp_grad = tfe.implicit_value_and_gradients(mlp_loss)
adam = tf.train.AdamOptimizer(1e-3)
batches = tfe.Iterator(dataset)
for step in range(steps):
    x, y = batches.next() if step % 4 else tfe.Iterator(dataset).next()
    loss, grads = mlp_grad(x, y)
    adam.apply_gradients(grads)
    print("mlp %d loss %.6f" % (step + 1, loss.numpy()))
print("network", net.name, " ".join(v.name for v in net.variables))
accuracy = tfe.metrics.Accuracy()
accuracy(tf.argmax(net(tf.constant(images)), 1), tf.argmax(labels, 1))
print("accuracy %.4f" % accuracy.result().numpy())
