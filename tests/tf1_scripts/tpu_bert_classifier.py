"""A BERT-style tiny classifier on tf.contrib.tpu.TPUEstimator with use_tpu=False, for rnn_tf1's tests
of `rnn-tf1 run` (written for this project, in the style of TF 1.x's TPU fine-tuning scripts).

Toy task: a sequence of 8 tokens ([CLS] and 7 words of 10) is labelled 1 when word 5 is in it.
The data go through TFRecord files read with tf.contrib.data.parallel_interleave and map_and_batch
(params["batch_size"] from TPUEstimator); the model is one self-attention layer with
tf.contrib.layers.layer_norm; the model_fn returns TPUEstimatorSpecs with eval_metrics and a
scaffold_fn that loads an init checkpoint, as BERT's does on a TPU.  The script trains
(`pretrain`), evaluates and predicts; then a second TPUEstimator starts from the first's checkpoint
through scaffold_fn and evaluates without training.  Imports as late TF1 code did
(`from tensorflow.compat.v1 import estimator`, `from tensorflow.contrib import cluster_resolver`).
Prints `key value` lines for the test.
"""
from __future__ import print_function

import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.compat.v1 import estimator as tf_estimator  # late TF1 code's import of tf.estimator
from tensorflow.contrib import cluster_resolver as contrib_cluster_resolver

flags = tf.flags
FLAGS = flags.FLAGS
flags.DEFINE_bool("use_tpu", False, "Whether to use a TPU.")
flags.DEFINE_string("tpu_name", None, "The Cloud TPU to use.")
flags.DEFINE_integer("train_steps", 80, "Training steps.")
flags.DEFINE_integer("train_batch_size", 16, "Training batch size.")
flags.DEFINE_integer("eval_batch_size", 8, "Eval batch size.")
flags.DEFINE_integer("predict_batch_size", 4, "Predict batch size.")
flags.DEFINE_string("output_dir", None, "Where checkpoints go (a new temporary folder if unset).")

SEQ_LENGTH, VOCAB, HIDDEN, CLS, KEY_WORD = 8, 12, 16, 1, 5


def make_examples(rng, count):
    ids = rng.randint(2, VOCAB, size=(count, SEQ_LENGTH))
    ids[:, 0] = CLS
    labels = (ids[:, 1:] == KEY_WORD).any(axis=1).astype(np.int64)
    return ids, labels


def write_tfrecords(ids, labels, prefix, shards=2):
    files = ["%s-%d.tfrecord" % (prefix, k) for k in range(shards)]
    writers = [tf.python_io.TFRecordWriter(f) for f in files]
    for i, (row, label) in enumerate(zip(ids, labels)):
        feature = {"input_ids": tf.train.Feature(int64_list=tf.train.Int64List(value=row)),
                   "label_ids": tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))}
        example = tf.train.Example(features=tf.train.Features(feature=feature))
        writers[i % shards].write(example.SerializeToString())
    for writer in writers:
        writer.close()
    return files


def input_fn_builder(files, is_training):
    name_to_features = {"input_ids": tf.FixedLenFeature([SEQ_LENGTH], tf.int64),
                        "label_ids": tf.FixedLenFeature([], tf.int64)}

    def decode(record):
        example = tf.parse_single_example(record, name_to_features)
        return {name: tf.to_int32(t) for name, t in example.items()}

    def input_fn(params):
        batch_size = params["batch_size"]
        seen_batch_sizes.append(("input_fn", batch_size))
        d = tf.data.Dataset.from_tensor_slices(tf.constant(files))
        if is_training:
            d = d.repeat()
        # sloppy=False: the records come in the same order in every run
        d = d.apply(tf.contrib.data.parallel_interleave(tf.data.TFRecordDataset, sloppy=False, cycle_length=2))
        d = d.apply(tf.contrib.data.map_and_batch(decode, batch_size=batch_size, drop_remainder=is_training))
        return d

    return input_fn


def encoder(input_ids, is_training):
    with tf.variable_scope("bert"):
        with tf.variable_scope("embeddings"):
            table = tf.get_variable("word_embeddings", [VOCAB, HIDDEN],
                                    initializer=tf.truncated_normal_initializer(stddev=0.5))
            positions = tf.get_variable("position_embeddings", [SEQ_LENGTH, HIDDEN],
                                        initializer=tf.truncated_normal_initializer(stddev=0.5))
            x = tf.nn.embedding_lookup(table, input_ids) + positions
            x = tf.contrib.layers.layer_norm(x, begin_norm_axis=-1, begin_params_axis=-1)
        with tf.variable_scope("encoder/layer_0"):
            q = tf.layers.dense(x, HIDDEN, name="query")
            k = tf.layers.dense(x, HIDDEN, name="key")
            v = tf.layers.dense(x, HIDDEN, name="value")
            scores = tf.matmul(q, k, transpose_b=True) / np.sqrt(HIDDEN)
            attended = tf.matmul(tf.nn.softmax(scores), v)
            if is_training:
                attended = tf.nn.dropout(attended, keep_prob=0.9)
            x = tf.contrib.layers.layer_norm(x + attended, begin_norm_axis=-1, begin_params_axis=-1)
        return tf.layers.dense(x[:, 0], HIDDEN, activation=tf.tanh, name="pooler")


def model_fn_builder(learning_rate, init_checkpoint, use_tpu):
    def model_fn(features, labels, mode, params):
        seen_batch_sizes.append((mode, params.get("batch_size"), params["use_tpu"]))
        is_training = mode == tf_estimator.ModeKeys.TRAIN
        pooled = encoder(features["input_ids"], is_training)
        logits = tf.layers.dense(pooled, 2, name="output")
        labels = features["label_ids"]
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        scaffold_fn = None
        if init_checkpoint:
            assignment = {name: name for name, _ in tf.train.list_variables(init_checkpoint)
                          if name != "global_step" and not name.endswith(("/Adam", "/Adam_1"))
                          and not name.startswith("beta")}

            def scaffold_fn():
                tf.train.init_from_checkpoint(init_checkpoint, assignment)
                return tf.train.Scaffold()

        if mode == tf_estimator.ModeKeys.TRAIN:
            optimizer = tf.train.AdamOptimizer(learning_rate)
            if use_tpu:
                optimizer = tf.contrib.tpu.CrossShardOptimizer(optimizer)
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
            return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op, scaffold_fn=scaffold_fn)
        if mode == tf_estimator.ModeKeys.EVAL:
            def metric_fn(label_ids, logits):
                predicted = tf.argmax(logits, axis=-1, output_type=tf.int32)
                return {"eval_accuracy": tf.metrics.accuracy(label_ids, predicted)}

            return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, eval_metrics=(metric_fn, [labels, logits]),
                                                   scaffold_fn=scaffold_fn)
        return tf.contrib.tpu.TPUEstimatorSpec(
            mode, predictions={"probabilities": tf.nn.softmax(logits), "label_ids": labels}, scaffold_fn=scaffold_fn)

    return model_fn


def make_estimator(model_dir, init_checkpoint=None):
    tpu_cluster_resolver = None
    if FLAGS.use_tpu and FLAGS.tpu_name:
        tpu_cluster_resolver = contrib_cluster_resolver.TPUClusterResolver(FLAGS.tpu_name)
    run_config = tf.contrib.tpu.RunConfig(
        cluster=tpu_cluster_resolver, model_dir=model_dir, save_checkpoints_steps=40, tf_random_seed=7,
        tpu_config=tf.contrib.tpu.TPUConfig(iterations_per_loop=40, num_shards=8,
                                            per_host_input_for_training=tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2))
    return tf.contrib.tpu.TPUEstimator(
        use_tpu=FLAGS.use_tpu, model_fn=model_fn_builder(1e-2, init_checkpoint, FLAGS.use_tpu), config=run_config,
        train_batch_size=FLAGS.train_batch_size, eval_batch_size=FLAGS.eval_batch_size,
        predict_batch_size=FLAGS.predict_batch_size)


seen_batch_sizes = []


def main(_):
    rng = np.random.RandomState(0)
    folder = FLAGS.output_dir or tempfile.mkdtemp(prefix="tpu-bert-")
    train_files = write_tfrecords(*make_examples(rng, 256), prefix=os.path.join(folder, "train"))
    eval_ids, eval_labels = make_examples(rng, 64)
    eval_files = write_tfrecords(eval_ids, eval_labels, prefix=os.path.join(folder, "eval"))

    estimator = make_estimator(os.path.join(folder, "pretrain"))
    estimator.train(input_fn_builder(train_files, True), max_steps=FLAGS.train_steps)
    result = estimator.evaluate(input_fn_builder(eval_files, False))
    print("eval", " ".join("%s=%s" % (key, result[key]) for key in sorted(result)))
    predictions = list(estimator.predict(input_fn_builder(eval_files, False)))
    predicted = np.array([p["probabilities"].argmax() for p in predictions])
    truth = np.array([p["label_ids"] for p in predictions])
    print("predicted", len(predictions), "accuracy", (predicted == truth).mean())
    print("variables", " ".join(estimator.get_variable_names()))
    print("batch_sizes", " ".join("%s:%s" % (entry[0], entry[1]) for entry in seen_batch_sizes))
    print("use_tpu_params", sorted(set(entry[2] for entry in seen_batch_sizes if len(entry) == 3)))

    # Fine-tuning's start: a new TPUEstimator loads the checkpoint through scaffold_fn.
    finetune = make_estimator(os.path.join(folder, "finetune"),
                              init_checkpoint=estimator.latest_checkpoint())
    again = finetune.evaluate(input_fn_builder(eval_files, False))
    print("from_checkpoint", " ".join("%s=%s" % (key, again[key]) for key in sorted(again)))


if __name__ == "__main__":
    tf.app.run()
