"""What to use instead of a TF 1.x name `rnn-tf1 run` does not provide: one table, keyed by the
missing dotted name's prefix (the longest matching prefix wins)."""
from __future__ import annotations

HINTS = {
    "tensorflow.contrib.slim": "tf.contrib.slim here is the tf-slim package (1.1.0), which lacks it; "
                               "rewrite with tf.layers (tf.compat.v1.layers) or tf.keras",
    "tensorflow.contrib.slim.nets": "use tf.keras.applications (VGG, ResNet, Inception, MobileNet) instead",
    # contrib.learn's Estimators came before tf.estimator's, which is provided (model_fn style).
    "tensorflow.contrib.learn": "tf.contrib.learn here has ModeKeys, preprocessing (VocabularyProcessor) and "
                                "datasets (MNIST) only; for Experiment / learn_runner use the provided "
                                "tf.estimator.train_and_evaluate(estimator, TrainSpec, EvalSpec); for its "
                                "Estimators and canned estimators write a model_fn for the provided "
                                "tf.estimator.Estimator, or use Keras 3 (keras.Model, model.fit)",
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
    "tensorflow.contrib.learn.datasets": "only MNIST (load_dataset('mnist'), mnist.read_data_sets) is provided; "
                                         "for iris and boston use sklearn.datasets (load_iris) or "
                                         "keras.datasets.boston_housing",
    "tensorflow.contrib.learn.python.learn.datasets": "only its mnist.read_data_sets is provided; for other "
                                                      "data use keras.datasets",
    "tensorflow.contrib.layers": "tf.contrib.layers here is the tf-slim package's (1.1.0), which lacks it; "
                                 "feature columns: use tf.feature_column (tf.compat.v1.feature_column), "
                                 "otherwise tf.layers (tf.compat.v1.layers)",
    # The three below measured on MNIST (55000 train, 10000 test) by scripts/contrib_ml_replacements.py
    # (docs/tf1-scripts.md): scikit-learn 1.9.1 KMeans(25) 0.7656 by majority label; ydf 0.16.1
    # RandomForestLearner(num_trees=10) 0.9484; GradientBoostedTreesLearner(10 trees, depth 4) 0.8516.
    "tensorflow.contrib.factorization": "no drop-in replacement; rewrite with scikit-learn's "
                                        "sklearn.cluster.KMeans (pip install scikit-learn; cosine distance: "
                                        "KMeans on sklearn.preprocessing.normalize(X)) or its GaussianMixture",
    "tensorflow.contrib.tensor_forest": "no drop-in replacement; rewrite with YDF's random forests (pip install "
                                        "ydf; ydf.RandomForestLearner(label=...).train(data))",
    "tensorflow.contrib.boosted_trees": "no drop-in replacement; rewrite with YDF's gradient-boosted trees (pip "
                                        "install ydf; ydf.GradientBoostedTreesLearner(label=...).train(data))",
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
    "tensorflow.contrib.eager": "tf.contrib.eager here has TF 1.x's eager names that TF 2.21 still has "
                                "(Variable, implicit_gradients, Iterator, Saver, metrics, Network, ...); for "
                                "the rest use TensorFlow 2's eager API (tf.GradientTape, tf.Variable, tf.data, "
                                "tf.summary)",
    "tensorflow.contrib.eager.restore_variables_on_create": "use tfe.Checkpoint (tf.train.Checkpoint), whose "
                                                            "restore() fills variables as they are created",
    "tensorflow.contrib.eager.CheckpointableSaver": "use tfe.Checkpoint (tf.train.Checkpoint) instead",
    "tensorflow.contrib.eager.save_network_checkpoint": "use Network.save or tfe.Checkpoint instead",
    "tensorflow.contrib.eager.restore_network_checkpoint": "use Network.restore or tfe.Checkpoint instead",
    "tensorflow.contrib.eager.add_execution_callback": "TF 2 has no execution callbacks; use tfe.seterr("
                                                      "inf_or_nan='raise') (tf.debugging.enable_check_numerics)",
    "tensorflow.contrib.eager.metrics": "tfe.metrics here has Mean, Accuracy, CategoricalAccuracy, "
                                        "SparseAccuracy, BinaryAccuracy and Metric; otherwise use tf.keras.metrics",
    "tensorflow.contrib.rnn": "no drop-in replacement; rewrite with the provided tf.contrib.rnn cells (LSTMCell, "
                              "LSTMBlockCell, GRUCell, ...) or keras.layers.LSTM / ConvLSTM2D",
    # No TPU on this machine: TPUEstimator runs the model_fn on the CPU, as TF 1.15 did with use_tpu=False.
    "tensorflow.contrib.tpu": "there is no TPU here: run with use_tpu=False (TPUEstimator then runs the model_fn "
                              "on the CPU); tf.contrib.tpu here has TPUEstimator, TPUEstimatorSpec, RunConfig, "
                              "TPUConfig, InputPipelineConfig, CrossShardOptimizer and bfloat16_scope",
    "tensorflow.contrib.distribute": "distribution strategies are not provided (the Estimator here runs one local "
                                     "process): run on one device, or rewrite with Keras 3 under TF 2's "
                                     "tf.distribute.MirroredStrategy",
    "tensorflow.contrib.tpu.python": "TF 1.x's TPU internals are not provided (a project's own copy of "
                                     "tpu_estimator.py cannot run here): use tf.contrib.tpu.TPUEstimator with "
                                     "use_tpu=False, which is provided",
    "tensorflow.contrib.cluster_resolver.TPUClusterResolver": "there is no TPU here: run with use_tpu=False and "
                                                              "without a TPU name (BERT: leave --tpu_name unset)",
    "tensorflow.contrib.metrics": "use tf.metrics (tf.compat.v1.metrics): contrib's streaming_X(predictions, labels, ...) "
                                 "is tf.metrics.X(labels, predictions, ...); tf.contrib.metrics here has those "
                                 "streaming_* names, streaming_concat, streaming_covariance and "
                                 "streaming_pearson_correlation",
    "tensorflow.contrib.summary": "tf.contrib.summary here has TensorFlow's summary_ops_v2 functions (create_file_writer, "
                                 "scalar, histogram, image, always_record_summaries, all_summary_ops, ...); SQLite "
                                 "writers are gone: use create_file_writer, or tf.summary (TF 2)",
    # contrib.training: HParams, bucketing and slim's loops are provided (contrib_training.py).
    "tensorflow.contrib.training": "no drop-in replacement; tf.contrib.training here has HParams, parse_values, "
                                   "bucket, bucket_by_sequence_length and tf-slim's train/evaluation loops",
    "tensorflow.contrib.training.batch_sequences_with_states": (
        "no drop-in replacement; split the sequences into fixed-length windows with tf.data "
        "(Dataset.window or padded_batch) and carry the RNN state between sess.run calls"),
    "tensorflow.contrib.training.rejection_sample": "use tf.data.experimental.rejection_resample "
                                                   "(tf.compat.v1.data.experimental) instead",
    "tensorflow.contrib.training.stratified_sample": "use tf.data.experimental.rejection_resample "
                                                     "(tf.compat.v1.data.experimental) instead",
    "tensorflow.contrib.training.resample_at_rate": "no drop-in replacement; use tf.data.experimental."
                                                    "rejection_resample or sample_from_datasets",
    "tensorflow.contrib.training.FeedingQueueRunner": "feed arrays with tf.data.Dataset.from_tensor_slices or "
                                                      "the provided tf.estimator.inputs.numpy_input_fn",
    "tensorflow.contrib.training.python_input": "use tf.data.Dataset.from_generator instead",
    "tensorflow.contrib.training.sgdr_decay": "use tf.train.cosine_decay_restarts (tf.compat.v1.train) instead",
    "tensorflow.contrib.framework": "no drop-in replacement; tf.contrib.framework here has slim's variables and "
                                    "arg scopes, nest, load_checkpoint, list_variables, init_from_checkpoint and "
                                    "TF 1.x's tensor checks; otherwise use tf.compat.v1 or tf.nest",
    "tensorflow.contrib.framework.py_func": "use tf.py_func (tf.compat.v1.py_func) on a flat list, with "
                                            "tf.nest.flatten / tf.nest.pack_sequence_as around it",
    "tensorflow.contrib.framework.with_shape": "use tf.ensure_shape(tensor, shape) instead",
    "tensorflow.contrib.framework.with_same_shape": "use tf.ensure_shape(tensor, other.shape) instead",
    "tensorflow.contrib.framework.fuse_op": "no drop-in replacement; TensorFlow's graph optimizer fuses ops "
                                            "itself: leave it out",
    "tensorflow.contrib.signal": "tf.contrib.signal here has TF 1.15's names (stft, inverse_stft, frame, windows, "
                                 "mel and MFCC functions); for the rest use tf.signal (tf.compat.v1.signal)",
    "tensorflow.examples": "only tensorflow.examples.tutorials.mnist.input_data (read_data_sets) is "
                           "provided; for other data use keras.datasets",
}
HINTS["tensorflow.contrib.tpu.proto"] = HINTS["tensorflow.contrib.tpu.python"]
HINTS["tensorflow.distribute.cluster_resolver.TPUClusterResolver"] = (
    HINTS["tensorflow.contrib.cluster_resolver.TPUClusterResolver"])
for _argument in ("use_tpu=True", "embedding_config_spec=..."):
    HINTS[f"tensorflow.contrib.tpu.TPUEstimator({_argument})"] = (
        "there is no TPU here: run with use_tpu=False (TPUEstimator then runs the model_fn on the CPU, "
        "params['batch_size'] the batch size of the mode)")
for _argument in ("cluster=...", "master=...", "evaluation_master=..."):
    HINTS[f"tensorflow.contrib.tpu.RunConfig({_argument})"] = (
        "there is no TPU or remote master here: leave cluster and master unset and run with use_tpu=False")
for _name in ("NextQueuedSequenceBatch", "SequenceQueueingStateSaver"):
    HINTS[f"tensorflow.contrib.training.{_name}"] = HINTS["tensorflow.contrib.training.batch_sequences_with_states"]
HINTS["tensorflow.contrib.training.weighted_resample"] = HINTS["tensorflow.contrib.training.resample_at_rate"]
for _name in ("GreedyLoadBalancingStrategy", "RandomStrategy", "byte_size_load_fn"):
    HINTS[f"tensorflow.contrib.training.{_name}"] = (
        "one local process is provided here; use tf.train.replica_device_setter (tf.compat.v1.train) without "
        "ps_strategy, or leave device placement out")
for _name in ("load_and_remap_matrix_initializer", "load_embedding_initializer",
              "load_linear_multiclass_bias_initializer", "load_variable_slot_initializer"):
    HINTS[f"tensorflow.contrib.framework.{_name}"] = (
        "use tf.train.warm_start (tf.compat.v1.train, with VocabInfo for remapped vocabularies) or "
        "tf.train.init_from_checkpoint instead")
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
