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


MAX_PIXELS = 50_000_000  # larger images are refused before decoding (a 30000x30000 PNG fits in 100 KB)
WORK_SIDE = 1024         # larger images are reduced to this longer side before preparation (a digit needs 20)
FORMATS = ("PNG", "JPEG")  # JPEG's opener also returns MPO, the multi-picture JPEG many phones write


def load_image(path: str) -> np.ndarray:
    """A PNG or JPEG file -> 28x28 float32 in [0, 1], prepared like an MNIST digit."""
    return prepare_image(read_grayscale(path), path)


def read_grayscale(path: str) -> np.ndarray:
    """A PNG or JPEG file as a viewer shows it, in grayscale float32 [0, 1] (longer side <= WORK_SIDE).

    The size is checked against MAX_PIXELS from the header, before any pixel is decoded; a JPEG
    is decoded at a reduced scale when that still gives WORK_SIDE pixels; the EXIF orientation
    is applied; 16-bit and other modes are scaled by their own range (not clipped); an alpha
    channel is composited onto the paper (transparent = paper: white behind dark ink, black
    behind light ink), as a viewer shows a drawing on a transparent background.
    """
    import struct
    from PIL import Image, ImageOps, UnidentifiedImageError
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # the limit is ours (MAX_PIXELS), checked with the size in the message
    try:
        with Image.open(path, formats=FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UsageError(f"{path}: {width}x{height} pixels ({width * height / 1e6:.0f} megapixels) is "
                                 f"more than the {MAX_PIXELS / 1e6:.0f}-megapixel limit for a digit image; "
                                 "scale it down first")
            if max(width, height) > WORK_SIDE and image.format in ("JPEG", "MPO"):
                scale = WORK_SIDE / max(width, height)  # the decoder picks 1/2, 1/4 or 1/8, never below this
                image.draft(image.mode, (max(1, int(width * scale + 1)), max(1, int(height * scale + 1))))
            image.load()
            upright = ImageOps.exif_transpose(image)
            gray = _grayscale(upright if upright is not None else image)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not an image") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error,
            Image.DecompressionBombError) as exc:
        raise UsageError(f"{path}: not a readable PNG or JPEG image ({type(exc).__name__})") from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    return gray


SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N")


def _grayscale(image) -> np.ndarray:
    """Any Pillow mode -> (H, W) float32 in [0, 1], alpha composited onto the paper; longer side <= WORK_SIDE."""
    if image.mode in SIXTEEN_BIT or image.mode in ("I", "F"):
        if image.mode in SIXTEEN_BIT:
            top = 65535.0                      # scaled by the format's range, not clipped at 255
        else:                                  # 32-bit modes: 8- or 16-bit data widened by the decoder
            top = 255.0 if image.getextrema()[1] <= 255 else 65535.0
        image = image.convert("F")
        if max(image.size) > WORK_SIDE:
            image = image.reduce(-(-max(image.size) // WORK_SIDE))
        return np.clip(np.asarray(image, dtype=np.float32) / np.float32(top), 0.0, 1.0)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "L")  # palette, 1-bit, RGB, CMYK, YCbCr ...
    if max(image.size) > WORK_SIDE:
        image = image.reduce(-(-max(image.size) // WORK_SIDE))  # box-average whole blocks: every pixel counts
    if not has_alpha:
        return np.asarray(image, dtype=np.float32) / np.float32(255.0)
    alpha = np.asarray(image.getchannel("A"), dtype=np.float32) / np.float32(255.0)
    gray = np.asarray(image.convert("RGB").convert("L"), dtype=np.float32) / np.float32(255.0)
    if alpha.sum() == 0:
        return np.ones(alpha.shape, np.float32)  # all transparent: paper only (reported as blank)
    ink = float((gray * alpha).sum() / alpha.sum())  # the mean shade of what is drawn
    paper = np.float32(1.0 if ink < 0.5 else 0.0)   # dark ink on white paper, light ink on black
    return gray * alpha + paper * (np.float32(1.0) - alpha)


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
