import tensorflow as tf

from .train import main

tf.app.run(main)
