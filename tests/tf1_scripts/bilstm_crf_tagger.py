"""A BiLSTM-CRF tagger written the TF 1.x way, for rnn_tf1's tests: tag toy sentences with BIO
chunks.  Words 3-5 start a chunk (B), words 6-8 continue one (I) only right after a B or an I
(otherwise they are O), the rest are O; sentences have 1 to 8 words.  Embedding ->
tf.nn.bidirectional_dynamic_rnn of two LSTMCells -> a dense layer -> tf.contrib.crf's
crf_log_likelihood (its `transitions` variable), trained with Adam; decoded in the graph with
crf_decode and in numpy with viterbi_decode; the checkpoint is restored into a new graph.
Prints the variable names, the loss every 10 steps, the held-out tag accuracy, whether the two
decoders agree, the learnt O->I and B->I transition scores, and whether the restored transitions
are the trained ones.
Usage: bilstm_crf_tagger.py [STEPS] [CHECKPOINT_DIR]"""
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.contrib.crf import crf_decode, crf_log_likelihood, viterbi_decode

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 60
ckpt_dir = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp()
VOCAB, TAGS, MAX_LEN, UNITS = 12, 3, 8, 16  # tags: 0 O, 1 B, 2 I
rng = np.random.RandomState(0)


def sentences(n):
    lengths = rng.randint(1, MAX_LEN + 1, size=n)
    lengths[0] = 1  # always one sentence of a single word
    words = np.zeros((n, MAX_LEN), np.int32)
    tags = np.zeros((n, MAX_LEN), np.int32)
    for i, length in enumerate(lengths):
        words[i, :length] = rng.randint(1, VOCAB, size=length)
        for t in range(length):
            w = words[i, t]
            if 3 <= w <= 5:
                tags[i, t] = 1
            elif 6 <= w <= 8 and t > 0 and tags[i, t - 1] in (1, 2):
                tags[i, t] = 2
    return words, tags, lengths.astype(np.int32)


def build():
    words = tf.placeholder(tf.int32, [None, None], name="words")
    tags = tf.placeholder(tf.int32, [None, None], name="tags")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    embedding = tf.get_variable("embedding", [VOCAB, 8])
    inputs = tf.nn.embedding_lookup(embedding, words)
    with tf.variable_scope("bilstm"):
        (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(tf.contrib.rnn.LSTMCell(UNITS), tf.contrib.rnn.LSTMCell(UNITS),
                                                      inputs, sequence_length=lengths, dtype=tf.float32)
    logits = tf.layers.dense(tf.concat([fw, bw], -1), TAGS, name="proj")
    with tf.variable_scope("crf"):
        log_likelihood, transitions = crf_log_likelihood(logits, tags, lengths)
    loss = tf.reduce_mean(-log_likelihood)
    decoded, _ = crf_decode(logits, transitions, lengths)
    return words, tags, lengths, logits, transitions, loss, decoded


words, tags, lengths, logits, transitions, loss, decoded = build()
train_op = tf.train.AdamOptimizer(0.05).minimize(loss)
print(" ".join(v.name for v in tf.trainable_variables()))
saver = tf.train.Saver()
test_words, test_tags, test_lengths = sentences(40)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, steps + 1):
        w, t, n = sentences(32)
        _, value = sess.run([train_op, loss], {words: w, tags: t, lengths: n})
        if step % 10 == 0:
            print("step %d loss %.4f" % (step, value))
    feed = {words: test_words, lengths: test_lengths}
    graph_tags, scores, trained = sess.run([decoded, logits, transitions], feed)
    saver.save(sess, os.path.join(ckpt_dir, "tagger"))

agree, right, total = True, 0, 0
for i, n in enumerate(test_lengths):
    numpy_tags, _ = viterbi_decode(scores[i, :n], trained)
    agree &= list(numpy_tags) == list(graph_tags[i, :n])
    right += int((graph_tags[i, :n] == test_tags[i, :n]).sum())
    total += int(n)
print("accuracy %.4f" % (right / total))
print("decoders agree %s" % agree)
print("transition O->I %.3f B->I %.3f" % (trained[0, 2], trained[1, 2]))

with tf.Graph().as_default():
    restored = build()[4]
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, os.path.join(ckpt_dir, "tagger"))
        print("restored %s %s" % (restored.name, np.array_equal(sess.run(restored), trained)))
