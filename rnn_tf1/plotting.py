"""The tutorial's chart, and the overlay of a run on the tutorial's log.

Figures are built with matplotlib's object API (no pyplot state, no backend,
no window), so they render headless and leave a notebook's backend alone;
`show_figure` opens a window only when asked.
"""
from __future__ import annotations

import io
import os
from typing import Sequence

import matplotlib
from matplotlib.figure import Figure  # renders to PNG without any backend or display

TUTORIAL_LABEL = "RNN Training phase"


def tutorial_chart(steps: Sequence[int], accuracies: Sequence[float]) -> Figure:
    """plot(epoch_set, avg_set, 'o', label='RNN Training phase'), with epoch_set = step + 1."""
    fig = Figure(figsize=(6.4, 4.8), dpi=80)
    ax = fig.add_subplot()
    epoch_set = [step + 1 for step in steps]
    ax.plot(epoch_set, list(accuracies), "o", label=TUTORIAL_LABEL)
    ax.set_ylabel("accuracy")
    ax.set_xlabel("epoch")
    ax.legend()
    return fig


def overlay_chart(reference, run, band=None, reference_label="tutorial", run_label="this run") -> Figure:
    """Loss and accuracy against step: reference and run points, and the seed band if given.

    `reference` and `run` are sequences of (step, loss, accuracy); `band` a SeedBand.
    """
    fig = Figure(figsize=(10, 4), dpi=80)
    for column, (index, name) in enumerate(((1, "minibatch loss"), (2, "training accuracy"))):
        ax = fig.add_subplot(1, 2, column + 1)
        if band is not None:
            stats = band.loss if index == 1 else band.accuracy
            ax.fill_between(band.steps, stats["min"], stats["max"], color="0.85",
                            label=f"seed band ({len(band.seeds)} seeds, min-max)")
        ax.plot([p[0] for p in reference], [p[index] for p in reference], "o-", ms=3, lw=1,
                label=reference_label)
        ax.plot([p[0] for p in run], [p[index] for p in run], "s-", ms=3, lw=1, label=run_label)
        ax.set_xlabel("step")
        ax.set_ylabel(name)
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def save_png(fig: Figure, path: str, colors: int = 64) -> str:
    """Write `fig` as a palette PNG via a temporary file and a rename; returns `path`.

    A line chart needs few colours: a 64-colour palette keeps it sharp at a third of the size.
    """
    tmp = path + ".tmp.png"
    with open(tmp, "wb") as fh:
        fh.write(to_png(fig, colors))
    os.replace(tmp, path)
    return path


def to_png(fig: Figure, colors: int = 64) -> bytes:
    """`fig` as palette-PNG bytes (for files, or for display in a notebook)."""
    from PIL import Image  # Pillow comes with matplotlib

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(out, format="png", optimize=True)
    return out.getvalue()


def show_figure(fig: Figure) -> None:  # pragma: no cover - needs a display
    """Open `fig` in a window (pyplot with the platform's interactive backend)."""
    import matplotlib.pyplot as plt

    plt.switch_backend(matplotlib.rcParamsDefault["backend"])
    manager = plt.figure().canvas.manager
    manager.canvas.figure = fig
    fig.set_canvas(manager.canvas)
    plt.show()
