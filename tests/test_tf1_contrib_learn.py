"""tf.contrib.learn.datasets (rnn_tf1/tf1/contrib_learn.py): TF 1.x's MNIST loaders of contrib.learn,
the same data as input_data.read_data_sets."""
import rnn_tf1  # noqa: F401  (TF_USE_LEGACY_KERAS before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf

from rnn_tf1.config import default_data_dir
from rnn_tf1.tf1 import Env, TF1NameMissing, contrib_learn, input_data

tf1 = tf.compat.v1


def test_load_dataset_mnist_is_read_data_sets_with_tf1s_defaults():
    env = Env(tf1, seed=5, data_dir=default_data_dir())
    loaded = contrib_learn.names(env)["load_dataset"]("mnist")
    expected = input_data.names(env)["read_data_sets"]("unused")
    for split in ("train", "validation", "test"):
        got, want = getattr(loaded, split), getattr(expected, split)
        assert got.labels.dtype == np.uint8 and got.labels.ndim == 1  # one_hot=False, as TF 1.15
        np.testing.assert_array_equal(got.images, want.images)
        np.testing.assert_array_equal(got.labels, want.labels)
    assert (loaded.train.num_examples, loaded.validation.num_examples) == (55000, 5000)
    np.testing.assert_array_equal(loaded.train.next_batch(3)[1], expected.train.next_batch(3)[1])  # same shuffler seed
    one_hot = contrib_learn.mnist_names(env)["read_data_sets"]("unused", one_hot=True, validation_size=0)
    assert one_hot.train.labels.shape == (60000, 10)


def test_load_dataset_keeps_tf1s_error_and_names_what_is_not_provided():
    load_dataset = contrib_learn.names(Env(tf1))["load_dataset"]
    with pytest.raises(ValueError, match="Name of dataset is not found: cifar"):
        load_dataset("cifar")
    with pytest.raises(TF1NameMissing, match=r"load_dataset\('iris'\) is not provided.*sklearn.datasets"):
        load_dataset("iris")


def test_the_classic_ml_modules_of_contrib_name_their_measured_replacements():
    # hints.py: the longest prefix wins, so a class under the module gets the module's hint.
    from rnn_tf1.tf1.hints import hint_for
    assert "sklearn.cluster.KMeans" in hint_for("tensorflow.contrib.factorization.KMeans")
    assert "ydf.RandomForestLearner" in hint_for("tensorflow.contrib.tensor_forest.python.tensor_forest")
    assert "ydf.GradientBoostedTreesLearner" in hint_for("tensorflow.contrib.boosted_trees.estimator_batch")
    assert "keras.Model" in hint_for("tensorflow.contrib.learn.Experiment")


# ---------------------------------------------------------------- ModeKeys, preprocessing

learn = contrib_learn  # the classes the namespaces hand out


def test_learn_modekeys_are_tf1s_strings_and_the_namespaces_hand_out_these_names():
    import rnn_tf1.tf1 as tf1_env
    assert (learn.ModeKeys.TRAIN, learn.ModeKeys.EVAL, learn.ModeKeys.INFER) == ("train", "eval", "infer")
    assert contrib_learn.learn_names(None) == {"ModeKeys": learn.ModeKeys}
    names = contrib_learn.preprocessing_names(None)
    assert names["VocabularyProcessor"] is learn.VocabularyProcessor
    assert names["CategoricalVocabulary"] is learn.CategoricalVocabulary
    for path in ("tensorflow.contrib.learn.preprocessing", "tensorflow.contrib.learn.python.learn.preprocessing",
                 "tensorflow.contrib.learn.python.learn.preprocessing.text"):
        assert tf1_env.NAMESPACES[path] == "contrib_learn:preprocessing_names"
    keys = list(tf1_env.NAMESPACES)  # learn's own namespace is made before its children are hung on it
    assert keys.index("tensorflow.contrib.learn") < keys.index("tensorflow.contrib.learn.datasets")


def test_tokenizer_is_tf1s_on_tf1s_documented_and_camel_case_texts():
    # TF 1.15's text_test.py results, then the regex's capital-run and CamelCase branches.
    assert list(learn.tokenizer(["a b c", "a\nb\nc", "a, b - c", "фыв выф", "你好 怎么样"])) == [
        ["a", "b", "c"], ["a", "b", "c"], ["a", "b", "-", "c"], ["фыв", "выф"], ["你好", "怎么样"]]
    assert list(learn.tokenizer(["HTMLParser isn't JSONData", "The well-known fox."])) == [
        ["HTML", "Parser", "isn't", "JSON", "Data"], ["The", "well-known", "fox"]]


def test_vocabulary_processor_ids_unknown_words_and_max_length():
    vp = learn.VocabularyProcessor(max_document_length=4, min_frequency=1)
    np.testing.assert_array_equal(list(vp.fit_transform(["a b c", "a\nb\nc", "a, b - c"])),
                                  [[1, 2, 3, 0], [1, 2, 3, 0], [1, 2, 0, 3]])  # TF 1.15's documented ids
    vp = learn.VocabularyProcessor(3)
    rows = np.array(list(vp.fit_transform(["the cat sat", "the dog sat on the mat"])))
    assert rows.dtype == np.int64 and rows.shape == (2, 3)
    np.testing.assert_array_equal(rows, [[1, 2, 3], [1, 4, 3]])  # first-seen order, cut at 3 tokens
    assert len(vp.vocabulary_) == 7  # <UNK>, the, cat, sat, dog, on, mat
    np.testing.assert_array_equal(list(vp.transform(["a cat on a hat"])), [[0, 2, 5]])  # frozen: unknown -> 0
    assert list(vp.reverse([[1, 2, 0]])) == ["the cat <UNK>"]


def test_categorical_vocabulary_trim_orders_by_count_then_sorted_and_keeps_more_than_min():
    vocab = learn.CategoricalVocabulary()
    for word, count in (("b", 3), ("a", 3), ("c", 5), ("d", 1), ("e", 9)):
        vocab.add(word, count)
    assert [vocab.get(w) for w in "bacde"] == [1, 2, 3, 4, 5]
    vocab.trim(1, max_frequency=9)  # e (9) is too frequent, d (1) too rare
    assert vocab._mapping == {"<UNK>": 0, "c": 1, "a": 2, "b": 3}
    assert [vocab.reverse(i) for i in range(4)] == ["<UNK>", "c", "a", "b"]
    vocab.freeze()
    assert vocab.get("zzz") == 0 and len(vocab) == 4
    with pytest.raises(ValueError, match="support_reverse"):
        learn.CategoricalVocabulary(support_reverse=False).reverse(0)
    existing = learn.CategoricalVocabulary()
    existing.get("A"), existing.get("B"), existing.freeze()
    vp = learn.VocabularyProcessor(4, vocabulary=existing, tokenizer_fn=list)
    np.testing.assert_array_equal(list(vp.fit_transform(["ABC", "CBABAF"])), [[1, 2, 0, 0], [0, 2, 1, 2]])


def test_byte_processor_round_trip():
    bp = learn.ByteProcessor(8)
    rows = list(bp.fit_transform(["abc", "фыва", b"abc", "12345678901234567890"]))
    np.testing.assert_array_equal(rows, [[97, 98, 99, 0, 0, 0, 0, 0], list("фыва".encode()),
                                         [97, 98, 99, 0, 0, 0, 0, 0], list(b"12345678")])
    assert list(bp.reverse(rows)) == ["abc", "фыва", "abc", "12345678"]


def tf1_layout_modules(monkeypatch):
    """Stand-ins for TF 1.x's two modules, with classes of TF 1.x's names and no methods: what a
    TF 1.x process pickled, and what it would find when unpickling."""
    import types
    made = {}
    for module, names in ((contrib_learn.TEXT_MODULE, ("VocabularyProcessor",)),
                          (contrib_learn.VOCABULARY_MODULE, ("CategoricalVocabulary",))):
        mod = types.ModuleType(module)
        for name in names:
            made[name] = type(name, (), {"__module__": module})
            setattr(mod, name, made[name])
        monkeypatch.setitem(__import__("sys").modules, module, mod)

    def tokenizer(iterator):  # TF 1.x's function, by reference
        raise AssertionError("not called")
    tokenizer.__module__, tokenizer.__qualname__ = contrib_learn.TEXT_MODULE, "tokenizer"
    setattr(__import__("sys").modules[contrib_learn.TEXT_MODULE], "tokenizer", tokenizer)
    return made, tokenizer


def test_save_restore_here_and_a_file_in_tf1s_layout(tmp_path, monkeypatch):
    import collections
    import pickle
    vp = learn.VocabularyProcessor(5, min_frequency=0)
    vp.fit(["red green blue", "green sky"])
    vp.save(str(tmp_path / "vocab"))
    again = learn.VocabularyProcessor.restore(str(tmp_path / "vocab"))
    assert type(again) is learn.VocabularyProcessor and again._tokenizer is learn.tokenizer
    np.testing.assert_array_equal(list(again.transform(["blue sky red moon"])), [[3, 4, 1, 0, 0]])
    raw = (tmp_path / "vocab").read_bytes()
    assert b"tensorflow.contrib.learn.python.learn.preprocessing.text\nVocabularyProcessor" in raw
    assert b"rnn_tf1" not in raw

    made, tokenizer = tf1_layout_modules(monkeypatch)
    # What TF 1.x's classes hold, by TF 1.x's __init__ (categorical_vocabulary.py, text.py).
    old = made["VocabularyProcessor"]()
    old.__dict__.update(max_document_length=3, min_frequency=0, _tokenizer=tokenizer,
                        vocabulary_=made["CategoricalVocabulary"]())
    old.vocabulary_.__dict__.update(_unknown_token="<UNK>", _mapping={"<UNK>": 0, "hello": 1, "world": 2},
                                    _support_reverse=True, _reverse_mapping=["<UNK>", "hello", "world"],
                                    _freq=collections.defaultdict(int, hello=2, world=1), _freeze=True)
    (tmp_path / "tf1.vocab").write_bytes(pickle.dumps(old, protocol=2))
    # ... restores here into the classes of this module, and works;
    restored = learn.VocabularyProcessor.restore(str(tmp_path / "tf1.vocab"))
    assert type(restored.vocabulary_) is learn.CategoricalVocabulary and restored._tokenizer is learn.tokenizer
    np.testing.assert_array_equal(list(restored.transform(["world hello there"])), [[2, 1, 0]])
    assert list(restored.reverse([[1, 2, 0]])) == ["hello world <UNK>"]
    # ... and a file written here unpickles, in a process with TF 1.x's modules, into TF 1.x's classes.
    loaded = pickle.loads(raw)
    assert type(loaded) is made["VocabularyProcessor"] and type(loaded.vocabulary_) is made["CategoricalVocabulary"]
    assert loaded._tokenizer is tokenizer and loaded.max_document_length == 5
    assert sorted(vars(loaded.vocabulary_)) == ["_freeze", "_freq", "_mapping", "_reverse_mapping",
                                                "_support_reverse", "_unknown_token"]


def test_the_rest_of_learn_names_what_to_use():
    from rnn_tf1.tf1.hints import hint_for
    for name in ("Experiment", "learn_runner", "DNNClassifier", "Estimator"):
        assert "tf.estimator.train_and_evaluate" in hint_for(f"tensorflow.contrib.learn.{name}")


# ---------------------------------------------------------------- tf.keras.datasets.mnist offline

def test_keras_mnist_offline_gives_the_verified_arrays_in_keras_layout(mnist_arrays, caplog, capsys):
    from rnn_tf1.tf1 import keras_datasets

    def offline(path="mnist.npz", cache_dir=None):
        print("Downloading data from https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- [Errno -2] "
                        "Name or service not known")  # what tf-keras' get_file raises offline

    load_data = keras_datasets.offline_load_data(offline, Env(tf1, data_dir=default_data_dir()))
    with caplog.at_level("WARNING", logger="rnn_tf1.tf1"):
        (x, y), (xt, yt) = load_data()
        load_data()
    assert capsys.readouterr().out == ""  # Keras' download line is not the script's stdout
    notes = [r.getMessage() for r in caplog.records if "mnist.npz" in r.getMessage()]
    assert len(notes) == 1 and "cannot download mnist.npz (URL fetch failure" in notes[0]
    assert (x.dtype, y.dtype, xt.dtype, yt.dtype) == (np.uint8,) * 4
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert x.max() == 255 and x.min() == 0
    # Published outputs of Keras' mnist.load_data() begin so: the IDX files' order.
    np.testing.assert_array_equal(y[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    np.testing.assert_array_equal(yt[:10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    # TF 1.x's read_data_sets split: validation the first 5000, train the other 55000, in order.
    split = input_data.names(Env(tf1, data_dir=default_data_dir()))["read_data_sets"](
        "unused", dtype=tf.uint8, reshape=False)
    np.testing.assert_array_equal(np.concatenate([split.validation.images, split.train.images])[..., 0], x)
    np.testing.assert_array_equal(np.concatenate([split.validation.labels, split.train.labels]), y)
    np.testing.assert_array_equal(xt, mnist_arrays["test_images"])

    def broken(path="mnist.npz", cache_dir=None):
        raise ValueError("a bad npz")  # not a download failure: Keras' own error stays
    with pytest.raises(ValueError, match="a bad npz"):
        keras_datasets.offline_load_data(broken, Env(tf1))()


def test_keras_mnist_install_patches_tf_keras_modules(monkeypatch):
    import sys
    from rnn_tf1.tf1 import keras_datasets
    import tf_keras.src.datasets.mnist as source
    import tf_keras.datasets.mnist as public
    monkeypatch.setattr(source, "load_data", source.load_data)
    monkeypatch.setattr(public, "load_data", public.load_data)
    original = source.load_data
    keras_datasets.install(Env(tf1))
    assert public.load_data is source.load_data and source.load_data.rnn_tf1_original is original
    keras_datasets.install(Env(tf1))  # twice: still one layer over Keras' function
    assert source.load_data.rnn_tf1_original is original
    assert sys.modules[keras_datasets.SOURCE_MODULE] is source


# ---------------------------------------------------------------- the 2017 text CNN fixture

def test_numpy_1s_object_array_of_ragged_pairs_without_installing_the_habit():
    from rnn_tf1.tf1 import habits
    array = habits._array_ragged_as_object(np.array)
    pairs = list(zip([np.arange(5)] * 3, [np.array([0, 1])] * 3))  # a text CNN's (ids, label) pairs
    made = array(pairs)
    assert made.dtype == object and made.shape == (3, 2)  # numpy 1's result
    np.testing.assert_array_equal(made[1, 0], np.arange(5))
    assert array([[1, 2], [3, 4]]).dtype == np.array([[1, 2], [3, 4]]).dtype  # the regular case is untouched
    with pytest.raises(ValueError, match="inhomogeneous"):
        array(pairs, dtype=np.float32)  # a dtype asked for: numpy's own error, as numpy 1 raised one too
    with pytest.raises(ValueError):
        np.array(pairs)  # this process's numpy is numpy 2's, untouched


def test_the_2017_text_cnn_fixture_parses_flags_the_tf1_4_way_and_restores_its_vocabulary(tmp_path):
    from conftest import run_cli
    from test_run_script import SCRIPTS
    out = tmp_path / "runs"
    # Seeded; PYTHONHASHSEED set, so `run` needs no restart of its own (one TensorFlow start-up).
    proc = run_cli("run", f"{SCRIPTS}/text_cnn_2017.py", "--seed", "0", "--", f"--out_dir={out}",
                   "--batch_size=16", "--num_steps=30", "--some_other_flag=1", env={"PYTHONHASHSEED": "0"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    start = lines.index("Parameters:")
    # FLAGS._parse_flags() took the defined flags from argv and left the unknown one; FLAGS.__flags held
    # the script's flags only (none of absl's or TensorFlow's own), with their values.
    assert lines[start + 1:start + 9] == [
        "ALLOW_SOFT_PLACEMENT=True", "BATCH_SIZE=16", "DROPOUT_KEEP_PROB=0.5", "EMBEDDING_DIM=16",
        "FILTER_SIZES=2,3", "NUM_FILTERS=8", "NUM_STEPS=30", f"OUT_DIR={out}"]
    assert lines[start + 9] == ""
    assert "numpy 1 habit: np.array(ragged nested sequences)" in proc.stderr
    losses = [float(line.split()[-1]) for line in lines if line.startswith("step ")]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert float(lines[-1].split()[-1]) >= 0.8  # the restored model on 100 new sentences
    # The vocabulary file: TF 1.x's tokens (apostrophes and hyphens kept, the full stop dropped).
    vocab = contrib_learn.VocabularyProcessor.restore(str(out / "vocab"))
    words = set(vocab.vocabulary_._mapping)
    assert "Vocabulary Size: 19" in lines and len(words) == 19
    assert {"<UNK>", "it's", "well-acted", "superb", "the"} <= words and not any("." in w for w in words)
    superb, unknown = ([int(i) for i in line.split()[1:]] for line in lines if line.startswith("ids "))
    assert list(vocab.reverse([superb, unknown])) == ["the film was superb <UNK> <UNK> <UNK> <UNK>",
                                                     "a <UNK> plot <UNK> <UNK> <UNK> <UNK> <UNK>"]
    assert unknown[1] == 0 and superb[4:] == [0] * 4
