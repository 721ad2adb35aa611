"""Restore the chief's latest checkpoint in a process of its own (no cluster) and print the loss
on the whole data set."""
import argparse

import tensorflow as tf

from trainer import dataset, model

parser = argparse.ArgumentParser()
parser.add_argument("--train_dir", default="/tmp/distributed_train")
flags = parser.parse_args()

x, y, loss = model()
global_step = tf.train.get_or_create_global_step()
saver = tf.train.Saver()
with tf.Session() as sess:
    path = tf.train.latest_checkpoint(flags.train_dir)
    saver.restore(sess, path)
    data_x, data_y = dataset()
    weights, bias = sess.run(["weights:0", "bias:0"])
    print("restored %s at global step %d" % (path, sess.run(global_step)))
    print("loss %.6f" % sess.run(loss, {x: data_x, y: data_y}))
    print("weights %s bias %s" % (" ".join("%.9g" % v for v in weights.ravel()), "%.9g" % bias[0]))
