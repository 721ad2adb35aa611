"""A TF1-era script that saves its model twice, with tf.train.Saver and with simple_save, into the
folder given as its first argument (for rnn_tf1's tests; written for this project).  Prints the
model's predictions for a fixed input so a test can load the SavedModel back and compare."""
import os
import sys

import numpy as np
import tensorflow as tf
from tensorflow.python.saved_model.simple_save import simple_save

out = sys.argv[1]
x = tf.placeholder(tf.float32, [None, 5, 3], name="x")
cell = tf.contrib.rnn.BasicLSTMCell(4)
outputs, _ = tf.contrib.rnn.static_rnn(cell, tf.unstack(x, 5, 1), dtype=tf.float32)
probabilities = tf.nn.softmax(tf.layers.dense(outputs[-1], 2), name="probabilities")
probe = np.linspace(-1, 1, 30, dtype=np.float32).reshape(2, 5, 3)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    os.makedirs(os.path.join(out, "ckpt"))
    print("saver:", tf.train.Saver().save(sess, os.path.join(out, "ckpt", "model.ckpt")))
    simple_save(sess, os.path.join(out, "savedmodel"), inputs={"x": x}, outputs={"probabilities": probabilities})
    print("probabilities:", " ".join("%.6f" % v for v in sess.run(probabilities, {x: probe}).ravel()))
