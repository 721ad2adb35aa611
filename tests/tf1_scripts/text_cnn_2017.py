"""A sentence classifier written as 2017's TF 1.x text CNNs were, for rnn_tf1's tests: TF 1.0-1.4's
flags (`FLAGS._parse_flags()`, the parameters printed from `FLAGS.__flags`),
tf.contrib.learn.preprocessing.VocabularyProcessor, a convolution over word embeddings with
several filter widths, max-pooling and dropout, trained on toy sentences (positive or negative
by their words) with batches from `np.array(list(zip(x, y)))`; then an evaluation the way such
projects' eval.py did it: the vocabulary restored from its file, the checkpoint from its meta graph.
Prints the parameters, the vocabulary size, the loss every 10 steps, the ids of two sentences
(one with an unknown word) and the accuracy of the restored model."""
import os

import numpy as np
import tensorflow as tf
from tensorflow.contrib import learn

tf.flags.DEFINE_integer("embedding_dim", 16, "Dimensionality of word embedding")
tf.flags.DEFINE_string("filter_sizes", "2,3", "Comma-separated filter sizes")
tf.flags.DEFINE_integer("num_filters", 8, "Number of filters per filter size")
tf.flags.DEFINE_float("dropout_keep_prob", 0.5, "Dropout keep probability")
tf.flags.DEFINE_integer("batch_size", 32, "Batch Size")
tf.flags.DEFINE_integer("num_steps", 40, "Training steps")
tf.flags.DEFINE_string("out_dir", "runs", "Where the vocabulary and checkpoints go")
tf.flags.DEFINE_boolean("allow_soft_placement", True, "Allow device soft device placement")

FLAGS = tf.flags.FLAGS
FLAGS._parse_flags()
print("\nParameters:")
for attr, value in sorted(FLAGS.__flags.items()):
    print("{}={}".format(attr.upper(), value))
print("")

rng = np.random.RandomState(1)
GOOD, BAD = ["good", "great", "fine", "superb"], ["bad", "awful", "poor", "dull"]
FILLER = ["the", "film", "was", "a", "plot", "very", "and", "story", "it's", "well-acted"]


def sentences(n):
    text, labels = [], []
    for _ in range(n):
        positive = rng.rand() < 0.5
        words = list(rng.choice(FILLER, size=rng.randint(3, 8)))
        words.insert(rng.randint(len(words) + 1), rng.choice(GOOD if positive else BAD))
        text.append(" ".join(words) + ".")
        labels.append([0, 1] if positive else [1, 0])
    return text, np.array(labels)


def batch_iter(data, batch_size):
    data = np.array(data)  # ragged (ids, label) pairs: numpy 1 made an object array of them
    while True:
        shuffled = data[rng.permutation(len(data))]
        for start in range(0, len(data) - batch_size + 1, batch_size):
            yield shuffled[start:start + batch_size]


x_text, y = sentences(400)
max_document_length = max(len(x.split(" ")) for x in x_text)
vocab_processor = learn.preprocessing.VocabularyProcessor(max_document_length)
x = np.array(list(vocab_processor.fit_transform(x_text)))
print("Vocabulary Size: {:d}".format(len(vocab_processor.vocabulary_)))

with tf.Graph().as_default():
    sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=FLAGS.allow_soft_placement))
    with sess.as_default():
        input_x = tf.placeholder(tf.int32, [None, x.shape[1]], name="input_x")
        input_y = tf.placeholder(tf.float32, [None, 2], name="input_y")
        keep_prob = tf.placeholder(tf.float32, name="dropout_keep_prob")
        with tf.name_scope("embedding"):
            W = tf.Variable(tf.random_uniform([len(vocab_processor.vocabulary_), FLAGS.embedding_dim], -1.0, 1.0),
                            name="W")
            embedded = tf.expand_dims(tf.nn.embedding_lookup(W, input_x), -1)
        pooled = []
        for size in map(int, FLAGS.filter_sizes.split(",")):
            with tf.name_scope("conv-maxpool-%s" % size):
                filt = tf.Variable(tf.truncated_normal([size, FLAGS.embedding_dim, 1, FLAGS.num_filters], stddev=0.1),
                                   name="W")
                b = tf.Variable(tf.constant(0.1, shape=[FLAGS.num_filters]), name="b")
                h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(embedded, filt, [1, 1, 1, 1], "VALID"), b))
                pooled.append(tf.nn.max_pool(h, [1, x.shape[1] - size + 1, 1, 1], [1, 1, 1, 1], "VALID"))
        features = tf.nn.dropout(tf.reshape(tf.concat(pooled, 3), [-1, FLAGS.num_filters * len(pooled)]), keep_prob)
        with tf.name_scope("output"):
            out_w = tf.get_variable("out_W", [FLAGS.num_filters * len(pooled), 2],
                                    initializer=tf.contrib.layers.xavier_initializer())
            scores = tf.nn.xw_plus_b(features, out_w, tf.Variable(tf.constant(0.1, shape=[2])), name="scores")
            predictions = tf.argmax(scores, 1, name="predictions")
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=scores, labels=input_y))
        global_step = tf.Variable(0, name="global_step", trainable=False)
        train_op = tf.train.AdamOptimizer(1e-2).minimize(loss, global_step=global_step)
        saver = tf.train.Saver()
        os.makedirs(FLAGS.out_dir, exist_ok=True)
        vocab_processor.save(os.path.join(FLAGS.out_dir, "vocab"))
        sess.run(tf.global_variables_initializer())
        batches = batch_iter(list(zip(x, y)), FLAGS.batch_size)
        for _ in range(FLAGS.num_steps):
            x_batch, y_batch = zip(*next(batches))
            _, step, value = sess.run([train_op, global_step, loss],
                                      {input_x: x_batch, input_y: y_batch, keep_prob: FLAGS.dropout_keep_prob})
            if step % 10 == 0:
                print("step {}, loss {:g}".format(step, value))
        path = saver.save(sess, os.path.join(FLAGS.out_dir, "model"), global_step=step)

# Evaluation, as eval.py did it: everything from the files.
test_text, test_y = sentences(100)
vocab_processor = learn.preprocessing.VocabularyProcessor.restore(os.path.join(FLAGS.out_dir, "vocab"))
print("ids", " ".join(map(str, next(vocab_processor.transform(["the film was superb."])))))
print("ids", " ".join(map(str, next(vocab_processor.transform(["a zzzunknown plot"])))))
x_test = np.array(list(vocab_processor.transform(test_text)))
with tf.Graph().as_default(), tf.Session() as sess:
    tf.train.import_meta_graph(path + ".meta").restore(sess, path)
    graph = tf.get_default_graph()
    found = sess.run(graph.get_operation_by_name("output/predictions").outputs[0],
                     {graph.get_operation_by_name("input_x").outputs[0]: x_test,
                      graph.get_operation_by_name("dropout_keep_prob").outputs[0]: 1.0})
print("Accuracy: {:g}".format(np.mean(found == np.argmax(test_y, 1))))
