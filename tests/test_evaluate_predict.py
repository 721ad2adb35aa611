"""A trained run applied to the test set and to new images; its TensorBoard summaries."""
import glob
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from conftest import run_cli
from rnn_tf1 import package_data, run_files
from rnn_tf1.config import tiny_config
from rnn_tf1.errors import UsageError
from rnn_tf1.evaluate import evaluate_run
from rnn_tf1.images import load_image, prepare_image
from rnn_tf1.trainer import train_and_evaluate

SAMPLES = package_data.SAMPLES_DIR


def test_evaluate_restores_the_trained_accuracy(adam_run, make_mnist):
    workdir, result, _ = adam_run
    evaluation = evaluate_run(workdir, make_mnist(0))
    assert evaluation.tutorial_accuracy == result.test_accuracy  # same variables, same 128 images
    assert evaluation.confusion.sum() == 10000
    assert evaluation.full_accuracy == pytest.approx(np.trace(evaluation.confusion) / 10000)
    assert evaluation.full_accuracy > 0.9 and evaluation.per_class.min() > 0.7


def test_cli_evaluate_writes_confusion_matrix(adam_run):
    workdir, result, _ = adam_run
    proc = run_cli("evaluate", workdir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Testing Accuracy (first 128 test images): {np.float32(result.test_accuracy)}")
    assert len([line for line in proc.stdout.splitlines() if line[:5].strip().isdigit()]) == 10
    assert Image.open(os.path.join(workdir, "confusion.png")).size == (448, 400)


def test_shipped_samples_are_recognised(adam_run, tmp_path):
    workdir, _, _ = adam_run
    images = sorted(glob.glob(os.path.join(SAMPLES, "digit_*.png")))
    assert len(images) == 3
    grid = tmp_path / "grid.png"
    proc = run_cli("predict", workdir, *images, "--test-index", "0", "1", "--grid", str(grid))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for path, line in zip(images, lines):
        digit = os.path.basename(path)[len("digit_"):-len(".png")]
        assert line.startswith(f"digit_{digit}.png: predicted {digit} "), proc.stdout
    assert lines[3].startswith("test[0] (label 7): predicted 7") and lines[4].startswith("test[1] (label 2): predicted 2")
    probabilities = [float(p.split(":")[1]) for p in lines[0].split("probabilities ")[1].split()]
    assert sum(probabilities) == pytest.approx(1.0, abs=2e-3)
    assert Image.open(grid).size[0] > 0


def test_image_preparation():
    light_on_dark = np.zeros((28, 28), np.float32)
    light_on_dark[5:20, 12:15] = 1.0
    np.testing.assert_array_equal(prepare_image(light_on_dark), light_on_dark)  # 28x28 kept as is
    np.testing.assert_array_equal(prepare_image(1.0 - light_on_dark), light_on_dark)  # inverted
    big = np.ones((100, 60), np.float32)   # dark stroke on white paper, off centre
    big[10:50, 5:15] = 0.0
    prepared = prepare_image(big)
    assert prepared.shape == (28, 28) and prepared.dtype == np.float32
    rows, cols = np.where(prepared > 0.5)
    assert rows.max() - rows.min() + 1 == pytest.approx(20, abs=1)  # longer side scaled to 20
    mass = np.indices(prepared.shape).reshape(2, -1) @ prepared.ravel() / prepared.sum()
    np.testing.assert_allclose(mass, [14, 14], atol=1.0)  # centred by centre of mass


@pytest.mark.parametrize("make, needle", [
    (lambda p: Image.new("L", (5, 5), 255).save(p), "too small for a digit"),
    (lambda p: Image.new("L", (40, 40), 255).save(p), "blank"),
    (lambda p: open(p, "w").write("not an image"), "not a readable PNG or JPEG"),
])
def test_bad_images_are_one_line_errors(tmp_path, make, needle):
    path = str(tmp_path / "input.png")
    make(path)
    with pytest.raises(UsageError, match=needle):
        load_image(path)


def test_cli_predict_errors(adam_run, tmp_path):
    workdir, _, _ = adam_run
    bad = tmp_path / "bad.png"
    bad.write_text("text")
    for args, needle, code in [((workdir, str(bad)), "not a readable", 2),
                               ((str(tmp_path / "nowhere"), os.path.join(SAMPLES, "digit_2.png")),
                                "no such run directory", 2),
                               ((workdir,), "at least one IMAGE", 2)]:
        proc = run_cli("predict", *args)
        assert proc.returncode == code and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr


def test_summaries_hold_the_displayed_points(make_mnist, tmp_path):
    workdir = str(tmp_path / "run")
    result = train_and_evaluate(tiny_config(seed=1), workdir, emit=lambda line: None, data=make_mnist(1))
    events = glob.glob(os.path.join(workdir, run_files.TENSORBOARD_DIR, "events.out.tfevents.*"))
    assert len(events) == 1
    scalars, graph_seen = {}, False
    for event in tf.compat.v1.train.summary_iterator(events[0]):
        graph_seen |= bool(event.graph_def)
        for value in event.summary.value:
            scalars.setdefault(value.tag, []).append((event.step, value.simple_value))
    assert graph_seen
    assert [s for s, _ in scalars["summaries/minibatch_loss"]] == [1, 10, 20]
    np.testing.assert_allclose([v for _, v in scalars["summaries/training_accuracy"]],
                               [h.accuracy for h in result.history], rtol=1e-6)
