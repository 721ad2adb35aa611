"""The tutorial's console lines, byte for byte, in one place.

Main version:  ``Step 200, Minibatch Loss= 2.1379, Training Accuracy= 0.250``
Adam variant:  ``Iter 1280, Minibatch Loss= 2.139874, Training Accuracy= 0.25000``
Then ``Optimization Finished!`` and ``Testing Accuracy: 0.890625`` (a float32
printed the way Python's print shows a NumPy float32).
"""
from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from rnn_tf1.errors import UsageError

OPTIMIZATION_FINISHED = "Optimization Finished!"


def progress_line(style: str, step: int, batch_size: int, loss: float, accuracy: float) -> str:
    """One progress line in the tutorial's format for `style` ("step" or "iter")."""
    if style == "step":
        return ("Step " + str(step) + ", Minibatch Loss= " + "{:.4f}".format(loss)
                + ", Training Accuracy= " + "{:.3f}".format(accuracy))
    if style == "iter":
        return ("Iter " + str(step * batch_size) + ", Minibatch Loss= " + "{:.6f}".format(loss)
                + ", Training Accuracy= " + "{:.5f}".format(accuracy))
    raise ValueError(f"unknown log style {style!r}")


def is_display_step(style: str, step: int, display_step: int) -> bool:
    """The tutorial prints at every display_step and at step 1; the Iter variant skips step 1."""
    if style == "iter":
        return step % display_step == 0
    return step % display_step == 0 or step == 1


def testing_accuracy_line(accuracy) -> str:
    """`print("Testing Accuracy:", acc)` with `acc` a float32 from session.run."""
    return "Testing Accuracy: " + str(np.float32(accuracy))


# --- reading logs back ------------------------------------------------------

_NUMBER = r"([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|nan|inf)"
_PROGRESS = re.compile(r"^(Step|Iter) ([0-9]+), Minibatch Loss= " + _NUMBER
                       + r", Training Accuracy= " + _NUMBER + r"$")
_TESTING = re.compile(r"^Testing Accuracy: " + _NUMBER + r"$")


class LogPoint(NamedTuple):
    step: int        # training step (an Iter line's images / batch_size)
    loss: float
    accuracy: float


class ParsedLog(NamedTuple):
    path: str
    style: str                       # "step" or "iter"
    points: list[LogPoint]
    finished: bool                   # saw "Optimization Finished!"
    test_accuracy: float | None      # the "Testing Accuracy:" value, if printed


def parse_log(text: str, path: str = "<log>", batch_size: int = 128) -> ParsedLog:
    """Read a log in the tutorial's format, skipping unrelated lines (warnings, blank lines).

    A line that starts like one of ours but does not parse is an error naming
    `path` and its line number; so is a log with no progress lines at all.
    """
    points, styles, finished, test_accuracy = [], set(), False, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith(("Step ", "Iter ")):
            match = _PROGRESS.match(line)
            if not match:
                raise UsageError(f"{path}:{number}: malformed progress line: {line[:80]!r}")
            kind, count, loss, accuracy = match.groups()
            style = kind.lower()
            step = int(count)
            if style == "iter":
                if int(count) % batch_size:
                    raise UsageError(f"{path}:{number}: Iter {count} is not a multiple of "
                                     f"batch size {batch_size}")
                step = int(count) // batch_size
            styles.add(style)
            if points and step <= points[-1].step:
                raise UsageError(f"{path}:{number}: step {step} does not follow step {points[-1].step}")
            points.append(LogPoint(step, float(loss), float(accuracy)))
        elif line.startswith("Testing Accuracy"):
            match = _TESTING.match(line)
            if not match:
                raise UsageError(f"{path}:{number}: malformed Testing Accuracy line: {line[:80]!r}")
            test_accuracy = float(match.group(1))
        elif line == OPTIMIZATION_FINISHED:
            finished = True
    if not points:
        raise UsageError(f"{path}: no `Step` or `Iter` progress lines found; is this a training log?")
    if len(styles) > 1:
        raise UsageError(f"{path}: mixes `Step` and `Iter` lines")
    return ParsedLog(path, styles.pop(), points, finished, test_accuracy)


def read_log(path: str, batch_size: int = 128) -> ParsedLog:
    """parse_log on a file; a missing or unreadable file is a one-line UsageError."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    return parse_log(text, path, batch_size)
