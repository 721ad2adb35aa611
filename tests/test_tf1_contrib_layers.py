"""tf.contrib.layers / tf.contrib.slim (rnn_tf1/tf1/contrib_layers.py): every name taken from tf-slim
builds TF 1.x's variables under TF 1.x's names and computes TF 1.x's numbers (against numpy or the
formula).  In-process graph-mode checks; no install() here (it changes the whole process)."""
import rnn_tf1  # noqa: F401  (before TensorFlow)

import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import Env, contrib_layers

tf1 = tf.compat.v1


@pytest.fixture(scope="module")
def layers():
    return contrib_layers.names(Env(tf1))


@pytest.fixture(scope="module")
def slim():
    return contrib_layers.slim_names(Env(tf1))


@pytest.fixture
def sess():
    with tf.Graph().as_default(), tf1.Session() as session:
        yield session


def variables(scope=None):
    """{name without :0 -> variable} of the default graph's global variables."""
    return {v.op.name: v for v in tf1.global_variables(scope)}


def values(sess, scope=None):
    return {name: value for name, value in zip(variables(scope), sess.run(list(variables(scope).values())))}


def test_fully_connected_is_activation_of_x_w_plus_b_under_tf1_names(layers, sess):
    x = np.random.RandomState(0).normal(size=(4, 6)).astype(np.float32)
    relu_out = layers["fully_connected"](tf1.constant(x), 3)  # TF1's default activation: relu
    linear_out = layers["linear"](tf1.constant(x), 2)
    assert sorted(variables()) == ["fully_connected/biases", "fully_connected/weights",
                                   "fully_connected_1/biases", "fully_connected_1/weights"]
    assert {v.op.name for v in tf1.get_collection(tf1.GraphKeys.MODEL_VARIABLES)} == set(variables())
    sess.run(tf1.global_variables_initializer())
    # biases start at zero (TF1's zeros_initializer); give them values so they count in the check
    sess.run([variables()["fully_connected/biases"].assign([0.5, -0.5, 0.1]),
              variables()["fully_connected_1/biases"].assign([1.0, -2.0])])
    v = values(sess)
    got_relu, got_linear = sess.run([relu_out, linear_out])
    np.testing.assert_allclose(got_relu, np.maximum(x @ v["fully_connected/weights"] + v["fully_connected/biases"],
                                                    0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_linear, x @ v["fully_connected_1/weights"] + v["fully_connected_1/biases"],
                               rtol=1e-5, atol=1e-6)
    assert (got_relu == 0).any() and (got_linear < 0).any()  # the activation did something, linear did not


def test_xavier_initializer_is_uniform_within_the_glorot_limit(layers, sess):
    fan_in, fan_out = 300, 500
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    w = tf1.get_variable("w", [fan_in, fan_out], initializer=layers["xavier_initializer"](seed=1))
    fc = layers["fully_connected"](tf1.zeros([1, fan_in]), fan_out)  # its default weights initializer
    normal = tf1.get_variable("n", [fan_in, fan_out], initializer=layers["xavier_initializer"](uniform=False, seed=2))
    sess.run(tf1.global_variables_initializer())
    for sample in sess.run([w, variables()["fully_connected/weights"]]):
        assert np.abs(sample).max() <= limit and np.abs(sample).max() > 0.99 * limit
        assert abs(sample.var() - limit ** 2 / 3) < 0.03 * limit ** 2 / 3  # a uniform's variance
    # normal: TF1's truncated normal of stddev sqrt(1.3 * 2 / (fan_in + fan_out)), cut at 2 stddev
    stddev = np.sqrt(1.3 * 2.0 / (fan_in + fan_out))
    sample = sess.run(normal)
    assert np.abs(sample).max() <= 2 * stddev
    assert abs(sample.var() - 2.0 / (fan_in + fan_out)) < 0.03 * 2.0 / (fan_in + fan_out)
    del fc


def test_xavier_conv2d_and_variance_scaling_have_their_formulas_variance(layers, sess):
    kh, kw, cin, cout = 3, 3, 32, 64
    conv = tf1.get_variable("c", [kh, kw, cin, cout], initializer=layers["xavier_initializer_conv2d"](seed=3))
    he = tf1.get_variable("he", [400, 300], initializer=layers["variance_scaling_initializer"](seed=4))
    avg = tf1.get_variable("avg", [400, 300], initializer=layers["variance_scaling_initializer"](
        factor=1.0, mode="FAN_AVG", uniform=True, seed=5))
    sess.run(tf1.global_variables_initializer())
    conv_w, he_w, avg_w = sess.run([conv, he, avg])
    conv_limit = np.sqrt(6.0 / (kh * kw * cin + kh * kw * cout))  # fans count the receptive field
    assert conv_limit * 0.99 < np.abs(conv_w).max() <= conv_limit
    assert abs(he_w.var() - 2.0 / 400) < 0.03 * 2.0 / 400  # TF1's default: factor 2, FAN_IN, normal
    assert abs(avg_w.var() - 1.0 / 350) < 0.03 * 1.0 / 350 and np.abs(avg_w).max() <= np.sqrt(3.0 / 350)


def test_regularizers_values_and_apply_regularization(layers, sess):
    w = tf1.constant([[1.0, -2.0], [3.0, -4.0]])
    penalties = {name: layers[name](*args)(w) for name, args in (
        ("l1_regularizer", (0.5,)), ("l2_regularizer", (0.1,)), ("l1_l2_regularizer", (0.5, 0.1)))}
    summed = layers["sum_regularizer"]([layers["l1_regularizer"](0.5), layers["l2_regularizer"](0.1)])(w)
    w_np = np.array([[1.0, -2.0], [3.0, -4.0]])
    l1, l2 = 0.5 * np.abs(w_np).sum(), 0.1 * (w_np ** 2).sum() / 2  # TF1's l2 is scale * l2_loss
    got = sess.run(penalties)
    assert got["l1_regularizer"] == pytest.approx(l1) and got["l2_regularizer"] == pytest.approx(l2)
    # TF1's l1_l2_regularizer(scale_l1, scale_l2): scale_l2 * l2_loss, i.e. half the squares too
    assert got["l1_l2_regularizer"] == pytest.approx(l1 + l2) and sess.run(summed) == pytest.approx(l1 + l2)
    assert layers["l2_regularizer"](0.0)(w) is None  # TF1: a zero scale adds no penalty
    with pytest.raises(ValueError):
        layers["l1_regularizer"](-1.0)
    total = layers["apply_regularization"](layers["l2_regularizer"](0.1), [w, 2 * w])
    assert sess.run(total) == pytest.approx(5 * l2)
    assert total in tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)
    with pytest.raises(ValueError, match="No weights to regularize"):  # TF1: the WEIGHTS collection is empty
        layers["apply_regularization"](layers["l2_regularizer"](0.1))
    fc = layers["fully_connected"](tf1.ones([1, 2]), 2, weights_regularizer=layers["l2_regularizer"](0.1))
    sess.run(tf1.global_variables_initializer())
    penalty, = tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)[1:]
    weights = sess.run(variables()["fully_connected/weights"])
    assert sess.run(penalty) == pytest.approx(0.1 * (weights ** 2).sum() / 2, rel=1e-5)
    del fc


def _conv_same(x, w):
    """numpy 'SAME' convolution, stride 1 (TF's cross-correlation): x (n,h,w,c), w (kh,kw,c,o)."""
    kh, kw = w.shape[:2]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.pad(x, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    out = np.zeros(x.shape[:3] + (w.shape[3],))
    for i in range(x.shape[1]):
        for j in range(x.shape[2]):
            out[:, i, j] = np.tensordot(padded[:, i:i + kh, j:j + kw], w, axes=3)
    return out


def test_conv2d_pools_flatten_and_transpose(layers, sess):
    x = np.random.RandomState(1).normal(size=(2, 6, 6, 3)).astype(np.float32)
    conv = layers["conv2d"](tf1.constant(x), 4, [3, 3], activation_fn=None)
    maxed, averaged = layers["max_pool2d"](conv, [2, 2]), layers["avg_pool2d"](conv, [2, 2])
    flat = layers["flatten"](maxed)
    up = layers["conv2d_transpose"](conv, 5, [3, 3], stride=2)
    assert sorted(variables()) == ["Conv/biases", "Conv/weights", "Conv2d_transpose/biases",
                                   "Conv2d_transpose/weights"]
    assert variables()["Conv/weights"].shape == (3, 3, 3, 4)
    assert variables()["Conv2d_transpose/weights"].shape == (3, 3, 5, 4)  # (h, w, out, in) as TF1
    sess.run(tf1.global_variables_initializer())
    sess.run(variables()["Conv/biases"].assign([0.1, 0.2, -0.3, 0.4]))
    v = values(sess)
    got_conv, got_max, got_avg, got_flat, got_up = sess.run([conv, maxed, averaged, flat, up])
    want = _conv_same(x, v["Conv/weights"]) + v["Conv/biases"]
    np.testing.assert_allclose(got_conv, want, rtol=1e-4, atol=1e-5)
    # TF1's pools: kernel 2, stride 2, VALID
    blocks = want.reshape(2, 3, 2, 3, 2, 4)
    np.testing.assert_allclose(got_max, blocks.max(axis=(2, 4)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_avg, blocks.mean(axis=(2, 4)), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(got_flat, got_max.reshape(2, -1))
    assert got_up.shape == (2, 12, 12, 5) and (got_up >= 0).all()  # stride 2, SAME; relu


def test_dropout_keeps_with_probability_keep_prob_and_scales_by_its_inverse(layers, sess):
    ones = tf1.ones([200, 100])
    dropped = layers["dropout"](ones, keep_prob=0.25, seed=7)
    inference = layers["dropout"](ones, keep_prob=0.25, is_training=False)
    got = sess.run(dropped)
    assert set(np.unique(got)) == {0.0, 4.0}
    assert abs((got > 0).mean() - 0.25) < 0.02 and abs(got.mean() - 1.0) < 0.08
    np.testing.assert_array_equal(sess.run(inference), np.ones((200, 100)))


def _batch(shape, seed):
    return np.random.RandomState(seed).normal(2.0, 3.0, size=shape).astype(np.float32)


@pytest.mark.parametrize("shape, fused", [((6, 5), None), ((4, 3, 3, 2), None), ((6, 5), False)])
def test_batch_norm_training_moving_averages_and_inference(layers, sess, shape, fused):
    x = _batch(shape, 0)
    inputs = tf1.placeholder(tf.float32, [None, *shape[1:]])
    training = tf1.placeholder_with_default(True, [])
    out = layers["batch_norm"](inputs, decay=0.9, scale=True, is_training=training, fused=fused)
    assert sorted(variables()) == ["BatchNorm/beta", "BatchNorm/gamma", "BatchNorm/moving_mean",
                                   "BatchNorm/moving_variance"]
    assert {v.op.name for v in tf1.trainable_variables()} == {"BatchNorm/beta", "BatchNorm/gamma"}
    updates = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    sess.run(tf1.global_variables_initializer())
    beta, gamma = np.linspace(-1, 1, shape[-1]), np.linspace(0.5, 2, shape[-1])
    sess.run([variables()["BatchNorm/beta"].assign(beta), variables()["BatchNorm/gamma"].assign(gamma)])
    got, _ = sess.run([out, updates], {inputs: x})
    axes = tuple(range(len(shape) - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    np.testing.assert_allclose(got, (x - mean) / np.sqrt(var + 0.001) * gamma + beta, rtol=1e-4, atol=1e-4)
    # moving = decay * moving + (1 - decay) * batch statistic, from TF1's zeros / ones; the fused
    # kernel (TF1's default here) averages the sample variance (n - 1), the other path the batch's
    n = x.size / shape[-1]
    batch_var = var * n / (n - 1) if fused is None else var
    v = values(sess)
    np.testing.assert_allclose(v["BatchNorm/moving_mean"], 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v["BatchNorm/moving_variance"], 0.9 + 0.1 * batch_var, rtol=1e-5)
    # inference (is_training False): the moving statistics, no update
    probe = _batch(shape, 1)
    got = sess.run(out, {inputs: probe, training: False})
    want = (probe - v["BatchNorm/moving_mean"]) / np.sqrt(v["BatchNorm/moving_variance"] + 0.001) * gamma + beta
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(values(sess)["BatchNorm/moving_mean"], v["BatchNorm/moving_mean"])


def test_batch_norm_without_updates_collection_updates_in_place(layers, sess):
    x = _batch((8, 3), 2)
    out = layers["batch_norm"](tf1.constant(x), decay=0.5, updates_collections=None, center=False)
    assert sorted(variables()) == ["BatchNorm/moving_mean", "BatchNorm/moving_variance"]
    assert tf1.get_collection(tf1.GraphKeys.UPDATE_OPS) == []
    sess.run(tf1.global_variables_initializer())
    sess.run(out)  # the output's own run moves the averages
    np.testing.assert_allclose(values(sess)["BatchNorm/moving_mean"], 0.5 * x.mean(axis=0), rtol=1e-5)


def test_layer_norm_against_numpy(layers, sess):
    x = _batch((3, 4, 5), 3)
    out = layers["layer_norm"](tf1.constant(x))
    assert sorted(variables()) == ["LayerNorm/beta", "LayerNorm/gamma"]
    assert variables()["LayerNorm/beta"].shape == (5,)  # params over the last axis, as TF1
    sess.run(tf1.global_variables_initializer())
    beta, gamma = np.linspace(-1, 1, 5), np.linspace(0.5, 2, 5)
    sess.run([variables()["LayerNorm/beta"].assign(beta), variables()["LayerNorm/gamma"].assign(gamma)])
    mean = x.mean(axis=(1, 2), keepdims=True)  # TF1: all axes but the batch's (begin_norm_axis=1)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(sess.run(out), (x - mean) / np.sqrt(var + 1e-12) * gamma + beta, rtol=1e-4,
                               atol=1e-4)


def test_embed_sequence_is_a_gather_of_its_embeddings(layers, sess):
    ids = np.array([[1, 2, 1], [4, 0, 4]], dtype=np.int64)
    embedded = layers["embed_sequence"](tf1.constant(ids), vocab_size=5, embed_dim=3)
    unique = layers["embed_sequence"](tf1.constant(ids), vocab_size=5, embed_dim=3, unique=True, scope="shared")
    again = layers["embed_sequence"](tf1.constant(ids[:, :2]), scope="shared", reuse=True)  # sizes from the variable
    assert sorted(variables()) == ["EmbedSequence/embeddings", "shared/embeddings"]
    assert {v.op.name for v in tf1.get_collection(tf1.GraphKeys.MODEL_VARIABLES)} == set(variables())
    assert unique.shape.as_list() == [2, 3, 3]
    sess.run(tf1.global_variables_initializer())
    v = values(sess)
    got, got_unique, got_again = sess.run([embedded, unique, again])
    np.testing.assert_array_equal(got, v["EmbedSequence/embeddings"][ids])
    np.testing.assert_array_equal(got_unique, v["shared/embeddings"][ids])
    np.testing.assert_array_equal(got_again, v["shared/embeddings"][ids[:, :2]])
    with pytest.raises(ValueError, match="vocab size and embedding dimension"):
        layers["embed_sequence"](tf1.constant(ids), vocab_size=5)


def test_one_hot_stack_repeat_and_arg_scope(layers, sess):
    labels = np.array([0, 3, 1])
    one_hot = layers["one_hot_encoding"](tf1.constant(labels), 4)
    x = tf1.ones([2, 3])
    with layers["arg_scope"]([layers["fully_connected"]], activation_fn=None):
        linear = layers["fully_connected"](x, 4, scope="scoped")
    stacked = layers["stack"](x, layers["fully_connected"], [5, 6], scope="s")
    repeated = layers["repeat"](x, 2, layers["fully_connected"], 3, scope="r")
    # TF1's names: stack SCOPE/SCOPE_1.., repeat SCOPE/SCOPE_1..
    assert sorted(variables()) == sorted(f"{p}/{k}" for p in ("scoped", "s/s_1", "s/s_2", "r/r_1", "r/r_2")
                                         for k in ("weights", "biases"))
    assert stacked.shape.as_list() == [2, 6] and repeated.shape.as_list() == [2, 3]
    sess.run(tf1.global_variables_initializer())
    sess.run(variables()["scoped/biases"].assign([-5.0] * 4))
    v = values(sess)
    np.testing.assert_array_equal(sess.run(one_hot), np.eye(4)[labels])
    np.testing.assert_allclose(sess.run(linear), np.ones((2, 3)) @ v["scoped/weights"] - 5.0, rtol=1e-5)


def _quadratic(layers, optimizer, **kwargs):
    """loss = sum((w - target)^2) from w = 0, one optimize_loss train op."""
    w = tf1.get_variable("w", [3], initializer=tf1.zeros_initializer())
    loss = tf1.reduce_sum(tf1.square(w - tf1.constant([3.0, -4.0, 0.0])))
    step = tf1.train.get_or_create_global_step()
    return w, loss, step, layers["optimize_loss"](loss, step, kwargs.pop("learning_rate", 0.1), optimizer, **kwargs)


@pytest.mark.parametrize("optimizer", ["SGD", tf1.train.GradientDescentOptimizer,
                                       lambda lr: tf1.train.GradientDescentOptimizer(lr), "instance"])
def test_optimize_loss_takes_each_optimizer_form_and_steps_as_sgd(layers, sess, optimizer):
    if optimizer == "instance":
        optimizer = tf1.train.GradientDescentOptimizer(0.1)
    w, loss, step, train = _quadratic(layers, optimizer)
    assert {"OptimizeLoss/learning_rate", "global_step", "w"} <= set(variables())
    summaries = {s.op.name for s in tf1.get_collection(tf1.GraphKeys.SUMMARIES)}
    # TF1's default summaries: loss and gradient norm (the learning rate's only when it decays)
    assert summaries == {"OptimizeLoss/loss", "OptimizeLoss/global_norm/gradient_norm"}
    sess.run(tf1.global_variables_initializer())
    first = sess.run(train)  # returns the loss before the step
    assert first == pytest.approx(25.0)
    np.testing.assert_allclose(sess.run(w), 0.1 * 2 * np.array([3.0, -4.0, 0.0]), rtol=1e-6)  # w - lr * grad
    losses = [sess.run(train) for _ in range(20)]
    assert losses[-1] < 0.01 * first and sess.run(step) == 21


def test_optimize_loss_clips_the_global_norm_and_can_leave_the_step(layers, sess):
    w, loss, step, train = _quadratic(layers, "SGD", learning_rate=1.0, clip_gradients=0.5,
                                      increment_global_step=False)
    sess.run(tf1.global_variables_initializer())
    sess.run(train)
    gradient = -2 * np.array([3.0, -4.0, 0.0])  # at w = 0, norm 10
    np.testing.assert_allclose(sess.run(w), -1.0 * gradient * 0.5 / 10.0, rtol=1e-6)
    assert sess.run(step) == 0
    with pytest.raises(ValueError, match="Optimizer name should be one of"):
        layers["optimize_loss"](loss, step, 0.1, "NoSuchOptimizer")


def test_optimize_loss_adam_with_decay_and_gradient_multipliers(layers, sess):
    decay = lambda lr, step: tf1.train.exponential_decay(lr, step, 1, 0.5)  # noqa: E731
    w, loss, step, train = _quadratic(layers, "Adam", learning_rate_decay_fn=decay, gradient_multipliers={"w:0": 0.0},
                                      update_ops=[], summaries=["gradients", "learning_rate"])
    assert "OptimizeLoss/w/Adam" in variables()  # the optimizer's slots under the OptimizeLoss scope
    summaries = {s.op.name for s in tf1.get_collection(tf1.GraphKeys.SUMMARIES)}
    # (the variable OptimizeLoss/learning_rate took the name first, so its summary is learning_rate_1)
    assert summaries == {"OptimizeLoss/learning_rate_1", "OptimizeLoss/gradients/w_0"}
    sess.run(tf1.global_variables_initializer())
    sess.run(train)
    np.testing.assert_array_equal(sess.run(w), np.zeros(3))  # multiplier 0 (keyed by the name, as TF1): no step
    assert sess.run(step) == 1


def test_summaries_and_slim_variables(layers, slim, sess):
    x = tf1.ones([2, 3])
    with tf1.variable_scope("net"):
        h = slim["fully_connected"](x, 4)
        extra = slim["model_variable"]("extra", shape=[2], initializer=tf1.ones_initializer())
        plain = slim["variable"]("plain", shape=[1])
    local = slim["local_variable"](np.float32(3.0), name="counter")
    scalar_summary = layers["summarize_tensor"](tf1.reduce_sum(h))
    histogram = layers["summarize_activation"](h)
    assert scalar_summary.op.type == "ScalarSummary" and histogram.op.type == "HistogramSummary"
    assert [v.op.name for v in slim["get_variables"]("net")] == [
        "net/fully_connected/weights", "net/fully_connected/biases", "net/extra", "net/plain"]
    assert [v.op.name for v in slim["get_model_variables"]()] == [
        "net/fully_connected/weights", "net/fully_connected/biases", "net/extra"]
    assert [v.op.name for v in slim["get_variables_by_suffix"]("weights")] == ["net/fully_connected/weights"]
    assert [v.op.name for v in slim["get_variables_to_restore"](exclude=["net/plain"])] == [
        "net/fully_connected/weights", "net/fully_connected/biases", "net/extra"]
    assert local in tf1.local_variables() and plain in tf1.trainable_variables()
    total, _ = slim["model_analyzer"].analyze_vars(tf1.trainable_variables(), print_info=False)
    assert total == 3 * 4 + 4 + 2 + 1
    sess.run([tf1.global_variables_initializer(), tf1.local_variables_initializer()])
    assert sess.run(local) == 3.0 and list(sess.run(extra)) == [1.0, 1.0]


def test_slim_losses_take_logits_first_as_tf1_contrib_losses(slim, sess):
    logits = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], dtype=np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 1]]
    loss = slim["losses"].softmax_cross_entropy(tf1.constant(logits), tf1.constant(labels))
    squared = slim["losses"].mean_squared_error(tf1.constant(logits), tf1.constant(labels))
    assert set(slim["losses"].get_losses()) == {loss, squared}
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert sess.run(loss) == pytest.approx(-(labels * log_softmax).sum(axis=1).mean(), rel=1e-5)
    assert sess.run(squared) == pytest.approx(((logits - labels) ** 2).mean(), rel=1e-5)
    assert sess.run(slim["losses"].get_total_loss()) == pytest.approx(sess.run(loss + squared), rel=1e-5)


def test_repair_touches_only_tf_slims_modules(layers):
    from tensorflow.python.framework import ops
    from tf_slim.layers import layers as slim_layers, utils as slim_utils
    assert not hasattr(ops, "Tensor")  # TensorFlow itself is left as it is
    assert slim_utils.ops.Tensor is tf.Tensor and slim_utils.ops.GraphKeys is ops.GraphKeys
    assert slim_layers.normalization_layers.BatchNormalization is tf1.layers.BatchNormalization


# --- the fixtures, run as a user runs them: `rnn-tf1 run SCRIPT` (each a process of its own) ---

def test_mnist_mlp_and_cnn_fixture_learns_with_tf1_names_and_repeats_when_seeded():
    from test_run_script import run_script
    runs = [run_script("mnist_contrib_layers.py", seed=3, script_args=["30"]) for _ in range(2)]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
    assert runs[0].stdout == runs[1].stdout  # seeded: the same weights, batches and dropout masks
    names, *lines = runs[0].stdout.splitlines()
    assert names.split()[1:] == [
        "mlp/fully_connected/weights", "mlp/fully_connected/biases", "mlp/fully_connected_1/weights",
        "mlp/fully_connected_1/biases", "cnn/Conv/weights", "cnn/Conv/BatchNorm/beta",
        "cnn/Conv/BatchNorm/moving_mean", "cnn/Conv/BatchNorm/moving_variance", "cnn/fully_connected/weights",
        "cnn/fully_connected/biases"]  # conv2d with a normalizer has no biases, as in TF1
    for model in ("mlp", "cnn"):
        losses = [float(line.split()[2]) for line in lines if line.split()[:2] != [model, "accuracy"]
                  and line.startswith(model + " ")]
        assert len(losses) == 30 and np.mean(losses[-5:]) < 0.6 * np.mean(losses[:5]), (model, losses)
    accuracy = float(lines[-1].split()[-1])
    assert lines[-1].startswith("cnn accuracy") and accuracy > 0.5  # batch_norm's moving statistics at test


def test_lstm_csv_regressor_checkpoint_restores_in_a_second_process_and_numpy_habits_are_noted_once(tmp_path):
    from test_run_script import run_script
    trained = run_script("lstm_csv_regressor.py", seed=0, script_args=["train", str(tmp_path), "60"])
    assert trained.returncode == 0, trained.stderr
    restored = run_script("lstm_csv_regressor.py", script_args=["restore", str(tmp_path)])
    assert restored.returncode == 0, restored.stderr
    # numpy 1's habits computed numpy 1's values
    t = np.arange(200, dtype=float)
    series = np.sin(t / 8.0) + 0.01 * t
    first = trained.stdout.splitlines()[0]
    assert first == "windows 190 of 10 values, mean target %.6f" % series[10:].astype(np.float32).mean()
    for habit in ("np.float", "np.reshape(a, newshape=...)", "np.product", "np.asscalar"):
        assert trained.stderr.count(f"rnn-tf1: numpy 1 habit: {habit} is gone") == 1, trained.stderr
    losses = [float(line.split()[3]) for line in trained.stdout.splitlines() if line.startswith("step ")]
    assert losses[-1] < 0.1 * losses[0]
    # TF1's names, and the checkpoint written by one process gives the same predictions in another
    lines = {line.split()[0]: line for line in trained.stdout.splitlines()[1:]}
    assert lines["variables"] == ("variables rnn/lstm_cell/kernel rnn/lstm_cell/bias fully_connected/weights "
                                  "fully_connected/biases")
    assert "Restoring parameters from" in restored.stderr
    again = {line.split()[0]: line for line in restored.stdout.splitlines()[1:]}
    assert again["predictions"] == lines["predictions"] and again["variables"] == lines["variables"]
    assert len(lines["predictions"].split()) == 6


def test_numpy_habits_stay_out_of_processes_that_do_not_install_them():
    """The port (rnn-tf1 train) and this pytest process never call install(): numpy stays numpy 2."""
    with pytest.raises(AttributeError):
        np.float  # noqa: B018
    with pytest.raises(TypeError):
        np.reshape(np.zeros(4), newshape=(2, 2))


def test_tf1s_module_paths_of_contrib_layers_and_contrib_compiler_jit():
    """`from tensorflow.contrib.layers.python.layers import initializers` and `from tensorflow.contrib.compiler
    import jit`, as a 2017 Chinese NER tagger and its copy of TF 1.x's rnn_cell module import them."""
    import rnn_tf1.tf1 as tf1_env
    from rnn_tf1.tf1 import contrib_compiler
    env = Env(tf1)
    assert contrib_compiler.jit_names(env)["experimental_jit_scope"] is tf1.xla.experimental.jit_scope
    assert set(contrib_layers.initializers_names(env)) == {"xavier_initializer", "xavier_initializer_conv2d",
                                                           "variance_scaling_initializer"}
    assert contrib_layers.layers_module_names(env)["fully_connected"] is contrib_layers.names(env)["fully_connected"]
    assert "l2_regularizer" in contrib_layers.regularizers_names(env)
    keys = list(tf1_env.NAMESPACES)
    assert keys.index("tensorflow.contrib.layers") < keys.index("tensorflow.contrib.layers.python.layers")
