import os

import tensorflow as tf

from . import model
from .data import make_data

flags = tf.app.flags
flags.DEFINE_integer("steps", 50, "training steps")
flags.DEFINE_float("learning_rate", 0.5, "gradient descent step size")
flags.DEFINE_string("ckpt_dir", "", "where the checkpoint goes (empty: none)")
FLAGS = flags.FLAGS


def main(_):
    x, y = make_data(64, seed=1)
    net = model.build(FLAGS.learning_rate)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(net["loss"], {net["x"]: x, net["y"]: y})
        for _ in range(FLAGS.steps):
            sess.run(net["train"], {net["x"]: x, net["y"]: y})
        last = sess.run(net["loss"], {net["x"]: x, net["y"]: y})
        print("train: loss %.4f -> %.6f after %d steps" % (first, last, FLAGS.steps))
        if FLAGS.ckpt_dir:
            path = saver.save(sess, os.path.join(FLAGS.ckpt_dir, "model.ckpt"),
                              global_step=tf.train.get_global_step())
            print("train: saved %s" % os.path.basename(path))


if __name__ == "__main__":
    tf.app.run(main)
