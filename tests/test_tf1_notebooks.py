"""TF1-era notebooks (tests/tf1_notebooks/, written for this project) run unchanged: headless with
`rnn-tf1 run NOTEBOOK.ipynb`, whose stdout is what the script version and `rnn-tf1 train` print, and
in Jupyter on the kernelspec `rnn-tf1 kernel install` registers.  Each kernel start costs a
TensorFlow start-up, so each run below is shared by several assertions."""
import base64
import io
import json
import os
import shutil
import sys
from unittest import mock

import nbformat
import numpy as np
import pytest
from matplotlib.image import imread

from conftest import REPO, cli_in_process, run_cli
from rnn_tf1.launch import kernel as tf1_kernel
from rnn_tf1.launch import notebook as notebook_runner
from rnn_tf1.config import default_data_dir

NOTEBOOKS = os.path.join(REPO, "tests", "tf1_notebooks")


def write_notebook(path, *sources, kernel=None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    if kernel:
        nb.metadata["kernelspec"] = kernel
    nbformat.write(nb, str(path))
    return str(path)


def outputs(nb, kind):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == kind]


def test_the_tutorial_notebook_prints_what_rnn_tf1_train_prints(tmp_path):
    """The tutorial's GD loop split over cells, 200 steps, seed 0: byte for byte `rnn-tf1 train`'s
    stdout; its python2 metadata is one note; its chart is an image/png in the executed copy."""
    notebook = os.path.join(NOTEBOOKS, "tutorial_gd.ipynb")
    executed = tmp_path / "out" / "tutorial_gd.run.ipynb"
    proc = run_cli("run", notebook, "--seed", "0", "--data-dir", default_data_dir(), "--out", str(executed),
                   env={"TUTORIAL_STEPS": "200"})
    assert proc.returncode == 0, proc.stderr
    train = run_cli("train", "--steps", "200", "--seed", "0", "--run-dir", str(tmp_path / "train"),
                    "--data-dir", default_data_dir())
    assert train.returncode == 0, train.stderr
    # Its metadata says Python 2, so its cells run with Python 2's meaning: the same numbers, and the
    # last line prints numpy's float32 accuracy as numpy printed it then (numpy 1.13's str).
    *lines, last = proc.stdout.splitlines(keepends=True)
    *train_lines, train_last = train.stdout.splitlines(keepends=True)
    assert lines == train_lines and len(lines) == 3 and lines[0].startswith("Step 1, Minibatch Loss= ")
    accuracy = np.float32(train_last.rpartition(" ")[2])
    with np.printoptions(legacy="1.13"):
        assert last == f"Testing Accuracy: {str(accuracy)}\n" != train_last
    note = (f"rnn-tf1: note: {notebook} names the kernel python2 (Python 2); running it on "
            f"{tf1_kernel.DISPLAY_NAME}")
    assert proc.stderr.count("names the kernel") == 1 and note in proc.stderr.splitlines()
    assert f"rnn-tf1: executed notebook: {executed} (10 code cells, 1 figure)" in proc.stderr.splitlines()

    nb = nbformat.read(str(executed), as_version=4)
    assert nb.metadata.kernelspec.name == "rnn-tf1"
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == list(range(1, 11))
    # The copy holds what stdout carried, cell by cell; and the chart drawn by the inline backend.
    assert "".join(o.text for o in outputs(nb, "stream") if o.name == "stdout") == proc.stdout
    [chart] = [o for o in outputs(nb, "display_data") if "image/png" in o.data]
    pixels = imread(io.BytesIO(base64.b64decode(chart.data["image/png"])), format="png")
    assert pixels.shape[2] in (3, 4) and pixels[..., :3].std() > 0.05  # a drawn chart, not a blank canvas
    # Never over an existing file: the same --out again is one line, before any kernel starts.
    again = cli_in_process("run", notebook, "--out", str(executed))
    assert again.returncode == 2
    assert again.stderr == f"rnn-tf1: error: {executed} already exists; choose another --out\n"


def test_a_failing_cell_names_the_cell_and_keeps_the_executed_copy(tmp_path):
    notebook = os.path.join(NOTEBOOKS, "failing_cell.ipynb")
    executed = tmp_path / "failing.executed.ipynb"
    proc = run_cli("run", notebook, "--out", str(executed))
    assert proc.returncode == 1 and proc.stdout == "before the failing cell\n", proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1] == (f"rnn-tf1: error: {notebook}: cell 2 (counts = {{\"train\": 55000}}) "
                         "raised KeyError: 'validation'")
    assert lines[-2] == f"rnn-tf1: executed notebook (up to cell 2): {executed}"
    assert "----> 2 print(\"validation:\", counts[\"validation\"])" in proc.stderr  # IPython's traceback, no colours
    assert "\x1b[" not in proc.stderr
    nb = nbformat.read(str(executed), as_version=4)
    first, failing, never = nb.cells
    assert [o.text for o in first.outputs] == ["before the failing cell\n"]
    assert [(o.output_type, o.ename) for o in failing.outputs] == [("error", "KeyError")]
    assert never.outputs == [] and never.execution_count is None


def test_a_tf1_name_not_provided_is_the_scripts_one_line_naming_the_cell(tmp_path):
    notebook = write_notebook(tmp_path / "uses_distributions.ipynb", "import tensorflow as tf",
                              "net = None\ndist = tf.contrib.distributions\nprint('not reached')")
    proc = run_cli("run", notebook)
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        f"rnn-tf1: error: {notebook}: cell 2, line 2: tensorflow.contrib.distributions is not provided by rnn-tf1's "
        "TF1 environment; use the tensorflow-probability package (pip install tensorflow-probability; "
        "tfp.distributions) instead")
    assert "Traceback" not in proc.stderr
    assert os.path.exists(tmp_path / "uses_distributions.executed.ipynb")  # the default copy, beside the notebook


def test_a_killed_kernel_is_one_line_and_leaves_nothing_running(tmp_path):
    notebook = write_notebook(
        tmp_path / "killed.ipynb",
        "import os, signal, sys, time\nprint(os.getpid())\nsys.stdout.flush()\ntime.sleep(1)\n"
        "os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does",
        "print('never printed')")
    proc = run_cli("run", notebook, "--out", str(tmp_path / "killed.out.ipynb"))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[-1] == (f"rnn-tf1: error: {notebook}: the kernel died during cell 1 "
                                            "(import os, signal, sys, time) (killed, or out of memory?)")
    kernel_pid = int(proc.stdout)
    with pytest.raises(ProcessLookupError):
        os.kill(kernel_pid, 0)
    nb = nbformat.read(str(tmp_path / "killed.out.ipynb"), as_version=4)
    assert nb.cells[0].outputs[0].text == proc.stdout and nb.cells[1].outputs == []


def test_the_kernelspec_in_a_prefix_is_listed_started_and_used_by_nbclient(tmp_path, monkeypatch):
    """`rnn-tf1 kernel install --prefix`, KernelSpecManager lists it, nbclient runs the magics notebook
    on it (%matplotlib inline, %time, !ls, TF 1.x's graph mode), then `kernel remove` undoes it."""
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    prefix = tmp_path / "prefix"
    installed = cli_in_process("kernel", "install", "--prefix", prefix)
    assert installed.returncode == 0, installed.stderr
    kernels = prefix / "share" / "jupyter" / "kernels"
    assert f"rnn-tf1: kernel rnn-tf1 ({tf1_kernel.DISPLAY_NAME}) installed in {kernels / 'rnn-tf1'}" in installed.stderr
    assert "is not on Jupyter's search path" in installed.stderr  # a bare prefix: the user is told how
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    manager = KernelSpecManager()
    assert manager.find_kernel_specs()["rnn-tf1"] == str(kernels / "rnn-tf1")
    spec = manager.get_kernel_spec("rnn-tf1")
    assert spec.display_name == "Python 3 · TF 1.x API (rnn-tf1)" and spec.language == "python"
    assert spec.argv[0] == sys.executable and spec.argv[-4:] == ["-m", "rnn_tf1.launch.kernel", "-f", "{connection_file}"]
    assert os.path.exists(kernels / "rnn-tf1" / "logo-64x64.png")  # ipykernel's own kernelspec files

    folder = tmp_path / "nb"
    folder.mkdir()
    shutil.copy(os.path.join(NOTEBOOKS, "magics.ipynb"), folder)
    nb = nbformat.read(str(folder / "magics.ipynb"), as_version=4)
    NotebookClient(nb, kernel_name="rnn-tf1", timeout=300, startup_timeout=300,
                   resources={"metadata": {"path": str(folder)}}).execute()
    text = ["".join(o.text for o in c.outputs if o.output_type == "stream" and o.name == "stdout")
            for c in nb.cells if c.cell_type == "code"]
    assert text[0] in ("backend: inline\n", f"backend: {tf1_kernel.INLINE_BACKEND}\n")  # IPython's name varies
    assert text[1] == "graph mode: True False BasicLSTMCell\n"
    assert "CPU times: " in text[2] and "Wall time: " in text[2] and text[2].endswith(f"total: {sum(range(1000))}\n")
    assert text[3].split() == ["magics.ipynb"]  # !ls in the notebook's folder
    probe = np.array([[0.5, 1.5, 2.0], [1.0, -1.0, 4.0]], dtype=np.float32)
    assert np.array_equal(np.array(text[4].split("[")[1].split("]")[0].split(), dtype=np.float32), probe.sum(axis=1))

    removed = cli_in_process("kernel", "remove", "--prefix", prefix)
    assert removed.returncode == 0 and f"removed from {kernels / 'rnn-tf1'}" in removed.stderr, removed.stderr
    assert "rnn-tf1" not in KernelSpecManager().find_kernel_specs()
    again = cli_in_process("kernel", "remove", "--prefix", prefix)
    assert again.returncode == 1
    assert again.stderr == f"rnn-tf1: error: no kernel named rnn-tf1 in {kernels}: nothing removed\n"


def test_kernel_install_and_remove_never_touch_another_kernel(tmp_path):
    other = tmp_path / "share" / "jupyter" / "kernels" / "mine"
    other.mkdir(parents=True)
    (other / "kernel.json").write_text(json.dumps({"argv": ["python3", "-m", "ipykernel_launcher", "-f",
                                                            "{connection_file}"], "display_name": "Mine",
                                                   "language": "python"}))
    for action in ("install", "remove"):
        proc = cli_in_process("kernel", action, "--prefix", tmp_path, "--name", "mine")
        assert proc.returncode != 0 and proc.stderr.count("\n") == 1 and "not rnn-tf1's" in proc.stderr, proc.stderr
    assert json.loads((other / "kernel.json").read_text())["display_name"] == "Mine"


@pytest.mark.parametrize("content, needle", [
    (b"print('a script, not a notebook')\n", "not a notebook (not JSON: Expecting value at line 1)"),
    (b"\xff\xfe\x00", "not a notebook (not UTF-8 text)"),
    (json.dumps([1, 2]).encode(), "not a notebook (JSON without a notebook's nbformat and cells)"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 2, "metadata": {}}).encode(),
     "not a notebook (JSON without a notebook's nbformat and cells)"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": {}}).encode(),
     "not a notebook (nbformat 4 without a list of cells)"),
    (json.dumps({"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}).encode(),
     f"written in nbformat 5, newer than the installed nbformat {nbformat.__version__} reads (up to 4); "
     "pip install --upgrade nbformat"),
])
def test_bad_notebooks_are_one_line_with_exit_2(tmp_path, content, needle):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    proc = cli_in_process("run", path)
    assert proc.returncode == 2 and proc.stderr == f"rnn-tf1: error: {path}: {needle}\n" and proc.stdout == ""
    assert not os.path.exists(tmp_path / "bad.executed.ipynb")


def test_nbformat_3_is_converted_with_a_note(tmp_path, caplog):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "old"}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "print(1)", "language": "python", "outputs": [], "collapsed": False,
         "metadata": {}}], "metadata": {}}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    with caplog.at_level("INFO", logger="rnn_tf1"):
        nb = notebook_runner.read_notebook(str(path))
    assert nb.nbformat == 4 and [(c.cell_type, c.source) for c in nb.cells] == [("code", "print(1)")]
    assert caplog.messages == [f"note: {path} is nbformat 3; converted to nbformat 4 to run "
                               "(the executed copy is nbformat 4)"]


def test_run_options_that_do_not_fit_the_file_are_one_line(tmp_path):
    notebook = write_notebook(tmp_path / "nb.ipynb", "print(1)")
    script = tmp_path / "script.py"
    script.write_text("print(1)\n")
    for args, needle in [
        (("run", notebook, "--figures", tmp_path), "--figures is for scripts, not notebooks: its figures are inline"),
        (("run", notebook, "--", "400"), "-- ARGS is for scripts, not notebooks: a notebook has no command-line"),
        (("run", script, "--out", tmp_path / "x.ipynb"), "--out is for notebooks (the executed copy)"),
        (("run", tmp_path / "missing.ipynb"), "missing.ipynb: no such notebook"),
    ]:
        proc = cli_in_process(*args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr


def test_without_jupyters_packages_one_line_says_what_to_install(tmp_path):
    notebook = write_notebook(tmp_path / "nb.ipynb", "print(1)")
    with mock.patch.dict(sys.modules, {"nbclient": None}):
        for args in (("run", notebook), ("kernel", "install", "--prefix", tmp_path)):
            proc = cli_in_process(*args)
            assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
            assert "(nbclient is not installed): pip install ipykernel nbclient nbformat" in proc.stderr
    assert not os.path.exists(tmp_path / "share")


def test_the_default_executed_copy_never_replaces_a_file(tmp_path):
    notebook = str(tmp_path / "lesson.ipynb")
    assert notebook_runner.executed_path(notebook) == str(tmp_path / "lesson.executed.ipynb")
    (tmp_path / "lesson.executed.ipynb").write_text("kept")
    (tmp_path / "lesson.executed-2.ipynb").write_text("kept")
    assert notebook_runner.executed_path(notebook) == str(tmp_path / "lesson.executed-3.ipynb")
