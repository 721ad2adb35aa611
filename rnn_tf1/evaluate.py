"""Apply a trained run to images: the test set (accuracy, confusion matrix) or new digits.

The tutorial's step 7, "apply the trained variables to new, unseen input":
`restore` rebuilds the graph from the run's config in a fresh `tf.Graph()` and
restores its last checkpoint; `evaluate_run` and `probabilities` run it.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, NamedTuple

import numpy as np

from rnn_tf1 import checkpoints
from rnn_tf1.config import Config
from rnn_tf1.graph import Model, build_model, new_session, tf1
from rnn_tf1.mnist_data import Datasets
from rnn_tf1.graph import as_sequences
from rnn_tf1.trainer import evaluate_accuracy

EVAL_BATCH = 1000  # images per session.run when predicting many (bounds memory)


@contextmanager
def restore(workdir: str) -> Iterator[tuple[Config, Model, tf1.Session]]:
    """(config, model, session) with the run's last checkpoint loaded.

    The run folder is checked first (checkpoints.load_run, then the checkpoint's files with
    TensorFlow's reader): a damaged one is a one-line DamagedRun, never a restore traceback.
    """
    progress, config = checkpoints.load_run(workdir)
    model = build_model(config, training=False)  # the model's variables only: no optimizer to restore
    checkpoints.verify_against_graph(progress, model.graph)
    with new_session(model, config) as session:
        model.saver.restore(session, progress.model_prefix)
        yield config, model, session


def probabilities(session: tf1.Session, model: Model, config: Config, images: np.ndarray) -> np.ndarray:
    """(N, 784) or (N, 28, 28) images in [0, 1] -> (N, 10) softmax probabilities."""
    seqs = as_sequences(images, config)
    return np.concatenate([session.run(model.prediction, {model.X: seqs[i:i + EVAL_BATCH]})
                           for i in range(0, len(seqs), EVAL_BATCH)])


class Evaluation(NamedTuple):
    tutorial_accuracy: float     # the first config.test_size test images, as "Testing Accuracy" measures
    full_accuracy: float         # all 10000 test images
    confusion: np.ndarray        # (10, 10): rows true digit, columns predicted digit
    per_class: np.ndarray        # (10,) accuracy per true digit

    def to_dict(self) -> dict:
        return {"tutorial_test_accuracy": self.tutorial_accuracy, "full_test_accuracy": self.full_accuracy,
                "per_class_accuracy": self.per_class.tolist(), "confusion": self.confusion.tolist()}


def report(result: Evaluation, test_size: int) -> str:
    """`rnn-tf1 evaluate`'s table: the tutorial's accuracy, the full test set's, and each digit's."""
    lines = [f"Testing Accuracy (first {test_size} test images): {result.tutorial_accuracy}",
             f"Accuracy on all {int(result.confusion.sum())} test images: {result.full_accuracy:.4f}",
             "digit  images  correct  accuracy"]
    for digit, row in enumerate(result.confusion):
        lines.append(f"{digit:>5}  {row.sum():>6}  {row[digit]:>7}  {result.per_class[digit]:8.4f}")
    return "\n".join(lines)


def evaluate_run(workdir: str, data: Datasets) -> Evaluation:
    with restore(workdir) as (config, model, session):
        tutorial = evaluate_accuracy(session, model, data.test, config, limit=config.test_size)
        predicted = probabilities(session, model, config, data.test.images).argmax(1)
    truth = data.test.labels.argmax(1)
    confusion = np.zeros((config.num_classes, config.num_classes), dtype=np.int64)
    np.add.at(confusion, (truth, predicted), 1)
    per_class = confusion.diagonal() / confusion.sum(1)
    return Evaluation(float(tutorial), float((predicted == truth).mean()), confusion, per_class)


def confusion_chart(confusion: np.ndarray):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(5.6, 5), dpi=80)
    ax = fig.add_subplot()
    image = ax.imshow(np.log1p(confusion), cmap="Blues")
    for (i, j), count in np.ndenumerate(confusion):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                color="white" if count > confusion.max() / 3 else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title("confusion matrix, 10000 test images")
    fig.colorbar(image, ax=ax, label="log(1 + count)", shrink=0.8)
    return fig
