"""Python-2 notebooks: which cells are Python 2, and the kernel's transformer that translates them.

A notebook is Python 2 when its kernelspec (`python2`) or language_info (version 2.x) says so:
then every code cell runs with Python 2's meaning.  Otherwise a cell is Python 2 on the evidence
of its own syntax (translate.evidence).  IPython's `%magic` and `!command` lines are IPython's,
not Python's: they are left for IPython and kept out of the test.  In the TF1 kernel the
translation is an IPython input transformer: the executed copy keeps the cell's own source.
"""
from __future__ import annotations

import os
import re
from typing import Any

from rnn_tf1.py2 import translate

# rnn-tf1 run NB.ipynb -> the kernel: "1" when the notebook says Python 2 (every cell translated).
PYTHON2_VARIABLE = "RNN_TF1_KERNEL_PYTHON2"
_IPYTHON_LINE = re.compile(r"^(\s*)([%!].*)$")


def reason(nb: Any) -> str | None:
    """Why a notebook is Python 2 by its metadata, or None."""
    meta = nb.get("metadata", {}) if hasattr(nb, "get") else {}
    spec = meta.get("kernelspec", {}) or {}
    info = meta.get("language_info", {}) or {}
    if str(spec.get("name", "")).lower() in ("python2", "python 2", "py2"):
        return f"its kernelspec is {spec.get('name')}"
    version = str(info.get("version", ""))
    if info.get("name", "python") == "python" and version.startswith("2."):
        return f"its language_info says Python {version}"
    codemirror = info.get("codemirror_mode") or {}
    if isinstance(codemirror, dict) and str(codemirror.get("version")) == "2":
        return "its language_info's codemirror_mode is Python 2"
    return None


def _masked(source: str) -> tuple[str, dict[int, str]]:
    """The cell with IPython's own lines (`%matplotlib inline`, `!ls`) replaced by `pass` lines."""
    lines = source.split("\n")
    kept: dict[int, str] = {}
    for i, line in enumerate(lines):
        m = _IPYTHON_LINE.match(line)
        if m:
            kept[i] = line
            lines[i] = m.group(1) + "pass"
    return "\n".join(lines), kept


def translate_cell(source: str, python2: bool, name: str = "<cell>",
                   futures: set | None = None) -> tuple[str, translate.Translation | None]:
    """The cell's source as it runs (IPython's lines kept), and its Translation if it was Python 2.
    `futures`: the `from __future__` features of earlier cells (IPython keeps them), updated."""
    masked, kept = _masked(source)
    futures = set() if futures is None else futures
    why = "the notebook is Python 2" if python2 and _parses(masked, futures) else translate.evidence(masked, name)
    if why is None:
        return source, None
    t = _translate(masked, name, why, futures)
    futures |= translate.future_features(masked)
    lines = t.source.split("\n")
    for i, line in kept.items():
        lines[i] = line
    t.source = "\n".join(lines)
    return t.source, t


def _translate(source: str, name: str, why: str, futures: set) -> translate.Translation:
    """With the earlier cells' __future__ features; a cell with print statements after a cell's
    `from __future__ import print_function` is read by its own syntax (its print statements)."""
    try:
        return translate.translate(source, name, why, frozenset(futures))
    except translate.Python2SyntaxError:
        if "print_function" not in futures:
            raise
        return translate.translate(source, name, why, frozenset(futures - {"print_function"}))


def _parses(source: str, futures: set) -> bool:
    if "print_function" in futures:
        return translate.python3_error(source, "<cell>") is None or translate.parses_as_python2(source)
    return translate.parses_as_python2(source)


def translate_cells(nb: Any) -> list[tuple[str, translate.Translation | None]]:
    python2 = reason(nb) is not None
    futures: set = set()
    return [translate_cell(cell.source, python2, f"cell {n}", futures)
            for n, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1)]


def kernel_transformer(python2: bool):
    """An IPython input transformer (input_transformers_post: after IPython turned its magics into
    calls) that translates a Python-2 cell; one note per cell translated, on the cell's stderr."""
    import sys

    from rnn_tf1.py2 import importer

    futures: set = set()  # IPython keeps a cell's `from __future__ import ...` for the cells after it

    def transform(lines: list[str]) -> list[str]:
        source = "".join(lines)
        why = "the notebook is Python 2" if python2 and _parses(source, futures) \
            else translate.evidence(source, "<cell>")
        if why is None:
            return lines
        t = _translate(source, "<cell>", why, futures)
        futures.update(translate.future_features(source))
        if not getattr(transform, "noted", False):
            transform.noted = True
            what = "its metadata says Python 2" if python2 else f"a cell: {t.summary() or 'no construct changed'}"
            sys.stderr.write("rnn-tf1: note: this notebook's cells are Python 2 code; running them with "
                             f"Python 2's meaning ({what})\n")
        importer.SESSION.translations[f"<cell {len(importer.SESSION.translations) + 1}>"] = t
        return t.source.splitlines(keepends=True)
    return transform


def load_ipython_extension(shell) -> None:
    """The TF1 kernel loads this module as an IPython extension (rnn_tf1.launch.kernel.main)."""
    from rnn_tf1.py2 import importer
    python2 = os.environ.pop(PYTHON2_VARIABLE, "") == "1"
    importer.install(os.getcwd())
    shell.input_transformers_post.append(kernel_transformer(python2))
