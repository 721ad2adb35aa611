"""What to use instead of a TF 1.x name `rnn-tf1 run` does not provide: one table, keyed by the
missing dotted name's prefix (the longest matching prefix wins)."""
from __future__ import annotations

HINTS = {
    "tensorflow.contrib.slim": "tf.contrib.slim here is the tf-slim package (1.1.0), which lacks it; "
                               "rewrite with tf.layers (tf.compat.v1.layers) or tf.keras",
    "tensorflow.contrib.slim.nets": "use tf.keras.applications (VGG, ResNet, Inception, MobileNet) instead",
    # contrib.learn's Estimators came before tf.estimator's, which is provided (model_fn style).
    "tensorflow.contrib.learn": "no drop-in replacement (contrib.learn is gone from TensorFlow); rewrite "
                                "the model as a model_fn for the provided tf.estimator.Estimator, or with "
                                "Keras 3 (keras.Model, model.fit)",
    # tf.estimator left TensorFlow in 2.16; estimator.py provides its model_fn API only.
    "tensorflow.estimator": "tf.estimator here provides Estimator(model_fn), EstimatorSpec, ModeKeys, RunConfig, "
                            "TrainSpec, EvalSpec, train_and_evaluate, tf.train's hooks and "
                            "inputs.numpy_input_fn; rewrite the rest with Keras 3 (keras.Model, model.fit)",
    "tensorflow.estimator.export": "exporting is not provided; restore the checkpoint in a tf.Session and "
                                   "write a SavedModel with tf.saved_model.simple_save, or rewrite with "
                                   "Keras 3 (model.export)",
    "tensorflow.estimator.Estimator(warm_start_from=...)": (
        "warm starting is not provided; call tf.train.init_from_checkpoint(CHECKPOINT, {'/': '/'}) inside "
        "model_fn instead"),
    "tensorflow.estimator.EvalSpec(exporters=...)": "exporters are not provided; leave them out and "
                                                    "export from the final checkpoint yourself",
    "tensorflow.estimator.inputs.pandas_input_fn": "pandas is not a dependency here; pass "
                                                   "numpy_input_fn({name: df[name].values ...}, df[label].values)",
    "tensorflow.contrib.layers": "tf.contrib.layers here is the tf-slim package's (1.1.0), which lacks it; "
                                 "feature columns: use tf.feature_column (tf.compat.v1.feature_column), "
                                 "otherwise tf.layers (tf.compat.v1.layers)",
    "tensorflow.contrib.keras": "use tf.keras (tf.compat.v1.keras, tf-keras here) instead",
    # measured: tensorflow-probability 0.25.0 imports on TF 2.21 with tf-keras and gives Normal's log_prob.
    "tensorflow.contrib.distributions": "use the tensorflow-probability package (pip install "
                                        "tensorflow-probability; tfp.distributions) instead",
    # tensorflow-addons no longer imports on TF 2.21 (No module named 'keras.src.engine').
    "tensorflow.contrib.seq2seq": ("no drop-in replacement (tensorflow-addons does not import on TF 2.21); "
                                   "rewrite that part with the provided dynamic_decode/BasicDecoder or a "
                                   "tf.while_loop over the cell"),
    "tensorflow.contrib.legacy_seq2seq": "no drop-in replacement; rewrite that part with the provided "
                                         "tf.contrib.seq2seq (dynamic_decode, BasicDecoder) or tf.nn.dynamic_rnn",
    "tensorflow.contrib.eager": "no drop-in replacement under rnn-tf1 run (it runs graph mode); rewrite with "
                                "TensorFlow 2's eager API (tf.GradientTape, tf.Variable, tf.data)",
    "tensorflow.contrib.rnn": "no drop-in replacement; rewrite with the provided tf.contrib.rnn cells (LSTMCell, "
                              "LSTMBlockCell, GRUCell, ...) or keras.layers.LSTM / ConvLSTM2D",
    "tensorflow.examples": "only tensorflow.examples.tutorials.mnist.input_data (read_data_sets) is "
                           "provided; for other data use keras.datasets",
}
for _export in ("export_savedmodel", "export_saved_model", "experimental_export_all_saved_models"):
    HINTS[f"tensorflow.estimator.Estimator.{_export}"] = HINTS["tensorflow.estimator.export"]
for _name in ("Exporter", "FinalExporter", "LatestExporter", "BestExporter"):
    HINTS[f"tensorflow.estimator.{_name}"] = HINTS["tensorflow.estimator.EvalSpec(exporters=...)"]
for _argument in ("train_distribute=...", "eval_distribute=...", "experimental_distribute=...", "protocol=...",
                  "experimental_max_worker_delay_secs=...", "TF_CONFIG cluster"):
    HINTS[f"tensorflow.estimator.RunConfig({_argument})"] = (
        "one local process is provided here (no distribution strategy, no TF_CONFIG cluster); leave it out")
HINTS["tensorflow.estimator.WarmStartSettings"] = HINTS["tensorflow.estimator.Estimator(warm_start_from=...)"]
# TF 1.15's canned estimators: a small Keras 3 model does what the DNN / linear ones did.
for _kind in ("Classifier", "Regressor", "Estimator"):
    for _family in ("DNN", "Linear", "DNNLinearCombined", "Baseline"):
        HINTS[f"tensorflow.estimator.{_family}{_kind}"] = (
            "canned estimators are not provided; rewrite with Keras 3: keras.Sequential of keras.layers.Dense "
            "(no hidden layer for a linear model) and model.fit, or as a model_fn for the provided "
            "tf.estimator.Estimator")
    HINTS[f"tensorflow.estimator.BoostedTrees{_kind}"] = (
        "no drop-in replacement; rewrite with a gradient-boosted trees library (YDF: pip install ydf)")


def hint_for(dotted: str) -> str | None:
    """The hint of the longest prefix of `dotted` in HINTS, or None."""
    matches = [prefix for prefix in HINTS if dotted == prefix or dotted.startswith(prefix + ".")]
    return HINTS[max(matches, key=len)] if matches else None
