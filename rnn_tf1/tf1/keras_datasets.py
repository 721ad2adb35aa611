"""`tf.keras.datasets.mnist.load_data()` offline, under `rnn-tf1 run`.

Keras downloads `mnist.npz` into `~/.keras/datasets` on first use.  When that download cannot be
made (no network), `load_data` here returns the same arrays from the project's verified MNIST
(rnn_tf1/mnist_data.py: the four IDX files in --data-dir, RNN_TF1_DATA_DIR or the default folder,
fetched through the project's routes when missing), with one note on stderr:
`(x_train, y_train), (x_test, y_test)`, uint8, (60000, 28, 28) / (60000,) / (10000, 28, 28) /
(10000,), in the IDX files' order (the order of Keras' file: published outputs of
`mnist.load_data()` start y_train 5 0 4 1 9 2 1 3 1 4 and y_test 7 2 1 0 4 1 4 9 5 9, as the IDX
files do), so x_train[:5000] is TF 1.x's `read_data_sets` validation set and x_train[5000:] its
training set.  A `mnist.npz` already in Keras' cache is used as Keras uses it, and Keras' own
"Downloading data from ..." line goes to stderr, not into the script's stdout.

TF 2: `keras.datasets.mnist.load_data()` itself.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import sys
import urllib.error

log = logging.getLogger("rnn_tf1.tf1")

# The module whose `load_data` tf.keras' API modules import (tf.keras is tf-keras here).
SOURCE_MODULE = "tf_keras.src.datasets.mnist"


def _download_failed(exc: BaseException) -> bool:
    """Keras' get_file turns a failed fetch into `Exception("URL fetch failure on ...")`."""
    return isinstance(exc, (OSError, urllib.error.URLError)) or str(exc).startswith(("URL fetch failure",
                                                                                      "HTTP error"))


def offline_load_data(original, env):
    """`original` (Keras' load_data), falling back to the project's verified MNIST when its
    download cannot be made."""

    noted = []

    @functools.wraps(original)
    def load_data(path="mnist.npz", cache_dir=None):
        try:
            with contextlib.redirect_stdout(sys.stderr):  # Keras' download messages are not the script's
                return original(path=path, cache_dir=cache_dir)
        except Exception as exc:  # noqa: BLE001 (only a failed download is caught, below)
            if not _download_failed(exc):
                raise
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        from rnn_tf1.config import default_data_dir
        from rnn_tf1.mnist_data import load_mnist_arrays
        data_dir = env.data_dir or default_data_dir()
        if not noted:
            noted.append(True)
            log.warning("note: keras.datasets.mnist.load_data(): cannot download mnist.npz (%s); using the "
                        "verified MNIST files in %s instead (the same arrays)", reason, data_dir)
        arrays = load_mnist_arrays(data_dir)
        return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])

    load_data.rnn_tf1_original = original
    return load_data


def install(env) -> None:
    """Point tf-keras' `mnist.load_data` (its source module and the API modules already loaded) at
    the offline-capable one; API modules loaded later import it from the source module."""
    source = sys.modules.get(SOURCE_MODULE)
    if source is None:
        try:
            import importlib
            source = importlib.import_module(SOURCE_MODULE)
        except ImportError:  # no tf-keras: nothing to patch
            return
    original = getattr(source.load_data, "rnn_tf1_original", source.load_data)
    patched = offline_load_data(original, env)
    for name, module in list(sys.modules.items()):
        if name.startswith("tf_keras") and name.endswith("datasets.mnist") and \
                getattr(module, "load_data", None) in (original, source.load_data):
            module.load_data = patched
