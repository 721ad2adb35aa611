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
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any, Sequence

import numpy as np

from rnn_tf1 import run_dir
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError
from rnn_tf1.log_format import LogPoint, ParsedLog, read_log

log = logging.getLogger(__name__)

BAND_FORMAT = "rnn_tf1.seed_band/1"
SHIPPED_BAND = "seed_band_gd.json"  # package data: the band of the faithful GD configuration
REFERENCE_LOG = "reference_gd.log"  # package data: the tutorial's published log


def package_data_path(name: str) -> str:
    return str(resources.files("rnn_tf1") / "data" / name)


def _stats(matrix: np.ndarray) -> dict[str, list[float]]:
    """Per-column min, max, mean, std (population) of a (seeds, steps) matrix."""
    return {"min": matrix.min(0).tolist(), "max": matrix.max(0).tolist(),
            "mean": matrix.mean(0).tolist(), "std": matrix.std(0).tolist()}


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

    @property
    def test_mean(self) -> float:
        return float(np.mean(self.test_accuracies))

    @property
    def test_std(self) -> float:
        return float(np.std(self.test_accuracies, ddof=1)) if len(self.test_accuracies) > 1 else 0.0

    @classmethod
    def from_logs(cls, seeds: Sequence[int], logs: Sequence[ParsedLog], config: Config,
                  command: str, environment: dict[str, str]) -> "SeedBand":
        steps = [p.step for p in logs[0].points]
        for parsed in logs:
            if [p.step for p in parsed.points] != steps:
                raise UsageError(f"{parsed.path}: displayed steps differ from {logs[0].path}")
            if parsed.test_accuracy is None:
                raise UsageError(f"{parsed.path}: no Testing Accuracy line (run unfinished?)")
        loss = np.array([[p.loss for p in parsed.points] for parsed in logs])
        accuracy = np.array([[p.accuracy for p in parsed.points] for parsed in logs])
        return cls(list(seeds), steps, _stats(loss), _stats(accuracy),
                   [float(parsed.test_accuracy) for parsed in logs],
                   {"loss": loss.tolist(), "accuracy": accuracy.tolist()}, config.to_dict(), command, environment)

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
        """For each seed: points inside (loss and accuracy) the min-max band of the other seeds.

        This is what faithful runs score against a band they are not part of: the
        measured yardstick for judging any other run.
        """
        loss, acc = np.array(self.curves["loss"]), np.array(self.curves["accuracy"])
        counts = []
        for i in range(len(self.seeds)):
            others = np.arange(len(self.seeds)) != i
            in_loss = (loss[others].min(0) <= loss[i]) & (loss[i] <= loss[others].max(0))
            in_acc = (acc[others].min(0) <= acc[i]) & (acc[i] <= acc[others].max(0))
            counts.append(int((in_loss & in_acc).sum()))
        return counts

    def z_score(self, test_accuracy: float) -> float:
        return (test_accuracy - self.test_mean) / self.test_std if self.test_std else float("nan")

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
    path = path or package_data_path(SHIPPED_BAND)
    try:
        return SeedBand.from_dict(run_dir.read_json(path), path)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such seed band file") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"{path}: not a readable seed band file ({exc})") from None


def _train_command(config: Config, seed: int, workdir: str) -> list[str]:
    return [sys.executable, "-m", "rnn_tf1", "train", "--optimizer", config.optimizer,
            "--learning-rate", repr(config.learning_rate), "--steps", str(config.steps),
            "--batch-size", str(config.batch_size), "--display-step", str(config.display_step),
            "--log-style", config.log_style, "--seed", str(seed), "--data-dir", config.data_dir,
            "--checkpoint-every", str(config.checkpoint_every),
            "--intra-op-threads", str(config.intra_op_threads),
            "--inter-op-threads", str(config.inter_op_threads),
            "--cell", config.cell, "--activation", config.activation, "--clip-norm", repr(config.clip_norm),
            "--bptt-truncate", str(config.bptt_truncate), "--lstm-impl", config.lstm_impl,
            "--batch-shards", str(config.batch_shards), "--run-dir", workdir]


def run_seeds(config: Config, seeds: Sequence[int], out_dir: str, jobs: int = 1,
              command: str = "") -> SeedBand:
    """Train `config` once per seed (up to `jobs` at a time) under `out_dir`; return the band."""
    import platform
    from concurrent.futures import ThreadPoolExecutor

    run_dir.create(out_dir)
    started = time.perf_counter()

    def train_one(seed: int) -> int:
        workdir = os.path.join(out_dir, f"seed-{seed}")
        log.info("seed %d: training in %s", seed, workdir)
        with open(os.path.join(out_dir, f"seed-{seed}.stderr"), "w") as err:
            code = subprocess.run(_train_command(config, seed, workdir), stdout=subprocess.DEVNULL,
                                  stderr=err).returncode
        log.info("seed %d: exit %d, %.0f s since start", seed, code, time.perf_counter() - started)
        return code

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = dict(zip(seeds, pool.map(train_one, seeds)))
    failed = [seed for seed, code in codes.items() if code != 0]
    if failed:
        raise UsageError(f"seed runs failed: {failed}; see {out_dir}/seed-N.stderr")
    logs = [read_log(os.path.join(out_dir, f"seed-{s}", run_dir.LOG_FILE), config.batch_size) for s in seeds]
    import tensorflow as tf
    environment = {"tensorflow": tf.__version__, "python": platform.python_version(),
                   "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                   "date": time.strftime("%Y-%m-%d")}
    return SeedBand.from_logs(seeds, logs, config, command, environment)


def band_report(band: SeedBand, reference: ParsedLog) -> str:
    """Per-step band table and the reference's place in it."""
    lines = [f"{'step':>6}  {'loss min':>8} {'mean':>7} {'max':>7}   {'acc min':>7} {'mean':>6} "
             f"{'max':>6}   {'tutorial loss':>13} {'acc':>6}"]
    ref = {p.step: p for p in reference.points}
    for i, step in enumerate(band.steps):
        r = ref.get(step)
        lines.append(f"{step:>6}  {band.loss['min'][i]:8.4f} {band.loss['mean'][i]:7.4f} "
                     f"{band.loss['max'][i]:7.4f}   {band.accuracy['min'][i]:7.3f} "
                     f"{band.accuracy['mean'][i]:6.3f} {band.accuracy['max'][i]:6.3f}   "
                     + (f"{r.loss:13.4f} {r.accuracy:6.3f}" if r else f"{'-':>13} {'-':>6}"))
    inside = band.inside(reference.points)
    loo = band.leave_one_out()
    lines.append(f"each seed against the band of the others: inside at {min(loo)}..{max(loo)} of "
                 f"{len(band.steps)} points (both loss and accuracy)")
    lines.append(f"tutorial points inside the seed band: loss {inside['loss']}/{inside['points']}, "
                 f"accuracy {inside['accuracy']}/{inside['points']}, both {inside['both']}/{inside['points']}")
    lines.append(f"final Testing Accuracy over {len(band.seeds)} seeds: {band.test_mean:.4f} "
                 f"± {band.test_std:.4f} (std); tutorial {reference.test_accuracy}")
    return "\n".join(lines)
