"""rnn_tf1.export: a trained run as a SavedModel, a Keras 3 file and a TFLite model, each loaded
back in a process that never imports rnn_tf1; the TF1 -> Keras weight conversion cell by cell."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import REPO
from rnn_tf1 import export
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError, UserError
from rnn_tf1.graph import make_cell, tf, tf1
from rnn_tf1.mnist_data import build_datasets
from rnn_tf1.trainer import train_and_evaluate

FIRST = 128  # the tutorial's test images: compared in the fresh processes


@pytest.fixture(scope="module")
def mnist(mnist_arrays):
    return build_datasets(**mnist_arrays, seed=0)


def train_short(tmp_path_factory, mnist_arrays, **changes) -> str:
    workdir = str(tmp_path_factory.mktemp("run") / "run")
    config = Config(steps=30, display_step=10, checkpoint_every=30).override(**changes)
    train_and_evaluate(config, workdir, emit=lambda line: None, data=build_datasets(**mnist_arrays, seed=0))
    return workdir


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, mnist_arrays):
    """The tutorial's faithful model after 30 GD steps, seed 0."""
    return train_short(tmp_path_factory, mnist_arrays)


@pytest.fixture(scope="module")
def exports(trained_run, mnist, tmp_path_factory):
    """{format: (path, ExportReport)} for the trained run, all three written into one folder."""
    folder = tmp_path_factory.mktemp("exports")
    names = {"savedmodel": "model", "keras": "model.keras", "tflite": "model.tflite"}
    return {fmt: (str(folder / name), export.export_run(trained_run, fmt, str(folder / name), data=mnist))
            for fmt, name in names.items()}


@pytest.fixture(scope="module")
def first_images(trained_run, mnist, tmp_path_factory):
    """(path of an .npy of the first 128 test images (128, 28, 28), the run's graph's probabilities on them)."""
    images = mnist.test.images[:FIRST].reshape(-1, 28, 28)
    path = str(tmp_path_factory.mktemp("inputs") / "first128.npy")
    np.save(path, images)
    return path, export.graph_probabilities(trained_run, images)


def run_without_rnn_tf1(script: str, *args: str) -> subprocess.CompletedProcess:
    """`python -c SCRIPT ARGS` with TF_USE_LEGACY_KERAS unset (so `keras` and `tf.keras` are Keras 3),
    started outside the repository so `rnn_tf1` is not even on the path as a folder."""
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    guard = "\nassert 'rnn_tf1' not in sys.modules and 'tf_keras' not in sys.modules, sorted(sys.modules)\n"
    proc = subprocess.run([sys.executable, "-c", "import sys\n" + textwrap.dedent(script) + guard, *args],
                          capture_output=True, text=True, timeout=300, env=env, cwd="/")
    assert proc.returncode == 0, proc.stderr
    return proc


# ---------------------------------------------------------------------------------------
# The conversion, checked on a hand-made cell state

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def hand_made(rng, *shape):
    return rng.uniform(-1, 1, shape).astype(np.float32)


def test_lstm_conversion_gate_by_gate():
    """BasicLSTMCell's gates i, j, f (+ forget_bias), o computed from the TF1 kernel equal Keras'
    i, c, f, o computed from the converted kernel, recurrent kernel and bias (NumPy)."""
    rng = np.random.default_rng(0)
    kernel, bias = hand_made(rng, 156, 512), hand_made(rng, 512)
    x, h, c = hand_made(rng, 4, 28), hand_made(rng, 4, 128), hand_made(rng, 4, 128)
    forget_bias = 1.0
    # TF1: one product of [x, h], columns in the order i, j, f, o; forget_bias added to f
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    f = f + forget_bias
    k_kernel, k_recurrent, k_bias = export.lstm_to_keras(kernel, bias, forget_bias, 28)
    assert (k_kernel.shape, k_recurrent.shape, k_bias.shape) == ((28, 512), (128, 512), (512,))
    # Keras: the input and the state through their own matrices, columns in the order i, f, c, o
    ki, kf, kc, ko = np.split(x @ k_kernel + h @ k_recurrent + k_bias, 4, axis=1)
    for name, keras_gate, tf1_gate in (("i", ki, i), ("f", kf, f), ("c/j", kc, j), ("o", ko, o)):
        np.testing.assert_allclose(keras_gate, tf1_gate, rtol=0, atol=1e-5, err_msg=name)
    new_c_tf1 = c * sigmoid(f) + sigmoid(i) * np.tanh(j)
    new_c_keras = sigmoid(kf) * c + sigmoid(ki) * np.tanh(kc)
    np.testing.assert_allclose(new_c_keras, new_c_tf1, rtol=0, atol=1e-5)
    np.testing.assert_allclose(sigmoid(ko) * np.tanh(new_c_keras), np.tanh(new_c_tf1) * sigmoid(o), rtol=0, atol=1e-5)
    # the forget gate is the one whose bias moved: leaving forget_bias out would shift it by exactly 1
    without = export.lstm_to_keras(kernel, bias, 0.0, 28)[2]
    np.testing.assert_allclose(k_bias - without, np.repeat([0, 1, 0, 0], 128).astype(np.float32), atol=1e-6)


def tf1_cell_step(cell: str, activation: str, weights: list, x: np.ndarray, h: np.ndarray, c: np.ndarray):
    """One step of the project's TF1 cell (graph.make_cell) from state (h[, c]): (h', c' or None)."""
    config = Config(data_dir="unused", cell=cell, activation=activation)
    graph = tf.Graph()
    with graph.as_default():
        tf_cell = make_cell(config)
        state = tf1.nn.rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(h)) if cell == "lstm" else tf.constant(h)
        out, new_state = tf_cell(tf.constant(x), state)
        assigns = [tf1.assign(var, value) for var, value in zip(tf_cell.weights, weights)]
    with tf1.Session(graph=graph) as session:
        session.run(assigns)
        out, new_state = session.run([out, new_state])
    return out, (new_state.c if cell == "lstm" else None)


def keras_layer_step(cell: str, activation: str, weights: list, x: np.ndarray, h: np.ndarray, c: np.ndarray):
    """One step of the Keras 3 layer export.build_keras uses, from state (h[, c]): (h', c' or None)."""
    import keras
    layer = {"lstm": lambda: keras.layers.LSTM(128, activation=activation, return_state=True),
             "gru": lambda: keras.layers.GRU(128, activation=activation, reset_after=False, return_state=True),
             "rnn": lambda: keras.layers.SimpleRNN(128, activation=activation, return_state=True)}[cell]()
    layer.build((None, 1, 28))
    layer.set_weights(weights)
    initial = [h, c] if cell == "lstm" else [h]
    result = [np.asarray(r) for r in layer(x[:, None, :], initial_state=initial)]
    return result[0], (result[2] if cell == "lstm" else None)


@pytest.mark.parametrize("cell, activation", [("lstm", "tanh"), ("lstm", "relu"), ("gru", "tanh"),
                                              ("rnn", "tanh"), ("rnn", "relu")])
def test_converted_keras_layer_steps_like_the_tf1_cell(cell, activation):
    """The real TF1 cell and the real Keras 3 layer with converted weights, one step from the same
    hand-made state: the same new state (LSTM: h and c)."""
    rng = np.random.default_rng(1)
    shapes = {"lstm": [(156, 512), (512,)], "gru": [(156, 256), (256,), (156, 128), (128,)],
              "rnn": [(156, 128), (128,)]}[cell]
    tf1_weights = [hand_made(rng, *shape) for shape in shapes]
    x, h, c = hand_made(rng, 4, 28), hand_made(rng, 4, 128), hand_made(rng, 4, 128)
    values = dict(zip(export.CELL_VARIABLES[cell], tf1_weights))
    keras_weights = export.keras_recurrent_weights(Config(data_dir="unused", cell=cell), values)
    want_h, want_c = tf1_cell_step(cell, activation, tf1_weights, x, h, c)
    got_h, got_c = keras_layer_step(cell, activation, keras_weights, x, h, c)
    assert np.abs(want_h - h).max() > 0.1  # the step did change the state
    np.testing.assert_allclose(got_h, want_h, rtol=0, atol=1e-5)
    if cell == "lstm":
        np.testing.assert_allclose(got_c, want_c, rtol=0, atol=1e-5)


def test_gru_reset_after_default_would_not_match():
    """Why export uses reset_after=False: Keras' default GRU is a different function of the same weights."""
    import keras
    rng = np.random.default_rng(2)
    tf1_weights = [hand_made(rng, 156, 256), hand_made(rng, 256), hand_made(rng, 156, 128), hand_made(rng, 128)]
    x, h = hand_made(rng, 4, 28), hand_made(rng, 4, 128)
    kernel, recurrent, bias = export.gru_to_keras(*tf1_weights, 28)
    layer = keras.layers.GRU(128, reset_after=True)
    layer.build((None, 1, 28))
    layer.set_weights([kernel, recurrent, np.stack([bias, np.zeros_like(bias)])])  # bias (2, 3H)
    want, _ = tf1_cell_step("gru", "tanh", tf1_weights, x, h, h)
    assert np.abs(np.asarray(layer(x[:, None, :], initial_state=[h])) - want).max() > 1e-3


# ---------------------------------------------------------------------------------------
# Exports of a trained run, checked where written and loaded where rnn_tf1 is absent

def test_each_export_is_checked_on_all_test_images(exports):
    folder = os.path.dirname(exports["keras"][0])
    assert sorted(os.listdir(folder)) == ["model", "model.keras", "model.tflite"]  # no temporary folders left
    for fmt, (path, report) in exports.items():
        assert report.fmt == fmt and report.out == path and report.step == 30 and report.images == 10000
        assert 0 <= report.max_abs_diff <= 1e-5, fmt
        assert report.accuracy == pytest.approx(report.graph_accuracy, abs=report.classes_differ / 10000)
        # the size on disk, which holds at least the 81,674 float32 parameters
        size = os.path.getsize(path) if os.path.isfile(path) else sum(
            os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(path) for n in names)
        assert report.size_bytes == size and size > 81674 * 4, fmt
        line = report.line()
        assert "\n" not in line and path in line and f"{report.max_abs_diff:.2e}" in line


def test_savedmodel_serves_in_plain_tensorflow(exports, first_images, tmp_path):
    path, _ = exports["savedmodel"]
    images, want = first_images
    out = str(tmp_path / "out.npz")
    run_without_rnn_tf1("""
        import numpy as np, tensorflow as tf
        model = tf.saved_model.load(sys.argv[1])
        serve = model.signatures["serving_default"]
        (spec,) = serve.structured_input_signature[1].values()
        assert spec.name == "images" and spec.dtype == tf.float32 and spec.shape.as_list() == [None, 28, 28], spec
        result = serve(images=tf.constant(np.load(sys.argv[2])))
        np.savez(sys.argv[3], **{k: v.numpy() for k, v in result.items()})
        """, path, images, out)
    result = np.load(out)
    assert sorted(result.files) == ["classes", "probabilities"]
    assert result["probabilities"].shape == (FIRST, 10) and result["classes"].dtype == np.int64
    np.testing.assert_allclose(result["probabilities"], want, rtol=0, atol=1e-5)
    np.testing.assert_array_equal(result["classes"], result["probabilities"].argmax(1))


def test_savedmodel_with_saved_model_cli(exports, first_images, tmp_path):
    """The standard tooling: `saved_model_cli show` lists the signature, `run` answers."""
    path, _ = exports["savedmodel"]
    images, want = first_images
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    show = subprocess.run([cli, "show", "--dir", path, "--tag_set", "serve", "--signature_def", "serving_default"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert show.returncode == 0, show.stderr
    for expected in ("inputs['images']", "shape: (-1, 28, 28)", "outputs['probabilities']", "shape: (-1, 10)",
                     "outputs['classes']", "DT_INT64"):
        assert expected in show.stdout, show.stdout
    run = subprocess.run([cli, "run", "--dir", path, "--tag_set", "serve", "--signature_def", "serving_default",
                          "--inputs", f"images={images}", "--outdir", str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    np.testing.assert_allclose(np.load(tmp_path / "probabilities.npy"), want, rtol=0, atol=1e-5)


def test_keras_file_loads_in_keras_3_alone(exports, first_images, tmp_path):
    path, _ = exports["keras"]
    images, want = first_images
    out = str(tmp_path / "probabilities.npy")
    proc = run_without_rnn_tf1("""
        import numpy as np, keras
        assert int(keras.__version__.split(".")[0]) >= 3, keras.__version__
        model = keras.saving.load_model(sys.argv[1])
        print(" ".join(f"{type(layer).__name__}:{layer.units}:{layer.activation.__name__}" for layer in model.layers))
        np.save(sys.argv[3], model.predict(np.load(sys.argv[2]), verbose=0))
        """, path, images, out)
    assert proc.stdout.split() == ["LSTM:128:tanh", "Dense:10:softmax"]
    np.testing.assert_allclose(np.load(out), want, rtol=0, atol=1e-5)


def test_tflite_runs_in_the_interpreter(exports, first_images, tmp_path):
    path, _ = exports["tflite"]
    images, want = first_images
    out = str(tmp_path / "probabilities.npy")
    run_without_rnn_tf1("""
        import numpy as np, tensorflow as tf
        runner = tf.lite.Interpreter(model_path=sys.argv[1]).get_signature_runner("serving_default")
        result = runner(images=np.load(sys.argv[2]))
        np.testing.assert_array_equal(result["classes"], result["probabilities"].argmax(1))
        np.save(sys.argv[3], result["probabilities"])
        """, path, images, out)
    np.testing.assert_allclose(np.load(out), want, rtol=0, atol=1e-5)


@pytest.mark.parametrize("changes, layer", [({"lstm_impl": "block"}, "LSTM"), ({"cell": "gru"}, "GRU"),
                                            ({"cell": "rnn", "activation": "relu"}, "SimpleRNN")])
def test_other_runs_export_to_keras(changes, layer, tmp_path_factory, mnist_arrays, mnist, tmp_path):
    """A block run (checked against its own block graph), a GRU run and a ReLU RNN run."""
    workdir = train_short(tmp_path_factory, mnist_arrays, **changes)
    out = str(tmp_path / "model.keras")
    report = export.export_run(workdir, "keras", out, data=mnist)
    assert report.max_abs_diff <= 1e-5 and report.images == 10000
    import keras
    model = keras.saving.load_model(out)
    assert type(model.layers[0]).__name__ == layer
    if layer == "GRU":
        assert model.layers[0].reset_after is False
    assert model.layers[0].activation.__name__ == changes.get("activation", "tanh")


# ---------------------------------------------------------------------------------------
# Refusals: one line, nothing at PATH, no temporary folder left

def test_a_wrong_conversion_is_refused_and_leaves_nothing(trained_run, mnist, tmp_path, monkeypatch):
    """The classic migration mistake, forget_bias not folded into the bias, is caught by the check."""
    convert = export.lstm_to_keras
    monkeypatch.setattr(export, "lstm_to_keras", lambda kernel, bias, forget_bias, num_input:
                        convert(kernel, bias, 0.0, num_input))
    out = tmp_path / "model.keras"
    with pytest.raises(UserError) as err:
        export.export_run(trained_run, "keras", str(out), data=mnist)
    message = str(err.value)
    assert message.startswith("export refused: the keras model's probabilities differ") and "\n" not in message
    assert str(out) in message
    assert os.listdir(tmp_path) == []


def test_a_converter_refusal_is_one_line(trained_run, mnist, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("\n  op Foo is neither a custom op nor a flex op\n  details follow")
    monkeypatch.setattr(tf.lite.TFLiteConverter, "from_saved_model", refuse)
    out = tmp_path / "model.tflite"
    with pytest.raises(UserError) as err:
        export.export_run(trained_run, "tflite", str(out), data=mnist)
    assert str(err.value) == (f"the TFLite converter of TensorFlow {tf.__version__} refused the model: "
                              "op Foo is neither a custom op nor a flex op")
    assert os.listdir(tmp_path) == []


def bad_requests(trained_run, tmp_path):
    """(run_dir, fmt, out, words the message must contain)"""
    existing = tmp_path / "taken.keras"
    existing.write_bytes(b"someone's file")
    no_checkpoint = tmp_path / "fresh-run"
    no_checkpoint.mkdir(exist_ok=True)
    (no_checkpoint / "config.json").write_text(open(os.path.join(trained_run, "config.json")).read())
    return [
        (str(tmp_path / "missing"), "keras", str(tmp_path / "m.keras"), [str(tmp_path / "missing"), "no such run"]),
        (str(no_checkpoint), "savedmodel", str(tmp_path / "m"), [str(no_checkpoint), "no checkpoint"]),
        (trained_run, "keras", str(existing), [str(existing), "already exists"]),
        (trained_run, "onnx", str(tmp_path / "m.onnx"), ["'onnx'", "savedmodel, keras, tflite"]),
        (trained_run, "keras", str(tmp_path / "m.h5"), [str(tmp_path / "m.h5"), "*.keras"]),
        (trained_run, "tflite", str(tmp_path / "no" / "m.tflite"), [str(tmp_path / "no"), "not a writable folder"]),
    ]


def test_bad_requests_are_one_line_usage_errors(trained_run, tmp_path):
    requests = bad_requests(trained_run, tmp_path)
    before = sorted(os.listdir(tmp_path))
    for workdir, fmt, out, words in requests:
        with pytest.raises(UsageError) as err:
            export.export_run(workdir, fmt, out)
        message = str(err.value)
        assert "\n" not in message and all(w in message for w in words), message
        assert err.value.exit_code == 2
    assert sorted(os.listdir(tmp_path)) == before
    assert (tmp_path / "taken.keras").read_bytes() == b"someone's file"


def test_bad_requests_are_refused_before_tensorflow_loads(trained_run, tmp_path):
    requests = [(w, f, o) for w, f, o, _ in bad_requests(trained_run, tmp_path)]
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import json, sys
        from rnn_tf1.errors import UsageError
        from rnn_tf1.export import export_run
        for request in json.loads(sys.argv[1]):
            try:
                export_run(*request)
            except UsageError as exc:
                print(exc)
        print("tensorflow" in sys.modules)
        """), json.dumps(requests)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False" and len(proc.stdout.splitlines()) == len(requests) + 1


def test_cli_export(trained_run, tmp_path):
    from conftest import run_cli
    out = tmp_path / "model.keras"
    proc = run_cli("export", trained_run, "--format", "keras", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"keras: {out} (") and "on 10000 test images" in proc.stdout
    again = run_cli("export", trained_run, "--format", "keras", "--out", str(out))
    assert again.returncode == 2
    assert again.stderr == f"rnn-tf1: error: {out} already exists; choose another --out (exports are never overwritten)\n"
