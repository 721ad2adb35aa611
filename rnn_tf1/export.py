"""Take a trained run elsewhere: a SavedModel, a Keras 3 `.keras` file or a TFLite flatbuffer.

`export_run(run_dir, fmt, out)` writes the run's last checkpoint as one of

* ``savedmodel``: the trained inference graph (the tutorial's cell through
  `static_rnn`, then softmax) with a ``serving_default`` signature: input
  ``images`` float32 (batch, 28, 28) in [0, 1]; outputs ``probabilities``
  (batch, 10) and ``classes`` (batch,) int64.  Plain TensorFlow loads it
  (`tf.saved_model.load`, `saved_model_cli`); it needs neither this package nor tf-keras.
* ``keras``: a Keras 3 model, `LSTM(128)` (or `GRU` / `SimpleRNN` for runs of
  `--cell gru|rnn`) + `Dense(10, softmax)`, whose weights are converted from the
  TF1 cell's (`lstm_to_keras`, `gru_to_keras`, `rnn_to_keras`).
* ``tflite``: the SavedModel above through `tf.lite.TFLiteConverter`.

Each export is checked where it is written: the exported file, loaded back, classifies
all 10000 test images and its probabilities are compared with the run's own graph
(`evaluate.restore`, i.e. the run's `--lstm-impl`).  Beyond float32 rounding
(`TOLERANCE`) the export is refused.  The file is built inside a temporary sibling
folder of PATH and renamed to PATH only after the check, so a refusal, an error or
Ctrl-C leaves nothing at PATH; an existing PATH is never overwritten.

Every run has the same variables whatever its `--lstm-impl` (block reads the
faithful cell's kernel and bias), and `--bptt-truncate` changes only
gradients, so the exported graph is always the faithful forward pass.

This module imports TensorFlow only after the request has been checked
(`check_request`), so a user mistake is reported before TensorFlow loads.
"""
from __future__ import annotations

import logging
import os
import shutil
import warnings
from contextlib import contextmanager
from typing import Iterator, NamedTuple

import numpy as np

from rnn_tf1 import checkpoints, run_files
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError, UserError

FORMATS = ("savedmodel", "keras", "tflite")
TOLERANCE = 1e-5        # max |probability difference| allowed: float32 rounding, not a different model
CHECK_BATCH = 1000      # images per call when running an exported model (bounds memory)
SIGNATURE = "serving_default"
INPUT_NAME = "images"   # (batch, timesteps, num_input) float32 in [0, 1]


class ExportReport(NamedTuple):
    fmt: str
    out: str
    step: int                # the training step of the exported checkpoint
    size_bytes: int          # the file, or all files of the SavedModel folder
    images: int              # test images both models classified
    max_abs_diff: float      # max |exported - graph| over all images x 10 probabilities
    accuracy: float          # the exported model's accuracy on those images
    graph_accuracy: float    # the run's graph's accuracy on the same images
    classes_differ: int      # images whose predicted digit differs between the two

    def line(self) -> str:
        return (f"{self.fmt}: {self.out} ({self.size_bytes / 1024:.0f} KiB, step {self.step}) checked against "
                f"the run's graph on {self.images} test images: max |probability difference| {self.max_abs_diff:.2e}, "
                f"accuracy {self.accuracy:.4f} (graph {self.graph_accuracy:.4f}), "
                f"{self.classes_differ} predicted digits differ")


# ---------------------------------------------------------------------------------------
# TF1 cell weights -> Keras 3 layer weights (NumPy only; the tests check them gate by gate)

def lstm_to_keras(kernel: np.ndarray, bias: np.ndarray, forget_bias: float, num_input: int
                  ) -> list[np.ndarray]:
    """BasicLSTMCell's kernel (I+H, 4H) and bias (4H,) -> Keras LSTM [kernel (I, 4H),
    recurrent_kernel (H, 4H), bias (4H,)].

    BasicLSTMCell: z = [x, h] @ kernel + bias, split into gates i, j, f, o;
    c' = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j), h' = tanh(c') * sigmoid(o).
    Keras LSTM: z = x @ kernel + h @ recurrent_kernel + bias, split into i, f, c, o;
    c' = sigmoid(f) * c + sigmoid(i) * tanh(c), h' = sigmoid(o) * tanh(c').
    So the column blocks are reordered i, j, f, o -> i, f, j, o, the rows split into the
    input's (first I) and the state's (last H), and forget_bias added to f's bias.
    """
    i, j, f, o = np.split(kernel, 4, axis=1)
    reordered = np.concatenate([i, f, j, o], axis=1)
    bi, bj, bf, bo = np.split(bias, 4)
    keras_bias = np.concatenate([bi, bf + np.float32(forget_bias), bj, bo]).astype(bias.dtype)
    return [reordered[:num_input], reordered[num_input:], keras_bias]


def gru_to_keras(gate_kernel: np.ndarray, gate_bias: np.ndarray, candidate_kernel: np.ndarray,
                 candidate_bias: np.ndarray, num_input: int) -> list[np.ndarray]:
    """GRUCell's gates/kernel (I+H, 2H), gates/bias (2H,), candidate/kernel (I+H, H) and
    candidate/bias (H,) -> Keras GRU(reset_after=False) [kernel (I, 3H), recurrent_kernel
    (H, 3H), bias (3H,)].

    GRUCell: r, u = sigmoid([x, h] @ gate_kernel + gate_bias) split in that order;
    c = tanh([x, r * h] @ candidate_kernel + candidate_bias); h' = u * h + (1 - u) * c.
    Keras GRU with reset_after=False (the reset gate multiplies h before the recurrent
    product, as GRUCell does): z = sigmoid(x Wz + h Uz + bz), r = sigmoid(x Wr + h Ur + br),
    hh = tanh(x Wh + (r * h) Uh + bh), h' = z * h + (1 - z) * hh, blocks ordered z, r, h.
    GRUCell's u is Keras' z (both keep the old state), so the blocks are u, r, candidate.
    (reset_after=True, Keras' default, applies r after the product: a different function.)
    """
    r, u = np.split(gate_kernel, 2, axis=1)
    full = np.concatenate([u, r, candidate_kernel], axis=1)
    br, bu = np.split(gate_bias, 2)
    return [full[:num_input], full[num_input:], np.concatenate([bu, br, candidate_bias])]


def rnn_to_keras(kernel: np.ndarray, bias: np.ndarray, num_input: int) -> list[np.ndarray]:
    """BasicRNNCell's kernel (I+H, H) and bias (H,) -> Keras SimpleRNN [kernel (I, H),
    recurrent_kernel (H, H), bias (H,)]: both compute h' = act([x, h] @ kernel + bias)."""
    return [kernel[:num_input], kernel[num_input:], bias]


# TF1 variable names in the checkpoint, per --cell (static_rnn's scope "rnn").
CELL_VARIABLES = {
    "lstm": ("rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"),
    "gru": ("rnn/gru_cell/gates/kernel", "rnn/gru_cell/gates/bias",
            "rnn/gru_cell/candidate/kernel", "rnn/gru_cell/candidate/bias"),
    "rnn": ("rnn/basic_rnn_cell/kernel", "rnn/basic_rnn_cell/bias"),
}
OUTPUT_VARIABLES = ("Variable", "Variable_1")  # the tutorial's weights['out'] (H, C), biases['out'] (C,)


def keras_recurrent_weights(config: Config, values: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The run's cell variables (by checkpoint name) as the Keras layer's weights."""
    cell = [values[name] for name in CELL_VARIABLES[config.cell]]
    if config.cell == "lstm":
        return lstm_to_keras(*cell, config.forget_bias, config.num_input)
    if config.cell == "gru":
        return gru_to_keras(*cell, config.num_input)
    return rnn_to_keras(*cell, config.num_input)


# ---------------------------------------------------------------------------------------
# The request, checked before TensorFlow is imported

def check_request(workdir: str, fmt: str, out: str) -> tuple[Config, checkpoints.Progress]:
    """The run's config and last checkpoint, or a UsageError naming what is wrong.  Reads
    only small files: nothing is written and TensorFlow is not imported."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if os.path.lexists(out):
        raise UsageError(f"{out} already exists; choose another --out (exports are never overwritten)")
    if fmt == "keras" and not out.endswith(".keras"):
        # keras.saving.load_model picks the format by the name: only *.keras is a Keras 3 file
        raise UsageError(f"--out {out}: a Keras 3 model file must be named *.keras")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {out}: {parent} is not a writable folder")
    if not os.path.isdir(workdir):
        raise UsageError(f"{workdir}: no such run directory")
    if not os.path.exists(os.path.join(checkpoints.checkpoint_dir(workdir), checkpoints.PROGRESS_FILE)):
        raise UsageError(f"{workdir}: no checkpoint to export (the run saved none)")
    progress = checkpoints.load(workdir)  # a damaged checkpoint is a one-line error too
    try:
        config = run_files.read_config(workdir)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{os.path.join(workdir, run_files.CONFIG_FILE)}: cannot read the run's "
                         f"configuration ({exc})") from None
    return config, progress


def inference_config(config: Config) -> Config:
    """The run's model computed the faithful way: same variables, same forward pass."""
    return config.override(lstm_impl="faithful", batch_shards=Config.batch_shards, bptt_truncate=0)


# ---------------------------------------------------------------------------------------
# Writers (TensorFlow imported inside: see the module docstring)

@contextmanager
def _no_fingerprint_notice() -> Iterator[None]:
    """Loading a SavedModel logs (absl, INFO) "Fingerprint not found ..." twice: TensorFlow's
    TF1 Builder writes no fingerprint.pb.  Known and harmless, so it is kept off the CLI's
    stderr while this module loads its own SavedModel; warnings still show."""
    absl_logger = logging.getLogger("absl")
    level = absl_logger.level
    absl_logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        absl_logger.setLevel(level)


def write_savedmodel(config: Config, model_prefix: str, path: str) -> None:
    """The inference graph with the checkpoint's values, as a TF1 SavedModel folder at `path`
    (which must not exist: the Builder refuses)."""
    from rnn_tf1.graph import rnn_logits, tf, tf1
    config = inference_config(config)
    graph = tf.Graph()
    with graph.as_default():
        images = tf1.placeholder(tf.float32, [None, config.timesteps, config.num_input], name=INPUT_NAME)
        # The checkpoint's names; their initial values are never used (the Saver restores them).
        weights = tf.Variable(tf.zeros([config.num_hidden, config.num_classes]), name=OUTPUT_VARIABLES[0])
        biases = tf.Variable(tf.zeros([config.num_classes]), name=OUTPUT_VARIABLES[1])
        logits, _ = rnn_logits(images, weights, biases, config)          # (batch, num_classes)
        probabilities = tf.nn.softmax(logits, name="probabilities")
        classes = tf.argmax(probabilities, 1, name="classes")             # (batch,) int64
        # Only this graph's variables: the checkpoint also holds optimizer slots, left behind.
        saver = tf1.train.Saver()
    with tf1.Session(graph=graph) as session:
        saver.restore(session, model_prefix)
        signature = tf1.saved_model.signature_def_utils.predict_signature_def(
            inputs={INPUT_NAME: images}, outputs={"probabilities": probabilities, "classes": classes})
        builder = tf1.saved_model.Builder(path)
        builder.add_meta_graph_and_variables(
            session, [tf1.saved_model.tag_constants.SERVING],
            signature_def_map={SIGNATURE: signature}, strip_default_attrs=True)
        builder.save()


def checkpoint_values(config: Config, model_prefix: str) -> dict[str, np.ndarray]:
    """The model's variables (by TF1 name) read from the checkpoint."""
    import tensorflow as tf
    reader = tf.train.load_checkpoint(model_prefix)
    return {name: reader.get_tensor(name) for name in OUTPUT_VARIABLES + CELL_VARIABLES[config.cell]}


def build_keras(config: Config, values: dict[str, np.ndarray]):
    """A Keras 3 Sequential model carrying the run's converted weights.

    `import keras` is the Keras 3 package even here, where TF_USE_LEGACY_KERAS=1 makes
    `tf.keras` tf-keras (Keras 2): the variable only redirects `tf.keras`.  The model is
    therefore built and saved in this process; tests load it where the variable is unset.
    """
    import keras
    activation = config.activation  # "tanh" or "relu": the TF1 cell's activation, Keras' `activation`
    if config.cell == "lstm":
        recurrent = keras.layers.LSTM(config.num_hidden, activation=activation, name="lstm")
    elif config.cell == "gru":
        recurrent = keras.layers.GRU(config.num_hidden, activation=activation, reset_after=False, name="gru")
    else:
        recurrent = keras.layers.SimpleRNN(config.num_hidden, activation=activation, name="simple_rnn")
    dense = keras.layers.Dense(config.num_classes, activation="softmax", name="probabilities")
    model = keras.Sequential([keras.Input((config.timesteps, config.num_input), name=INPUT_NAME),
                              recurrent, dense], name="rnn_tf1")
    recurrent.set_weights(keras_recurrent_weights(config, values))
    dense.set_weights([values[OUTPUT_VARIABLES[0]], values[OUTPUT_VARIABLES[1]]])
    return model


def write_keras(config: Config, model_prefix: str, path: str) -> None:
    model = build_keras(config, checkpoint_values(config, model_prefix))
    with warnings.catch_warnings():
        # Keras 3's saver calls np.array() on TensorFlow variables, whose __array__ predates
        # NumPy 2's `copy` keyword: NumPy warns and copies.  The values are unaffected (the
        # check reads the saved file back).
        warnings.filterwarnings("ignore", message="__array__ implementation doesn't accept a copy keyword",
                                category=DeprecationWarning)
        model.save(path)


def write_tflite(config: Config, model_prefix: str, path: str) -> None:
    """The SavedModel (written next to `path`, in the same temporary folder) converted to TFLite."""
    import tensorflow as tf
    saved = os.path.join(os.path.dirname(path), "savedmodel")
    write_savedmodel(config, model_prefix, saved)
    try:
        with _no_fingerprint_notice():
            converter = tf.lite.TFLiteConverter.from_saved_model(saved, signature_keys=[SIGNATURE])
            content = converter.convert()
    except Exception as exc:  # the converter raises its own types; say why in one line
        reason = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise UserError(f"the TFLite converter of TensorFlow {tf.__version__} refused the model: {reason}") from None
    with open(path, "wb") as fh:
        fh.write(content)


WRITERS = {"savedmodel": write_savedmodel, "keras": write_keras, "tflite": write_tflite}


# ---------------------------------------------------------------------------------------
# Running an exported model (the in-process check; the tests repeat it without rnn_tf1)

def predict_savedmodel(path: str, images: np.ndarray) -> np.ndarray:
    import tensorflow as tf
    with _no_fingerprint_notice():
        serve = tf.saved_model.load(path).signatures[SIGNATURE]
    return np.concatenate([serve(**{INPUT_NAME: tf.constant(images[k:k + CHECK_BATCH])})["probabilities"].numpy()
                           for k in range(0, len(images), CHECK_BATCH)])


def predict_keras(path: str, images: np.ndarray) -> np.ndarray:
    import keras
    return keras.saving.load_model(path).predict(images, batch_size=CHECK_BATCH, verbose=0)


def predict_tflite(path: str, images: np.ndarray) -> np.ndarray:
    import tensorflow as tf
    with warnings.catch_warnings():
        # TensorFlow 2.21 still ships tf.lite.Interpreter and warns on every use that the
        # ai_edge_litert package is its successor; the interpreter itself works.
        warnings.filterwarnings("ignore", message=r"(?s).*tf\.lite\.Interpreter is deprecated", category=UserWarning)
        interpreter = tf.lite.Interpreter(model_path=path)
    # The signature runner resizes the (-1, 28, 28) input to each batch it is given.
    runner = interpreter.get_signature_runner(SIGNATURE)
    return np.concatenate([runner(**{INPUT_NAME: images[k:k + CHECK_BATCH]})["probabilities"]
                           for k in range(0, len(images), CHECK_BATCH)])


PREDICTORS = {"savedmodel": predict_savedmodel, "keras": predict_keras, "tflite": predict_tflite}


def graph_probabilities(workdir: str, images: np.ndarray) -> np.ndarray:
    """The run's own graph (its --lstm-impl) on `images` (N, 28, 28): (N, 10) probabilities."""
    from rnn_tf1.evaluate import probabilities, restore
    with restore(workdir) as (config, model, session):
        return probabilities(session, model, config, images)


def _size(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(folder, name))
               for folder, _, names in os.walk(path) for name in names)


def export_run(workdir: str, fmt: str, out: str, data=None) -> ExportReport:
    """Export the run in `workdir` as `fmt` to the new path `out`, checked on all test images.

    `data` (Datasets) may be passed to reuse loaded MNIST.  Raises UsageError for a bad
    request (before any work) and UserError when the converter refuses or the exported
    model disagrees with the graph; in every failure nothing is left at `out`.
    """
    config, progress = check_request(workdir, fmt, out)
    if data is None:
        from rnn_tf1.mnist_data import read_data_sets_for
        data = read_data_sets_for(config)
    images = data.test.images.reshape(-1, config.timesteps, config.num_input)  # (10000, 28, 28) in [0, 1]
    truth = data.test.labels.argmax(1)
    reference = graph_probabilities(workdir, images)

    out_abs = os.path.abspath(out)
    # A hidden sibling of `out`: same file system, so the final rename is atomic.
    scratch = run_files.temporary_sibling_dir(out_abs)
    try:
        built = os.path.join(scratch, os.path.basename(out_abs))
        WRITERS[fmt](config, progress.model_prefix, built)
        got = PREDICTORS[fmt](built, images)
        diff = float(np.abs(got - reference).max())
        if not diff <= TOLERANCE:  # also refuses NaN
            raise UserError(f"export refused: the {fmt} model's probabilities differ from the run's graph by up to "
                            f"{diff:.2e} (more than {TOLERANCE:g}) on the {len(images)} test images; "
                            f"nothing written to {out}")
        report = ExportReport(fmt, out, progress.step, _size(built), len(images), diff,
                              float((got.argmax(1) == truth).mean()), float((reference.argmax(1) == truth).mean()),
                              int((got.argmax(1) != reference.argmax(1)).sum()))
        # check_request saw no `out`; refuse rather than replace one that appeared meanwhile
        # (os.rename would silently replace a file or an empty folder).
        if os.path.lexists(out_abs):
            raise UsageError(f"{out} appeared during the export; it is left as it is (exports never overwrite)")
        os.rename(built, out_abs)
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
