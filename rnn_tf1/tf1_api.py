"""TF 1.x's API for unchanged TF1-era code: what `import tensorflow as tf` gives under `rnn-tf1 run`.

`install(seed, data_dir)` puts three things in `sys.modules`, in graph mode with TF1's behaviour
(`tf.compat.v1.disable_v2_behavior()`: no eager execution, reference variables, v1 control flow
and shapes, as TF 1.15 had them):

- `tensorflow`: the `tf.compat.v1` names at the top level (`tf.placeholder`, `tf.Session`,
  `tf.train.GradientDescentOptimizer`, `tf.nn.softmax_cross_entropy_with_logits`, ...), plus
  `tf.contrib` and `tf.examples`; `import tensorflow.compat.v1 as tf` keeps working;
- `tensorflow.contrib.rnn`: TF 1.x's `tf.contrib.rnn` names that `tf.compat.v1` still has under
  other names (cells, wrappers, `static_rnn`, ...), and the two it lost, `stack_bidirectional_rnn`
  and `stack_bidirectional_dynamic_rnn`, written again here;
- `tensorflow.examples.tutorials.mnist.input_data`: TF1's `read_data_sets` on the project's
  verified loader.

A name this environment does not provide raises `TF1NameMissing` naming it (and what to use
instead, where there is something), never a bare AttributeError deep inside TensorFlow.

Seeds.  TF 1.x gave a variable created without an initializer (an RNN cell's kernel) TF1's
glorot-uniform initializer, seeded from the graph seed; tf-keras's TF1 layers fall back to an
unseeded Keras initializer, so a seeded script would not repeat.  `install` restores TF1's default
(the same fix `graph.rnn_outputs` makes for the port), so `--seed N` repeats a script's run and
matches `rnn-tf1 train --seed N`.
"""
from __future__ import annotations

import importlib.abc
import logging
import sys
import types
from typing import Any, Sequence

from rnn_tf1 import tf_env  # noqa: F401  (before TensorFlow is imported)

# What to use instead of TF 1.x names that are gone, keyed by the missing dotted name's prefix.
HINTS = {
    "tensorflow.contrib.slim": "the tf-slim package (pip install tf-slim; import tf_slim as slim)",
    "tensorflow.contrib.learn": "tf.estimator or Keras",
    "tensorflow.contrib.layers": "tf.layers (tf.compat.v1.layers) or the tf-slim package",
    "tensorflow.contrib.keras": "tf.keras",
    "tensorflow.contrib.distributions": "the tensorflow-probability package",
    "tensorflow.contrib.seq2seq": "the tensorflow-addons package (tfa.seq2seq), or a rewrite",
    "tensorflow.contrib.legacy_seq2seq": "a rewrite with tf.nn.dynamic_rnn",
    "tensorflow.contrib.eager": "tf.compat.v1.enable_eager_execution outside rnn-tf1 run",
    "tensorflow.contrib.rnn": "the cells in tf.nn.rnn_cell (BasicLSTMCell, LSTMCell, GRUCell, ...)",
    "tensorflow.examples": "tensorflow.examples.tutorials.mnist.input_data (read_data_sets)",
}


class TF1NameMissing(AttributeError):
    """A TF 1.x name the environment does not provide; `.tf1_name` is its dotted name."""

    def __init__(self, dotted: str) -> None:
        self.tf1_name = dotted
        hint = next((h for prefix, h in HINTS.items() if dotted == prefix or dotted.startswith(prefix + ".")),
                    None)
        super().__init__(f"{dotted} is not provided by rnn-tf1's TF1 environment"
                         + (f"; use {hint} instead" if hint else ""))


class TF1ModuleMissing(ModuleNotFoundError):
    """`import tensorflow.contrib.X` of a module the environment does not provide."""

    def __init__(self, dotted: str) -> None:
        self.tf1_name = dotted
        super().__init__(str(TF1NameMissing(dotted)))
        # name=None: the import system must not take this for "no submodule, try an attribute"
        # and swallow it; the script sees this message.
        self.name = None


class _Namespace(types.ModuleType):
    """A module whose own attributes come first, then those of `source`; any other name is
    a TF1NameMissing naming it."""

    def __init__(self, name: str, source: Any = None, **own: Any) -> None:
        super().__init__(name)
        self._source = source
        self.__dict__.update(own)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if self._source is not None:
            try:
                return getattr(self._source, attr)
            except AttributeError:
                pass
        raise TF1NameMissing(f"{self.__name__}.{attr}")

    def __dir__(self) -> list[str]:
        return sorted(set(self.__dict__) | set(dir(self._source) if self._source is not None else ()))


class _MissingModuleFinder(importlib.abc.MetaPathFinder):
    """`import tensorflow.contrib.X` / `tensorflow.examples.X` for X not provided: a clear error."""

    PREFIXES = ("tensorflow.contrib.", "tensorflow.examples.")

    def find_spec(self, fullname: str, path, target=None):
        if fullname.startswith(self.PREFIXES) and fullname not in sys.modules:
            raise TF1ModuleMissing(fullname)
        return None


# --- tensorflow.contrib.rnn ---------------------------------------------------------------

def _contrib_rnn(tf1) -> dict[str, Any]:
    """TF 1.x's tf.contrib.rnn names that tf.compat.v1 still has, and the two it lost."""
    names = {name: getattr(tf1.nn.rnn_cell, name) for name in (
        "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
        "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "LSTMStateTuple")}
    names.update({name: getattr(tf1.nn, name) for name in (
        "static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn")})

    def stack_bidirectional_rnn(cells_fw: Sequence, cells_bw: Sequence, inputs, initial_states_fw=None,
                                initial_states_bw=None, dtype=None, sequence_length=None, scope=None):
        """Layers of static_bidirectional_rnn, each layer reading the previous one's concatenated
        outputs.  Returns (outputs, forward final states, backward final states), one state per layer;
        variables under SCOPE/cell_K/bidirectional_rnn/{fw,bw}/ as in TF 1.x."""
        cells_fw, cells_bw = _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
        states_fw, states_bw, layer = [], [], inputs
        with tf1.variable_scope(scope or "stack_bidirectional_rnn"):
            for k, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
                with tf1.variable_scope(f"cell_{k}"):
                    layer, state_fw, state_bw = tf1.nn.static_bidirectional_rnn(
                        fw, bw, layer, initial_state_fw=initial_states_fw[k] if initial_states_fw else None,
                        initial_state_bw=initial_states_bw[k] if initial_states_bw else None,
                        dtype=dtype, sequence_length=sequence_length)
                states_fw.append(state_fw)
                states_bw.append(state_bw)
        return layer, tuple(states_fw), tuple(states_bw)

    def stack_bidirectional_dynamic_rnn(cells_fw: Sequence, cells_bw: Sequence, inputs, initial_states_fw=None,
                                        initial_states_bw=None, dtype=None, sequence_length=None,
                                        parallel_iterations=None, time_major=False, scope=None,
                                        swap_memory=False):
        """Layers of bidirectional_dynamic_rnn; each layer's forward and backward outputs are
        concatenated on the feature axis (batch, time, fw + bw units) as the next layer's input."""
        cells_fw, cells_bw = _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
        states_fw, states_bw, layer = [], [], inputs
        with tf1.variable_scope(scope or "stack_bidirectional_rnn"):
            for k, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
                with tf1.variable_scope(f"cell_{k}"):
                    (out_fw, out_bw), (state_fw, state_bw) = tf1.nn.bidirectional_dynamic_rnn(
                        fw, bw, layer, sequence_length=sequence_length,
                        initial_state_fw=initial_states_fw[k] if initial_states_fw else None,
                        initial_state_bw=initial_states_bw[k] if initial_states_bw else None,
                        dtype=dtype, parallel_iterations=parallel_iterations, swap_memory=swap_memory,
                        time_major=time_major)
                    layer = tf1.concat([out_fw, out_bw], 2)
                states_fw.append(state_fw)
                states_bw.append(state_bw)
        return layer, tuple(states_fw), tuple(states_bw)

    names["stack_bidirectional_rnn"] = stack_bidirectional_rnn
    names["stack_bidirectional_dynamic_rnn"] = stack_bidirectional_dynamic_rnn
    return names


def _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw) -> tuple[list, list]:
    if not cells_fw or not cells_bw:
        raise ValueError("cells_fw and cells_bw must be non-empty lists of RNN cells")
    if len(cells_fw) != len(cells_bw):
        raise ValueError(f"cells_fw ({len(cells_fw)}) and cells_bw ({len(cells_bw)}) must be as many")
    for name, states in (("initial_states_fw", initial_states_fw), ("initial_states_bw", initial_states_bw)):
        if states is not None and len(states) != len(cells_fw):
            raise ValueError(f"{name} must have one state per cell ({len(cells_fw)}), got {len(states)}")
    return list(cells_fw), list(cells_bw)


# --- tensorflow.examples.tutorials.mnist.input_data ------------------------------------------

class _InputData:
    """TF1's `read_data_sets`, on the project's verified loader; `seed` and `data_dir` come from
    `rnn-tf1 run --seed/--data-dir`."""

    def __init__(self, tf1, seed: int | None, data_dir: str | None) -> None:
        self._tf1, self._seed, self._data_dir = tf1, seed, data_dir

    def read_data_sets(self, train_dir, fake_data=False, one_hot=False, dtype=None, reshape=True,
                       validation_size=5000, seed=None, source_url=None):
        """TF 1.x's signature.  The files come from `train_dir` (fetched there and checksum-verified
        when missing) unless --data-dir names another folder; `source_url` is not used (the
        project's own routes are).  Images (N, 784) (or (N, 28, 28, 1) with reshape=False),
        float32 in [0, 1] (x * float32(1/255), as TF1) or uint8 0-255 with dtype uint8; labels
        one-hot float64 rows or uint8 digits, as TF1 returned them."""
        import numpy as np

        from rnn_tf1 import mnist_data

        if fake_data:
            raise TF1NameMissing("tensorflow.examples.tutorials.mnist.input_data.read_data_sets(fake_data=True)")
        dtype = self._tf1.float32 if dtype is None else self._tf1.as_dtype(dtype).base_dtype
        if dtype not in (self._tf1.uint8, self._tf1.float32):
            raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
        arrays = mnist_data.load_mnist_arrays(self._data_dir or str(train_dir))
        if not 0 <= validation_size <= len(arrays["train_images"]):
            raise ValueError(f"Validation size should be between 0 and {len(arrays['train_images'])}. "
                             f"Received: {validation_size}.")
        seed = self._seed if seed is None else seed  # None: a fresh shuffle each run, as in 2017

        def images(raw):  # (N, 28, 28) uint8
            out = mnist_data.scale_images(raw) if dtype == self._tf1.float32 else raw.reshape(len(raw), -1)
            return out if reshape else out.reshape(-1, 28, 28, 1)

        def labels(raw):  # (N,) uint8
            return mnist_data.dense_to_one_hot(raw).astype(np.float64) if one_hot else raw

        train_x, train_y = images(arrays["train_images"]), labels(arrays["train_labels"])
        return mnist_data.Datasets(
            train=mnist_data.DataSet(train_x[validation_size:], train_y[validation_size:], seed=seed),
            validation=mnist_data.DataSet(train_x[:validation_size], train_y[:validation_size], seed=seed),
            test=mnist_data.DataSet(images(arrays["test_images"]), labels(arrays["test_labels"]), seed=seed))


# --- installing it ------------------------------------------------------------------------

def _restore_tf1_default_initializer(tf1) -> None:
    """TF1 layers (RNN cells, tf.layers) created a weight without an initializer with TF1's seeded
    glorot_uniform_initializer; tf-keras uses an unseeded Keras one unless the variable scope has an
    initializer.  Give such weights TF1's, exactly as graph.rnn_outputs does for the port."""
    from tf_keras.src.legacy_tf_layers import base

    add_weight = base.Layer.add_weight
    if getattr(add_weight, "rnn_tf1_default_initializer", False):
        return

    def add_weight_tf1(self, name, shape=None, dtype=None, initializer=None, *args, **kwargs):
        floating = dtype is None or tf1.as_dtype(dtype).is_floating
        if initializer is None and floating and tf1.get_variable_scope().initializer is None:
            initializer = tf1.glorot_uniform_initializer()
        return add_weight(self, name, shape, dtype, initializer, *args, **kwargs)

    add_weight_tf1.rnn_tf1_default_initializer = True
    base.Layer.add_weight = add_weight_tf1


def install(seed: int | None = None, data_dir: str | None = None) -> types.ModuleType:
    """Make `import tensorflow` give TF 1.x's API in graph mode; returns that module.

    `seed` seeds the default graph and `read_data_sets`' shuffler as `rnn-tf1 train --seed`
    seeds its own (None: unseeded, as the tutorial ran); `data_dir` overrides the folder a
    script passes to `read_data_sets`.  Meant for a process that runs TF1 code (`rnn-tf1 run`,
    a notebook's last section): it changes TensorFlow's behaviour for the whole process.
    """
    import tensorflow as real_tf  # the real package, imported once with tf_env's settings

    tf1 = real_tf.compat.v1
    logger = real_tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)  # our own call need not announce that ref variables are deprecated
    tf1.disable_v2_behavior()
    logger.setLevel(level)
    _restore_tf1_default_initializer(tf1)
    tf1.reset_default_graph()
    if seed is not None:
        tf1.set_random_seed(seed)

    # The namespaces are packages (__path__), so that `from tensorflow.contrib import X` and
    # `import tensorflow.contrib.X` of a missing X reach _MissingModuleFinder and its clear error.
    rnn = _Namespace("tensorflow.contrib.rnn", None, __path__=[], **_contrib_rnn(tf1))
    contrib = _Namespace("tensorflow.contrib", None, __path__=[], rnn=rnn)
    input_data = _Namespace("tensorflow.examples.tutorials.mnist.input_data",
                            _InputData(tf1, seed, data_dir))
    mnist = _Namespace("tensorflow.examples.tutorials.mnist", None, __path__=[], input_data=input_data)
    tutorials = _Namespace("tensorflow.examples.tutorials", None, __path__=[], mnist=mnist)
    examples = _Namespace("tensorflow.examples", None, __path__=[], tutorials=tutorials)
    tf = _Namespace("tensorflow", tf1, contrib=contrib, examples=examples, __path__=real_tf.__path__,
                    __file__=real_tf.__file__, __version__=real_tf.__version__)
    for module in (tf, contrib, rnn, examples, tutorials, mnist, input_data):
        sys.modules[module.__name__] = module
    if not any(isinstance(f, _MissingModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MissingModuleFinder())
    return tf
