"""`tf.estimator.Estimator` (TF 1.15's estimator.py): train / evaluate / predict, each in a new graph
run by tf.compat.v1's MonitoredTrainingSession or MonitoredSession.

TF 2: keras.Model.fit / evaluate / predict.
"""
from __future__ import annotations

import copy
import os
import tempfile
import time

import numpy as np
import tensorflow as tf

from rnn_tf1.tf1.estimator.model_fn import (EstimatorSpec, ModeKeys, check_hooks, check_positive, fn_args,
                                            is_tensor, VALID_MODEL_FN_ARGS)
from rnn_tf1.tf1.estimator.run_config import RunConfig
from rnn_tf1.tf1.namespace import TF1NameMissing

tf1 = tf.compat.v1
log = tf1.logging


class _DatasetInitializerHook(tf1.train.SessionRunHook):
    """Runs an input_fn Dataset's iterator initializer when the session starts (TF1's own hook)."""

    def __init__(self, iterator) -> None:
        self._iterator = iterator

    def begin(self) -> None:
        self._initializer = self._iterator.initializer

    def after_create_session(self, session, coord) -> None:
        session.run(self._initializer)


class _StopAfterEvals(tf1.train.SessionRunHook):
    """evaluate(steps=N): stops after N batches, logging `Evaluation [k/N]` ten times as TF1 did."""

    def __init__(self, steps: int) -> None:
        self._steps, self._done, self._every = steps, 0, max(1, steps // 10)

    def after_run(self, run_context, run_values) -> None:
        self._done += 1
        if self._done % self._every == 0 or self._done == self._steps:
            log.info("Evaluation [%d/%d]", self._done, self._steps)
        if self._done >= self._steps:
            run_context.request_stop()


def _parse_input(result):
    """input_fn's result -> (features, labels, hooks): a Dataset gets an initializable iterator
    (TF1's), a 2-tuple is (features, labels), anything else is the features."""
    hooks = []
    if isinstance(result, tf1.compat.v2.data.Dataset):  # TF 2's Dataset, the base of tf.compat.v1's
        iterator = tf1.data.make_initializable_iterator(result)
        hooks.append(_DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1], hooks
    return result, None, hooks


def _global_step_in(model_dir: str) -> int:
    try:
        return int(tf1.train.load_variable(model_dir, tf1.GraphKeys.GLOBAL_STEP))
    except Exception:  # no checkpoint yet (TF1 counted that as step 0)
        return 0


class Estimator:
    """TF 1.15's Estimator(model_fn, model_dir=None, config=None, params=None, warm_start_from=None)."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None, warm_start_from=None):
        if warm_start_from is not None:
            raise TF1NameMissing("tensorflow.estimator.Estimator(warm_start_from=...)")
        if config is None:
            config = RunConfig()
            log.info("Using default config.")
        if not isinstance(config, RunConfig):
            raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
        if config.session_config is None:  # TF1's default: soft placement
            config = config.replace(session_config=tf1.ConfigProto(allow_soft_placement=True))
        model_dir = os.fspath(model_dir) if model_dir is not None else None
        if model_dir is not None and config.model_dir is not None and config.model_dir != model_dir:
            raise ValueError("`model_dir` are set both in constructor and `RunConfig`, but with different "
                             f"values. In constructor: '{model_dir}', in `RunConfig`: '{config.model_dir}' ")
        if model_dir:
            config = config.replace(model_dir=model_dir)
        elif config.model_dir is None:
            model_dir = tempfile.mkdtemp()
            log.warning("Using temporary folder as model directory: %s", model_dir)
            config = config.replace(model_dir=model_dir)
        self._config = config
        self._model_dir = config.model_dir
        log.info("Using config: %s", {"_" + k: v for k, v in config._values.items()})
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        args = set(fn_args(model_fn))
        if "features" not in args:
            raise ValueError(f"model_fn ({model_fn}) must include features argument.")
        if params is not None and "params" not in args:
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, but params ({params}) "
                             "is passed to Estimator.")
        if params is None and "params" in args:
            log.warning("Estimator's model_fn (%s) includes params argument, but params are not passed to "
                        "Estimator.", model_fn)
        if args - VALID_MODEL_FN_ARGS:
            raise ValueError(f"model_fn ({model_fn}) has following not expected args: "
                             f"{sorted(args - VALID_MODEL_FN_ARGS)}")
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})

    model_dir = property(lambda self: self._model_dir)
    config = property(lambda self: copy.deepcopy(self._config))
    params = property(lambda self: copy.deepcopy(self._params))

    @property
    def model_fn(self):
        """model_fn bound to this Estimator's params: (features, labels, mode, config) -> EstimatorSpec."""
        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)
        return public_model_fn

    def eval_dir(self, name=None) -> str:
        return os.path.join(self._model_dir, "eval_" + name if name else "eval")

    def latest_checkpoint(self):
        return tf1.train.latest_checkpoint(self._model_dir)

    def _checkpoint_available(self) -> None:
        if not self.latest_checkpoint():
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}.")

    def get_variable_names(self) -> list:
        self._checkpoint_available()
        return [name for name, _ in tf1.train.list_variables(self._model_dir)]

    def get_variable_value(self, name):
        self._checkpoint_available()
        return tf1.train.load_variable(self._model_dir, name)

    def export_savedmodel(self, *args, **kwargs):
        raise TF1NameMissing("tensorflow.estimator.Estimator.export_savedmodel")

    def export_saved_model(self, *args, **kwargs):
        raise TF1NameMissing("tensorflow.estimator.Estimator.export_saved_model")

    def experimental_export_all_saved_models(self, *args, **kwargs):
        raise TF1NameMissing("tensorflow.estimator.Estimator.experimental_export_all_saved_models")

    # -- building a graph --------------------------------------------------------------------

    def _create_global_step(self, graph):
        """TF1's `global_step` variable in `graph` (TPUEstimator makes its own)."""
        return tf1.train.get_or_create_global_step(graph)

    def _new_graph(self):
        """A new graph with TF1's seed rule: RunConfig's tf_random_seed if set; otherwise the graph
        keeps the seed it was made with (`rnn-tf1 run --seed`'s, or none)."""
        graph = tf1.Graph()
        if self._config.tf_random_seed is not None:
            graph.seed = self._config.tf_random_seed
        return graph

    def _call_input_fn(self, input_fn, mode):
        args = fn_args(input_fn)
        kwargs = {k: v for k, v in (("mode", mode), ("params", self.params), ("config", self.config)) if k in args}
        with tf1.device("/cpu:0"):  # TF1 put the input pipeline on the CPU
            return _parse_input(input_fn(**kwargs))

    def _call_model_fn(self, features, labels, mode, config):
        args = fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        for name, value in (("mode", mode), ("params", self.params), ("config", config)):
            if name in args:
                kwargs[name] = value
        log.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        log.info("Done calling model_fn.")
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    # -- train -------------------------------------------------------------------------------

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains until `steps` more steps, global step `max_steps`, or the input's end; resumes from
        model_dir's latest checkpoint.  Returns self."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        check_positive(steps, "steps")
        check_positive(max_steps, "max_steps")
        if max_steps is not None and max_steps <= _global_step_in(self._model_dir):
            log.info("Skipping training since max_steps has already saved.")
            return self
        hooks = check_hooks(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(tf1.train.StopAtStepHook(steps, max_steps))
        listeners = list(saving_listeners or [])
        for listener in listeners:
            if not isinstance(listener, tf1.train.CheckpointSaverListener):
                raise TypeError(f"saving_listeners must be a list of CheckpointSaverListener, given: {listener}")
        config = self._config
        with self._new_graph().as_default() as graph, graph.device(config.device_fn):
            global_step = self._create_global_step(graph)
            features, labels, input_hooks = self._call_input_fn(input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            # TF1: a `loss` summary for TensorBoard unless the model made one; the loss in LOSSES.
            if not any(s.op.name == "loss" for s in tf1.get_collection(tf1.GraphKeys.SUMMARIES)):
                tf1.summary.scalar("loss", spec.loss)
            tf1.add_to_collection(tf1.GraphKeys.LOSSES, spec.loss)
            worker_hooks = input_hooks + hooks + [tf1.train.NanTensorHook(spec.loss)]
            if config.log_step_count_steps is not None:
                worker_hooks.append(tf1.train.LoggingTensorHook({"loss": spec.loss, "step": global_step},
                                                                every_n_iter=config.log_step_count_steps))
            worker_hooks += list(spec.training_hooks)
            if not (spec.scaffold.saver or tf1.get_collection(tf1.GraphKeys.SAVERS)):
                tf1.add_to_collection(tf1.GraphKeys.SAVERS, tf1.train.Saver(
                    sharded=True, max_to_keep=config.keep_checkpoint_max,
                    keep_checkpoint_every_n_hours=config.keep_checkpoint_every_n_hours,
                    defer_build=True, save_relative_paths=True))
            chief_hooks = []
            saver_hooks = [h for h in worker_hooks + list(spec.training_chief_hooks)
                           if isinstance(h, tf1.train.CheckpointSaverHook)]
            if (config.save_checkpoints_secs or config.save_checkpoints_steps) and not saver_hooks:
                chief_hooks = [tf1.train.CheckpointSaverHook(
                    self._model_dir, save_secs=config.save_checkpoints_secs,
                    save_steps=config.save_checkpoints_steps, scaffold=spec.scaffold)]
                saver_hooks = chief_hooks
            if listeners:
                if not saver_hooks:
                    raise ValueError("There should be a CheckpointSaverHook to use saving_listeners. Please set "
                                     "one of the RunConfig.save_checkpoints_steps or "
                                     "RunConfig.save_checkpoints_secs.")
                for listener in listeners:  # TF1 gave them to the first saver hook
                    if listener not in saver_hooks[0]._listeners:
                        saver_hooks[0]._listeners.append(listener)
            loss, any_step = None, False
            with tf1.train.MonitoredTrainingSession(
                    checkpoint_dir=self._model_dir, scaffold=spec.scaffold, hooks=worker_hooks,
                    chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                    save_checkpoint_secs=0,  # saving is the CheckpointSaverHook's, as in TF1
                    save_summaries_steps=config.save_summary_steps, config=config.session_config,
                    max_wait_secs=config.session_creation_timeout_secs,
                    log_step_count_steps=config.log_step_count_steps) as session:
                while not session.should_stop():
                    _, loss = session.run([spec.train_op, spec.loss])
                    any_step = True
        if not any_step:
            log.warning("Training with estimator made no steps. Perhaps input is empty or misspecified.")
        log.info("Loss for final step: %s.", loss)
        return self

    # -- evaluate ----------------------------------------------------------------------------

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Runs the metrics' update ops over `steps` batches or the whole input, on the latest (or
        given) checkpoint; returns every metric, `loss` (the mean over batches) and `global_step`."""
        hooks = check_hooks(hooks)
        check_positive(steps, "steps")
        if steps is not None:
            hooks.append(_StopAfterEvals(steps))
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
            if not checkpoint_path:  # TF 1.15 evaluates the initial values then
                log.info("Could not find trained model in model_dir: %s, running initialization to evaluate.",
                         self._model_dir)
        with self._new_graph().as_default() as graph:
            global_step = self._create_global_step(graph)
            features, labels, input_hooks = self._call_input_fn(input_fn, ModeKeys.EVAL)
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
            metrics = dict(spec.eval_metric_ops)
            if "loss" in metrics:
                raise ValueError('Metric with name "loss" is not allowed, because Estimator already defines a '
                                 "default metric with the same name.")
            metrics["loss"] = tf1.metrics.mean(spec.loss)
            if tf1.GraphKeys.GLOBAL_STEP in metrics:
                raise ValueError("Metric with name `global_step` is not allowed, because Estimator already "
                                 "defines a default metric with the same name.")
            update_op = tf1.group(*[metrics[k][1] for k in sorted(metrics)])  # sorted: the same graph each time
            values = {k: v[0] for k, v in metrics.items()}
            values[tf1.GraphKeys.GLOBAL_STEP] = global_step
            final = tf1.train.FinalOpsHook(values)
            log.info("Starting evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()))
            creator = tf1.train.ChiefSessionCreator(scaffold=spec.scaffold, config=self._config.session_config,
                                                    checkpoint_filename_with_path=checkpoint_path)
            with tf1.train.MonitoredSession(session_creator=creator,
                                            hooks=input_hooks + hooks + list(spec.evaluation_hooks) + [final]) as session:
                while not session.should_stop():  # OutOfRangeError (the input's end) ends the session
                    session.run(update_op)
            log.info("Finished evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()))
            results = final.final_ops_values
            self._write_eval_summary(self.eval_dir(name), results, checkpoint_path)
        return results

    @staticmethod
    def _write_eval_summary(output_dir: str, results: dict, checkpoint_path) -> None:
        """TF1's eval events: each scalar metric under its name, at the evaluated global step."""
        step = int(results[tf1.GraphKeys.GLOBAL_STEP])
        log.info("Saving dict for global step %d: %s", step,
                 ", ".join("%s = %s" % (k, v) for k, v in sorted(results.items()) if not isinstance(v, bytes)))
        summary = tf1.Summary()
        for key, value in results.items():
            if key != tf1.GraphKeys.GLOBAL_STEP and np.ndim(value) == 0 and isinstance(value, (float, int, np.number)):
                summary.value.add(tag=key, simple_value=float(value))
        writer = tf1.summary.FileWriterCache.get(output_dir)
        writer.add_summary(summary, step)
        if checkpoint_path:
            log.info("Saving 'checkpoint_path' summary for global step %d: %s", step, checkpoint_path)
            path_summary = tf1.Summary()
            path_summary.value.add(tag="checkpoint_path",
                                   tensor=tf1.make_tensor_proto(checkpoint_path, dtype=tf1.string))
            writer.add_summary(path_summary, step)
        writer.flush()

    # -- predict -----------------------------------------------------------------------------

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None, yield_single_examples=True):
        """Yields the predictions of each example (a dict, filtered by predict_keys, or a value), or of
        each batch with yield_single_examples=False, until the input ends."""
        hooks = check_hooks(hooks)
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            log.info("Could not find trained model in model_dir: %s, running initialization to predict.",
                     self._model_dir)
        with self._new_graph().as_default() as graph:
            self._create_global_step(graph)
            features, _, input_hooks = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            from_pipeline = any(t.op.type == "IteratorGetNext" for t in tf1.nest.flatten(features) if is_tensor(t))
            if not (from_pipeline or tf1.get_collection(tf1.GraphKeys.QUEUE_RUNNERS)):
                log.warning("Input graph does not use tf.data.Dataset or contain a QueueRunner. That means "
                            "predict yields forever. This is probably a mistake.")
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            predictions = self._extract_keys(spec.predictions, predict_keys)
            creator = tf1.train.ChiefSessionCreator(scaffold=spec.scaffold, config=self._config.session_config,
                                                    checkpoint_filename_with_path=checkpoint_path)
            with tf1.train.MonitoredSession(session_creator=creator,
                                            hooks=input_hooks + hooks + list(spec.prediction_hooks)) as session:
                while not session.should_stop():
                    batch = session.run(predictions)
                    if not yield_single_examples:
                        yield batch
                    elif not isinstance(predictions, dict):
                        yield from batch
                    else:
                        lengths = {key: value.shape[0] for key, value in batch.items()}
                        if len(set(lengths.values())) > 1:
                            raise ValueError(f"Batch length of predictions should be same. {lengths} has "
                                             "different batch length than others.")
                        for i in range(next(iter(lengths.values()), 0)):
                            yield {key: value[i] for key, value in batch.items()}

    @staticmethod
    def _extract_keys(predictions, predict_keys):
        if not predict_keys:
            return predictions
        if not isinstance(predictions, dict):
            raise ValueError("predict_keys argument is not valid in case of non-dict predictions.")
        chosen = {key: value for key, value in predictions.items() if key in predict_keys}
        if not chosen:
            raise ValueError(f"Expected to run at least one output from {list(predictions)}, "
                             f"provided {predict_keys}.")
        return chosen
