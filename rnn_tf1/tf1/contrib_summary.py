"""`tensorflow.contrib.summary`: TF 1.x's second summary API (summary writers as graph resources,
`record_summaries_every_n_global_steps`, `scalar(name, tensor, family=None, step=None)`), which
TPU scripts call in a TPUEstimatorSpec's `host_call` and eager scripts in their loop.

The names are TensorFlow's own `summary_ops_v2` functions, where TF 1.15's contrib.summary took
them from, with the same signatures; `all_summary_ops` is `all_v2_summary_ops` (TF 1.15's alias),
`flush` is `legacy_raw_flush` (TF 1.15's flush took a writer or its resource tensor).
A `host_call`'s writers are initialized and flushed by TPUEstimator (estimator/tpu_estimator.py);
in a Session, run `tf.contrib.summary.summary_writer_initializer_op()` first, as in TF 1.x.
`create_db_writer` (SQLite) is gone from TensorFlow: one line naming `create_file_writer`.

TF 2: `tf.summary.create_file_writer(logdir).as_default()`, `tf.summary.scalar(name, value, step)`,
`tf.summary.record_if(...)`.
"""
from __future__ import annotations

from typing import Any

NAMES = ("always_record_summaries", "audio", "create_file_writer", "create_summary_file_writer", "eval_dir",
         "generic", "graph", "histogram", "image", "import_event", "initialize",
         "never_record_summaries", "record_summaries_every_n_global_steps", "scalar", "should_record_summaries",
         "summary_writer_initializer_op", "SummaryWriter")


def names(env) -> dict[str, Any]:
    from tensorflow.python.ops import summary_ops_v2

    provided = {name: getattr(summary_ops_v2, name) for name in NAMES}
    provided["all_summary_ops"] = summary_ops_v2.all_v2_summary_ops
    provided["flush"] = summary_ops_v2.legacy_raw_flush  # TF 1.15's: a writer or its raw resource tensor
    return provided
