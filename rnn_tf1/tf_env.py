"""Environment TensorFlow must see before it is first imported.

On TensorFlow 2.16+ (Keras 3) `tf.compat.v1.nn.rnn_cell.BasicLSTMCell` exists
only through the `tf-keras` package and `TF_USE_LEGACY_KERAS=1`, read once at
TensorFlow's first import.  Every entry point imports this module first.
"""
import os
import sys

IMPORTED_TOO_EARLY = "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1"

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ info/warnings (CUDA probing) off; errors stay

# TensorFlow's C++ start-up lines that mean nothing without a GPU (cuInit, oneDNN, CUDA drivers) are
# dropped from stderr during its first import; every other line passes (startup_noise.py).
from rnn_tf1 import startup_noise  # noqa: E402

startup_noise.quiet_first_import()
