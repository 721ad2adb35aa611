"""Real training on real MNIST in real sessions."""
import csv
import os
import subprocess
import sys

import pytest

from conftest import REPO
from rnn_tf1 import run_files
from rnn_tf1.config import Config, tiny_config
from rnn_tf1.log_format import OPTIMIZATION_FINISHED
from rnn_tf1.trainer import train_and_evaluate


def collect(config, make_mnist, workdir=None):
    lines = []
    result = train_and_evaluate(config, workdir, emit=lines.append, data=make_mnist(config.seed))
    return lines, result


def test_adam_learns_mnist(adam_run):
    """The design's test: only a working LSTM reaches this on the 128 held-out test images
    (Adam, 1000 steps, seed 0: the conftest's shared run)."""
    _, result, lines = adam_run
    assert result.test_accuracy >= 0.95, lines
    assert result.history[-1].loss < result.history[0].loss / 4


def test_same_seed_same_log_other_seed_other_log(make_mnist):
    a, _ = collect(tiny_config(seed=7), make_mnist)
    b, _ = collect(tiny_config(seed=7), make_mnist)
    c, _ = collect(tiny_config(seed=8), make_mnist)
    assert a == b
    assert a != c
    assert [line.split(",")[0] for line in a] == ["Step 1", "Step 10", "Step 20",
                                                  OPTIMIZATION_FINISHED, a[-1].split(",")[0]]
    assert a[-1].startswith("Testing Accuracy: ")


def test_iter_style_prints_the_variants_lines(make_mnist):
    lines, _ = collect(tiny_config(log_style="iter", optimizer="adam"), make_mnist)
    assert [line.split(",")[0] for line in lines[:2]] == ["Iter 1280", "Iter 2560"]
    assert len(lines) == 4


def test_run_directory_holds_log_history_config_result_checkpoint(make_mnist, tmp_path):
    workdir = str(tmp_path / "run")
    lines, result = collect(tiny_config(seed=2), make_mnist, workdir)
    with open(os.path.join(workdir, run_files.LOG_FILE), encoding="utf-8") as fh:
        assert fh.read() == "\n".join(lines) + "\n"
    with open(os.path.join(workdir, run_files.HISTORY_FILE), newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["step"]) for r in rows] == [1, 10, 20]
    assert [float(r["accuracy"]) for r in rows] == [h.accuracy for h in result.history]
    assert Config.from_dict(run_files.read_json(os.path.join(workdir, run_files.CONFIG_FILE))) == tiny_config(seed=2)
    saved = run_files.read_json(os.path.join(workdir, run_files.RESULT_FILE))
    assert saved["test_accuracy"] == result.test_accuracy and saved["steps"] == 20
    assert os.path.exists(os.path.join(workdir, saved["checkpoint"] + ".index"))


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "rnn_tf1", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=600)


def test_cli_train_prints_only_the_tutorials_lines_on_stdout(tmp_path):
    workdir = tmp_path / "cli-run"
    proc = run_cli("train", "--steps", "6", "--display-step", "3", "--seed", "1", "--run-dir", str(workdir))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == ["Step 1", "Step 3", "Step 6", OPTIMIZATION_FINISHED,
                                                      lines[-1].split(",")[0]]
    assert lines[-1].startswith("Testing Accuracy: ")
    assert (workdir / run_files.LOG_FILE).read_text() == proc.stdout
    assert "wall time" in proc.stderr and str(workdir) in proc.stderr


def test_cli_refuses_an_existing_run_directory_and_leaves_it_alone(tmp_path):
    workdir = tmp_path / "earlier-run"
    workdir.mkdir()
    (workdir / "train.log").write_text("precious\n")
    proc = run_cli("train", "--steps", "2", "--run-dir", str(workdir))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "already exists" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert os.listdir(workdir) == ["train.log"] and (workdir / "train.log").read_text() == "precious\n"


@pytest.mark.parametrize("args, needle", [
    (["--steps", "0"], "--steps"), (["--batch-size", "-1"], "--batch-size"),
    (["--display-step", "0"], "--display-step"), (["--learning-rate", "nan"], "--learning-rate"),
    (["--learning-rate", "0"], "--learning-rate"), (["--learning-rate", "inf"], "--learning-rate"),
    (["--optimizer", "sgd"], "--optimizer"), (["--log-style", "epoch"], "--log-style"),
    (["--batch-size", "55001"], "larger than the training set"),
])
def test_cli_bad_arguments_one_line_exit_2_nothing_written(tmp_path, args, needle):
    proc = run_cli("train", *args, "--run-dir", str(tmp_path / "run"), cwd=str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr and "Traceback" not in proc.stderr
    assert os.listdir(tmp_path) == []
