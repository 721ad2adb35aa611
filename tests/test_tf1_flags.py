"""tf.flags / tf.app.flags under `rnn-tf1 run` (rnn_tf1/tf1/tf_flags.py): TF 1.0-1.4's
`FLAGS._parse_flags()`, `FLAGS.__flags` and `FLAGS.__dict__['__flags']` alongside absl's flags,
in-process on a FlagValues of the test's own (the process's global FLAGS stays untouched)."""
import sys

import rnn_tf1  # noqa: F401  (before TensorFlow)
import pytest
import tensorflow as tf
from absl import flags as absl_flags

from rnn_tf1.tf1 import Env, tf_flags


@pytest.fixture
def flag_values():
    """A fresh FlagValues with the 2017 text classifier's kinds of flags, and TF 1.x's FLAGS over it."""
    values = absl_flags.FlagValues()
    absl_flags.DEFINE_integer("batch_size", 64, "Batch Size", flag_values=values)
    absl_flags.DEFINE_string("filter_sizes", "3,4,5", "sizes", flag_values=values)
    absl_flags.DEFINE_float("dropout_keep_prob", 0.5, "keep", flag_values=values)
    absl_flags.DEFINE_boolean("allow_soft_placement", True, "soft", flag_values=values)
    absl_flags.DEFINE_boolean("logtostderr", False, "absl's own kind", flag_values=values,
                              module_name="absl.logging")
    return values, tf_flags.TF1FlagValues(values)


def test_parse_flags_reads_argv_skips_unknown_arguments_and_returns_them(flag_values, monkeypatch):
    values, flags = flag_values
    monkeypatch.setattr(sys, "argv", ["train.py", "--batch_size=8", "--noallow_soft_placement", "--other=1", "pos"])
    assert flags._parse_flags() == ["--other=1", "pos"]  # TF 1.4: argparse's parse_known_args
    assert flags.batch_size == 8 and flags.allow_soft_placement is False and values.is_parsed()
    assert flags._parse_flags(["--dropout_keep_prob", "0.25"]) == [] and flags.dropout_keep_prob == 0.25


def test_flags_dict_holds_the_scripts_flags_and_their_values(flag_values, monkeypatch):
    values, flags = flag_values
    monkeypatch.setattr(sys, "argv", ["train.py", "--filter_sizes=2,3"])
    flags._parse_flags()
    expected = {"batch_size": 64, "filter_sizes": "2,3", "dropout_keep_prob": 0.5, "allow_soft_placement": True}
    assert flags.__flags == expected  # not absl's Flag objects, not absl's own flags (logtostderr)
    assert flags.__dict__["__flags"] == expected and flags.__dict__["__parsed"] is True
    lines = [f"{attr.upper()}={value}" for attr, value in sorted(flags.__flags.items())]  # the classifier's print
    assert lines == ["ALLOW_SOFT_PLACEMENT=True", "BATCH_SIZE=64", "DROPOUT_KEEP_PROB=0.5", "FILTER_SIZES=2,3"]
    flags.__flags["batch_size"] = 3  # TF 1.4 set the flag through its dict
    assert flags.batch_size == 3 and values["batch_size"].value == 3


def test_flags_dict_before_any_parse_parses_argv_first_as_reading_a_flag_does(flag_values, monkeypatch):
    values, flags = flag_values
    monkeypatch.setattr(sys, "argv", ["eval.py", "--batch_size=2"])
    assert flags.__flags["batch_size"] == 2 and values.is_parsed()


def test_absls_own_api_is_the_wrapped_objects(flag_values, monkeypatch):
    values, flags = flag_values
    monkeypatch.setattr(sys, "argv", ["x.py"])
    assert flags(["x.py", "--batch_size=5"]) == ["x.py"] and flags.batch_size == 5
    assert flags.flag_values_dict()["batch_size"] == 5 and "batch_size" in flags and flags["batch_size"].value == 5
    flags.batch_size = 6
    assert values.batch_size == 6
    assert isinstance(flags, absl_flags.FlagValues)  # __class__ is the wrapped object's


def test_the_namespaces_share_one_flags_object_over_tensorflows():
    env = Env(tf.compat.v1)
    names = tf_flags.names(env)
    assert names["FLAGS"] is tf_flags.names(env)["FLAGS"]
    assert object.__getattribute__(names["FLAGS"], "_rnn_tf1_wrapped") is tf.compat.v1.flags.FLAGS
    assert names["DEFINE_string"] is tf.compat.v1.flags.DEFINE_string
    assert tf_flags.app_names(env)["run"] is tf.compat.v1.app.run
    # --report names it as written here, and its absl replacement
    from rnn_tf1.tf1 import report
    assert names["FLAGS"].__module__ == "rnn_tf1.tf1.tf_flags"
    assert report.classify("tf.flags.FLAGS", names["FLAGS"], tf)[0] == report.RNN_TF1
    assert "flag_values_dict()" in report.IN_TF2[report.table_key("tf.app.flags.FLAGS")]


def test_define_float_is_tf_1_15s_an_int_default_becomes_a_float():
    """TF 1.15's contract (absl), not TF 1.0-1.4's argparse, which kept the int as written."""
    assert tf_flags.names(Env(tf.compat.v1))["DEFINE_float"] is tf.compat.v1.flags.DEFINE_float
    values = absl_flags.FlagValues()
    tf.compat.v1.flags.DEFINE_float("batch_size", 20, "an int default, as 2017's NER scripts wrote it",
                                    flag_values=values)
    values(["train.py"])
    assert type(values.batch_size) is float and values.batch_size == 20.0
