"""`tf.estimator.inputs` (TF 1.15's inputs/numpy_io.py): `numpy_input_fn` on tf.data;
`pandas_input_fn` is not provided.

TF 2: tf.data.Dataset.from_tensor_slices, or keras.Model.fit(x, y, batch_size).
"""
from __future__ import annotations

import collections
import logging

import numpy as np
import tensorflow as tf

from rnn_tf1.tf1.namespace import TF1NameMissing

tf1 = tf.compat.v1

_noted: set = set()


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000, num_threads=1):
    """TF 1.15's numpy_input_fn on tf.data: batches of `x` (an array -> a Tensor, a dict -> a dict of
    Tensors) and `y`, `num_epochs` passes (the last batch may be short) or forever (None: full
    batches).  shuffle=True draws from a buffer of `queue_capacity` examples (TF1's shuffle queue's
    capacity), seeded by the graph seed.  The arrays stay in Python, fed by index (a
    tf.numpy_function), so no graph or checkpoint holds a copy of the data."""
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is recommended to set "
                         f"it as True for training); got {shuffle}")
    if num_threads != 1 and "num_threads" not in _noted:
        _noted.add("num_threads")
        logging.getLogger("rnn_tf1.tf1").warning(
            "note: numpy_input_fn(num_threads=%s): one tf.data pipeline reads the arrays here; num_threads is "
            "not used", num_threads)

    def input_fn():
        if isinstance(x, dict):
            if not x:
                raise ValueError("x cannot be an empty dict")
            columns = collections.OrderedDict(sorted((k, np.asarray(v)) for k, v in x.items()))
        elif isinstance(x, np.ndarray):
            if not x.size:
                raise ValueError("x cannot be an empty array")
            columns = collections.OrderedDict([("__direct_np_input__", x)])
        else:
            raise TypeError(f"x must be a dict or array; got {type(x).__name__}")
        feature_keys = list(columns)
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            targets = collections.OrderedDict(sorted((k, np.asarray(v)) for k, v in y.items()))
            duplicates = set(feature_keys) & set(targets)
            if duplicates:
                raise ValueError(f"{len(duplicates)} duplicate keys are found in both x and y: {duplicates}")
            target_keys = list(targets)
            columns.update(targets)
        else:
            target_keys = "__target_key__"
            while target_keys in columns:
                target_keys += "_n"
            columns[target_keys] = np.asarray(y)
        if len({len(v) for v in columns.values()}) != 1:
            shapes_y = None if target_keys is None else (
                columns[target_keys].shape if isinstance(target_keys, str)
                else {k: columns[k].shape for k in target_keys})
            raise ValueError("Length of tensors in x and y is mismatched. All elements in x and y must have the "
                             f"same length.\nShapes in x: { {k: columns[k].shape for k in feature_keys} }\n"
                             f"Shapes in y: {shapes_y}\n")
        arrays = list(columns.values())
        examples = len(arrays[0])
        indices = tf1.data.Dataset.range(examples).repeat(num_epochs)
        if shuffle:
            indices = indices.shuffle(queue_capacity)
        # num_epochs=None: TF1's dequeue_many, full batches (a static batch size); else dequeue_up_to.
        indices = indices.batch(batch_size, drop_remainder=num_epochs is None)

        def gather(batch):  # (batch,) int64 -> one array per column
            return [array[batch] for array in arrays]

        def lookup(batch):
            out = tf1.numpy_function(gather, [batch], [tf1.as_dtype(a.dtype) for a in arrays], stateful=False)
            for tensor, array in zip(out, arrays):
                tensor.set_shape(batch.shape.concatenate(array.shape[1:]))
            return tuple(out)

        batch = list(tf1.data.make_one_shot_iterator(indices.map(lookup)).get_next())
        features = batch[0] if isinstance(x, np.ndarray) else dict(zip(feature_keys, batch[:len(feature_keys)]))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))

    return input_fn


def pandas_input_fn(*args, **kwargs):
    raise TF1NameMissing("tensorflow.estimator.inputs.pandas_input_fn")
