"""Cells, clipping, truncated BPTT and the per-time-step gradient measurement, on real sessions."""
import json
import math
import os

import numpy as np
import pytest

from conftest import run_cli
from rnn_tf1.config import Config, model_config, tiny_config
from rnn_tf1.errors import UsageError
from rnn_tf1.studies.gradients import last_first_ratio, time_step_norms
from rnn_tf1.graph import build_model, new_session, tf, tf1
from rnn_tf1.trainer import train_and_evaluate

CELL_VARIABLES = {
    "lstm": {"rnn/basic_lstm_cell/kernel": (156, 512), "rnn/basic_lstm_cell/bias": (512,)},
    "gru": {"rnn/gru_cell/gates/kernel": (156, 256), "rnn/gru_cell/gates/bias": (256,),
            "rnn/gru_cell/candidate/kernel": (156, 128), "rnn/gru_cell/candidate/bias": (128,)},
    "rnn": {"rnn/basic_rnn_cell/kernel": (156, 128), "rnn/basic_rnn_cell/bias": (128,)},
}


def trainable_shapes(model):
    with model.graph.as_default():
        return {v.op.name: tuple(v.shape.as_list()) for v in tf1.trainable_variables()}


@pytest.mark.parametrize("spec", ["lstm", "gru", "rnn", "rnn/relu", "lstm/relu"])
def test_each_cell_trains_with_a_finite_loss(spec, make_mnist):
    config = model_config(tiny_config(seed=1), spec)
    lines = []
    result = train_and_evaluate(config, emit=lines.append, data=make_mnist(1))
    assert [h.step for h in result.history] == [1, 10, 20]
    assert all(math.isfinite(h.loss) and math.isfinite(h.grad_norm) and h.grad_norm > 0 for h in result.history)
    assert lines[-1].startswith("Testing Accuracy: ")
    shapes = trainable_shapes(build_model(config))
    assert {k: v for k, v in shapes.items() if k.startswith("rnn/")} == CELL_VARIABLES[config.cell]


def test_rmsprop_keeps_its_own_slots_and_lowers_the_loss(make_mnist):
    config = tiny_config(optimizer="rmsprop", seed=2, steps=30)
    result = train_and_evaluate(config, emit=lambda line: None, data=make_mnist(2))
    assert result.history[-1].loss < result.history[0].loss
    model = build_model(config)
    with model.graph.as_default():
        names = {v.op.name for v in tf1.global_variables()}
    assert "rnn/basic_lstm_cell/kernel/RMSProp" in names and "Variable/RMSProp_1" in names


def flat_variables(session, model):
    with model.graph.as_default():
        return np.concatenate([v.ravel() for v in session.run(tf1.trainable_variables())])


@pytest.mark.parametrize("clip_norm", [0.5, 2.0, 100.0])
def test_clipping_bounds_the_applied_global_norm(clip_norm, make_mnist):
    """With GD at learning rate 1 an update is minus the applied gradient: its norm is min(norm, clip)."""
    config = Config(seed=4, learning_rate=1.0, clip_norm=clip_norm)
    x, y = make_mnist(4).train.next_batch(128)
    model = build_model(config)
    with new_session(model, config) as session:
        session.run(model.init)
        feed = {model.X: x.reshape(-1, 28, 28), model.Y: y}
        with model.graph.as_default():  # the gradient's norm measured independently of training_step
            independent = tf.linalg.global_norm(tf.gradients(model.loss, tf1.trainable_variables()))
        unclipped = session.run(independent, feed)
        before = flat_variables(session, model)
        _, reported = session.run([model.train_op, model.grad_norm], feed)
        applied = np.linalg.norm(flat_variables(session, model) - before)
    assert reported == pytest.approx(unclipped, rel=1e-6)  # the history gets the pre-clip norm
    assert 1.0 < unclipped < 100.0  # so the three thresholds clip hard, a little, and not at all
    assert applied == pytest.approx(min(unclipped, clip_norm), rel=1e-4)


def gradients_after_copying(full_config, other_config, x, y, folder):
    """dL/dX and dL/dh_t of two models with the same weights (the first one's, copied by name)."""
    out = []
    checkpoint = None
    for config in (full_config, other_config):
        model = build_model(config)
        with model.graph.as_default():
            dx = tf.gradients(model.loss, model.X)[0]
            dh = [g if g is not None else tf.zeros_like(h)
                  for g, h in zip(tf.gradients(model.loss, model.outputs), model.outputs)]
        with new_session(model, config) as session:
            if checkpoint is None:
                session.run(model.init)
                checkpoint = model.saver.save(session, str(folder / "model.ckpt"), write_meta_graph=False)
            else:
                model.saver.restore(session, checkpoint)  # same variable names, so the weights carry over
            out.append(session.run([dx, dh], {model.X: x, model.Y: y}))
    return out


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_truncated_bptt_stops_the_gradient_exactly_k_steps_back(cell, make_mnist, tmp_path):
    k = 5
    x, y = make_mnist(5).train.next_batch(32)
    x = x.reshape(-1, 28, 28)
    full = Config(seed=5, cell=cell)
    (dx_full, dh_full), (dx_cut, dh_cut) = gradients_after_copying(full, full.override(bptt_truncate=k), x, y,
                                                                              tmp_path)
    cut = 28 - k
    assert not dx_cut[:, :cut].any()                      # rows 1..23: exactly zero
    assert all(not dh.any() for dh in dh_cut[:cut])
    np.testing.assert_allclose(dx_cut[:, cut:], dx_full[:, cut:], rtol=1e-5, atol=1e-9)  # rows 24..28: equal
    for a, b in zip(dh_cut[cut:], dh_full[cut:]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-9)
    assert np.abs(dx_full[:, :cut]).max() > 0             # full BPTT does reach the early rows


TINY = dict(num_input=3, timesteps=4, num_hidden=5, num_classes=3, data_dir="unused")


@pytest.mark.parametrize("spec", ["lstm", "gru", "rnn"])
def test_time_step_norms_match_finite_differences(spec):
    """||dL/dh_t|| from the measurement against central differences of the loss, one coordinate at a time."""
    config = model_config(Config(seed=6, **TINY), spec)
    rng = np.random.RandomState(6)
    x = rng.rand(6, 4, 3).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 6)]
    measured = time_step_norms(config, x, y)
    model = build_model(config)  # same seed: the same initial weights the measurement used
    eps = 1e-2
    with new_session(model, config) as session:
        session.run(model.init)
        feed = {model.X: x, model.Y: y}
        hs = session.run(model.outputs, feed)
        estimated = []
        for t, h in enumerate(hs):
            grad = np.zeros_like(h, dtype=np.float64)
            for index in np.ndindex(*h.shape):
                plus, minus = h.copy(), h.copy()
                plus[index] += eps
                minus[index] -= eps
                # Feeding h_t replaces the hidden state at step t for everything downstream.
                up = session.run(model.loss, {**feed, model.outputs[t]: plus})
                down = session.run(model.loss, {**feed, model.outputs[t]: minus})
                grad[index] = (float(up) - float(down)) / (2 * eps)
            estimated.append(np.linalg.norm(grad))
    np.testing.assert_allclose(measured, estimated, rtol=2e-2)
    assert measured[-1] > measured[0] > 0
    assert last_first_ratio(measured) == pytest.approx(measured[-1] / measured[0])


def test_time_step_norms_on_mnist_show_truncation_and_differ_by_cell(make_mnist):
    data = make_mnist(0)
    x, y = data.test.images[:64].reshape(-1, 28, 28), data.test.labels[:64]
    lstm = time_step_norms(Config(data_dir="unused"), x, y)
    rnn = time_step_norms(Config(data_dir="unused", cell="rnn"), x, y)
    cut = time_step_norms(Config(data_dir="unused", bptt_truncate=3), x, y)
    assert lstm.shape == rnn.shape == (28,)
    assert (lstm > 0).all() and not np.allclose(lstm, rnn)
    assert not cut[:25].any() and (cut[25:] > 0).all()
    # Runs of the other LSTM implementations are measured on the faithful graph, same weights.
    block = time_step_norms(Config(data_dir="unused", lstm_impl="block", batch_shards=3), x, y)
    np.testing.assert_array_equal(block, lstm)


@pytest.mark.parametrize("changes, message", [
    ({"bptt_truncate": 29}, "bptt_truncate must be a whole number from 0"),
    ({"clip_norm": -1.0}, "clip_norm must be a finite number >= 0"),
    ({"cell": "lstmx"}, "cell must be one of lstm, gru, rnn"),
    ({"lstm_impl": "block", "cell": "gru"}, "lstm_impl block is the tutorial's LSTM only"),
])
def test_config_rejects_bad_gradient_options(changes, message):
    with pytest.raises(UsageError, match=message):
        Config(data_dir="unused").override(**changes)


def test_cli_rejects_a_bad_model_before_loading_anything(tmp_path):
    proc = run_cli("gradients", "--models", "lstm", "rnn/sigmoid", "--out", str(tmp_path / "g.png"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "rnn-tf1: error: model 'rnn/sigmoid' is not CELL or CELL/ACTIVATION with CELL one of lstm, gru, rnn "
        "and ACTIVATION one of tanh, relu"]
    assert not (tmp_path / "g.png").exists()


def test_cli_gradients_prints_the_table_and_saves_the_chart(tmp_path):
    out = tmp_path / "gradients.png"
    proc = run_cli("gradients", "--models", "lstm", "rnn", "--batch-size", "32", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["t", "lstm,", "gd", "rnn,", "gd"]
    assert [int(line.split()[0]) for line in lines[1:29]] == list(range(1, 29))
    assert lines[29].startswith("last/first")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "gradients.json").exists()
    again = run_cli("gradients", "--models", "lstm", "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_cli_cells_trains_each_model_and_tabulates(tmp_path):
    out = tmp_path / "cells"
    proc = run_cli("cells", "--steps", "20", "--display-step", "10", "--models", "lstm", "rnn/relu",
                   "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[2:]] == ["| lstm, gd", "| rnn/relu, gd"]
    report = json.loads((out / "cells.json").read_text())
    for result in report["results"]:
        assert len(result["norms_init"]) == len(result["norms_trained"]) == 28
        assert 0 <= result["full_test_accuracy"] <= 1
        assert (out / os.path.basename(result["run_dir"]) / "train.log").exists()
    assert (out / "gradients.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = run_cli("cells", "--steps", "20", "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
