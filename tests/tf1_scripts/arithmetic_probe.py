"""Prints the kernel-choosing variables this process started with, a line each (NAME=VALUE, or
NAME unset), then runs one matmul in its own Session.  Written for rnn_tf1's tests of the one
arithmetic (tests/test_one_arithmetic.py)."""
import os

import tensorflow as tf

for name in ("ONEDNN_MAX_CPU_ISA", "TF_ENABLE_ONEDNN_OPTS", "NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE"):
    print(f"{name}={os.environ[name]}" if name in os.environ else f"{name} unset")
with tf.Session() as sess:
    print(sess.run(tf.matmul(tf.ones([2, 3]), tf.ones([3, 2])))[0, 0])
