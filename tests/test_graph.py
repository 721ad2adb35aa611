"""The tutorial's graph: names, sizes, optimizer slots, and the LSTM's math."""
import numpy as np
import pytest

from rnn_tf1.config import Config
from rnn_tf1.graph import build_model, count_trainable_parameters, new_session, tf1


def variable_shapes(model):
    with model.graph.as_default():
        return {v.op.name: tuple(v.shape.as_list()) for v in tf1.global_variables()}


def test_variables_and_parameter_count():
    model = build_model(Config(data_dir="unused"))
    assert count_trainable_parameters(model) == 81674
    assert variable_shapes(model) == {
        "Variable": (128, 10), "Variable_1": (10,),
        "rnn/basic_lstm_cell/kernel": (156, 512), "rnn/basic_lstm_cell/bias": (512,)}
    assert model.X.shape.as_list() == [None, 28, 28] and model.Y.shape.as_list() == [None, 10]
    assert model.X.dtype == model.Y.dtype == tf1.float32


def test_gradient_descent_has_no_slots_adam_has_its_own():
    gd = variable_shapes(build_model(Config(data_dir="unused", optimizer="gd")))
    adam = variable_shapes(build_model(Config(data_dir="unused", optimizer="adam")))
    assert set(gd) == {"Variable", "Variable_1", "rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"}
    extra = set(adam) - set(gd)
    assert extra == {"beta1_power", "beta2_power"} | {
        f"{name}/{slot}" for name in gd for slot in ("Adam", "Adam_1")}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_logits_follow_basic_lstm_cell_math():
    """i, j, f, o = split([x, h] @ kernel + bias); c' = c*s(f+1) + s(i)*tanh(j); h' = tanh(c')*s(o)."""
    config = Config(data_dir="unused", seed=3)
    model = build_model(config)
    x = np.random.RandomState(0).rand(5, 28, 28).astype(np.float32)
    with tf1.Session(graph=model.graph) as session:
        session.run(model.init)
        with model.graph.as_default():
            values = {v.op.name: v for v in tf1.global_variables()}
            w, b, kernel, bias = session.run([values["Variable"], values["Variable_1"],
                                              values["rnn/basic_lstm_cell/kernel"],
                                              values["rnn/basic_lstm_cell/bias"]])
        logits = session.run(model.logits, {model.X: x})
    x64 = x.astype(np.float64)
    h = c = np.zeros((5, 128))
    for t in range(28):
        i, j, f, o = np.split(np.concatenate([x64[:, t], h], 1) @ kernel + bias, 4, axis=1)
        c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * sigmoid(o)
    np.testing.assert_allclose(logits, h @ w + b, rtol=1e-4, atol=1e-4)
    assert not bias.any()  # BasicLSTMCell's bias starts at zero


def test_same_seed_same_initial_weights_other_seed_different():
    def initial(seed):
        model = build_model(Config(data_dir="unused", seed=seed))
        with tf1.Session(graph=model.graph) as session:
            session.run(model.init)
            with model.graph.as_default():
                return session.run(tf1.global_variables())
    a, b, c = initial(1), initial(1), initial(2)
    for va, vb in zip(a, b):
        np.testing.assert_array_equal(va, vb)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_one_step_lowers_the_loss_on_its_batch(optimizer):
    model = build_model(Config(data_dir="unused", optimizer=optimizer, learning_rate=0.001))
    rng = np.random.RandomState(1)
    feed = {model.X: rng.rand(16, 28, 28), model.Y: np.eye(10)[rng.randint(0, 10, 16)]}
    with tf1.Session(graph=model.graph) as session:
        session.run(model.init)
        before = session.run(model.loss, feed)
        for _ in range(10):
            session.run(model.train_op, feed)
        assert session.run(model.loss, feed) < before


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_plain_matmul_gradients_change_no_number(make_mnist, optimizer):
    """The faithful backward pass with plain MatMul gradients (the default): no matmul with a
    transpose flag is left, and 60 steps print the same lines and end in bitwise the same
    variables as with TensorFlow's own MatMul gradient."""
    import importlib.util
    import os
    from conftest import REPO
    spec = importlib.util.spec_from_file_location(
        "compare_matmul_grads", os.path.join(REPO, "scripts", "compare_matmul_grads.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    plain = build_model(Config(data_dir="unused"))
    flagged = [op for op in plain.graph.get_operations() if op.type == "MatMul"
               and (op.get_attr("transpose_a") or op.get_attr("transpose_b"))]
    assert not flagged
    config = Config(data_dir="unused", steps=60, display_step=20, optimizer=optimizer, seed=4)
    data = make_mnist(seed=4)
    state = data.train.get_state()
    lines, values = script.trained(config, data, plain=True)
    data.train.set_state(state)
    tf_lines, tf_values = script.trained(config, data, plain=False)
    assert lines == tf_lines and len(lines) == 5  # steps 1, 20, 40, 60 and "Optimization Finished!"
    assert values.keys() == tf_values.keys()
    assert all(np.array_equal(values[k], tf_values[k]) for k in values)


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_an_inference_graph_has_the_models_variables_with_the_same_seeded_values(optimizer):
    """build_model(training=False), the graph predictions restore into: no optimizer, and the
    model's variables with the values a training graph of the same seed starts from."""
    config = Config(data_dir="unused", seed=5, optimizer=optimizer)
    values = {}
    for training in (True, False):
        model = build_model(config, training=training)
        assert (model.train_op is None) == (not training) and (model.grad_norm is None) == (not training)
        with new_session(model, config) as session:
            session.run(model.init)
            with model.graph.as_default():
                values[training] = {v.op.name: session.run(v) for v in tf1.trainable_variables()}
    assert values[True].keys() == values[False].keys() and len(values[True]) == 4
    for name, value in values[True].items():
        np.testing.assert_array_equal(values[False][name], value, err_msg=name)
