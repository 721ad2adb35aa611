"""tf.contrib.tpu on a machine without a TPU (rnn_tf1/tf1/contrib_tpu.py, estimator/tpu_estimator.py):
TPUEstimator(use_tpu=False) trains like an Estimator with the same model_fn (losses against numpy's
gradient descent), params['batch_size'] per mode, eval_metrics against numpy from the checkpoint,
host_call and scaffold_fn, the checkpoint's names, CrossShardOptimizer as the wrapped optimizer,
TF 1.15's errors, the one-line refusals, and a BERT-style classifier script under `rnn-tf1 run`."""
import rnn_tf1  # noqa: F401  (TF_USE_LEGACY_KERAS before TensorFlow)
import logging

import numpy as np
import pytest
import tensorflow as tf

from tensorflow.core.util import event_pb2
from tensorflow.python.ops import summary_ops_v2

from rnn_tf1.tf1 import (Env, TF1NameMissing, contrib_data, contrib_layers, contrib_metrics, contrib_summary,
                         contrib_tpu, estimator)
from rnn_tf1.tf1.namespace import Namespace
from test_run_script import run_script

tf1 = tf.compat.v1
ENV = Env(tf1)
E = type("E", (), estimator.names(ENV))
T = type("T", (), contrib_tpu.names(ENV))

RNG = np.random.RandomState(0)
X = RNG.randn(24, 3).astype(np.float32)  # (examples, features)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)  # (examples, 1)
LEARNING_RATE = 0.1


def input_fn(params):
    """The examples in order, params['batch_size'] at a time, repeated."""
    return tf1.data.Dataset.from_tensor_slices(({"x": X}, Y)).repeat().batch(params["batch_size"])


def eval_input_fn(params):
    return tf1.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(params["batch_size"])


def metric_fn(labels, predictions):
    return {"mae": tf1.metrics.mean_absolute_error(labels, predictions)}


def linear_model_fn(features, labels, mode, params):
    """Linear regression from zeros (`dense/kernel`, `dense/bias`), plain gradient descent; returns a
    TPUEstimatorSpec to a TPUEstimator (params has use_tpu) and its EstimatorSpec to an Estimator."""
    prediction = tf1.layers.dense(features["x"], 1, kernel_initializer=tf1.zeros_initializer())
    if mode == E.ModeKeys.PREDICT:
        spec = T.TPUEstimatorSpec(mode, predictions={"y": prediction})
    else:
        loss = tf1.losses.mean_squared_error(labels, prediction)
        train_op = tf1.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss, tf1.train.get_global_step())
        spec = T.TPUEstimatorSpec(mode, loss=loss, train_op=train_op, eval_metrics=(metric_fn, [labels, prediction]))
    return spec if "use_tpu" in params else spec.as_estimator_spec()


class LossRecorder(tf1.train.SessionRunHook):
    def __init__(self):
        self.losses = []

    def before_run(self, run_context):
        return tf1.train.SessionRunArgs(tf1.get_collection(tf1.GraphKeys.LOSSES)[0])

    def after_run(self, run_context, run_values):
        self.losses.append(run_values.results)


def numpy_gradient_descent(steps, batch_size):
    """The losses of GD on the MSE from zeros, over X in order, batch_size at a time."""
    w, b, losses = np.zeros((3, 1)), 0.0, []
    for step in range(steps):
        rows = np.arange(step * batch_size, (step + 1) * batch_size) % len(X)
        x, y = X[rows].astype(np.float64), Y[rows].astype(np.float64)
        error = x @ w + b - y
        losses.append(np.mean(error ** 2))
        w -= LEARNING_RATE * 2 * x.T @ error / batch_size
        b -= LEARNING_RATE * 2 * error.mean()
    return np.array(losses), w, b


def tpu_estimator(model_dir, model_fn=linear_model_fn, **kwargs):
    config = T.RunConfig(model_dir=str(model_dir), tf_random_seed=3, save_checkpoints_steps=5,
                         tpu_config=T.TPUConfig(iterations_per_loop=kwargs.pop("iterations_per_loop", 2)))
    kwargs = {"use_tpu": False, "train_batch_size": 6, "eval_batch_size": 8, "predict_batch_size": 4, **kwargs}
    return T.TPUEstimator(model_fn, config=config, **kwargs)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The same model_fn trained 6 steps by a TPUEstimator (batch 6) and an Estimator (params batch 6)."""
    tpu, plain = LossRecorder(), LossRecorder()
    model = tpu_estimator(tmp_path_factory.mktemp("tpu")).train(input_fn, steps=6, hooks=[tpu])
    E.Estimator(linear_model_fn, str(tmp_path_factory.mktemp("plain")), E.RunConfig(tf_random_seed=3),
                params={"batch_size": 6}).train(input_fn, steps=6, hooks=[plain])
    return model, tpu.losses, plain.losses


def test_tpu_estimator_on_the_cpu_trains_as_an_estimator_and_as_numpy(trained):
    model, tpu_losses, plain_losses = trained
    expected, w, b = numpy_gradient_descent(6, 6)
    assert tpu_losses == plain_losses  # same model_fn, same batches: the same float32 numbers
    np.testing.assert_allclose(tpu_losses, expected, rtol=1e-5)
    np.testing.assert_allclose(model.get_variable_value("dense/kernel"), w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_variable_value("dense/bias"), [b], rtol=1e-5, atol=1e-6)


def test_checkpoint_names_and_the_global_step_as_tpu_estimator_made_it(trained, tmp_path):
    model = trained[0]
    assert model.get_variable_names() == ["dense/bias", "dense/kernel", "global_step"]
    assert model.get_variable_value("global_step") == 6
    assert model.latest_checkpoint().endswith("model.ckpt-6")
    graph = tf1.Graph()
    step = model._create_global_step(graph)
    assert step.op.name == "global_step" and step.dtype.base_dtype == tf1.int64 and step.op.type == "VarHandleOp"
    with pytest.raises(ValueError, match='"global_step" already exists'):
        model._create_global_step(graph)


def test_eval_metrics_and_loss_against_numpy_from_the_checkpoint(trained):
    model = trained[0]
    w, b = model.get_variable_value("dense/kernel"), model.get_variable_value("dense/bias")
    error = X @ w + b - Y
    result = model.evaluate(eval_input_fn)  # batches of 8: 24 examples, 3 equal batches
    assert sorted(result) == ["global_step", "loss", "mae"] and result["global_step"] == 6
    np.testing.assert_allclose(result["mae"], np.abs(error).mean(), rtol=1e-5)
    np.testing.assert_allclose(result["loss"], np.mean([np.mean(error[i:i + 8] ** 2) for i in (0, 8, 16)]), rtol=1e-5)
    predicted = [p["y"] for p in model.predict(eval_input_fn)]
    np.testing.assert_allclose(np.array(predicted), X @ w + b, rtol=1e-5, atol=1e-6)


def test_params_batch_size_per_mode_use_tpu_false_and_eval_metrics_as_a_dict(tmp_path):
    seen = []

    def input_fn_noting(params):
        seen.append(("input_fn", params.get("batch_size"), "use_tpu" in params))
        return input_fn(params) if "batch_size" in params else input_fn({"batch_size": 5})

    def model_fn(features, labels, mode, params):
        seen.append((mode, params.get("batch_size"), params["use_tpu"], features["x"].shape.as_list()[0]))
        prediction = tf1.layers.dense(features["x"], 1)
        if mode == E.ModeKeys.PREDICT:
            return T.TPUEstimatorSpec(mode, predictions=prediction)
        loss = tf1.losses.mean_squared_error(labels, prediction)
        step = tf1.assign_add(tf1.train.get_global_step(), 1)
        return T.TPUEstimatorSpec(mode, loss=loss, train_op=step,
                                  eval_metrics=(metric_fn, {"labels": labels, "predictions": prediction}))

    class HParamsLike(dict):  # an HParams-style params object: TF 1.15 set batch_size as an hparam
        def add_hparam(self, name, value):
            seen.append(("add_hparam", name))
            self[name] = value

        def set_hparam(self, name, value):
            self[name] = value

    model = tpu_estimator(tmp_path, model_fn, train_batch_size=4, eval_batch_size=None, predict_batch_size=2)
    model.train(input_fn_noting, steps=1)
    hparams_model = tpu_estimator(tmp_path / "hparams", model_fn, params=HParamsLike(lr=0.1))
    hparams_model.train(input_fn_noting, steps=1)
    assert seen[2:] == [("add_hparam", "batch_size"), ("input_fn", 6, False), ("add_hparam", "batch_size"),
                        ("add_hparam", "use_tpu"), ("train", 6, False, None)]
    del seen[2:]
    assert "mae" in model.evaluate(input_fn_noting, steps=1)
    next(model.predict(input_fn_noting))
    # input_fn's params: the mode's batch size, no use_tpu; model_fn's: the batch size and use_tpu False.
    # eval_batch_size=None: no batch_size in params (TF 1.15 left it out).
    assert seen == [("input_fn", 4, False), ("train", 4, False, None),
                    ("input_fn", None, False), ("eval", None, False, None),
                    ("input_fn", 2, False), ("infer", 2, False, None)]


def test_host_call_runs_every_step_and_writes_contrib_summaries_and_scaffold_fn_gives_the_scaffold(tmp_path):
    noted, scaffolds, recorder = [], [], LossRecorder()
    summary = Namespace("tensorflow.contrib.summary", loader=lambda: contrib_summary.names(ENV))
    assert summary.scalar is summary_ops_v2.scalar and summary.all_summary_ops is summary_ops_v2.all_v2_summary_ops
    with pytest.raises(TF1NameMissing, match="create_db_writer is not provided.*SQLite writers are gone"):
        summary.create_db_writer

    def model_fn(features, labels, mode, params):
        loss = tf1.reduce_mean(tf1.layers.dense(features["x"], 1) - labels)
        tf1.add_to_collection(tf1.GraphKeys.LOSSES, loss)
        train_op = tf1.train.GradientDescentOptimizer(0.01).minimize(loss, tf1.train.get_global_step())

        def host_call(loss):  # TF 1.15's pattern: tf.contrib.summary in a host_call
            with summary.create_file_writer(str(tmp_path / "host")).as_default(), summary.always_record_summaries():
                summary.scalar("host_loss", loss[0], step=tf1.train.get_global_step())
                return summary.all_summary_ops() + [tf1.py_func(lambda v: noted.append(float(v[0])) or 0.0,
                                                                [loss], tf1.float64)]

        def scaffold_fn():
            scaffolds.append(tf1.train.Scaffold(init_fn=lambda scaffold, session: scaffolds.append("init_fn ran")))
            return scaffolds[0]

        # host_call's tensors: batch-major, rank >= 1, here as a dict of keyword arguments
        return T.TPUEstimatorSpec(mode, loss=loss, train_op=train_op, scaffold_fn=scaffold_fn,
                                  host_call=(host_call, {"loss": tf1.reshape(loss, [1])}))

    tpu_estimator(tmp_path / "model", model_fn).train(input_fn, steps=3, hooks=[recorder])
    assert len(noted) == 3 and noted == pytest.approx(recorder.losses, rel=1e-6)  # fetched with each step
    written = [value.simple_value if value.HasField("simple_value") else tf1.make_ndarray(value.tensor)
               for path in (tmp_path / "host").iterdir() for record in tf1.io.tf_record_iterator(str(path))
               for value in event_pb2.Event.FromString(record).summary.value if value.tag == "host_loss"]
    assert written == pytest.approx(recorder.losses, rel=1e-6)  # the writer was initialized and flushed
    assert len(scaffolds) == 2 and scaffolds[1] == "init_fn ran"


def test_tpu_estimator_logs_examples_per_second_instead_of_the_loss(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="tensorflow")
    # log_step_count_steps 100 / iterations_per_loop 40: every ceil(2.5) = 3 steps, as TF 1.15 did
    model = tpu_estimator(tmp_path, iterations_per_loop=40)
    assert model._log_every_n_steps == 3 and model.config.log_step_count_steps is None
    model.train(input_fn, steps=7)
    messages = [r.getMessage() for r in caplog.records]
    assert "Running train on CPU" in messages
    rates = [m for m in messages if m.startswith(("global_step/sec: ", "examples/sec: "))]
    assert len(rates) == 4  # after steps 4 and 7 (the counter starts at the first step)
    sec = [float(m.split(": ")[1]) for m in rates]
    assert sec[1] == pytest.approx(6 * sec[0], rel=1e-4)  # examples/sec = train_batch_size * steps/sec
    assert not [m for m in messages if m.startswith("loss = ")]
    # Without train_batch_size: global_step/sec only (examples/sec needs the batch size).
    caplog.clear()
    config = T.RunConfig(model_dir=str(tmp_path / "unbatched"), log_step_count_steps=2,
                         tpu_config=T.TPUConfig(iterations_per_loop=1))
    T.TPUEstimator(linear_model_fn, config=config, use_tpu=False).train(lambda params: input_fn({"batch_size": 3}),
                                                                        steps=5)
    rates = [r.getMessage().split(":")[0] for r in caplog.records if "/sec: " in r.getMessage()]
    assert rates == ["global_step/sec", "global_step/sec"]  # after steps 3 and 5


def test_tpu_configs_check_their_arguments_as_tf1():
    per_host = T.TPUConfig(per_host_input_for_training=True).per_host_input_for_training
    assert per_host == T.InputPipelineConfig.PER_HOST_V1
    assert T.TPUConfig(per_host_input_for_training=False).per_host_input_for_training == 1
    assert T.TPUConfig().iterations_per_loop == 2 and T.InputPipelineConfig.PER_HOST_V2 == 3
    assert T.TPUConfig(iterations_per_loop="10s").iterations_per_loop == "10s"
    with pytest.raises(ValueError, match="num_cores_per_replica must be 1, 2, 4, 8, 16, 32, 64, 128; got 3"):
        T.TPUConfig(num_cores_per_replica=3)
    with pytest.raises(ValueError, match="TPUConfig num_shards must be positive integer"):
        T.TPUConfig(num_shards=0)
    with pytest.raises(ValueError, match="iterations_per_loop"):
        T.TPUConfig(iterations_per_loop="ten")
    config = T.RunConfig(save_checkpoints_steps=7, tpu_config=T.TPUConfig(iterations_per_loop=5))
    assert config.master == "" and config.cluster is None and config.save_checkpoints_steps == 7
    assert config.replace(tpu_config=T.TPUConfig(9)).tpu_config.iterations_per_loop == 9
    assert config.replace(keep_checkpoint_max=1).tpu_config.iterations_per_loop == 5
    with pytest.raises(ValueError, match="`config` must be provided with type `tpu_config.RunConfig`"):
        T.TPUEstimator(linear_model_fn, config=E.RunConfig(), use_tpu=False)
    with pytest.raises(ValueError, match=r"\['batch_size', 'context'\] are reserved keys"):
        T.TPUEstimator(linear_model_fn, config=config, use_tpu=False, params={"batch_size": 3})
    with pytest.raises(RuntimeError, match="length of tensors 1 does not match method args"):
        T.TPUEstimatorSpec("eval", eval_metrics=(metric_fn, [tf1.constant(1.0)]))
    with pytest.raises(ValueError, match="eval_metrics should have two elements"):
        T.TPUEstimatorSpec("eval", eval_metrics=(metric_fn,))


def test_input_fn_without_params_is_tf1s_error(tmp_path):
    with pytest.raises(ValueError, match=r"does not include params argument, required by TPUEstimator"):
        tpu_estimator(tmp_path).train(lambda: input_fn({"batch_size": 2}), steps=1)


def test_a_tpu_is_refused_in_one_line_naming_use_tpu_false(tmp_path):
    with pytest.raises(TF1NameMissing, match=r"TPUEstimator\(use_tpu=True\) is not provided.*use_tpu=False"):
        T.TPUEstimator(linear_model_fn, config=T.RunConfig(), train_batch_size=8)  # TF 1.15's default use_tpu
    contrib = Namespace("tensorflow.contrib.cluster_resolver", loader=lambda: contrib_tpu.cluster_resolver_names(ENV))
    distribute = Namespace("tensorflow.distribute.cluster_resolver",
                           loader=lambda: contrib_tpu.distribute_cluster_resolver_names(ENV))
    for names in (contrib, distribute):
        with pytest.raises(TF1NameMissing, match=r"TPUClusterResolver is not provided.*use_tpu=False"):
            names.TPUClusterResolver("my-tpu")
    assert contrib.SimpleClusterResolver is tf1.distribute.cluster_resolver.SimpleClusterResolver
    with pytest.raises(TF1NameMissing, match=r"RunConfig\(master=\.\.\.\).*no TPU or remote master"):
        T.RunConfig(master="grpc://10.0.0.2:8470")
    tpu = Namespace("tensorflow.contrib.tpu", loader=lambda: contrib_tpu.names(ENV))
    with pytest.raises(TF1NameMissing, match=r"tensorflow\.contrib\.tpu\.rewrite is not provided.*use_tpu=False"):
        tpu.rewrite(lambda: None)
    with pytest.raises(TF1NameMissing, match=r"contrib\.tpu\.keras_to_tpu_model is not provided"):
        tpu.keras_to_tpu_model(None)
    with pytest.raises(TF1NameMissing, match=r"contrib\.tpu\.TPUEmbedding is not provided.*CrossShardOptimizer"):
        tpu.TPUEmbedding
    assert "use tf.contrib.tpu.TPUEstimator with use_tpu=False" in str(
        TF1NameMissing("tensorflow.contrib.tpu.python.tpu.tpu_config"))  # `from ... import` of TF's internals
    tpu_names = estimator.tpu_names(ENV)
    assert tpu_names["TPUEstimator"] is T.TPUEstimator and tpu_names["RunConfig"] is T.RunConfig


def test_cross_shard_optimizer_is_the_wrapped_optimizer_on_one_shard():
    with tf1.Graph().as_default(), tf1.Session() as sess:
        v = tf1.get_variable("v", initializer=[1.0, -2.0], use_resource=False)
        loss = tf1.reduce_sum(v ** 2)
        optimizer = T.CrossShardOptimizer(tf1.train.GradientDescentOptimizer(0.25))
        assert isinstance(optimizer, tf1.train.Optimizer)
        step = optimizer.minimize(loss)
        sess.run(tf1.global_variables_initializer())
        sess.run(step)
        np.testing.assert_allclose(sess.run(v), [1.0 - 0.25 * 2, -2.0 + 0.25 * 4])  # v - lr * 2v
    with pytest.raises(ValueError, match="Unsupported reduction: none"):
        T.CrossShardOptimizer(tf1.train.GradientDescentOptimizer(0.1), reduction="none")


def test_the_names_bert_reaches_on_the_way():
    """tf.contrib.data's interleave / map_and_batch are tf.data.experimental's; tf.contrib.layers.layer_norm
    is tf-slim's, with TF1's variable names and numbers; bfloat16_scope is tf.compat.v1.tpu's."""
    data = contrib_data.names(ENV)
    assert data["parallel_interleave"] is tf1.data.experimental.parallel_interleave
    assert data["map_and_batch"] is tf1.data.experimental.map_and_batch
    assert T.bfloat16_scope is tf1.tpu.bfloat16_scope
    layer_norm = contrib_layers.names(ENV)["layer_norm"]
    x = RNG.randn(2, 4).astype(np.float32)
    with tf1.Graph().as_default(), tf1.Session() as sess:
        with tf1.variable_scope("output"):
            y = layer_norm(tf1.constant(x), begin_norm_axis=-1, begin_params_axis=-1)
        sess.run(tf1.global_variables_initializer())
        assert sorted(v.op.name for v in tf1.global_variables()) == ["output/LayerNorm/beta", "output/LayerNorm/gamma"]
        expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12)
        np.testing.assert_allclose(sess.run(y), expected, rtol=1e-4, atol=1e-5)


def test_contrib_metrics_streaming_concat_covariance_and_pearson_against_numpy():
    """Three batches of (predictions, labels, weights): the streamed values after each update against
    numpy on everything seen so far; contrib's (predictions, labels) order for tf.metrics' names."""
    M = Namespace("tensorflow.contrib.metrics", loader=lambda: contrib_metrics.names(ENV))
    rng = np.random.RandomState(1)
    p, l = rng.randn(3, 4).astype(np.float32), rng.randn(3, 4).astype(np.float32)
    l += p  # correlated
    w = rng.uniform(0.5, 2.0, (3, 4)).astype(np.float32)

    def weighted_cov(a, b, weights):
        ma, mb = np.average(a, weights=weights), np.average(b, weights=weights)
        return np.sum(weights * (a - ma) * (b - mb)) / (weights.sum() - 1)

    with tf1.Graph().as_default(), tf1.Session() as sess:
        pp, ll, ww = (tf1.placeholder(tf1.float32, [None]) for _ in range(3))
        concat, concat_update = M.streaming_concat(tf1.reshape(pp, [-1, 2]), max_size=5)
        cov, cov_update = M.streaming_covariance(pp, ll, weights=ww)
        r, r_update = M.streaming_pearson_correlation(pp, ll)
        accuracy, accuracy_update = M.streaming_accuracy(tf1.round(pp), tf1.round(ll))
        auc_args = M.streaming_auc.__code__.co_varnames[:2]
        sess.run(tf1.local_variables_initializer())
        assert np.isnan(sess.run(cov))  # no data yet: NaN, as TF 1.15
        for k in range(3):
            feed = {pp: p[k], ll: l[k], ww: w[k]}
            sess.run([concat_update, cov_update, r_update, accuracy_update], feed)
            seen_p, seen_l, seen_w = p[:k + 1].ravel(), l[:k + 1].ravel(), w[:k + 1].ravel()
            np.testing.assert_allclose(sess.run(cov), weighted_cov(seen_p, seen_l, seen_w), rtol=1e-4)
            np.testing.assert_allclose(sess.run(r), np.corrcoef(seen_p, seen_l)[0, 1], rtol=1e-4)
            np.testing.assert_array_equal(sess.run(concat), seen_p.reshape(-1, 2)[:5])  # max_size 5 rows
            np.testing.assert_allclose(sess.run(accuracy), np.mean(np.round(seen_p) == np.round(seen_l)))
        assert concat.shape.as_list() == [None, 2]
    assert auc_args == ("predictions", "labels")
    with pytest.raises(TF1NameMissing, match=r"streaming_sparse_precision_at_k is not provided.*tf\.metrics\.X"):
        M.streaming_sparse_precision_at_k


@pytest.fixture(scope="module")
def bert_style_run():
    return run_script("tpu_bert_classifier.py", seed=0)


def test_a_bert_style_classifier_script_trains_evaluates_predicts_and_restarts_from_its_checkpoint(bert_style_run):
    proc = bert_style_run
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    evaluation = dict(item.split("=") for item in lines["eval"].split())
    assert evaluation["global_step"] == "80" and float(evaluation["eval_accuracy"]) > 0.9
    count, _, accuracy = lines["predicted"].split()
    assert count == "64" and float(accuracy) == pytest.approx(float(evaluation["eval_accuracy"]))
    names = lines["variables"].split()
    assert "global_step" in names and "bert/encoder/layer_0/LayerNorm/gamma" in names
    assert "bert/embeddings/word_embeddings" in names
    assert lines["batch_sizes"] == "input_fn:16 train:16 input_fn:8 eval:8 input_fn:4 infer:4"
    assert lines["use_tpu_params"] == "[False]"
    # The second TPUEstimator's scaffold_fn loaded every weight: the same loss before any training.
    restarted = dict(item.split("=") for item in lines["from_checkpoint"].split())
    assert restarted["global_step"] == "0" and restarted["loss"] == evaluation["loss"]


def test_the_report_table_names_a_tf2_replacement_for_each_tpu_name():
    from rnn_tf1.tf1 import report
    names = ["tf.contrib.tpu." + n for n in ("TPUEstimator", "TPUEstimatorSpec", "RunConfig", "TPUConfig",
                                             "InputPipelineConfig", "CrossShardOptimizer", "bfloat16_scope")]
    names += ["tf.estimator.tpu.TPUEstimator", "tf.contrib.cluster_resolver.TPUClusterResolver",
              "tf.contrib.data.map_and_batch", "tf.contrib.data.parallel_interleave"]
    assert [n for n in names if report.table_key(n) is None] == []
    assert report.table_key("tf.estimator.tpu.TPUEstimator") == "tf.contrib.tpu.TPUEstimator"
