"""Helpers shared by the Python peers of bench/compare_peers.

Every peer loads its input (untimed), times only the computation that the
ridgelens side also times, and prints one JSON object on stdout.
"""
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import scipy.sparse as sp


def emit(result):
    """Prints the result with the peak resident memory and exits."""
    result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))
    sys.stdout.flush()


def read_exported_matrix(prefix):
    """The CSR matrix and right-hand side written by `ridgelens_timed export`."""
    indptr = np.fromfile(prefix + ".indptr", dtype="<i4")
    indices = np.fromfile(prefix + ".indices", dtype="<i4")
    data = np.fromfile(prefix + ".data", dtype="<f8")
    n = indptr.size - 1
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n, n))
    rhs = np.fromfile(prefix + ".rhs", dtype="<f8")
    return matrix, rhs


def data_dir():
    default = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
    return os.environ.get("RIDGELENS_DATA_DIR", os.path.abspath(default))


def read_libsvm(name):
    """(X as CSR float64, labels) of ml/<name>.libsvm, 1-based indices."""
    from sklearn.datasets import load_svmlight_file
    x, y = load_svmlight_file(os.path.join(data_dir(), "ml", name + ".libsvm"),
                              dtype=np.float64)
    return sp.csr_matrix(x), y


def row_normalize(x):
    """Divides each nonempty row by its Euclidean norm (ridgelens' rownorm)."""
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x)


def least_squares_problem(data):
    """(X, y) of ridgelens' least-squares benchmarks: news20 rows L2-normalized
    with y = +1 for class 1 and −1 otherwise (one class against the rest);
    w8a as stored."""
    x, labels = read_libsvm(data)
    if data == "news20":
        return row_normalize(x), np.where(labels == 1, 1.0, -1.0)
    return x, labels.astype(np.float64)


def read_idx_gz(path):
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist_train():
    """(pixels/255 as n × 784 float64, labels) from the Debian package."""
    base = "/usr/share/datasets/fashion-mnist"
    images = read_idx_gz(os.path.join(base, "train-images-idx3-ubyte.gz"))
    labels = read_idx_gz(os.path.join(base, "train-labels-idx1-ubyte.gz"))
    return images.reshape(images.shape[0], -1).astype(np.float64) / 255.0, labels.astype(np.int64)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *args):
        self.seconds = time.perf_counter() - self.start
