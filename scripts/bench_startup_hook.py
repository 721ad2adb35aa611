"""Start-up cost of `rnn-tf1 exec`'s hook: `python -c pass` with and without it, in one run.

    python scripts/bench_startup_hook.py [--repeats N]

Runs this environment's Python N times each way (default 40), alternating so that both see the
same machine, and prints the median and best wall time of each and their ratio.  "With the hook"
is the environment `rnn-tf1 exec` gives a command (the hook's folder first on PYTHONPATH,
RNN_TF1_LAUNCH set): the process never imports TensorFlow, so the hook only waits.  Run it on a
quiet machine; a ratio near 1.00 means the hook costs nothing measurable.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rnn_tf1.launch.command import command_environment  # noqa: E402
from rnn_tf1.launch.common import Settings  # noqa: E402


def wall(env):
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    plain = {k: v for k, v in os.environ.items() if k != "RNN_TF1_LAUNCH"}
    hooked = command_environment(Settings(), plain)
    times = {"plain": [], "hook": []}
    wall(plain), wall(hooked)  # warm the file cache
    for _ in range(args.repeats):
        times["plain"].append(wall(plain))
        times["hook"].append(wall(hooked))
    for name, values in times.items():
        print(f"python -c pass, {'with the hook   ' if name == 'hook' else 'without the hook'}: median "
              f"{1000 * statistics.median(values):.1f} ms, best {1000 * min(values):.1f} ms ({len(values)} runs)")
    print(f"ratio with/without: median {statistics.median(times['hook']) / statistics.median(times['plain']):.3f}, "
          f"best {min(times['hook']) / min(times['plain']):.3f}")


if __name__ == "__main__":
    main()
