"""Seed-to-seed spread of the faithful run: the basis for judging any run against the tutorial.

The tutorial set no seed, so no run can repeat it number for number.  What
can be measured is how much faithful runs differ from each other: `run_seeds`
trains the same configuration with N seeds (each a separate `rnn-tf1 train`
process, so each starts clean), and `SeedBand` holds, per displayed step, the
min, max, mean and standard deviation of loss and accuracy, plus the final
Testing Accuracy of every seed.  The band file is JSON (see `SeedBand.to_dict`).
"""
from __future__ import annotations

import dataclasses
import logging
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

import numpy as np

from rnn_tf1 import package_data, run_files
from rnn_tf1.config import Config, to_argv
from rnn_tf1.errors import UsageError
from rnn_tf1.log_format import LogPoint, ParsedLog, read_log

log = logging.getLogger(__name__)

BAND_FORMAT = "rnn_tf1.seed_band/1"
# Package data: the bands of the faithful GD configuration and of the Adam variant (the first that
# fits a run is used).
SHIPPED_BANDS = ("seed_band_gd.json", "seed_band_adam.json")
# The calibrated test: a curve is cut into this many runs of consecutive displayed steps, and each
# run's mean standardized difference is scored, so that a changed learning curve (a shift over many
# steps) counts for more than minibatch noise at single points.
SEGMENTS = 5
ALPHA = 0.05  # a run is OUTSIDE the spread of faithful runs when p < ALPHA
# Smallest spread used to standardize (the printed resolution): no division by a zero spread.
SPREAD_FLOOR = {"loss": 1e-4, "accuracy": 1e-3, "final": 1e-3}


def _stats(matrix: np.ndarray) -> dict[str, list[float]]:
    """Per-column min, max, mean, std (population) of a (seeds, steps) matrix."""
    return {"min": matrix.min(0).tolist(), "max": matrix.max(0).tolist(),
            "mean": matrix.mean(0).tolist(), "std": matrix.std(0).tolist()}


class CurveTest(NamedTuple):
    """Where a run's curve ranks among faithful seeds' curves (a conformal test).

    Each member (the run and every band seed) gets a distance from the mean of the *other*
    members, in units of their spread; p = (members at least as far as the run, the run included)
    / members.  If the run is one more faithful seed, all members are exchangeable and
    P(p < ALPHA) <= ALPHA, whatever the shape of the seed-to-seed variation.
    """
    p: float
    rank: int                # 1 = the furthest of all members
    members: int             # band seeds + the run
    distance: float          # the run's
    seed_distances: list[float]
    furthest: tuple[str, int, int, float]  # (metric, first step, last step, mean standardized difference)
    final_z: float | None    # the final Testing Accuracy's standardized difference (None: not compared)

    @property
    def consistent(self) -> bool:
        return self.p >= ALPHA


def curve_distances(loss: np.ndarray, accuracy: np.ndarray, final: np.ndarray | None,
                    steps: Sequence[int]) -> tuple[np.ndarray, list[tuple[str, int, int, float]]]:
    """Distance of every member (row) from the other members, and the part of its curve that adds
    the most to it.

    loss, accuracy: (members, steps); final: (members,) Testing Accuracy or None.  z is a member's
    difference from the others' mean at each step in units of the others' standard deviation.
    Per metric, the distance sums
      - the level of each of the SEGMENTS runs of consecutive steps: n_k * mean_k(z)^2 (a curve
        that learns faster or slower, or plateaus elsewhere);
      - the scatter around those levels: ((v - 1) / sqrt(2 / T))^2, v the mean squared z minus its
        segment's mean over all T steps (a curve noisier or smoother from point to point, e.g. other
        minibatches or another cell);
    and adds z_final^2; the distance is the square root of the sum.  Under independent noise each
    term is about chi-square(1), so no part dominates by construction.
    """
    members = loss.shape[0]
    segments = [s for s in np.array_split(np.arange(len(steps)), min(SEGMENTS, len(steps))) if len(s)]
    distances, furthest = np.zeros(members), []
    for j in range(members):
        others = np.arange(members) != j
        terms: list[tuple[float, tuple[str, int, int, float]]] = []
        for name, values in (("loss", loss), ("accuracy", accuracy)):
            spread = np.maximum(values[others].std(0, ddof=1), SPREAD_FLOOR[name])
            z = (values[j] - values[others].mean(0)) / spread
            for seg in segments:
                mean_z = float(z[seg].mean())
                terms.append((len(seg) * mean_z ** 2, (name, int(steps[seg[0]]), int(steps[seg[-1]]), mean_z)))
            if len(steps) > len(segments):
                scatter = float(np.mean(np.concatenate([(z[seg] - z[seg].mean()) ** 2 for seg in segments])))
                terms.append((((scatter - 1) / math.sqrt(2 / len(steps))) ** 2,
                               (f"{name} scatter", int(steps[0]), int(steps[-1]), math.sqrt(scatter))))
        if final is not None:
            spread = max(float(final[others].std(ddof=1)), SPREAD_FLOOR["final"])
            z_final = float((final[j] - final[others].mean()) / spread)
            terms.append((z_final ** 2, ("final accuracy", int(steps[-1]), int(steps[-1]), z_final)))
        distances[j] = math.sqrt(sum(t for t, _ in terms))
        furthest.append(max(terms, key=lambda t: t[0])[1])
    return distances, furthest


@dataclass(frozen=True)
class SeedBand:
    seeds: list[int]
    steps: list[int]
    loss: dict[str, list[float]]       # min/max/mean/std per step
    accuracy: dict[str, list[float]]   # min/max/mean/std per step
    test_accuracies: list[float]       # final Testing Accuracy of each seed
    curves: dict[str, list[list[float]]]  # "loss" and "accuracy": one list per seed, one value per step
    config: dict[str, Any]             # the Config the seeds ran with
    command: str                       # the command that produced the band
    environment: dict[str, str]        # TensorFlow version, date, machine
    parts: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # merged bands: each part's
                                       # seeds, command and environment

    @property
    def test_mean(self) -> float:
        return float(np.mean(self.test_accuracies))

    @property
    def test_std(self) -> float:
        return float(np.std(self.test_accuracies, ddof=1)) if len(self.test_accuracies) > 1 else 0.0

    @classmethod
    def from_curves(cls, seeds: Sequence[int], steps: Sequence[int], loss: np.ndarray, accuracy: np.ndarray,
                    test_accuracies: Sequence[float], config: dict[str, Any], command: str,
                    environment: dict[str, str], parts: list[dict[str, Any]] | None = None) -> "SeedBand":
        loss, accuracy = np.asarray(loss, dtype=float), np.asarray(accuracy, dtype=float)
        return cls([int(s) for s in seeds], [int(s) for s in steps], _stats(loss), _stats(accuracy),
                   [float(a) for a in test_accuracies], {"loss": loss.tolist(), "accuracy": accuracy.tolist()},
                   dict(config), command, dict(environment), list(parts or []))

    @classmethod
    def from_logs(cls, seeds: Sequence[int], logs: Sequence[ParsedLog], config: Config,
                  command: str, environment: dict[str, str]) -> "SeedBand":
        steps = [p.step for p in logs[0].points]
        for parsed in logs:
            if [p.step for p in parsed.points] != steps:
                raise UsageError(f"{parsed.path}: displayed steps differ from {logs[0].path}")
            if parsed.test_accuracy is None:
                raise UsageError(f"{parsed.path}: no Testing Accuracy line (run unfinished?)")
        return cls.from_curves(seeds, steps, [[p.loss for p in parsed.points] for parsed in logs],
                               [[p.accuracy for p in parsed.points] for parsed in logs],
                               [parsed.test_accuracy for parsed in logs], config.to_dict(), command, environment)

    def model_settings(self) -> dict[str, Any]:
        """What the seeds computed (Config.model_settings; a key the band predates has its default)."""
        return Config.from_dict({k: v for k, v in self.config.items() if k in Config.__dataclass_fields__}
                                ).model_settings()

    def without(self, seed: int) -> "SeedBand":
        """The band of the other seeds."""
        keep = [i for i, s in enumerate(self.seeds) if s != seed]
        curves = {k: np.array(v)[keep] for k, v in self.curves.items()}
        return SeedBand.from_curves([self.seeds[i] for i in keep], self.steps, curves["loss"], curves["accuracy"],
                                    [self.test_accuracies[i] for i in keep], self.config, self.command,
                                    self.environment, self.parts)

    def seed_with_curve(self, points: Sequence[LogPoint]) -> int | None:
        """The band's seed whose displayed points are exactly `points` (the same run), if any."""
        if [p.step for p in points] != self.steps:
            return None
        for i, seed in enumerate(self.seeds):
            if (self.curves["loss"][i] == [p.loss for p in points]
                    and self.curves["accuracy"][i] == [p.accuracy for p in points]):
                return seed
        return None

    def inside(self, points: Sequence[LogPoint]) -> dict[str, int]:
        """How many of `points` (matched by step) lie within the band's min-max, per quantity."""
        index = {step: i for i, step in enumerate(self.steps)}
        matched = [(index[p.step], p) for p in points if p.step in index]
        count = {"points": len(matched), "loss": 0, "accuracy": 0, "both": 0}
        for i, p in matched:
            in_loss = self.loss["min"][i] <= p.loss <= self.loss["max"][i]
            in_acc = self.accuracy["min"][i] <= p.accuracy <= self.accuracy["max"][i]
            count["loss"] += in_loss
            count["accuracy"] += in_acc
            count["both"] += in_loss and in_acc
        return count

    def leave_one_out(self) -> list[int]:
        """For each seed: points inside (loss and accuracy) the min-max band of the other seeds."""
        loss, acc = np.array(self.curves["loss"]), np.array(self.curves["accuracy"])
        counts = []
        for i in range(len(self.seeds)):
            others = np.arange(len(self.seeds)) != i
            in_loss = (loss[others].min(0) <= loss[i]) & (loss[i] <= loss[others].max(0))
            in_acc = (acc[others].min(0) <= acc[i]) & (acc[i] <= acc[others].max(0))
            counts.append(int((in_loss & in_acc).sum()))
        return counts

    def z_score(self, test_accuracy: float) -> float:
        """The final accuracy's difference from the seeds' mean in seed sd (the spread floored)."""
        return (test_accuracy - self.test_mean) / max(self.test_std, SPREAD_FLOOR["final"])

    def test_curve(self, points: Sequence[LogPoint], test_accuracy: float | None) -> CurveTest:
        """The calibrated test of a run's points (matched by step) and, when the run's last
        displayed step is the band's, its final Testing Accuracy (see CurveTest)."""
        index = {step: i for i, step in enumerate(self.steps)}
        matched = [(index[p.step], p) for p in points if p.step in index]
        if len(self.seeds) < 3 or not matched:
            raise UsageError(f"a calibrated test needs a band of at least 3 seeds sharing the run's steps "
                             f"(this one: {len(self.seeds)} seeds)")
        cols = [i for i, _ in matched]
        loss = np.vstack([np.array(self.curves["loss"])[:, cols], [p.loss for _, p in matched]])
        acc = np.vstack([np.array(self.curves["accuracy"])[:, cols], [p.accuracy for _, p in matched]])
        final = None
        if test_accuracy is not None and points[-1].step == self.steps[-1]:
            final = np.append(self.test_accuracies, test_accuracy)
        distances, furthest = curve_distances(loss, acc, final, [self.steps[i] for i in cols])
        run = distances[-1]
        rank = int((distances >= run).sum())  # the run itself included
        return CurveTest(rank / len(distances), rank, len(distances), float(run), distances[:-1].tolist(),
                         furthest[-1], None if final is None else self.z_score(test_accuracy))

    def to_dict(self) -> dict[str, Any]:
        return {"format": BAND_FORMAT, **dataclasses.asdict(self),
                "test_accuracy_mean": self.test_mean, "test_accuracy_std": self.test_std}

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "<band>") -> "SeedBand":
        if data.get("format") != BAND_FORMAT:
            raise UsageError(f"{path}: not a seed band file (format {data.get('format')!r})")
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in fields})


def load_band(path: str | None = None) -> SeedBand:
    """The band at `path`, or the shipped band of the faithful configuration."""
    path = path or package_data.path(SHIPPED_BANDS[0])
    try:
        return SeedBand.from_dict(run_files.read_json(path), path)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such seed band file") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"{path}: not a readable seed band file ({exc})") from None


def _differing_settings(settings: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """The model settings (Config.model_settings) in which two runs or bands differ."""
    return [k for k, v in settings.items() if other[k] != v]


class BandChoice(NamedTuple):
    band: SeedBand | None
    note: str        # which band and why, or why none; a seed left out


def band_for(run: ParsedLog, config: Config | None = None, band_path: str | None = None) -> BandChoice:
    """The one rule for judging a run: the given band, else the first shipped band measured with
    the run's model settings (when its config is known) over displayed steps that include the
    run's.  A band seed that is this run (same settings and seed, or the very same curve) is left
    out: a run is never judged against itself."""
    paths = [band_path] if band_path else [package_data.path(name) for name in SHIPPED_BANDS]
    reasons = []
    for path in paths:
        band = load_band(path)
        name = os.path.basename(path)
        if config is not None:
            differing = _differing_settings(band.model_settings(), config.model_settings())
            if differing:
                reasons.append(f"{name} was measured with other {', '.join(differing)}")
                continue
        if not {p.step for p in run.points} <= set(band.steps):
            reasons.append(f"{name} has other displayed steps")
            continue
        note = f"seed band {name} ({len(band.seeds)} seeds)"
        own = config.seed if config is not None and config.seed in band.seeds else band.seed_with_curve(run.points)
        if own is not None:
            band = band.without(own)
            note += f"; its seed {own} is this run's own, so it is left out ({len(band.seeds)} seeds remain)"
        return BandChoice(band, note)
    return BandChoice(None, "no seed band: " + "; ".join(reasons))


def parse_seed_list(text: str) -> list[int]:
    """"100-109,120" -> [100, ..., 109, 120]; a one-line UsageError for anything else."""
    seeds: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            lo, hi = int(first), int(last) if dash else int(first)
        except ValueError:
            raise UsageError(f"--seed-list {text!r}: {part!r} is not a seed N or a range N-M") from None
        if not 0 <= lo <= hi < 2**31:
            raise UsageError(f"--seed-list {text!r}: {part!r} is not a range of seeds 0..2**31-1")
        seeds.extend(range(lo, hi + 1))
    if len(set(seeds)) != len(seeds):
        raise UsageError(f"--seed-list {text!r} names a seed twice")
    return seeds


def environment() -> dict[str, str]:
    """This machine and software, as recorded in band files."""
    import platform

    import tensorflow as tf
    cpu = next((line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "unknown cpu")
    return {"tensorflow": tf.__version__, "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cpus, {cpu}", "date": time.strftime("%Y-%m-%d")}


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read().splitlines()
    except OSError:
        return []


def band_from_run(workdir: str) -> SeedBand:
    """A one-seed band of a finished run directory (made by `rnn-tf1 train`, by any job runner),
    recorded with the `rnn-tf1 train` command that repeats it and this machine's environment."""
    import shlex
    config = run_files.read_config(workdir)
    parsed = read_log(os.path.join(workdir, run_files.LOG_FILE), config.batch_size)
    command = "rnn-tf1 " + shlex.join(train_argv(config, workdir))
    return SeedBand.from_logs([config.seed], [parsed], config, command, environment())


def merge_bands(bands: Sequence[tuple[str, SeedBand]], command: str) -> SeedBand:
    """One band of the seeds of several (path, band) pairs, refusing (one line) any that differ in
    configuration, schedule or TensorFlow version, or that share a seed."""
    first_path, first = bands[0]
    seen: dict[int, str] = {}
    for path, band in bands:
        differing = _differing_settings(band.model_settings(), first.model_settings())
        if differing or band.steps != first.steps:
            what = ", ".join(differing) if differing else "displayed steps"
            raise UsageError(f"{path}: measured with other {what} than {first_path}; bands of different "
                             "configurations cannot be merged")
        if band.environment.get("tensorflow") != first.environment.get("tensorflow"):
            raise UsageError(f"{path}: TensorFlow {band.environment.get('tensorflow')}, but {first_path} "
                             f"was measured with {first.environment.get('tensorflow')}; not merged")
        for seed in band.seeds:
            if seed in seen:
                raise UsageError(f"{path}: seed {seed} is also in {seen[seed]}; each seed may appear once")
            seen[seed] = path
    rows = sorted((seed, band, i) for _, band in bands for i, seed in enumerate(band.seeds))
    parts = [part for _, band in bands
             for part in (band.parts or [{"seeds": band.seeds, "command": band.command,
                                          "environment": band.environment}])]
    return SeedBand.from_curves(
        [seed for seed, _, _ in rows], first.steps,
        [band.curves["loss"][i] for _, band, i in rows], [band.curves["accuracy"][i] for _, band, i in rows],
        [band.test_accuracies[i] for _, band, i in rows], first.config, command,
        {**first.environment, "date": time.strftime("%Y-%m-%d")}, parts)


def train_argv(config: Config, workdir: str) -> list[str]:
    """`rnn-tf1 train`'s arguments that repeat `config` (its seed included) into `workdir`."""
    return ["train", *to_argv(config), "--run-dir", workdir]


def load_inputs(paths: Sequence[str]) -> list[tuple[str, SeedBand]]:
    """`fidelity merge`'s inputs: band files and finished run folders, each as a band."""
    return [(path, band_from_run(path) if os.path.isdir(path) else load_band(path)) for path in paths]


def run_seeds(config: Config, seeds: Sequence[int], out_dir: str, jobs: int = 1,
              command: str = "") -> SeedBand:
    """Train `config` once per seed (up to `jobs` at a time) under `out_dir`; return the band."""
    from concurrent.futures import ThreadPoolExecutor

    to_argv(config)  # a setting the command line cannot carry is refused before anything is made
    run_files.create(out_dir)
    started = time.perf_counter()

    def train_one(seed: int) -> int:
        workdir = os.path.join(out_dir, f"seed-{seed}")
        log.info("seed %d: training in %s", seed, workdir)
        command = [sys.executable, "-m", "rnn_tf1", *train_argv(config.override(seed=seed), workdir)]
        with open(os.path.join(out_dir, f"seed-{seed}.stderr"), "w") as err:
            code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=err).returncode
        log.info("seed %d: exit %d, %.0f s since start", seed, code, time.perf_counter() - started)
        return code

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = dict(zip(seeds, pool.map(train_one, seeds)))
    failed = [seed for seed, code in codes.items() if code != 0]
    if failed:
        raise UsageError(f"seed runs failed: {failed}; see {out_dir}/seed-N.stderr")
    logs = [read_log(os.path.join(out_dir, f"seed-{s}", run_files.LOG_FILE), config.batch_size) for s in seeds]
    return SeedBand.from_logs(seeds, logs, config, command, environment())


def band_report(band: SeedBand, reference: ParsedLog) -> str:
    """Per-step band table and, when its steps fit the band, the reference's place in it."""
    fits = {p.step for p in reference.points} <= set(band.steps)
    ref = {p.step: p for p in reference.points} if fits else {}
    lines = [f"{'step':>6}  {'loss min':>8} {'mean':>7} {'max':>7}   {'acc min':>7} {'mean':>6} "
             f"{'max':>6}" + (f"   {'tutorial loss':>13} {'acc':>6}" if fits else "")]
    for i, step in enumerate(band.steps):
        r = ref.get(step)
        lines.append(f"{step:>6}  {band.loss['min'][i]:8.4f} {band.loss['mean'][i]:7.4f} "
                     f"{band.loss['max'][i]:7.4f}   {band.accuracy['min'][i]:7.3f} "
                     f"{band.accuracy['mean'][i]:6.3f} {band.accuracy['max'][i]:6.3f}"
                     + ((f"   {r.loss:13.4f} {r.accuracy:6.3f}" if r else f"   {'-':>13} {'-':>6}") if fits else ""))
    loo = band.leave_one_out()
    lines.append(f"each seed against the band of the others: inside at {min(loo)}..{max(loo)} of "
                 f"{len(band.steps)} points (both loss and accuracy)")
    lines.append(f"final Testing Accuracy over {len(band.seeds)} seeds: {band.test_mean:.4f} "
                 f"± {band.test_std:.4f} (std)" + (f"; tutorial {reference.test_accuracy}" if fits else ""))
    if fits:
        inside = band.inside(reference.points)
        lines.append(f"tutorial points inside the seed band: loss {inside['loss']}/{inside['points']}, "
                     f"accuracy {inside['accuracy']}/{inside['points']}, both {inside['both']}/{inside['points']}")
        if len(band.seeds) >= 3:
            test = band.test_curve(reference.points, reference.test_accuracy)
            lines.append(f"calibrated test of the tutorial's log: p = {test.p:.3f} ({ordinal(test.rank)} "
                         f"furthest of {test.members}); furthest out: {describe_part(test.furthest)}")
    return "\n".join(lines)


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def describe_part(furthest: tuple[str, int, int, float]) -> str:
    """A curve_distances part in words, e.g. "accuracy at steps 2200-4000, +1.93 sd on average"."""
    metric, first, last, value = furthest
    if metric.endswith(" scatter"):
        return f"the {metric.split()[0]}'s point-to-point scatter over steps {first}-{last}, {value:.2f}x the seeds'"
    if metric == "final accuracy":
        return f"the final Testing Accuracy, {value:+.2f} sd"
    steps = f"step {first}" if first == last else f"steps {first}-{last}"
    return f"{metric} at {steps}, {value:+.2f} sd on average"


def save_band(band: SeedBand, path: str, chart_path: str) -> str:
    """Write a band and its chart (the seed mean and spread over the tutorial's log); return its report."""
    from rnn_tf1.plotting import overlay_chart, save_png
    run_files.write_json(path, band.to_dict())
    reference = read_log(package_data.REFERENCE_LOG)
    mean = [(s, band.loss["mean"][i], band.accuracy["mean"][i]) for i, s in enumerate(band.steps)]
    fits = {p.step for p in reference.points} <= set(band.steps)
    chart = overlay_chart(reference.points if fits else [], mean, band, run_label="seed mean",
                          title=f"seed band: {len(band.seeds)} seeds")
    save_png(chart, chart_path)
    return band_report(band, reference)
