import numpy as np
import tensorflow as tf

from tinyreg import model
from tinyreg.data import TRUE_B, TRUE_W, make_data


class ModelTest(tf.test.TestCase):

    def test_graph_mode_and_zero_start(self):
        self.assertFalse(tf.executing_eagerly())
        net = model.build(0.5)
        with self.test_session() as sess:
            sess.run(tf.global_variables_initializer())
            self.assertAllEqual(sess.run(net["w"]), [[0.0]])

    def test_training_finds_the_line(self):
        x, y = make_data(64, seed=2)
        net = model.build(0.5)
        with self.cached_session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(200):
                sess.run(net["train"], {net["x"]: x, net["y"]: y})
            w, b = sess.run([net["w"], net["b"]])
        self.assertAllClose([w[0, 0], b[0]], [TRUE_W, TRUE_B], atol=0.02)

    def test_loss_is_mean_square_error(self):
        x, y = make_data(8, seed=3)
        net = model.build(0.5)
        with self.session() as sess:
            sess.run(tf.global_variables_initializer())
            loss = sess.run(net["loss"], {net["x"]: x, net["y"]: y})
        self.assertAllClose(loss, np.mean(y ** 2), rtol=1e-6)  # w = b = 0 at the start
        self.assertTrue(self.get_temp_dir())


if __name__ == "__main__":
    tf.test.main()
