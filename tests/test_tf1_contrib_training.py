"""tf.contrib.training (rnn_tf1/tf1/contrib_training.py): HParams and parse_values against the
results and error messages TF 1.15 documented (its docstrings and its own hparam tests' expected
values), the queue-based bucket_by_sequence_length against the inputs it was given, tf-slim's
training names; the HParams-configured seq2seq fixture (tests/tf1_scripts/hparams_seq2seq.py,
written for this project) run twice with one seed.  In-process graph mode, no install()."""
import json
import re

import rnn_tf1  # noqa: F401  (before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.tf1 import Env, contrib_training
from rnn_tf1.tf1.contrib_training import HParams, parse_values
from test_run_script import run_script

tf1 = tf.compat.v1


def fails(message, call, *args):
    """`call(*args)` raises ValueError with exactly `message`."""
    with pytest.raises(ValueError) as caught:
        call(*args)
    assert str(caught.value) == message


# ---------------------------------------------------------------- parse: each type, each error


def test_parse_reads_ints_floats_and_strings_as_tf_1_15_did():
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d="/a/b=c/d")
    assert hparams.parse("aaa=12") is hparams
    assert hparams.values() == {"aaa": 12, "b": 2.0, "c_c": "relu6", "d": "/a/b=c/d"}
    hparams.parse("c_c=relu4, b=-2.0e10")  # a space after the comma
    assert (hparams.c_c, hparams.b) == ("relu4", -2.0e10)
    hparams.parse("c_c=,b=0,")  # an empty string; an int for a float; a trailing comma
    assert hparams.c_c == "" and hparams.b == 0.0 and type(hparams.b) is float
    hparams.parse('c_c=2.3",b=+2,')
    assert (hparams.c_c, hparams.b) == ('2.3"', 2.0)
    hparams.parse("b=1.5,d=/a=b/c/d,aaa=10,")  # '=' inside a string value
    assert hparams.values() == {"aaa": 10, "b": 1.5, "c_c": '2.3"', "d": "/a=b/c/d"}
    assert type(hparams.aaa) is int


@pytest.mark.parametrize("text, expected", [("true", True), ("True", True), ("1", True), ("false", False),
                                            ("False", False), ("0", False), ("7", True)])
def test_parse_reads_bools_as_tf_1_15_did(text, expected):
    for initial in (False, True):
        hparams = HParams(use_gpu=initial).parse("use_gpu=" + text)
        assert hparams.use_gpu is expected


def test_parse_reads_lists_as_tf_1_15_did():
    hparams = HParams(aaa=[1], b=[2.0, 3.0], c_c=["relu6"])
    assert hparams.parse("aaa=[12,34,56]").aaa == [12, 34, 56]
    hparams.parse("c_c=[relu4,relu12],b=[1.0]")
    assert (hparams.c_c, hparams.b) == (["relu4", "relu12"], [1.0])
    hparams.parse("c_c=[],aaa=[-34]")  # an empty list may be parsed (never added)
    assert (hparams.c_c, hparams.aaa) == ([], [-34])
    hparams.parse("c_c=[_12,3'4\"],aaa=[+3], b=[1 2,3]")  # spaces separate items too
    assert (hparams.c_c, hparams.aaa, hparams.b) == (["_12", "3'4\""], [3], [1.0, 2.0, 3.0])
    assert [type(v) for v in hparams.b] == [float] * 3


def test_parse_errors_are_tf_1_15s_word_for_word():
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", flag=True, lst=[1])
    fails("Unknown hyperparameter type for x", hparams.parse, "x=123")
    fails("Could not parse hparam 'aaa' of type 'int' with value 'poipoi' in aaa=poipoi", hparams.parse, "aaa=poipoi")
    fails("Could not parse hparam 'aaa' of type 'int' with value '1.0' in aaa=1.0", hparams.parse, "aaa=1.0")
    fails("Could not parse hparam 'b' of type 'float' with value '12x' in b=12x", hparams.parse, "b=12x")
    fails("Could not parse hparam 'flag' of type 'bool' with value 'yep' in flag=yep", hparams.parse, "flag=yep")
    fails("Could not parse hparam 'lst' of type 'int' with value '1,x' in lst=[1,x]", hparams.parse, "lst=[1,x]")
    fails("Must not pass a list for single-valued parameter: aaa", hparams.parse, "aaa=[123]")
    fails("Must pass a list for multi-valued parameter: lst.", hparams.parse, "lst=123")
    fails("Malformed hyperparameter value: aaa", hparams.parse, "aaa")
    fails("Malformed hyperparameter value: =3", hparams.parse, "aaa=2,=3")
    fails("Multiple assignments to variable 'aaa' in aaa=1,aaa=2", hparams.parse, "aaa=1,aaa=2")
    # an index assignment parses, but HParams holds whole lists only
    fails("Must pass a list for multi-valued parameter: lst.", hparams.parse, "lst[0]=5")
    assert hparams.values() == {"aaa": 1, "b": 2.0, "c_c": "relu6", "flag": True, "lst": [1]}  # untouched


def test_parse_values_index_assignments_reuse_and_ignore_unknown():
    types = {"x": int, "L": int, "arr": int, "s": str, "f": float, "b": bool}
    assert parse_values("x=5,L=[1,2],arr[1]=3", types) == {"x": 5, "L": [1, 2], "arr": {1: 3}}
    assert parse_values("arr[0]=10,arr[5]=20,b[1]=true,s[2]=abc,f[3]=3.14", types) == {
        "arr": {0: 10, 5: 20}, "b": {1: True}, "s": {2: "abc"}, "f": {3: 3.14}}
    assert parse_values("", types) == {}
    assert parse_values("arr[0]=10,C=5,zzz[1]=kkk,x=1", types, ignore_unknown=True) == {"arr": {0: 10}, "x": 1}
    fails("Multiple assignments to variable 'x' in x=1,x=1", parse_values, "x=1,x=1", types)
    fails("Multiple assignments to variable 'arr' in arr=[100,200],arr[0]=10", parse_values,
          "arr=[100,200],arr[0]=10", types)
    fails("Multiple assignments to variable 'arr[0]' in arr[0]=10,arr[0]=20", parse_values, "arr[0]=10,arr[0]=20", types)
    fails("Multiple assignments to variable 'arr' in arr[0]=10,arr=[100]", parse_values, "arr[0]=10,arr=[100]", types)
    fails("Assignment of a list to a list index.", parse_values, "arr[1]=[1,2,3]", types)
    fails("Unknown hyperparameter type for arr", parse_values, "arr[1]=1", {"arr[1]": int})
    # names with periods: reachable through getattr only, as TF 1.15 allowed
    hparams = HParams()
    hparams.add_hparam("a.b", 0.0)
    assert getattr(hparams.parse("a.b=1.5"), "a.b") == 1.5


# ---------------------------------------------------------------- the rest of HParams


def test_set_hparam_keeps_each_type_and_casts_only_int_to_float():
    hparams = HParams(int_=1, str_="str", bool_=True, float_=1.1, list_int=[1, 2], none=None)
    for name, value in [("str_", 2.2), ("int_", False), ("bool_", 1), ("int_", 2.2), ("int_", "2"),
                        ("list_int", [2, 3.3])]:
        with pytest.raises(ValueError, match="^Could not cast hparam"):
            hparams.set_hparam(name, value)
    fails("Could not cast hparam 'int_' of type '<class 'int'>' from value 2.2", hparams.set_hparam, "int_", 2.2)
    fails("Must not pass a list for single-valued parameter: int_", hparams.set_hparam, "int_", [1])
    fails("Must pass a list for multi-valued parameter: list_int.", hparams.set_hparam, "list_int", 3)
    hparams.set_hparam("float_", 1)
    assert hparams.float_ == 1.0 and type(hparams.float_) is float
    hparams.set_hparam("none", "1")  # a None hyperparameter takes anything, as in TF 1.15
    assert hparams.none == "1"
    with pytest.raises(KeyError):
        hparams.set_hparam("missing", 1)
    assert hparams.override_from_dict({"int_": -2, "list_int": [7]}) is hparams
    assert (hparams.int_, hparams.list_int) == (-2, [7])


def test_add_del_get_contains_str_and_repr():
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d=True, e=[5.0, 6.0])
    fails("Hyperparameter name is reserved: values", hparams.add_hparam, "values", 1)
    fails("Hyperparameter name is reserved: aaa", hparams.add_hparam, "aaa", 2)
    fails("Multi-valued hyperparameters cannot be empty: z", hparams.add_hparam, "z", [])
    assert "aaa" in hparams and "zzz" not in hparams
    assert [hparams.get("aaa", 2), hparams.get("b", 3), hparams.get("e", [1, 2])] == [1, 2.0, [5.0, 6.0]]
    assert hparams.get("unknown") is None and hparams.get("unknown", [1, 2]) == [1, 2]
    fails("Hparam 'aaa' of type '<class 'int'>' is incompatible with default=2.0. Could not cast hparam 'aaa' of "
          "type '<class 'int'>' from value 2.0", hparams.get, "aaa", 2.0)
    for key, default in [("b", False), ("c_c", [1, 2, 3]), ("d", "relu"), ("e", 123.0), ("e", ["a", "b"])]:
        with pytest.raises(ValueError, match="is incompatible with default="):
            hparams.get(key, default)
    assert str(HParams(b=2.0, aaa=1)) == "[('aaa', 1), ('b', 2.0)]"
    assert repr(HParams(b=2.0, aaa=1)) == "HParams([('aaa', 1), ('b', 2.0)])"
    hparams.del_hparam("aaa")
    hparams.del_hparam("never_there")  # nothing, as TF 1.15
    assert "aaa" not in hparams and not hasattr(hparams, "aaa")
    hparams.add_hparam("aaa", "now a string")
    hparams.set_hparam("aaa", "still a string")
    assert hparams.get("aaa") == "still a string"
    assert HParams(model_structure="structure").get_model_structure() == "structure"


def test_to_json_and_parse_json():
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d=True)
    assert hparams.parse_json('{"aaa": 12, "b": 3.0, "c_c": "relu4", "d": false}') is hparams
    assert hparams.values() == {"aaa": 12, "b": 3.0, "c_c": "relu4", "d": False}
    other = HParams(aaa=10, b=20.0, c_c="hello", d=True).parse_json(hparams.to_json())
    assert other.values() == hparams.values()
    single = HParams(aaa=123)
    assert single.to_json() == '{"aaa": 123}'
    assert single.to_json(indent=2) == '{\n  "aaa": 123\n}'
    assert single.to_json(separators=(";", "=")) == '{"aaa"=123}'
    assert HParams(b="hello", aaa=123, c_c=False).to_json(sort_keys=True) == \
        '{"aaa": 123, "b": "hello", "c_c": false}'
    assert json.loads(HParams(a=1, fn=len, fns=[len, 2]).to_json()) == {"a": 1, "fns": [2]}  # callables left out
    with pytest.raises(ValueError, match="Could not cast hparam 'aaa'"):
        hparams.parse_json('{"aaa": "text"}')


def test_to_proto_is_tf1s_hparamdef_and_from_proto_restores_it():
    # {"a": 5} in HParamDef's wire format, by hand: map entry (field 1) {key (1): "a", value (2):
    # HParamType {int64_value (1): 5}}
    assert HParams(a=5).to_proto().SerializeToString() == bytes([0x0A, 7, 0x0A, 1, ord("a"), 0x12, 2, 0x08, 5])
    hparams = HParams(aaa=10, b=1.5, c_c='2.3"', d="/a=b/c/d", use_gpu=False, lst=[3], fl=[0.5, 2.0],
                      sl=["_12", "3'4\""], bl=[True])
    restored = HParams(hparam_def=hparams.to_proto())
    assert restored.values() == hparams.values()
    assert type(restored.use_gpu) is bool and type(restored.aaa) is int  # not 0 / 1, not numpy
    assert HParams.from_proto(hparams.to_proto()).values() == hparams.values()
    assert HParams(x=0.1).to_proto().hparam["x"].float_value == pytest.approx(0.1, rel=1e-7)  # float32, as TF1
    names = contrib_training.hparam_names(Env(tf1))
    assert isinstance(hparams.to_proto(), names["hparam_pb2"].HParamDef)
    for wrong in (1, 1.0, "hello", [1, 2, 3]):  # TF 1.15: an AssertionError
        with pytest.raises(AssertionError):
            HParams(hparam_def=wrong)
    with pytest.raises(ValueError, match="mutually exclusive"):
        HParams(hparam_def=hparams.to_proto(), a=1)
    with pytest.raises(ValueError, match="Unsupported parameter type"):
        HParams(x=None).to_proto()


# ---------------------------------------------------------------- bucketing and slim's names


def _collect(batches):
    """Every (lengths, padded) batch the queues give until they are closed."""
    seen = []
    with tf1.Session() as sess:
        coord = tf1.train.Coordinator()
        threads = tf1.train.start_queue_runners(sess, coord)
        try:
            while True:
                seen.append(sess.run(batches))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    return seen


@pytest.mark.parametrize("smaller_final", [True, False])
def test_bucket_by_sequence_length_batches_each_bucket_and_pads(smaller_final):
    lengths = [1, 5, 2, 6, 3, 7, 1, 2]
    rows = [list(range(10 * i + 1, 10 * i + 1 + n)) for i, n in enumerate(lengths)]
    names = contrib_training.names(Env(tf1))
    with tf.Graph().as_default():
        dataset = tf1.data.Dataset.from_generator(lambda: iter(rows), tf1.int32, [None])
        sequence = tf1.data.make_one_shot_iterator(dataset).get_next()
        batch_lengths, (padded,) = names["bucket_by_sequence_length"](
            tf1.shape(sequence)[0], [sequence], 2, [4], dynamic_pad=True, allow_smaller_final_batch=smaller_final)
        assert padded.shape.as_list() == [None if smaller_final else 2, None]
        seen = _collect([batch_lengths, padded])
    per_bucket = {0: [], 1: []}
    for got_lengths, got_padded in seen:
        buckets = {int(n >= 4) for n in got_lengths}
        assert len(buckets) == 1  # one bucket per batch
        assert got_padded.shape == (len(got_lengths), max(got_lengths))
        for n, row in zip(got_lengths, got_padded):
            index = next(i for i, r in enumerate(rows) if len(r) == n and r[0] == row[0])
            assert row.tolist() == rows[index] + [0] * (len(row) - n)  # the input, zero-padded
        per_bucket[buckets.pop()].extend(got_lengths.tolist())
    # first in, first out within a bucket; without smaller batches the leftover is dropped
    assert per_bucket[0] == ([1, 2, 3, 1, 2] if smaller_final else [1, 2, 3, 1])
    assert per_bucket[1] == ([5, 6, 7] if smaller_final else [5, 6])


def test_bucket_refuses_what_tf_1_15_refused():
    names = contrib_training.names(Env(tf1))
    with tf.Graph().as_default():
        x = tf1.placeholder(tf1.int32, [None])
        fails("Buckets must contain sequential increasing lengths, but saw: 4 before 4",
              lambda: names["bucket_by_sequence_length"](3, [x], 2, [4, 4], dynamic_pad=True))
        fails("bucket_boundaries must not be empty", lambda: names["bucket_by_sequence_length"](3, [x], 2, []))
        with pytest.raises(TypeError, match="bucket boundaries must be integers, but saw: 2.5 and 4"):
            names["bucket_by_sequence_length"](3, [x], 2, [2.5, 4], dynamic_pad=True)
        with pytest.raises(ValueError, match="fully defined"):
            names["bucket_by_sequence_length"](3, [x], 2, [4])
        with pytest.raises(ValueError, match="must have exactly num_buckets"):
            names["bucket"]([x], 0, 2, 2, bucket_capacities=[4], dynamic_pad=True)


def test_slim_training_names_are_tf_slims_and_create_train_op_steps():
    from tf_slim.training import evaluation, training
    names = contrib_training.names(Env(tf1))
    assert names["HParams"] is HParams and names["parse_values"] is parse_values
    for name in ("add_gradients_summaries", "clip_gradient_norms", "clip_gradient_norms_fn", "create_train_op",
                 "multiply_gradients", "train"):
        assert names[name] is getattr(training, name)
    for name in ("StopAfterNEvalsHook", "SummaryAtEndHook", "checkpoints_iterator", "evaluate_once",
                 "evaluate_repeatedly", "get_or_create_eval_step", "wait_for_new_checkpoint"):
        assert names[name] is getattr(evaluation, name)
    with tf.Graph().as_default(), tf1.Session() as sess:
        w = tf1.get_variable("w", initializer=0.0)
        loss = tf1.square(w - 3.0)
        train_op = names["create_train_op"](loss, tf1.train.GradientDescentOptimizer(0.1))
        sess.run(tf1.global_variables_initializer())
        assert sess.run(train_op) == pytest.approx(9.0)  # the loss before the step
        assert sess.run(w) == pytest.approx(0.6)  # w - 0.1 * 2 (w - 3)
        assert sess.run(tf1.train.get_global_step()) == 1


def test_every_tf_1_15_contrib_training_name_is_provided_or_has_a_hint():
    from rnn_tf1.tf1.hints import hint_for
    provided = contrib_training.names(Env(tf1))
    # tf.contrib.training's __all__ in TF 1.15
    for name in ("HParams", "parse_values", "bucket", "bucket_by_sequence_length", "batch_sequences_with_states",
                 "NextQueuedSequenceBatch", "SequenceQueueingStateSaver", "rejection_sample", "stratified_sample",
                 "resample_at_rate", "weighted_resample", "FeedingQueueRunner", "GreedyLoadBalancingStrategy",
                 "RandomStrategy", "byte_size_load_fn", "python_input", "add_gradients_summaries",
                 "clip_gradient_norms", "clip_gradient_norms_fn", "create_train_op", "multiply_gradients", "train",
                 "evaluate_once", "evaluate_repeatedly", "get_or_create_eval_step", "StopAfterNEvalsHook",
                 "SummaryAtEndHook", "wait_for_new_checkpoint", "checkpoints_iterator", "sgdr_decay"):
        hint = hint_for(f"tensorflow.contrib.training.{name}")
        assert name in provided or not hint.startswith("no drop-in replacement; tf.contrib.training here"), name


# ---------------------------------------------------------------- the fixture under rnn-tf1 run


@pytest.fixture(scope="module")
def fixture_runs(tmp_path_factory):
    return [run_script("hparams_seq2seq.py", seed=0, script_args=[
        "--hparams", "learning_rate=0.03,num_units=[20]", "--out", str(tmp_path_factory.mktemp(f"run{i}"))])
        for i in range(2)]


def test_the_hparams_seq2seq_fixture_trains_and_repeats_with_a_seed(fixture_runs):
    for proc in fixture_runs:
        assert proc.returncode == 0, proc.stderr
    assert fixture_runs[0].stdout == fixture_runs[1].stdout
    lines = fixture_runs[0].stdout.splitlines()
    assert json.loads(lines[0].partition(": ")[2]) == {
        "batch_size": 32, "clip_gradients": True, "digits": 5, "embedding_size": 12, "learning_rate": 0.03,
        "length": 4, "num_units": [20], "optimizer": "adam", "train_steps": 60}
    assert lines[1] == "hparams.json read back the same: True"
    assert lines[2] == "parse_values: {'length': 6, 'num_units': [8, 8]}"
    losses = [float(line.split()[-1]) for line in lines if line.startswith("step ")]
    assert len(losses) == 6 and losses[-1] < 0.5 * losses[0]
    checkpoint = {line.split()[1]: line.split(" ", 2)[2] for line in lines if line.startswith("checkpoint: ")}
    assert checkpoint["embedding"] == "[8, 12]" and checkpoint["global_step"] == "[]"
    assert checkpoint["encoder/rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel"] == "[32, 40]"  # 12 + 20 inputs
    assert "checkpoint embedding equals the session's: True" in lines
    decoded = [re.split(r"\s*\|\s*", line) for line in lines if line.startswith("source ")]
    assert len(decoded) == 3
    copies = sum(greedy.split()[1:] == source.split()[1:] + ["2"] for source, greedy in decoded)
    assert copies >= 1  # 60 steps copy some held-out sequences exactly, EOS (2) included
