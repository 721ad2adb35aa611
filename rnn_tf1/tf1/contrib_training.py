"""`tensorflow.contrib.training`: TF 1.x's `HParams` and `parse_values` (also importable as
`tensorflow.contrib.training.python.training.hparam`), `bucket_by_sequence_length` / `bucket`, and
the slim training and evaluation loops that TF 1.15 kept there.

`HParams` is written here with TF 1.15's contract: a value's type is fixed when the hyperparameter
is added (int, float, bool, str, or a non-empty list of one of them); `set_hparam`,
`override_from_dict`, `parse` and `parse_json` keep it (an int is accepted for a float and becomes
a float; a float for an int, a number for a str, an int for a bool are refused); `parse` reads
TF 1.15's grammar (`"a=1,b=[1,2],c=true,d=relu"`) with its error messages, word for word.
`to_proto` / `from_proto` / `HParams(hparam_def=...)` use TF 1.x's `tensorflow.HParamDef` message,
defined here from TF 1.15's hparam.proto (same fields and numbers, so its bytes are TF 1.x's);
`hparam_pb2.HParamDef` is that class.

`bucket_by_sequence_length` and `bucket` are TF 1.15's queue-based ones, built from the queues
`tf.compat.v1` still has (`FIFOQueue` / `PaddingFIFOQueue`, `QueueRunner`): one queue per bucket,
a queue runner per bucket that moves each full batch to one output queue; the output contract is
TF 1.15's (the bucket id, or the batch's lengths, and the batched tensors in the input's
structure), run under `tf.train.start_queue_runners` or a `MonitoredSession` as then.

`create_train_op`, `train`, `evaluate_once`, `evaluate_repeatedly`, `checkpoints_iterator`, ...:
the tf-slim package's (TF 1.x's own contrib.training code).

TF 2: a dataclass, a dict or `ml_collections.ConfigDict` for `HParams` (JSON for its files);
`tf.data.Dataset.bucket_by_sequence_length` for the buckets; a `tf.GradientTape` loop or
`keras.Model.fit` for `create_train_op` / `train`.
"""
from __future__ import annotations

import importlib
import json
import numbers
import re
from typing import Any

# TF 1.15's grammar for one clause of `parse`: NAME or NAME[INDEX], '=', then a single value (no
# comma, no '[') or a bracketed list, then the end or a comma.  Names may contain '.', which only
# getattr reaches (TF 1.15 allowed it, and advised against it).
_CLAUSE = re.compile(r"""
    (?P<name>[a-zA-Z][\w.]*)
    (\[\s*(?P<index>\d+)\s*\])?
    \s*=\s*
    (?:(?P<val>[^,\[]*) | \[(?P<vals>[^\]]*)\])
    (?:$|,\s*)""", re.VERBOSE)


def _could_not_parse(name, type_, value, values):
    raise ValueError("Could not parse hparam '%s' of type '%s' with value '%s' in %s"
                     % (name, type_.__name__, value, values))


def _assigned_twice(name, values):
    raise ValueError("Multiple assignments to variable '%s' in %s" % (name, values))


def _value_parser(name, type_, values):
    """The function that reads one value of `type_` from its text (bool: true/True/false/False or
    an integer, as TF 1.15 read it; any other type: the type called on the text)."""
    if type_ is not bool:
        return type_

    def parse_bool(text):
        if text in ("true", "True"):
            return True
        if text in ("false", "False"):
            return False
        try:
            return bool(int(text))
        except ValueError:
            _could_not_parse(name, type_, text, values)
    return parse_bool


def parse_values(values, type_map, ignore_unknown=False):
    """TF 1.15's `parse_values`: `"x=5,L=[1,2],arr[1]=3"` -> `{'x': 5, 'L': [1, 2], 'arr': {1: 3}}`,
    each value read as `type_map[name]`.

    Raises ValueError (TF 1.15's messages): a clause that does not parse (`Malformed hyperparameter
    value: ...`), a name not in `type_map` (`Unknown hyperparameter type for NAME`, unless
    `ignore_unknown`), a value its type cannot read (`Could not parse hparam ...`), a name assigned
    twice (`Multiple assignments to variable ...`), a list assigned to an index.
    """
    results: dict[str, Any] = {}
    pos = 0
    while pos < len(values):
        match = _CLAUSE.match(values, pos)
        if not match:
            raise ValueError("Malformed hyperparameter value: %s" % values[pos:])
        pos = match.end()
        name, index, scalar, items = match.group("name", "index", "val", "vals")
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError("Unknown hyperparameter type for %s" % name)
        type_ = type_map[name]
        parse = _value_parser(name, type_, values)
        if scalar is not None:
            try:
                parsed = parse(scalar)
            except ValueError:
                _could_not_parse(name, type_, scalar, values)
            if not index:
                if name in results:
                    _assigned_twice(name, values)
                results[name] = parsed
            else:
                if name in results and not isinstance(results[name], dict):
                    _assigned_twice(name, values)
                positions = results.setdefault(name, {})
                if int(index) in positions:
                    _assigned_twice("{}[{}]".format(name, int(index)), values)
                positions[int(index)] = parsed
        elif items is not None:
            if index is not None:
                raise ValueError("Assignment of a list to a list index.")
            if name in results:
                _assigned_twice(name, values)
            try:
                results[name] = [parse(item) for item in re.split("[ ,]", items) if item]
            except ValueError:
                _could_not_parse(name, type_, items, values)
        else:
            _could_not_parse(name, type_, "", values)
    return results


def _cast(name, param_type, value):
    """`value` as a value of `param_type`, where TF 1.15 allowed it (the same type; anything for a
    hyperparameter that was None; an int for a float), else ValueError."""
    if type(value) == param_type:  # noqa: E721  (exactly: True is an int to isinstance)
        return value
    if issubclass(param_type, type(None)):
        return value
    refused = (
        (issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)))
        or issubclass(param_type, bool) != isinstance(value, bool)
        or (issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral))
        or (issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number)))
    if refused:
        raise ValueError("Could not cast hparam '%s' of type '%s' from value %r" % (name, param_type, value))
    return param_type(value)


class HParams:
    """TF 1.15's `tf.contrib.training.HParams`: named hyperparameters as attributes, each with the
    type of its first value.

    >>> hparams = HParams(learning_rate=0.1, num_layers=2, cells=['lstm'], use_attention=False)
    >>> hparams.parse('learning_rate=0.3,cells=[gru,lstm],use_attention=true').num_layers
    2

    TF 2: a dataclass or `ml_collections.ConfigDict`; `json.load` for `parse_json`.
    """

    _HAS_DYNAMIC_ATTRIBUTES = True

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        # name -> (type of the value, or of a list's elements; whether the value is a list)
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        if hparam_def:
            self._init_from_proto(hparam_def)
            if kwargs:
                raise ValueError("hparam_def and initialization values are mutually exclusive")
        else:
            for name, value in kwargs.items():
                self.add_hparam(name, value)

    def _init_from_proto(self, hparam_def):
        # TF 1.15: an AssertionError for anything but an HParamDef
        assert isinstance(hparam_def, hparam_def_class())
        for name, value in hparam_def.hparam.items():
            kind = value.WhichOneof("kind")
            held = getattr(value, kind)
            convert = int if kind.startswith("int64") else (
                (lambda b: b.decode("utf-8")) if kind.startswith("bytes") else (lambda v: v))
            if kind.endswith("_value"):
                self.add_hparam(name, convert(held))
            else:
                self.add_hparam(name, [convert(v) for v in held.value])

    def add_hparam(self, name, value):
        """A new hyperparameter; ValueError for a name the object already has (a method, or a
        hyperparameter whose value is not None) or an empty list."""
        if getattr(self, name, None) is not None:
            raise ValueError("Hyperparameter name is reserved: %s" % name)
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("Multi-valued hyperparameters cannot be empty: %s" % name)
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """A new value of the same type (KeyError for an unknown name, ValueError for a list given
        to a single value or the reverse, or for a value of another type)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError("Must not pass a list for single-valued parameter: %s" % name)
            setattr(self, name, [_cast(name, param_type, item) for item in value])
        else:
            if is_list:
                raise ValueError("Must pass a list for multi-valued parameter: %s." % name)
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name):
        """Removes the hyperparameter; nothing if there is none of that name."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Overrides values from `"name=value,..."` (see `parse_values`); returns self."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        """`set_hparam` for each item; returns self."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_from_map(self, values_map):
        """TF 1.x's older name of `override_from_dict`."""
        return self.override_from_dict(values_map)

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as a JSON object (callables, which JSON cannot hold, left out)."""
        def without_callables(value):
            if isinstance(value, dict):
                return {k: without_callables(v) for k, v in value.items() if not callable(v)}
            if isinstance(value, list):
                return [without_callables(v) for v in value if not callable(v)]
            return value
        return json.dumps(without_callables(self.values()), indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def parse_json(self, values_json):
        """Overrides values from a JSON object of name: value; returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """{name: value} of every hyperparameter."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of `key`, else `default`; ValueError for a default that `key`'s type refuses."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            type_str = "list<%s>" % param_type if is_list else str(param_type)
            message = "Hparam '%s' of type '%s' is incompatible with default=%s" % (key, type_str, default)
            if is_list != isinstance(default, list):
                raise ValueError(message)
            try:
                for value in default if is_list else [default]:
                    _cast(key, param_type, value)
            except ValueError as exc:
                raise ValueError("%s. %s" % (message, exc)) from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, self.__str__())

    def to_proto(self, export_scope=None):
        """The values as TF 1.x's `HParamDef` (floats stored as float32, as TF 1.x's were); ValueError
        for a type the message cannot hold."""
        proto = hparam_def_class()()
        for name, (param_type, is_list) in self._hparam_types.items():
            if issubclass(param_type, bool):
                kind = "bool"
            elif issubclass(param_type, int):
                kind = "int64"
            elif issubclass(param_type, (str, bytes)):
                kind = "bytes"
            elif issubclass(param_type, float):
                kind = "float"
            else:
                raise ValueError("Unsupported parameter type: %s" % str(param_type))
            encode = (lambda v: v.encode("utf-8") if isinstance(v, str) else v) if kind == "bytes" else (lambda v: v)
            value = getattr(self, name)
            if is_list:
                getattr(proto.hparam[name], kind + "_list").value.extend(encode(v) for v in value)
            else:
                setattr(proto.hparam[name], kind + "_value", encode(value))
        return proto

    @staticmethod
    def from_proto(hparam_def, import_scope=None):
        return HParams(hparam_def=hparam_def)


_HPARAM_DEF = []


def hparam_def_class():
    """TF 1.x's `tensorflow.HParamDef` message class, built once from TF 1.15's hparam.proto layout
    (in a descriptor pool of its own)."""
    if not _HPARAM_DEF:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
        F = descriptor_pb2.FieldDescriptorProto
        file = descriptor_pb2.FileDescriptorProto(name="tensorflow/contrib/training/python/training/hparam.proto",
                                                  package="tensorflow", syntax="proto3")
        message = file.message_type.add(name="HParamDef")
        for list_name, element in (("BytesList", F.TYPE_BYTES), ("FloatList", F.TYPE_FLOAT),
                                   ("Int64List", F.TYPE_INT64), ("BoolList", F.TYPE_BOOL)):
            message.nested_type.add(name=list_name).field.add(name="value", number=1, type=element,
                                                              label=F.LABEL_REPEATED)
        kinds = message.nested_type.add(name="HParamType")
        kinds.oneof_decl.add(name="kind")
        for name, number, type_, type_name in (
                ("int64_value", 1, F.TYPE_INT64, None), ("float_value", 2, F.TYPE_FLOAT, None),
                ("bytes_value", 3, F.TYPE_BYTES, None), ("bool_value", 7, F.TYPE_BOOL, None),
                ("int64_list", 4, F.TYPE_MESSAGE, ".tensorflow.HParamDef.Int64List"),
                ("float_list", 5, F.TYPE_MESSAGE, ".tensorflow.HParamDef.FloatList"),
                ("bytes_list", 6, F.TYPE_MESSAGE, ".tensorflow.HParamDef.BytesList"),
                ("bool_list", 8, F.TYPE_MESSAGE, ".tensorflow.HParamDef.BoolList")):
            field = kinds.field.add(name=name, number=number, type=type_, label=F.LABEL_OPTIONAL, oneof_index=0)
            if type_name:
                field.type_name = type_name
        entry = message.nested_type.add(name="HparamEntry")
        entry.options.map_entry = True
        entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
        entry.field.add(name="value", number=2, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                        type_name=".tensorflow.HParamDef.HParamType")
        message.field.add(name="hparam", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                          type_name=".tensorflow.HParamDef.HparamEntry")
        pool = descriptor_pool.DescriptorPool()
        pool.Add(file)
        _HPARAM_DEF.append(message_factory.GetMessageClass(pool.FindMessageTypeByName("tensorflow.HParamDef")))
    return _HPARAM_DEF[0]


def hparam_names(env) -> dict[str, Any]:
    """`tensorflow.contrib.training.python.training.hparam`."""
    import types
    hparam_pb2 = types.SimpleNamespace(HParamDef=hparam_def_class())
    return {"HParams": HParams, "parse_values": parse_values, "hparam_pb2": hparam_pb2}


# tf-slim's modules and the TF 1.15 contrib.training names they provide.
_SLIM = {"tf_slim.training.training": ("add_gradients_summaries", "clip_gradient_norms", "clip_gradient_norms_fn",
                                       "create_train_op", "multiply_gradients", "train"),
         "tf_slim.training.evaluation": ("StopAfterNEvalsHook", "SummaryAtEndHook", "checkpoints_iterator",
                                         "evaluate_once", "evaluate_repeatedly", "get_or_create_eval_step",
                                         "wait_for_new_checkpoint")}


def names(env) -> dict[str, Any]:
    from rnn_tf1.tf1.contrib_layers import repair_tf_slim
    repair_tf_slim(env.tf1)
    provided: dict[str, Any] = dict(hparam_names(env))
    for module_name, taken in _SLIM.items():
        module = importlib.import_module(module_name)
        provided.update({name: getattr(module, name) for name in taken})
    provided.update(_buckets(env.tf1))
    return provided


def _buckets(tf1) -> dict[str, Any]:
    from tensorflow.python.util import nest

    def flat_shapes(tensors, shapes, flat):
        if shapes is None:
            return [t.shape for t in flat]
        return [tf1.TensorShape(s) for s in nest.flatten_up_to(tensors, shapes)]

    def bucket_flat(flat, shapes, which_bucket, batch_size, num_buckets, num_threads, capacity, bucket_capacities,
                    dynamic_pad, allow_smaller_final_batch, keep_input, shared_name):
        """(bucket id, batched tensors) of the flat list `flat`, through one queue per bucket."""
        batch_sizes = list(batch_size) if isinstance(batch_size, (list, tuple)) else [batch_size] * num_buckets
        if len(batch_sizes) != num_buckets:
            raise ValueError("If batch_size is a list it must have num_buckets elements")
        capacities = list(bucket_capacities) if bucket_capacities is not None else [capacity] * num_buckets
        if len(capacities) != num_buckets:
            raise ValueError("The list bucket_capacities (%s) must have exactly num_buckets (%d) elements."
                             % (capacities, num_buckets))
        if not dynamic_pad and not all(s.is_fully_defined() for s in shapes):
            raise ValueError("All shapes must be fully defined when dynamic_pad=False: %s" % shapes)
        keep = tf1.convert_to_tensor(keep_input, tf1.bool)
        if keep.shape.ndims:
            raise ValueError("keep_input must be a scalar here (TF 1.x's enqueue_many is not provided)")
        dtypes = [t.dtype for t in flat]
        queue_class = tf1.PaddingFIFOQueue if dynamic_pad else tf1.FIFOQueue
        queues = [queue_class(capacities[i], dtypes, shapes=shapes,
                              shared_name=None if shared_name is None else "%s_%d" % (shared_name, i),
                              name="bucket_queue_%d" % i) for i in range(num_buckets)]
        # whole batches, each with its bucket id; the batch dimension is unknown when batches may differ
        batch_dim = None if allow_smaller_final_batch or len(set(batch_sizes)) > 1 else batch_sizes[0]
        batched_shapes = [tf1.TensorShape([batch_dim]).concatenate(s) for s in shapes]
        top = tf1.PaddingFIFOQueue(capacity, [tf1.int32] + dtypes, shapes=[tf1.TensorShape([])] + batched_shapes,
                                   shared_name=shared_name, name="top_queue")
        enqueue = tf1.QueueBase.from_list(tf1.cast(which_bucket, tf1.int32), queues).enqueue(flat)
        enqueue = tf1.cond(keep, lambda: enqueue, tf1.no_op)
        # the input's end closes every bucket queue; their last batches then go out (or are
        # dropped, without allow_smaller_final_batch), and the last bucket runner closes the output
        tf1.train.add_queue_runner(tf1.train.QueueRunner(
            queues[0], [enqueue] * num_threads, close_op=tf1.group(*[q.close() for q in queues]),
            cancel_op=tf1.group(*[q.close(cancel_pending_enqueues=True) for q in queues])))
        moves = []
        for i, queue in enumerate(queues):
            dequeued = (queue.dequeue_up_to if allow_smaller_final_batch else queue.dequeue_many)(batch_sizes[i])
            dequeued = list(dequeued) if isinstance(dequeued, (list, tuple)) else [dequeued]
            moves.append(top.enqueue([tf1.constant(i, tf1.int32)] + dequeued))
        tf1.train.add_queue_runner(tf1.train.QueueRunner(top, moves))
        out = top.dequeue()
        for tensor, shape in zip(out[1:], batched_shapes):
            tensor.set_shape(shape)
        return out[0], list(out[1:])

    def bucket(tensors, which_bucket, batch_size, num_buckets, num_threads=1, capacity=32,
               bucket_capacities=None, shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
               keep_input=True, shared_name=None, name=None):
        """TF 1.15's `bucket`: each input goes to the queue of bucket `which_bucket`; a batch of one
        bucket comes out as `(bucket_id, batched tensors)`, the tensors in the structure of
        `tensors`.  `batch_size` may be a list, one per bucket.  Runs under queue runners."""
        flat = [tf1.convert_to_tensor(t) for t in nest.flatten(tensors)]
        with tf1.name_scope(name, "bucket", flat + [which_bucket]):
            bucket_id, batched = bucket_flat(
                flat, flat_shapes(tensors, shapes, flat), which_bucket, batch_size, num_buckets, num_threads,
                capacity, bucket_capacities, dynamic_pad, allow_smaller_final_batch, keep_input, shared_name)
            return bucket_id, nest.pack_sequence_as(tensors, batched)

    def bucket_by_sequence_length(input_length, tensors, batch_size, bucket_boundaries, num_threads=1,
                                  capacity=32, bucket_capacities=None, shapes=None, dynamic_pad=False,
                                  allow_smaller_final_batch=False, keep_input=True, shared_name=None, name=None):
        """TF 1.15's `bucket_by_sequence_length`: an input of length L goes to bucket i, the number
        of boundaries <= L (len(bucket_boundaries) + 1 buckets); returns `(the batch's lengths,
        batched tensors)`.  Runs under queue runners."""
        # TF 1.15's checks and messages
        if not isinstance(bucket_boundaries, (list, tuple)):
            raise TypeError("bucket_boundaries must be a list or tuple, but received: %s" % bucket_boundaries)
        if not bucket_boundaries:
            raise ValueError("bucket_boundaries must not be empty")
        for low, high in zip(bucket_boundaries[:-1], bucket_boundaries[1:]):
            if not isinstance(low, int) or not isinstance(high, int):
                raise TypeError("bucket boundaries must be integers, but saw: %s and %s" % (low, high))
            if low >= high:
                raise ValueError("Buckets must contain sequential increasing lengths, but saw: %d before %d"
                                 % (low, high))
        bucket_boundaries = list(bucket_boundaries)
        flat = [tf1.convert_to_tensor(t) for t in nest.flatten(tensors)]
        with tf1.name_scope(name, "bucket_by_sequence_length", [input_length] + flat):
            input_length = tf1.cast(input_length, tf1.int32)
            which_bucket = tf1.reduce_sum(tf1.cast(tf1.greater_equal(input_length, bucket_boundaries), tf1.int32))
            _, batched = bucket_flat(
                [input_length] + flat, [tf1.TensorShape([])] + flat_shapes(tensors, shapes, flat), which_bucket,
                batch_size, len(bucket_boundaries) + 1, num_threads, capacity, bucket_capacities, dynamic_pad,
                allow_smaller_final_batch, keep_input, shared_name)
            return batched[0], nest.pack_sequence_as(tensors, batched[1:])

    return {"bucket": bucket, "bucket_by_sequence_length": bucket_by_sequence_length}
