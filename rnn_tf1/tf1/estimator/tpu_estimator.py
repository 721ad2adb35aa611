"""`tf.contrib.tpu.TPUEstimator` (and `tf.estimator.tpu`) on a machine without a TPU, as TF 1.15
ran it with `use_tpu=False`: TF 1.15's tpu_config.py and tpu_estimator.py in their CPU path.

What TF 1.15 did with `use_tpu=False`, kept here:
- `input_fn` and `model_fn` must take `params`; `params['batch_size']` is the global batch size of
  the mode (`train_batch_size`, `eval_batch_size`, `predict_batch_size`; left out when that one is
  None) and the model_fn's `params['use_tpu']` is False; `batch_size` and `context` are reserved;
- a `TPUEstimatorSpec` becomes an `EstimatorSpec`: `scaffold_fn()` gives the Scaffold,
  `eval_metrics=(metric_fn, tensors)` the metric ops (tensors a list: positional arguments, a dict:
  keyword arguments), `host_call=(fn, tensors)` ops run on every train/eval/predict step by a hook;
- the global step is TF1's `global_step` (an int64 resource variable, as TPUEstimator made it);
- TPUEstimator logs `global_step/sec` and `examples/sec` (every ceil(log_step_count_steps /
  iterations_per_loop) steps) instead of the Estimator's `loss = ..., step = ...` lines;
- `RunConfig(tpu_config=TPUConfig(...), master=..., cluster=...)` with TPUConfig's checks.

Refused with one line each (TF1NameMissing): `use_tpu=True` (TPUEstimator's default), a
`cluster`, a non-local `master`, `embedding_config_spec`; exporting as for tf.estimator.

TF 2: a Keras 3 model (model.fit / evaluate / predict); on a TPU, tf.distribute.TPUStrategy.
"""
from __future__ import annotations

import collections
import copy
import inspect
import math
import re

import tensorflow as tf

from rnn_tf1.tf1.estimator.estimator import Estimator, _parse_input
from rnn_tf1.tf1.estimator.model_fn import EstimatorSpec, ModeKeys, fn_args
from rnn_tf1.tf1.estimator.run_config import RunConfig as _RunConfig
from rnn_tf1.tf1.namespace import TF1NameMissing

tf1 = tf.compat.v1
log = tf1.logging

_BATCH_SIZE_KEY = "batch_size"
_CTX_KEY = "context"
_USE_TPU_KEY = "use_tpu"
_RESERVED_PARAMS_KEYS = [_BATCH_SIZE_KEY, _CTX_KEY]  # TF 1.15's (use_tpu was left unreserved)


def _check_positive_integer(value, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be positive integer; got {value}.")


def _parse_iterations_per_loop(value):
    """TF 1.15: a positive count, or a time interval "Ns" / "Nm" / "Nh" -> (value, unit)."""
    if isinstance(value, str):
        match = re.fullmatch(r"([1-9]\d*)([smh])", value)
        if match is None:
            raise ValueError(f"Invalid TPUConfig `iterations_per_loop` value ({value}), value must be a "
                             "positive integer or a time in seconds/minutes/hours, like 10s, 5m or 1h.")
        seconds = int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]
        return seconds, "seconds"
    _check_positive_integer(value, "TPUConfig iterations_per_loop")
    return value, "count"


class InputPipelineConfig:
    """TF 1.15's values for TPUConfig.per_host_input_for_training (no meaning without a TPU)."""
    PER_SHARD_V1 = 1
    PER_HOST_V1 = 2
    PER_HOST_V2 = 3
    BROADCAST = 4
    SLICED = 5


class TPUConfig(collections.namedtuple("TPUConfig", [
        "iterations_per_loop", "num_shards", "num_cores_per_replica", "per_host_input_for_training",
        "tpu_job_name", "initial_infeed_sleep_secs", "input_partition_dims",
        "eval_training_input_configuration", "experimental_host_call_every_n_steps"])):
    """TF 1.15's TPUConfig, validated as TF 1.15 did; per_host_input_for_training True / False become
    PER_HOST_V1 / PER_SHARD_V1.  Without a TPU only iterations_per_loop matters (log frequency)."""

    def __new__(cls, iterations_per_loop=2, num_shards=None, num_cores_per_replica=None,
                per_host_input_for_training=True, tpu_job_name=None, initial_infeed_sleep_secs=None,
                input_partition_dims=None, eval_training_input_configuration=InputPipelineConfig.PER_HOST_V1,
                experimental_host_call_every_n_steps=1):
        _parse_iterations_per_loop(iterations_per_loop)
        if num_shards is not None:
            _check_positive_integer(num_shards, "TPUConfig num_shards")
        if input_partition_dims is not None:
            if len(input_partition_dims) not in (1, 2):
                raise ValueError("input_partition_dims must be a list/tuple with one or two elements.")
            if per_host_input_for_training is not InputPipelineConfig.PER_HOST_V2:
                raise ValueError("input_partition_dims is only supported in PER_HOST_V2 mode.")
            if num_cores_per_replica is None:
                raise ValueError("input_partition_dims requires setting num_cores_per_replica.")
        if num_cores_per_replica is not None and num_cores_per_replica not in (1, 2, 4, 8, 16, 32, 64, 128):
            raise ValueError(f"num_cores_per_replica must be 1, 2, 4, 8, 16, 32, 64, 128; got {num_cores_per_replica}")
        if eval_training_input_configuration not in (InputPipelineConfig.PER_HOST_V1, InputPipelineConfig.SLICED):
            raise ValueError("eval_training_input_configuration must be PER_HOST_V1 or SLICED; got "
                             f"{eval_training_input_configuration}")
        if per_host_input_for_training is False:
            per_host_input_for_training = InputPipelineConfig.PER_SHARD_V1
        elif per_host_input_for_training is True:
            per_host_input_for_training = InputPipelineConfig.PER_HOST_V1
        if initial_infeed_sleep_secs:
            _check_positive_integer(initial_infeed_sleep_secs, "TPUConfig initial_infeed_sleep_secs")
        return super().__new__(cls, iterations_per_loop, num_shards, num_cores_per_replica,
                               per_host_input_for_training, tpu_job_name, initial_infeed_sleep_secs,
                               input_partition_dims, eval_training_input_configuration,
                               experimental_host_call_every_n_steps)


class RunConfig(_RunConfig):
    """TF 1.15's tf.contrib.tpu.RunConfig(tpu_config=None, evaluation_master=None, master=None,
    cluster=None, **RunConfig's arguments) for one local process: `master` may only be local ('' or
    None); a `cluster` (a ClusterResolver) is refused, as there is no TPU or cluster to reach."""

    def __init__(self, tpu_config=None, evaluation_master=None, master=None, cluster=None, **kwargs):
        super().__init__(**kwargs)
        if master and cluster is not None:
            raise ValueError("Both master and cluster are set.")
        if cluster is not None:
            raise TF1NameMissing("tensorflow.contrib.tpu.RunConfig(cluster=...)")
        for name, value in (("master", master), ("evaluation_master", evaluation_master)):
            if value:
                raise TF1NameMissing(f"tensorflow.contrib.tpu.RunConfig({name}=...)")
        if tpu_config is not None and not isinstance(tpu_config, TPUConfig):
            raise TypeError(f"tpu_config must be a TPUConfig, given: {tpu_config}")
        # In the values the Estimator logs ("Using config: ..."), as TF 1.15 listed them.
        self._values.update(tpu_config=tpu_config or TPUConfig(), cluster=None)

    tpu_config = property(lambda self: self._values["tpu_config"])
    cluster = property(lambda self: self._values["cluster"])

    def replace(self, **kwargs) -> "RunConfig":
        tpu_config = kwargs.pop("tpu_config", None)
        new = super().replace(**kwargs)
        if tpu_config is not None:
            new._values["tpu_config"] = tpu_config
        return new


def _validate_host_calls(host_calls: dict) -> None:
    """TF 1.15's checks of eval_metrics / host_call: (callable, list/tuple/dict of tensors), a list's
    length matching the function's arguments unless it takes *args."""
    for name, host_call in host_calls.items():
        if not isinstance(host_call, (tuple, list)):
            raise ValueError(f"{name} should be tuple or list")
        if len(host_call) != 2:
            raise ValueError(f"{name} should have two elements.")
        if not callable(host_call[0]):
            raise TypeError(f"{name}[0] should be callable.")
        if not isinstance(host_call[1], (tuple, list, dict)):
            raise ValueError(f"{name}[1] should be tuple or list, or dict.")
        if isinstance(host_call[1], (tuple, list)):
            takes_varargs = any(p.kind == inspect.Parameter.VAR_POSITIONAL
                                for p in inspect.signature(host_call[0]).parameters.values())
            if not takes_varargs and len(host_call[1]) != len(fn_args(host_call[0])):
                raise RuntimeError(f"In TPUEstimatorSpec.{name}, length of tensors {len(host_call[1])} does not "
                                   f"match method args of the function, which takes {len(fn_args(host_call[0]))}.")


def _call_host_call(name: str, host_call):
    fn, tensors = host_call
    if isinstance(tensors, (tuple, list)):
        return fn(*tensors)
    try:
        return fn(**tensors)
    except TypeError as exc:
        log.warning("Exception while calling %s: %s. It is likely the tensors (%s[1]) do not match the "
                    "function's arguments", name, exc, name)
        raise


class _HostCallHook(tf1.train.SessionRunHook):
    """Runs host_call's ops with every step, as TPUEstimator did on the CPU; summary writers made by
    the host_call (tf.contrib.summary) are initialized at the start and flushed at the end."""

    def __init__(self, tensors) -> None:
        self._tensors = tensors

    def begin(self) -> None:
        from tensorflow.python.ops import summary_ops_v2
        self._init_ops = summary_ops_v2.summary_writer_initializer_op()
        self._flush_ops = [summary_ops_v2.legacy_raw_flush(op.inputs[0]) for op in self._init_ops]

    def after_create_session(self, session, coord) -> None:
        session.run(self._init_ops)

    def before_run(self, run_context):
        return tf1.train.SessionRunArgs(self._tensors)

    def end(self, session) -> None:
        session.run(self._flush_ops)


class TPUEstimatorSpec(collections.namedtuple("TPUEstimatorSpec", [
        "mode", "predictions", "loss", "train_op", "eval_metrics", "export_outputs", "scaffold_fn",
        "host_call", "training_hooks", "evaluation_hooks", "prediction_hooks"])):
    """TF 1.15's TPUEstimatorSpec: EstimatorSpec's fields with `eval_metrics=(metric_fn, tensors)`,
    `scaffold_fn` and `host_call=(fn, tensors)`; `as_estimator_spec()` is the EstimatorSpec the CPU
    runs."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metrics=None, export_outputs=None,
                scaffold_fn=None, host_call=None, training_hooks=None, evaluation_hooks=None,
                prediction_hooks=None):
        host_calls = {}
        if eval_metrics is not None:
            host_calls["eval_metrics"] = eval_metrics
        if host_call is not None:
            host_calls["host_call"] = host_call
        _validate_host_calls(host_calls)
        hooks = [tuple(h or ()) for h in (training_hooks, evaluation_hooks, prediction_hooks)]
        for hook in hooks[0] + hooks[1] + hooks[2]:
            if not isinstance(hook, tf1.train.SessionRunHook):
                raise TypeError(f"All hooks must be SessionRunHook instances, given: {hook}")
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metrics, export_outputs, scaffold_fn,
                               host_call, *hooks)

    def as_estimator_spec(self) -> EstimatorSpec:
        """The EstimatorSpec TF 1.15 ran on the CPU: metric_fn and host_call called once here."""
        eval_metric_ops = None
        if self.eval_metrics is not None:
            eval_metric_ops = _call_host_call("eval_metrics", self.eval_metrics)
        hooks = ()
        if self.host_call is not None:
            hooks = (_HostCallHook(_call_host_call("host_call", self.host_call)),)
        scaffold = self.scaffold_fn() if self.scaffold_fn else None
        return EstimatorSpec(mode=self.mode, predictions=self.predictions, loss=self.loss, train_op=self.train_op,
                             eval_metric_ops=eval_metric_ops, export_outputs=self.export_outputs, scaffold=scaffold,
                             training_hooks=self.training_hooks + hooks,
                             evaluation_hooks=self.evaluation_hooks + hooks,
                             prediction_hooks=self.prediction_hooks + hooks)


class ExamplesPerSecondHook(tf1.train.StepCounterHook):
    """TPUEstimator's step counter: logs (and summarizes) `global_step/sec` and `examples/sec`."""

    def __init__(self, batch_size, every_n_steps=100, every_n_secs=None, output_dir=None, summary_writer=None):
        self._batch_size = batch_size
        super().__init__(every_n_steps=every_n_steps, every_n_secs=every_n_secs, output_dir=output_dir,
                         summary_writer=summary_writer)

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        rates = [("global_step/sec", elapsed_steps / elapsed_time)]
        if self._batch_size is not None:  # no train_batch_size: no examples/sec (TF 1.15 failed on None)
            rates.append(("examples/sec", self._batch_size * rates[0][1]))
        for tag, value in rates:
            if self._summary_writer is not None:
                self._summary_writer.add_summary(
                    tf1.Summary(value=[tf1.Summary.Value(tag=tag, simple_value=value)]), global_step)
            log.info("%s: %g", tag, value)


def _add_item_to_params(params, key: str, value) -> None:
    """TF 1.15's: a dict gets the key; an HParams gets the hparam (set, or added if new)."""
    if hasattr(params, "add_hparam"):
        if key in params:
            params.set_hparam(key, value)
        else:
            params.add_hparam(key, value)
    else:
        params[key] = value


class TPUEstimator(Estimator):
    """TF 1.15's TPUEstimator(model_fn, model_dir, config, params, use_tpu=True, train_batch_size,
    eval_batch_size, predict_batch_size, batch_axis, eval_on_tpu, export_to_tpu, export_to_cpu,
    warm_start_from, embedding_config_spec) with use_tpu=False: the model_fn runs on the CPU as an
    Estimator's, with params['batch_size'] set per mode."""

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None, use_tpu=True,
                 train_batch_size=None, eval_batch_size=None, predict_batch_size=None, batch_axis=None,
                 eval_on_tpu=True, export_to_tpu=True, export_to_cpu=True, warm_start_from=None,
                 embedding_config_spec=None):
        if config is None or not isinstance(config, RunConfig):
            raise ValueError("`config` must be provided with type `tpu_config.RunConfig`")
        if params is not None and any(k in params for k in _RESERVED_PARAMS_KEYS):
            raise ValueError(f"{_RESERVED_PARAMS_KEYS} are reserved keys but existed in params {params}.")
        if use_tpu:
            raise TF1NameMissing("tensorflow.contrib.tpu.TPUEstimator(use_tpu=True)")
        if embedding_config_spec is not None:
            raise TF1NameMissing("tensorflow.contrib.tpu.TPUEstimator(embedding_config_spec=...)")
        iterations, unit = _parse_iterations_per_loop(config.tpu_config.iterations_per_loop)
        # TPUEstimator logs through its own hook: the Estimator's loss/step lines are turned off.
        log_every_n_steps, log_every_n_secs = config.log_step_count_steps, None
        config = config.replace(log_step_count_steps=None)
        if unit == "seconds":
            log_every_n_steps, log_every_n_secs = None, iterations
        elif log_every_n_steps is not None:
            log_every_n_steps = int(math.ceil(log_every_n_steps / iterations))
        # The Estimator checks the user's model_fn, config and model_dir as TF 1.15's did.
        super().__init__(model_fn, model_dir, config, params, warm_start_from)
        self._log_every_n_steps, self._log_every_n_secs = log_every_n_steps, log_every_n_secs
        self._batch_sizes = {ModeKeys.TRAIN: train_batch_size, ModeKeys.EVAL: eval_batch_size,
                             ModeKeys.PREDICT: predict_batch_size}
        self._use_tpu, self._eval_on_tpu = use_tpu, eval_on_tpu
        self._export_to_tpu, self._export_to_cpu = export_to_tpu, export_to_cpu
        self._batch_axis = batch_axis

    def _create_global_step(self, graph):
        """TPUEstimator's global step: `global_step`, an int64 resource variable."""
        if tf1.train.get_global_step(graph) is not None:
            raise ValueError('"global_step" already exists.')
        with graph.as_default() as g, g.name_scope(None):
            return tf1.get_variable(tf1.GraphKeys.GLOBAL_STEP, shape=[], dtype=tf1.int64,
                                    initializer=tf1.zeros_initializer(), trainable=False, use_resource=True,
                                    collections=[tf1.GraphKeys.GLOBAL_VARIABLES, tf1.GraphKeys.GLOBAL_STEP])

    def _call_input_fn(self, input_fn, mode):
        args = fn_args(input_fn)
        if "params" not in args:
            raise ValueError(f"input_fn ({input_fn}) does not include params argument, required by TPUEstimator "
                             'to pass batch size as params["batch_size"]')
        kwargs = {"params": self.params}
        if "config" in args:
            kwargs["config"] = self.config
        if "mode" in args:
            kwargs["mode"] = mode
        if self._batch_sizes[mode] is not None:
            _add_item_to_params(kwargs["params"], _BATCH_SIZE_KEY, self._batch_sizes[mode])
        with tf1.device("/device:CPU:0"):
            return _parse_input(input_fn(**kwargs))

    def _call_model_fn(self, features, labels, mode, config):
        args = fn_args(self._model_fn)
        if "params" not in args:
            raise ValueError(f"model_fn ({self._model_fn}) does not include params argument, required by "
                             "TPUEstimator to pass batch size as params['batch_size']")
        params = self.params
        if self._batch_sizes[mode] is not None:
            _add_item_to_params(params, _BATCH_SIZE_KEY, self._batch_sizes[mode])
        _add_item_to_params(params, _USE_TPU_KEY, False)
        kwargs = {"params": params}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "config" in args:
            kwargs["config"] = copy.deepcopy(config)
        log.info("Running %s on CPU", mode)
        log.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        log.info("Done calling model_fn.")
        if isinstance(spec, TPUEstimatorSpec):
            spec = spec.as_estimator_spec()
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        if self._log_every_n_steps is not None or self._log_every_n_secs is not None:
            hook = ExamplesPerSecondHook(self._batch_sizes[mode],
                                         output_dir=self.model_dir if self._config.save_summary_steps else None,
                                         every_n_steps=self._log_every_n_steps, every_n_secs=self._log_every_n_secs)
            spec = spec._replace(training_hooks=spec.training_hooks + (hook,))
        return spec
