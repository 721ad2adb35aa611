# A Python-2 char-RNN in the style of 2016: print statements, xrange, integer division feeding
# range, dict.iteritems, a sibling Python-2 module, TF 1.x's graph API.
import sys
import numpy as np
import tensorflow as tf
from textdata import TextLoader

text = "hello world, hello tensorflow. " * 4
loader = TextLoader(text, 2, 5)
vocab_size = len(loader.vocab)
steps = len(text) / 10                      # 12: Python 2 floors
print "vocab", vocab_size, "steps", steps, "half", steps / 5
assert range(steps / 5) == [0, 1]

x = tf.placeholder(tf.int32, [None, 5])
emb = tf.get_variable("emb", [vocab_size, 8])
cell = tf.contrib.rnn.BasicLSTMCell(8)
outputs, _ = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(emb, x), dtype=tf.float32)
logits = tf.layers.dense(tf.reshape(outputs, [-1, 8]), vocab_size)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=tf.reshape(x, [-1]), logits=logits))
train = tf.train.AdamOptimizer(0.01).minimize(loss)

batch = np.array(loader.data[:10]).reshape(2, 5)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in xrange(3):
        l, _ = sess.run([loss, train], {x: batch})
        print "step", step, "loss", float(l)
    for char, index in sorted(loader.vocab.iteritems())[:2]:
        print `char`, index,
    print
print >>sys.stderr, "done"
