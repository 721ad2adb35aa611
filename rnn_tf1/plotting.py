"""The tutorial's chart, the overlay of a run on the tutorial's log, and the gradient charts.

Figures are built with matplotlib's object API (no pyplot state, no backend,
no window), so they render headless and leave a notebook's backend alone;
`show_figure` opens a window only when asked.
"""
from __future__ import annotations

import io
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


def grad_norm_chart(history, config) -> Figure:
    """The global gradient norm at every displayed step, log scale; the clip threshold if any.

    `history` is a sequence of rows with .step and .grad_norm.  Exploding gradients
    show as a climb of orders of magnitude, clipping as the norm pressing on the line.
    """
    fig = Figure(figsize=(6.4, 4.0), dpi=80)
    ax = fig.add_subplot()
    ax.plot([h.step for h in history], [h.grad_norm for h in history], "o-", ms=3, lw=1,
            label="global norm of the gradient (before clipping)")
    if config.clip_norm:
        ax.axhline(config.clip_norm, color="C3", ls="--", lw=1, label=f"clip_norm {config.clip_norm:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("gradient norm")
    ax.set_title(describe_model(config), fontsize="medium")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def describe_model(config) -> str:
    """A short label: cell, activation, optimizer and the gradient remedies in use."""
    parts = [config.cell if config.activation == "tanh" else f"{config.cell}/{config.activation}",
             config.optimizer]
    if config.clip_norm:
        parts.append(f"clip {config.clip_norm:g}")
    if config.bptt_truncate:
        parts.append(f"BPTT {config.bptt_truncate}")
    return ", ".join(parts)


def gradient_through_time_chart(panels) -> Figure:
    """||dL/dh_t|| against time step t = 1..T on a log scale, one line per model.

    `panels` is a list of (title, [(label, norms), ...]); the panels share the y axis.
    """
    fig = Figure(figsize=(6.4 * len(panels), 4.6), dpi=80)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (title, curves) in zip(axes, panels):
        for label, norms in curves:
            ax.plot(range(1, len(norms) + 1), norms, "o-", ms=3, lw=1.2, label=label)
        ax.set_yscale("log")
        ax.set_xlabel("time step t (image row)")
        ax.set_title(title, fontsize="medium")
        ax.legend(fontsize="small")
    axes[0].set_ylabel("||dL/dh_t|| over the batch")
    fig.tight_layout()
    return fig


def overlay_chart(reference, run, band=None, reference_label="tutorial", run_label="this run",
                  title: str | None = None) -> Figure:
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
        if reference:
            ax.plot([p[0] for p in reference], [p[index] for p in reference], "o-", ms=3, lw=1,
                    label=reference_label)
        ax.plot([p[0] for p in run], [p[index] for p in run], "s-", ms=3, lw=1, label=run_label)
        ax.set_xlabel("step")
        ax.set_ylabel(name)
        ax.legend(fontsize="small")
    if title:
        fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def save_png(fig: Figure, path: str, colors: int = 64) -> str:
    """Write `fig` as a palette PNG atomically (run_files.write_bytes_atomically); returns `path`.

    A line chart needs few colours: a 64-colour palette keeps it sharp at a third of the size.
    """
    from rnn_tf1.run_files import write_bytes_atomically
    write_bytes_atomically(path, to_png(fig, colors))
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
