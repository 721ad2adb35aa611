"""Speed and memory of one training step, measured against peers in the same run.

Each path runs in its own process (`python -m rnn_tf1.studies.bench WORKER`), so peak RSS
is that path's own, and the Keras 3 peer can import Keras 3 (TF_USE_LEGACY_KERAS=0):

    faithful   the tutorial's graph as `make train` runs it: BasicLSTMCell + static_rnn in a
               tf.compat.v1 Session, plain MatMul gradients (graph._plain_matmul_grad), the
               automatic Session threads (Config.session_threads: 1 per op, 2 ops side by side on 2 cores)
               and the one arithmetic (tf_env.one_arithmetic: oneDNN held at AVX2, its graph rewrites off)
    faithful-native    the same on TensorFlow's own kernel choice for this CPU (ONEDNN_MAX_CPU_ISA=ALL,
               TF_ENABLE_ONEDNN_OPTS=1): what the one arithmetic costs
    faithful-before    the faithful default before those two: TensorFlow's own MatMul gradient and
               TensorFlow's thread pools (intra_op = inter_op = the CPU count)
    faithful-tfgrad    TensorFlow's own MatMul gradient, automatic threads
    faithful-pools     plain MatMul gradients, TensorFlow's thread pools
    faithful-1thread   plain MatMul gradients, a one-thread Session (intra_op 1, inter_op 1)
    block      --lstm-impl block: the same on fused LSTMBlockCell ops, the batch split into
               2 blocks of rows run side by side (block_lstm.py; its automatic Session threads)
    block-native       block on TensorFlow's own kernel choice, as faithful-native
    keras      keras.layers.LSTM(128) + Dense(10), same optimizer and batch (Keras 3, TF backend)
    torch      torch.nn.LSTM(28, 128) + Linear, same optimizer and batch (skipped if torch is absent)
    sgemm      the matrix products of one training step as plain float32 matmuls (NumPy's BLAS):
               a floor no implementation of this model can beat on this machine

keras, torch and sgemm run on their libraries' own kernel choice for this CPU.

Step time is the median over timed windows after a warm-up, on real MNIST minibatches.

`report_overhead` (`rnn-tf1 bench --report-overhead STEPS`) is another measurement: what `rnn-tf1 run
--report` costs, as the wall time of the tutorial-shaped script tests/tf1_scripts/tutorial_gd.py run
for STEPS steps without and with --report, the runs alternating in the same bench.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

BATCH, TIMESTEPS, INPUTS, HIDDEN, CLASSES = 128, 28, 28, 128, 10
# TensorFlow paths of this project: (lstm_impl, Session threads intra_op and inter_op (0 = automatic,
# POOLS = TensorFlow's own pools, one thread per CPU), plain MatMul gradients)
POOLS = -1
TF_PATHS = {"faithful": ("faithful", 0, 0, True), "faithful-before": ("faithful", POOLS, POOLS, False),
            "faithful-tfgrad": ("faithful", 0, 0, False), "faithful-pools": ("faithful", POOLS, POOLS, True),
            "faithful-1thread": ("faithful", 1, 1, True), "block": ("block", 0, 0, True),
            "faithful-native": ("faithful", 0, 0, True), "block-native": ("block", 0, 0, True)}
# Paths measured on TensorFlow's own kernel choice: the settings a user gives to leave the one arithmetic
# (tf_env.one_arithmetic; a user's own setting wins), so "X-native" against "X" is what it costs.
NATIVE_KERNELS = {"ONEDNN_MAX_CPU_ISA": "ALL", "TF_ENABLE_ONEDNN_OPTS": "1"}
ARITHMETIC_PAIRS = (("faithful", "faithful-native"), ("block", "block-native"))
WORKERS = (*TF_PATHS, "keras", "torch", "sgemm")


def _timed(step, warmup: int, windows: int, steps_per_window: int) -> list[float]:
    """ms per call of `step()` in each timed window, after `warmup` untimed calls."""
    for _ in range(warmup):
        step()
    out = []
    for _ in range(windows):
        started = time.perf_counter()
        for _ in range(steps_per_window):
            step()
        out.append(1000 * (time.perf_counter() - started) / steps_per_window)
    return out


def _batches():
    """A few real MNIST minibatches: (x (B, 28, 28) float32, y one-hot (B, 10) float32)."""
    from rnn_tf1.config import default_data_dir
    from rnn_tf1.mnist_data import read_data_sets
    data = read_data_sets(default_data_dir(), seed=0)
    batches = [data.train.next_batch(BATCH) for _ in range(8)]
    return [(x.reshape(-1, TIMESTEPS, INPUTS), y) for x, y in batches], data.test


def worker_tf(args, lstm_impl: str, intra: int, inter: int, plain_matmul_grad: bool) -> dict:
    import rnn_tf1  # noqa: F401
    from rnn_tf1.config import Config
    from rnn_tf1.evaluate import probabilities
    from rnn_tf1.graph import build_model, new_session
    batches, test = _batches()
    intra, inter = ((os.cpu_count() or 1) if n == POOLS else n for n in (intra, inter))
    config = Config(data_dir="unused", lstm_impl=lstm_impl, intra_op_threads=intra, inter_op_threads=inter)
    model = build_model(config, plain_matmul_grad=plain_matmul_grad)
    with new_session(model, config) as session:
        session.run(model.init)
        i = [0]

        def step():
            x, y = batches[i[0] % len(batches)]
            i[0] += 1
            session.run(model.train_op, {model.X: x, model.Y: y})
        windows = _timed(step, *args)
        started = time.perf_counter()
        probabilities(session, model, config, test.images)
        eval_s = time.perf_counter() - started
    return {"windows_ms": windows, "eval_images_per_s": test.num_examples / eval_s}


def worker_keras(args) -> dict:
    import keras
    batches, test = _batches()
    model = keras.Sequential([keras.Input((TIMESTEPS, INPUTS)), keras.layers.LSTM(HIDDEN, unit_forget_bias=True),
                              keras.layers.Dense(CLASSES)])
    model.compile(optimizer=keras.optimizers.SGD(0.001),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    i = [0]

    def step():
        x, y = batches[i[0] % len(batches)]
        i[0] += 1
        model.train_on_batch(x, y)
    windows = _timed(step, *args)
    images = test.images.reshape(-1, TIMESTEPS, INPUTS)
    started = time.perf_counter()
    model.predict(images, batch_size=1000, verbose=0)
    return {"windows_ms": windows, "eval_images_per_s": len(images) / (time.perf_counter() - started),
            "version": f"keras {keras.__version__}"}


def worker_torch(args) -> dict:
    import numpy as np
    import torch
    batches, test = _batches()
    lstm, head = torch.nn.LSTM(INPUTS, HIDDEN, batch_first=True), torch.nn.Linear(HIDDEN, CLASSES)
    params = list(lstm.parameters()) + list(head.parameters())
    optimizer = torch.optim.SGD(params, lr=0.001)
    tensors = [(torch.from_numpy(x), torch.from_numpy(np.argmax(y, 1))) for x, y in batches]
    i = [0]

    def step():
        x, y = tensors[i[0] % len(tensors)]
        i[0] += 1
        optimizer.zero_grad()
        out, _ = lstm(x)
        torch.nn.functional.cross_entropy(head(out[:, -1]), y).backward()
        optimizer.step()
    windows = _timed(step, *args)
    images = torch.from_numpy(test.images.reshape(-1, TIMESTEPS, INPUTS))
    started = time.perf_counter()
    with torch.no_grad():
        for k in range(0, len(images), 1000):
            head(lstm(images[k:k + 1000])[0][:, -1])
    return {"windows_ms": windows, "eval_images_per_s": len(images) / (time.perf_counter() - started),
            "version": f"torch {torch.__version__}"}


def step_flops() -> int:
    """Multiply-add FLOPs of one training step's matmuls: per time step the (B, 156) x (156, 512)
    gate product forward, and twice that backward (input and weight gradients); plus the output layer."""
    gates = 2 * BATCH * (INPUTS + HIDDEN) * 4 * HIDDEN
    head = 2 * BATCH * HIDDEN * CLASSES
    return 3 * (TIMESTEPS * gates + head)


def worker_sgemm(args) -> dict:
    import numpy as np
    rng = np.random.RandomState(0)
    a = rng.rand(BATCH, INPUTS + HIDDEN).astype(np.float32)
    w = rng.rand(INPUTS + HIDDEN, 4 * HIDDEN).astype(np.float32)
    g = rng.rand(BATCH, 4 * HIDDEN).astype(np.float32)

    def step():  # the three products of one time step, 28 times
        for _ in range(TIMESTEPS):
            a @ w
            g @ w.T
            a.T @ g
    windows = _timed(step, *args)
    return {"windows_ms": windows, "gflops": step_flops() / 1e6 / statistics.median(windows)}


def run_worker(name: str, timing: tuple[int, int, int]) -> dict:
    """Run one worker in a fresh process; its result, or {"skipped": reason}."""
    env = dict(os.environ)
    if name == "keras":
        env["TF_USE_LEGACY_KERAS"] = "0"  # Keras 3, the current one
    if name.endswith("-native"):
        env.update(NATIVE_KERNELS)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    proc = subprocess.run([sys.executable, "-m", "rnn_tf1.studies.bench", name, *map(str, timing)],
                          capture_output=True, text=True, env=env, timeout=3600)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        reason = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"skipped": reason[:200]}
    return json.loads(lines[-1])


def run_bench(warmup: int = 10, windows: int = 5, steps_per_window: int = 20) -> dict:
    timing = (warmup, windows, steps_per_window)
    results = {name: run_worker(name, timing) for name in WORKERS}
    for result in results.values():
        if "windows_ms" in result:
            result["step_ms"] = statistics.median(result["windows_ms"])
            result["images_per_s"] = 1000 * BATCH / result["step_ms"]
    import tensorflow as tf
    return {"paths": results, "timing": {"warmup": warmup, "windows": windows, "steps_per_window": steps_per_window},
            "batch": BATCH, "step_gflop": step_flops() / 1e9,
            "environment": {"tensorflow": tf.__version__, "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                            "date": time.strftime("%Y-%m-%d")}}


def table(report: dict) -> str:
    paths = report["paths"]
    peers = {name: paths[name].get("step_ms") for name in ("torch", "keras", "sgemm")}
    head = (f"{'path':<16} {'ms/step':>8} {'images/s':>9} {'eval img/s':>10} {'peak RSS MB':>11}  "
            f"{'vs torch':>8} {'vs keras':>8} {'vs sgemm floor':>14}")
    rows = [head]
    for name in WORKERS:
        r = paths[name]
        if "skipped" in r:
            rows.append(f"{name:<16} skipped: {r['skipped']}")
            continue
        ratios = [f"{r['step_ms'] / peers[p]:.2f}x" if peers[p] else "-" for p in ("torch", "keras", "sgemm")]
        evals = f"{r['eval_images_per_s']:.0f}" if "eval_images_per_s" in r else "-"
        rows.append(f"{name:<16} {r['step_ms']:8.1f} {r['images_per_s']:9.0f} {evals:>10} "
                    f"{r['peak_rss_mb']:11.0f}  {ratios[0]:>8} {ratios[1]:>8} {ratios[2]:>14}")
    costs = [f"{fixed} {paths[fixed]['step_ms'] / paths[native]['step_ms']:.2f}x"
             for fixed, native in ARITHMETIC_PAIRS if "step_ms" in paths[fixed] and "step_ms" in paths[native]]
    if costs:
        rows.append("one arithmetic (AVX2 kernels) against this CPU's own, ms/step ratio: " + ", ".join(costs))
    if "gflops" in paths["sgemm"]:
        rows.append(f"sgemm: {report['step_gflop']:.2f} GFLOP per training step at "
                    f"{paths['sgemm']['gflops']:.0f} GFLOP/s")
    return "\n".join(rows)


REPORT_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             "tests", "tf1_scripts", "tutorial_gd.py")


def _timed_run(command: list[str]) -> tuple[float, str]:
    """Wall seconds and stdout of one `rnn-tf1 run` in a fresh process (TensorFlow's start-up included)."""
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=7200)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        from rnn_tf1.errors import UserError
        raise UserError(f"{' '.join(command)}: exit status {proc.returncode}: "
                           f"{(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
    return wall, proc.stdout


def report_overhead(steps: int = 10000, repeats: int = 3, seed: int = 0, script: str = REPORT_SCRIPT) -> dict:
    """`rnn-tf1 run SCRIPT --seed SEED -- STEPS` without and with --report, `repeats` times each, the
    two alternating (plain, report, plain, ...) so that a shared machine's drifts fall on both.  The
    ratio is median(with) / median(without) of the whole runs' wall times; their stdouts must agree."""
    if not os.path.isfile(script):
        from rnn_tf1.errors import UsageError
        raise UsageError(f"{script}: no such script (the bench runs from a checkout with tests/)")
    from rnn_tf1.config import default_data_dir
    times: dict[str, list[float]] = {"plain": [], "report": []}
    outputs = set()
    with tempfile.TemporaryDirectory(prefix="rnn-tf1-bench-report-") as scratch:
        for k in range(repeats):
            for mode in times:
                folder = os.path.join(scratch, f"{mode}-{k}")
                os.mkdir(folder)
                command = [sys.executable, "-m", "rnn_tf1", "run", script, "--seed", str(seed), "--figures", folder,
                           "--data-dir", default_data_dir()]
                if mode == "report":
                    command += ["--report", os.path.join(folder, "report.md")]
                wall, stdout = _timed_run(command + ["--", str(steps)])
                times[mode].append(wall)
                outputs.add(stdout)
    plain, with_report = (statistics.median(times[mode]) for mode in ("plain", "report"))
    return {"script": script, "steps": steps, "repeats": repeats, "seed": seed, "plain_s": times["plain"],
            "report_s": times["report"], "ratio": with_report / plain, "stdout_identical": len(outputs) == 1}


def report_overhead_table(result: dict) -> str:
    return (f"rnn-tf1 run {os.path.basename(result['script'])} -- {result['steps']}, {result['repeats']} runs each: "
            f"without --report {statistics.median(result['plain_s']):.1f} s, with --report "
            f"{statistics.median(result['report_s']):.1f} s (medians): ratio {result['ratio']:.3f}; stdout "
            + ("identical" if result["stdout_identical"] else "DIFFERS"))


def _worker_main(argv: list[str]) -> int:
    name, timing = argv[0], tuple(int(v) for v in argv[1:4])
    result = worker_tf(timing, *TF_PATHS[name]) if name in TF_PATHS else globals()[f"worker_{name}"](timing)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(_worker_main(sys.argv[1:]))
