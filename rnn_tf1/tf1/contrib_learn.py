"""`tensorflow.contrib.learn.datasets`: the MNIST loaders of TF 1.x's contrib.learn, which the
Estimator tutorials of TF 1.x called (`tf.contrib.learn.datasets.load_dataset("mnist")`), on the
same loader as `tensorflow.examples.tutorials.mnist.input_data` (input_data.py).

The rest of contrib.learn (its Estimators, Experiment, learn_runner) is not provided: hints.py
names what to use instead.

TF 2: `keras.datasets.mnist.load_data()`.
"""
from __future__ import annotations

from rnn_tf1.tf1.input_data import InputData
from rnn_tf1.tf1.namespace import TF1NameMissing

# TF 1.15's load_dataset names; only MNIST is kept here (iris, boston and dbpedia were read from
# files shipped inside TF 1.x's wheel or downloaded from its hosts).
DATASET_NAMES = ("iris", "boston", "mnist", "dbpedia")


def mnist_names(env) -> dict:
    """`tensorflow.contrib.learn.python.learn.datasets.mnist` (and `datasets.mnist`)."""
    read_data_sets = InputData(env.tf1, env.seed, env.data_dir).read_data_sets

    def load_mnist(train_dir="MNIST-data"):
        # TF 1.15: `read_data_sets(train_dir)`, default one_hot=False.
        return read_data_sets(train_dir)

    return {"read_data_sets": read_data_sets, "load_mnist": load_mnist}


def names(env) -> dict:
    load_mnist = mnist_names(env)["load_mnist"]

    def load_dataset(name, size="small", test_with_fake_data=False):
        """TF 1.15's signature: the named dataset (here "mnist": `Datasets` of train, validation, test)."""
        if name not in DATASET_NAMES:
            raise ValueError(f"Name of dataset is not found: {name}")  # TF 1.15's error
        if name != "mnist":
            raise TF1NameMissing(f"tensorflow.contrib.learn.datasets.load_dataset({name!r})")
        if test_with_fake_data:
            raise TF1NameMissing("tensorflow.contrib.learn.datasets.load_dataset(test_with_fake_data=True)")
        return load_mnist()

    return {"load_dataset": load_dataset}
