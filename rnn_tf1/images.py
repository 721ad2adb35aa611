"""New digit images prepared the way MNIST digits were, and a picture grid of predictions.

No TensorFlow here: images are read and checked before any model is loaded, so a
bad image is reported at once.
"""
from __future__ import annotations

import numpy as np

from rnn_tf1.errors import UsageError

MIN_SIDE = 8  # pixels: smaller images cannot hold a recognisable digit


def prepare_image(pixels: np.ndarray, name: str = "image") -> np.ndarray:
    """A grayscale image in [0, 1] (any size >= 8x8) -> 28x28 float32, white digit on black.

    As MNIST was made: a dark-on-light image (judged by its border) is inverted; a
    28x28 image is then used as it is; any other size is cropped to its ink,
    scaled so the longer side is 20 pixels (aspect kept) and placed in a 28x28
    frame with its centre of mass at the centre.
    """
    if pixels.ndim != 2 or min(pixels.shape) < MIN_SIDE:
        raise UsageError(f"{name}: {pixels.shape[1] if pixels.ndim == 2 else '?'}x{pixels.shape[0]} "
                         f"pixels is too small for a digit (needs at least {MIN_SIDE}x{MIN_SIDE})")
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    if border.mean() > 0.5:
        pixels = 1.0 - pixels  # dark digit on light paper -> MNIST's white on black
    ink = pixels > 0.1 * pixels.max() if pixels.max() > 0 else np.zeros_like(pixels, bool)
    if pixels.max() < 0.2 or not ink.any():
        raise UsageError(f"{name}: the image is blank (no digit found)")
    if pixels.shape == (28, 28):
        return pixels.astype(np.float32)
    from PIL import Image
    rows, cols = np.where(ink)
    crop = pixels[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = 20.0 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize(size, Image.LANCZOS),
                       dtype=np.float32) / 255.0
    frame = np.zeros((28, 28), dtype=np.float32)
    total = small.sum()
    cy, cx = ((np.indices(small.shape) * small).reshape(2, -1).sum(1) / total) if total else (0, 0)
    top = int(np.clip(round(14 - cy), 0, 28 - small.shape[0]))
    left = int(np.clip(round(14 - cx), 0, 28 - small.shape[1]))
    frame[top:top + small.shape[0], left:left + small.shape[1]] = small
    return np.clip(frame, 0.0, 1.0)


def load_image(path: str) -> np.ndarray:
    """A PNG or JPEG file -> 28x28 float32 in [0, 1], prepared like an MNIST digit."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as image:
            gray = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable PNG or JPEG image ({type(exc).__name__})") from None
    return prepare_image(gray, path)


def prediction_grid(images: np.ndarray, probs: np.ndarray | None, titles: list[str]):
    """The inputs as the network sees them, titled; with `probs`, each with its predicted digit
    and that digit's probability."""
    from matplotlib.figure import Figure
    n = len(images)
    cols = min(n, 6)
    rows = (n + cols - 1) // cols
    fig = Figure(figsize=(1.6 * cols, 1.9 * rows), dpi=80)
    for i, (image, title) in enumerate(zip(images, titles)):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.imshow(image.reshape(28, 28), cmap="gray", vmin=0, vmax=1)
        if probs is not None:
            title += f"\n-> {probs[i].argmax()} ({probs[i].max():.2f})"
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    fig.tight_layout()
    return fig
