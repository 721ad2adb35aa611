"""tf.contrib.data (rnn_tf1/tf1/contrib_data.py): tf.data's objects under TF 1.x's older names."""
import rnn_tf1  # noqa: F401  (TF_USE_LEGACY_KERAS before TensorFlow)
import numpy as np
import tensorflow as tf

from rnn_tf1.tf1 import Env, contrib_data

tf1 = tf.compat.v1


def test_contrib_data_is_tf_data_and_batch_and_drop_remainder_drops_the_short_batch():
    names = contrib_data.names(Env(tf1))
    assert names["Dataset"] is tf1.data.Dataset and names["Iterator"] is tf1.data.Iterator
    assert names["shuffle_and_repeat"] is tf1.data.experimental.shuffle_and_repeat
    with tf.Graph().as_default(), tf1.Session() as sess:
        dataset = names["Dataset"].from_tensor_slices(np.arange(7)).apply(names["batch_and_drop_remainder"](3))
        batch = tf1.data.make_one_shot_iterator(dataset).get_next()
        assert batch.shape.as_list() == [3]  # drop_remainder: a static batch size, as TF 1.x's
        assert [sess.run(batch).tolist() for _ in range(2)] == [[0, 1, 2], [3, 4, 5]]
        try:
            sess.run(batch)
            raise AssertionError("the short batch [6] was not dropped")
        except tf.errors.OutOfRangeError:
            pass
