"""An LSTM regressor on a CSV series, written the TF1 way with numpy 1's habits (np.float,
np.asscalar, np.product, reshape(newshape=)), for rnn_tf1's tests of `rnn-tf1 run` (written for this
project).  `train FOLDER [STEPS]` writes FOLDER/series.csv, reads it back, trains a
tf.contrib.rnn.LSTMCell through tf.nn.dynamic_rnn with tf.contrib.layers.fully_connected on the
last output (mean squared error), saves FOLDER/model.ckpt with tf.train.Saver and prints its
predictions; `restore FOLDER` builds the same graph in a fresh process, restores the checkpoint and
prints the predictions again."""
from __future__ import print_function

import os
import sys

import numpy as np
import tensorflow as tf

mode, folder = sys.argv[1], sys.argv[2]
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 300
window = 10
csv_path = os.path.join(folder, "series.csv")

if mode == "train":
    t = np.arange(200, dtype=np.float)
    series = np.sin(t / 8.0) + 0.01 * t
    np.savetxt(csv_path, np.stack([t, series], axis=1), delimiter=",", header="t,value", comments="")
values = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.float)[:, 1]
count = len(values) - window
windows = np.array([values[i:i + window] for i in range(count)], dtype=np.float32)
inputs = np.reshape(windows, newshape=(count, window, 1))
targets = np.reshape(values[window:], newshape=(-1, 1)).astype(np.float32)
print("windows %d of %d values, mean target %.6f" % (np.product(inputs.shape[:2]) // window, window,
                                                     np.asscalar(targets.mean())))

x = tf.placeholder(tf.float32, [None, window, 1])
y = tf.placeholder(tf.float32, [None, 1])
cell = tf.contrib.rnn.LSTMCell(16)
outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
prediction = tf.contrib.layers.fully_connected(outputs[:, -1], 1, activation_fn=None)
loss = tf.reduce_mean(tf.square(prediction - y))
train = tf.train.AdamOptimizer(0.01).minimize(loss)
saver = tf.train.Saver(tf.trainable_variables())
probe = {x: inputs[:5]}

with tf.Session() as sess:
    if mode == "train":
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            _, value = sess.run([train, loss], {x: inputs, y: targets})
            if step % 50 == 0 or step == steps - 1:
                print("step %d loss %.6f" % (step + 1, value))
        saver.save(sess, os.path.join(folder, "model.ckpt"))
    else:
        tf.logging.set_verbosity(tf.logging.INFO)  # TF 1.x showed INFO lines (the restore's) only when asked
        saver.restore(sess, os.path.join(folder, "model.ckpt"))
    print("variables", " ".join(v.op.name for v in tf.trainable_variables()))
    print("predictions", " ".join("%.6f" % v for v in sess.run(prediction, probe).ravel()))
