"""TF 1.x's API for unchanged TF1-era code: what `import tensorflow as tf` gives under `rnn-tf1 run`.

`install(seed, data_dir)` puts TF 1.x's modules in `sys.modules`, in graph mode with TF1's behaviour
(`tf.compat.v1.disable_v2_behavior()`: no eager execution, reference variables, v1 control flow
and shapes, as TF 1.15 had them); a script whose first TensorFlow call is
`tf.enable_eager_execution()` switches to TF 1.x's eager mode instead (sessions.py):

- `tensorflow`: the `tf.compat.v1` names at the top level (`tf.placeholder`, `tf.Session`,
  `tf.train.GradientDescentOptimizer`, ...), plus `tf.contrib` and `tf.examples`;
  `import tensorflow.compat.v1 as tf` keeps working;
- one module of this package per TF 1.x namespace that TensorFlow lost (NAMESPACES below), each
  a thin layer over what `tf.compat.v1`, tf-keras or a library already has;
- numpy 1's names and keywords that numpy 2 removed (`np.float`, `np.asscalar`, ...), each noted
  once on stderr (habits.py).

A name this environment does not provide raises `TF1NameMissing` naming it, and what to use
instead (hints.py), never a bare AttributeError deep inside TensorFlow.
"""
from __future__ import annotations

import dataclasses
import importlib
import logging
import sys
import types
from typing import Any

from rnn_tf1 import tf_env  # noqa: F401  (before TensorFlow is imported)
from rnn_tf1.tf1.namespace import MissingModuleFinder, Namespace, TF1ModuleMissing, TF1NameMissing

__all__ = ["install", "Env", "NAMESPACES", "TF1NameMissing", "TF1ModuleMissing"]

# Each TF 1.x module provided here -> the module of this package whose `names(env)` builds it (a
# mapping of its names), built on the script's first use; "module:function" names another builder
# of that module (one module may provide two namespaces that share their names).  Parent packages
# (`tensorflow.contrib`) are made as needed.
NAMESPACES = {
    "tensorflow.contrib.cluster_resolver": "contrib_tpu:cluster_resolver_names",
    "tensorflow.contrib.compiler.jit": "contrib_compiler:jit_names",
    "tensorflow.contrib.crf": "contrib_crf",
    "tensorflow.contrib.crf.python.ops.crf": "contrib_crf",
    "tensorflow.contrib.data": "contrib_data",
    "tensorflow.contrib.eager": "eager",
    "tensorflow.contrib.framework": "contrib_framework",
    "tensorflow.contrib.framework.python.ops": "contrib_framework:ops_names",
    "tensorflow.contrib.framework.python.ops.audio_ops": "contrib_framework:audio_names",
    "tensorflow.contrib.layers": "contrib_layers",
    "tensorflow.contrib.layers.python.layers": "contrib_layers",  # TF1's package path: the same names
    "tensorflow.contrib.layers.python.layers.initializers": "contrib_layers:initializers_names",
    "tensorflow.contrib.layers.python.layers.layers": "contrib_layers:layers_module_names",
    "tensorflow.contrib.layers.python.layers.regularizers": "contrib_layers:regularizers_names",
    "tensorflow.contrib.learn": "contrib_learn:learn_names",  # before its sub-namespaces
    "tensorflow.contrib.learn.datasets": "contrib_learn",
    "tensorflow.contrib.learn.datasets.mnist": "contrib_learn:mnist_names",
    "tensorflow.contrib.learn.preprocessing": "contrib_learn:preprocessing_names",
    "tensorflow.contrib.learn.python.learn.datasets.mnist": "contrib_learn:mnist_names",
    "tensorflow.contrib.learn.python.learn.preprocessing": "contrib_learn:preprocessing_names",
    "tensorflow.contrib.learn.python.learn.preprocessing.text": "contrib_learn:preprocessing_names",
    "tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary": "contrib_learn:vocabulary_names",
    "tensorflow.contrib.metrics": "contrib_metrics",
    "tensorflow.contrib.rnn": "contrib_rnn",
    "tensorflow.contrib.legacy_seq2seq": "legacy_seq2seq",
    "tensorflow.contrib.seq2seq": "seq2seq",
    "tensorflow.contrib.signal": "contrib_signal",
    "tensorflow.contrib.slim": "contrib_layers:slim_names",
    "tensorflow.contrib.summary": "contrib_summary",
    "tensorflow.contrib.tpu": "contrib_tpu",
    "tensorflow.distribute": "contrib_tpu:distribute_names",
    "tensorflow.distribute.cluster_resolver": "contrib_tpu:distribute_cluster_resolver_names",
    "tensorflow.contrib.training": "contrib_training",
    "tensorflow.contrib.training.python.training.hparam": "contrib_training:hparam_names",
    "tensorflow.estimator": "estimator",
    "tensorflow.estimator.inputs": "estimator:inputs_names",
    "tensorflow.estimator.tpu": "estimator:tpu_names",
    "tensorflow.examples.tutorials.mnist.input_data": "input_data",
    "tensorflow.flags": "tf_flags",
    "tensorflow.app": "tf_flags:app_names",
}


@dataclasses.dataclass(frozen=True)
class Env:
    """What a namespace's `names(env)` may read: TensorFlow's `tf.compat.v1`, and the run's
    `--seed` and `--data-dir` (None when not given)."""
    tf1: Any
    seed: int | None = None
    data_dir: str | None = None


def _loader(builder: str, env: Env):
    module_name, _, function = builder.partition(":")

    def load():
        return getattr(importlib.import_module(f"{__name__}.{module_name}"), function or "names")(env)
    return load


def install(seed: int | None = None, data_dir: str | None = None) -> types.ModuleType:
    """Make `import tensorflow` give TF 1.x's API in graph mode; returns that module.

    `seed` seeds what the script draws from (seeding.py: its graphs, `read_data_sets`' shuffler as
    `rnn-tf1 train --seed` seeds its own, numpy, `random`, while-loop draws; under
    `tf.enable_eager_execution()` the eager context) and gives its Sessions and eager context
    the port's threads (sessions.py); None: unseeded, as the tutorial ran.  `data_dir` overrides the folder a
    script passes to `read_data_sets`.  Meant for a process that runs TF1 code (`rnn-tf1 run`,
    a notebook's last section): it changes TensorFlow's behaviour for the whole process.
    """
    import tensorflow as real_tf  # the real package, imported once with tf_env's settings

    from rnn_tf1.tf1 import habits, keras_datasets, seeding, sessions

    tf1 = real_tf.compat.v1
    env = Env(tf1, seed, data_dir)
    logger = real_tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)  # our own call need not announce that ref variables are deprecated
    tf1.disable_v2_behavior()
    logger.setLevel(level)
    seeding.restore_default_initializer(tf1)
    tf1.reset_default_graph()
    seeding.seed(env)
    habits.install(env)  # numpy 1's removed names, for the script only (never for rnn-tf1 train)
    keras_datasets.install(env)  # tf.keras' mnist.load_data() offline, from the verified MNIST
    importlib.import_module(f"{__name__}.private_paths").install()  # TF 1.x's private paths that moved

    tf = Namespace("tensorflow", tf1, __path__=real_tf.__path__, __file__=real_tf.__file__,
                   __version__=real_tf.__version__, **sessions.install(env))
    # TF 1.15's `tf.compat.v1` was the whole v1 API, contrib and estimator included
    # (`tf.compat.v1.estimator.inputs.numpy_input_fn` in TF's own layers tutorial), so
    # `tf.compat.v1` and `import tensorflow.compat.v1 as tf` (an attribute chain) give this module;
    # sys.modules keeps TensorFlow's own `tensorflow.compat.v1` (`from tensorflow.compat import v1`).
    tf.compat = Namespace("tensorflow.compat", real_tf.compat, v1=tf)
    # tf.nn: tf.compat.v1.nn, its cross-entropies with TF 1.x's named-argument check (nn.py).
    tf.nn = Namespace("tensorflow.nn", tf1.nn, **importlib.import_module(f"{__name__}.nn").names(env))
    # tf.test: tf.compat.v1.test, with create_local_cluster picking its ports without portpicker (cluster.py).
    tf.test = Namespace("tensorflow.test", tf1.test, **importlib.import_module(f"{__name__}.cluster").test_names(env))
    modules = {"tensorflow": tf, "tensorflow.nn": tf.nn, "tensorflow.test": tf.test}
    for dotted, module_name in NAMESPACES.items():
        # Packages (__path__), so that `from tensorflow.contrib import X` and `import
        # tensorflow.contrib.X` of a missing X reach MissingModuleFinder and its clear error.
        modules[dotted] = Namespace(dotted, loader=_loader(module_name, env), __path__=[])
        parts = dotted.split(".")
        for depth in range(len(parts) - 1, 0, -1):
            parent = ".".join(parts[:depth])
            if parent not in modules:
                modules[parent] = Namespace(parent, __path__=[])
            setattr(modules[parent], parts[depth], modules[".".join(parts[:depth + 1])])
    # `from tensorflow.compat.v1 import estimator` (late TF1 code: ALBERT, TF's official models) reads
    # TensorFlow's own tensorflow.compat.v1, which has no estimator or contrib: Python then looks for
    # the submodule in sys.modules, where these names give the script's modules.
    for dotted in list(modules):
        top = dotted.split(".")[1] if dotted.count(".") else None
        if top and not hasattr(real_tf.compat.v1, top) and dotted != "tensorflow.nn":
            modules["tensorflow.compat.v1." + dotted[len("tensorflow."):]] = modules[dotted]
    sys.modules.update(modules)
    if not any(isinstance(f, MissingModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, MissingModuleFinder())
    return tf
