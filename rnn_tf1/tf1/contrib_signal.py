"""`tensorflow.contrib.signal`: TF 1.x's signal processing (STFT, framing, windows, mel
filterbanks, MFCCs), which moved to `tf.signal` in TF 1.13; TF 1.15's contrib.signal gave the same
functions, with the same signatures and defaults, that `tf.compat.v1.signal` has today.

TF 2: `tf.signal.stft`, `tf.signal.inverse_stft`, `tf.signal.linear_to_mel_weight_matrix`, ...
"""
from __future__ import annotations

from typing import Any

# TF 1.15's tf.contrib.signal names (its __all__).
NAMES = ("frame", "hamming_window", "hann_window", "inverse_stft", "inverse_stft_window_fn",
         "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms", "overlap_and_add", "stft")


def names(env) -> dict[str, Any]:
    return {name: getattr(env.tf1.signal, name) for name in NAMES}
