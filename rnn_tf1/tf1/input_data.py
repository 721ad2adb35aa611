"""`tensorflow.examples.tutorials.mnist.input_data`: TF 1.x's `read_data_sets`, on the project's
verified MNIST loader.

TF 2: `keras.datasets.mnist.load_data()`.
"""
from __future__ import annotations


class InputData:
    """TF1's `read_data_sets`, on the project's verified loader; `seed` and `data_dir` come from
    `rnn-tf1 run --seed/--data-dir`."""

    def __init__(self, tf1, seed: int | None, data_dir: str | None) -> None:
        self._tf1, self._seed, self._data_dir = tf1, seed, data_dir

    def read_data_sets(self, train_dir, fake_data=False, one_hot=False, dtype=None, reshape=True,
                       validation_size=5000, seed=None, source_url=None):
        """TF 1.x's signature.  The files come from `train_dir` (fetched there and checksum-verified
        when missing) unless --data-dir names another folder; `source_url` is not used (the
        project's own routes are).  Images (N, 784) (or (N, 28, 28, 1) with reshape=False),
        float32 in [0, 1] (x * float32(1/255), as TF1) or uint8 0-255 with dtype uint8; labels
        one-hot float64 rows or uint8 digits, as TF1 returned them."""
        import numpy as np

        from rnn_tf1 import mnist_data
        from rnn_tf1.tf1.namespace import TF1NameMissing

        if fake_data:
            raise TF1NameMissing("tensorflow.examples.tutorials.mnist.input_data.read_data_sets(fake_data=True)")
        dtype = self._tf1.float32 if dtype is None else self._tf1.as_dtype(dtype).base_dtype
        if dtype not in (self._tf1.uint8, self._tf1.float32):
            raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
        arrays = mnist_data.load_mnist_arrays(self._data_dir or str(train_dir))
        if not 0 <= validation_size <= len(arrays["train_images"]):
            raise ValueError(f"Validation size should be between 0 and {len(arrays['train_images'])}. "
                             f"Received: {validation_size}.")
        seed = self._seed if seed is None else seed  # None: a fresh shuffle each run, as in 2017

        def images(raw):  # (N, 28, 28) uint8
            out = mnist_data.scale_images(raw) if dtype == self._tf1.float32 else raw.reshape(len(raw), -1)
            return out if reshape else out.reshape(-1, 28, 28, 1)

        def labels(raw):  # (N,) uint8
            return mnist_data.dense_to_one_hot(raw).astype(np.float64) if one_hot else raw

        train_x, train_y = images(arrays["train_images"]), labels(arrays["train_labels"])
        return mnist_data.Datasets(
            train=mnist_data.DataSet(train_x[validation_size:], train_y[validation_size:], seed=seed),
            validation=mnist_data.DataSet(train_x[:validation_size], train_y[:validation_size], seed=seed),
            test=mnist_data.DataSet(images(arrays["test_images"]), labels(arrays["test_labels"]), seed=seed))


def names(env) -> dict:
    return {"read_data_sets": InputData(env.tf1, env.seed, env.data_dir).read_data_sets}
