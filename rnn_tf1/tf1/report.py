"""`rnn-tf1 run --report`: the TF1 names a script reached while it ran, where each comes from today,
and what it becomes in TensorFlow 2.

- `Recorder` is told by the namespaces (namespace.RecordingNamespace / RecordingModule) every
  dotted name the script's own code reaches: how often, first at which file:line, and the object;
- `classify` computes where that object comes from today, from the object itself: defined in
  rnn_tf1; defined in tf_keras (needs TF_USE_LEGACY_KERAS=1); the same object under the same name
  in TensorFlow 2's `tensorflow`; defined in TensorFlow but only reachable through `tf.compat.v1`;
  or the top-level package of another library;
- `IN_TF2` is the one curated table of native replacements, keyed by the dotted TF1 name;
- `markdown` and `to_json` write the report (`REPORT_SCHEMA` names the JSON's layout).

TF 2: no TF1 namespace of its own; `tf_upgrade_v2` reads a script's source instead of its run.
"""
from __future__ import annotations

import dataclasses
import inspect
import os
import site
import sysconfig
import traceback
import types
from typing import Any, Iterable

REPORT_SCHEMA = "rnn-tf1-report/1"

# The classes of "where it comes from today", in the order the summary counts them.
TF2_CORE, COMPAT_V1, TF_KERAS, RNN_TF1, OTHER, MISSING = (
    "tf2-core", "compat.v1", "tf-keras", "rnn_tf1", "other", "missing")
CLASS_LABELS = {TF2_CORE: "TF 2 core", COMPAT_V1: "compat.v1 only", TF_KERAS: "tf-keras legacy",
                RNN_TF1: "rnn_tf1", OTHER: "another library", MISSING: "not provided"}

# Dotted names as a person writes them: the module a script imports -> its short form.
SHORT_PREFIXES = (("tensorflow.examples.tutorials.mnist.input_data.", "input_data."), ("tensorflow.", "tf."))
# Other routes to the same TF1 name: looked up under the canonical prefix when the table lacks it.
PREFIX_ALIASES = (("tf.compat.v1.", "tf."), ("tf.nn.rnn_cell.", "tf.contrib.rnn."),
                  ("tf.contrib.slim.", "tf.contrib.layers."), ("tf.contrib.framework.", "tf.contrib.slim."),
                  ("tf.estimator.tpu.", "tf.contrib.tpu."),
                  ("tf.contrib.training.python.training.hparam.", "tf.contrib.training."))


def short_name(dotted: str) -> str:
    """`tensorflow.contrib.rnn.BasicLSTMCell` -> `tf.contrib.rnn.BasicLSTMCell`."""
    for long, short in SHORT_PREFIXES:
        if dotted.startswith(long):
            return short + dotted[len(long):]
    return dotted


def table_key(name: str) -> str | None:
    """The IN_TF2 key of a short name (or of one of its aliases), or None."""
    seen = [name]
    for prefix, canonical in PREFIX_ALIASES:
        for candidate in list(seen):
            if candidate.startswith(prefix):
                seen.append(canonical + candidate[len(prefix):])
    return next((candidate for candidate in seen if candidate in IN_TF2), None)


# ---------------------------------------------------------------------------------------------
# The curated table: TF1 name -> its native TensorFlow 2 replacement.  Text only a person wrote;
# "no native replacement" where TensorFlow 2 and Keras 3 have none.

_EXPORT_LSTM = ("`keras.layers.LSTM(num_units)` on the (batch, time, depth) tensor, as `rnn-tf1 export "
                "--format keras` converts it: the kernel's rows split into `kernel` ([x] rows) and "
                "`recurrent_kernel` ([h] rows), the gate blocks i, j, f, o reordered to i, f, c, o, and "
                "`forget_bias` (outside TF1's variables) added to the f block of `bias`; trained afresh, "
                "`unit_forget_bias=True` starts that bias at 1 (docs/export.md)")
_STATIC_RNN = ("`keras.layers.RNN(cell)` or `keras.layers.LSTM` / `GRU` / `SimpleRNN` on the (batch, time, "
               "depth) tensor: drop the `tf.unstack`; `outputs[-1]` is the layer's output "
               "(`return_sequences=False`), `return_state=True` gives the final state; with "
               "`BasicLSTMCell`: see `tf.contrib.rnn.BasicLSTMCell`")
_NO_SESSION = ("a function's arguments: `placeholder` + `Session.run(fetches, feed_dict)` become a call of a "
               "`tf.function` (or a Keras model's `fit` / `__call__`) on the batch")
_KERAS_FIT = ("`keras.optimizers.{0}`; `minimize(loss)` becomes a `tf.GradientTape` step with "
              "`optimizer.apply_gradients`, or `model.compile(optimizer=...)` + `model.fit`{1}")
_SAME = "unchanged: `{0}`"

IN_TF2: dict[str, str] = {
    # --- the tutorial family: graph, session, variables ---
    "tf.placeholder": _NO_SESSION,
    "tf.placeholder_with_default": "a function argument with a default value",
    "tf.Session": _NO_SESSION.replace("a function's arguments: ", "no session: "),
    "tf.InteractiveSession": "no session: TF 2 runs eagerly; call the ops or a `tf.function` directly",
    "tf.global_variables_initializer": "not needed: TF 2 variables are initialised when they are created",
    "tf.local_variables_initializer": "not needed: TF 2 variables are initialised when they are created",
    "tf.variables_initializer": "not needed: TF 2 variables are initialised when they are created",
    "tf.Variable": "`tf.Variable` (a resource variable in TF 2), or a Keras layer's weights (`add_weight`)",
    "tf.get_variable": "`tf.Variable(initializer(shape))` kept on a `tf.Module` / Keras layer (`add_weight`)",
    "tf.variable_scope": ("no variable sharing by scope: reuse the Python object (a Keras layer, a `tf.Module`); "
                          "`tf.name_scope` for names"),
    "tf.name_scope": "`tf.name_scope(name)` (TF 2's has no `default_name` / `values`)",
    "tf.get_default_graph": "no default graph when eager: `tf.function(f).get_concrete_function(...).graph`",
    "tf.reset_default_graph": "not needed (no global graph); `keras.backend.clear_session()` for Keras' state",
    "tf.Graph": "`tf.Graph` (unchanged; graphs are built by `tf.function`)",
    "tf.ConfigProto": ("`tf.config.threading.set_intra_op_parallelism_threads` / "
                       "`set_inter_op_parallelism_threads`, `tf.config.experimental.set_memory_growth`"),
    "tf.GraphKeys": "no native replacement: collections are gone; layers and modules track their variables",
    "tf.trainable_variables": "`model.trainable_variables` (a Keras model or `tf.Module`)",
    "tf.global_variables": "`model.variables` (a Keras model or `tf.Module`)",
    "tf.gradients": "`tf.GradientTape().gradient(loss, variables)`",
    "tf.disable_v2_behavior": "remove it: TF 2 behaviour is the default",
    "tf.enable_eager_execution": "remove it: eager execution is the default",
    "tf.set_random_seed": "`tf.random.set_seed(seed)` (or `keras.utils.set_random_seed`)",
    "tf.random.set_random_seed": "`tf.random.set_seed(seed)` (or `keras.utils.set_random_seed`)",
    "tf.random_normal": "`tf.random.normal`, or `keras.initializers.RandomNormal` for weights",
    "tf.random_uniform": "`tf.random.uniform`, or `keras.initializers.RandomUniform` for weights",
    "tf.truncated_normal": "`tf.random.truncated_normal`",
    "tf.unstack": "unchanged: `tf.unstack`; not needed before `keras.layers.LSTM`, which takes (batch, time, depth)",
    "tf.stack": _SAME.format("tf.stack"),
    "tf.concat": _SAME.format("tf.concat"),
    "tf.reshape": _SAME.format("tf.reshape"),
    "tf.transpose": _SAME.format("tf.transpose"),
    "tf.matmul": "unchanged: `tf.matmul`; `tf.matmul(h, W) + b` is `keras.layers.Dense`",
    "tf.equal": _SAME.format("tf.equal"),
    "tf.cast": _SAME.format("tf.cast"),
    "tf.float32": _SAME.format("tf.float32"),
    "tf.int32": _SAME.format("tf.int32"),
    "tf.zeros": _SAME.format("tf.zeros"),
    "tf.ones": _SAME.format("tf.ones"),
    "tf.constant": _SAME.format("tf.constant"),
    "tf.reduce_mean": "`tf.reduce_mean` (TF 2's has no `keep_dims` / `reduction_indices`: `keepdims` / `axis`)",
    "tf.reduce_sum": "`tf.reduce_sum` (TF 2's has no `keep_dims` / `reduction_indices`: `keepdims` / `axis`)",
    "tf.argmax": ("`tf.argmax` (TF 2's has no `dimension`: `axis`); the accuracy idiom is "
                  "`keras.metrics.CategoricalAccuracy`"),
    "tf.to_float": "`tf.cast(x, tf.float32)`",
    "tf.to_int32": "`tf.cast(x, tf.int32)`",
    "tf.log": "`tf.math.log`",
    "tf.squared_difference": "`tf.math.squared_difference`",
    "tf.clip_by_global_norm": "unchanged: `tf.clip_by_global_norm`, or the optimizer's `global_clipnorm=`",
    "tf.logging.set_verbosity": "`tf.get_logger().setLevel(...)` (absl logging)",
    "tf.app.run": "`absl.app.run(main)`",
    "tf.app.flags": "`absl.flags`",
    "tf.flags": "`absl.flags`",
    # --- tf.nn ---
    "tf.nn.softmax": ("`tf.nn.softmax` (TF 2's has no `dim`: `axis`), or "
                      "`keras.layers.Dense(units, activation=\"softmax\")`"),
    "tf.nn.softmax_cross_entropy_with_logits": (
        "`keras.losses.CategoricalCrossentropy(from_logits=True)` (averaged over the batch), or TF 2's "
        "`tf.nn.softmax_cross_entropy_with_logits` (it lets gradients into `labels`: wrap them in "
        "`tf.stop_gradient` for TF1's behaviour)"),
    "tf.nn.softmax_cross_entropy_with_logits_v2": "`tf.nn.softmax_cross_entropy_with_logits` (TF 2's is this one)",
    "tf.nn.sparse_softmax_cross_entropy_with_logits": "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`",
    "tf.nn.sigmoid_cross_entropy_with_logits": "`keras.losses.BinaryCrossentropy(from_logits=True)`",
    "tf.nn.relu": "unchanged: `tf.nn.relu`, or `activation=\"relu\"` on a Keras layer",
    "tf.nn.tanh": "`tf.math.tanh`",
    "tf.nn.sigmoid": "`tf.math.sigmoid`",
    "tf.nn.dropout": "`keras.layers.Dropout(rate)` with `rate = 1 - keep_prob`, or `tf.nn.dropout(x, rate=...)`",
    "tf.nn.embedding_lookup": "`keras.layers.Embedding(vocabulary, size)`, or `tf.nn.embedding_lookup(params, ids)`",
    "tf.nn.l2_loss": "unchanged: `tf.nn.l2_loss` (sum(t ** 2) / 2)",
    "tf.nn.xw_plus_b": "`keras.layers.Dense`, or `tf.matmul(x, w) + b`",
    "tf.nn.bias_add": _SAME.format("tf.nn.bias_add"),
    "tf.nn.dynamic_rnn": ("`keras.layers.RNN(cell, return_sequences=True, return_state=True)` or "
                          "`keras.layers.LSTM` / `GRU` on (batch, time, depth); `sequence_length` becomes a mask "
                          "(`keras.layers.Masking`, or `mask=` in the call)"),
    "tf.nn.static_rnn": _STATIC_RNN,
    "tf.nn.bidirectional_dynamic_rnn": ("`keras.layers.Bidirectional(keras.layers.LSTM(units, "
                                        "return_sequences=True), merge_mode=None)` gives the (forward, backward) pair"),
    "tf.nn.static_bidirectional_rnn": ("`keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))` "
                                       "(forward and backward outputs concatenated, as TF1's)"),
    "tf.nn.static_state_saving_rnn": "no native replacement: a `stateful=True` Keras RNN layer keeps its state between batches",
    "tf.nn.raw_rnn": "no native replacement: a `tf.while_loop` (or a Python loop in a `tf.function`) over a Keras cell",
    # --- tf.train, tf.summary, saving ---
    "tf.train.GradientDescentOptimizer": _KERAS_FIT.format("SGD(learning_rate)", ""),
    "tf.train.AdamOptimizer": _KERAS_FIT.format(
        "Adam(learning_rate)", " (Keras' `epsilon` default is 1e-7, TF1's 1e-8: pass `epsilon=1e-8` to match)"),
    "tf.train.MomentumOptimizer": _KERAS_FIT.format("SGD(learning_rate, momentum=m, nesterov=...)", ""),
    "tf.train.RMSPropOptimizer": _KERAS_FIT.format(
        "RMSprop(learning_rate, rho=decay)", " (Keras' `epsilon` default is 1e-7, TF1's 1e-10)"),
    "tf.train.AdagradOptimizer": _KERAS_FIT.format("Adagrad(learning_rate)", ""),
    "tf.train.Saver": ("`tf.train.Checkpoint(model=...)` (object-based), or `model.save_weights`; a TF1 checkpoint "
                       "is read by variable name with `tf.train.load_checkpoint`"),
    "tf.train.get_or_create_global_step": "the optimizer's `iterations` counter",
    "tf.train.get_global_step": "the optimizer's `iterations` counter",
    "tf.train.exponential_decay": "`keras.optimizers.schedules.ExponentialDecay`",
    "tf.summary.FileWriter": "`tf.summary.create_file_writer(logdir)`, summaries written under `writer.as_default()`",
    "tf.summary.scalar": "TF 2's `tf.summary.scalar(name, data, step=...)` under a default writer",
    "tf.summary.histogram": "TF 2's `tf.summary.histogram(name, data, step=...)` under a default writer",
    "tf.summary.merge_all": "not needed: TF 2 summaries are written when they are called",
    "tf.saved_model.simple_save": "`tf.saved_model.save(module, export_dir)` (or `model.export(path)`)",
    "tf.saved_model.loader.load": "`tf.saved_model.load(export_dir)`",
    "tf.saved_model.tag_constants.SERVING": "`tf.saved_model.SERVING` (\"serve\")",
    # --- distributed TF1: ps and workers ---
    "tf.train.ClusterSpec": ("`tf.train.ClusterSpec` (still in TF 2), or the `TF_CONFIG` environment variable that "
                             "`tf.distribute.cluster_resolver.TFConfigClusterResolver` reads"),
    "tf.train.Server": "`tf.distribute.Server`",
    "tf.train.replica_device_setter": ("`tf.distribute.experimental.ParameterServerStrategy`, which places the "
                                       "variables on the parameter servers itself"),
    "tf.train.SyncReplicasOptimizer": ("`tf.distribute.MultiWorkerMirroredStrategy` (synchronous all-reduce, no "
                                       "parameter servers) around a Keras optimizer"),
    "tf.train.MonitoredTrainingSession": ("`model.fit` under a `tf.distribute` strategy; the chief's checkpoints "
                                          "with `tf.train.CheckpointManager` or `keras.callbacks.BackupAndRestore`"),
    "tf.train.Supervisor": ("`model.fit` under a `tf.distribute` strategy; the chief's checkpoints with "
                            "`tf.train.CheckpointManager` or `keras.callbacks.BackupAndRestore`"),
    "tf.test.create_local_cluster": ("`tf.compat.v1.test.create_local_cluster` with the `portpicker` package "
                                     "installed, or `tf.distribute.Server`s on free ports"),
    # --- tf.losses, tf.metrics, initializers, tf.layers ---
    "tf.losses.softmax_cross_entropy": "`keras.losses.CategoricalCrossentropy(from_logits=True)`",
    "tf.losses.sparse_softmax_cross_entropy": "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`",
    "tf.losses.mean_squared_error": "`keras.losses.MeanSquaredError()`",
    "tf.losses.get_regularization_loss": "`tf.add_n(model.losses)`",
    "tf.metrics.accuracy": "`keras.metrics.Accuracy()` (or `SparseCategoricalAccuracy`)",
    "tf.glorot_uniform_initializer": "`keras.initializers.GlorotUniform()`",
    "tf.initializers.glorot_uniform": "`keras.initializers.GlorotUniform()`",
    "tf.random_normal_initializer": "`keras.initializers.RandomNormal()`",
    "tf.truncated_normal_initializer": "`keras.initializers.TruncatedNormal()`",
    "tf.zeros_initializer": "`keras.initializers.Zeros()`",
    "tf.constant_initializer": "`keras.initializers.Constant(value)`",
    "tf.layers.dense": "`keras.layers.Dense(units, activation=...)`",
    "tf.layers.Dense": "`keras.layers.Dense`",
    "tf.layers.dropout": "`keras.layers.Dropout(rate)` (`training=` as the call's argument)",
    "tf.layers.conv2d": "`keras.layers.Conv2D`",
    "tf.layers.max_pooling2d": "`keras.layers.MaxPooling2D`",
    "tf.layers.flatten": "`keras.layers.Flatten()`",
    "tf.layers.batch_normalization": ("`keras.layers.BatchNormalization` (its moving averages update in `fit`; no "
                                      "`UPDATE_OPS` to run)"),
    # --- tf.contrib.rnn (tf.nn.rnn_cell.X looks here too) ---
    "tf.contrib.rnn.BasicLSTMCell": _EXPORT_LSTM,
    "tf.contrib.rnn.LSTMCell": ("`keras.layers.LSTM` / `keras.layers.LSTMCell`, weights converted as "
                                "`BasicLSTMCell`'s (gates i, j, f, o -> i, f, c, o); `use_peepholes`, `num_proj`, "
                                "`cell_clip`: no native replacement"),
    "tf.contrib.rnn.GRUCell": ("`keras.layers.GRU(units, reset_after=False)`: TF1's gates r, u become Keras' z (= u), r, "
                               "as `rnn-tf1 export` converts them; Keras' default `reset_after=True` computes a "
                               "different function"),
    "tf.contrib.rnn.BasicRNNCell": "`keras.layers.SimpleRNN(units)` (act([x, h] @ kernel + bias), as TF1's)",
    "tf.contrib.rnn.RNNCell": ("a `keras.layers.Layer` with `state_size` and `call(inputs, states)`, "
                               "run by `keras.layers.RNN`"),
    "tf.contrib.rnn.MultiRNNCell": ("stacked `keras.layers.LSTM(units, return_sequences=True)` layers, or "
                                    "`keras.layers.RNN([cell, ...])` (StackedRNNCells)"),
    "tf.contrib.rnn.DropoutWrapper": ("the RNN layer's `dropout=` / `recurrent_dropout=` (rates, `1 - keep_prob`), "
                                      "or `keras.layers.Dropout` on its outputs"),
    "tf.contrib.rnn.ResidualWrapper": "no native replacement: add the input to the RNN layer's output (`keras.layers.Add`)",
    "tf.contrib.rnn.DeviceWrapper": "no native replacement: `with tf.device(...)` around the layer's call",
    "tf.contrib.rnn.LSTMStateTuple": ("a list `[h, c]`: Keras' LSTM returns and takes its state as `[h, c]`, "
                                      "TF1's tuple is `(c, h)`"),
    "tf.contrib.rnn.static_rnn": _STATIC_RNN,
    "tf.contrib.rnn.static_bidirectional_rnn": ("`keras.layers.Bidirectional(keras.layers.LSTM(units, "
                                                "return_sequences=True))` (outputs concatenated, as TF1's)"),
    "tf.contrib.rnn.static_state_saving_rnn": "no native replacement: a `stateful=True` Keras RNN layer keeps its state",
    "tf.contrib.rnn.stack_bidirectional_rnn": ("stacked `keras.layers.Bidirectional(keras.layers.LSTM(units, "
                                               "return_sequences=True))` layers"),
    "tf.contrib.rnn.stack_bidirectional_dynamic_rnn": ("stacked `keras.layers.Bidirectional(keras.layers.LSTM(units, "
                                                       "return_sequences=True))` layers"),
    "tf.contrib.rnn.LSTMBlockCell": ("`keras.layers.LSTM` (fused kernels are its default); weights as "
                                     "`BasicLSTMCell`'s; `use_peephole`, `cell_clip`: no native replacement"),
    "tf.contrib.rnn.LSTMBlockFusedCell": "`keras.layers.LSTM` on (batch, time, depth) (transpose TF1's time-major input)",
    "tf.contrib.rnn.GRUBlockCell": "`keras.layers.GRU(units, reset_after=False)`, as `GRUCell`",
    "tf.contrib.rnn.GRUBlockCellV2": "`keras.layers.GRU(units, reset_after=False)`, as `GRUCell`",
    "tf.contrib.rnn.LayerNormBasicLSTMCell": ("no native replacement: a custom Keras cell (an `LSTMCell` subclass "
                                              "with `keras.layers.LayerNormalization` on its gates)"),
    "tf.contrib.rnn.OutputProjectionWrapper": "`keras.layers.Dense(output_size)` on the RNN layer's outputs",
    "tf.contrib.rnn.InputProjectionWrapper": "`keras.layers.Dense(num_proj)` on the inputs before the RNN layer",
    "tf.contrib.rnn.EmbeddingWrapper": "`keras.layers.Embedding(vocabulary, size)` before the RNN layer",
    "tf.contrib.rnn.AttentionCellWrapper": ("no native replacement (`keras.layers.Attention` / "
                                            "`MultiHeadAttention` over the RNN's outputs is a different model)"),
    "tf.contrib.rnn.Conv2DLSTMCell": "`keras.layers.ConvLSTM2D`",
    "tf.contrib.rnn.HighwayWrapper": "no native replacement",
    "tf.contrib.rnn.NASCell": "no native replacement",
    "tf.contrib.rnn.UGRNNCell": "no native replacement",
    "tf.contrib.rnn.IndRNNCell": "no native replacement: a custom Keras cell (a diagonal recurrent weight)",
    "tf.contrib.rnn.IndyGRUCell": "no native replacement: a custom Keras cell (diagonal recurrent weights)",
    "tf.contrib.rnn.IndyLSTMCell": "no native replacement: a custom Keras cell (diagonal recurrent weights)",
    "tf.contrib.rnn.GridLSTMCell": "no native replacement",
    "tf.contrib.rnn.CoupledInputForgetGateLSTMCell": "no native replacement",
    "tf.contrib.rnn.PhasedLSTMCell": "no native replacement",
    "tf.contrib.rnn.IntersectionRNNCell": "no native replacement",
    # --- tf.contrib.layers (tf.contrib.slim.X looks here too) ---
    "tf.contrib.layers.fully_connected": ("`keras.layers.Dense(num_outputs)`; TF1's default `activation_fn` is "
                                          "`tf.nn.relu`: pass `activation=\"relu\"` to keep it"),
    "tf.contrib.layers.linear": "`keras.layers.Dense(num_outputs)` (no activation)",
    "tf.contrib.layers.conv2d": ("`keras.layers.Conv2D(filters, kernel_size, padding=\"same\", activation=\"relu\")` "
                                 "(TF1's defaults)"),
    "tf.contrib.layers.conv2d_transpose": "`keras.layers.Conv2DTranspose` (TF1's defaults: `padding=\"same\"`, relu)",
    "tf.contrib.layers.separable_conv2d": "`keras.layers.SeparableConv2D`",
    "tf.contrib.layers.max_pool2d": "`keras.layers.MaxPooling2D(pool_size, strides=2)` (TF1's default padding \"valid\")",
    "tf.contrib.layers.avg_pool2d": "`keras.layers.AveragePooling2D(pool_size, strides=2)`",
    "tf.contrib.layers.flatten": "`keras.layers.Flatten()`",
    "tf.contrib.layers.dropout": "`keras.layers.Dropout(rate=1 - keep_prob)`; `is_training` becomes the call's `training=`",
    "tf.contrib.layers.batch_norm": ("`keras.layers.BatchNormalization(momentum=0.999, epsilon=0.001, scale=False)` "
                                     "(TF1's defaults: `decay` 0.999, no `scale`)"),
    "tf.contrib.layers.layer_norm": ("`keras.layers.LayerNormalization(axis=[1, ..., rank - 1])` (TF1's "
                                     "`begin_norm_axis=1` normalises over every axis but the batch)"),
    "tf.contrib.layers.embed_sequence": "`keras.layers.Embedding(vocab_size, embed_dim)`",
    "tf.contrib.layers.one_hot_encoding": "`tf.one_hot(labels, num_classes)`",
    "tf.contrib.layers.softmax": "`keras.layers.Softmax()`",
    "tf.contrib.layers.stack": "a `keras.Sequential` of the layers",
    "tf.contrib.layers.repeat": "a Python loop adding the layers to a `keras.Sequential`",
    "tf.contrib.layers.bias_add": "`tf.nn.bias_add`",
    "tf.contrib.layers.unit_norm": "`tf.math.l2_normalize(x, axis)`",
    "tf.contrib.layers.xavier_initializer": ("`keras.initializers.GlorotUniform()` (`uniform=False`: "
                                             "`GlorotNormal()`)"),
    "tf.contrib.layers.xavier_initializer_conv2d": "`keras.initializers.GlorotUniform()`",
    "tf.contrib.layers.variance_scaling_initializer": ("`keras.initializers.VarianceScaling(scale=factor, "
                                                       "mode=\"fan_in\", distribution=\"truncated_normal\")`"),
    "tf.contrib.layers.l2_regularizer": ("`keras.regularizers.L2(scale / 2)`: TF1's is `scale * sum(w ** 2) / 2`, "
                                         "Keras' `l2 * sum(w ** 2)`"),
    "tf.contrib.layers.l1_regularizer": "`keras.regularizers.L1(scale)`",
    "tf.contrib.layers.apply_regularization": "`tf.add_n(model.losses)`",
    "tf.contrib.layers.optimize_loss": ("no native replacement: `model.compile(optimizer, loss)` + `fit`, or a "
                                        "`tf.GradientTape` step (`clipnorm=` and a learning-rate schedule on the "
                                        "Keras optimizer)"),
    "tf.contrib.slim.arg_scope": "no native replacement: pass the shared arguments explicitly (`functools.partial`)",
    "tf.contrib.slim.model_variable": "a Keras layer's `add_weight`",
    "tf.contrib.slim.get_variables_to_restore": "`tf.train.Checkpoint` restores objects, not name lists",
    "tf.contrib.slim.get_model_variables": "`model.variables`",
    # --- tf.contrib.seq2seq ---
    "tf.contrib.seq2seq.sequence_loss": (
        "`keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=\"sum\")` with "
        "`sample_weight=weights`, divided by `tf.reduce_sum(weights)` (TF1 averages over the weights, Keras' default "
        "over the entries)"),
    "tf.contrib.seq2seq.dynamic_decode": ("no native replacement: a loop over the decoder cell's steps "
                                          "(a `tf.while_loop`, or a Python loop in a `tf.function`)"),
    "tf.contrib.seq2seq.Decoder": "no native replacement",
    "tf.contrib.seq2seq.BasicDecoder": ("no native replacement: a Keras RNN layer over the decoder inputs "
                                        "(training), or a step loop (inference)"),
    "tf.contrib.seq2seq.BasicDecoderOutput": "no native replacement",
    "tf.contrib.seq2seq.TrainingHelper": ("teacher forcing: the shifted targets as the inputs of a Keras RNN layer "
                                          "with `return_sequences=True`"),
    "tf.contrib.seq2seq.GreedyEmbeddingHelper": ("no native replacement: a step loop feeding back "
                                                 "`Embedding(tf.argmax(logits, -1))`"),
    "tf.contrib.seq2seq.SampleEmbeddingHelper": ("no native replacement: a step loop feeding back "
                                                 "`Embedding(tf.random.categorical(logits, 1))`"),
    "tf.contrib.seq2seq.ScheduledEmbeddingTrainingHelper": "no native replacement",
    "tf.contrib.seq2seq.InferenceHelper": "no native replacement",
    "tf.contrib.seq2seq.CustomHelper": "no native replacement",
    "tf.contrib.seq2seq.Helper": "no native replacement",
    "tf.contrib.seq2seq.ScheduledOutputTrainingHelper": "no native replacement",
    "tf.contrib.seq2seq.BahdanauAttention": ("`keras.layers.AdditiveAttention` for the score over whole sequences; "
                                             "no step-wise attention mechanism"),
    "tf.contrib.seq2seq.LuongAttention": ("`keras.layers.Attention` (dot-product score) over whole sequences; "
                                          "no step-wise attention mechanism"),
    "tf.contrib.seq2seq.BahdanauMonotonicAttention": "no native replacement",
    "tf.contrib.seq2seq.LuongMonotonicAttention": "no native replacement",
    "tf.contrib.seq2seq.AttentionWrapper": ("no native replacement (attention applied after the decoder RNN, "
                                            "`keras.layers.Attention`, is a different model: no attention input feeding)"),
    "tf.contrib.seq2seq.AttentionWrapperState": "no native replacement",
    "tf.contrib.seq2seq.BeamSearchDecoder": "no native replacement",
    "tf.contrib.seq2seq.FinalBeamSearchDecoderOutput": "no native replacement",
    "tf.contrib.seq2seq.BeamSearchDecoderOutput": "no native replacement",
    "tf.contrib.seq2seq.BeamSearchDecoderState": "no native replacement",
    "tf.contrib.seq2seq.AttentionMechanism": "no native replacement",
    "tf.contrib.seq2seq.gather_tree": "no native replacement",
    "tf.contrib.seq2seq.tile_batch": "`tf.repeat(t, multiplier, axis=0)` (each batch entry repeated in place, as TF1's)",
    "tf.contrib.seq2seq.hardmax": "`tf.one_hot(tf.argmax(logits, -1), depth)`",
    "tf.contrib.seq2seq.monotonic_attention": "no native replacement",
    "tf.contrib.seq2seq.safe_cumprod": "`tf.math.cumprod` (in log space for stability: `tf.exp(tf.math.cumsum(tf.math.log(x)))`)",
    # --- tf.contrib.legacy_seq2seq ---
    "tf.contrib.legacy_seq2seq.rnn_decoder": ("a Keras RNN layer over the decoder inputs with `initial_state=` the "
                                              "encoder's state; `loop_function`: no native replacement (a step loop)"),
    "tf.contrib.legacy_seq2seq.basic_rnn_seq2seq": ("an encoder `keras.layers.LSTM(units, return_state=True)` and a "
                                                    "decoder `keras.layers.LSTM(units, return_sequences=True)` started "
                                                    "from its state"),
    "tf.contrib.legacy_seq2seq.tied_rnn_seq2seq": "one Keras RNN layer called on the encoder, then the decoder inputs",
    "tf.contrib.legacy_seq2seq.embedding_rnn_decoder": "`keras.layers.Embedding` + a Keras RNN layer with `initial_state=`",
    "tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq": "`keras.layers.Embedding` + an encoder and a decoder Keras RNN layer",
    "tf.contrib.legacy_seq2seq.embedding_tied_rnn_seq2seq": "`keras.layers.Embedding` + one Keras RNN layer for both",
    "tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq": "no native replacement",
    "tf.contrib.legacy_seq2seq.attention_decoder": "no native replacement (see `tf.contrib.seq2seq.AttentionWrapper`)",
    "tf.contrib.legacy_seq2seq.embedding_attention_decoder": "no native replacement",
    "tf.contrib.legacy_seq2seq.embedding_attention_seq2seq": "no native replacement",
    "tf.contrib.legacy_seq2seq.sequence_loss_by_example": (
        "`keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=\"none\")` times the weights, "
        "summed over time (divided by the weights' sum when `average_across_timesteps`)"),
    "tf.contrib.legacy_seq2seq.sequence_loss": (
        "`sequence_loss_by_example`'s replacement summed and divided by the batch size "
        "(`average_across_batch`)"),
    "tf.contrib.legacy_seq2seq.model_with_buckets": ("no native replacement: pad to one length with a mask, or bucket "
                                                     "the data (`tf.data.Dataset.bucket_by_sequence_length`)"),
    # --- tf.estimator ---
    "tf.estimator.Estimator": ("a `keras.Model` built from the model_fn's layers; `train` / `evaluate` / `predict` "
                               "become `model.fit` / `model.evaluate` / `model.predict`, model_dir "
                               "`keras.callbacks.ModelCheckpoint` / `BackupAndRestore`"),
    "tf.estimator.EstimatorSpec": ("`model.compile(optimizer=..., loss=..., metrics=[...])`: loss, train_op and "
                                   "eval_metric_ops become compile's arguments"),
    "tf.estimator.ModeKeys": "`training=True/False` in a Keras layer's `call`",
    "tf.estimator.RunConfig": ("`keras.callbacks.ModelCheckpoint(save_freq=...)` for the checkpoint settings, "
                               "`keras.utils.set_random_seed` for tf_random_seed"),
    "tf.estimator.TrainSpec": "`model.fit(dataset, epochs=..., steps_per_epoch=...)`",
    "tf.estimator.EvalSpec": "`model.fit(..., validation_data=..., validation_steps=...)`",
    "tf.estimator.train_and_evaluate": "`model.fit(train, validation_data=eval)`: it evaluates after every epoch",
    "tf.estimator.inputs.numpy_input_fn": ("`tf.data.Dataset.from_tensor_slices((x, y)).shuffle(...).batch(...)`, "
                                           "or `model.fit(x, y, batch_size=...)` directly"),
    "tf.contrib.data.map_and_batch": ("`dataset.map(map_func, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size, "
                                      "drop_remainder)`: tf.data fuses the two itself"),
    "tf.contrib.data.parallel_interleave": ("`dataset.interleave(map_func, cycle_length, block_length, "
                                            "num_parallel_calls=tf.data.AUTOTUNE, deterministic=not sloppy)`"),
    # --- the TFRecord input and checkpoint loading of BERT-style scripts ---
    "tf.python_io.TFRecordWriter": "`tf.io.TFRecordWriter(path)`",
    "tf.FixedLenFeature": "`tf.io.FixedLenFeature(shape, dtype)`",
    "tf.parse_single_example": "`tf.io.parse_single_example(serialized, features)`",
    "tf.data.TFRecordDataset": "`tf.data.TFRecordDataset(filenames)` (TF 2's takes the same arguments)",
    "tf.train.init_from_checkpoint": ("`tf.train.Checkpoint(model=model).restore(path)` for an object-based checkpoint; "
                                      "for a TF1 name-based one, `tf.train.load_checkpoint(path).get_tensor(name)` "
                                      "assigned to each Keras weight"),
    "tf.train.Scaffold": "no native replacement: Keras creates and initializes its variables; `tf.train.Checkpoint` restores",
    # --- tf.contrib.tpu (TPUEstimator with use_tpu=False: the model_fn on the CPU) ---
    "tf.contrib.tpu.TPUEstimator": ("a `keras.Model` and `model.fit` / `evaluate` / `predict` (see "
                                    "`tf.estimator.Estimator`); on a TPU, build and fit it inside "
                                    "`tf.distribute.TPUStrategy(resolver).scope()`"),
    "tf.contrib.tpu.TPUEstimatorSpec": ("`model.compile(optimizer=..., loss=..., metrics=[...])`: eval_metrics' "
                                        "metric_fn becomes `keras.metrics`, scaffold_fn's init_from_checkpoint "
                                        "`tf.train.Checkpoint(...).restore(path)`"),
    "tf.contrib.tpu.RunConfig": "see `tf.estimator.RunConfig`; the TPU's own settings go to `tf.distribute.TPUStrategy`",
    "tf.contrib.tpu.TPUConfig": ("`model.compile(steps_per_execution=iterations_per_loop)` under "
                                 "`tf.distribute.TPUStrategy`; nothing on the CPU"),
    "tf.contrib.tpu.InputPipelineConfig": ("`tf.distribute.InputOptions` under `tf.distribute.TPUStrategy`; nothing "
                                           "on the CPU"),
    "tf.contrib.tpu.CrossShardOptimizer": ("the optimizer itself: `tf.distribute.TPUStrategy` sums gradients across "
                                           "replicas (scale the loss by 1 / global batch size)"),
    "tf.contrib.tpu.bfloat16_scope": "`keras.mixed_precision.set_global_policy(\"mixed_bfloat16\")`",
    "tf.contrib.cluster_resolver.TPUClusterResolver": "`tf.distribute.cluster_resolver.TPUClusterResolver` (on a TPU VM)",
    "tf.contrib.tpu": "Keras `model.fit`; on a TPU, `tf.distribute.TPUStrategy` (tf.contrib.tpu is gone from TensorFlow)",
    # --- whole TF1 namespaces a script may stop on ---
    "tf.contrib.slim": "`keras.layers` (slim's layers are `tf.contrib.layers`': see those names), or tf-slim on TF 2",
    "tf.contrib.learn": "Keras: `model.compile` + `model.fit` (contrib.learn is gone from TensorFlow)",
    "tf.contrib.learn.ModeKeys": "`tf.estimator.ModeKeys` (`PREDICT` where learn said `INFER`), or Keras' `training` argument",
    "tf.contrib.learn.preprocessing": ("`keras.layers.TextVectorization(output_mode='int', output_sequence_length=N)` "
                                       "(its own standardisation and split, 1 for unknown words: other ids than TF 1.x's)"),
    "tf.contrib.crf": ("no native replacement (TensorFlow Addons' `tfa.text.crf_*` no longer imports): keep a CRF of "
                       "your own, a `transitions` variable with the logsumexp forward recursion and Viterbi decoding"),
    "tf.contrib.learn.preprocessing.VocabularyProcessor": (
        "`keras.layers.TextVectorization(output_mode='int', output_sequence_length=N)`, `adapt(texts)` for `fit` "
        "(its own standardisation and split, 1 for unknown words: other ids than TF 1.x's)"),
    "tf.estimator": ("Keras: the model_fn becomes a `keras.Model`, `train` / `evaluate` / `predict` become "
                     "`model.fit` / `model.evaluate` / `model.predict` (tf.estimator is gone from TensorFlow 2.16+)"),
    "tf.contrib.keras": "`keras`",
    "tf.contrib.distributions": "the tensorflow-probability package (`tfp.distributions`)",
    "tf.contrib.layers": "`keras.layers` (see the `tf.contrib.layers.*` names)",
    "tf.contrib.seq2seq": "see the `tf.contrib.seq2seq.*` names: mostly no native replacement",
    "tf.contrib.legacy_seq2seq": "see the `tf.contrib.legacy_seq2seq.*` names",
    # --- tf.contrib.training, .framework, .signal ---
    "tf.contrib.training.HParams": ("a `dataclasses.dataclass` (typed fields; `dataclasses.replace` for overrides, "
                                    "`json.dumps(dataclasses.asdict(h))` for `to_json`) or `ml_collections.ConfigDict`"),
    "tf.contrib.training.parse_values": "a dict of overrides applied with `dataclasses.replace`, or absl flags",
    "tf.contrib.training.bucket_by_sequence_length": "`tf.data.Dataset.bucket_by_sequence_length` (no queue runners)",
    "tf.contrib.training": "see the `tf.contrib.training.*` names",
    "tf.contrib.framework.nest": "`tf.nest` (`is_sequence` is `tf.nest.is_nested`)",
    "tf.contrib.framework.load_checkpoint": "`tf.train.load_checkpoint`",
    "tf.contrib.framework.list_variables": "`tf.train.list_variables`",
    "tf.contrib.framework.arg_scope": "no arg scopes in TF 2: pass the arguments to each Keras layer",
    "tf.contrib.framework.get_or_create_global_step": ("`optimizer.iterations` (Keras), or a `tf.Variable(0, "
                                                       "dtype=tf.int64)` you increment"),
    "tf.contrib.framework": "see the `tf.contrib.framework.*` names",
    "tf.contrib.signal": "`tf.signal` (the same functions: `tf.signal.stft`, `inverse_stft`, ...)",
    # --- tensorflow.examples.tutorials.mnist ---
    "input_data.read_data_sets": ("`keras.datasets.mnist.load_data()`: uint8 (60000, 28, 28) images and digit labels; "
                                  "scale by 1 / 255, one-hot with `keras.utils.to_categorical`, split off the first "
                                  "5000 training images for validation as TF1 did; `next_batch` becomes "
                                  "`tf.data.Dataset.from_tensor_slices(...).shuffle(...).batch(128)`"),
}

for _module in ("tf.flags", "tf.app.flags"):
    IN_TF2[f"{_module}.FLAGS"] = ("`absl.flags.FLAGS`, parsed by `absl.app.run(main)` or `FLAGS(sys.argv)`; "
                                  "TF 1.0-1.4's `FLAGS.__flags` is `FLAGS.flag_values_dict()`")
    for _name in ("DEFINE_string", "DEFINE_integer", "DEFINE_float", "DEFINE_boolean", "DEFINE_bool", "DEFINE_list",
                  "DEFINE_enum", "DEFINE_multi_string", "DEFINE_multi_integer"):
        IN_TF2[f"{_module}.{_name}"] = f"`absl.flags.{_name}`"
for _name in ("crf_log_likelihood", "crf_sequence_score", "crf_multitag_sequence_score", "crf_log_norm",
              "crf_unary_score", "crf_binary_score", "crf_decode", "viterbi_decode", "CrfForwardRnnCell",
              "CrfDecodeForwardRnnCell", "CrfDecodeBackwardRnnCell"):
    IN_TF2[f"tf.contrib.crf.{_name}"] = IN_TF2["tf.contrib.crf"]


# ---------------------------------------------------------------------------------------------
# Recording


@dataclasses.dataclass
class Use:
    """One dotted TF1 name the script reached: how often, first where, the object (None if missing)."""
    dotted: str
    value: Any
    first: tuple[str, int]
    count: int = 0
    missing: bool = False
    lines: set = dataclasses.field(default_factory=set)


class Recorder:
    """Told by the TF1 namespaces each name the script's own code reaches (namespace.py)."""

    def __init__(self, script: str) -> None:
        import tensorflow  # the real package and its v2 namespace, before install() replaces it

        self.v2 = tensorflow
        self.script = os.path.abspath(script)
        self.uses: dict[str, Use] = {}
        self.failure: dict[str, Any] | None = None
        self._modules: dict[str, Any] = {}
        # Frames of these files are TensorFlow's, tf-keras', this package's or Python's own: what they
        # reach through `tensorflow` (tf_keras' `import tensorflow.compat.v2 as tf`) is not the script's.
        paths = sysconfig.get_paths()
        library = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
        library |= {site.getusersitepackages(), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}
        self._library = tuple(os.path.join(os.path.realpath(p), "") for p in library if p)
        self._is_user: dict[str, bool] = {script: True, self.script: True}

    def attach(self, modules: Iterable[Any]) -> None:
        """Make the installed Namespaces record (RecordingNamespace has the same layout)."""
        from rnn_tf1.tf1.namespace import Namespace, RecordingNamespace
        for module in list(modules):
            if isinstance(module, Namespace):
                module.__class__ = RecordingNamespace
                module.__dict__["_recorder"] = self

    def _user_file(self, filename: str) -> bool:
        known = self._is_user.get(filename)
        if known is None:
            known = not filename.startswith("<frozen") and \
                not os.path.realpath(filename).startswith(self._library)
            self._is_user[filename] = known
        return known

    def reached(self, parent: str, attr: str, value: Any, frame) -> Any:
        """What `parent.attr` gives the frame that reached it; recorded if that frame is the script's."""
        code = frame.f_code
        if not self._user_file(code.co_filename):
            return value
        if isinstance(value, types.ModuleType):
            from rnn_tf1.tf1.namespace import Namespace, RecordingModule
            if isinstance(value, (Namespace, RecordingModule)):
                return value
            dotted = f"{parent}.{attr}"
            wrapped = self._modules.get(dotted)
            if wrapped is None or wrapped._rnn_tf1_target is not value:
                wrapped = self._modules[dotted] = RecordingModule(dotted, value, self)
            return wrapped
        dotted = f"{parent}.{attr}"
        use = self.uses.get(dotted)
        if use is None:
            use = self.uses[dotted] = Use(dotted, value, (code.co_filename, frame.f_lineno))
        use.count += 1
        use.lines.add((code.co_filename, frame.f_lineno))
        return value

    def missing(self, dotted: str, frame=None, where: tuple[str, int] | None = None) -> None:
        """A TF1 name the environment does not provide, reached by the script (frame or file:line)."""
        if frame is not None:
            if not self._user_file(frame.f_code.co_filename):
                return
            where = (frame.f_code.co_filename, frame.f_lineno)
        use = self.uses.get(dotted)
        if use is None:
            use = self.uses[dotted] = Use(dotted, None, where or (self.script, 0), missing=True)
        use.count += 1
        if where:
            use.lines.add(where)

    def failed(self, exc: BaseException) -> None:
        """The script stopped on `exc`: where (its deepest frame in the script's code) and the TF1
        names used on that line."""
        where = None
        for frame, line in traceback.walk_tb(exc.__traceback__):
            if self._user_file(frame.f_code.co_filename) and not frame.f_code.co_filename.startswith("<frozen"):
                where = (frame.f_code.co_filename, line)
        name = getattr(exc, "tf1_name", None)
        if name is not None and name not in self.uses:
            self.missing(name, where=where)
        names = [name] if name is not None else [u.dotted for u in self.uses.values() if where in u.lines]
        self.failure = {"where": self._place(where) if where else None,
                        "error": (f"{type(exc).__name__}: {exc}".splitlines() or [""])[0],
                        "names": [short_name(n) for n in names]}

    def _place(self, where: tuple[str, int]) -> str:
        """file:line, the file relative to the script's folder when it is inside it."""
        filename, line = where
        path = os.path.abspath(filename)
        folder = os.path.dirname(self.script)
        shown = os.path.relpath(path, folder) if path.startswith(folder + os.sep) else filename
        return f"{shown}:{line}"

    # -----------------------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """One row per name, in the order the script first reached them."""
        rows = []
        for use in self.uses.values():
            name = short_name(use.dotted)
            source, detail = (MISSING, _missing_detail(use.dotted)) if use.missing else \
                classify(use.dotted, use.value, self.v2)
            key = table_key(name)
            if key is not None:
                tf2 = IN_TF2[key]
            elif source == TF2_CORE:
                tf2 = f"unchanged: `{_v2_path(use.dotted)}` is the same object in TF 2"
            else:
                tf2 = None
            rows.append({"name": name, "uses": use.count, "first_use": self._place(use.first),
                         "source": source, "source_detail": detail, "tf2": tf2, "table_entry": key})
        return rows


def _missing_detail(dotted: str) -> str:
    from rnn_tf1.tf1.hints import hint_for
    hint = hint_for(dotted)
    return "rnn-tf1 has no such TF1 name" + (f" (under rnn-tf1 run: {hint})" if hint else "")


def _v2_path(dotted: str) -> str:
    """`tensorflow.compat.v1.train.X` -> `tf.train.X`: the name the script's object would have in TF 2."""
    name = short_name(dotted)
    return "tf." + name[len("tf.compat.v1."):] if name.startswith("tf.compat.v1.") else name


def _resolve(root: Any, path: str) -> Any:
    """root.a.b.c, or a sentinel when any part is missing (lazy loaders may raise other errors)."""
    for part in path.split("."):
        try:
            root = getattr(root, part)
        except Exception:  # noqa: BLE001 - a missing name in any form
            return _ABSENT
    return root


_ABSENT = object()


def _defining_module(value: Any) -> str:
    """The module that defines `value` (a function, class, bound method), else its type's."""
    module = getattr(value, "__module__", None)
    if not isinstance(module, str):
        func = getattr(value, "__func__", None)
        module = getattr(func, "__module__", None) if func is not None else None
    if not isinstance(module, str):
        module = type(value).__module__
    return module or ""


def _unwrapped(value: Any) -> Any:
    """The function under TensorFlow's decorators (dispatch, deprecation): `tf.compat.v1.compat.v1.matmul`
    is another wrapper of the one `tf.matmul`."""
    try:
        return inspect.unwrap(value) if callable(value) else value
    except ValueError:  # a __wrapped__ cycle
        return value


def classify(dotted: str, value: Any, v2: Any) -> tuple[str, str]:
    """Where `value`, reached as `dotted`, comes from today: (class, a few words saying why)."""
    module = _defining_module(value)
    top = module.split(".")[0]
    v2_name = _v2_path(dotted)
    if top == "rnn_tf1":
        return RNN_TF1, f"gone from TensorFlow; written in {module}"
    if top == "tf_keras":
        return TF_KERAS, f"defined in {module}; needs TF_USE_LEGACY_KERAS=1"
    in_v2 = _resolve(v2, v2_name[len("tf."):]) if v2_name.startswith("tf.") else _ABSENT
    if in_v2 is not _ABSENT and _unwrapped(in_v2) is _unwrapped(value):
        return TF2_CORE, f"the same object as TF 2's `{v2_name}`"
    if top == "tensorflow":
        if in_v2 is not _ABSENT:
            return COMPAT_V1, f"TF 2's `{v2_name}` is a different object; defined in {module}"
        return COMPAT_V1, f"TF 2 has no `{v2_name}`; defined in {module}"
    return OTHER, f"the {top} package ({module})"


def summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {label: 0 for label in CLASS_LABELS}
    for row in rows:
        counts[row["source"]] += 1
    return counts


def summary_line(rows: list[dict[str, Any]], path: str) -> str:
    """`report: 41 TF1 names; 17 TF 2 core, 19 compat.v1 only, ... -> PATH`."""
    counts = summary(rows)
    parts = [f"{n} {CLASS_LABELS[cls]}" for cls, n in counts.items() if n]
    return f"report: {len(rows)} TF1 names; {', '.join(parts) or 'none'} → {path}"


def to_json(recorder: Recorder, command: list[str], status: int) -> dict[str, Any]:
    rows = recorder.rows()
    return {"schema": REPORT_SCHEMA, "script": recorder.script, "command": command, "exit_status": status,
            "tensorflow": getattr(recorder.v2, "__version__", None), "failure": recorder.failure,
            "summary": summary(rows), "classes": CLASS_LABELS, "names": rows, **_translated()}


def _translated() -> dict[str, Any]:
    """What ran translated: Python-2 files' constructs and TF 1.x private paths (rnn_tf1/py2/report.py)."""
    from rnn_tf1.py2 import report as py2_report
    return py2_report.entries()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: dict[str, Any]) -> str:
    """The report a person migrates from: one table row per TF1 name, in the order first used."""
    script = os.path.basename(report["script"])
    rows = report["names"]
    counts = ", ".join(f"{n} {CLASS_LABELS[cls]}" for cls, n in report["summary"].items() if n)
    out = [f"# TF1 names used by {script}", "",
           f"`{' '.join(report['command'])}`: exit status {report['exit_status']}, on TensorFlow "
           f"{report['tensorflow']}. {len(rows)} TF1 names; {counts or 'none'}.", ""]
    failure = report["failure"]
    if failure:
        names = ", ".join(f"`{n}`" for n in failure["names"]) or "no TF1 name on that line"
        out += [f"**The script stopped** at {failure['where'] or 'an unknown line'} with `{_cell(failure['error'])}`; "
                f"the name it failed on: {names}.", ""]
    out += ["| name | uses | where it comes from today | in TensorFlow 2 |", "| --- | --- | --- | --- |"]
    for row in rows:
        where = f"{CLASS_LABELS[row['source']]}: {row['source_detail']}"
        tf2 = row["tf2"] if row["tf2"] is not None else "*no entry in rnn-tf1's table*"
        out.append(f"| `{row['name']}` | {row['uses']} (first {row['first_use']}) | {_cell(where)} | {_cell(tf2)} |")
    out += ["", "Where it comes from today, computed from the object each name resolved to: **TF 2 core** is the "
            "same object under the same name in TensorFlow 2's `tf`; **compat.v1 only** lives in TensorFlow but is "
            "reachable only as `tf.compat.v1.*` (graph-mode API); **tf-keras legacy** is defined in tf-keras and "
            "needs `TF_USE_LEGACY_KERAS=1`; **rnn_tf1** is gone from TensorFlow and provided by rnn-tf1; **another "
            "library** names the package. Names are as the script reached them, while it ran (`tf.` for "
            "`tensorflow.`).", ""]
    from rnn_tf1.py2 import report as py2_report
    out += py2_report.markdown(report)
    return "\n".join(out)


def report_paths(path: str, fmt: str) -> list[str]:
    """The files `--report PATH` writes: PATH (Markdown) and its JSON beside it, or PATH (JSON) alone."""
    if fmt == "json":
        return [path]
    stem, _ = os.path.splitext(path)
    json_path = stem + ".json" if stem + ".json" != path else path + ".json"
    return [path, json_path]


def check_report_paths(paths: list[str], force: bool) -> None:
    """One-line UsageErrors, before the script runs: a missing folder, a folder, an existing file."""
    from rnn_tf1.errors import UsageError
    for path in paths:
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise UsageError(f"--report {path}: no such folder {os.path.dirname(path) or folder}")
        if os.path.isdir(path):
            raise UsageError(f"--report {path}: is a folder")
        if os.path.lexists(path) and not force:
            raise UsageError(f"--report {path}: already exists (--force replaces it)")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"--report {path}: {folder} is not a writable folder")


def write_report(recorder: Recorder, paths: list[str], fmt: str, command: list[str], status: int) -> str:
    """Write the report's files; returns the summary line for stderr."""
    import json

    from rnn_tf1.run_files import write_text_atomically
    data = to_json(recorder, command, status)
    if fmt == "json":
        write_text_atomically(paths[0], json.dumps(data, indent=2) + "\n")
    else:
        write_text_atomically(paths[0], markdown(data))
        write_text_atomically(paths[1], json.dumps(data, indent=2) + "\n")
    return summary_line(data["names"], paths[0])
