"""`tensorflow.contrib.metrics`: TF 1.x's streaming metrics as BERT-style fine-tuning scripts use them
(`streaming_concat` and `streaming_pearson_correlation` for a regression task's eval_metrics,
`streaming_accuracy`, `streaming_auc`, ... in older code), with TF 1.15's signatures.

- `streaming_accuracy`, `streaming_mean`, `streaming_precision`, `streaming_recall`, `streaming_auc`,
  the error metrics, the true/false positive/negative counts, `streaming_mean_iou`: TF 1.15 defined
  them as `tf.metrics.X` with `(predictions, labels, ...)` first, as here (tf.metrics takes
  `(labels, predictions)`); the same variables and values;
- `streaming_concat`, `streaming_covariance`, `streaming_pearson_correlation`: written here on
  tf.compat.v1 ops, as local metric variables with an (value, update_op) pair; the covariance is
  the weighted co-moment merged batch by batch (Chan's update) over `count - 1`, NaN until the
  weights sum above 1; Pearson's r is cov(p, l) / sqrt(var(p) var(l)), as TF 1.15 computed it.

The rest of contrib.metrics stops with one line naming `tf.metrics` (hints.py).

TF 2: `keras.metrics` (`Accuracy`, `AUC`, `Precision`, `Recall`, `MeanSquaredError`, ...);
Pearson's r with `scipy.stats.pearsonr` on the gathered predictions.
"""
from __future__ import annotations

from typing import Any

# contrib's streaming_X(predictions, labels, ...) -> tf.metrics' X(labels, predictions, ...)
SWAPPED = {"streaming_accuracy": "accuracy", "streaming_precision": "precision", "streaming_recall": "recall",
           "streaming_mean_absolute_error": "mean_absolute_error",
           "streaming_mean_squared_error": "mean_squared_error",
           "streaming_root_mean_squared_error": "root_mean_squared_error",
           "streaming_mean_relative_error": "mean_relative_error",
           "streaming_true_positives": "true_positives", "streaming_false_positives": "false_positives",
           "streaming_true_negatives": "true_negatives", "streaming_false_negatives": "false_negatives",
           "streaming_mean_iou": "mean_iou", "streaming_auc": "auc"}
# The same argument order in both.
SAME = {"streaming_mean": "mean", "streaming_mean_tensor": "mean_tensor",
        "streaming_mean_cosine_distance": "mean_cosine_distance"}


def _swapped(metric):
    def streaming(predictions, labels, *args, **kwargs):
        return metric(labels, predictions, *args, **kwargs)
    streaming.__name__ = "streaming_" + metric.__name__
    streaming.__doc__ = f"TF 1.15's contrib form of tf.metrics.{metric.__name__}: (predictions, labels, ...)."
    return streaming


def names(env) -> dict[str, Any]:
    tf1 = env.tf1
    provided = {name: _swapped(getattr(tf1.metrics, target)) for name, target in SWAPPED.items()}
    provided.update({name: getattr(tf1.metrics, target) for name, target in SAME.items()})

    def _local(name, shape, dtype=tf1.float32, static_shape=None):
        """A local metric variable of zeros; with static_shape (None where it grows), of that shape."""
        initial = tf1.zeros(shape, dtype)
        if static_shape is not None:
            initial = tf1.placeholder_with_default(initial, static_shape)
        return tf1.Variable(initial, name=name, trainable=False, validate_shape=static_shape is None,
                            collections=[tf1.GraphKeys.LOCAL_VARIABLES, tf1.GraphKeys.METRIC_VARIABLES])

    def _collect(value, update_op, metrics_collections, updates_collections):
        if metrics_collections:
            tf1.add_to_collections(metrics_collections, value)
        if updates_collections:
            tf1.add_to_collections(updates_collections, update_op)
        return value, update_op

    def streaming_concat(values, axis=0, max_size=None, metrics_collections=None, updates_collections=None,
                         name=None):
        """TF 1.15's: every batch's `values` concatenated along `axis` (at most `max_size` along it;
        further updates change nothing)."""
        with tf1.variable_scope(name, "streaming_concat", (values,)):
            values = tf1.convert_to_tensor(values)
            if axis < 0:
                axis += values.shape.ndims
            shape = values.shape.as_list()
            if any(d is None for i, d in enumerate(shape) if i != axis):
                raise ValueError("all dimensions of `values` except `axis` must be known; got shape "
                                 f"{values.shape}")
            empty = [0 if i == axis else d for i, d in enumerate(shape)]
            static = [None if i == axis else d for i, d in enumerate(shape)]
            array = _local("array", empty, values.dtype.base_dtype, static_shape=static)
            joined = tf1.concat([array, values], axis)
            if max_size is not None:
                begin = [0] * len(shape)
                size = [-1] * len(shape)
                size[axis] = tf1.minimum(tf1.shape(joined)[axis], max_size)
                joined = tf1.slice(joined, begin, size)
            update_op = tf1.assign(array, joined, validate_shape=False)
            value = tf1.identity(array)
            return _collect(value, update_op, metrics_collections, updates_collections)

    def streaming_covariance(predictions, labels, weights=None, metrics_collections=None,
                             updates_collections=None, name=None):
        """TF 1.15's: the unbiased weighted sample covariance of predictions and labels so far,
        comoment / (count - 1); NaN while count <= 1."""
        with tf1.variable_scope(name, "covariance", (predictions, labels, weights)):
            p = tf1.cast(tf1.reshape(predictions, [-1]), tf1.float32)
            l = tf1.cast(tf1.reshape(labels, [-1]), tf1.float32)
            w = tf1.ones_like(p) if weights is None else tf1.cast(
                tf1.reshape(tf1.broadcast_to(weights, tf1.shape(predictions)), [-1]), tf1.float32)
            count = _local("count", [])
            mean_p, mean_l, comoment = _local("mean_prediction", []), _local("mean_label", []), _local("comoment", [])
            batch_count = tf1.reduce_sum(w)
            safe = tf1.maximum(batch_count, 1e-30)
            batch_mean_p = tf1.reduce_sum(w * p) / safe
            batch_mean_l = tf1.reduce_sum(w * l) / safe
            batch_comoment = tf1.reduce_sum(w * (p - batch_mean_p) * (l - batch_mean_l))
            total = count + batch_count
            share = tf1.where(total > 0, batch_count / tf1.maximum(total, 1e-30), 0.0)
            delta_p, delta_l = batch_mean_p - mean_p, batch_mean_l - mean_l
            new_comoment = comoment + batch_comoment + delta_p * delta_l * count * share
            with tf1.control_dependencies([new_comoment]):  # every read before any write
                updates = [tf1.assign_add(mean_p, delta_p * share), tf1.assign_add(mean_l, delta_l * share),
                           tf1.assign(comoment, new_comoment), tf1.assign_add(count, batch_count)]

            def covariance(c, n):
                return tf1.where(n <= 1.0, float("nan") * tf1.ones_like(c), c / tf1.maximum(n - 1.0, 1e-30))

            value = covariance(comoment, count)
            with tf1.control_dependencies(updates):
                update_op = covariance(tf1.identity(new_comoment), tf1.identity(total))
            return _collect(value, update_op, metrics_collections, updates_collections)

    def streaming_pearson_correlation(predictions, labels, weights=None, metrics_collections=None,
                                      updates_collections=None, name=None):
        """TF 1.15's: cov(p, l) / (sqrt(var(p)) * sqrt(var(l))) from three streaming covariances."""
        with tf1.variable_scope(name, "pearson_r", (predictions, labels, weights)):
            cov, update_cov = streaming_covariance(predictions, labels, weights, name="covariance")
            var_p, update_var_p = streaming_covariance(predictions, predictions, weights, name="variance_predictions")
            var_l, update_var_l = streaming_covariance(labels, labels, weights, name="variance_labels")
            value = cov / (tf1.sqrt(var_p) * tf1.sqrt(var_l))
            update_op = update_cov / (tf1.sqrt(update_var_p) * tf1.sqrt(update_var_l))
            return _collect(value, update_op, metrics_collections, updates_collections)

    provided.update(streaming_concat=streaming_concat, streaming_covariance=streaming_covariance,
                    streaming_pearson_correlation=streaming_pearson_correlation)
    return provided
