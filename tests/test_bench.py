"""The benchmark runs every path in its own process and reports comparable figures."""
import json
import subprocess
import sys

from conftest import REPO
from rnn_tf1.studies.bench import step_flops


def test_step_flops_counts_the_gate_products():
    # 28 steps x (forward + 2 backward) x 2 x 128 x 156 x 512, plus the output layer likewise
    assert step_flops() == 3 * (28 * 2 * 128 * 156 * 512 + 2 * 128 * 128 * 10)


def test_quick_bench_reports_every_path(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "rnn_tf1", "bench", "--warmup", "1", "--windows", "2",
                           "--steps-per-window", "2", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    paths = report["paths"]
    for name in ("faithful", "faithful-before", "faithful-tfgrad", "faithful-pools", "faithful-1thread", "block",
                 "faithful-native", "block-native", "keras", "sgemm"):  # always here
        assert paths[name]["step_ms"] > 0 and paths[name]["peak_rss_mb"] > 0, paths[name]
        assert len(paths[name]["windows_ms"]) == 2
    assert paths["faithful"]["eval_images_per_s"] > 0 and paths["block"]["eval_images_per_s"] > 0
    assert "step_ms" in paths["torch"] or "torch" in paths["torch"]["skipped"]  # optional peer
    assert proc.stdout.splitlines()[0].split()[:2] == ["path", "ms/step"]
    assert any(line.startswith("faithful ") and line.rstrip().endswith("x") for line in proc.stdout.splitlines())
    [cost] = [line for line in proc.stdout.splitlines() if line.startswith("one arithmetic ")]
    ratio = paths["faithful"]["step_ms"] / paths["faithful-native"]["step_ms"]
    assert f"faithful {ratio:.2f}x" in cost and "block " in cost
