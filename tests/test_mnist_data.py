"""Exact tests of the reader on tiny hand-built inputs, and facts of the real files."""
import gzip
import struct

import numpy as np
import pytest

from rnn_tf1.errors import DataError
from rnn_tf1.mnist_data import (DataSet, build_datasets, dense_to_one_hot, parse_idx_images,
                                parse_idx_labels, scale_images)


def idx_images(images: np.ndarray, magic: int = 2051) -> bytes:
    n, rows, cols = images.shape
    return struct.pack(">IIII", magic, n, rows, cols) + images.astype(np.uint8).tobytes()


def idx_labels(labels, magic: int = 2049) -> bytes:
    return struct.pack(">II", magic, len(labels)) + bytes(labels)


def test_parse_hand_built_image_file():
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28) % 256
    parsed = parse_idx_images(idx_images(images))
    assert parsed.dtype == np.uint8 and parsed.shape == (2, 28, 28)
    np.testing.assert_array_equal(parsed, images)


def test_parse_hand_built_label_file_gzip_roundtrip():
    data = gzip.decompress(gzip.compress(idx_labels([7, 2, 1, 0, 9])))
    np.testing.assert_array_equal(parse_idx_labels(data), [7, 2, 1, 0, 9])


@pytest.mark.parametrize("data, problem", [
    (idx_images(np.zeros((1, 28, 28)), magic=2049), "wrong IDX magic number 2049"),
    (idx_images(np.zeros((1, 14, 14))), "images are 14x14"),
    (idx_images(np.zeros((2, 28, 28)))[:-10], "truncated"),
    (b"\x00\x00", "too short"),
])
def test_bad_image_files_name_the_problem(data, problem):
    with pytest.raises(DataError, match="my-images: .*" + problem):
        parse_idx_images(data, "my-images")


@pytest.mark.parametrize("data, problem", [
    (idx_labels([1, 2], magic=2051), "wrong IDX magic number 2051"),
    (idx_labels([1, 2, 3])[:-1], "truncated"),
    (idx_labels([1, 12, 3]), "label 12 at index 1 is not a digit"),
])
def test_bad_label_files_name_the_problem(data, problem):
    with pytest.raises(DataError, match="my-labels: .*" + problem):
        parse_idx_labels(data, "my-labels")


def test_scaling_is_tf1s_float32_multiply():
    images = np.array([0, 1, 2, 127, 128, 254, 255] + [0] * (784 - 7), dtype=np.uint8).reshape(1, 28, 28)
    scaled = scale_images(images)
    assert scaled.dtype == np.float32 and scaled.shape == (1, 784)
    expected = np.array([0, 1, 2, 127, 128, 254, 255], dtype=np.float32) * np.float32(1.0 / 255.0)
    np.testing.assert_array_equal(scaled[0, :7], expected)  # bit-exact, not approximately
    assert scaled[0, 0] == 0.0 and scaled[0, 6] <= 1.0


def test_one_hot():
    np.testing.assert_array_equal(dense_to_one_hot(np.array([0, 3, 9]), 10), np.array([
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]], dtype=np.float32))


class TF1DataSet:
    """TF1's DataSet.next_batch, as it was written (arrays permuted in place each epoch)."""

    def __init__(self, images, labels, seed):
        self._images, self._labels, self._n = images, labels, len(images)
        self._rng = np.random.RandomState(seed)
        self._index_in_epoch = self._epochs_completed = 0

    def next_batch(self, batch_size):
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0:
            perm0 = np.arange(self._n)
            self._rng.shuffle(perm0)
            self._images, self._labels = self._images[perm0], self._labels[perm0]
        if start + batch_size > self._n:
            self._epochs_completed += 1
            rest_images, rest_labels = self._images[start:], self._labels[start:]
            perm = np.arange(self._n)
            self._rng.shuffle(perm)
            self._images, self._labels = self._images[perm], self._labels[perm]
            self._index_in_epoch = batch_size - len(rest_images)
            end = self._index_in_epoch
            return (np.concatenate((rest_images, self._images[:end])),
                    np.concatenate((rest_labels, self._labels[:end])))
        self._index_in_epoch += batch_size
        return self._images[start:self._index_in_epoch], self._labels[start:self._index_in_epoch]


def tiny_set(n, seed=0):
    images = np.arange(n, dtype=np.float32).reshape(n, 1)
    return DataSet(images, np.arange(n).reshape(n, 1), seed=seed)


def test_next_batch_epoch_boundary_is_rest_of_old_plus_start_of_new():
    data = tiny_set(10, seed=4)
    first, _ = data.next_batch(4)
    second, _ = data.next_batch(4)
    epoch1 = np.concatenate([first, second, data.images[data._order[8:]]]).ravel()
    assert sorted(epoch1) == list(range(10))          # an epoch is a permutation of the set
    boundary, labels = data.next_batch(4)             # 2 left in epoch 1, 2 from epoch 2
    np.testing.assert_array_equal(boundary[:2].ravel(), epoch1[8:])
    assert data.epochs_completed == 1
    np.testing.assert_array_equal(boundary[2:].ravel(), data.images[data._order[:2]].ravel())
    np.testing.assert_array_equal(boundary, labels)   # images and labels stay paired
    rest_of_epoch2 = np.concatenate([data.next_batch(4)[0], data.next_batch(4)[0]]).ravel()
    assert sorted(np.concatenate([boundary[2:].ravel(), rest_of_epoch2])) == list(range(10))


def test_next_batch_matches_tf1_for_many_epochs():
    images = np.arange(50, dtype=np.float32).reshape(50, 1)
    ours, tf1 = DataSet(images, images.copy(), seed=11), TF1DataSet(images, images.copy(), seed=11)
    for _ in range(60):  # 60 batches of 7 from 50 examples: 8 epoch boundaries
        a, b = ours.next_batch(7), tf1.next_batch(7)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_first_boundary_with_tutorial_sizes_is_88_old_plus_40_new():
    data = tiny_set(55000, seed=0)
    for _ in range(429):  # 429 * 128 = 54912 images, 88 left
        data.next_batch(128)
    old_rest = data.images[data._order[54912:]].ravel().copy()
    batch, _ = data.next_batch(128)
    np.testing.assert_array_equal(batch[:88].ravel(), old_rest)
    np.testing.assert_array_equal(batch[88:].ravel(), data.images[data._order[:40]].ravel())
    assert data.epochs_completed == 1


def test_shuffler_state_round_trip():
    a = tiny_set(30, seed=5)
    for _ in range(9):
        a.next_batch(8)
    b = tiny_set(30, seed=99)
    b.set_state(a.get_state())
    for _ in range(12):
        np.testing.assert_array_equal(a.next_batch(8)[0], b.next_batch(8)[0])


def test_split_of_hand_built_data():
    train = np.arange(12 * 28 * 28, dtype=np.uint32).reshape(12, 28, 28) % 256
    labels = np.arange(12) % 10
    data = build_datasets(train, labels, train[:3], labels[:3], validation_size=5)
    assert (data.train.num_examples, data.validation.num_examples, data.test.num_examples) == (7, 5, 3)
    np.testing.assert_array_equal(data.validation.images, scale_images(train[:5]))
    np.testing.assert_array_equal(data.train.labels, dense_to_one_hot(labels[5:]))


def test_real_mnist_split_and_facts(make_mnist, mnist_arrays):
    data = make_mnist()
    assert data.train.images.shape == (55000, 784) and data.train.images.dtype == np.float32
    assert data.validation.images.shape == (5000, 784)
    assert data.test.images.shape == (10000, 784) and data.test.labels.shape == (10000, 10)
    assert 0.0 <= data.train.images.min() and data.train.images.max() <= 1.0
    # validation is the first 5000 training images, train the remaining 55000, in file order
    np.testing.assert_array_equal(data.validation.labels.argmax(1), mnist_arrays["train_labels"][:5000])
    np.testing.assert_array_equal(data.train.labels.argmax(1), mnist_arrays["train_labels"][5000:])
    assert list(data.test.labels[:10].argmax(1)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert list(np.bincount(mnist_arrays["test_labels"])) == [980, 1135, 1032, 1010, 982, 892,
                                                              958, 1028, 974, 1009]
