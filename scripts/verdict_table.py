"""The verdict of `rnn-tf1 compare` for many runs at once, as a Markdown table (docs/against-the-tutorial.md's
false-alarm and power tables are made with it).

    python scripts/verdict_table.py [--band BAND.json] LABEL=RUN_DIR_OR_LOG ...

Each log is judged as a pasted log would be (its configuration unknown): by the band that
`fidelity.band_for` picks for its displayed steps (or --band), with a band seed left out only if
the log is that seed's very curve.
"""
from __future__ import annotations

import argparse
import os
import sys

import rnn_tf1  # noqa: F401  (before TensorFlow)
from rnn_tf1 import run_files
from rnn_tf1.studies import fidelity
from rnn_tf1.errors import UserError
from rnn_tf1.log_format import read_log


def row(label: str, target: str, band_path: str | None) -> str:
    path = os.path.join(target, run_files.LOG_FILE) if os.path.isdir(target) else target
    run = read_log(path)
    choice = fidelity.band_for(run, None, band_path)
    if choice.band is None:
        return f"| {label} | - | - | no band ({choice.note}) | - | - | - |"
    test = choice.band.test_curve(run.points, run.test_accuracy)
    inside = choice.band.inside(run.points)
    word = "CONSISTENT" if test.consistent else "OUTSIDE"
    final = "-" if test.final_z is None else f"{test.final_z:+.2f}"
    return (f"| {label} | {test.p:.3f} | {test.rank} of {test.members} | {word} | "
            f"{fidelity.describe_part(test.furthest)} | {inside['both']}/{inside['points']} | {final} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="LABEL=RUN_DIR_OR_LOG")
    parser.add_argument("--band", default=None, help="band file (default: the shipped band for the steps)")
    args = parser.parse_args(argv)
    print("| run | p | rank (1 = furthest) | verdict | furthest out | inside min-max | final acc (sd) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    try:
        for item in args.runs:
            label, _, target = item.rpartition("=")
            print(row(label or target, target, args.band))
    except UserError as exc:
        print(f"verdict_table: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
