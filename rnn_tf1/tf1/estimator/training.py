"""`tf.estimator.train_and_evaluate` (TF 1.15's training.py) in its local mode: `TrainSpec`,
`EvalSpec`, evaluation after checkpoints.

TF 2: keras.Model.fit(validation_data=...).
"""
from __future__ import annotations

import collections
import time

import tensorflow as tf

from rnn_tf1.tf1.estimator.estimator import Estimator
from rnn_tf1.tf1.estimator.model_fn import check_hooks, check_positive
from rnn_tf1.tf1.namespace import TF1NameMissing

tf1 = tf.compat.v1
log = tf1.logging


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks"])):
    """What train_and_evaluate trains: input_fn, up to global step max_steps (None: the input's end)."""

    def __new__(cls, input_fn, max_steps=None, hooks=()):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        check_positive(max_steps, "max_steps")
        return super().__new__(cls, input_fn, max_steps, tuple(check_hooks(hooks)))


class EvalSpec(collections.namedtuple("EvalSpec", ["input_fn", "steps", "name", "hooks", "exporters",
                                                   "start_delay_secs", "throttle_secs"])):
    """How train_and_evaluate evaluates: `steps` batches (None: the whole input) after a new checkpoint,
    at most every throttle_secs, and once at the end."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None, start_delay_secs=120,
                throttle_secs=600):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        check_positive(steps, "steps")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        if exporters:
            raise TF1NameMissing("tensorflow.estimator.EvalSpec(exporters=...)")
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, tuple(check_hooks(hooks)), (), start_delay_secs,
                               throttle_secs)


class _EvaluateAfterCheckpoint(tf1.train.CheckpointSaverListener):
    """TF 1.15's local train_and_evaluate: evaluates after each new checkpoint but the first (no
    training yet), at most every throttle_secs, and after the last one if it was not evaluated."""

    def __init__(self, estimator, eval_spec) -> None:
        self._estimator, self._spec = estimator, eval_spec
        self.eval_result, self._last_path = None, None

    def begin(self) -> None:
        self._first, self._last_time, self._last_step = True, None, None

    def after_save(self, session, global_step_value) -> None:
        if self._first:
            self._first = False
            return
        if self._last_time is None or time.time() - self._last_time >= self._spec.throttle_secs:
            self._evaluate(global_step_value)
        else:
            log.info("Skip the current checkpoint eval due to throttle secs (%s secs).", self._spec.throttle_secs)

    def end(self, session, global_step_value) -> None:
        if global_step_value != self._last_step:
            self._evaluate(global_step_value)

    def _evaluate(self, global_step_value) -> None:
        self._last_time, self._last_step = time.time(), global_step_value
        path = self._estimator.latest_checkpoint()
        if path is None or path == self._last_path:
            raise RuntimeError("There was no new checkpoint after the training. Eval status: "
                               + ("missing checkpoint" if path is None else "no new checkpoint"))
        self._last_path = path
        self.eval_result = self._estimator.evaluate(self._spec.input_fn, steps=self._spec.steps,
                                                    name=self._spec.name, checkpoint_path=path,
                                                    hooks=list(self._spec.hooks))


def train_and_evaluate(estimator, train_spec, eval_spec):
    """TF 1.15's local mode: trains to train_spec.max_steps, evaluating after checkpoints (throttled)
    and at the end; returns (the last evaluation's dict, the exporters' results: none here)."""
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: {type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: {type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: {type(eval_spec)}")
    if eval_spec.throttle_secs <= 0:
        raise ValueError(f"eval_spec.throttle_secs should be positive, given: {eval_spec.throttle_secs}.It is "
                         "used do determine how long each training iteration should go when train and "
                         "evaluate locally.")
    config = estimator.config
    log.info("Running training and evaluation locally (non-distributed).")
    log.info("Start train and evaluate loop. The evaluate will happen after every checkpoint. Checkpoint "
             "frequency is determined based on RunConfig arguments: save_checkpoints_steps %s or "
             "save_checkpoints_secs %s.", config.save_checkpoints_steps, config.save_checkpoints_secs)
    listener = _EvaluateAfterCheckpoint(estimator, eval_spec)
    estimator.train(train_spec.input_fn, hooks=list(train_spec.hooks), max_steps=train_spec.max_steps,
                    saving_listeners=[listener])
    return listener.eval_result, (None if listener.eval_result is None else [])
