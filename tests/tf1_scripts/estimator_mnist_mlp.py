"""A small MNIST MLP written the TF1 Estimator way, for rnn_tf1's tests of `rnn-tf1 run` (written for
this project): a model_fn with tf.layers.dense returning an EstimatorSpec per mode, numpy_input_fn
inputs, train in two calls (the second resumes at the global step the first saved), evaluate on
held-out images, predict a few.  The first argument, if any, is the number of steps of the first
train call (the second trains a quarter as many); a second argument `quiet` leaves TF's logging
at its default verbosity.  Prints the global step after each call, the
evaluation's dict, the checkpoint's variables and the predicted digits."""
from __future__ import print_function

import sys
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
if "quiet" not in sys.argv[2:]:  # TF 1.x showed an Estimator's INFO lines only after this call
    tf.logging.set_verbosity(tf.logging.INFO)
mnist = input_data.read_data_sets("/tmp/data/", one_hot=False)


def model_fn(features, labels, mode, params):
    hidden = tf.layers.dense(features["images"], params["hidden"], activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 10, name="logits")
    predictions = {"classes": tf.argmax(logits, axis=1), "probabilities": tf.nn.softmax(logits)}
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions=predictions)
    labels = tf.cast(labels, tf.int32)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    train_op = tf.train.AdamOptimizer(params["learning_rate"]).minimize(loss, global_step=tf.train.get_global_step())
    accuracy = tf.metrics.accuracy(labels=labels, predictions=predictions["classes"])
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops={"accuracy": accuracy})


config = tf.estimator.RunConfig(save_checkpoints_steps=100, log_step_count_steps=50)
model = tf.estimator.Estimator(model_fn, model_dir=tempfile.mkdtemp(prefix="estimator-mnist-"), config=config,
                               params={"hidden": 64, "learning_rate": 1e-3})

train_input = tf.estimator.inputs.numpy_input_fn(x={"images": mnist.train.images}, y=mnist.train.labels,
                                                 batch_size=100, num_epochs=None, shuffle=True)
model.train(train_input, steps=steps)
print("global_step after first train", model.get_variable_value("global_step"))
model.train(train_input, steps=steps // 4)
print("global_step after second train", model.get_variable_value("global_step"))

eval_input = tf.compat.v1.estimator.inputs.numpy_input_fn(x={"images": mnist.test.images[:2000]},
                                                y=mnist.test.labels[:2000], batch_size=128, shuffle=False)
result = model.evaluate(eval_input)
print("evaluate", " ".join("%s=%s" % (key, result[key]) for key in sorted(result)))
print("step dict", {"global_step": result["global_step"]})
print("variables", " ".join(name for name in model.get_variable_names() if "Adam" not in name
                            and "power" not in name))

predict_input = tf.estimator.inputs.numpy_input_fn(x={"images": mnist.test.images[:8]}, shuffle=False)
predicted = [p["classes"] for p in model.predict(predict_input, predict_keys=["classes"])]
print("predicted", " ".join(str(c) for c in predicted))
print("labels", " ".join(str(c) for c in mnist.test.labels[:8]))
print("probabilities sum", np.round(sum(p["probabilities"].sum() for p in model.predict(predict_input)), 4))
