"""--lstm-impl hoisted: the same variables, initial values, logits, gradients and log as the faithful graph."""
import numpy as np
import pytest

from rnn_tf1 import checkpoints
from rnn_tf1.config import Config, tiny_config
from rnn_tf1.graph import build_model, new_session, tf, tf1
from rnn_tf1.mnist_data import build_datasets
from rnn_tf1.trainer import train_and_evaluate


def variables(model):
    with model.graph.as_default():
        return tf1.global_variables()


def test_same_variable_names_shapes_and_seeded_initial_values():
    values = {}
    for impl in ("faithful", "hoisted"):
        model = build_model(Config(data_dir="unused", seed=3, lstm_impl=impl))
        with new_session(model, Config(data_dir="unused")) as session:
            session.run(model.init)
            values[impl] = {v.op.name: session.run(v) for v in variables(model)}
    assert values["hoisted"].keys() == values["faithful"].keys()
    for name, value in values["faithful"].items():
        np.testing.assert_array_equal(values["hoisted"][name], value, err_msg=name)


@pytest.fixture(scope="module")
def trained_checkpoint(tmp_path_factory, mnist_arrays):
    """A faithful model after 100 Adam steps: weights and biases well away from their initial values."""
    workdir = str(tmp_path_factory.mktemp("hoisted") / "run")
    config = tiny_config(optimizer="adam", steps=100, display_step=50, seed=4)
    train_and_evaluate(config, workdir, emit=lambda line: None,
                       data=build_datasets(**mnist_arrays, seed=4))
    return checkpoints.load(workdir).model_prefix


def logits_and_gradients(impl, checkpoint, x, y):
    config = Config(data_dir="unused", lstm_impl=impl)
    model = build_model(config)
    with model.graph.as_default():
        trainables = tf1.trainable_variables()
        grads = tf.gradients(model.loss, trainables)
        dx = tf.gradients(model.loss, model.X)[0]
        saver = tf1.train.Saver(trainables)  # the checkpoint also has Adam's slots; only the weights are needed
    with new_session(model, config) as session:
        saver.restore(session, checkpoint)
        return session.run([model.logits, grads, dx], {model.X: x, model.Y: y})


def test_logits_and_gradients_agree_on_trained_weights(trained_checkpoint, make_mnist):
    """Checkpoints interchange, and both graphs compute the same function and gradient."""
    x, y = make_mnist(9).train.next_batch(128)
    x = x.reshape(-1, 28, 28)
    logits_a, grads_a, dx_a = logits_and_gradients("faithful", trained_checkpoint, x, y)
    logits_b, grads_b, dx_b = logits_and_gradients("hoisted", trained_checkpoint, x, y)
    np.testing.assert_allclose(logits_b, logits_a, rtol=0, atol=1e-5)
    assert np.abs(logits_a).max() > 1  # not a trivially small output
    for a, b in zip(grads_a, grads_b):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-5)
        assert np.abs(a).max() > 1e-3
    np.testing.assert_allclose(dx_b, dx_a, rtol=0, atol=1e-6)


def test_a_seeded_run_prints_the_same_log(make_mnist):
    config = tiny_config(steps=200, display_step=50, seed=0)
    logs = {}
    for impl in ("faithful", "hoisted"):
        lines = []
        train_and_evaluate(config.override(lstm_impl=impl), emit=lines.append, data=make_mnist(0))
        logs[impl] = lines
    assert logs["hoisted"] == logs["faithful"]
    assert len(logs["hoisted"]) == 7
