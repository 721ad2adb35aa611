"""A run's log against the tutorial's published log, judged by the measured seed band.

`compare_logs` aligns two parsed logs by step; `table` and `summary` render the
result; the verdict uses a `SeedBand` (the spread of faithful runs across
seeds) when one covers the run's steps, and says so when none does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from rnn_tf1.errors import UsageError
from rnn_tf1.fidelity import SeedBand
from rnn_tf1.log_format import ParsedLog

# A run is consistent with faithful runs when its final accuracy is within Z_LIMIT seed standard
# deviations of the seed mean and it lies inside the band at least as often as the worst faithful
# seed does against the band of the other seeds (SeedBand.leave_one_out, scaled to the points compared).
Z_LIMIT = 3.0


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
    band: SeedBand | None          # the band, if it covers every compared step

    def differences(self) -> dict[str, float]:
        loss = np.abs([r.loss_diff for r in self.rows])
        acc = np.abs([r.accuracy_diff for r in self.rows])
        return {"mean_abs_loss": float(loss.mean()), "max_abs_loss": float(loss.max()),
                "max_loss_step": self.rows[int(loss.argmax())].step,
                "mean_abs_accuracy": float(acc.mean()), "max_abs_accuracy": float(acc.max()),
                "max_accuracy_step": self.rows[int(acc.argmax())].step}


def compare_logs(reference: ParsedLog, run: ParsedLog, band: SeedBand | None = None) -> Comparison:
    ref = {p.step: p for p in reference.points}
    ours = {p.step: p for p in run.points}
    common = sorted(set(ref) & set(ours))
    if not common:
        raise UsageError(f"{run.path} and {reference.path} share no displayed step")
    rows = [Row(s, ref[s].loss, ours[s].loss, ref[s].accuracy, ours[s].accuracy) for s in common]
    if band is not None and not set(common) <= set(band.steps):
        band = None
    return Comparison(reference, run, rows, sorted(set(ref) - set(ours)), sorted(set(ours) - set(ref)), band)


def table(c: Comparison) -> str:
    head = (f"{'step':>6} {'ref loss':>9} {'run loss':>9} {'diff':>8}   "
            f"{'ref acc':>7} {'run acc':>7} {'diff':>7}")
    body = [f"{r.step:>6} {r.reference_loss:9.4f} {r.run_loss:9.4f} {r.loss_diff:+8.4f}   "
            f"{r.reference_accuracy:7.3f} {r.run_accuracy:7.3f} {r.accuracy_diff:+7.3f}" for r in c.rows]
    return "\n".join([head, *body])


def verdict(c: Comparison) -> str:
    """One sentence resting on the seed band, or a statement that there is none."""
    if c.band is None:
        return "verdict: no seed band covers these steps, so only the differences above can be given"
    points = [p for p in c.run.points if p.step in {r.step for r in c.rows}]
    inside = c.band.inside(points)
    n = inside["points"]
    parts = [f"inside the seed band at {inside['both']} of {n} points "
             f"(loss {inside['loss']}, accuracy {inside['accuracy']})"]
    z = math.nan
    last_step = c.run.points[-1].step  # compare_logs refuses a run with no displayed step in common
    if c.run.test_accuracy is not None and last_step != c.band.steps[-1]:
        # A shorter (or longer) run's test accuracy says nothing about the band's final one.
        parts.append(f"final accuracy not compared: the run's last displayed step is {last_step}, "
                     f"the seed runs' {c.band.steps[-1]}")
    elif c.run.test_accuracy is not None:
        z = c.band.z_score(c.run.test_accuracy)
        parts.append(f"final accuracy at {z:+.2f} standard deviations from the seed mean "
                     f"({c.band.test_mean:.4f} ± {c.band.test_std:.4f}, {len(c.band.seeds)} seeds)")
    loo = c.band.leave_one_out()
    needed = math.ceil(min(loo) * n / len(c.band.steps))
    parts.insert(1, f"faithful seeds, each against the band of the others, are inside at "
                    f"{min(loo)}..{max(loo)} of {len(c.band.steps)}")
    consistent = inside["both"] >= needed and (math.isnan(z) or abs(z) <= Z_LIMIT)
    word = "CONSISTENT with faithful runs" if consistent else "OUTSIDE the spread of faithful runs"
    ref_inside = c.band.inside(c.reference.points)
    return (f"verdict: {word}: {'; '.join(parts)}. For scale, the tutorial's own log is inside at "
            f"{ref_inside['both']} of {ref_inside['points']} points"
            + (f", its final accuracy at {c.band.z_score(c.reference.test_accuracy):+.2f} sd"
               if c.reference.test_accuracy is not None else "") + ".")


def summary(c: Comparison) -> str:
    d = c.differences()
    lines = [f"compared {len(c.rows)} displayed steps of {c.run.path} with {c.reference.path}",
             f"loss: mean |diff| {d['mean_abs_loss']:.4f}, max {d['max_abs_loss']:.4f} at step {d['max_loss_step']}",
             f"accuracy: mean |diff| {d['mean_abs_accuracy']:.4f}, max {d['max_abs_accuracy']:.4f} "
             f"at step {d['max_accuracy_step']}",
             f"Testing Accuracy: reference {c.reference.test_accuracy}, run {c.run.test_accuracy}"]
    if c.only_reference or c.only_run:
        lines.append(f"steps in one log only: reference {len(c.only_reference)}, run {len(c.only_run)}")
    lines.append(verdict(c))
    return "\n".join(lines)


def overlay(c: Comparison):
    from rnn_tf1.plotting import overlay_chart
    return overlay_chart(c.reference.points, c.run.points, c.band)
