"""Reaches a TF1 name rnn-tf1 does not provide, from a module of the package (not __main__)."""
import tensorflow as tf

from .data import make_data


def decode(path):
    return tf.contrib.ffmpeg.decode_audio(tf.read_file(path), file_format="wav", samples_per_second=16000,
                                          channel_count=1)


if __name__ == "__main__":
    from tinyreg import legacy  # the package's module, as a project's entry point calls its own code
    print("data", make_data(2, seed=0)[0].shape)
    legacy.decode("a.wav")
