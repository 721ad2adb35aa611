"""The official TF1 -> TF2 migration idiom (`import tensorflow.compat.v1 as tf;
tf.disable_v2_behavior()`) around the tutorial's graph, one training step: for rnn_tf1's tests.
Written for this project."""
import tensorflow.compat.v1 as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.disable_v2_behavior()
mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)

X = tf.placeholder(tf.float32, [None, 28, 28])
Y = tf.placeholder(tf.float32, [None, 10])
w = tf.Variable(tf.random_normal([128, 10]))
b = tf.Variable(tf.random_normal([10]))
cell = tf.nn.rnn_cell.BasicLSTMCell(128, forget_bias=1.0)
outputs, _ = tf.nn.static_rnn(cell, tf.unstack(X, 28, 1), dtype=tf.float32)
logits = tf.matmul(outputs[-1], w) + b
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)), tf.float32))
train = tf.train.GradientDescentOptimizer(0.001).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    x, y = mnist.train.next_batch(128)
    feed = {X: x.reshape((128, 28, 28)), Y: y}
    sess.run(train, feed_dict=feed)
    l, a = sess.run([loss, accuracy], feed_dict=feed)
    print("Step 1, Minibatch Loss= " + "{:.4f}".format(l) + ", Training Accuracy= " + "{:.3f}".format(a))
    print(" ".join(v.op.name for v in tf.global_variables()))
