"""Parsing logs, comparing them with the tutorial's, the charts, and the seed band."""
import json
import os
import re

import numpy as np
import pytest
from matplotlib.image import imread

from conftest import REFERENCE_LOG, run_cli
from rnn_tf1 import package_data
from rnn_tf1.studies import compare, fidelity
from rnn_tf1.config import Config
from rnn_tf1.errors import UsageError
from rnn_tf1.log_format import LogPoint, parse_log, read_log
from rnn_tf1.plotting import TUTORIAL_LABEL, save_png, tutorial_chart

NOISY = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795433663.381884    2403 cudart_stub.cc:31] Could not find cuda drivers on your machine.

Step 1, Minibatch Loss= 2.6592, Training Accuracy= 0.148
W tensorflow/core/something.cc:12] a warning in the middle
Step 200, Minibatch Loss= 2.1379, Training Accuracy= 0.250
Optimization Finished!
Testing Accuracy: 0.890625
"""


def test_the_published_log():
    ref = read_log(REFERENCE_LOG)
    assert ref.style == "step" and len(ref.points) == 51 and ref.finished
    assert ref.points[0] == LogPoint(1, 2.6592, 0.148) and ref.points[-1] == LogPoint(10000, 0.4404, 0.883)
    assert ref.test_accuracy == 0.890625


def test_noisy_step_log_and_iter_log():
    noisy = parse_log(NOISY, "noisy.log")
    assert [p.step for p in noisy.points] == [1, 200] and noisy.test_accuracy == 0.890625
    it = parse_log("Iter 1280, Minibatch Loss= 2.139874, Training Accuracy= 0.25000\n"
                   "Iter 2560, Minibatch Loss= 1.500000, Training Accuracy= 0.50000\n", "adam.log")
    assert it.style == "iter" and [p.step for p in it.points] == [10, 20]
    assert parse_log("Iter 1280, Minibatch Loss= 1.0, Training Accuracy= 0.5", batch_size=64).points[0].step == 20


@pytest.mark.parametrize("text, where", [
    ("Step 1, Minibatch Loss= 2.6592, Training Accuracy= 0.148\nStep 200, Minibatch Loss=\n", "x.log:2"),
    ("Step 1, Minibatch Loss= 2.6592, Training Accuracy= 0.148\nTesting Accuracy: high\n", "x.log:2"),
    ("\n\nStep 5, Minibatch Loss= 1.0, Training Accuracy= 0.1\nStep 4, Minibatch Loss= 1.0, "
     "Training Accuracy= 0.1\n", "x.log:4"),
    ("Iter 100, Minibatch Loss= 1.0, Training Accuracy= 0.5\n", "x.log:1"),
    ("just some text\n", "x.log: no `Step`"),
])
def test_malformed_logs_are_rejected_with_file_and_line(text, where):
    with pytest.raises(UsageError, match=where):
        parse_log(text, "x.log")


def test_published_log_against_itself_is_exact():
    ref = read_log(REFERENCE_LOG)
    result = compare.compare_logs(ref, ref)
    assert len(result.rows) == 51 and not result.only_reference and not result.only_run
    assert all(r.loss_diff == 0 and r.accuracy_diff == 0 for r in result.rows)
    d = result.differences()
    assert d["max_abs_loss"] == d["max_abs_accuracy"] == 0.0


def test_a_shifted_copy_shows_the_shift(tmp_path):
    text = open(REFERENCE_LOG).read()
    shifted = tmp_path / "shifted.log"
    shifted.write_text(re.sub(r"Loss= ([0-9.]+)", lambda m: f"Loss= {float(m.group(1)) + 0.1:.4f}", text))
    result = compare.compare_logs(read_log(REFERENCE_LOG), read_log(str(shifted)))
    np.testing.assert_allclose([r.loss_diff for r in result.rows], 0.1, atol=1e-9)
    assert result.differences()["mean_abs_accuracy"] == 0.0
    assert "mean |diff| 0.1000" in compare.summary(result)


def test_tutorial_chart_plots_the_history(tmp_path):
    steps, accs = [1, 200, 400], [0.1, 0.5, 0.75]
    fig = tutorial_chart(steps, accs)
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [2, 201, 401]  # step + 1, as the tutorial recorded
    assert list(line.get_ydata()) == accs
    assert line.get_marker() == "o" and line.get_linestyle() == "None"
    assert line.get_label() == TUTORIAL_LABEL and ax.get_legend() is not None
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "accuracy")
    path = save_png(fig, str(tmp_path / "chart.png"))
    image = imread(path)
    assert image.shape[:2] == (384, 512)   # 6.4 x 4.8 inches at 80 dpi
    assert image[..., :3].std() > 0.05     # not a blank canvas


def tiny_band(steps=(1, 10, 20)):
    logs = [parse_log("\n".join(f"Step {s}, Minibatch Loss= {2.0 - 0.01 * s + d:.4f}, "
                                f"Training Accuracy= {0.1 + 0.01 * s + d:.3f}" for s in steps)
                      + f"\nTesting Accuracy: {0.5 + d}\n", f"seed{i}.log")
            for i, d in enumerate((0.0, 0.1, 0.2))]
    return fidelity.SeedBand.from_logs([0, 1, 2], logs, Config(data_dir="x"), "test", {})


def test_band_statistics_and_verdict():
    band = tiny_band()
    assert band.loss["min"] == [1.99, 1.9, 1.8] and band.loss["max"] == pytest.approx([2.19, 2.1, 2.0])
    assert band.test_mean == pytest.approx(0.6) and band.test_std == pytest.approx(0.1)
    # The middle seed lies between the other two everywhere; the outer ones never inside the others'.
    assert band.leave_one_out() == [0, 3, 0]
    inside = parse_log("Step 1, Minibatch Loss= 2.0000, Training Accuracy= 0.150\n"
                       "Step 10, Minibatch Loss= 5.0000, Training Accuracy= 0.250\n"
                       "Step 20, Minibatch Loss= 1.9000, Training Accuracy= 0.400\nTesting Accuracy: 0.65\n")
    assert band.inside(inside.points) == {"points": 3, "loss": 2, "accuracy": 3, "both": 2}
    assert band.z_score(0.65) == pytest.approx(0.5)
    text = compare.verdict(compare.compare_logs(inside, inside, band))
    # 3 seeds + the run: the smallest p possible is 1/4, so even this run cannot be called OUTSIDE.
    assert text.startswith("verdict: CONSISTENT with faithful runs: p = 0.250") and "the run is the 1st furthest" in text
    assert "inside the band's min-max at 2 of 3 points (loss 2, accuracy 3)" in text
    assert "final accuracy +0.50 sd from the seeds' mean (0.6000 ± 0.1000, 3 seeds)" in text
    # A run stopped before the band's last step: its test accuracy is not held against the band's.
    short = parse_log("Step 1, Minibatch Loss= 2.0000, Training Accuracy= 0.150\n"
                      "Step 10, Minibatch Loss= 2.0000, Training Accuracy= 0.250\nTesting Accuracy: 0.05\n")
    text = compare.verdict(compare.compare_logs(short, short, band))
    assert "final accuracy not compared: the run's last displayed step is 10, the seed runs' 20" in text
    assert "sd from the seeds' mean" not in text and "CONSISTENT" in text
    # A band for other steps is not applied.
    comparison = compare.compare_logs(read_log(REFERENCE_LOG), read_log(REFERENCE_LOG), band)
    assert comparison.band is None and comparison.consistent() is None
    assert compare.verdict(comparison).startswith("verdict: none (no seed band")


def test_curve_distances_exactly_on_tiny_arrays():
    """Member 0 is +1 spread above the others at every step of both metrics: distance sqrt(2 * T)."""
    others = np.array([[0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 2.0, 2.0]])  # mean 1, sd (ddof 1) sqrt(2)
    member = np.full(4, 1.0 + np.sqrt(2.0))
    values = np.vstack([member, others])
    distances, furthest = fidelity.curve_distances(values, values, None, [1, 2, 3, 4])
    assert distances[0] == pytest.approx(np.sqrt(2 * 4))  # sum over segments of n_k * 1^2, two metrics
    assert furthest[0][0] == "loss" and furthest[0][3] == pytest.approx(1.0)
    # with a final accuracy that is exactly the others' mean, nothing is added
    final = np.array([0.5, 0.4, 0.6])
    with_final, _ = fidelity.curve_distances(values, values, final, [1, 2, 3, 4])
    assert with_final[0] == pytest.approx(distances[0])


def test_curve_distance_counts_a_changed_scatter():
    """A member at the others' mean in every segment but twice as scattered from point to point
    (z = +-2) is further than one with ordinary scatter (z = +-1) shifted by one spread in one
    segment; each is reported by the part that adds the most."""
    rng = np.random.default_rng(1)
    others = rng.normal(0, 1, (20, 50))
    spread = others.std(0, ddof=1)
    scattered = others.mean(0) + 2 * spread * np.resize([1.0, -1.0], 50)  # z = +-2, segment means 0
    shifted = others.mean(0) + spread * (np.resize([1.0, -1.0], 50) + (np.arange(50) < 10))  # +1 in segment 1
    for member, part in ((scattered, "loss scatter"), (shifted, "loss")):
        values = np.vstack([member, others])
        distances, furthest = fidelity.curve_distances(values, values, None, list(range(1, 51)))
        assert furthest[0][0] == part
        if part == "loss scatter":
            assert furthest[0][3] == pytest.approx(2.0)  # sqrt of the mean squared z around the levels
            far = distances[0]
    assert far > distances[0]
    assert fidelity.describe_part(("loss scatter", 1, 50, 2.0)) == \
        "the loss's point-to-point scatter over steps 1-50, 2.00x the seeds'"


def synthetic_band(rng, seeds=20, steps=51):
    """Curves like faithful seeds': a per-seed learning speed plus minibatch noise at every point."""
    t = np.linspace(0, 1, steps)

    def curve(speed_shift=0.0):
        speed = 3.0 + speed_shift + rng.normal(0, 0.3)
        loss = 2.3 * np.exp(-speed * t) + 0.3 + rng.normal(0, 0.08, steps)
        acc = 1 - 0.9 * np.exp(-speed * t) + rng.normal(0, 0.03, steps)
        return loss, acc, float(acc[-1] + rng.normal(0, 0.01))
    runs = [curve() for _ in range(seeds)]
    band = fidelity.SeedBand.from_curves(range(seeds), range(1, steps + 1), [r[0] for r in runs],
                                         [r[1] for r in runs], [r[2] for r in runs], {}, "synthetic", {})
    return band, curve


def test_calibrated_test_false_alarm_rate_and_power_on_synthetic_curves():
    """The false-alarm rate is 1/(N+1) by construction; measured here on 600 fresh faithful curves,
    and a curve that learns 2/3 faster (like a larger learning rate; 6.7 seed sd) is called OUTSIDE."""
    rng = np.random.default_rng(0)
    band, curve = synthetic_band(rng)
    outside = 0
    for _ in range(600):
        loss, acc, final = curve()
        points = [LogPoint(s, float(l), float(a)) for s, l, a in zip(band.steps, loss, acc)]
        outside += not band.test_curve(points, final).consistent
    assert 0.02 <= outside / 600 <= 0.085, outside  # 1/21 = 0.048
    detected = 0
    for _ in range(20):
        loss, acc, final = curve(speed_shift=2.0)
        points = [LogPoint(s, float(l), float(a)) for s, l, a in zip(band.steps, loss, acc)]
        detected += not band.test_curve(points, final).consistent
    assert detected >= 18


def test_band_for_leaves_out_the_runs_own_seed_and_picks_the_band_by_style(tmp_path):
    gd = fidelity.load_band()
    seed = gd.seeds[0]
    own = parse_log("\n".join(f"Step {s}, Minibatch Loss= {l:.4f}, Training Accuracy= {a:.3f}"
                              for s, l, a in zip(gd.steps, gd.curves["loss"][0], gd.curves["accuracy"][0]))
                    + f"\nTesting Accuracy: {gd.test_accuracies[0]}\n", "own.log")
    choice = fidelity.band_for(own)  # a log alone: recognised by its curve
    assert seed not in choice.band.seeds and len(choice.band.seeds) == len(gd.seeds) - 1
    assert f"its seed {seed} is this run's own" in choice.note
    choice = fidelity.band_for(read_log(REFERENCE_LOG), Config(data_dir="x", seed=gd.seeds[1]))
    assert gd.seeds[1] not in choice.band.seeds and "left out" in choice.note
    choice = fidelity.band_for(read_log(REFERENCE_LOG), Config(data_dir="x", seed=123456))
    assert choice.band.seeds == gd.seeds and "left out" not in choice.note
    # Another configuration gets no band, and says why.
    choice = fidelity.band_for(read_log(REFERENCE_LOG), Config(data_dir="x", learning_rate=0.002))
    assert choice.band is None and "measured with other learning_rate" in choice.note
    # An Iter log of the Adam variant is judged by the Adam band.
    adam = parse_log("".join(f"Iter {s * 128}, Minibatch Loss= 0.500000, Training Accuracy= 0.90000\n"
                             for s in range(10, 790, 10)), "adam.log")
    choice = fidelity.band_for(adam)
    assert choice.band is not None and choice.band.config["optimizer"] == "adam", choice.note


def test_merge_bands_and_its_refusals(tmp_path):
    a = tiny_band()
    b = fidelity.SeedBand.from_curves([7], a.steps, [a.curves["loss"][0]], [a.curves["accuracy"][0]], [0.5],
                                      a.config, "part b", a.environment)
    merged = fidelity.merge_bands([("a.json", a), ("b.json", b)], "merge")
    assert merged.seeds == [0, 1, 2, 7] and merged.test_accuracies[-1] == 0.5
    assert [part["command"] for part in merged.parts] == ["test", "part b"]
    with pytest.raises(UsageError, match="b.json: seed 0 is also in a.json"):
        fidelity.merge_bands([("a.json", a), ("b.json", a)], "merge")
    other = dataclass_replace(b, config={**a.config, "learning_rate": 0.01})
    with pytest.raises(UsageError, match="b.json: measured with other learning_rate than a.json"):
        fidelity.merge_bands([("a.json", a), ("b.json", other)], "merge")
    newer = dataclass_replace(b, environment={"tensorflow": "9.0"})
    with pytest.raises(UsageError, match="b.json: TensorFlow 9.0, but a.json was measured with None"):
        fidelity.merge_bands([("a.json", a), ("b.json", newer)], "merge")


def dataclass_replace(band, **changes):
    import dataclasses
    return dataclasses.replace(band, **changes)


def test_seed_lists():
    assert fidelity.parse_seed_list("100-103,7") == [100, 101, 102, 103, 7]
    for bad in ("x", "5-3", "1,1", "-2"):
        with pytest.raises(UsageError, match="--seed-list"):
            fidelity.parse_seed_list(bad)


def test_band_file_round_trip(tmp_path):
    band = tiny_band()
    path = tmp_path / "band.json"
    path.write_text(json.dumps(band.to_dict()))
    assert fidelity.load_band(str(path)) == band
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(UsageError, match="not a seed band file"):
        fidelity.load_band(str(path))


def test_cli_compare_and_plot_on_logs(tmp_path):
    log = tmp_path / "noisy.log"
    log.write_text(NOISY)
    proc = run_cli("compare", str(log))
    assert proc.returncode == 0, proc.stderr
    assert "     1    2.6592    2.6592  +0.0000" in proc.stdout and "verdict:" in proc.stdout
    assert imread(str(tmp_path / "noisy-compare.png")).shape[:2] == (320, 800)
    proc = run_cli("plot", str(log))
    assert proc.returncode == 0 and os.path.exists(tmp_path / "noisy-chart.png")


@pytest.mark.parametrize("content, needle", [(None, "no such file"), ("Step 1, Minibatch Loss= x\n", ":1: malformed")])
def test_cli_compare_and_plot_refuse_bad_logs_in_one_line(tmp_path, content, needle):
    log = tmp_path / "bad.log"
    if content is not None:
        log.write_text(content)
    for command in ("compare", "plot"):
        proc = run_cli(command, str(log))
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr
    assert sorted(os.listdir(tmp_path)) == ([] if content is None else ["bad.log"])


def test_short_fidelity_run_writes_a_band(tmp_path):
    out = tmp_path / "fid"
    proc = run_cli("fidelity", "--seeds", "2", "--steps", "20", "--display-step", "10", "--jobs", "2",
                   "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    band = fidelity.load_band(str(out / "seed_band.json"))
    assert band.seeds == [0, 1] and band.steps == [1, 10, 20] and len(band.test_accuracies) == 2
    assert band.command.startswith("rnn-tf1 fidelity --seeds 2")
    assert band.config["steps"] == 20 and band.environment["tensorflow"].startswith("2.")
    for key in ("min", "max", "mean", "std"):
        assert len(band.loss[key]) == len(band.accuracy[key]) == 3
    assert all(lo <= hi for lo, hi in zip(band.loss["min"], band.loss["max"]))
    # the tutorial's steps are not this band's: no tutorial columns, no tutorial figures
    assert "final Testing Accuracy over 2 seeds" in proc.stdout and "tutorial" not in proc.stdout
    assert (out / "seed_band.png").exists() and (out / "seed-1" / "chart.png").exists()


@pytest.mark.parametrize("name, changes, steps", [
    ("seed_band_gd.json", {}, [1] + list(range(200, 10001, 200))),
    ("seed_band_adam.json", dict(optimizer="adam", steps=781, display_step=10, log_style="iter"),
     list(range(10, 781, 10))),
])
def test_shipped_bands_are_of_the_tutorials_configurations(name, changes, steps):
    band = fidelity.load_band(package_data.path(name))
    assert len(band.seeds) >= 20 and len(band.test_accuracies) == len(band.seeds) == len(set(band.seeds))
    assert band.steps == steps
    assert band.model_settings() == Config(data_dir="x").override(**changes).model_settings()
    # measured with the faithful graph (a band older than the option has no key: the faithful default)
    assert band.config.get("lstm_impl", "faithful") == "faithful" and band.environment["tensorflow"].startswith("2.")
    assert band.command.startswith("rnn-tf1 fidelity")
    # Each seed judged against the others by the shipped rule: almost all are consistent.
    seeds_consistent = 0
    for i, seed in enumerate(band.seeds):
        points = [LogPoint(s, l, a) for s, l, a in zip(band.steps, band.curves["loss"][i], band.curves["accuracy"][i])]
        seeds_consistent += band.without(seed).test_curve(points, band.test_accuracies[i]).consistent
    assert seeds_consistent >= len(band.seeds) - 2


def test_the_tutorials_log_is_consistent_with_its_faithful_reproduction():
    reference = read_log(REFERENCE_LOG)
    comparison = compare.compare_logs(reference, reference, fidelity.band_for(reference).band)
    assert comparison.consistent() is True and len(comparison.band.seeds) >= 20


def test_cli_compare_check_gates_on_the_verdict(tmp_path):
    far = tmp_path / "far.log"
    far.write_text("".join(f"Step {s}, Minibatch Loss= 0.0100, Training Accuracy= 1.000\n"
                           for s in [1] + list(range(200, 10001, 200))) + "Testing Accuracy: 1.0\n")
    proc = run_cli("compare", str(far), "--check")
    assert proc.returncode == 1 and "verdict: OUTSIDE" in proc.stdout and "p = 0.045" in proc.stdout, proc.stdout
    assert run_cli("compare", str(far)).returncode == 0  # without --check: 0 whenever it ran
    proc = run_cli("compare", REFERENCE_LOG, "--check", "--out", str(tmp_path / "ref.png"))
    assert proc.returncode == 0 and "verdict: CONSISTENT" in proc.stdout
