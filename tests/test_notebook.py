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
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images == 4  # digits, chart, overlay, predictions
    assert (run / "chart.png").exists() and (run / "predictions.png").exists()
    print(f"notebook executed in {seconds:.1f} s")
