"""The tutorial notebook runs end to end in a real Jupyter kernel (short schedule)."""
import os
import sys

import nbformat

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "scripts"))
from run_notebook import execute  # noqa: E402

NOTEBOOK = os.path.join(REPO, "notebooks", "rnn_tf1_tutorial.ipynb")


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_executes(tmp_path):
    out = tmp_path / "executed.ipynb"
    run = tmp_path / "nb-run"
    seconds = execute(NOTEBOOK, str(out), {"STEPS": 40, "DISPLAY_STEP": 20, "RUN_DIR": str(run)})
    nb = nbformat.read(str(out), as_version=4)
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Step 1, Minibatch Loss= " in text and "Step 40, Minibatch Loss= " in text
    assert "Testing Accuracy: " in text and "trainable parameters: 81674" in text
    assert "rnn/basic_lstm_cell/kernel" in text and "digit_3.png" in text
    assert "the tutorial's own code printed the package's first lines: True" in text
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images == 4  # digits, chart, overlay, predictions
    assert (run / "chart.png").exists() and (run / "predictions.png").exists()
    print(f"notebook executed in {seconds:.1f} s")


def test_the_notebooks_tutorial_code_builds_build_models_graph(tmp_path):
    """The tutorial's own code shown in the notebook, run as a script in the TF1 environment:
    the variables of build_model's graph and, seeded, the first losses `rnn-tf1 train` prints."""
    import rnn_tf1  # noqa: F401
    from rnn_tf1.config import Config, default_data_dir
    from rnn_tf1.graph import build_model, tf1
    from conftest import run_cli

    nb = nbformat.read(NOTEBOOK, as_version=4)
    [cell] = [c for c in nb.cells if "tutorial-code" in c.get("metadata", {}).get("tags", [])]
    script = tmp_path / "notebook_tutorial_code.py"
    script.write_text("TUTORIAL_CODE_STEPS = 100\nDISPLAY_STEP = 50\n" + cell.source + "\n")
    proc = run_cli("run", str(script), "--seed", "3", "--data-dir", default_data_dir())
    assert proc.returncode == 0, proc.stderr
    *lines, names = proc.stdout.splitlines()
    train = run_cli("train", "--steps", "100", "--display-step", "50", "--seed", "3",
                    "--run-dir", str(tmp_path / "train"), "--data-dir", default_data_dir())
    assert lines == train.stdout.splitlines()[:3] and len(lines) == 3
    model = build_model(Config(data_dir="unused"))
    with model.graph.as_default():
        assert names.split() == [v.op.name for v in tf1.global_variables()]
