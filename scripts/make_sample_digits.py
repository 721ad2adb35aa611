"""Draw the sample digit images shipped in rnn_tf1/data/samples/ (used by the README and tests).

Three digits in the three shapes a user's image may come in: 28x28 white on black
(MNIST's own form), 64x64 and 112x112 dark on light (a drawing or a photo of paper).
Run: .venv/bin/python scripts/make_sample_digits.py
"""
import io
import os

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "rnn_tf1", "data", "samples")
SAMPLES = [("2", 64, "dark-on-light"), ("3", 112, "dark-on-light"), ("7", 28, "light-on-dark")]


def draw(digit: str, size: int, polarity: str) -> Image.Image:
    """A digit in bold sans-serif, rendered large and downsampled (anti-aliased like a scan)."""
    big = 224
    fig = Figure(figsize=(big / 100, big / 100), dpi=100)
    fig.patch.set_facecolor("black")
    fig.text(0.5, 0.46, digit, ha="center", va="center", fontsize=120, fontweight="bold",
             color="white", family="DejaVu Sans")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="black")
    rendered = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    if size == 28:  # MNIST form: cropped to the ink, 20 px tall, centred by mass in 28x28
        import rnn_tf1  # noqa: F401
        from rnn_tf1.images import prepare_image
        frame = prepare_image(np.asarray(rendered, dtype=np.float32) / 255.0)
        image = Image.fromarray((frame * 255).round().astype(np.uint8))
    else:
        image = rendered.resize((size, size), Image.LANCZOS)
    if polarity == "dark-on-light":
        image = Image.fromarray(255 - np.asarray(image))
    return image


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for digit, size, polarity in SAMPLES:
        path = os.path.join(OUT, f"digit_{digit}.png")
        draw(digit, size, polarity).save(path, optimize=True)
        print(path)
