"""Shared fixtures: real MNIST (fetched and verified once per session), fresh data sets per test;
`run_cli` runs the real command line."""
import os
import subprocess
import sys

import rnn_tf1  # noqa: F401  (sets TF_USE_LEGACY_KERAS before TensorFlow is imported)
import pytest

from rnn_tf1 import package_data
from rnn_tf1.config import default_data_dir
from rnn_tf1.mnist_data import Datasets, build_datasets, load_mnist_arrays

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_LOG = package_data.REFERENCE_LOG


@pytest.fixture(scope="session")
def mnist_arrays():
    """Verified real MNIST as uint8 arrays, keyed train_images, train_labels, test_images, test_labels."""
    return load_mnist_arrays(default_data_dir())


@pytest.fixture
def make_mnist(mnist_arrays):
    """make_mnist(seed) -> Datasets split as TF1 did, with a fresh shuffler seeded `seed`."""
    def make(seed: int = 0, validation_size: int = 5000) -> Datasets:
        return build_datasets(**mnist_arrays, validation_size=validation_size, seed=seed)
    return make


def run_cli(*args, env=None, cwd=REPO, timeout=900) -> subprocess.CompletedProcess:
    """`python -m rnn_tf1 ARGS` in a subprocess, text output captured."""
    return subprocess.run([sys.executable, "-m", "rnn_tf1", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**os.environ, **(env or {})})


def cli_trained_run(tmp_path_factory, name: str, *train_args: str) -> str:
    """A new run folder trained by `rnn-tf1 train TRAIN_ARGS` (a module fixture's shared run)."""
    workdir = tmp_path_factory.mktemp(name) / "run"
    proc = run_cli("train", *train_args, "--run-dir", str(workdir))
    assert proc.returncode == 0, proc.stderr
    return str(workdir)
