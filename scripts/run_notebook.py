"""Execute a notebook with a real Jupyter kernel, parameters injected into its `parameters` cell.

    python scripts/run_notebook.py notebooks/rnn_tf1_tutorial.ipynb OUT.ipynb [NAME=VALUE ...]

VALUE is a Python literal (STEPS=200, RUN_DIR="'runs/x'"). The executed copy, with
outputs, is written to OUT; the committed notebook is never modified.
"""
from __future__ import annotations

import ast
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def execute(path: str, out: str, params: dict[str, object], timeout: int = 1800) -> float:
    """Run every cell of `path` (after overriding `params`), save to `out`; returns seconds."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise SystemExit(f"{path}: needs exactly one cell tagged 'parameters', found {len(cells)}")
    if params:
        cells[0].source += "\n# injected\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    started = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    try:
        client.execute()
    finally:
        nbformat.write(nb, out)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    params = {}
    for item in argv[2:]:
        name, _, value = item.partition("=")
        params[name] = ast.literal_eval(value)
    seconds = execute(argv[0], argv[1], params)
    print(f"executed {argv[0]} in {seconds:.1f} s -> {argv[1]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
