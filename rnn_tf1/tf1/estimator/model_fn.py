"""tf.estimator's model_fn contract (TF 1.15's model_fn.py): `ModeKeys`, `EstimatorSpec`
and how a model_fn / input_fn is called with the arguments it names.

TF 2: a keras.Model's call() and compile().
"""
from __future__ import annotations

import collections
import inspect

import tensorflow as tf

tf1 = tf.compat.v1

VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}


class ModeKeys:
    """TF1's mode strings, passed to model_fn as `mode`."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


def fn_args(fn) -> tuple[str, ...]:
    """The names fn takes by name (a bound method's `self` and a partial's bound names left out)."""
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(p.name for p in inspect.signature(fn).parameters.values() if p.kind in kinds)


def is_tensor(x) -> bool:
    return isinstance(x, (tf1.Tensor, tf1.SparseTensor))


def _check_tensor(x, name: str):
    if not is_tensor(x):
        raise TypeError(f"{name} must be Tensor, given: {x}")
    return x


def _check_tensor_or_op(x, name: str):
    if not (is_tensor(x) or isinstance(x, tf1.Operation)):
        raise TypeError(f"{name} must be Operation or Tensor, given: {x}")
    return x


def check_hooks(hooks, what: str = "Hooks must be a SessionRunHook") -> list:
    hooks = list(hooks or [])
    for hook in hooks:
        if not isinstance(hook, tf1.train.SessionRunHook):
            raise TypeError(f"{what}, given: {hook}")
    return hooks


class EstimatorSpec(collections.namedtuple("EstimatorSpec", [
        "mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
        "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks", "prediction_hooks"])):
    """What model_fn returns, a namedtuple validated as TF 1.15 did: TRAIN needs loss and train_op,
    EVAL loss, PREDICT predictions; loss a scalar (shape [1] is reshaped); metrics (value, update_op)."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None, scaffold=None,
                evaluation_hooks=None, prediction_hooks=None):
        if train_op is None:
            if mode == ModeKeys.TRAIN:
                raise ValueError("Missing train_op.")
        else:
            if isinstance(train_op, tf1.compat.v2.Variable):  # a resource variable's assign_add (TF 2.x's estimator too)
                train_op = train_op.op
            _check_tensor_or_op(train_op, "train_op")
        if loss is None:
            if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
                raise ValueError("Missing loss.")
        else:
            loss = _check_tensor(loss, "loss")
            if loss.shape.num_elements() not in (None, 1):
                raise ValueError(f"Loss must be scalar, given: {loss}")
            if not loss.shape.is_compatible_with([]):  # TF1: a [1] loss becomes a scalar
                loss = tf1.reshape(loss, [])
        if predictions is None:
            if mode == ModeKeys.PREDICT:
                raise ValueError("Missing predictions.")
            predictions = {}
        elif isinstance(predictions, dict):
            predictions = {k: _check_tensor(v, f"predictions[{k}]") for k, v in predictions.items()}
        else:
            predictions = _check_tensor(predictions, "predictions")
        if eval_metric_ops is None:
            eval_metric_ops = {}
        else:
            if not isinstance(eval_metric_ops, dict):
                raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
            for key, pair in eval_metric_ops.items():
                if not isinstance(pair, tuple) or len(pair) != 2:
                    raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) tuples, "
                                    f"given: {pair} for key: {key}")
                for member in tf1.nest.flatten(pair):
                    _check_tensor_or_op(member, f"eval_metric_ops[{key}]")
        hooks = [tuple(check_hooks(h, "All hooks must be SessionRunHook instances")) for h in
                 (training_chief_hooks, training_hooks, evaluation_hooks, prediction_hooks)]
        scaffold = scaffold or tf1.train.Scaffold()
        if not isinstance(scaffold, tf1.train.Scaffold):
            raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
        graph = tf1.get_default_graph()
        tensors = tf1.nest.flatten([predictions, loss, train_op, list(eval_metric_ops.values())])
        for value in tensors:
            if value is not None and value.graph is not graph:
                raise ValueError(f"{value.name} must be from the default graph (the one model_fn was "
                                 "called in): was it created outside model_fn, or in an earlier call?")
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metric_ops, export_outputs,
                               hooks[0], hooks[1], scaffold, hooks[2], hooks[3])

    def _replace(self, **kwds):
        if "mode" in kwds and kwds["mode"] != self.mode:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(**{**self._asdict(), **kwds})


def check_positive(value, name: str) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"Must specify {name} > 0, given: {value}")
