"""The tutorial's console lines, byte for byte, in one place.

Main version:  ``Step 200, Minibatch Loss= 2.1379, Training Accuracy= 0.250``
Adam variant:  ``Iter 1280, Minibatch Loss= 2.139874, Training Accuracy= 0.25000``
Then ``Optimization Finished!`` and ``Testing Accuracy: 0.890625`` (a float32
printed the way Python's print shows a NumPy float32).
"""
from __future__ import annotations

import numpy as np

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
