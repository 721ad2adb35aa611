import tensorflow as tf


class Checks(tf.test.TestCase):

    def test_passes(self):
        with self.cached_session() as sess:
            self.assertAllClose(sess.run(tf.constant([1.0, 2.0]) * 2), [2.0, 4.0])

    def test_fails(self):
        self.assertAllEqual([1, 2], [1, 3])

    def test_reaches_a_name_not_provided(self):
        tf.contrib.ffmpeg.decode_audio


if __name__ == "__main__":
    tf.test.main()
