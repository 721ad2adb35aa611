"""The faithful graph trained with the plain MatMul gradient (the default) and with TensorFlow's
own, side by side: are the printed lines and the final variables bitwise the same?

    python scripts/compare_matmul_grads.py --seeds 1 2 3 --steps 2000

Each seed trains twice in this process on the same minibatches (the data set's shuffler state is
saved before the first run and restored before the second); prints one line per seed and exits 1
if any line or variable differs.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import rnn_tf1  # noqa: F401  (before TensorFlow)
from rnn_tf1.config import Config
from rnn_tf1.graph import build_model, new_session, tf1
from rnn_tf1.mnist_data import read_data_sets_for
from rnn_tf1.trainer import train


def trained(config: Config, data, plain: bool) -> tuple[list[str], dict[str, np.ndarray]]:
    model = build_model(config, plain_matmul_grad=plain)
    lines: list[str] = []
    with new_session(model, config) as session:
        session.run(model.init)
        train(session, model, data.train, config, lines.append)
        with model.graph.as_default():
            values = {v.op.name: session.run(v) for v in tf1.global_variables()}
    return lines, values


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--optimizer", default="gd")
    args = parser.parse_args(argv)
    differ = False
    for seed in args.seeds:
        config = Config(seed=seed, steps=args.steps, optimizer=args.optimizer)
        data = read_data_sets_for(config)
        state = data.train.get_state()
        plain_lines, plain_values = trained(config, data, plain=True)
        data.train.set_state(state)
        tf_lines, tf_values = trained(config, data, plain=False)
        same_lines = plain_lines == tf_lines
        same_values = plain_values.keys() == tf_values.keys() and all(
            np.array_equal(plain_values[k], tf_values[k]) for k in plain_values)
        differ |= not (same_lines and same_values)
        print(f"seed {seed}, {args.steps} steps, {args.optimizer}: {len(plain_lines)} printed lines "
              f"{'identical' if same_lines else 'DIFFER'}; final variables "
              f"{'bitwise identical' if same_values else 'DIFFER'}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
