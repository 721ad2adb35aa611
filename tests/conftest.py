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
# TF1 projects written as fixtures, with their own test modules (one must fail): run by
# test_launch.py through rnn-tf1, never collected by this suite.
collect_ignore = ["tf1_projects"]
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


def run_cli(*args, env=None, cwd=REPO, timeout=900, unset=()) -> subprocess.CompletedProcess:
    """`python -m rnn_tf1 ARGS` in a subprocess, text output captured; `unset`: variables of this
    process's environment the subprocess must not see."""
    environ = {name: value for name, value in os.environ.items() if name not in unset}
    return subprocess.run([sys.executable, "-m", "rnn_tf1", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**environ, **(env or {})})


def cli_in_process(*args) -> subprocess.CompletedProcess:
    """`rnn-tf1 ARGS` as run_cli gives it (exit status, stdout, stderr), but called in this process:
    the same `cli.main`, without a TensorFlow start-up per call.  For the many refusal and
    prediction checks on run folders; what needs a process of its own (signals, start-up,
    environment, `run`) stays with run_cli."""
    import contextlib
    import io
    import logging
    import signal
    from unittest import mock
    from rnn_tf1 import cli
    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("rnn-tf1: %(message)s"))  # cli.main's own format
    ours = logging.getLogger("rnn_tf1")
    level, handlers = ours.level, {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    ours.addHandler(handler)
    ours.setLevel(logging.INFO)
    try:
        # basicConfig would bind a handler to this call's stderr for good; the handler above stands in.
        with mock.patch.object(logging, "basicConfig"), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            code = cli.main([str(a) for a in args])
    finally:
        ours.removeHandler(handler)
        ours.setLevel(level)
        for signum, previous in handlers.items():  # train --resume installs its stop handlers
            signal.signal(signum, previous)
    return subprocess.CompletedProcess(["rnn-tf1", *map(str, args)], code, out.getvalue(), err.getvalue())


def cli_trained_run(tmp_path_factory, name: str, *train_args: str) -> str:
    """A new run folder trained by `rnn-tf1 train TRAIN_ARGS` (a module fixture's shared run)."""
    workdir = tmp_path_factory.mktemp(name) / "run"
    proc = run_cli("train", *train_args, "--run-dir", str(workdir))
    assert proc.returncode == 0, proc.stderr
    return str(workdir)


@pytest.fixture(scope="session")
def adam_run(tmp_path_factory, mnist_arrays):
    """The design's accuracy run, trained once per test session and shared (test_training asserts
    its accuracy, test_evaluate_predict restores it): Adam, 1000 steps, seed 0 -> (run folder,
    Result, printed lines).  Under pytest-xdist the first worker to ask trains it while the
    other waits on a lock, then reads the same run (pytest-xdist's documented pattern)."""
    import fcntl
    import pickle
    from rnn_tf1.config import Config
    from rnn_tf1.trainer import train_and_evaluate
    # The session's own temporary folder: with xdist, the parent of the workers' folders.
    root = tmp_path_factory.getbasetemp()
    root = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    saved = root / "adam_run.pickle"
    with open(root / "adam_run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            lines = []
            workdir = str(root / "adam_run")
            result = train_and_evaluate(Config(optimizer="adam", steps=1000, display_step=200, seed=0), workdir,
                                        emit=lines.append, data=build_datasets(**mnist_arrays, seed=0))
            saved.write_bytes(pickle.dumps((workdir, result, lines)))
        return pickle.loads(saved.read_bytes())


# `make test` runs the suite on two pytest-xdist workers (--dist loadfile: a module's tests, and so
# its module fixtures, stay on one worker).  Modules go out heaviest first (by their measured share
# of the suite), so the two workers finish close together.
HEAVIEST_FIRST = ("test_run_script", "test_tf1_distributed", "test_launch", "test_robustness", "test_py2_run",
                  "test_bench", "test_tf1_notebooks", "test_gradients",
                  "test_tf1_contrib_layers", "test_tf1_legacy_seq2seq", "test_tf1_contrib_rnn", "test_tf1_report",
                  "test_tf1_estimator", "test_tf1_tpu", "test_tf1_seq2seq", "test_tf1_attention", "test_startup_noise",
                  "test_tf1_eager", "test_tf1_contrib_training", "test_tf1_contrib_crf", "test_tf1_contrib_learn",
                  "test_tf1_flags",
                  "test_export", "test_damaged_runs", "test_training", "test_lstm_impls", "test_notebook", "test_graph",
                  "test_checkpoints", "test_py2_rules", "test_images_robust", "test_compare", "test_evaluate_predict",
                  "test_tf1_contrib_framework")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__.rpartition(".")[2], len(rank)))  # stable sort
