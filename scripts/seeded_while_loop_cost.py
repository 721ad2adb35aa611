"""What `rnn-tf1 run --seed` costs a while loop: one iteration at a time (rnn_tf1/tf1/seeding.py)
against TensorFlow's parallel iterations, on the tutorial's shape (batch 128, 28 steps of 28
inputs, 128 LSTM units) through tf.nn.dynamic_rnn with a DropoutWrapper, trained by Adam.

    python scripts/seeded_while_loop_cost.py [STEPS]      # prints ms per step of both and the ratio

Each variant runs in its own process (the patch is process-wide), alternating, three times each;
the medians count."""
import statistics
import subprocess
import sys
import time

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300

WORKER = r'''
import sys, time
import numpy as np
import rnn_tf1
from rnn_tf1.tf1 import install, seeding
if sys.argv[1] == "parallel":
    seeding._one_iteration_at_a_time = lambda: None
tf = install(seed=0)
x = tf.placeholder(tf.float32, [None, 28, 28]); y = tf.placeholder(tf.int64, [None])
cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(128), input_keep_prob=0.9)
outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
logits = tf.layers.dense(outputs[:, -1], 10)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train = tf.train.AdamOptimizer(0.001).minimize(loss)
data = np.random.RandomState(0).rand(128, 28, 28).astype(np.float32); labels = np.arange(128) % 10
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(20):
        sess.run(train, {x: data, y: labels})
    start = time.perf_counter()
    for _ in range(int(sys.argv[2])):
        sess.run(train, {x: data, y: labels})
    print(1000 * (time.perf_counter() - start) / int(sys.argv[2]))
'''


def main() -> None:
    times = {"sequential": [], "parallel": []}
    for _ in range(3):
        for variant in times:
            out = subprocess.run([sys.executable, "-c", WORKER, variant, str(STEPS)], capture_output=True,
                                 text=True, check=True)
            times[variant].append(float(out.stdout.split()[-1]))
    medians = {k: statistics.median(v) for k, v in times.items()}
    for variant, values in times.items():
        print(f"{variant:10s} {medians[variant]:.2f} ms per step (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"ratio sequential / parallel: {medians['sequential'] / medians['parallel']:.3f}")


if __name__ == "__main__":
    main()
