"""`rnn-tf1 run --report`'s entries for what ran translated: each Python-2 file's constructs with
file:line (importer.SESSION), and the TF 1.x private paths resolved elsewhere (tf1/private_paths.py)."""
from __future__ import annotations

import os
from typing import Any


def entries() -> dict[str, Any]:
    """The report's `python2` and `private_paths` entries (empty lists when nothing was translated)."""
    from rnn_tf1.py2.importer import SESSION
    from rnn_tf1.tf1 import private_paths

    files = [{"file": path, "evidence": t.evidence,
              "constructs": [{"line": c.line, "rule": c.rule} for c in t.constructs]}
             for path, t in SESSION.translations.items()]
    moved = [{"name": old, "now": new, "first_use": where} for old, new, where in private_paths.USES]
    return {"python2": files, "private_paths": moved}


def markdown(report: dict[str, Any]) -> list[str]:
    """The report's Markdown section for those entries (no lines when there are none)."""
    out: list[str] = []
    if report.get("python2"):
        out += ["## Python 2 code, run with Python 2's meaning", "",
                "| file:line | construct translated |", "| --- | --- |"]
        for entry in report["python2"]:
            name = os.path.basename(entry["file"])
            out += [f"| {name}:{c['line']} | {c['rule'].replace('|', '/')} |" for c in entry["constructs"]]
        out.append("")
    if report.get("private_paths"):
        out += ["## TF 1.x private paths resolved where TensorFlow 2.21 keeps them", "",
                "| TF 1.x path | TensorFlow 2.21 | first use |", "| --- | --- | --- |"]
        out += [f"| `{m['name']}` | `{m['now']}` | {m['first_use']} |" for m in report["private_paths"]]
        out.append("")
    return out
