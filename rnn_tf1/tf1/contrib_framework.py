"""`tensorflow.contrib.framework`: TF 1.x's variables and checkpoint helpers, arg scopes, `nest`,
tensor checks and graph utilities, each the object that still does the job:

- slim's variables (`variable`, `model_variable`, `get_variables*`, `get_model_variables`,
  `get_variables_to_restore`, `assign_from_checkpoint(_fn)`, `assign_from_values(_fn)`, global
  step helpers, ...) and arg scopes (`arg_scope`, `add_arg_scope`, ...): the tf-slim package's,
  TF 1.x's own contrib code, with TF1's names (the same objects as `tf.contrib.slim`'s);
- `load_checkpoint`, `list_variables`, `load_variable`, `init_from_checkpoint`:
  `tf.compat.v1.train`'s, where TF 1.x moved them;
- `nest`: TensorFlow's `nest` module, with TF 1.x's `is_sequence` (now `is_nested`);
- tensor checks, `sort`/`argsort`, `smart_cond`, `CriticalSection`, `TensorSpec`, `RecordInput`,
  name-scope helpers: `tf.compat.v1` or the TensorFlow module TF 1.15 took them from;
- `tensorflow.contrib.framework.python.ops`: the arg scopes, slim's variables and its `variables`
  module; `.audio_ops` (`contrib_audio`): `decode_wav`, `encode_wav`, `audio_spectrogram`, `mfcc`,
  TensorFlow's generated audio ops;
- `get_name_scope`, `reduce_sum_n`, `assert_scalar_int`, `get_placeholders`, `zero_initializer`:
  written here as TF 1.15 had them.

TF 2: `tf.nest`; `tf.train.load_checkpoint` / `list_variables` / `tf.train.Checkpoint`; Keras
layers' own arguments instead of arg scopes; `model.trainable_variables` instead of the collections.
"""
from __future__ import annotations

import importlib
from typing import Any

from rnn_tf1.tf1.namespace import Namespace

# tf-slim's modules -> the TF 1.15 contrib.framework names taken from them.
_SLIM = {
    "tf_slim.ops.variables": ("add_model_variable", "assert_global_step", "assert_or_get_global_step",
                              "assign_from_checkpoint", "assign_from_checkpoint_fn", "assign_from_values",
                              "assign_from_values_fn", "create_global_step", "filter_variables", "get_global_step",
                              "get_or_create_global_step", "get_local_variables", "get_model_variables",
                              "get_trainable_variables", "get_unique_variable", "get_variables_by_name",
                              "get_variables_by_suffix", "get_variable_full_name", "get_variables_to_restore",
                              "get_variables", "global_variable", "local_variable", "model_variable", "variable",
                              "VariableDeviceChooser"),
    "tf_slim.ops.arg_scope": ("arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
                              "arg_scoped_arguments"),
}
# tf.compat.v1 attribute paths -> the contrib.framework names they provide (same objects).
_TF1 = {
    "train.load_checkpoint": "load_checkpoint", "train.list_variables": "list_variables",
    "train.load_variable": "load_variable", "train.init_from_checkpoint": "init_from_checkpoint",
    "is_tensor": "is_tensor", "convert_to_tensor_or_sparse_tensor": "convert_to_tensor_or_sparse_tensor",
    "assert_scalar": "assert_scalar", "debugging.is_numeric_tensor": "is_numeric_tensor",
    "debugging.is_non_decreasing": "is_non_decreasing", "debugging.is_strictly_increasing": "is_strictly_increasing",
    "sort": "sort", "argsort": "argsort", "TensorSpec": "TensorSpec",
}
# TensorFlow's internal modules -> names TF 1.15's contrib.framework re-exported from them.
_INTERNAL = {
    "tensorflow.python.ops.check_ops": ("assert_same_float_dtype",),
    "tensorflow.python.ops.init_ops": ("convolutional_delta_orthogonal", "convolutional_orthogonal_1d",
                                       "convolutional_orthogonal_2d", "convolutional_orthogonal_3d"),
    "tensorflow.python.framework.ops": ("prepend_name_scope", "strip_name_scope"),
    "tensorflow.python.framework.smart_cond": ("smart_cond", "smart_constant_value", "smart_case"),
    "tensorflow.python.ops.critical_section_ops": ("CriticalSection",),
    "tensorflow.python.framework.tensor_spec": ("BoundedTensorSpec",),
    "tensorflow.python.ops.data_flow_ops": ("RecordInput",),
    "tensorflow.python.util.deprecation": ("deprecated", "deprecated_args", "deprecated_arg_values"),
}


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def nest_module(tf1) -> Namespace:
    """TensorFlow's nest, with TF 1.x's names for what TF 2 renamed."""
    from tensorflow.python.util import nest
    return Namespace("tensorflow.contrib.framework.nest", nest, is_sequence=nest.is_nested,
                     is_sequence_or_composite=nest.is_nested_or_composite)


# TF 1.15's contrib/framework/python/ops/audio_ops.py: the audio ops of the speech-commands code
AUDIO_OPS = ("decode_wav", "encode_wav", "audio_spectrogram", "mfcc")


def audio_names(env) -> dict[str, Any]:
    """`tensorflow.contrib.framework.python.ops.audio_ops` (`contrib_audio` in TF 1.x's speech code):
    TensorFlow's generated audio ops, as TF 1.15's module re-exported them."""
    from tensorflow.python.ops import gen_audio_ops
    return {name: getattr(gen_audio_ops, name) for name in AUDIO_OPS}


def ops_names(env) -> dict[str, Any]:
    """`tensorflow.contrib.framework.python.ops`, which TF1-era code imported from directly
    (`from tensorflow.contrib.framework.python.ops import add_arg_scope, arg_scope, variables`)."""
    from rnn_tf1.tf1.contrib_layers import repair_tf_slim
    repair_tf_slim(env.tf1)
    from tf_slim.ops import arg_scope, variables
    provided: dict[str, Any] = {name: getattr(arg_scope, name) for name in _SLIM["tf_slim.ops.arg_scope"]}
    provided.update({name: getattr(variables, name) for name in _SLIM["tf_slim.ops.variables"]})
    provided["variables"] = variables
    return provided


def names(env) -> dict[str, Any]:
    from rnn_tf1.tf1.contrib_layers import repair_tf_slim
    tf1 = env.tf1
    repair_tf_slim(tf1)
    provided: dict[str, Any] = {}
    for module_name, taken in _SLIM.items():
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in taken})
    provided.update({name: _attr(tf1, path) for path, name in _TF1.items()})
    for module_name, taken in _INTERNAL.items():
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in taken})
    provided["nest"] = nest_module(tf1)
    from tensorflow.python.framework import ops
    provided["get_graph_from_inputs"] = ops._get_graph_from_inputs  # TF 1.15's own function, now private
    provided.update(_written_here(tf1))
    return provided


def _written_here(tf1) -> dict[str, Any]:
    def get_name_scope():
        """The current name scope of the default graph ('' at the top), as TF 1.15's."""
        return tf1.get_default_graph().get_name_scope()

    def reduce_sum_n(tensors, name=None):
        """TF 1.15: the sum of every element of every tensor (a scalar); ValueError for no tensors."""
        if not tensors:
            raise ValueError("No tensors provided.")
        with tf1.name_scope(name, "reduce_sum_n", tensors) as scope:
            sums = [tf1.reduce_sum(t, name="%s/sum" % t.op.name) for t in tensors]
            return sums[0] if len(sums) == 1 else tf1.add_n(sums, name=scope)

    def assert_scalar_int(tensor, name=None):
        """TF 1.15: `tensor` itself if it is an integer scalar, else ValueError."""
        with tf1.name_scope(name, "assert_scalar_int", [tensor]) as scope:
            tensor = tf1.convert_to_tensor(tensor)
            if not tensor.dtype.base_dtype.is_integer:
                raise ValueError("Expected integer type for %s, received type: %s." % (tensor.name, tensor.dtype))
            return tf1.assert_scalar(tensor, name=scope)

    def get_placeholders(graph):
        """TF 1.15: the outputs of `graph`'s Placeholder ops, in the order they were made."""
        return [op.outputs[0] for op in graph.get_operations() if op.type == "Placeholder"]

    def zero_initializer(ref, use_locking=True, name="zero_initializer"):
        """TF 1.15: an op that sets the variable `ref` to zeros."""
        return tf1.assign(ref, tf1.zeros_like(ref), use_locking=use_locking, name=name)

    return {"get_name_scope": get_name_scope, "reduce_sum_n": reduce_sum_n, "assert_scalar_int": assert_scalar_int,
            "get_placeholders": get_placeholders, "zero_initializer": zero_initializer}
