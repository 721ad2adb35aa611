"""MNIST as TF1's `read_data_sets(train_dir, one_hot=True)` gave it to the tutorial.

Small pure functions over bytes and arrays (IDX parsing, scaling, one-hot), a
`DataSet` whose `next_batch` repeats TF1's shuffling and epoch-boundary rule,
and `read_data_sets`, which finds (or fetches) and verifies the four files.
"""
from __future__ import annotations

import os
from typing import Any, NamedTuple

import numpy as np

from rnn_tf1.errors import DataError, UsageError

IMAGE_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions (count, rows, cols)
LABEL_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension (count)
ROWS = COLS = 28
REFETCH_HINT = "delete the damaged file and run again to fetch a fresh copy"


def _header(data: bytes, words: int, name: str) -> tuple[int, ...]:
    if len(data) < 4 * words:
        raise DataError(f"{name}: file is too short for an IDX header ({len(data)} bytes)")
    return tuple(int(v) for v in np.frombuffer(data, dtype=">u4", count=words))


def parse_idx_images(data: bytes, name: str = "images") -> np.ndarray:
    """IDX image bytes -> uint8 array (count, 28, 28); `name` is used in error messages."""
    magic, count, rows, cols = _header(data, 4, name)
    if magic != IMAGE_MAGIC:
        raise DataError(f"{name}: wrong IDX magic number {magic} (images need {IMAGE_MAGIC})")
    if (rows, cols) != (ROWS, COLS):
        raise DataError(f"{name}: images are {rows}x{cols}, MNIST images are {ROWS}x{COLS}")
    expected = 16 + count * rows * cols
    if len(data) != expected:
        raise DataError(f"{name}: header says {count} images ({expected} bytes) "
                        f"but the file holds {len(data)} bytes (truncated or padded)")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, cols)


def parse_idx_labels(data: bytes, name: str = "labels") -> np.ndarray:
    """IDX label bytes -> uint8 array (count,) with values checked to be digits 0-9."""
    magic, count = _header(data, 2, name)
    if magic != LABEL_MAGIC:
        raise DataError(f"{name}: wrong IDX magic number {magic} (labels need {LABEL_MAGIC})")
    if len(data) != 8 + count:
        raise DataError(f"{name}: header says {count} labels ({8 + count} bytes) "
                        f"but the file holds {len(data)} bytes (truncated or padded)")
    labels = np.frombuffer(data, dtype=np.uint8, offset=8)
    if count and labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataError(f"{name}: label {int(labels[bad])} at index {bad} is not a digit 0-9")
    return labels


def scale_images(images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) or (N, 784) uint8 -> (N, 784) float32 in [0, 1], computed as TF1 did: x * float32(1/255)."""
    flat = images.reshape(images.shape[0], -1).astype(np.float32)
    # In place: the same products without a second (N, 784) float32 array (190 MB for MNIST's train set).
    return np.multiply(flat, np.float32(1.0 / 255.0), out=flat)


def dense_to_one_hot(labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """(N,) integer labels -> (N, num_classes) float32 one-hot rows."""
    one_hot = np.zeros((labels.shape[0], num_classes), dtype=np.float32)
    one_hot[np.arange(labels.shape[0]), labels.astype(np.intp)] = 1.0
    return one_hot


class DataSet:
    """Images and one-hot labels with TF1's `next_batch(batch_size, shuffle=True)`.

    TF1 permuted its arrays on the very first call and again at every epoch
    boundary, where a batch is the rest of the old epoch followed by the start
    of the new one.  Here the permutations are kept as an index array (`order`)
    composed the same way, so batches are identical without copying the images,
    and the shuffler's state can be saved and restored.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, seed: int = 0, raw_pixels: bool = False) -> None:
        """`raw_pixels`: `images` are (N, 784) uint8, scaled by scale_images' rule only when read
        (a batch at a time in next_batch): the same float32 values, a quarter of the memory."""
        if images.shape[0] != labels.shape[0]:
            raise DataError(f"{images.shape[0]} images but {labels.shape[0]} labels")
        self._images = images
        self._raw_pixels = raw_pixels
        self.labels = labels
        self.num_examples = images.shape[0]
        self._rng = np.random.RandomState(seed)
        self._order = np.arange(self.num_examples)
        self._index_in_epoch = 0
        self.epochs_completed = 0

    def _reshuffle(self) -> None:
        perm = np.arange(self.num_examples)
        self._rng.shuffle(perm)
        self._order = self._order[perm]  # TF1: self._images = self.images[perm]

    def next_batch(self, batch_size: int, shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The next `batch_size` examples; with shuffle=False, in the order held (TF1's option)."""
        if not 0 < batch_size <= self.num_examples:
            raise ValueError(f"batch_size must be 1..{self.num_examples}, got {batch_size}")
        start = self._index_in_epoch
        if self.epochs_completed == 0 and start == 0 and shuffle:
            self._reshuffle()
        if start + batch_size > self.num_examples:
            # Rest of the old epoch, reshuffle, then the head of the new epoch.
            self.epochs_completed += 1
            rest = self._order[start:]
            if shuffle:
                self._reshuffle()
            self._index_in_epoch = batch_size - rest.shape[0]
            idx = np.concatenate([rest, self._order[:self._index_in_epoch]])
        else:
            self._index_in_epoch += batch_size
            idx = self._order[start:self._index_in_epoch]
        return self._rows(idx), self.labels[idx]

    @property
    def images(self) -> np.ndarray:
        """(N, 784) float32 in [0, 1] (computed on each read when the set holds raw pixels)."""
        return scale_images(self._images) if self._raw_pixels else self._images

    def _rows(self, idx: np.ndarray) -> np.ndarray:
        return scale_images(self._images[idx]) if self._raw_pixels else self._images[idx]

    def get_state(self) -> dict[str, Any]:
        """Everything `next_batch` depends on, as plain arrays and numbers."""
        name, keys, pos, has_gauss, cached = self._rng.get_state()
        return {"order": self._order.copy(), "index_in_epoch": self._index_in_epoch,
                "epochs_completed": self.epochs_completed, "rng_keys": keys.copy(),
                "rng_pos": pos, "rng_has_gauss": has_gauss, "rng_cached_gaussian": cached}

    def set_state(self, state: dict[str, Any]) -> None:
        order = np.asarray(state["order"])
        if order.shape != (self.num_examples,):
            raise DataError(f"saved data order has {order.shape} entries, the data set has {self.num_examples}")
        self._order = order.astype(np.intp)
        self._index_in_epoch = int(state["index_in_epoch"])
        self.epochs_completed = int(state["epochs_completed"])
        self._rng.set_state(("MT19937", np.asarray(state["rng_keys"], dtype=np.uint32),
                             int(state["rng_pos"]), int(state["rng_has_gauss"]),
                             float(state["rng_cached_gaussian"])))


class Datasets(NamedTuple):
    train: DataSet
    validation: DataSet
    test: DataSet


def build_datasets(train_images: np.ndarray, train_labels: np.ndarray,
                   test_images: np.ndarray, test_labels: np.ndarray,
                   validation_size: int = 5000, seed: int = 0,
                   num_classes: int = 10) -> Datasets:
    """TF1's split: validation = first `validation_size` training images, train = the rest."""
    if not 0 <= validation_size <= len(train_images):
        raise UsageError(f"validation_size must be 0..{len(train_images)} (the training images), "
                         f"got {validation_size}")
    labels = dense_to_one_hot(train_labels, num_classes)
    # The training set, only ever read a minibatch at a time, keeps its raw pixels (43 MB instead
    # of 172 MB float32); each minibatch is scaled by the same rule, so its values are the same.
    raw = train_images.reshape(train_images.shape[0], -1)
    return Datasets(
        train=DataSet(raw[validation_size:], labels[validation_size:], seed=seed, raw_pixels=True),
        validation=DataSet(scale_images(train_images[:validation_size]), labels[:validation_size], seed=seed),
        test=DataSet(scale_images(test_images), dense_to_one_hot(test_labels, num_classes), seed=seed),
    )


def load_mnist_arrays(data_dir: str, fetch: bool = True) -> dict[str, np.ndarray]:
    """The four verified files in `data_dir` (fetched first if missing and `fetch`) as uint8 arrays.

    Keys: train_images (60000, 28, 28), train_labels (60000,), test_images, test_labels.
    """
    from rnn_tf1 import mnist_fetch

    paths = mnist_fetch.ensure_mnist(data_dir) if fetch else mnist_fetch.locate(data_dir)
    # Structure first (the most specific message), then counts, then checksums:
    # a file that parses but is not the published one is still never used.
    arrays, unverified = {}, []
    for key, path in paths.items():
        spec = mnist_fetch.MNIST_FILES[key]
        raw, verified = mnist_fetch.read_raw(path, spec)
        name = os.path.abspath(path)
        try:
            arrays[key] = (parse_idx_images(raw, name) if spec.kind == "images"
                           else parse_idx_labels(raw, name))
        except DataError as exc:
            raise DataError(f"{exc}; {REFETCH_HINT}") from None
        if not verified:
            unverified.append(name)
    for split in ("train", "test"):
        n_img, n_lab = len(arrays[f"{split}_images"]), len(arrays[f"{split}_labels"])
        if n_img != n_lab:
            raise DataError(f"{os.path.abspath(paths[split + '_images'])}: {n_img} images but "
                            f"{os.path.abspath(paths[split + '_labels'])} has {n_lab} labels; {REFETCH_HINT}")
    if unverified:
        raise DataError(f"{unverified[0]}: checksum does not match the published MNIST file; {REFETCH_HINT}")
    return arrays


def read_data_sets_for(config) -> Datasets:
    """read_data_sets with a Config's data_dir, validation_size and seed."""
    return read_data_sets(config.data_dir, validation_size=config.validation_size, seed=config.seed)


def read_data_sets(data_dir: str, validation_size: int = 5000, seed: int = 0,
                   fetch: bool = True) -> Datasets:
    """TF1's `read_data_sets(data_dir, one_hot=True)`: load, verify and split MNIST."""
    return build_datasets(**load_mnist_arrays(data_dir, fetch=fetch),
                          validation_size=validation_size, seed=seed)
