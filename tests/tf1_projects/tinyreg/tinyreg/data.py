import numpy as np

TRUE_W, TRUE_B = 3.0, -1.0


def make_data(n, seed):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1)).astype(np.float32)
    y = TRUE_W * x + TRUE_B + 0.01 * rng.normal(size=(n, 1)).astype(np.float32)
    return x, y
