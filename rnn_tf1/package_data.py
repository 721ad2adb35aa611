"""Files shipped inside the package, in rnn_tf1/data/: one place that knows where they are."""
from __future__ import annotations

from importlib import resources


def path(name: str) -> str:
    """The path of the shipped file or folder `name` (e.g. "seed_band_gd.json")."""
    return str(resources.files("rnn_tf1") / "data" / name)


REFERENCE_LOG = path("reference_gd.log")  # the tutorial's published output (GD, 10000 steps), see README
SAMPLES_DIR = path("samples")             # hand-drawn-style digit PNGs for `predict` (scripts/make_sample_digits.py)
