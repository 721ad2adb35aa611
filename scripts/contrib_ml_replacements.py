"""The maintained replacements hints.py names for contrib's classic-ML models, measured on MNIST as
the TF 1.x examples used them (55000 training images after the 5000 of validation, the 10000 test
images): scikit-learn's KMeans for contrib.factorization.KMeans (25 clusters, cosine distance, each
cluster labelled by its majority digit), YDF's random forest for contrib.tensor_forest (10 trees) and
YDF's gradient-boosted trees for contrib.boosted_trees (10 trees of depth 4, learning rate 0.1).

    python -m venv /tmp/ml && /tmp/ml/bin/pip install ydf scikit-learn numpy
    /tmp/ml/bin/python scripts/contrib_ml_replacements.py [DATA_DIR]   # prints test accuracy and seconds

Neither package is a dependency of rnn_tf1 (a script that used these models is rewritten for them);
DATA_DIR holds the four MNIST files (default data/mnist, as `make data` fetches them)."""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rnn_tf1.mnist_data import parse_idx_images, parse_idx_labels  # noqa: E402  (numpy only)

DATA = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"


def read(name, parse):
    with open(os.path.join(DATA, name), "rb") as fh:
        return parse(fh.read())


xi = read("train-images-idx3-ubyte", parse_idx_images).reshape(-1, 784).astype(np.float32) / 255
yi = read("train-labels-idx1-ubyte", parse_idx_labels)
xt = read("t10k-images-idx3-ubyte", parse_idx_images).reshape(-1, 784).astype(np.float32) / 255
yt = read("t10k-labels-idx1-ubyte", parse_idx_labels)
xi, yi = xi[5000:], yi[5000:]  # read_data_sets' split: the first 5000 are validation
import sklearn  # noqa: E402
import ydf  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

print("scikit-learn", sklearn.__version__, "ydf", ydf.__version__)

start = time.time()
# contrib's KMeans(distance_metric='cosine') = k-means on unit-length rows (784,) -> (784,) / |x|
kmeans = KMeans(n_clusters=25, n_init=1, random_state=0).fit(normalize(xi))
majority = np.array([np.bincount(yi[kmeans.labels_ == c], minlength=10).argmax() for c in range(25)])
accuracy = (majority[kmeans.predict(normalize(xt))] == yt).mean()
print(f"sklearn KMeans(25) majority-label test accuracy {accuracy:.4f} ({time.time() - start:.1f} s)")


def columns(x, y=None):
    """YDF's input: one column per pixel, plus the label."""
    data = {f"p{i}": x[:, i] for i in range(x.shape[1])}
    if y is not None:
        data["label"] = y.astype(np.int64)
    return data


train, test = columns(xi, yi), columns(xt)
start = time.time()
forest = ydf.RandomForestLearner(label="label", num_trees=10, max_depth=16, random_seed=0).train(train, verbose=0)
accuracy = (np.argmax(forest.predict(test), 1) == yt).mean()
print(f"ydf RandomForestLearner(num_trees=10) test accuracy {accuracy:.4f} ({time.time() - start:.1f} s)")
start = time.time()
boosted = ydf.GradientBoostedTreesLearner(label="label", num_trees=10, max_depth=4, shrinkage=0.1,
                                          validation_ratio=0.0, random_seed=0).train(train, verbose=0)
accuracy = (np.argmax(boosted.predict(test), 1) == yt).mean()
print(f"ydf GradientBoostedTreesLearner(num_trees=10, max_depth=4, shrinkage=0.1) test accuracy {accuracy:.4f} "
      f"({time.time() - start:.1f} s)")
