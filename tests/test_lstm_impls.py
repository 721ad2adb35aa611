"""--lstm-impl block: the same variables, initial values, logits, gradients and log as
the faithful graph."""
import os

import numpy as np
import pytest

from conftest import run_cli
from rnn_tf1 import checkpoints
from rnn_tf1.config import Config, tiny_config
from rnn_tf1.errors import UsageError
from rnn_tf1.graph import build_model, new_session, session_config, tf, tf1
from rnn_tf1.mnist_data import build_datasets
from rnn_tf1.trainer import train_and_evaluate

IMPLS = ("block",)


def variables(model):
    with model.graph.as_default():
        return tf1.global_variables()


@pytest.mark.parametrize("impl", IMPLS)
def test_same_variable_names_shapes_and_seeded_initial_values(impl):
    values = {}
    for name in ("faithful", impl):
        model = build_model(Config(data_dir="unused", seed=3, lstm_impl=name))
        with new_session(model, Config(data_dir="unused")) as session:
            session.run(model.init)
            values[name] = {v.op.name: session.run(v) for v in variables(model)}
    assert values[impl].keys() == values["faithful"].keys()
    for name, value in values["faithful"].items():
        np.testing.assert_array_equal(values[impl][name], value, err_msg=name)


@pytest.fixture(scope="module")
def trained_checkpoint(tmp_path_factory, mnist_arrays):
    """A faithful model after 100 Adam steps: weights and biases well away from their initial values."""
    workdir = str(tmp_path_factory.mktemp("impls") / "run")
    config = tiny_config(optimizer="adam", steps=100, display_step=50, seed=4)
    train_and_evaluate(config, workdir, emit=lambda line: None,
                       data=build_datasets(**mnist_arrays, seed=4))
    return checkpoints.load(workdir).model_prefix


def logits_and_gradients(checkpoint, x, y, **changes):
    config = Config(data_dir="unused").override(**changes)
    model = build_model(config)
    with model.graph.as_default():
        trainables = tf1.trainable_variables()
        grads = tf.gradients(model.loss, trainables)
        dx = tf.gradients(model.loss, model.X)[0]
        saver = tf1.train.Saver(trainables)  # the checkpoint also has Adam's slots; only the weights are needed
    with new_session(model, config) as session:
        saver.restore(session, checkpoint)
        return session.run([model.logits, grads, dx], {model.X: x, model.Y: y})


def assert_same_function(got, want):
    (logits_a, grads_a, dx_a), (logits_b, grads_b, dx_b) = want, got
    np.testing.assert_allclose(logits_b, logits_a, rtol=0, atol=1e-5)
    assert np.abs(logits_a).max() > 1  # not a trivially small output
    for a, b in zip(grads_a, grads_b):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-5)
        assert np.abs(a).max() > 1e-3
    np.testing.assert_allclose(dx_b, dx_a, rtol=0, atol=1e-6)


@pytest.mark.parametrize("impl", IMPLS)
def test_logits_and_gradients_agree_on_trained_weights(impl, trained_checkpoint, make_mnist):
    """Checkpoints interchange, and both graphs compute the same function and gradient."""
    x, y = make_mnist(9).train.next_batch(128)
    x = x.reshape(-1, 28, 28)
    assert_same_function(logits_and_gradients(trained_checkpoint, x, y, lstm_impl=impl),
                         logits_and_gradients(trained_checkpoint, x, y))


@pytest.mark.parametrize("rows, shards", [(1, 2), (3, 2), (5, 3), (2, 4), (127, 2)])
def test_block_handles_batches_that_do_not_split_evenly(rows, shards, trained_checkpoint, make_mnist):
    """Blocks of unequal size, and fewer rows than blocks (one image to predict), give the same result."""
    x, y = make_mnist(9).test.next_batch(rows)
    x = x.reshape(-1, 28, 28)
    assert_same_function(logits_and_gradients(trained_checkpoint, x, y, lstm_impl="block", batch_shards=shards),
                         logits_and_gradients(trained_checkpoint, x, y))


@pytest.mark.parametrize("impl", IMPLS)
def test_a_seeded_run_prints_the_same_log(impl, make_mnist):
    config = tiny_config(steps=200, display_step=50, seed=0)
    logs = {}
    for name in ("faithful", impl):
        lines = []
        train_and_evaluate(config.override(lstm_impl=name), emit=lines.append, data=make_mnist(0))
        logs[name] = lines
    assert logs[impl] == logs["faithful"]
    assert len(logs[impl]) == 7


def test_session_threads_are_automatic_and_overridable(monkeypatch):
    def threads(**changes):
        proto = session_config(Config(data_dir="unused").override(**changes))
        return proto.intra_op_parallelism_threads, proto.inter_op_parallelism_threads
    for cores in (1, 2, 4, 16, 64):  # one arithmetic on every machine: the core count is not read
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        assert threads() == (1, 2)  # the faithful graph: one thread per op, two ops side by side
        assert threads(lstm_impl="block") == (1, 2)  # one thread per op, one chain of ops per block of rows
    assert threads(intra_op_threads=1, inter_op_threads=1) == (1, 1)
    assert threads(lstm_impl="block", batch_shards=3) == (1, 3)
    assert threads(lstm_impl="block", intra_op_threads=2, inter_op_threads=1) == (2, 1)


def test_the_adam_variants_digits_do_not_depend_on_the_core_count(monkeypatch, make_mnist):
    """The Adam variant's printed lines (the digits that moved with TensorFlow's thread pools, from
    step 90 on) at the automatic setting on machines reporting 2, 4 and 16 cores, and the Session
    each run was built with."""
    from rnn_tf1 import graph
    config = Config(data_dir="unused", optimizer="adam", steps=100, display_step=10, log_style="iter", seed=3)
    built = []
    monkeypatch.setattr(graph, "session_config", lambda c, f=graph.session_config: built.append(f(c)) or built[-1])
    logs = {}
    for cores in (2, 4, 16):
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        lines = []
        train_and_evaluate(config, emit=lines.append, data=make_mnist(3))
        logs[cores] = lines
    assert logs[4] == logs[2] and logs[16] == logs[2]
    assert len(logs[2]) == 12 and logs[2][8].startswith("Iter 11520, ")
    assert {(p.intra_op_parallelism_threads, p.inter_op_parallelism_threads) for p in built} == {(1, 2)}


def test_block_options_are_checked():
    with pytest.raises(UsageError, match="batch_shards applies to lstm_impl block only"):
        Config(data_dir="unused", batch_shards=4)
    with pytest.raises(UsageError, match="lstm_impl block is the tutorial's LSTM only"):
        Config(data_dir="unused", lstm_impl="block", cell="gru")
    with pytest.raises(UsageError, match="batch_shards must be a positive whole number"):
        Config(data_dir="unused", lstm_impl="block", batch_shards=0)
    proc = run_cli("train", "--lstm-impl", "block", "--batch-shards", "0")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "--batch-shards" in proc.stderr
