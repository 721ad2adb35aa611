"""A hello-RNN written the TF1-course way (one-hot characters, an LSTM through dynamic_rnn,
contrib.layers.fully_connected on its outputs, contrib.seq2seq.sequence_loss), for rnn_tf1's tests
of `rnn-tf1 run`.  Written for this project; the first argument, if any, is the number of steps."""
import sys

import numpy as np
import tensorflow as tf

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 50
idx2char = ["h", "i", "e", "l", "o"]
x_data = [[0, 1, 0, 2, 3, 3]]   # "hihell"
y_data = [[1, 0, 2, 3, 3, 4]]   # "ihello"
num_classes, hidden_size, batch_size, sequence_length = 5, 5, 1, 6

X = tf.placeholder(tf.int32, [None, sequence_length])
Y = tf.placeholder(tf.int32, [None, sequence_length])
x_one_hot = tf.one_hot(X, num_classes)  # (batch, 6) -> (batch, 6, 5)

cell = tf.contrib.rnn.BasicLSTMCell(num_units=hidden_size, state_is_tuple=True)
initial_state = cell.zero_state(batch_size, tf.float32)
outputs, _states = tf.nn.dynamic_rnn(cell, x_one_hot, initial_state=initial_state, dtype=tf.float32)

X_for_fc = tf.reshape(outputs, [-1, hidden_size])  # (batch * 6, hidden)
outputs = tf.contrib.layers.fully_connected(inputs=X_for_fc, num_outputs=num_classes, activation_fn=None)
outputs = tf.reshape(outputs, [batch_size, sequence_length, num_classes])

weights = tf.ones([batch_size, sequence_length])
sequence_loss = tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y, weights=weights)
loss = tf.reduce_mean(sequence_loss)
train = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
prediction = tf.argmax(outputs, axis=2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(" ".join(v.op.name for v in tf.trainable_variables()))
    for i in range(steps):
        l, _ = sess.run([loss, train], feed_dict={X: x_data, Y: y_data})
        result = sess.run(prediction, feed_dict={X: x_data})
        if i % 10 == 0 or i == steps - 1:
            print(i, "loss: %.6f" % l, "prediction:", "".join(idx2char[c] for c in np.squeeze(result)))
