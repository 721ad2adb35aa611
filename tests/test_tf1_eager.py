"""Eager-style TF1 scripts under `rnn-tf1 run` (`tf.enable_eager_execution()` first) and
`tf.contrib.eager` (rnn_tf1/tf1/eager.py): the fixtures against the same models in graph mode,
seeded repeats, TF1's error for a late switch, and eager.py's names against hand computations.
In-process tests run eager (TensorFlow 2's default) and never call install()."""
import numpy as np
import pytest

from test_run_script import run_script

import rnn_tf1  # noqa: F401  (before TensorFlow)
import tensorflow as tf
from rnn_tf1.tf1 import Env, eager
from rnn_tf1.tf1.namespace import Namespace, TF1NameMissing

tf1 = tf.compat.v1
# `tf.contrib.eager` as a script sees it (its names built by eager.names), without install()
tfe = Namespace("tensorflow.contrib.eager", loader=lambda: eager.names(Env(tf1)))


def _losses(stdout, prefix):
    return [float(line.split()[-1]) for line in stdout.splitlines() if line.startswith(prefix + " ")]


@pytest.fixture(scope="module")
def linear_runs():
    """The linear-regression fixture run twice with --seed 0 (the seeded-repeat check)."""
    return [run_script("eager_linear_regression.py", seed=0, script_args=["8"]) for _ in range(2)]


def test_eager_linear_regression_matches_graph_mode_and_repeats(linear_runs):
    first, second = linear_runs
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # seeded: numpy's initial values, tf.random_normal, Dense's kernel
    lines = first.stdout.splitlines()
    w0, b0 = (np.float32(v) for v in lines[0].split()[1:])
    assert lines[-3] == "names weight:0 bias:0"
    eager = _losses(first.stdout, "step")
    # the same model in graph mode, from the same initial values
    x = np.linspace(-1.0, 1.0, 40).astype(np.float32)
    y = (3.0 * x + 2.0 + 0.3 * np.sin(7.0 * x)).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        w, b = tf1.Variable(w0), tf1.Variable(b0)
        loss = tf1.reduce_mean(tf1.square(w * x + b - y))
        train = tf1.train.GradientDescentOptimizer(0.1).minimize(loss)
        sess.run(tf1.global_variables_initializer())
        graph = [sess.run([loss, train])[0] for _ in range(8)]
    assert len(eager) == 8 and eager[-1] < eager[0] / 5
    np.testing.assert_allclose(eager, graph, rtol=1e-5)
    # the seeded draws are real draws: three different normals, a glorot-uniform kernel within its limit
    normals = [float(v) for v in lines[-2].split()[1:]]
    kernel = np.array([float(v) for v in lines[-1].split()[2:]])
    assert len(set(normals)) == 3 and np.all(np.abs(kernel) <= np.sqrt(6.0 / 5)) and kernel.std() > 0.05


def test_eager_logistic_regression_matches_graph_mode_and_repeats(mnist_arrays):
    proc, again = (run_script("eager_logistic_regression.py", seed=0, script_args=["6"]) for _ in range(2))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == again.stdout  # seeded: the Network's initializers, the Iterator's order
    from rnn_tf1.mnist_data import dense_to_one_hot, scale_images
    images = scale_images(mnist_arrays["train_images"][:256])  # the first validation images
    labels = dense_to_one_hot(mnist_arrays["train_labels"][:256], 10).astype(np.float32)
    with tf.Graph().as_default(), tf1.Session() as sess:
        x, y = tf1.placeholder(tf.float32, [None, 784]), tf1.placeholder(tf.float32, [None, 10])
        w, b = tf1.Variable(tf1.zeros([784, 10])), tf1.Variable(tf1.zeros([10]))
        loss = tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=tf1.matmul(x, w) + b))
        train = tf1.train.GradientDescentOptimizer(0.5).minimize(loss)
        sess.run(tf1.global_variables_initializer())
        graph = []
        for step in range(6):  # 4 batches of 64, then the Iterator starts over
            feed = {x: images[64 * (step % 4):64 * (step % 4 + 1)], y: labels[64 * (step % 4):64 * (step % 4 + 1)]}
            graph.append(sess.run([loss, train], feed)[0])
    eager = _losses(proc.stdout, "logistic")
    assert eager[0] == pytest.approx(np.log(10), abs=1e-6)
    np.testing.assert_allclose(eager, graph, rtol=1e-4)
    # the Network's variables have TF 1.x's names; the MLP learns; Accuracy is a fraction of 256
    names = proc.stdout.split("network ")[1].splitlines()[0].split()
    assert names == ["neural_net_1", "neural_net_1/dense_1/kernel:0", "neural_net_1/dense_1/bias:0",
                     "neural_net_1/dense_2/kernel:0", "neural_net_1/dense_2/bias:0"]
    mlp = _losses(proc.stdout, "mlp")
    assert len(mlp) == 6 and min(mlp[3:]) < mlp[0]
    accuracy = float(proc.stdout.split("accuracy ")[1])
    assert 0.0 < accuracy < 1.0 and abs(accuracy * 256 - round(accuracy * 256)) < 0.013


def test_enable_eager_execution_after_a_graph_op_is_tf1s_error(tmp_path):
    script = tmp_path / "late_eager.py"
    script.write_text("import tensorflow as tf\nx = tf.constant(1.0)\nprint('built')\ntf.enable_eager_execution()\n")
    proc = run_script(str(script), cwd=str(tmp_path))
    assert proc.returncode == 1 and proc.stdout == "built\n"
    assert "Traceback (most recent call last):" in proc.stderr
    assert f'File "{script}", line 4, in <module>' in proc.stderr
    assert proc.stderr.rstrip().endswith("ValueError: tf.enable_eager_execution must be called at program startup.")


# ---- eager.py in process (TensorFlow 2's eager mode) --------------------------------------------

def test_gradients_function_and_value_and_gradients_function():
    cube = lambda x: x ** 3  # noqa: E731
    (grad,) = tfe.gradients_function(cube)(2.0)
    assert grad.numpy() == pytest.approx(12.0)  # d/dx x^3 = 3x^2
    value, (grad,) = tfe.value_and_gradients_function(lambda x, y: x * y + y, params=[1])(3.0, 4.0)
    assert value.numpy() == pytest.approx(16.0) and grad.numpy() == pytest.approx(4.0)  # d/dy = x + 1


def test_implicit_value_and_gradients_returns_value_and_grads_with_their_variables():
    w = tfe.Variable(2.0, name="w")
    from tensorflow.python.ops import resource_variable_ops
    assert type(w) is resource_variable_ops.ResourceVariable  # TF 1.x: tfe.Variable is ResourceVariable
    loss = lambda x: tf.square(w * x - 1.0)  # noqa: E731
    value, grads_and_vars = tfe.implicit_value_and_gradients(loss)(3.0)
    assert value.numpy() == pytest.approx(25.0)
    ((grad, var),) = grads_and_vars
    assert var is w and grad.numpy() == pytest.approx(2 * (2.0 * 3.0 - 1.0) * 3.0)
    ((grad_only, var_only),) = tfe.implicit_gradients(loss)(3.0)
    assert var_only is w and grad_only.numpy() == pytest.approx(grad.numpy())
    with tfe.GradientTape() as tape:
        out = w * w
    assert tape.gradient(out, w).numpy() == pytest.approx(4.0)


def test_iterator_next_get_next_and_stop_iteration():
    iterator = tfe.Iterator(tf1.data.Dataset.range(3))
    assert [iterator.next().numpy(), next(iterator).numpy(), iterator.get_next().numpy()] == [0, 1, 2]
    with pytest.raises(StopIteration):
        iterator.next()
    assert [int(v) for v in tfe.Iterator(tf1.data.Dataset.range(4).batch(2))
            for v in v.numpy()] == [0, 1, 2, 3]


def test_metrics_mean_accuracy_and_their_variables():
    mean = tfe.metrics.Mean()
    assert mean(tf.constant([1.0, 3.0, 5.0, 7.0])).numpy().tolist() == [1.0, 3.0, 5.0, 7.0]  # returns its input
    mean(tf.constant([10.0]), weights=tf.constant([2.0]))
    assert mean.result().numpy() == pytest.approx((1 + 3 + 5 + 7 + 2 * 10) / 6)
    assert mean.result().dtype == tf.float64
    assert [v.name for v in mean.variables] == [mean.name + "/numer:0", mean.name + "/denom:0"]
    mean.init_variables()
    mean(tf.constant([4.0]))
    assert mean.result().numpy() == pytest.approx(4.0)
    labels, logits = np.array([0, 2, 1, 1]), np.eye(3, dtype=np.float32)[[0, 2, 2, 1]]
    accuracy, sparse, categorical = tfe.metrics.Accuracy(), tfe.metrics.SparseAccuracy(), \
        tfe.metrics.CategoricalAccuracy()
    accuracy(tf.constant(labels), tf.argmax(logits, 1))
    sparse(tf.constant(labels), tf.constant(logits))
    categorical(tf.constant(np.eye(3, dtype=np.float32)[labels]), tf.constant(logits))
    expected = np.mean(labels == logits.argmax(1))
    assert [m.result().numpy() for m in (accuracy, sparse, categorical)] == pytest.approx([expected] * 3)
    with pytest.raises(TF1NameMissing, match="tensorflow.contrib.eager.metrics.Recall is not provided"):
        tfe.metrics.Recall


def test_network_track_layer_names_weights_and_save_restore(tmp_path):
    class Net(tfe.Network):
        def __init__(self):
            super().__init__()
            self.hidden = self.track_layer(tf1.layers.Dense(3, activation=tf.nn.relu))
            self.out = self.track_layer(tf1.layers.Dense(2, name="logits"))

        def call(self, x):
            return self.out(self.hidden(x))

    net = Net()
    x = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
    out = net(tf.constant(x)).numpy()
    prefix = net.name
    assert prefix.startswith("net_")  # TF 1.x: the first anonymous Net is net_1 (non-zero-based names)
    assert [v.name for v in net.variables] == [f"{prefix}/dense_1/kernel:0", f"{prefix}/dense_1/bias:0",
                                               f"{prefix}/logits/kernel:0", f"{prefix}/logits/bias:0"]
    assert net.get_layer(index=1) is net.out and net.get_layer(name="logits") is net.out
    k1, b1, k2, b2 = (v.numpy() for v in net.variables)
    np.testing.assert_allclose(out, np.maximum(x @ k1 + b1, 0) @ k2 + b2, rtol=1e-5)  # a hand forward pass
    with pytest.raises(TypeError, match="not a tf.layers.Layer"):
        net.track_layer(lambda t: t)
    # Network.save strips the network's prefix, so another instance restores by name
    path = net.save(str(tmp_path / "ckpt"))
    assert sorted(n for n, _ in tf.train.list_variables(path)) == ["dense_1/bias", "dense_1/kernel",
                                                                    "logits/bias", "logits/kernel"]
    other = Net()
    other(tf.constant(x))
    other.restore(path)
    np.testing.assert_allclose(other(tf.constant(x)).numpy(), out, rtol=1e-6)


def test_saver_defun_seterr_and_missing_names(tmp_path):
    v = tfe.Variable([1.0, 2.0], name="v")
    saver = tfe.Saver([v])
    prefix = saver.save(str(tmp_path / "model"))
    v.assign([5.0, 6.0])
    saver.restore(prefix)
    assert v.numpy().tolist() == [1.0, 2.0] and [n for n, _ in tf.train.list_variables(prefix)] == ["v"]
    square = tfe.defun(lambda t: t * t)
    assert square(tf.constant(3.0)).numpy() == 9.0
    assert tfe.seterr() == {"inf_or_nan": "ignore"}
    with pytest.raises(ValueError, match=r"seterr\(inf_or_nan='print'\) is not provided"):
        tfe.seterr(inf_or_nan="print")
    assert tfe.in_eager_mode() and tfe.executing_eagerly() and tfe.num_gpus() == 0
    with pytest.raises(TF1NameMissing, match="tensorflow.contrib.eager.SummaryWriter is not provided"):
        tfe.SummaryWriter
    from rnn_tf1.tf1.hints import hint_for
    assert "tf.train.Checkpoint" in hint_for("tensorflow.contrib.eager.restore_variables_on_create")
    assert "tf.GradientTape" in hint_for("tensorflow.contrib.eager.SummaryWriter")
