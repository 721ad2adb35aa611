"""A character-level RNN language model written the TF1 way (for rnn_tf1's tests; written for this
project): embedding_lookup, tf.split into time steps, a MultiRNNCell of BasicLSTMCells,
legacy_seq2seq.rnn_decoder, softmax_w / softmax_b, sequence_loss_by_example, clipped gradients; the
model is saved, rebuilt for sampling (rnn_decoder's loop_function feeds each prediction back),
restored by name and sampled.  The first argument is the number of training steps."""
import os
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.contrib import legacy_seq2seq, rnn

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 40
text = "the quick brown fox jumps over a lazy dog " * 30
chars = sorted(set(text))
vocab = {c: i for i, c in enumerate(chars)}
data = np.array([vocab[c] for c in text], dtype=np.int32)
vocab_size, rnn_size, num_layers = len(chars), 32, 2


class Model:
    def __init__(self, batch_size, seq_length, sampling=False):
        cells = [rnn.BasicLSTMCell(rnn_size) for _ in range(num_layers)]
        self.cell = cell = rnn.MultiRNNCell(cells, state_is_tuple=True)
        self.input_data = tf.placeholder(tf.int32, [batch_size, seq_length])
        self.targets = tf.placeholder(tf.int32, [batch_size, seq_length])
        self.initial_state = cell.zero_state(batch_size, tf.float32)
        with tf.variable_scope("rnnlm"):
            softmax_w = tf.get_variable("softmax_w", [rnn_size, vocab_size])
            softmax_b = tf.get_variable("softmax_b", [vocab_size])
            embedding = tf.get_variable("embedding", [vocab_size, rnn_size])
            inputs = tf.split(tf.nn.embedding_lookup(embedding, self.input_data), seq_length, 1)
            inputs = [tf.squeeze(x, [1]) for x in inputs]

        def loop(prev, _):
            prev = tf.matmul(prev, softmax_w) + softmax_b
            prev_symbol = tf.stop_gradient(tf.argmax(prev, 1))
            return tf.nn.embedding_lookup(embedding, prev_symbol)

        outputs, self.final_state = legacy_seq2seq.rnn_decoder(
            inputs, self.initial_state, cell, loop_function=loop if sampling else None, scope="rnnlm")
        output = tf.reshape(tf.concat(outputs, 1), [-1, rnn_size])
        self.logits = tf.matmul(output, softmax_w) + softmax_b
        self.probs = tf.nn.softmax(self.logits)
        loss = legacy_seq2seq.sequence_loss_by_example(
            [self.logits], [tf.reshape(self.targets, [-1])], [tf.ones([batch_size * seq_length])])
        self.cost = tf.reduce_sum(loss) / batch_size / seq_length
        self.lr = tf.Variable(0.01, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), 5.0)
        self.train_op = tf.train.AdamOptimizer(self.lr).apply_gradients(zip(grads, tvars))


batch_size, seq_length = 8, 20
model = Model(batch_size, seq_length)
save_dir = tempfile.mkdtemp(prefix="char-rnn-")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(" ".join(v.op.name for v in tf.trainable_variables()))
    saver = tf.train.Saver(tf.global_variables())
    span = batch_size * seq_length
    state = sess.run(model.initial_state)
    for step in range(steps):
        start = (step * span) % (len(data) - span - 1)
        x = data[start:start + span].reshape(batch_size, seq_length)
        y = data[start + 1:start + span + 1].reshape(batch_size, seq_length)
        feed = {model.input_data: x, model.targets: y}
        for i, (c, h) in enumerate(model.initial_state):
            feed[c], feed[h] = state[i].c, state[i].h
        cost, state, _ = sess.run([model.cost, model.final_state, model.train_op], feed)
        print("loss %.4f" % cost)
    saver.save(sess, os.path.join(save_dir, "model.ckpt"))

tf.reset_default_graph()
sampler = Model(1, 60, sampling=True)
with tf.Session() as sess:
    tf.train.Saver(tf.global_variables()).restore(sess, os.path.join(save_dir, "model.ckpt"))
    prime = np.full((1, 60), vocab["t"], dtype=np.int32)   # only the first input is read: the rest is fed back
    probs = sess.run(sampler.probs, {sampler.input_data: prime})
    print("sample: " + "".join(chars[i] for i in probs.argmax(1)))
shutil.rmtree(save_dir)
