"""`tf.estimator.RunConfig` (TF 1.15's run_config.py) for one local process.

TF 2: keras.callbacks.ModelCheckpoint / BackupAndRestore for the checkpoint settings.
"""
from __future__ import annotations

import copy
import os

import tensorflow as tf

from rnn_tf1.tf1.estimator.model_fn import fn_args
from rnn_tf1.tf1.namespace import TF1NameMissing

tf1 = tf.compat.v1


_USE_DEFAULT = object()
# RunConfig arguments of a cluster or a distribution strategy: this environment runs one process.
_DISTRIBUTED = ("train_distribute", "eval_distribute", "experimental_distribute", "protocol",
                "experimental_max_worker_delay_secs")
_REPLACEABLE = ("model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
                "save_checkpoints_secs", "session_config", "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
                "log_step_count_steps", "train_distribute", "device_fn", "protocol", "eval_distribute",
                "experimental_distribute", "experimental_max_worker_delay_secs", "session_creation_timeout_secs")


class RunConfig:
    """TF 1.15's RunConfig on one machine: checkpoints every 600 s unless save_checkpoints_steps is
    given (both set: ValueError), the chief of a one-task cluster.  Read-only properties; `replace`
    returns a changed copy."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT, session_config=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200):
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600  # TF1: every 10 minutes
        elif save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError("`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set.")
        values = dict(locals())
        for name in ("self", "__class__"):
            values.pop(name, None)
        self._values = values
        self._validate()

    def _validate(self) -> None:
        v = self._values
        for name in _DISTRIBUTED:
            if v[name] is not None:
                raise TF1NameMissing(f"tensorflow.estimator.RunConfig({name}=...)")
        if "cluster" in os.environ.get("TF_CONFIG", ""):
            raise TF1NameMissing("tensorflow.estimator.RunConfig(TF_CONFIG cluster)")
        rules = (("model_dir", lambda d: d, "model_dir should be non-empty"),
                 ("save_summary_steps", lambda n: n >= 0, "save_summary_steps should be >= 0"),
                 ("save_checkpoints_steps", lambda n: n >= 0, "save_checkpoints_steps should be >= 0"),
                 ("save_checkpoints_secs", lambda n: n >= 0, "save_checkpoints_secs should be >= 0"),
                 ("session_config", lambda c: isinstance(c, tf1.ConfigProto),
                  "session_config must be instance of ConfigProto"),
                 ("keep_checkpoint_max", lambda n: n >= 0, "keep_checkpoint_max should be >= 0"),
                 ("keep_checkpoint_every_n_hours", lambda n: n > 0, "keep_checkpoint_every_n_hours should be > 0"),
                 ("log_step_count_steps", lambda n: n > 0, "log_step_count_steps should be > 0"),
                 ("tf_random_seed", lambda s: isinstance(s, int), "tf_random_seed must be integer."),
                 ("session_creation_timeout_secs", lambda n: n > 0, "session_creation_timeout_secs should be > 0"),
                 ("device_fn", lambda f: callable(f) and set(fn_args(f)) == {"op"},
                  'device_fn must be callable with exactly one argument "op".'))
        for name, ok, message in rules:
            if v[name] is not None and not ok(v[name]):
                raise ValueError(message)

    def replace(self, **kwargs) -> "RunConfig":
        """A copy with `kwargs` changed; setting one checkpoint interval clears the other, as TF1."""
        for key in kwargs:
            if key not in _REPLACEABLE:
                raise ValueError(f"Replacing {key} is not supported. Allowed properties are {list(_REPLACEABLE)}.")
        new = copy.deepcopy(self)
        new._values.update(kwargs)
        steps, secs = new._values["save_checkpoints_steps"], new._values["save_checkpoints_secs"]
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" in kwargs:
            if steps is not None and secs is not None:
                raise ValueError("`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set.")
        elif "save_checkpoints_steps" in kwargs and steps is not None:
            new._values["save_checkpoints_secs"] = None
        elif "save_checkpoints_secs" in kwargs and secs is not None:
            new._values["save_checkpoints_steps"] = None
        new._validate()
        return new

    def __getattr__(self, name: str):
        values = self.__dict__.get("_values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    # One local task: TF1's values without TF_CONFIG.
    cluster_spec = property(lambda self: tf1.train.ClusterSpec({}))
    evaluation_master = master = property(lambda self: "")
    is_chief = property(lambda self: True)
    num_ps_replicas = task_id = global_id_in_cluster = property(lambda self: 0)
    num_worker_replicas = property(lambda self: 1)
    task_type = property(lambda self: "worker")
    service = property(lambda self: None)

    def __repr__(self) -> str:
        return f"RunConfig({self._values})"
