"""`tensorflow.contrib.eager` (`tfe`): what TF 1.5-1.15 scripts in the eager style used.

Most names are TensorFlow's own objects under the names TF 1.15's contrib/eager/python/tfe.py gave
them: `Variable` is `ResourceVariable`; `implicit_gradients`, `implicit_value_and_gradients`,
`gradients_function`, `value_and_gradients_function` and `GradientTape` are TF 2.21's
tensorflow.python.eager.backprop functions, the same code TF1 exported; `py_func` is
`eager_py_func`; `Checkpoint`, `Checkpointable` (AutoTrackable), `executing_eagerly`, the device
policies and execution modes are unchanged.  Written here, thin: `Iterator` (TF1's contrib
iterator on TF 2's OwnedIterator), `Saver` (TF1's var_list saver on tf.compat.v1.train.Saver),
`defun` (tf.function with defun's arguments), `seterr` (check numerics), `list_devices`,
`metrics` (TF1's contrib Metric API: call / result / init_variables, resource variables named
`Mean/numer`), and `Network` / `Sequential` (TF1's deprecated contrib Network: a tf.layers.Layer
whose `track_layer`ed layers get TF1's variable names, `my_network_1/dense_1/kernel`).
`tf.enable_eager_execution()` itself is made to work under `rnn-tf1 run` by sessions.py.

TF 2: eager by default; `tf.Variable`, `tf.GradientTape`, `iter(dataset)`, `tf.train.Checkpoint`,
`tf.function`, `tf.keras.metrics`, `tf.keras.Model`.
"""
from __future__ import annotations

import collections
import os
from typing import Any

from tensorflow.python.data.ops import iterator_ops
from tensorflow.python.eager import backprop, context
from tensorflow.python.ops import resource_variable_ops, script_ops
from tensorflow.python.trackable import autotrackable

import tensorflow as _tf
from tf_keras.src.legacy_tf_layers import base as _layers_base

# tf.compat.v1's names: TensorFlow's module in the tests, rnn-tf1's `tensorflow` namespace (the same
# names, and TF 1.x's namespaces) under rnn-tf1 run
tf1 = _tf.compat.v1


class Iterator(iterator_ops.OwnedIterator):
    """TF1's `tfe.Iterator(dataset)`: `next()`, `__next__`, `get_next()` give the next element as
    eager tensors, StopIteration (OutOfRange for get_next) at the end."""

    def __init__(self, dataset):
        # TF 1.x: "RuntimeError: When invoked without eager execution enabled."
        if not context.executing_eagerly():
            raise RuntimeError("tf.contrib.eager.Iterator is only supported when eager execution is enabled "
                               "(tf.enable_eager_execution() at the script's start)")
        super().__init__(dataset)


class Saver:
    """TF1's `tfe.Saver(var_list)`: a tf.train.Saver over the listed variables, without a Session."""

    def __init__(self, var_list):
        self._saver = tf1.train.Saver(var_list=var_list)

    def save(self, file_prefix, global_step=None):
        # TF 1.x: no meta graph under eager; the checkpoint is written from the CPU
        with tf1.device("/device:CPU:0"):
            return self._saver.save(None, file_prefix, write_meta_graph=False, global_step=global_step)

    def restore(self, file_prefix):
        with tf1.device("/device:CPU:0"):
            self._saver.restore(None, file_prefix)


def get_optimizer_variables(optimizer):
    """TF 1.x: the slot and accumulator variables an optimizer made (for a tfe.Saver)."""
    return optimizer.variables()


def defun(func=None, input_signature=None, autograph=True, experimental_autograph_options=None,
          experimental_relax_shapes=False):
    """TF 1.x's defun: a Python function compiled to a graph function; tf.function under its
    TF 2 name (experimental_relax_shapes is tf.function's reduce_retracing)."""
    return tf1.function(func, input_signature=input_signature, autograph=autograph,
                        experimental_autograph_options=experimental_autograph_options,
                        reduce_retracing=experimental_relax_shapes)


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None,
                  create_graph_function_=False, **kwargs):
    """TF 1.x's tfe.make_template: tf.make_template; a graph function per template is not provided."""
    if create_graph_function_:
        raise ValueError("tfe.make_template(create_graph_function_=True) is not provided by rnn-tf1; wrap "
                         "the template's call in tfe.defun (tf.function) instead")
    return tf1.make_template(name_, func_, create_scope_now_=create_scope_now_, unique_name_=unique_name_,
                             custom_getter_=custom_getter_, **kwargs)


_inf_or_nan = ["ignore"]  # TF 1.x's default: abnormal values pass silently


def seterr(inf_or_nan=None):
    """TF 1.x: how ops producing inf/nan are handled ("ignore", "raise"; TF1's "print" and "warn"
    are not provided); returns the previous setting as {"inf_or_nan": ...}."""
    previous = {"inf_or_nan": _inf_or_nan[0]}
    if inf_or_nan is None:
        return previous
    if inf_or_nan not in ("ignore", "print", "raise", "warn"):
        raise ValueError("Invalid action value for inf_or_nan: %s. Valid actions are: {'ignore', 'print', "
                         "'raise', 'warn'}." % inf_or_nan)
    if inf_or_nan in ("print", "warn"):
        raise ValueError("tfe.seterr(inf_or_nan=%r) is not provided by rnn-tf1; use 'raise' "
                         "(tf.debugging.enable_check_numerics) or tf.debugging.check_numerics" % inf_or_nan)
    if inf_or_nan == "raise":
        tf1.debugging.enable_check_numerics()
    else:
        tf1.debugging.disable_check_numerics()
    _inf_or_nan[0] = inf_or_nan
    return previous


def list_devices():
    """TF 1.x: the names of the eager context's devices."""
    return [device.name for device in tf1.config.list_logical_devices()]


def run(main=None, argv=None):
    """TF 1.x's tfe.run: enable eager execution, then tf.app.run(main, argv)."""
    tf1.enable_eager_execution()
    tf1.app.run(main, argv)


# ---- metrics: TF 1.x's tf.contrib.eager.metrics ------------------------------------------------

class Metric:
    """TF 1.x's contrib Metric: variables made on the first call, under a unique variable scope
    named after the metric (`Mean/numer`, `Mean_1/numer`), `result()` computed from them.  Eager
    execution only (in graph mode TF1 compiled `call` into a graph function; use tf.metrics there)."""

    def __init__(self, name=None, use_global_variables=False):
        if not context.executing_eagerly():
            raise RuntimeError("tfe.metrics under graph execution is not provided by rnn-tf1; use tf.metrics "
                               "(tf.compat.v1.metrics.mean, accuracy) in graph mode")
        self._built = False
        self._vars = []
        self._initial_values = []  # parallel to _vars (TF 2 variables are unhashable)
        self._use_global_variables = use_global_variables
        name = name or self.__class__.__name__
        scope_name = "".join(c if c.isalnum() or c == "." else "_" for c in name)  # a valid scope name
        with tf1.variable_scope(None, default_name=scope_name, use_resource=True, reuse=False) as scope:
            position = scope.name.rfind(scope_name)
            self._name = name + scope.name[position + len(scope_name):]  # Mean, Mean_1, ...
            self._scope = scope

    def __call__(self, *args, **kwargs):
        """Update the metric with these inputs; returns what `call` returns (its inputs)."""
        if not self._built:
            with tf1.variable_scope(self._scope):
                self.build(*args, **kwargs)
            self._built = True
        return self.call(*args, **kwargs)

    @property
    def name(self):
        return self._name

    @property
    def variables(self):
        return self._vars

    def init_variables(self):
        """Reset the variables to their initial values (eager: returns None)."""
        for variable, initial in zip(self._vars, self._initial_values):
            variable.assign(initial)

    def build(self, *args, **kwargs):
        raise NotImplementedError("Metrics must define a build() member function")

    def call(self, *args, **kwargs):
        raise NotImplementedError("Metrics must define a call() member function")

    def result(self, write_summary=True):
        # TF 1.x wrote the result to the default contrib summary writer, which rnn-tf1 does not provide,
        # so nothing is written (as in TF1 with no writer set); the flag is checked as TF1 checked it.
        if not isinstance(write_summary, bool):
            raise ValueError("write_summary must be a boolean, got %r" % (write_summary,))
        return self._result()

    def value(self):
        """TF 1.x under eager: the callable that computes the result."""
        return self.result

    def aggregate(self, metrics):
        """Add the state of metrics of the same type (their variables, in order) into this one."""
        for metric in metrics:
            if type(self) is not type(metric):
                raise TypeError("All metrics must be the same type, '%s' != '%s'." % (type(self), type(metric)))
        for i, variable in enumerate(self._vars):
            variable.assign_add(tf1.add_n([m._vars[i] for m in metrics]))

    def add_variable(self, name, shape=None, dtype=None, initializer=None):
        """For subclasses, in build(): a non-trainable resource variable under the metric's scope."""
        if self._built:
            raise RuntimeError("Can't call add_variable() except in build().")
        collections_ = None if self._use_global_variables else [tf1.GraphKeys.LOCAL_VARIABLES]
        variable = tf1.get_variable(name, shape, dtype, initializer, trainable=False, collections=collections_,
                                    use_resource=True)
        self._vars.append(variable)
        self._initial_values.append(variable.value())
        return variable


class Mean(Metric):
    """The (weighted) mean of all values seen: numer / denom, float64 by default as in TF 1.x."""

    def __init__(self, name=None, dtype=tf1.float64, use_global_variables=False):
        super().__init__(name=name, use_global_variables=use_global_variables)
        self.dtype = dtype

    def build(self, *args, **kwargs):
        del args, kwargs
        self.numer = self.add_variable("numer", (), self.dtype, tf1.zeros_initializer)
        self.denom = self.add_variable("denom", (), self.dtype, tf1.zeros_initializer)

    def call(self, values, weights=None):
        if weights is None:
            self.denom.assign_add(tf1.cast(tf1.size(values), self.dtype))
            self.numer.assign_add(tf1.cast(tf1.reduce_sum(values), self.dtype))
            return values
        weights = tf1.cast(weights, self.dtype)
        self.denom.assign_add(tf1.reduce_sum(weights))
        self.numer.assign_add(tf1.reduce_sum(tf1.cast(values, self.dtype) * weights))
        return values, weights

    def _result(self):
        return self.numer / self.denom


class Accuracy(Mean):
    """How often `predictions` equals `labels` (same shape and type)."""

    def call(self, labels, predictions, weights=None):
        self._check_shapes(labels, predictions)
        matches = tf1.cast(tf1.equal(labels, predictions), tf1.float64)
        super().call(matches, weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)

    @staticmethod
    def _check_shapes(labels, predictions):
        if labels.shape != predictions.shape:
            raise ValueError("labels and predictions must have the same shape, got %s and %s"
                             % (labels.shape, predictions.shape))


class CategoricalAccuracy(Mean):
    """Accuracy of one-hot `labels` against `predictions` (batch, classes): argmax of each."""

    def call(self, labels, predictions, weights=None):
        Accuracy._check_shapes(labels, predictions)
        matches = tf1.cast(tf1.equal(tf1.argmax(labels, axis=-1), tf1.argmax(predictions, axis=-1)), tf1.float64)
        super().call(matches, weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


class SparseAccuracy(Mean):
    """Accuracy of class ids `labels` (batch,) against `predictions` (batch, classes)."""

    def call(self, labels, predictions, weights=None):
        labels = tf1.convert_to_tensor(labels)
        if labels.shape.ndims == predictions.shape.ndims:  # (batch, 1) ids, as TF1 took them
            labels = tf1.squeeze(labels, [-1])
        predicted = tf1.cast(tf1.argmax(predictions, axis=-1), labels.dtype)
        matches = tf1.cast(tf1.equal(labels, predicted), tf1.float64)
        super().call(matches, weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


class BinaryAccuracy(Mean):
    """Accuracy of 0/1 `labels` against probabilities `predictions` cut at `threshold`."""

    def __init__(self, threshold=0.5, name=None, dtype=tf1.float64):
        super().__init__(name=name, dtype=dtype)
        self.threshold = threshold

    def call(self, labels, predictions, weights=None):
        Accuracy._check_shapes(labels, predictions)
        predicted = tf1.cast(predictions > self.threshold, labels.dtype)
        matches = tf1.cast(tf1.equal(labels, predicted), tf1.float64)
        super().call(matches, weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


METRICS = ("Metric", "Mean", "Accuracy", "CategoricalAccuracy", "SparseAccuracy", "BinaryAccuracy")


# ---- Network: TF 1.x's deprecated tf.contrib.eager.Network ------------------------------------

class Network(_layers_base.Layer):
    """A composition of tf.layers Layers: each layer used in `call` is registered with
    `track_layer`, and its variables are named as in TF 1.x: the first anonymous network of a
    class is `my_network_1`, its anonymous layers are renamed uniquely within it (`dense_1`,
    `dense_2`: TF1's non-zero-based unique names), so the variables are
    `my_network_1/dense_1/kernel`, a nested network's `outer_1/inner_1/dense_1/kernel`."""

    def __init__(self, name=None):
        if isinstance(name, tf1.VariableScope):
            raise ValueError("VariableScopes are not valid Network names.")
        if name is not None and "/" in name:
            raise ValueError("Forward slashes ('/') are not allowed in Network names.")
        super().__init__(name=name)
        self._tfe_layers = []
        self._sub_layer_name_uids = collections.defaultdict(int)
        self._owned_layers = {}

    def _init_set_name(self, name):
        # TF 1.x: an anonymous network is named when first called (top level: `my_network`, unique
        # in the graph) or when tracked by another network (unique within that one).
        self._name = self._base_name = name or None

    def _finalize_name(self, name_uid_map=None, avoid_names=None):
        if self._name is None:
            self._name, self._base_name = self._make_unique_name(name_uid_map=name_uid_map, avoid_names=avoid_names)

    def _set_scope(self, scope=None):
        # TF 1.x: the network's variable scope is its (final) name; each tracked layer's scope is
        # made inside it from the layer's name, before the layer is first called.
        if scope is not None:
            raise ValueError("Networks may not be created with explicit scopes.")
        if self._scope is None:
            self._finalize_name()
            with tf1.variable_scope(None, use_resource=True, default_name=self._name) as network_scope:
                self._scope = network_scope
        for layer in self._tfe_layers:
            if not isinstance(layer, Network) and layer._scope is None:
                with tf1.variable_scope(self._scope):
                    with tf1.variable_scope(None, use_resource=True, default_name=layer.name) as layer_scope:
                        layer._scope = layer_scope

    @property
    def name(self):
        if self._name is None:
            raise ValueError("The network does not yet have a final name, but a name was requested for it. "
                             "Networks get a name when they are added to another Network via track_layer, or "
                             "when they are first called/built.")
        return self._name

    def track_layer(self, layer):
        """Register `layer` (a tf.layers.Layer) with this network; returns it."""
        if not hasattr(self, "_tfe_layers"):
            raise RuntimeError("Need to call Network.__init__ before adding layers")
        if not isinstance(layer, _layers_base.Layer):
            raise TypeError("Network.track_layer() passed type %s, not a tf.layers.Layer" % (type(layer),))
        if isinstance(layer, Network):
            layer._finalize_name(self._sub_layer_name_uids, self._owned_layers)
        elif not layer.built and layer._scope is None and layer._name != layer._base_name:
            # anonymous: a name unique within this network (dense, dense_1, ...), not the global one
            layer._name, layer._base_name = layer._make_unique_name(name_uid_map=self._sub_layer_name_uids,
                                                                    avoid_names=self._owned_layers)
        if not layer.built:
            if self._owned_layers.get(layer.name, layer) is not layer:
                raise ValueError("Attempt to add two Layers with the name '%s' to the same Network." % layer.name)
            self._owned_layers[layer.name] = layer
        self._tfe_layers.append(layer)
        return layer

    def get_layer(self, name=None, index=None):
        """A tracked layer by name or by index (the order of track_layer)."""
        if index is not None:
            if name is not None:
                raise ValueError("Exactly one of 'index' or 'name' must be provided")
            if len(self._tfe_layers) <= index:
                raise ValueError("Was asked to retrieve layer at index %d but model only has %d layers."
                                 % (index, len(self._tfe_layers)))
            return self._tfe_layers[index]
        if not name:
            raise ValueError("Provide either a layer name or layer index.")
        for layer in self._tfe_layers:
            if layer.name == name:
                return layer
        raise ValueError("No such layer: " + name)

    # TF 1.x: a network's weights are its tracked layers', in the order they were tracked.
    @property
    def layers(self):
        return list(self._tfe_layers)

    @property
    def weights(self):
        return [w for layer in self._tfe_layers for w in layer.weights]

    @property
    def trainable_weights(self):
        return [w for layer in self._tfe_layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        return [w for layer in self._tfe_layers for w in layer.non_trainable_weights]

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def trainable(self):
        return True

    @trainable.setter
    def trainable(self, value):
        if not value:  # TF 1.x: trainability is decided by the optimizer's var_list, not here
            raise AttributeError("cannot mark Network as not trainable")

    def add_variable(self, name, shape, dtype=None, initializer=None, regularizer=None, trainable=True,
                     constraint=None):
        raise RuntimeError("add_variable not supported in Network class yet.")

    def _strip_variable_prefix(self, variable_name):
        prefix = self.scope_name + "/"
        return variable_name[len(prefix):] if variable_name.startswith(prefix) else variable_name

    def _checkpoint_map(self, map_func):
        mapped = {}
        for variable in self.variables:
            key = (map_func or self._strip_variable_prefix)(variable.op.name if not context.executing_eagerly()
                                                            else variable.name.split(":")[0])
            if mapped.setdefault(key, variable) is not variable:
                raise ValueError("Two variables of Network '%s' map to the checkpoint name '%s'" % (self.name, key))
        return mapped

    def save(self, save_path, global_step=None, map_func=None):
        """TF 1.x's Network.save: the variables under names without the network's prefix
        (`dense/kernel`); a folder gets a checkpoint named after the network."""
        if not self.built:
            raise ValueError("Attempt to save the Network before it was first called. This means variables "
                             "have not yet been created, so there is nothing to save.")
        if global_step is None:
            try:
                global_step = tf1.train.get_global_step()
            except Exception:  # noqa: BLE001  (no default global step: none in the name, as TF1)
                global_step = None
        if os.path.isdir(save_path):
            save_path = os.path.join(save_path, self.name)
        session = None if context.executing_eagerly() else tf1.get_default_session()
        return tf1.train.Saver(self._checkpoint_map(map_func)).save(
            session, save_path, write_meta_graph=False, global_step=global_step)

    def restore(self, save_path, map_func=None):
        """TF 1.x's Network.restore into a network already called (its variables exist)."""
        if not self.built:
            raise ValueError("Network.restore before the network's first call (TF 1.x's deferred restoration) is "
                             "not provided by rnn-tf1; call the network once, then restore, or use tfe.Checkpoint")
        if os.path.isdir(save_path):
            save_path = os.path.join(save_path, self.name)
        session = None if context.executing_eagerly() else tf1.get_default_session()
        tf1.train.Saver(self._checkpoint_map(map_func)).restore(session, save_path)


class Sequential(Network):
    """TF 1.x's tfe.Sequential: layers (tracked) or callables applied in order; those whose call
    takes `training` get the network's."""

    def __init__(self, layers_funcs=None, name=None):
        super().__init__(name=name)
        self._layers_funcs = []
        for layer_func in layers_funcs or ():
            self.add(layer_func)

    def add(self, layer_func):
        import inspect

        if isinstance(layer_func, _layers_base.Layer):
            takes_training = "training" in inspect.signature(layer_func.call).parameters
            self.track_layer(layer_func)
        elif callable(layer_func):
            takes_training = "training" in inspect.signature(layer_func).parameters
        else:
            raise TypeError("Sequential.add() takes only tf.layers.Layer objects or callables; not '%s' of "
                            "type '%s'." % (layer_func, type(layer_func)))
        self._layers_funcs.append((takes_training, layer_func))

    def call(self, inputs, training=None):
        for takes_training, layer_func in self._layers_funcs:
            inputs = layer_func(inputs, training=training) if takes_training else layer_func(inputs)
        return inputs


def names(env) -> dict[str, Any]:
    """TF 1.15's tfe names that TF 2.21 still has, and those written here."""
    from rnn_tf1.tf1.namespace import Namespace

    provided = {
        # TF 1.x: tfe.Variable is ResourceVariable (eager variables are resource variables)
        "Variable": resource_variable_ops.ResourceVariable,
        "implicit_gradients": backprop.implicit_grad,
        "implicit_value_and_gradients": backprop.implicit_val_and_grad,
        "gradients_function": backprop.gradients_function,
        "value_and_gradients_function": backprop.val_and_grad_function,
        "GradientTape": backprop.GradientTape,
        "py_func": script_ops.eager_py_func,
        "custom_gradient": tf1.custom_gradient,
        "Checkpoint": tf1.train.Checkpoint,
        "Checkpointable": autotrackable.AutoTrackable,
        "TensorSpec": tf1.TensorSpec,
        "EagerVariableStore": __import__("tensorflow.python.ops.variable_scope",
                                         fromlist=["EagerVariableStore"]).EagerVariableStore,
        "executing_eagerly": context.executing_eagerly,
        "in_eager_mode": context.executing_eagerly,
        "enable_eager_execution": env.tf1.enable_eager_execution,
        "num_gpus": context.num_gpus,
        "execution_mode": context.execution_mode,
        "async_wait": context.async_wait,
        "async_clear_error": context.async_clear_error,
        "metrics": Namespace("tensorflow.contrib.eager.metrics", **{n: globals()[n] for n in METRICS}),
    }
    provided.update({n: getattr(context, n) for n in (
        "DEVICE_PLACEMENT_EXPLICIT", "DEVICE_PLACEMENT_WARN", "DEVICE_PLACEMENT_SILENT", "SYNC", "ASYNC")})
    provided.update({n: globals()[n] for n in (
        "Iterator", "Saver", "get_optimizer_variables", "defun", "make_template", "seterr", "list_devices", "run",
        "Network", "Sequential")})
    return provided
