"""`tensorflow.contrib.tpu` and the cluster resolvers, on a machine without a TPU, as TF 1.15 ran a
TPU script with `use_tpu=False` (BERT's pretraining, classifier and feature-extraction scripts).

- `TPUEstimator`, `TPUEstimatorSpec`, `RunConfig`, `TPUConfig`, `InputPipelineConfig`: the model_fn
  on the CPU on the project's tf.estimator (estimator/tpu_estimator.py);
- `CrossShardOptimizer(opt)`: the wrapped optimizer, as on one shard (TF 1.15 summed gradients
  across TPU shards; one CPU has one shard, so the sum is the gradient itself);
- `bfloat16_scope`: tf.compat.v1.tpu's (a variable scope whose bfloat16 variables are kept in
  float32);
- `TPUClusterResolver` (`tf.contrib.cluster_resolver`, `tf.distribute.cluster_resolver`), `use_tpu=True`,
  and the TPU-only operations (`rewrite`, `shard`, `initialize_system`, ...): one line, no TPU here,
  run with use_tpu=False.

TF 2: tf.distribute.TPUStrategy with a Keras 3 model (on a TPU); on the CPU, no TPU code at all.
"""
from __future__ import annotations

from typing import Any

from rnn_tf1.tf1.namespace import TF1NameMissing

# TF 1.15's tf.contrib.tpu names that only a TPU runs: each a one-line refusal when called.
TPU_ONLY = ("rewrite", "shard", "replicate", "batch_parallel", "initialize_system", "shutdown_system",
            "outside_compilation", "cross_replica_sum", "core", "keras_to_tpu_model", "TPUDistributionStrategy",
            "infeed_dequeue", "infeed_dequeue_tuple", "outfeed_enqueue", "outfeed_enqueue_tuple",
            "repeat", "while_loop", "device_assignment", "DeviceAssignment", "Topology", "InfeedQueue")


def _refusal(dotted: str):
    def refuse(*args, **kwargs):
        raise TF1NameMissing(dotted)
    refuse.__name__ = refuse.__qualname__ = dotted.rpartition(".")[2]
    refuse.__doc__ = f"{dotted}: not provided on a machine without a TPU (TF1NameMissing when called)."
    return refuse


def cross_shard_optimizer(tf1):
    """CrossShardOptimizer as one CPU shard runs it: the wrapped optimizer's gradients and updates."""

    class CrossShardOptimizer(tf1.train.Optimizer):
        """TF 1.15's CrossShardOptimizer(opt, reduction=Reduction.MEAN, name="CrossShardOptimizer",
        group_assignment=None) outside a TPU: one shard, so compute_gradients and apply_gradients are
        the wrapped optimizer's (the cross-shard mean or sum of one shard's gradient is itself)."""

        def __init__(self, opt, reduction=tf1.losses.Reduction.MEAN, name="CrossShardOptimizer",
                     group_assignment=None):
            if reduction not in (tf1.losses.Reduction.SUM, tf1.losses.Reduction.MEAN):
                raise ValueError(f"Unsupported reduction: {reduction}.")
            if isinstance(opt, tf1.compat.v2.keras.optimizers.Optimizer):
                raise TypeError("CrossShardOptimizer does not work with OptimizerV2. If you are using "
                                "TPUStrategy, OptimizerV2 will sum gradients across replicas.If you want to "
                                "average your gradients, rescale your loss with: "
                                "`loss /= global_batch_size`")
            super().__init__(False, name)
            self._opt, self._reduction, self._group_assignment = opt, reduction, group_assignment
            self._warned = False

        def compute_gradients(self, loss, var_list=None, **kwargs):
            if not self._warned:
                tf1.logging.warning("CrossShardOptimizer should be used within a tpu_shard_context, but got "
                                    "unset number_of_shards. Assuming 1.")
                self._warned = True
            return self._opt.compute_gradients(loss, var_list=var_list, **kwargs)

        def apply_gradients(self, grads_and_vars, global_step=None, name=None):
            return self._opt.apply_gradients(grads_and_vars, global_step, name)

        def get_slot(self, *args, **kwargs):
            return self._opt.get_slot(*args, **kwargs)

        def get_slot_names(self, *args, **kwargs):
            return self._opt.get_slot_names(*args, **kwargs)

        def variables(self):
            return self._opt.variables()

    return CrossShardOptimizer


def tpu_cluster_resolver(dotted: str):
    """A TPUClusterResolver that refuses in one line: no TPU to resolve on this machine."""

    class TPUClusterResolver:
        def __init__(self, *args, **kwargs):
            raise TF1NameMissing(dotted)

    TPUClusterResolver.__doc__ = f"{dotted}: no TPU here (TF1NameMissing when made); run with use_tpu=False."
    return TPUClusterResolver


def names(env) -> dict[str, Any]:
    """tf.contrib.tpu."""
    from rnn_tf1.tf1.estimator import tpu_estimator as te

    provided = {name: _refusal(f"tensorflow.contrib.tpu.{name}") for name in TPU_ONLY}
    provided.update(TPUEstimator=te.TPUEstimator, TPUEstimatorSpec=te.TPUEstimatorSpec, RunConfig=te.RunConfig,
                    TPUConfig=te.TPUConfig, InputPipelineConfig=te.InputPipelineConfig,
                    CrossShardOptimizer=cross_shard_optimizer(env.tf1), bfloat16_scope=env.tf1.tpu.bfloat16_scope)
    return provided


def cluster_resolver_names(env, dotted: str = "tensorflow.contrib.cluster_resolver") -> dict[str, Any]:
    """tf.contrib.cluster_resolver: tf.distribute.cluster_resolver's resolvers, TPUClusterResolver refused."""
    source = env.tf1.distribute.cluster_resolver
    provided = {name: getattr(source, name) for name in dir(source) if not name.startswith("_")}
    provided["TPUClusterResolver"] = tpu_cluster_resolver(f"{dotted}.TPUClusterResolver")
    return provided


def distribute_cluster_resolver_names(env) -> dict[str, Any]:
    """tf.distribute.cluster_resolver (tf.compat.v1's), TPUClusterResolver refused."""
    return cluster_resolver_names(env, "tensorflow.distribute.cluster_resolver")


def distribute_names(env) -> dict[str, Any]:
    """tf.distribute: tf.compat.v1.distribute's names; its cluster_resolver is the namespace above."""
    source = env.tf1.distribute
    return {name: getattr(source, name) for name in dir(source)
            if not name.startswith("_") and name != "cluster_resolver"}
