"""The progress lines are the tutorial's, byte for byte."""
import re

import numpy as np
import pytest

from conftest import REFERENCE_LOG
from rnn_tf1 import log_format
from rnn_tf1.log_format import OPTIMIZATION_FINISHED, is_display_step, progress_line

STEP = re.compile(r"^Step (\d+), Minibatch Loss= ([\d.]+), Training Accuracy= ([\d.]+)$")


def reference_lines():
    with open(REFERENCE_LOG, encoding="utf-8") as fh:
        return fh.read().splitlines()


def test_every_reference_step_line_is_reproduced_from_its_numbers():
    lines = [line for line in reference_lines() if line.startswith("Step ")]
    assert len(lines) == 51
    for line in lines:
        step, loss, acc = STEP.match(line).groups()
        # The session returns float32 values; format them as the tutorial did.
        assert progress_line("step", int(step), 128, np.float32(loss), np.float32(acc)) == line


def test_closing_lines():
    lines = reference_lines()
    assert lines[-2] == OPTIMIZATION_FINISHED
    assert log_format.testing_accuracy_line(np.float32(0.890625)) == lines[-1] == "Testing Accuracy: 0.890625"
    assert log_format.testing_accuracy_line(np.float32(114 / 128)) == "Testing Accuracy: 0.890625"
    assert log_format.testing_accuracy_line(np.float32(113 / 128)) == "Testing Accuracy: 0.8828125"


def test_iter_line_of_the_adam_variant():
    assert (progress_line("iter", 10, 128, np.float32(2.139874), np.float32(0.25))
            == "Iter 1280, Minibatch Loss= 2.139874, Training Accuracy= 0.25000")


def test_display_rule_gives_the_tutorials_51_lines():
    steps = [s for s in range(1, 10001) if is_display_step("step", s, 200)]
    expected = [int(STEP.match(line).group(1)) for line in reference_lines() if line.startswith("Step")]
    assert steps == expected
    assert [s for s in range(1, 41) if is_display_step("iter", s, 10)] == [10, 20, 30, 40]


def test_unknown_style_is_refused():
    with pytest.raises(ValueError):
        progress_line("epoch", 1, 128, 1.0, 1.0)
