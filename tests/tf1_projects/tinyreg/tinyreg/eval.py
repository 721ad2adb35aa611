import tensorflow as tf

from . import model
from .data import make_data

tf.app.flags.DEFINE_string("ckpt_dir", "", "the checkpoint folder train.py wrote")
FLAGS = tf.app.flags.FLAGS


def main(_):
    x, y = make_data(64, seed=1)
    net = model.build(0.5)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, tf.train.latest_checkpoint(FLAGS.ckpt_dir))
        w, b, loss = sess.run([net["w"], net["b"], net["loss"]], {net["x"]: x, net["y"]: y})
        print("eval: step %d w %.3f b %.3f loss %.6f" % (sess.run(tf.train.get_global_step()),
                                                       w[0, 0], b[0], loss))


if __name__ == "__main__":
    tf.app.run(main)
