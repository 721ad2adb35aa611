"""The command line is generated from Config's fields: every settable field has an option, the
inverse (config -> argv) gives the same Config back, and what cannot be passed on is refused."""
import argparse
import dataclasses

import pytest

from conftest import run_cli
from rnn_tf1 import cli
from rnn_tf1.config import FIELDS, Config, add_options, flag, from_args, given_fields, to_argv
from rnn_tf1.errors import UsageError
from rnn_tf1.studies import fidelity

# A value other than the default for every settable field, all valid together.
CHANGED = dict(optimizer="adam", learning_rate=0.01, steps=30, batch_size=64, display_step=10, log_style="iter",
               num_hidden=64, forget_bias=-0.5, cell="lstm", activation="tanh", clip_norm=0.5,
               validation_size=1000, test_size=256, data_dir="-data/mnist", seed=7, checkpoint_every=7,
               intra_op_threads=1, inter_op_threads=2, lstm_impl="block", batch_shards=3)
CHANGED_STUDY = dict(cell="gru", activation="relu", bptt_truncate=5)


def parse(argv, base=None):
    parser = argparse.ArgumentParser()
    add_options(parser, base)
    return parser.parse_args(argv)


def test_every_settable_field_is_covered_here():
    settable = {name for name, s in FIELDS.items() if s.settable}
    assert settable == set(CHANGED) | set(CHANGED_STUDY)
    assert {name for name, s in FIELDS.items() if not s.settable} == {"num_input", "timesteps", "num_classes"}


@pytest.mark.parametrize("changes", [CHANGED, CHANGED_STUDY, {}])
def test_config_to_argv_and_back_is_the_same_config(changes):
    config = Config(data_dir="/d").override(**changes)
    for name, value in changes.items():
        if name not in ("cell", "activation"):  # the tutorial's values, kept valid for block
            assert value != getattr(Config, name), name
    assert from_args(parse(to_argv(config))) == config


def test_fidelity_trains_each_seed_with_the_cli_parsing_its_own_command():
    config = Config(data_dir="/d").override(**CHANGED)
    argv = fidelity.train_argv(config.override(seed=5), "/tmp/run")
    args = cli.build_parser().parse_args(argv)
    assert args.run_dir == "/tmp/run" and from_args(args) == config.override(seed=5)


def test_a_field_without_option_is_refused_rather_than_dropped(tmp_path):
    with pytest.raises(UsageError, match="num_input 56 cannot be given on the command line"):
        to_argv(Config(data_dir="/d", timesteps=14, num_input=56))
    out = tmp_path / "band"
    with pytest.raises(UsageError, match="num_classes 3 cannot be given"):
        fidelity.run_seeds(Config(data_dir="/d", num_classes=3), [0], str(out))
    assert not out.exists()  # refused before anything was made


def test_only_the_options_given_are_taken_and_the_base_fills_the_rest():
    args = parse(["--num-hidden", "32", "--seed", "3"], Config(data_dir="/d", steps=2000))
    assert given_fields(args) == ["num_hidden", "seed"]
    assert from_args(args, Config(data_dir="/d", steps=2000)) == Config(data_dir="/d", steps=2000, num_hidden=32,
                                                                        seed=3)


def test_train_help_shows_every_settable_field_in_its_group():
    text = cli.build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    for name, s in FIELDS.items():
        assert (flag(name) in text) == s.settable, name
        assert s.group in text
    assert "fixed by MNIST's images, not options: num_input 28, timesteps 28, num_classes 10" in text
    assert "examples:" in text and "--resume RUN_DIR" in text


@pytest.mark.parametrize("argv, needle", [
    (["--num-hidden", "0"], "argument --num-hidden: must be a positive whole number, got 0"),
    (["--forget-bias", "nan"], "argument --forget-bias: must be a finite number, got nan"),
    (["--validation-size", "x"], "argument --validation-size: 'x' is not a whole number >= 0"),
    (["--lstm-impl", "hoisted"], "argument --lstm-impl: invalid choice: 'hoisted'"),
    (["--cell", "gru", "--lstm-impl", "block"], "lstm_impl block is the tutorial's LSTM only"),
    (["--test-size", "20000"], "test_size 20000 is larger than the test set (10000 images)"),
    (["--validation-size", "70000"], "validation_size must be 0..60000 (the training images), got 70000"),
])
def test_bad_option_values_are_one_line(argv, needle, tmp_path):
    proc = run_cli("train", *argv, "--run-dir", str(tmp_path / "run"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr
    assert not (tmp_path / "run").exists()


def test_version_names_the_package_and_tensorflow():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("rnn-tf1 0.") and "TensorFlow 2." in proc.stdout


def test_the_retired_hoisted_path_is_refused_but_its_saved_runs_read_as_faithful():
    with pytest.raises(UsageError, match="lstm_impl hoisted was retired.*use lstm_impl faithful"):
        Config(data_dir="/d", lstm_impl="hoisted")
    saved = {**dataclasses.asdict(Config(data_dir="/d")), "lstm_impl": "hoisted"}
    assert Config.from_dict(saved) == Config(data_dir="/d")  # the same variables and math
