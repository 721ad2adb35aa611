"""`rnn-tf1 run`: TF1-era scripts (tests/tf1_scripts/, written for this project) run unchanged, and
a script written the tutorial's way prints, seeded, exactly what `rnn-tf1 train` prints."""
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest
from matplotlib.image import imread

from conftest import REPO, run_cli
from rnn_tf1.config import default_data_dir

SCRIPTS = os.path.join(REPO, "tests", "tf1_scripts")


def run_script(name_or_path, *args, seed=None, cwd=None, script_args=()):
    """`rnn-tf1 run` on a fixture; figures go to a new temporary folder unless --figures is given."""
    path = name_or_path if os.sep in str(name_or_path) else os.path.join(SCRIPTS, name_or_path)
    options = ["--data-dir", default_data_dir()] + (["--seed", str(seed)] if seed is not None else [])
    if "--figures" not in args:
        options += ["--figures", tempfile.mkdtemp(prefix="rnn-tf1-figures-")]
    return run_cli("run", str(path), *options, *args, *(["--", *script_args] if script_args else []),
                   cwd=cwd or REPO)


def test_the_tutorials_gd_script_prints_what_rnn_tf1_train_prints(tmp_path):
    """GD, `Step` lines, 200 steps, seed 1: byte for byte, and the chart comes out of plt.show()."""
    proc = run_script("tutorial_gd.py", "--figures", str(tmp_path), seed=1, script_args=["200"])
    assert proc.returncode == 0, proc.stderr
    train = run_cli("train", "--steps", "200", "--seed", "1", "--run-dir", str(tmp_path / "train"),
                    "--data-dir", default_data_dir())
    assert train.returncode == 0, train.stderr
    assert proc.stdout == train.stdout
    assert proc.stdout.count("\n") == 4 and proc.stdout.startswith("Step 1, Minibatch Loss= ")
    chart = tmp_path / "tutorial_gd-figure1.png"
    assert f"figure 1: {chart}" in proc.stderr
    assert imread(str(chart))[..., :3].std() > 0.05  # a drawn chart, not a blank canvas


def test_the_migration_idiom_builds_the_same_seeded_graph():
    """`import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()`: the tutorial's variables, and
    the first step of seed 0 lands where `rnn-tf1 train --seed 0` does (its first line)."""
    proc = run_script("migration_idiom.py", seed=0)
    assert proc.returncode == 0, proc.stderr
    first, names = proc.stdout.splitlines()
    assert first == "Step 1, Minibatch Loss= 2.6789, Training Accuracy= 0.055"
    assert names == "Variable Variable_1 rnn/basic_lstm_cell/kernel rnn/basic_lstm_cell/bias"


def test_unseeded_runs_differ_and_seeded_runs_repeat():
    first = [run_script("migration_idiom.py").stdout.splitlines()[0] for _ in range(2)]
    assert first[0] != first[1]  # as in 2017: every run draws its own weights and batches
    seeded = [run_script("tutorial_gd.py", seed=5, script_args=["1"]).stdout for _ in range(2)]
    assert seeded[0] == seeded[1] and seeded[0].startswith("Step 1, ")


def test_bidirectional_and_stacked_bidirectional_rnns():
    proc = run_script("bidirectional.py", seed=0, script_args=["30"])
    assert proc.returncode == 0, proc.stderr
    names, *losses = proc.stdout.splitlines()
    # TF 1.x's variable names for both APIs
    assert "single/bidirectional_rnn/fw/basic_lstm_cell/kernel" in names.split()
    assert "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/candidate/kernel" in names.split()
    values = [float(line.split()[1]) for line in losses]
    assert len(values) == 30 and np.mean(values[-5:]) < np.mean(values[:5])


def test_dynamic_rnn_on_synthetic_sequences_learns():
    proc = run_script("dynamic_rnn.py", seed=0)
    assert proc.returncode == 0, proc.stderr
    before, after = (float(line.split()[1]) for line in proc.stdout.splitlines())
    assert after > 0.85 and after > before + 0.2


def test_saver_and_simple_save_write_a_savedmodel_that_plain_tensorflow_loads(tmp_path):
    proc = run_script("saver_simple_save.py", seed=0, script_args=[str(tmp_path)])
    assert proc.returncode == 0, proc.stderr
    expected = [float(v) for v in proc.stdout.split("probabilities:")[1].split()]
    assert (tmp_path / "ckpt" / "model.ckpt.index").exists()
    # A fresh process with plain TensorFlow, no rnn_tf1: TF1's loader on the SavedModel.
    loader = textwrap.dedent(f"""
        import numpy as np, tensorflow as tf
        tf1 = tf.compat.v1
        with tf.Graph().as_default(), tf1.Session() as sess:
            meta = tf1.saved_model.loader.load(sess, ["serve"], {str(tmp_path / "savedmodel")!r})
            sig = meta.signature_def["serving_default"]
            probe = np.linspace(-1, 1, 30, dtype=np.float32).reshape(2, 5, 3)
            out = sess.run(sig.outputs["probabilities"].name, {{sig.inputs["x"].name: probe}})
            print(" ".join("%.6f" % v for v in out.ravel()))
    """)
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    loaded = subprocess.run([sys.executable, "-c", loader], capture_output=True, text=True, env=env, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    assert [float(v) for v in loaded.stdout.split()] == expected


def test_plt_show_saves_every_figure_and_never_overwrites(tmp_path):
    for run in (1, 2):
        proc = run_script("two_charts.py", "--figures", str(tmp_path))
        assert proc.returncode == 0 and proc.stdout == "shown\n", proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["two_charts-figure1-2.png", "two_charts-figure1.png",
                                            "two_charts-figure2-2.png", "two_charts-figure2.png"]


def test_the_scripts_arguments_file_and_folder(tmp_path):
    helper = tmp_path / "helper_module.py"
    helper.write_text("VALUE = 42\n")
    script = tmp_path / "args.py"
    script.write_text("import sys, helper_module\nprint(sys.argv, __name__, __file__, helper_module.VALUE)\n"
                      "sys.exit(3)\n")
    proc = run_cli("run", str(script), "--", "--steps", "5", "x", cwd=str(tmp_path))
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == f"[{str(script)!r}, '--steps', '5', 'x'] __main__ {script} 42\n"


@pytest.mark.parametrize("name, content, needle", [
    ("missing.py", None, "missing.py: no such script"),
    ("folder.py", "DIR", "folder.py: is a folder, not a Python script"),
    ("notes.txt", "print(1)\n", "notes.txt: not a Python file (expected a name ending in .py, or .ipynb for a notebook)"),
    ("broken.py", "import tensorflow as tf\nx = (\n", "broken.py:2: syntax error: "),
    ("binary.py", b"\x00\x01\x02", "binary.py: not a Python file"),
])
def test_bad_scripts_are_one_line_with_exit_2(tmp_path, name, content, needle):
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    proc = run_cli("run", str(path))
    assert proc.returncode == 2 and needle in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("code, needle", [
    ("import tensorflow as tf\nslim = tf.contrib.slim\nslim.no_such_layer\n",
     ":3: tensorflow.contrib.slim.no_such_layer is not provided by rnn-tf1's TF1 environment; tf.contrib.slim "
     "here is the tf-slim package"),
    ("from tensorflow.contrib.factorization import KMeans\n",
     ":1: tensorflow.contrib.factorization is not provided by rnn-tf1's TF1 environment; no drop-in replacement; "
     "rewrite with scikit-learn's sklearn.cluster.KMeans"),
    ("import tensorflow.contrib.distributions as distributions\n",
     ":1: tensorflow.contrib.distributions is not provided"),
    ("import tensorflow as tf\n\n\nx = tf.no_such_name\n", ":4: tensorflow.no_such_name is not provided"),
])
def test_missing_tf1_names_name_the_scripts_line(tmp_path, code, needle):
    script = tmp_path / "uses_missing.py"
    script.write_text(code)
    proc = run_cli("run", str(script))
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith(f"rnn-tf1: error: {script}") and needle in last, proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_scripts_own_exception_is_its_own_traceback(tmp_path):
    script = tmp_path / "raises.py"
    script.write_text("import tensorflow as tf\n\ndef f():\n    raise ValueError('boom')\n\nf()\n")
    proc = run_cli("run", str(script))
    assert proc.returncode == 1
    tail = proc.stderr[proc.stderr.index("Traceback (most recent call last):"):]
    assert tail == (f'Traceback (most recent call last):\n  File "{script}", line 6, in <module>\n    f()\n'
                    f'  File "{script}", line 4, in f\n    raise ValueError(\'boom\')\nValueError: boom\n')


def test_a_seeded_script_repeats_whatever_it_draws_from():
    """numpy's global generator and Python's random shuffle, a vocabulary is a set of strings, the
    graph is the script's own tf.Graph(), a DropoutWrapper draws inside dynamic_rnn's while loop:
    each made seeded runs differ before --seed covered it (the set's order only across processes,
    hence PYTHONHASHSEED)."""
    runs = [run_script("seeded_sources.py", seed=1, script_args=["11"]) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.count("loss") == 3, runs[0].stdout
    assert runs[0].stdout.startswith("vocabulary ")


def test_the_sessions_a_script_makes_get_soft_placement_and_under_seed_the_ports_threads():
    proc = run_script("session_config.py", seed=0)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "Session() intra=1 inter=2 soft=True value=6",
        "Session(config) intra=3 inter=2 soft=True value=6",  # the script's own thread count wins
        "script's ConfigProto unchanged: True",
        "InteractiveSession() intra=1 inter=2 soft=True value=6",
        "MonitoredTrainingSession value=6 step=1"]  # its Session too: the /gpu:0 op ran on the CPU
    notes = [line for line in proc.stderr.splitlines() if line.startswith("rnn-tf1: note: ")]
    assert len(notes) == 2, proc.stderr
    assert "session_config.py:7: tf.device('/gpu:0'): this machine has no GPU" in notes[0]
    assert "sets intra_op_parallelism_threads=3" in notes[1]


def test_unseeded_sessions_keep_tensorflows_threads():
    import tensorflow as tf
    from rnn_tf1.tf1.sessions import session_config
    tf1 = tf.compat.v1
    own = tf1.ConfigProto(inter_op_parallelism_threads=4, log_device_placement=True)
    merged = session_config(tf1, own, seeded=False, noted=set())
    assert (merged.intra_op_parallelism_threads, merged.inter_op_parallelism_threads) == (0, 4)
    assert merged.allow_soft_placement and merged.log_device_placement and not own.allow_soft_placement
    seeded = session_config(tf1, None, seeded=True, noted=set())
    assert (seeded.intra_op_parallelism_threads, seeded.inter_op_parallelism_threads) == (1, 2)


def test_a_hello_rnn_with_fully_connected_and_sequence_loss_learns_and_repeats():
    runs = [run_script("hello_rnn.py", seed=0, script_args=["30"]) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    names, *lines = runs[0].stdout.splitlines()
    assert names == "rnn/basic_lstm_cell/kernel rnn/basic_lstm_cell/bias fully_connected/weights fully_connected/biases"
    assert lines[-1].startswith("29 loss: ") and lines[-1].endswith("prediction: ihello"), lines
    assert float(lines[-1].split()[2]) < float(lines[0].split()[2]) / 10


def test_an_attention_seq2seq_with_beam_search_learns_to_reverse():
    """AttentionWrapper(BahdanauAttention) + TrainingHelper + BasicDecoder + dynamic_decode for
    training, BeamSearchDecoder over tile_batch'ed memory for decoding: the TF1 NMT pattern.  Seed 1:
    on the AVX2 arithmetic every CPU now computes with, seed 0's start learns slowly (loss 2.49 ->
    1.88 in 150 steps; seeds 1-3 reach 0.001-0.006, as seed 0 did on AVX-512's own kernels)."""
    proc = run_script("attention_beam_search.py", seed=1)
    assert proc.returncode == 0, proc.stderr
    names, *lines = proc.stdout.splitlines()
    assert "decoder/decoder/attention_wrapper/bahdanau_attention/attention_v" in names.split()
    losses = [float(line.split()[3]) for line in lines if line.startswith("step ")]
    assert losses[-1] < losses[0] / 5
    decoded = [line.split() for line in lines if line.startswith("source ")]
    right = [row[3:] == [*row[1][::-1], "11"] for row in decoded]  # reversed digits, then EOS
    assert len(decoded) == 4 and sum(right) >= 3, decoded


def test_waitforbuttonpress_does_not_wait_without_a_screen(tmp_path):
    """plt.draw(); plt.waitforbuttonpress() (a TF1 example's way of showing results) would wait
    forever here: it saves the open figures, keeps them open and returns None (no key came)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from rnn_tf1.launch.common import _headless_pyplot
    calls = _headless_pyplot(str(tmp_path), "examples.py")
    plt.figure(7)
    plt.plot([0, 1], [1, 0])
    assert calls["waitforbuttonpress"]() is None
    assert 7 in plt.get_fignums() and os.listdir(tmp_path) == ["examples-figure7.png"]
    calls["show"]()
    assert 7 not in plt.get_fignums()
    assert sorted(os.listdir(tmp_path)) == ["examples-figure7-2.png", "examples-figure7.png"]


def test_ops_the_script_seeds_itself_draw_under_seed_what_tf1_drew(tmp_path):
    """`--seed N` seeds the graphs; an op the script seeds itself (`seed=7`) in such a graph still
    draws TF 1.x's numbers for a graph without a seed (tests recorded under TF 1.x compare them),
    while an unseeded op repeats, and a graph seed the script sets itself is TF 1.x's rule."""
    import tensorflow as tf
    tf1 = tf.compat.v1
    script = tmp_path / "op_seeds.py"
    script.write_text(textwrap.dedent("""\
        import tensorflow as tf
        a = tf.random_normal([3], seed=7)
        b = tf.random_normal([2])
        with tf.Session() as s:
            print(s.run(a).tolist())
            print(s.run(b).tolist())
        tf.set_random_seed(5)
        c = tf.random_normal([2], seed=7)
        with tf.Session() as s:
            print(s.run(c).tolist())
        """))
    runs = [run_script(script, seed=0) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    expected = []
    for graph_seed in (None, 5):
        with tf.Graph().as_default():
            if graph_seed is not None:
                tf1.set_random_seed(graph_seed)
            op = tf1.random_normal([3 if graph_seed is None else 2], seed=7)
            with tf1.Session() as session:
                expected.append(repr(session.run(op).tolist()))
    lines = runs[0].stdout.splitlines()
    assert [lines[0], lines[2]] == expected
