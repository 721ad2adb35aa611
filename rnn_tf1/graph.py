"""The tutorial's TF1 graph: placeholders, BasicLSTMCell + static_rnn, softmax cross-entropy.

`build_model(config)` builds it in a fresh `tf.Graph()` and returns a `Model`
of named handles (`X`, `Y`, `loss`, `accuracy`, `train_op`, `init`, ...); the
trainer only `session.run`s those handles.
"""
from __future__ import annotations

import logging
import warnings
from typing import NamedTuple

from rnn_tf1 import tf_env
from rnn_tf1.config import Config
from rnn_tf1.errors import UserError

tf_env.one_arithmetic()  # the AVX2 kernels on every x86-64 CPU, for the library's users too (the notebook)
import tensorflow as tf  # noqa: E402  (after tf_env)

from rnn_tf1 import block_lstm  # noqa: E402

tf1 = tf.compat.v1

# The TF1 API this project exists to run announces its own deprecation on every
# use; those notices are known and say nothing about the run.
tf.get_logger().setLevel(logging.ERROR)
warnings.filterwarnings(
    "ignore", message=r".*`tf\.nn\.rnn_cell\.(BasicLSTMCell|GRUCell|BasicRNNCell)` is deprecated",
    category=UserWarning)


class Model(NamedTuple):
    graph: tf.Graph
    X: tf.Tensor            # (batch, timesteps, num_input) float32 images, one row per time step
    Y: tf.Tensor            # (batch, num_classes) float32 one-hot labels
    logits: tf.Tensor       # (batch, num_classes)
    prediction: tf.Tensor   # softmax(logits)
    loss: tf.Tensor         # scalar: mean softmax cross-entropy
    accuracy: tf.Tensor     # scalar: fraction of argmax(prediction) == argmax(Y)
    train_op: tf.Operation | None  # one optimizer step on `loss` (None in an inference graph)
    init: tf.Operation      # global_variables_initializer
    saver: tf1.train.Saver  # all global variables (optimizer slots included in a training graph)
    summaries: tf.Tensor    # serialized Summary: minibatch_loss and training_accuracy scalars
    all_finite: tf.Tensor   # bool scalar: no NaN or infinity in any trainable variable
    outputs: list           # timesteps x (batch, num_hidden): static_rnn's hidden states h_1..h_T
    grad_norm: tf.Tensor | None  # scalar: global norm of the step's gradient, before any clipping (training graph)


PLAIN_MATMUL_GRAD = "RnnTf1PlainMatMul"


@tf.RegisterGradient(PLAIN_MATMUL_GRAD)
def _plain_matmul_grad(op: tf.Operation, grad: tf.Tensor):
    """MatMul's gradient as TensorFlow defines it, for a = op.inputs[0], b = op.inputs[1] (no
    transpose flags): dL/da = grad @ b.T and dL/db = a.T @ grad, but with b.T and a.T made as
    their own tensors (block_lstm.transpose) so both are plain matmuls.  TensorFlow's own
    gradient uses transpose_a / transpose_b products, which this CPU build runs much slower
    for these shapes; the values are the same products of the same numbers.
    """
    if op.get_attr("transpose_a") or op.get_attr("transpose_b"):  # not in the tutorial's forward pass
        from tensorflow.python.ops import math_grad
        return math_grad._MatMulGrad(op, grad)
    a, b = op.inputs
    return (tf.raw_ops.MatMul(a=grad, b=block_lstm.transpose(b), grad_a=True),
            tf.raw_ops.MatMul(a=block_lstm.transpose(a), b=grad, grad_b=True))


def _check_tf_environment() -> None:
    if tf_env.IMPORTED_TOO_EARLY:
        raise UserError("TensorFlow was imported before rnn_tf1 without TF_USE_LEGACY_KERAS=1; "
                        "import rnn_tf1 first (or set TF_USE_LEGACY_KERAS=1) so BasicLSTMCell exists")


def as_sequences(images, config: Config):
    """(batch, 784) -> (batch, timesteps, num_input): each image row is one time step (the X feed)."""
    return images.reshape((-1, config.timesteps, config.num_input))


def make_cell(config: Config) -> tf1.nn.rnn_cell.RNNCell:
    """The recurrent cell: the tutorial's BasicLSTMCell, or GRUCell / BasicRNNCell for the experiments."""
    # activation=None is each cell's own tanh; only relu is passed in, so the tutorial's cell
    # is constructed exactly as the tutorial constructs it.
    activation = tf.nn.relu if config.activation == "relu" else None
    if config.cell == "gru":
        return tf1.nn.rnn_cell.GRUCell(config.num_hidden, activation=activation)
    if config.cell == "rnn":
        return tf1.nn.rnn_cell.BasicRNNCell(config.num_hidden, activation=activation)
    return tf1.nn.rnn_cell.BasicLSTMCell(config.num_hidden, forget_bias=config.forget_bias,
                                         activation=activation)


def rnn_outputs(x: tf.Tensor, cell: tf1.nn.rnn_cell.RNNCell, config: Config) -> list[tf.Tensor]:
    """static_rnn over the image rows: timesteps x (batch, num_hidden) hidden states h_1..h_T.

    With `config.bptt_truncate` = K > 0 the sequence is run as two static_rnn calls
    sharing the cell, and the state handed from step T-K to step T-K+1 goes through
    tf.stop_gradient: the forward values are unchanged, and gradients flow back
    through the last K time steps only (the loss reads h_T alone).
    """
    # (batch, 28, 28) -> 28 x (batch, 28): one tensor per image row = per time step.
    inputs = tf.unstack(x, config.timesteps, axis=1)
    # TF 1.x gave the kernel (created with no initializer) glorot-uniform values seeded from
    # the graph seed.  tf-keras falls back to a Keras initializer with an unseeded random
    # seed instead, so a seeded run would not repeat; the scope's initializer restores TF1's
    # (biases keep their explicit initializers).  Re-entering the current scope keeps the names.
    with tf1.variable_scope(tf1.get_variable_scope(), initializer=tf1.glorot_uniform_initializer()):
        if config.bptt_truncate in (0, config.timesteps):  # full BPTT
            # variables rnn/basic_lstm_cell/{kernel,bias} (the tutorial's call)
            outputs, _ = tf1.nn.static_rnn(cell, inputs, dtype=tf.float32)
            return outputs
        cut = config.timesteps - config.bptt_truncate
        with tf1.variable_scope("rnn") as scope:
            early, state = tf1.nn.static_rnn(cell, inputs[:cut], dtype=tf.float32, scope=scope)
            state = tf.nest.map_structure(tf.stop_gradient, state)
            late, _ = tf1.nn.static_rnn(cell, inputs[cut:], initial_state=state, scope=scope)
        return early + late


def rnn_logits(x: tf.Tensor, weights: tf.Variable, biases: tf.Variable, config: Config
               ) -> tuple[tf.Tensor, list[tf.Tensor]]:
    """The tutorial's RNN(x, weights, biases): the last output through a linear layer.

    Returns (logits (batch, num_classes), the static_rnn outputs h_1..h_T).
    """
    cell = make_cell(config)
    outputs = rnn_outputs(x, cell, config)
    last = outputs[-1]
    # The block implementation reads the variables the faithful static_rnn above created with
    # the same ops in the same order, so a seeded run starts from the same weights.  Its ops stay
    # in the graph (rnn-tf1 gradients reads h_1..h_T there) but training never runs them: a
    # Session executes only what its fetches need.
    if config.lstm_impl == "block":  # Config.validate: the tutorial's LSTM, so weights = [kernel, bias]
        last = block_lstm.last_output(x, *cell.weights, config.forget_bias, config.num_input, config.num_hidden,
                                      config.timesteps, shards=config.batch_shards)
    return tf.matmul(last, weights) + biases, outputs  # (batch, num_classes)


def make_optimizer(config: Config) -> tf1.train.Optimizer:
    if config.optimizer == "gd":
        return tf1.train.GradientDescentOptimizer(learning_rate=config.learning_rate)
    if config.optimizer == "adam":
        return tf1.train.AdamOptimizer(learning_rate=config.learning_rate)
    if config.optimizer == "rmsprop":
        return tf1.train.RMSPropOptimizer(learning_rate=config.learning_rate)
    raise ValueError(f"unknown optimizer {config.optimizer!r}")  # Config.validate rejects it first


def training_step(loss: tf.Tensor, config: Config) -> tuple[tf.Operation, tf.Tensor]:
    """optimizer.minimize(loss), written as its two halves so the gradient can be measured
    (and clipped).  Returns (train_op, global norm of this step's gradient before clipping)."""
    optimizer = make_optimizer(config)
    grads_and_vars = optimizer.compute_gradients(loss)
    grads = [g for g, _ in grads_and_vars]
    with tf.name_scope("grad_norm"):
        grad_norm = tf.linalg.global_norm(grads)
    if config.clip_norm:
        # Each gradient times clip_norm / max(grad_norm, clip_norm): the applied norm is at most clip_norm.
        grads, _ = tf.clip_by_global_norm(grads, config.clip_norm, use_norm=grad_norm)
        grads_and_vars = list(zip(grads, [v for _, v in grads_and_vars]))
    return optimizer.apply_gradients(grads_and_vars), grad_norm


def build_model(config: Config, plain_matmul_grad: bool = True, training: bool = True) -> Model:
    """The tutorial's graph, in a new graph seeded with `config.seed`.

    `training=False` leaves out the optimizer (its gradients, step and slot variables): the graph
    to restore a checkpoint into for predictions, about 0.8 s quicker to build.  The model's
    variables and their seeded initial values are the same either way (they come first).

    `plain_matmul_grad`: the faithful graph's backward pass computes MatMul gradients with
    `_plain_matmul_grad` (the forward graph, and every printed number, unchanged; docs/speed.md).
    False gives TensorFlow's own MatMul gradient (the benchmark's peer).
    """
    _check_tf_environment()
    graph = tf.Graph()
    overrides = {"MatMul": PLAIN_MATMUL_GRAD} if plain_matmul_grad and config.lstm_impl == "faithful" else {}
    with graph.as_default(), graph.gradient_override_map(overrides):
        tf1.set_random_seed(config.seed)
        X = tf1.placeholder(tf.float32, [None, config.timesteps, config.num_input], name="X")
        Y = tf1.placeholder(tf.float32, [None, config.num_classes], name="Y")
        # The tutorial's unnamed variables, created in its order: Variable (weights['out']),
        # Variable_1 (biases['out']), both from a standard normal.
        weights = tf.Variable(tf1.random_normal([config.num_hidden, config.num_classes]))
        biases = tf.Variable(tf1.random_normal([config.num_classes]))
        logits, outputs = rnn_logits(X, weights, biases, config)
        # Name scopes group ops for TensorBoard's graph view; they create no variables and
        # leave the variables' names and seeded values as they were.
        prediction = tf.nn.softmax(logits, name="prediction")
        with tf.name_scope("loss"):
            loss = tf.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(
                logits=logits, labels=tf.stop_gradient(Y)))  # TF1's v1 op = v2 with no gradient into labels
        train_op, grad_norm = training_step(loss, config) if training else (None, None)
        with tf.name_scope("accuracy"):
            correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
            accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
        with tf.name_scope("summaries"):
            summaries = tf1.summary.merge([tf1.summary.scalar("minibatch_loss", loss),
                                           tf1.summary.scalar("training_accuracy", accuracy)])
        with tf.name_scope("all_finite"):
            all_finite = tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in tf1.trainable_variables()])
        init = tf1.global_variables_initializer()
        saver = tf1.train.Saver(max_to_keep=2)
    return Model(graph, X, Y, logits, prediction, loss, accuracy, train_op, init, saver, summaries,
                 all_finite, outputs, grad_norm)


def session_config(config: Config) -> tf1.ConfigProto:
    """Thread settings for the Session (Config.session_threads)."""
    intra, inter = config.session_threads()
    return tf1.ConfigProto(intra_op_parallelism_threads=intra, inter_op_parallelism_threads=inter)


def new_session(model: Model, config: Config) -> tf1.Session:
    return tf1.Session(graph=model.graph, config=session_config(config))


def count_trainable_parameters(model: Model) -> int:
    with model.graph.as_default():
        return sum(int(v.shape.num_elements()) for v in tf1.trainable_variables())
