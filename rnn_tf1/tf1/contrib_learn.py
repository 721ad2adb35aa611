"""`tensorflow.contrib.learn`: the parts TF1-era scripts still reach, written here with TF 1.15's
behaviour.

- `ModeKeys` (learn's spelling: `TRAIN`, `EVAL`, `INFER`, the strings 'train', 'eval', 'infer'),
  which an NMT package's models switch on;
- `preprocessing`: `VocabularyProcessor` (fit / fit_transform / transform / reverse / save /
  restore), `CategoricalVocabulary`, `ByteProcessor`, `tokenizer` with TF 1.x's tokenizer regex,
  also under `tensorflow.contrib.learn.python.learn.preprocessing(.text, .categorical_vocabulary)`;
- `datasets`: the MNIST loaders the Estimator tutorials called
  (`tf.contrib.learn.datasets.load_dataset("mnist")`), on the same loader as
  `tensorflow.examples.tutorials.mnist.input_data` (input_data.py).

`VocabularyProcessor.save` pickles the processor as TF 1.x did, under TF 1.x's class paths
(`tensorflow.contrib.learn.python.learn.preprocessing.text.VocabularyProcessor`, its
`CategoricalVocabulary`, the `tokenizer` function) and with TF 1.x's attributes, so a file written
by TF 1.x restores here and one written here restores in TF 1.x; `restore` maps those paths to the
classes here, in any process.

The rest of contrib.learn (its Estimators, Experiment, learn_runner) is not provided: hints.py
names what to use instead.

TF 2: `keras.datasets.mnist.load_data()`; `tf.estimator.ModeKeys` / Keras' `training` argument;
`keras.layers.TextVectorization(output_mode="int", output_sequence_length=N)` (its own
standardisation and split, index 1 for unknown words, not TF 1.x's ids).
"""
from __future__ import annotations

import collections
import io
import pickle
import re

import numpy as np

from rnn_tf1.tf1.input_data import InputData
from rnn_tf1.tf1.namespace import TF1NameMissing

TEXT_MODULE = "tensorflow.contrib.learn.python.learn.preprocessing.text"
VOCABULARY_MODULE = "tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary"


class ModeKeys:
    """contrib.learn's model modes (tf.estimator's says PREDICT = 'infer' for INFER)."""
    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


# TF 1.x's tokenizer: runs of two or more capitals not followed by a lower-case letter, a
# capitalised word followed by a capital, or a run of word characters, apostrophes and hyphens.
TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator):
    """Yields the list of TF 1.x's tokens of each string."""
    for text in iterator:
        yield TOKENIZER_RE.findall(text)


class CategoricalVocabulary:
    """TF 1.x's category -> id mapping: id 0 is `unknown_token`; `get` adds a new category (next id)
    unless frozen, when unknown ones give 0."""

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        # Attribute names as TF 1.x's: its pickles carry them.
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        return len(self._mapping)

    def freeze(self, freeze=True):
        self._freeze = freeze

    def get(self, category):
        known = self._mapping.get(category)
        if known is not None:
            return known
        if self._freeze:
            return 0
        new_id = self._mapping[category] = len(self._mapping)
        if self._support_reverse:
            self._reverse_mapping.append(category)
        return new_id

    def add(self, category, count=1):
        """Counts `count` more of `category` (added if new and not frozen; the unknown id is not counted)."""
        if self.get(category) > 0:
            self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keeps the categories seen more than `min_frequency` times (and fewer than `max_frequency`,
        if > 0), re-numbered 1.. by descending count, ties in sorted order, as TF 1.x did."""
        ranked = sorted(self._freq.items(), key=lambda item: (isinstance(item[0], str), item[0]))
        ranked.sort(key=lambda item: item[1], reverse=True)  # stable: ties keep the sorted order
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        kept = 0
        for category, count in ranked:
            if 0 < max_frequency <= count:
                continue
            if count <= min_frequency:
                break
            kept += 1
            self._mapping[category] = kept
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(ranked[:kept])  # TF 1.x's slice (it ignores skipped frequent ones)

    def reverse(self, class_id):
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initalized with support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]


class ByteProcessor:
    """Documents as their UTF-8 bytes, cut or zero-padded to `max_document_length`."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        pass

    def fit_transform(self, x):
        return self.transform(x)

    def reverse(self, x):
        for ids in x:
            raw = np.trim_zeros(np.asarray(ids).astype(np.int8), trim="b").tobytes()
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield ""

    def transform(self, x):
        for document in x:
            data = document.encode("utf-8") if isinstance(document, str) else bytes(document)
            ids = np.frombuffer(data[:self.max_document_length], dtype=np.uint8)
            yield np.pad(ids, (0, self.max_document_length - len(ids)), "constant")


class VocabularyProcessor:
    """Documents -> fixed-length rows of word ids (0: unknown word or padding), as TF 1.x's."""

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None, tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Counts every token, trims to `min_frequency` if > 0, then freezes the vocabulary."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yields one int64 row of `max_document_length` ids per document (cut, or padded with 0)."""
        for tokens in self._tokenizer(raw_documents):
            ids = np.zeros(self.max_document_length, np.int64)
            for position, token in zip(range(self.max_document_length), tokens):
                ids[position] = self.vocabulary_.get(token)
            yield ids

    def reverse(self, documents):
        """Yields each row of ids as its words joined by spaces (padding as '<UNK>')."""
        for ids in documents:
            yield " ".join(self.vocabulary_.reverse(i) for i in ids)

    def save(self, filename):
        """Pickles the processor to `filename` as TF 1.x did (its class paths and attributes)."""
        buffer = io.BytesIO()
        _TF1Pickler(buffer, protocol=3).dump(self)
        with open(filename, "wb") as f:
            f.write(buffer.getvalue())

    @classmethod
    def restore(cls, filename):
        """The processor pickled in `filename` (by `save` here, or by TF 1.x)."""
        with open(filename, "rb") as f:
            data = f.read()
        try:
            return _TF1Unpickler(io.BytesIO(data)).load()
        except UnicodeDecodeError:  # a Python 2 pickle whose byte strings are not ASCII
            return _TF1Unpickler(io.BytesIO(data), encoding="utf-8").load()


# What TF 1.x's pickles of a VocabularyProcessor name, and what each is here.
TF1_PICKLE_NAMES = {
    (TEXT_MODULE, "VocabularyProcessor"): VocabularyProcessor,
    (TEXT_MODULE, "ByteProcessor"): ByteProcessor,
    (TEXT_MODULE, "tokenizer"): tokenizer,
    (TEXT_MODULE, "CategoricalVocabulary"): CategoricalVocabulary,
    (VOCABULARY_MODULE, "CategoricalVocabulary"): CategoricalVocabulary,
}
_TF1_PATH = {VocabularyProcessor: (TEXT_MODULE, "VocabularyProcessor"), ByteProcessor: (TEXT_MODULE, "ByteProcessor"),
             tokenizer: (TEXT_MODULE, "tokenizer"), CategoricalVocabulary: (VOCABULARY_MODULE, "CategoricalVocabulary")}


class _TF1Pickler(pickle._Pickler):
    """Python's pickler, writing the classes above under TF 1.x's module paths."""

    def save_global(self, obj, name=None):
        try:
            path = _TF1_PATH.get(obj)
        except TypeError:  # unhashable
            path = None
        if path is None:
            return super().save_global(obj, name)
        self.write(pickle.GLOBAL + f"{path[0]}\n{path[1]}\n".encode("utf-8"))
        self.memoize(obj)

    # Classes reach save_global through the base's save_type; functions are dispatched to it directly.
    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[type(tokenizer)] = save_global


class _TF1Unpickler(pickle.Unpickler):
    """Finds TF 1.x's class paths here."""

    def find_class(self, module, name):
        found = TF1_PICKLE_NAMES.get((module, name))
        return found if found is not None else super().find_class(module, name)


def learn_names(env) -> dict:
    """`tensorflow.contrib.learn`: ModeKeys (preprocessing and datasets are namespaces of their own)."""
    return {"ModeKeys": ModeKeys}


def preprocessing_names(env) -> dict:
    """`tensorflow.contrib.learn.preprocessing` and its `python.learn.preprocessing(.text)` paths."""
    return {"VocabularyProcessor": VocabularyProcessor, "CategoricalVocabulary": CategoricalVocabulary,
            "ByteProcessor": ByteProcessor, "tokenizer": tokenizer, "TOKENIZER_RE": TOKENIZER_RE}


def vocabulary_names(env) -> dict:
    """`tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary`."""
    return {"CategoricalVocabulary": CategoricalVocabulary}

# TF 1.15's load_dataset names; only MNIST is kept here (iris, boston and dbpedia were read from
# files shipped inside TF 1.x's wheel or downloaded from its hosts).
DATASET_NAMES = ("iris", "boston", "mnist", "dbpedia")


def mnist_names(env) -> dict:
    """`tensorflow.contrib.learn.python.learn.datasets.mnist` (and `datasets.mnist`)."""
    read_data_sets = InputData(env.tf1, env.seed, env.data_dir).read_data_sets

    def load_mnist(train_dir="MNIST-data"):
        # TF 1.15: `read_data_sets(train_dir)`, default one_hot=False.
        return read_data_sets(train_dir)

    return {"read_data_sets": read_data_sets, "load_mnist": load_mnist}


def names(env) -> dict:
    load_mnist = mnist_names(env)["load_mnist"]

    def load_dataset(name, size="small", test_with_fake_data=False):
        """TF 1.15's signature: the named dataset (here "mnist": `Datasets` of train, validation, test)."""
        if name not in DATASET_NAMES:
            raise ValueError(f"Name of dataset is not found: {name}")  # TF 1.15's error
        if name != "mnist":
            raise TF1NameMissing(f"tensorflow.contrib.learn.datasets.load_dataset({name!r})")
        if test_with_fake_data:
            raise TF1NameMissing("tensorflow.contrib.learn.datasets.load_dataset(test_with_fake_data=True)")
        return load_mnist()

    return {"load_dataset": load_dataset}
