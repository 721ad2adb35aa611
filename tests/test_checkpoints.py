"""Checkpoints and resume: a stopped-and-resumed run is the uninterrupted run."""
import os

import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1 import checkpoints, run_files
from rnn_tf1.config import tiny_config
from rnn_tf1.errors import UsageError
from rnn_tf1.trainer import StopRequested, resume, train_and_evaluate


def final_variables(workdir):
    reader = tf.train.load_checkpoint(checkpoints.load(workdir).model_prefix)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


@pytest.mark.parametrize("optimizer, stop_after", [("gd", 20), ("adam", 17)])
def test_stop_and_resume_equals_one_go(make_mnist, tmp_path, optimizer, stop_after):
    config = tiny_config(optimizer=optimizer, steps=40, display_step=10, checkpoint_every=10, seed=5)
    whole, whole_lines = str(tmp_path / "whole"), []
    train_and_evaluate(config, whole, emit=whole_lines.append, data=make_mnist(config.seed))

    parts, first_lines, steps_seen = str(tmp_path / "parts"), [], []

    def stop_now():
        steps_seen.append(None)
        return len(steps_seen) >= stop_after   # asked after every step

    with pytest.raises(StopRequested, match=f"stopped at step {stop_after} of 40.*--resume"):
        train_and_evaluate(config, parts, emit=first_lines.append, data=make_mnist(config.seed),
                           should_stop=stop_now)
    assert checkpoints.load(parts).step == stop_after
    rest_lines = []
    result = resume(parts, emit=rest_lines.append, data=make_mnist(config.seed))

    assert first_lines + rest_lines == whole_lines
    for name in (run_files.LOG_FILE, run_files.HISTORY_FILE):
        assert open(os.path.join(parts, name)).read() == open(os.path.join(whole, name)).read()
    a, b = final_variables(whole), final_variables(parts)
    assert sorted(a) == sorted(b) and len(a) == (4 if optimizer == "gd" else 14)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert result.test_accuracy == run_files.read_json(os.path.join(whole, run_files.RESULT_FILE))["test_accuracy"]


def test_checkpoints_are_rotated_with_their_data_states(make_mnist, tmp_path):
    workdir = str(tmp_path / "run")
    train_and_evaluate(tiny_config(steps=30, display_step=10, checkpoint_every=5), workdir,
                       emit=lambda line: None, data=make_mnist(0))
    files = sorted(os.listdir(os.path.join(workdir, run_files.CHECKPOINT_DIR)))
    assert [f for f in files if f.startswith("data-state")] == ["data-state-25.npz", "data-state-30.npz"]
    assert "model.ckpt-30.index" in files and "model.ckpt-20.index" not in files
    assert checkpoints.load(workdir).step == 30


def test_resume_refuses_finished_runs_and_folders_without_checkpoint(make_mnist, tmp_path):
    workdir = str(tmp_path / "run")
    train_and_evaluate(tiny_config(steps=5, display_step=5), workdir, emit=lambda line: None,
                       data=make_mnist(0))
    with pytest.raises(UsageError, match="already finished all 5 steps"):
        resume(workdir, data=make_mnist(0))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError, match="no checkpoint to resume from"):
        resume(str(empty))
    with pytest.raises(UsageError, match="no such run directory"):
        resume(str(tmp_path / "missing"))
