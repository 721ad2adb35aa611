"""tf.estimator (rnn_tf1/tf1/estimator/): TF 1.15's Estimator in the model_fn style, checked for its
numbers (evaluate's loss and metrics against numpy from the checkpoint's weights, predictions
against x @ W + b), checkpoint names and resume, numpy_input_fn's batches, TF1's errors, and an
MNIST script run twice under `rnn-tf1 run --seed`."""
import rnn_tf1  # noqa: F401  (TF_USE_LEGACY_KERAS before TensorFlow)
import logging
import os
import re

import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import Env, TF1NameMissing, estimator
from rnn_tf1.tf1.hints import hint_for
from rnn_tf1.tf1.namespace import Namespace
from test_run_script import run_script

tf1 = tf.compat.v1
E = type("E", (), {**estimator.names(Env(tf1)), **estimator.inputs_names(Env(tf1))})

RNG = np.random.RandomState(0)
X = RNG.randn(100, 3).astype(np.float32)  # (examples, features)
W_TRUE = np.array([[1.0], [-2.0], [0.5]], np.float32)
Y = X @ W_TRUE + 0.3  # (examples, 1)


def linear_model_fn(features, labels, mode):
    """A linear regression: `dense/kernel`, `dense/bias`, MSE loss, an MAE metric."""
    prediction = tf1.layers.dense(features["x"], 1)
    if mode == E.ModeKeys.PREDICT:
        return E.EstimatorSpec(mode, predictions={"y": prediction, "twice": 2 * prediction})
    loss = tf1.losses.mean_squared_error(labels, prediction)
    train_op = tf1.train.GradientDescentOptimizer(0.1).minimize(loss, tf1.train.get_global_step())
    return E.EstimatorSpec(mode, loss=loss, train_op=train_op,
                           eval_metric_ops={"mae": tf1.metrics.mean_absolute_error(labels, prediction)})


def dataset_input_fn():
    return tf1.data.Dataset.from_tensor_slices(({"x": X}, Y)).repeat().batch(10)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A linear Estimator trained 3 + 3 steps from a Dataset input_fn (two train calls)."""
    model_dir = str(tmp_path_factory.mktemp("linear"))
    model = E.Estimator(linear_model_fn, model_dir, E.RunConfig(tf_random_seed=1, save_checkpoints_steps=2,
                                                                keep_checkpoint_max=2))
    steps = [int(model.train(dataset_input_fn, steps=3).get_variable_value("global_step"))]
    steps.append(int(model.train(dataset_input_fn, steps=3).get_variable_value("global_step")))
    return model, steps


def test_train_resumes_checkpoints_by_tf1_names_and_keeps_the_newest(trained, caplog):
    model, steps = trained
    assert steps == [3, 6]  # the second train(steps=3) continued from step 3
    assert model.get_variable_names() == ["dense/bias", "dense/kernel", "global_step"]
    assert model.latest_checkpoint() == os.path.join(model.model_dir, "model.ckpt-6")
    kept = sorted(f for f in os.listdir(model.model_dir) if f.endswith(".index"))
    # The second call saved at its start (3), 2 steps on (5) and at its end (6); keep_checkpoint_max=2.
    assert kept == ["model.ckpt-5.index", "model.ckpt-6.index"]
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        assert model.train(dataset_input_fn, max_steps=6) is model
    assert "Skipping training since max_steps has already saved." in caplog.text
    assert model.get_variable_value("global_step") == 6
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps."):
        model.train(dataset_input_fn, steps=1, max_steps=10)


def test_evaluate_loss_is_the_mean_batch_loss_from_the_checkpoints_weights(trained):
    """100 examples in batches of 32: 32, 32, 32, 4; one pass (num_epochs=1) ends evaluate.
    `loss` is TF1's mean over batches of the batch loss; MAE is over all 100 examples."""
    model, _ = trained
    result = model.evaluate(E.numpy_input_fn({"x": X}, Y, batch_size=32, shuffle=False))
    assert sorted(result) == ["global_step", "loss", "mae"] and result["global_step"] == 6
    kernel, bias = model.get_variable_value("dense/kernel"), model.get_variable_value("dense/bias")
    errors = (X @ kernel + bias - Y)[:, 0]  # (examples,)
    batch_losses = [np.mean(errors[i:i + 32] ** 2) for i in range(0, 100, 32)]
    assert result["loss"] == pytest.approx(np.mean(batch_losses), rel=1e-5)
    assert abs(np.mean(batch_losses) - np.mean(errors ** 2)) > 1e-3  # the short batch weighs as much
    assert result["mae"] == pytest.approx(np.mean(np.abs(errors)), rel=1e-5)
    assert isinstance(result["loss"], np.float32) and isinstance(result["global_step"], np.int64)
    steps = model.evaluate(E.numpy_input_fn({"x": X}, Y, batch_size=32, shuffle=False), steps=1, name="one")
    assert steps["loss"] == pytest.approx(batch_losses[0], rel=1e-5)
    assert os.listdir(os.path.join(model.model_dir, "eval_one"))  # its events file


def test_predict_yields_each_examples_dict_filtered_by_predict_keys(trained):
    model, _ = trained
    kernel, bias = model.get_variable_value("dense/kernel"), model.get_variable_value("dense/bias")
    predict_input = E.numpy_input_fn({"x": X[:7]}, batch_size=3, shuffle=False)
    rows = list(model.predict(predict_input, predict_keys=["y"]))
    assert len(rows) == 7 and all(list(row) == ["y"] for row in rows)
    np.testing.assert_allclose(np.stack([row["y"] for row in rows]), X[:7] @ kernel + bias, rtol=1e-5)
    batches = list(model.predict(predict_input, yield_single_examples=False))
    assert [len(b["twice"]) for b in batches] == [3, 3, 1]
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        list(model.predict(predict_input, predict_keys=["nope"]))


def test_numpy_input_fn_batches_epochs_shuffle_and_tf1s_errors():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    with tf.Graph().as_default(), tf1.Session() as sess:
        features, labels = E.numpy_input_fn(x, {"b": x * 2, "a": x * 3}, batch_size=4, shuffle=False)()
        assert sorted(labels) == ["a", "b"] and features.shape.as_list() == [None, 1]
        batches = []
        try:
            while True:
                batches.append(sess.run([features, labels]))
        except tf.errors.OutOfRangeError:
            pass
        assert [len(f) for f, _ in batches] == [4, 4, 2]  # TF1's dequeue_up_to: the last batch is short
        np.testing.assert_array_equal(np.concatenate([f for f, _ in batches]), x)
        np.testing.assert_array_equal(np.concatenate([l["a"] for _, l in batches]), x * 3)
        twice = E.numpy_input_fn({"x": x}, batch_size=4, num_epochs=2, shuffle=True)()["x"]
        drawn = np.concatenate([sess.run(twice) for _ in range(5)])[:, 0]  # 20 examples: two epochs
        assert sorted(drawn) == sorted(np.tile(x[:, 0], 2)) and list(drawn) != list(np.tile(x[:, 0], 2))
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(twice)
        forever = E.numpy_input_fn({"x": x}, batch_size=4, num_epochs=None, shuffle=False)()
        assert forever["x"].shape.as_list() == [4, 1]  # full batches, TF1's dequeue_many
        wrapped = np.concatenate([sess.run(forever["x"]) for _ in range(3)])[:, 0]
        np.testing.assert_array_equal(wrapped, np.tile(x[:, 0], 2)[:12])  # on into the next epoch
    with pytest.raises(ValueError, match="shuffle must be provided"):
        E.numpy_input_fn(x)
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        E.numpy_input_fn(x, x[:5], shuffle=False)()
    with pytest.raises(ValueError, match="duplicate keys are found in both x and y"):
        E.numpy_input_fn({"a": x}, {"a": x}, shuffle=False)()


def test_model_fn_gets_the_arguments_it_names(tmp_path):
    seen = []

    def model_fn(features, mode, params, config):  # no labels: the input gives none
        seen.append((mode, params, config.model_dir))
        weight = tf1.get_variable("w", [1], initializer=tf1.ones_initializer())
        loss = tf1.reduce_mean(features * weight)
        with tf1.control_dependencies([loss]):  # a step only when a batch came
            train_op = tf1.assign_add(tf1.train.get_global_step(), 1)
        return E.EstimatorSpec(mode, loss=loss, predictions=features * weight, train_op=train_op)

    def features_only(mode, params):  # input_fn too gets what it names
        seen.append(("input", mode, params))
        return tf1.data.Dataset.from_tensor_slices(np.ones((4, 1), np.float32)).batch(2)

    model = E.Estimator(model_fn, str(tmp_path), params={"p": 1})
    model.train(features_only)  # until the Dataset's end: 2 batches
    assert model.get_variable_value("global_step") == 2
    assert [list(p) for p in model.predict(features_only)] == [[1.0]] * 4
    assert seen == [("input", "train", {"p": 1}), ("train", {"p": 1}, str(tmp_path)),
                    ("input", "infer", {"p": 1}), ("infer", {"p": 1}, str(tmp_path))]
    with pytest.raises(ValueError, match="model_fn does not take labels, but input_fn returns labels."):
        model.train(lambda: (tf1.ones([2, 1]), tf1.ones([2, 1])), steps=1)
    with pytest.raises(ValueError, match="must include features argument"):
        E.Estimator(lambda mode: None)
    with pytest.raises(ValueError, match="does not include params argument"):
        E.Estimator(lambda features: None, params={"p": 1})
    with pytest.raises(ValueError, match="not expected args"):
        E.Estimator(lambda features, extra: None)


def test_estimator_spec_validates_as_tf1():
    assert E.ModeKeys.TRAIN == "train" and E.ModeKeys.EVAL == "eval" and E.ModeKeys.PREDICT == "infer"
    assert E.EstimatorSpec._fields[:4] == ("mode", "predictions", "loss", "train_op")
    with tf.Graph().as_default():
        loss = tf1.constant([2.0])
        with pytest.raises(ValueError, match="Missing train_op."):
            E.EstimatorSpec("train", loss=loss)
        with pytest.raises(ValueError, match="Missing loss."):
            E.EstimatorSpec("eval")
        with pytest.raises(ValueError, match="Missing predictions."):
            E.EstimatorSpec("infer")
        with pytest.raises(ValueError, match="Loss must be scalar"):
            E.EstimatorSpec("eval", loss=tf1.constant([1.0, 2.0]))
        with pytest.raises(TypeError, match=r"\(metric_value, update_op\) tuples"):
            E.EstimatorSpec("eval", loss=loss, eval_metric_ops={"m": loss})
        spec = E.EstimatorSpec("eval", loss=loss)
        assert spec.loss.shape.as_list() == [] and spec.predictions == {} and spec.eval_metric_ops == {}
    config = E.RunConfig()
    assert (config.save_checkpoints_secs, config.save_checkpoints_steps, config.keep_checkpoint_max) == (600, None, 5)
    assert config.replace(save_checkpoints_steps=10).save_checkpoints_secs is None
    with pytest.raises(ValueError, match="cannot be both set"):
        E.RunConfig(save_checkpoints_steps=1, save_checkpoints_secs=1)


def test_train_and_evaluate_evaluates_after_checkpoints_and_returns_the_last(tmp_path, caplog):
    model = E.Estimator(linear_model_fn, str(tmp_path), E.RunConfig(save_checkpoints_steps=4))
    eval_spec = E.EvalSpec(E.numpy_input_fn({"x": X}, Y, batch_size=50, shuffle=False), steps=None, throttle_secs=1)
    with caplog.at_level(logging.INFO, logger="tensorflow"):
        metrics, exports = E.train_and_evaluate(model, E.TrainSpec(dataset_input_fn, max_steps=6), eval_spec)
    assert metrics["global_step"] == 6 and exports == []
    assert metrics["loss"] == pytest.approx(model.evaluate(eval_spec.input_fn)["loss"], rel=1e-6)
    evaluated = [int(s) for s in re.findall(r"Saving dict for global step (\d+):", caplog.text)]
    assert evaluated == [4, 6]  # after checkpoint 4 (not the first, 0), and at the end
    with pytest.raises(ValueError, match="throttle_secs should be positive"):
        E.train_and_evaluate(model, E.TrainSpec(dataset_input_fn), E.EvalSpec(dataset_input_fn, throttle_secs=0))


def test_what_is_not_provided_ends_with_one_line_naming_the_replacement(tmp_path):
    names = Namespace("tensorflow.estimator", loader=lambda: estimator.names(Env(tf1)))
    with pytest.raises(TF1NameMissing, match=r"DNNClassifier is not provided.*keras\.Sequential of keras\.layers\.Dense"):
        names.DNNClassifier
    with pytest.raises(TF1NameMissing, match="BoostedTreesRegressor.*YDF: pip install ydf"):
        names.BoostedTreesRegressor
    with pytest.raises(TF1NameMissing, match=r"warm_start_from=\.\.\.\).*init_from_checkpoint"):
        E.Estimator(linear_model_fn, str(tmp_path), warm_start_from=str(tmp_path))
    with pytest.raises(TF1NameMissing, match=r"RunConfig\(train_distribute=\.\.\.\).*one local process"):
        E.RunConfig(train_distribute=object())
    with pytest.raises(TF1NameMissing, match="exporters"):
        E.EvalSpec(dataset_input_fn, exporters=[object()])
    with pytest.raises(TF1NameMissing, match="pandas is not a dependency"):
        E.pandas_input_fn(None)
    with pytest.raises(TF1NameMissing, match="simple_save"):
        E.Estimator(linear_model_fn, str(tmp_path)).export_savedmodel(str(tmp_path), None)
    with pytest.raises(ValueError, match="Could not find trained model in model_dir"):
        E.Estimator(linear_model_fn, str(tmp_path)).get_variable_names()
    assert "tf.estimator are gone" not in hint_for("tensorflow.contrib.learn.Estimator")
    assert "tf.estimator.Estimator" in hint_for("tensorflow.contrib.learn.Estimator")


def test_the_report_table_names_a_keras_replacement_for_each_estimator_name():
    from rnn_tf1.tf1 import report
    names = ["Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "TrainSpec", "EvalSpec", "train_and_evaluate",
             "inputs.numpy_input_fn"]
    assert set(names[:-1]) <= set(estimator.names(Env(tf1)))
    assert [n for n in names if report.table_key("tf.estimator." + n) is None] == []


def test_an_estimator_script_on_mnist_learns_resumes_and_repeats_seeded():
    """train 200 + 50 steps, evaluate on 2000 test images, predict 8; the second run keeps TF's
    default verbosity (TF 1.x: WARN and above) and must print the same stdout."""
    runs = [run_script("estimator_mnist_mlp.py", seed=0, script_args=args) for args in (["200"], ["200", "quiet"])]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[1].returncode == 0, runs[1].stderr
    assert runs[0].stdout == runs[1].stdout
    lines = dict(line.split(" ", 1) for line in runs[0].stdout.splitlines())
    out = runs[0].stdout
    assert "global_step after first train 200\n" in out and "global_step after second train 250\n" in out
    evaluation = dict(item.split("=") for item in lines["evaluate"].split())
    assert sorted(evaluation) == ["accuracy", "global_step", "loss"] and evaluation["global_step"] == "250"
    assert lines["step"] == "dict {'global_step': 250}"  # numpy 1's scalar repr (habits.py), not np.int64(250)
    assert float(evaluation["accuracy"]) > 0.85 and float(evaluation["loss"]) < 0.6
    assert lines["variables"] == "global_step hidden/bias hidden/kernel logits/bias logits/kernel"
    predicted, labels = lines["predicted"].split(), lines["labels"].split()
    assert sum(p == l for p, l in zip(predicted, labels)) >= 6
    assert lines["probabilities"] == "sum 8.0"
    info = runs[0].stderr
    assert re.search(r"INFO:tensorflow:loss = [0-9.]+, step = 1\n", info)
    assert "INFO:tensorflow:Saving checkpoints for 250 into " in info and "Loss for final step: " in info
    assert "INFO:tensorflow:Restoring parameters from " in info  # the second train, evaluate, predict
    assert "INFO:tensorflow:" not in runs[1].stderr
