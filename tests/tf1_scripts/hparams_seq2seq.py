"""An HParams-configured seq2seq trainer written the TF 1.x way (NMT-style), for rnn_tf1's tests:
learn to copy a sequence of digits.  The configuration is a tf.contrib.training.HParams, overridden
from the command line (`--hparams "learning_rate=0.05,num_units=[16,16]"`) and saved to / read back
from hparams.json; tf.contrib.framework gives the global step, `nest` over the encoder state and
the checkpoint readers (list_variables, load_checkpoint).  Encoder: a MultiRNNCell of GRUs through
tf.nn.dynamic_rnn; decoder: tf.contrib.seq2seq's TrainingHelper / GreedyEmbeddingHelper.
Prints the hyperparameters, the loss every 10 steps, the checkpoint's variables and greedy decodings.
Usage: hparams_seq2seq.py [--hparams NAME=VALUE,...] [--out DIR]"""
import argparse
import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.contrib.training import HParams
from tensorflow.contrib.training.python.training import hparam as hparam_lib

GO, EOS, FIRST_DIGIT = 1, 2, 3


def default_hparams():
    return HParams(num_units=[24], digits=5, length=4, batch_size=32, learning_rate=0.02, train_steps=60,
                   optimizer="adam", embedding_size=12, clip_gradients=True)


parser = argparse.ArgumentParser()
parser.add_argument("--hparams", default="", help='comma-separated "name=value" pairs')
parser.add_argument("--out", default=None, help="folder for hparams.json and the checkpoint (default: a new one)")
args = parser.parse_args()
hparams = default_hparams().parse(args.hparams)
out = args.out or tempfile.mkdtemp(prefix="hparams-seq2seq-")
with open(os.path.join(out, "hparams.json"), "w") as f:
    f.write(hparams.to_json(indent=1, sort_keys=True))
with open(os.path.join(out, "hparams.json")) as f:
    reread = default_hparams().parse_json(f.read())
print("hparams:", hparams.to_json(sort_keys=True))
print("hparams.json read back the same:", reread.values() == hparams.values())
print("parse_values:", hparam_lib.parse_values("length=6,num_units=[8,8]", {"length": int, "num_units": int}))

vocab = FIRST_DIGIT + hparams.digits
rng = np.random.RandomState(0)


def batch(n):
    source = rng.randint(FIRST_DIGIT, vocab, size=(n, hparams.length))
    target = np.concatenate([source, np.full((n, 1), EOS)], 1)  # the same digits, then EOS
    decoder_in = np.concatenate([np.full((n, 1), GO), source], 1)  # GO, then the digits
    return source, decoder_in, target


def make_cell():
    return tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(units) for units in hparams.num_units])


source = tf.placeholder(tf.int32, [None, hparams.length])
decoder_in = tf.placeholder(tf.int32, [None, hparams.length + 1])
target = tf.placeholder(tf.int32, [None, hparams.length + 1])
size = tf.shape(source)[0]
global_step = tf.contrib.framework.get_or_create_global_step()
embedding = tf.get_variable("embedding", [vocab, hparams.embedding_size])
with tf.variable_scope("encoder"):
    _, encoder_state = tf.nn.dynamic_rnn(make_cell(), tf.nn.embedding_lookup(embedding, source), dtype=tf.float32)
# as NMT code does with its states: one function over every tensor of the nested state
encoder_state = tf.contrib.framework.nest.map_structure(tf.identity, encoder_state)
assert tf.contrib.framework.nest.is_sequence(encoder_state)

with tf.variable_scope("decoder") as decoder_scope:
    decoder_cell = make_cell()
    projection = tf.layers.Dense(vocab, name="output_projection")
    lengths = tf.fill([size], hparams.length + 1)
    helper = tf.contrib.seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, decoder_in), lengths)
    decoder = tf.contrib.seq2seq.BasicDecoder(decoder_cell, helper, encoder_state, output_layer=projection)
    outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(decoder, scope=decoder_scope)
loss = tf.contrib.seq2seq.sequence_loss(outputs.rnn_output, target, tf.ones([size, hparams.length + 1]))
optimizer = {"adam": tf.train.AdamOptimizer, "sgd": tf.train.GradientDescentOptimizer}[hparams.optimizer]
gradients, variables = zip(*optimizer(hparams.learning_rate).compute_gradients(loss))
if hparams.clip_gradients:
    gradients, _ = tf.clip_by_global_norm(gradients, 5.0)
train = optimizer(hparams.learning_rate).apply_gradients(zip(gradients, variables), global_step=global_step)

with tf.variable_scope(decoder_scope, reuse=True):
    greedy_helper = tf.contrib.seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([size], GO), EOS)
    greedy = tf.contrib.seq2seq.BasicDecoder(decoder_cell, greedy_helper, encoder_state, output_layer=projection)
    greedy_out, _, _ = tf.contrib.seq2seq.dynamic_decode(greedy, maximum_iterations=2 * hparams.length,
                                                         scope=decoder_scope)

saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(hparams.train_steps):
        s, d, t = batch(hparams.batch_size)
        value, _, step = sess.run([loss, train, global_step], {source: s, decoder_in: d, target: t})
        if step % 10 == 0:
            print("step %d loss %.4f" % (step, value))
    path = saver.save(sess, os.path.join(out, "model.ckpt"), global_step=global_step)
    for name, shape in tf.contrib.framework.list_variables(path):
        if "Adam" not in name and "beta" not in name:
            print("checkpoint:", name, shape)
    reader = tf.contrib.framework.load_checkpoint(path)
    print("checkpoint embedding equals the session's:",
          np.array_equal(reader.get_tensor("embedding"), sess.run(embedding)))
    s, _, _ = batch(3)
    decoded = sess.run(greedy_out.sample_id, {source: s})
    for row, result in zip(s, decoded):
        print("source", " ".join(map(str, row)), "| greedy", " ".join(map(str, result)))
