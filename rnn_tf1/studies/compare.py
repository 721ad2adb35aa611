"""A run's log against the tutorial's published log, judged by the measured seed band.

`compare_logs` aligns two parsed logs by step; `table` and `summary` render the
result; the verdict uses a `SeedBand` (the spread of faithful runs across
seeds) when one covers the run's steps, and says so when none does.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from rnn_tf1 import package_data, run_files
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError
from rnn_tf1.log_format import ParsedLog, read_log
from rnn_tf1.studies.fidelity import ALPHA, BandChoice, CurveTest, SeedBand, band_for, describe_part, ordinal


class Row(NamedTuple):
    step: int
    reference_loss: float
    run_loss: float
    reference_accuracy: float
    run_accuracy: float

    @property
    def loss_diff(self) -> float:
        return self.run_loss - self.reference_loss

    @property
    def accuracy_diff(self) -> float:
        return self.run_accuracy - self.reference_accuracy


@dataclass(frozen=True)
class Comparison:
    reference: ParsedLog
    run: ParsedLog
    rows: list[Row]
    only_reference: list[int]      # steps the run did not display
    only_run: list[int]            # steps the reference did not display
    band: SeedBand | None          # the band, if it covers every step the run displayed
    band_note: str = ""            # which band and why (fidelity.band_for), or why none

    def differences(self) -> dict[str, float]:
        loss = np.abs([r.loss_diff for r in self.rows])
        acc = np.abs([r.accuracy_diff for r in self.rows])
        return {"mean_abs_loss": float(loss.mean()), "max_abs_loss": float(loss.max()),
                "max_loss_step": self.rows[int(loss.argmax())].step,
                "mean_abs_accuracy": float(acc.mean()), "max_abs_accuracy": float(acc.max()),
                "max_accuracy_step": self.rows[int(acc.argmax())].step}

    @cached_property
    def test(self) -> CurveTest | None:
        """The calibrated test of the run against the band (None without a band); computed once,
        though the summary, the overlay and `compare --check` all read it."""
        if self.band is None:
            return None
        return self.band.test_curve(self.run.points, self.run.test_accuracy)

    def consistent(self) -> bool | None:
        return None if self.test is None else self.test.consistent


def compare_logs(reference: ParsedLog, run: ParsedLog, band: SeedBand | None = None,
                 band_note: str = "") -> Comparison:
    ref = {p.step: p for p in reference.points}
    ours = {p.step: p for p in run.points}
    common = sorted(set(ref) & set(ours))
    if not common:
        raise UsageError(f"{run.path} and {reference.path} share no displayed step")
    rows = [Row(s, ref[s].loss, ours[s].loss, ref[s].accuracy, ours[s].accuracy) for s in common]
    if band is not None and not set(ours) <= set(band.steps):
        band, band_note = None, "no seed band: the band's displayed steps do not include the run's"
    return Comparison(reference, run, rows, sorted(set(ref) - set(ours)), sorted(set(ours) - set(ref)), band,
                      band_note)


def table(c: Comparison) -> str:
    head = (f"{'step':>6} {'ref loss':>9} {'run loss':>9} {'diff':>8}   "
            f"{'ref acc':>7} {'run acc':>7} {'diff':>7}")
    body = [f"{r.step:>6} {r.reference_loss:9.4f} {r.run_loss:9.4f} {r.loss_diff:+8.4f}   "
            f"{r.reference_accuracy:7.3f} {r.run_accuracy:7.3f} {r.accuracy_diff:+7.3f}" for r in c.rows]
    return "\n".join([head, *body])


def verdict(c: Comparison) -> str:
    """The calibrated test's verdict and the band's descriptive figures, or why there is none."""
    test = c.test
    if test is None:
        return "verdict: none (" + (c.band_note or "no seed band") + "), so only the differences above can be given"
    word = "CONSISTENT with faithful runs" if test.consistent else "OUTSIDE the spread of faithful runs"
    lines = [f"verdict: {word}: p = {test.p:.3f} ({'>=' if test.consistent else '<'} {ALPHA}); of "
             f"{test.members} curves, the run and {test.members - 1} faithful seeds each measured against "
             f"the others, the run is the {ordinal(test.rank)} furthest; furthest out: {describe_part(test.furthest)}"]
    inside = c.band.inside(c.run.points)
    figures = [f"inside the band's min-max at {inside['both']} of {inside['points']} points "
               f"(loss {inside['loss']}, accuracy {inside['accuracy']})"]
    last_step = c.run.points[-1].step  # compare_logs refuses a run with no displayed step in common
    if c.run.test_accuracy is not None and test.final_z is None:
        # A shorter (or longer) run's test accuracy says nothing about the band's final one.
        figures.append(f"final accuracy not compared: the run's last displayed step is {last_step}, "
                       f"the seed runs' {c.band.steps[-1]}")
    elif test.final_z is not None:
        figures.append(f"final accuracy {test.final_z:+.2f} sd from the seeds' mean "
                       f"({c.band.test_mean:.4f} ± {c.band.test_std:.4f}, {len(c.band.seeds)} seeds)")
    lines.append("band: " + "; ".join(figures))
    if set(p.step for p in c.reference.points) <= set(c.band.steps):
        ref_test = c.band.test_curve(c.reference.points, c.reference.test_accuracy)
        ref_inside = c.band.inside(c.reference.points)
        lines.append(f"for scale, the tutorial's own log: p = {ref_test.p:.3f}, inside at {ref_inside['both']} "
                     f"of {ref_inside['points']} points")
    return "\n".join(lines)


def summary(c: Comparison) -> str:
    d = c.differences()
    lines = [f"compared {len(c.rows)} displayed steps of {c.run.path} with {c.reference.path}",
             f"loss: mean |diff| {d['mean_abs_loss']:.4f}, max {d['max_abs_loss']:.4f} at step {d['max_loss_step']}",
             f"accuracy: mean |diff| {d['mean_abs_accuracy']:.4f}, max {d['max_abs_accuracy']:.4f} "
             f"at step {d['max_accuracy_step']}",
             f"Testing Accuracy: reference {c.reference.test_accuracy}, run {c.run.test_accuracy}"]
    if c.only_reference or c.only_run:
        lines.append(f"steps in one log only: reference {len(c.only_reference)}, run {len(c.only_run)}")
    if c.band is not None and c.band_note:
        lines.append(c.band_note)
    lines.append(verdict(c))
    return "\n".join(lines)


def overlay(c: Comparison, run_name: str = "this run"):
    """The overlay chart, titled with the run and the verdict."""
    from rnn_tf1.plotting import overlay_chart
    test = c.test
    title = run_name + (": no verdict (no seed band)" if test is None else
                        f": {'CONSISTENT with' if test.consistent else 'OUTSIDE'} faithful runs, p = {test.p:.3f}")
    return overlay_chart(c.reference.points, c.run.points, c.band, title=title)


class Target(NamedTuple):
    """What `compare` and `plot` were given: a run folder or a log file."""
    log_path: str
    run: str | None          # the run folder, or None for a log file
    config: Config | None    # the run's configuration, if it has one
    batch_size: int          # to read Iter lines


def target(path: str, batch_size: int | None = None) -> Target:
    """A run folder or a log file, with the batch size its Iter lines count in (default the run's, or 128)."""
    if os.path.isdir(path):
        config = run_files.read_config(path) if os.path.exists(os.path.join(path, run_files.CONFIG_FILE)) else None
        return Target(os.path.join(path, run_files.LOG_FILE), path, config,
                      batch_size or (config.batch_size if config else 128))
    return Target(path, None, None, batch_size or 128)


def compare_run(run: Target, reference_path: str | None = None, band_path: str | None = None,
                no_band: bool = False) -> Comparison:
    """A run's log against the reference (default the tutorial's), judged by the band band_for chooses."""
    parsed = read_log(run.log_path, run.batch_size)
    reference = read_log(reference_path or package_data.REFERENCE_LOG, run.batch_size)
    choice = BandChoice(None, "no seed band: --no-band") if no_band else band_for(parsed, run.config, band_path)
    return compare_logs(reference, parsed, choice.band, choice.note)


def after_training(workdir: str, config: Config) -> tuple[str, str | None]:
    """What `rnn-tf1 train` reports once a run ends: (the summary, the overlay chart's path).

    A finished run never fails on its comparison: when none can be made (the run displays no step
    the tutorial's log displays, say), the summary is one line saying why and there is no chart;
    `rnn-tf1 compare` keeps the error exit for the same cause."""
    from rnn_tf1.plotting import save_png
    try:
        result = compare_run(Target(os.path.join(workdir, run_files.LOG_FILE), workdir, config, config.batch_size))
    except UsageError as exc:
        return f"no comparison with the tutorial's log: {exc}", None
    chart = save_png(overlay(result, workdir), os.path.abspath(os.path.join(workdir, run_files.COMPARE_FILE)))
    return summary(result), chart
