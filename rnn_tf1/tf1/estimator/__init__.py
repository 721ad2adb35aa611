"""`tensorflow.estimator` (and `tensorflow.estimator.inputs`): TF 1.15's Estimator in the model_fn
style, for scripts that train, evaluate and predict through `tf.estimator.Estimator(model_fn)`.

tf.estimator left TensorFlow in 2.16 and the tensorflow-estimator 2.15 package does not import on
TF 2.21, so it is written again here as a thin layer over TF's own TF1 training machinery, which
`tf.compat.v1` still has: each `train` / `evaluate` / `predict` call builds a new graph (seeded with
`RunConfig.tf_random_seed`, else left with `rnn-tf1 run --seed`'s graph seed), creates the global
step, calls `input_fn` and `model_fn`, and runs a `MonitoredTrainingSession` (train: checkpoints
`model_dir/model.ckpt-STEP` through `CheckpointSaverHook`, resumes from the latest one, logs
`loss = ..., step = ...` through `LoggingTensorHook`) or a `MonitoredSession` (evaluate, predict:
restores the latest or given checkpoint).  `inputs.numpy_input_fn` is built on `tf.data`.

Not provided (one TF1NameMissing line each, with a hint): canned estimators (`DNNClassifier`,
`LinearRegressor`, `BoostedTrees*`, ...), `export` / `export_savedmodel`, `warm_start_from`,
distribution strategies, exporters, `inputs.pandas_input_fn`.

One module per TF 1.15 file: model_fn.py (ModeKeys, EstimatorSpec), run_config.py, estimator.py,
training.py (TrainSpec, EvalSpec, train_and_evaluate), inputs.py (numpy_input_fn), tpu_estimator.py
(`tf.estimator.tpu` / `tf.contrib.tpu`: TPUEstimator on the CPU, use_tpu=False).

TF 2: Keras 3 (`keras.Model`, `model.fit`, `model.evaluate`, `model.predict`, `model.save`).
"""
from __future__ import annotations

from typing import Any

# TF 1.15's tf.estimator also exported tf.train's hooks under its own name: the same objects.
HOOKS = ("SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues", "CheckpointSaverHook",
         "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook", "GlobalStepWaiterHook", "LoggingTensorHook",
         "NanLossDuringTrainingError", "NanTensorHook", "ProfilerHook", "SecondOrStepTimer", "StepCounterHook",
         "StopAtStepHook", "SummarySaverHook", "VocabInfo")


def inputs_names(env) -> dict[str, Any]:
    """tf.estimator.inputs."""
    from rnn_tf1.tf1.estimator.inputs import numpy_input_fn, pandas_input_fn

    return {"numpy_input_fn": numpy_input_fn, "pandas_input_fn": pandas_input_fn}


def tpu_names(env) -> dict[str, Any]:
    """tf.estimator.tpu (TF 1.15's tf.compat.v1.estimator.tpu): TPUEstimator and its configs, run on the
    CPU with use_tpu=False (tpu_estimator.py)."""
    from rnn_tf1.tf1.estimator import tpu_estimator as te

    return {name: getattr(te, name) for name in ("TPUEstimator", "TPUEstimatorSpec", "RunConfig", "TPUConfig",
                                                 "InputPipelineConfig")}


def names(env) -> dict[str, Any]:
    """tf.estimator's model_fn API; canned estimators and export stay missing (TF1NameMissing)."""
    from rnn_tf1.tf1.estimator.estimator import Estimator
    from rnn_tf1.tf1.estimator.model_fn import EstimatorSpec, ModeKeys
    from rnn_tf1.tf1.estimator.run_config import RunConfig
    from rnn_tf1.tf1.estimator.training import EvalSpec, TrainSpec, train_and_evaluate

    provided = {name: getattr(env.tf1.train, name) for name in HOOKS}
    provided.update(Estimator=Estimator, EstimatorSpec=EstimatorSpec, ModeKeys=ModeKeys, RunConfig=RunConfig,
                    TrainSpec=TrainSpec, EvalSpec=EvalSpec, train_and_evaluate=train_and_evaluate)
    return provided
