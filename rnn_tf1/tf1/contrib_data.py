"""`tensorflow.contrib.data`: where TF 1.2-1.3 scripts found the input pipeline before it moved to
`tf.data` (TF 1.4), and where TF 1.x kept its experimental transformations.

`Dataset`, `Iterator` and the file datasets are the same objects as `tf.compat.v1.data`'s; the
transformations (`shuffle_and_repeat`, `map_and_batch`, `unbatch`, ...) are those of
`tf.compat.v1.data.experimental` under the same names, and `batch_and_drop_remainder` (gone) is
written here as TF 1.x defined it.

TF 2: `tf.data.Dataset`, `tf.data.experimental`.
"""
from __future__ import annotations

from typing import Any

# TF 1.x's contrib.data names that tf.data.experimental still has under the same name.
EXPERIMENTAL = ("bucket_by_sequence_length", "choose_from_datasets", "Counter", "CsvDataset",
                "dense_to_sparse_batch", "enumerate_dataset", "get_single_element", "group_by_reducer",
                "group_by_window", "ignore_errors", "make_batched_features_dataset", "make_csv_dataset",
                "make_saveable_from_iterator", "map_and_batch", "parallel_interleave", "prefetch_to_device",
                "copy_to_device", "Reducer", "rejection_resample", "sample_from_datasets", "scan",
                "shuffle_and_repeat", "SqlDataset", "unbatch", "unique", "AUTOTUNE")


def names(env) -> dict[str, Any]:
    data = env.tf1.data
    provided = {name: getattr(data, name) for name in (
        "Dataset", "Iterator", "TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset")}
    provided.update({name: getattr(data.experimental, name) for name in EXPERIMENTAL
                     if hasattr(data.experimental, name)})

    def batch_and_drop_remainder(batch_size):
        """TF 1.x: a transformation for `Dataset.apply` that batches and drops the last, smaller batch."""
        return lambda dataset: dataset.batch(batch_size, drop_remainder=True)

    provided["batch_and_drop_remainder"] = batch_and_drop_remainder
    return provided
