"""`tensorflow.contrib.layers` and `tensorflow.contrib.slim`: TF 1.x's layer functions, initializers,
regularizers, summaries, `optimize_loss`, and slim's variables, arg scopes, losses and training.

The base is the tf-slim package (1.1.0), TF 1.x's contrib.layers / contrib.slim code kept outside
TensorFlow: it builds TF1's graph with TF1's variable names (`fully_connected/weights`,
`Conv/biases`, `BatchNorm/moving_mean`, ...).  On TF 2.21 some of its references to TensorFlow's
internals point at names TensorFlow moved (`ops.Tensor`, `array_ops.stack`,
`control_flow_ops.cond`, ...) or at a module that no longer loads (`tensorflow.python.layers.
normalization`, which `batch_norm` uses); `repair_tf_slim` points those references of tf-slim's
own modules at the names' new homes, nothing else in TensorFlow is touched.  `embed_sequence`,
never in tf-slim, is written here as TF 1.15 had it.

TF 2: `keras.layers.Dense` / `Conv2D` / `MaxPooling2D` / `Flatten` / `Dropout` /
`BatchNormalization` / `LayerNormalization` / `Embedding`; `keras.initializers.GlorotUniform` /
`VarianceScaling`; `keras.regularizers.L1` / `L2`; a `tf.GradientTape` loop for `optimize_loss`.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

# contrib.layers: every public name of these tf-slim modules (as TF 1.15's contrib.layers took
# every public name of the same modules), plus the extras below.
_LAYERS_MODULES = ("tf_slim.layers.layers", "tf_slim.layers.initializers", "tf_slim.layers.regularizers",
                   "tf_slim.layers.summaries", "tf_slim.layers.normalization")
_LAYERS_EXTRAS = {"tf_slim.layers.optimizers": ("optimize_loss", "adaptive_clipping_fn", "OPTIMIZER_CLS_NAMES",
                                                "OPTIMIZER_SUMMARIES"),
                  "tf_slim.layers.rev_block_lib": ("RevBlock", "rev_block", "recompute_grad"),
                  "tf_slim.layers.bucketization_op": ("bucketize",),
                  # TF1-era code wrote tf.contrib.layers.arg_scope as often as contrib.framework's
                  "tf_slim.ops.arg_scope": ("arg_scope", "add_arg_scope")}
# contrib.slim: contrib.layers' names, and slim's own (as TF 1.15's contrib/slim/__init__.py).
_SLIM_MODULES = ("tf_slim.ops.variables",)
_SLIM_EXTRAS = {"tf_slim.ops.arg_scope": ("arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
                                          "arg_scoped_arguments", "arg_scope_func_key")}
_SLIM_SUBMODULES = ("losses", "metrics", "evaluation", "learning", "model_analyzer", "queues", "summaries",
                    "data_decoder", "data_provider", "dataset", "dataset_data_provider", "parallel_reader",
                    "prefetch_queue", "tfexample_decoder")


def names(env) -> dict[str, Any]:
    """tf.contrib.layers: tf-slim's layers, initializers, regularizers, summaries, optimize_loss;
    embed_sequence written here."""
    repair_tf_slim(env.tf1)
    provided: dict[str, Any] = {}
    for module_name in _LAYERS_MODULES:
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in module.__all__})
    for module_name, taken in _LAYERS_EXTRAS.items():
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in taken})
    provided["embed_sequence"] = _embed_sequence(env.tf1)
    return provided


def _python_layers_module(env, name: str) -> dict[str, Any]:
    """`tensorflow.contrib.layers.python.layers.NAME`, TF1's own module path (`from
    tensorflow.contrib.layers.python.layers import initializers`): tf-slim's module of that name."""
    repair_tf_slim(env.tf1)
    module = importlib.import_module(f"tf_slim.layers.{name}")
    return {attr: getattr(module, attr) for attr in module.__all__}


def initializers_names(env) -> dict[str, Any]:
    return _python_layers_module(env, "initializers")


def layers_module_names(env) -> dict[str, Any]:
    return _python_layers_module(env, "layers")


def regularizers_names(env) -> dict[str, Any]:
    return _python_layers_module(env, "regularizers")


def slim_names(env) -> dict[str, Any]:
    """tf.contrib.slim: contrib.layers' names, slim's variables and arg scopes, and its modules
    (slim.losses is TF1's contrib.losses: logits first, as slim scripts call it)."""
    provided = names(env)
    import tf_slim
    for module_name in _SLIM_MODULES:
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in module.__all__})
    for module_name, taken in _SLIM_EXTRAS.items():
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in taken})
    provided.update({name: getattr(tf_slim, name) for name in _SLIM_SUBMODULES})
    return provided


class _Repaired(types.ModuleType):
    """Stands in for one TensorFlow module in a tf-slim module's globals: the names TensorFlow
    moved away from it (at their new homes) first, then the module's own."""

    def __init__(self, original: types.ModuleType, moved: dict[str, Any]) -> None:
        super().__init__(original.__name__)
        self.rnn_tf1_original = original
        self.__dict__.update(moved)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.rnn_tf1_original, attr)


def _moved_names(tf1) -> dict[str, dict[str, Any]]:
    """TensorFlow module -> {name tf-slim 1.1.0 reads from it that TF 2.21 moved: its new home}."""
    from tensorflow.python.framework import indexed_slices, tensor
    return {
        "tensorflow.python.framework.ops": {"Tensor": tensor.Tensor, "IndexedSlices": indexed_slices.IndexedSlices},
        "tensorflow.python.ops.array_ops": {"stack": tf1.stack, "unstack": tf1.unstack},
        # tf.compat.v1's are TF1's own functions (cond with strict= / fn1= / fn2=, while_loop v1)
        "tensorflow.python.ops.control_flow_ops": {"cond": tf1.cond, "case": tf1.case,
                                                   "while_loop": tf1.while_loop, "Assert": tf1.Assert},
        # TF1's variable_scope.variable: a VariableV1 through the graph's variable creators
        "tensorflow.python.ops.variable_scope": {"variable": tf1.Variable},
    }


def repair_tf_slim(tf1) -> None:
    """Point tf-slim's references to moved TensorFlow names at their new homes (in tf-slim's own
    modules' globals only); idempotent.  batch_norm's `normalization_layers` (TensorFlow's
    tensorflow.python.layers.normalization, whose lazy import of tf_keras.legacy_tf_layers fails)
    becomes tf-keras's module of TF1's tf.layers.BatchNormalization, the class TF 1.15 used."""
    import tf_slim  # noqa: F401  (imports the modules repaired below)
    from tf_keras.src.legacy_tf_layers import normalization as tf1_normalization

    moved = _moved_names(tf1)
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("tf_slim.") or module is None:
            continue
        for global_name, value in list(vars(module).items()):
            if isinstance(value, _Repaired) or not isinstance(value, types.ModuleType):
                continue
            if value.__name__ == "tensorflow.python.layers.normalization":
                setattr(module, global_name, tf1_normalization)
            elif value.__name__ in moved:
                setattr(module, global_name, _Repaired(value, moved[value.__name__]))


def _embed_sequence(tf1):
    from tf_slim.ops import variables as slim_variables

    def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None, regularizer=None,
                       trainable=True, scope=None, reuse=None):
        """TF 1.15's contrib.layers.embed_sequence: ids (batch, time) -> (batch, time, embed_dim)
        rows of the model variable SCOPE/embeddings (scope 'EmbedSequence' by default)."""
        if not (reuse or (vocab_size and embed_dim)):
            raise ValueError("Must specify vocab size and embedding dimension when not reusing. "
                             f"Got vocab_size={vocab_size} and embed_dim={embed_dim}")
        with tf1.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
            # reusing without both sizes: the existing variable's shape
            shape = None if reuse and (vocab_size is None or embed_dim is None) else [vocab_size, embed_dim]
            embeddings = slim_variables.model_variable("embeddings", shape=shape, initializer=initializer,
                                                       regularizer=regularizer, trainable=trainable)
            if unique:
                # TF1's embedding_lookup_unique: each distinct id looked up once, then spread back
                flat_ids = tf1.reshape(ids, [-1])
                distinct, positions = tf1.unique(flat_ids)
                rows = tf1.gather(tf1.nn.embedding_lookup(embeddings, distinct), positions)
                embedded = tf1.reshape(rows, tf1.concat([tf1.shape(ids), tf1.shape(embeddings)[1:]], 0))
                embedded.set_shape(ids.get_shape().concatenate(embeddings.get_shape()[1:]))
                return embedded
            return tf1.nn.embedding_lookup(embeddings, ids)
    return embed_sequence
