"""`rnn-tf1 run --report`: the TF1 names a script reached, where each comes from today (computed from
the object), what it becomes in TensorFlow 2 (the curated table), written as Markdown and JSON; the
script's stdout unchanged.  Three `rnn-tf1 run`s in subprocesses, the rest in this process on
hand-made namespaces (no install(): it would change the whole process)."""
import inspect
import json
import os
import sysconfig

import rnn_tf1  # noqa: F401  (before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from conftest import cli_in_process
from rnn_tf1.tf1 import Env, contrib_rnn, report
from rnn_tf1.tf1 import seq2seq as contrib_seq2seq
from rnn_tf1.tf1.namespace import Namespace, RecordingModule, TF1NameMissing
from test_run_script import SCRIPTS, run_script

TUTORIAL_NAMES = {  # name -> its class, as the tutorial-shaped GD script reaches it
    "tf.placeholder": report.COMPAT_V1,
    "tf.contrib.rnn.BasicLSTMCell": report.TF_KERAS,
    "tf.contrib.rnn.static_rnn": report.COMPAT_V1,
    "tf.train.GradientDescentOptimizer": report.COMPAT_V1,
    "input_data.read_data_sets": report.RNN_TF1,
}


@pytest.fixture(scope="module")
def tutorial_report(tmp_path_factory):
    """tutorial_gd.py, 2 steps, seed 3, with --report and without: (the two runs, Markdown, JSON)."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "migrate.md"
    with_report = run_script("tutorial_gd.py", "--report", str(path), seed=3, script_args=["2"])
    assert with_report.returncode == 0, with_report.stderr
    plain = run_script("tutorial_gd.py", seed=3, script_args=["2"])
    assert plain.returncode == 0, plain.stderr
    return with_report, plain, path.read_text(), json.loads((folder / "migrate.json").read_text())


def test_recording_does_not_change_what_the_script_prints(tutorial_report):
    with_report, plain, _, _ = tutorial_report
    assert with_report.stdout == plain.stdout and with_report.stdout.startswith("Step 1, Minibatch Loss= ")
    assert "report:" not in plain.stderr


def test_the_tutorials_report_names_classes_and_replacements(tutorial_report):
    with_report, _, markdown, data = tutorial_report
    rows = {row["name"]: row for row in data["names"]}
    for name, source in TUTORIAL_NAMES.items():
        assert rows[name]["source"] == source, rows[name]
        assert rows[name]["tf2"] == report.IN_TF2[name]  # the curated entry, not a guess
        assert f"| `{name}` | {rows[name]['uses']} (first tutorial_gd.py:" in markdown
    assert "keras.layers.LSTM" in rows["tf.contrib.rnn.BasicLSTMCell"]["tf2"]
    assert "i, j, f, o reordered to i, f, c, o" in rows["tf.contrib.rnn.BasicLSTMCell"]["tf2"]
    assert "keras.datasets.mnist" in rows["input_data.read_data_sets"]["tf2"]
    assert "keras.optimizers.SGD" in rows["tf.train.GradientDescentOptimizer"]["tf2"]
    assert rows["tf.placeholder"]["uses"] == 2  # X and Y
    assert rows["tf.matmul"]["source"] == report.TF2_CORE  # same object in TF 2's namespace
    # The script's own lines: the first use of each name is where tutorial_gd.py has it.
    source_lines = open(os.path.join(SCRIPTS, "tutorial_gd.py")).read().splitlines()
    for row in data["names"]:
        line = source_lines[int(row["first_use"].split(":")[1]) - 1]
        assert row["name"].rsplit(".", 1)[1] in line, (row, line)
        assert row["table_entry"] is not None, row  # every name of the tutorial has an entry
    # The stderr summary counts the rows by class.
    counts = data["summary"]
    assert sum(counts.values()) == len(rows)
    assert with_report.stderr.splitlines()[-1].startswith(
        f"rnn-tf1: report: {len(rows)} TF1 names; {counts['tf2-core']} TF 2 core, {counts['compat.v1']} compat.v1 only")
    assert with_report.stderr.rstrip().endswith("migrate.md")


def test_the_json_schema(tutorial_report):
    data = tutorial_report[3]
    assert data["schema"] == report.REPORT_SCHEMA and data["exit_status"] == 0 and data["failure"] is None
    assert data["command"][:3] == ["rnn-tf1", "run", os.path.join(SCRIPTS, "tutorial_gd.py")]
    assert data["tensorflow"] == tf.__version__ and data["classes"] == report.CLASS_LABELS
    assert set(data["summary"]) == set(report.CLASS_LABELS)
    for row in data["names"]:
        assert set(row) == {"name", "uses", "first_use", "source", "source_detail", "tf2", "table_entry"}
        assert isinstance(row["uses"], int) and row["uses"] >= 1 and row["source"] in report.CLASS_LABELS
        assert isinstance(row["tf2"], str) and isinstance(row["source_detail"], str)


def test_a_failing_scripts_report_names_the_name_it_failed_on(tmp_path):
    script = tmp_path / "stops.py"
    script.write_text("import tensorflow as tf\nfrom tensorflow.contrib import rnn\n\n"
                      "x = tf.placeholder(tf.float32, [None, 3])\ncell = rnn.GRUCell(4)\ndist = tf.contrib.distributions\n")
    out = tmp_path / "stops.json"
    proc = run_script(str(script), "--report", str(out), "--report-format", "json")
    assert proc.returncode == 1 and "stops.py:6: tensorflow.contrib.distributions is not provided" in proc.stderr
    data = json.loads(out.read_text())
    assert data["exit_status"] == 1 and not (tmp_path / "stops.md").exists()
    assert data["failure"]["where"] == "stops.py:6" and data["failure"]["names"] == ["tf.contrib.distributions"]
    rows = {row["name"]: row for row in data["names"]}
    assert list(rows) == ["tf.placeholder", "tf.float32", "tf.contrib.rnn.GRUCell", "tf.contrib.distributions"]
    assert rows["tf.contrib.distributions"]["source"] == report.MISSING
    assert "tensorflow-probability" in rows["tf.contrib.distributions"]["source_detail"]
    assert rows["tf.contrib.rnn.GRUCell"]["source"] == report.TF_KERAS
    assert "reset_after=False" in rows["tf.contrib.rnn.GRUCell"]["tf2"]


@pytest.mark.parametrize("case", ["no folder", "existing", "folder", "format without report"])
def test_bad_report_paths_are_one_line_exit_2_before_the_script_runs(tmp_path, case):
    script = tmp_path / "prints.py"
    script.write_text("print('ran')\n")
    existing = tmp_path / "old.md"
    existing.write_text("keep me")
    args = {"no folder": ["--report", str(tmp_path / "nowhere" / "r.md")],
            "existing": ["--report", str(existing)],
            "folder": ["--report", str(tmp_path), "--force"],
            "format without report": ["--report-format", "json"]}[case]
    proc = cli_in_process("run", str(script), *args)
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.count("\n") == 1, proc
    assert {"no folder": "no such folder", "existing": "already exists (--force replaces it)",
            "folder": "is a folder", "format without report": "needs --report"}[case] in proc.stderr
    assert existing.read_text() == "keep me"


def test_the_json_beside_the_markdown_must_be_new_too(tmp_path):
    (tmp_path / "r.json").write_text("{}")
    assert report.report_paths(str(tmp_path / "r.md"), "markdown") == [str(tmp_path / "r.md"), str(tmp_path / "r.json")]
    assert report.report_paths(str(tmp_path / "r.json"), "markdown")[1] == str(tmp_path / "r.json.json")
    with pytest.raises(Exception, match="r.json: already exists"):
        report.check_report_paths(report.report_paths(str(tmp_path / "r.md"), "markdown"), force=False)
    report.check_report_paths(report.report_paths(str(tmp_path / "r.md"), "markdown"), force=True)


# --- in this process: the recorder on hand-made namespaces ------------------------------------------

def _recording_tensorflow():
    recorder = report.Recorder(__file__)
    contrib_rnn_ns = Namespace("tensorflow.contrib.rnn", loader=lambda: contrib_rnn.names(Env(tf.compat.v1)))
    contrib = Namespace("tensorflow.contrib", rnn=contrib_rnn_ns)
    top = Namespace("tensorflow", tf.compat.v1, contrib=contrib)
    recorder.attach([top, contrib, contrib_rnn_ns, tf])  # the real module is left as it is
    return recorder, top


def test_dotted_names_counts_and_lines_through_real_submodules():
    recorder, top = _recording_tensorflow()
    line = inspect.currentframe().f_lineno + 1
    optimizer, cell = top.train.GradientDescentOptimizer, top.contrib.rnn.BasicLSTMCell
    for _ in range(3):
        top.nn.rnn_cell.LSTMStateTuple
    assert optimizer is tf.compat.v1.train.GradientDescentOptimizer and cell is tf.compat.v1.nn.rnn_cell.BasicLSTMCell
    assert isinstance(top.train, RecordingModule) and top.train is top.train  # one wrapper per dotted name
    assert top.train.__name__ == tf.compat.v1.train.__name__ and "AdamOptimizer" in dir(top.train)
    uses = recorder.uses
    assert list(uses) == ["tensorflow.train.GradientDescentOptimizer", "tensorflow.contrib.rnn.BasicLSTMCell",
                          "tensorflow.nn.rnn_cell.LSTMStateTuple"]
    assert uses["tensorflow.train.GradientDescentOptimizer"].first == (__file__, line)
    assert uses["tensorflow.nn.rnn_cell.LSTMStateTuple"].count == 3
    rows = {row["name"]: row for row in recorder.rows()}
    # tf.nn.rnn_cell.X has the entry of tf.contrib.rnn.X; the class of each is computed
    assert rows["tf.nn.rnn_cell.LSTMStateTuple"]["table_entry"] == "tf.contrib.rnn.LSTMStateTuple"
    assert rows["tf.nn.rnn_cell.LSTMStateTuple"]["source"] == report.TF_KERAS
    assert rows["tf.train.GradientDescentOptimizer"]["source"] == report.COMPAT_V1


def test_names_reached_by_libraries_are_not_the_scripts():
    """tf_keras' own `tensorflow.compat.v2` use (a frame in site-packages) is neither recorded nor wrapped."""
    recorder, top = _recording_tensorflow()
    library_file = os.path.join(sysconfig.get_paths()["purelib"], "some_library", "module.py")
    scope = {"tf": top}
    exec(compile("train = tf.train\nsaver = tf.train.Saver\nplaceholder = tf.placeholder\n", library_file, "exec"),
         scope)
    assert scope["train"] is tf.compat.v1.train and not isinstance(scope["train"], RecordingModule)
    assert recorder.uses == {}


def test_a_missing_name_and_a_failure_on_a_line():
    recorder, top = _recording_tensorflow()
    with pytest.raises(TF1NameMissing):
        top.no_such_name
    assert recorder.uses["tensorflow.no_such_name"].missing
    try:
        top.reshape(np.zeros(3), [7])
    except Exception as exc:  # noqa: BLE001 - TensorFlow's own error for the bad shape
        recorder.failed(exc)
    assert recorder.failure["names"] == ["tf.reshape"] and recorder.failure["error"].startswith("InvalidArgumentError")
    assert recorder.failure["where"].startswith("test_tf1_report.py:")
    rows = {row["name"]: row for row in recorder.rows()}
    assert rows["tf.no_such_name"]["source"] == report.MISSING and rows["tf.no_such_name"]["tf2"] is None
    text = report.markdown(report.to_json(recorder, ["rnn-tf1", "run", "x.py"], 1))
    assert "| `tf.no_such_name` | 1 (first test_tf1_report.py:" in text and "*no entry in rnn-tf1's table*" in text
    assert "**The script stopped** at test_tf1_report.py:" in text


def test_where_it_comes_from_is_computed_from_the_object():
    v1 = tf.compat.v1
    assert report.classify("tensorflow.placeholder", v1.placeholder, tf)[0] == report.COMPAT_V1
    assert report.classify("tensorflow.nn.softmax", v1.nn.softmax, tf) == (
        report.COMPAT_V1, "TF 2's `tf.nn.softmax` is a different object; defined in tensorflow.python.ops.nn_ops")
    assert report.classify("tensorflow.matmul", v1.matmul, tf)[0] == report.TF2_CORE
    # the migration idiom's route reaches another wrapper of the same function
    assert report.classify("tensorflow.compat.v1.matmul", v1.compat.v1.matmul, tf)[0] == report.TF2_CORE
    assert report.classify("tensorflow.nn.rnn_cell.GRUCell", v1.nn.rnn_cell.GRUCell, tf)[0] == report.TF_KERAS
    stack = contrib_rnn.names(Env(v1))["stack_bidirectional_rnn"]
    assert report.classify("tensorflow.contrib.rnn.stack_bidirectional_rnn", stack, tf)[0] == report.RNN_TF1
    assert report.classify("tensorflow.contrib.layers.l2_normalize", np.linalg.norm, tf)[:1] == (report.OTHER,)
    assert "numpy" in report.classify("tensorflow.x", np.linalg.norm, tf)[1]


def test_the_table_covers_the_tf1_rnn_namespaces():
    provided = [f"tf.contrib.rnn.{name}" for name in contrib_rnn.names(Env(tf.compat.v1))]
    provided += [f"tf.contrib.seq2seq.{name}" for sub in contrib_seq2seq.SUBMODULES
                 for name in __import__(f"rnn_tf1.tf1.seq2seq.{sub}", fromlist=["__all__"]).__all__]
    planned = ["tf.contrib.rnn." + n for n in ("LSTMBlockCell", "GRUBlockCellV2", "LayerNormBasicLSTMCell",
               "OutputProjectionWrapper", "InputProjectionWrapper", "EmbeddingWrapper", "AttentionCellWrapper")]
    planned += ["tf.contrib.layers." + n for n in ("fully_connected", "xavier_initializer", "conv2d", "max_pool2d",
                "flatten", "dropout", "batch_norm", "layer_norm", "embed_sequence", "l2_regularizer", "optimize_loss")]
    planned += ["tf.contrib.seq2seq." + n for n in ("sequence_loss", "dynamic_decode", "BasicDecoder", "TrainingHelper",
                "GreedyEmbeddingHelper", "BahdanauAttention", "LuongAttention", "AttentionWrapper",
                "BeamSearchDecoder", "tile_batch")]
    planned += ["tf.contrib.legacy_seq2seq." + n for n in ("rnn_decoder", "attention_decoder",
                "embedding_attention_seq2seq", "sequence_loss_by_example", "sequence_loss", "model_with_buckets")]
    missing = [name for name in provided + planned if report.table_key(name) is None]
    assert missing == []
    assert report.table_key("tf.contrib.slim.fully_connected") == "tf.contrib.layers.fully_connected"
    assert report.table_key("tf.compat.v1.nn.rnn_cell.BasicLSTMCell") == "tf.contrib.rnn.BasicLSTMCell"
    assert report.table_key("tf.no_such_name") is None


def test_the_report_overhead_bench_alternates_runs_and_takes_the_ratio_of_medians(monkeypatch):
    """The bench's bookkeeping, on stand-in runs (the real timing is for a quiet machine: `rnn-tf1
    bench --report-overhead 10000`)."""
    from rnn_tf1.studies import bench
    commands, walls = [], iter([10.0, 10.4, 12.0, 12.2, 11.0, 11.6])

    def fake_run(command):
        commands.append(command)
        return next(walls), "Step 1, ...\n"
    monkeypatch.setattr(bench, "_timed_run", fake_run)
    result = bench.report_overhead(steps=7, repeats=3)
    assert ["--report" in c for c in commands] == [False, True] * 3
    assert all(c[-2:] == ["--", "7"] and c[c.index("run") + 1] == bench.REPORT_SCRIPT for c in commands)
    assert result["plain_s"] == [10.0, 12.0, 11.0] and result["report_s"] == [10.4, 12.2, 11.6]
    assert result["ratio"] == pytest.approx(np.median([10.4, 12.2, 11.6]) / np.median([10.0, 12.0, 11.0]))
    assert result["stdout_identical"] and "ratio 1.055" in bench.report_overhead_table(result)
