"""rnn_tf1: the classic TF1 MNIST LSTM tutorial, runnable on current TensorFlow via tf.compat.v1."""
from rnn_tf1 import tf_env  # noqa: F401  (must run before TensorFlow is imported)
from rnn_tf1.config import Config, tiny_config  # noqa: E402

__version__ = "0.2.0"
__all__ = ["Config", "tiny_config", "__version__"]
