"""tf.contrib.learn.datasets (rnn_tf1/tf1/contrib_learn.py): TF 1.x's MNIST loaders of contrib.learn,
the same data as input_data.read_data_sets."""
import rnn_tf1  # noqa: F401  (TF_USE_LEGACY_KERAS before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.config import default_data_dir
from rnn_tf1.tf1 import Env, TF1NameMissing, contrib_learn, input_data

tf1 = tf.compat.v1


def test_load_dataset_mnist_is_read_data_sets_with_tf1s_defaults():
    env = Env(tf1, seed=5, data_dir=default_data_dir())
    loaded = contrib_learn.names(env)["load_dataset"]("mnist")
    expected = input_data.names(env)["read_data_sets"]("unused")
    for split in ("train", "validation", "test"):
        got, want = getattr(loaded, split), getattr(expected, split)
        assert got.labels.dtype == np.uint8 and got.labels.ndim == 1  # one_hot=False, as TF 1.15
        np.testing.assert_array_equal(got.images, want.images)
        np.testing.assert_array_equal(got.labels, want.labels)
    assert (loaded.train.num_examples, loaded.validation.num_examples) == (55000, 5000)
    np.testing.assert_array_equal(loaded.train.next_batch(3)[1], expected.train.next_batch(3)[1])  # same shuffler seed
    one_hot = contrib_learn.mnist_names(env)["read_data_sets"]("unused", one_hot=True, validation_size=0)
    assert one_hot.train.labels.shape == (60000, 10)


def test_load_dataset_keeps_tf1s_error_and_names_what_is_not_provided():
    load_dataset = contrib_learn.names(Env(tf1))["load_dataset"]
    with pytest.raises(ValueError, match="Name of dataset is not found: cifar"):
        load_dataset("cifar")
    with pytest.raises(TF1NameMissing, match=r"load_dataset\('iris'\) is not provided.*sklearn.datasets"):
        load_dataset("iris")


def test_the_classic_ml_modules_of_contrib_name_their_measured_replacements():
    # hints.py: the longest prefix wins, so a class under the module gets the module's hint.
    from rnn_tf1.tf1.hints import hint_for
    assert "sklearn.cluster.KMeans" in hint_for("tensorflow.contrib.factorization.KMeans")
    assert "ydf.RandomForestLearner" in hint_for("tensorflow.contrib.tensor_forest.python.tensor_forest")
    assert "ydf.GradientBoostedTreesLearner" in hint_for("tensorflow.contrib.boosted_trees.estimator_batch")
    assert "keras.Model" in hint_for("tensorflow.contrib.learn.Experiment")
