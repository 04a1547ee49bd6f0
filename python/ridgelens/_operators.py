"""Turning what Python users have into the operator the library applies."""

import warnings

import numpy as np

from . import _ridgelens as _native

__all__ = ["Operator", "as_operator"]


class Operator:
    """A symmetric operator H given by a callable.

    ``matvec(x)`` maps a float64 vector of length ``n`` to ``H @ x`` (a float64
    numpy array of shape ``(n,)``); ``matmat(X)``, when given, maps an
    ``(n, m)`` block to ``H @ X`` (shape ``(n, m)``) and lets the library batch
    products. The callables run with the GIL held; an exception they raise
    ends the computation and comes back to the caller with a note naming the
    product; a wrong shape or dtype is a ``ValueError``.
    """

    def __init__(self, n, matvec, matmat=None):
        self._native = _native._Operator.from_callable(int(n), matvec, matmat)
        self.n = int(n)
        self.shape = (self.n, self.n)
        self.source = "Python callable operator (n = %d)" % self.n

    @property
    def products(self):
        """Products H·x computed so far (a block of m columns counts m)."""
        return self._native.products

    def matvec(self, x):
        """H @ x through the library's product (the callable, checked)."""
        return self._native.matvec(np.asarray(x, dtype=np.float64))

    def __matmul__(self, x):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            return self.matvec(x)
        return np.column_stack([self.matvec(x[:, j]) for j in range(x.shape[1])])


class _Wrapped:
    """An operator made by as_operator from a matrix (keeps the data alive)."""

    def __init__(self, native, n, source, keep=None):
        self._native = native
        self.n = n
        self.shape = (n, n)
        self.source = source
        self._keep = keep


def _asymmetry_error(kind, a, diff_max, where, tol):
    i, j = where
    return ValueError(
        "%s is not symmetric: entry (%d, %d) = %.17g but (%d, %d) = %.17g; relative asymmetry "
        "max|a_ij - a_ji| / max|a_ij| = %.3g exceeds the tolerance %.3g"
        % (kind, i, j, a[i, j], j, i, a[j, i], diff_max, tol))


def _check_square(shape, kind):
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] < 1:
        raise ValueError("%s must be square with at least one row, got shape %s" % (kind, shape))


def _sparse_operator(matrix, symmetry_tol):
    import scipy.sparse as sp

    _check_square(matrix.shape, "sparse matrix H")
    if np.iscomplexobj(matrix.data):
        raise ValueError("sparse matrix H is complex; ridgelens needs a real symmetric matrix")
    kind = "scipy.sparse %s" % type(matrix).__name__
    a = sp.csc_matrix(matrix, dtype=np.float64, copy=False)
    a.sum_duplicates()
    if not np.all(np.isfinite(a.data)):
        raise ValueError("sparse matrix H has NaN or Inf entries")
    scale = abs(a).max() if a.nnz else 0.0
    diff = (a - a.T).tocoo()
    if diff.nnz:
        k = int(np.argmax(np.abs(diff.data)))
        largest = abs(diff.data[k])
        relative = largest / scale if scale > 0 else 0.0
        if largest > 0:
            where = (int(diff.row[k]), int(diff.col[k]))
            if not relative <= symmetry_tol:
                raise _asymmetry_error("sparse matrix H", a.tocsr(), relative, where, symmetry_tol)
            warnings.warn("symmetrized H as (A + A^T)/2: relative asymmetry %.3g is within the "
                          "tolerance %.3g" % (relative, symmetry_tol), stacklevel=3)
            a = sp.csc_matrix(0.5 * a + 0.5 * a.T)
            a.sum_duplicates()
    a.sort_indices()
    if a.nnz >= 2**31:
        raise ValueError("sparse matrix H has more than 2^31 - 1 stored entries")
    n = a.shape[0]
    native = _native._Operator.from_csc(n, a.indptr.astype(np.int32), a.indices.astype(np.int32),
                                        a.data)
    source = "%s %dx%d (%d stored entries)" % (kind, n, n, matrix.nnz)
    return _Wrapped(native, n, source)


def _dense_operator(matrix, symmetry_tol, formed=False):
    a = np.asarray(matrix)
    _check_square(a.shape, "dense matrix H")
    if np.iscomplexobj(a) or not (np.issubdtype(a.dtype, np.floating)
                                  or np.issubdtype(a.dtype, np.integer)):
        raise ValueError("dense matrix H has dtype %s; ridgelens needs a real matrix" % a.dtype)
    a = np.ascontiguousarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError("dense matrix H has NaN or Inf entries")
    scale = np.abs(a).max()
    diff = np.abs(a - a.T)
    where = np.unravel_index(int(np.argmax(diff)), diff.shape)
    relative = diff[where] / scale if scale > 0 else 0.0
    if diff[where] > 0:
        if not relative <= symmetry_tol:
            raise _asymmetry_error("dense matrix H", a, relative, where, symmetry_tol)
        warnings.warn("symmetrized H as (A + A^T)/2: relative asymmetry %.3g is within the "
                      "tolerance %.3g" % (relative, symmetry_tol), stacklevel=3)
        a = np.ascontiguousarray(0.5 * a + 0.5 * a.T)
    n = a.shape[0]
    return _Wrapped(_native._Operator.from_dense(a, formed), n, "numpy array %dx%d" % (n, n),
                    keep=a)


def _linear_operator(op):
    _check_square(op.shape, "LinearOperator H")
    n = op.shape[0]

    def matvec(x):
        return np.asarray(op.matvec(x))

    def matmat(x):
        return np.asarray(op.matmat(x))

    native = _native._Operator.from_callable(n, matvec, matmat)
    return _Wrapped(native, n, "scipy LinearOperator %dx%d (%s)" % (n, n, type(op).__name__))


def as_operator(H, symmetry_tol=1e-10):
    """The library's operator for H: a ridgelens.Operator (or the PyTorch
    bridge's), a scipy.sparse matrix (CSR, CSC, COO, …; both triangles stored,
    symmetric within ``symmetry_tol`` relative to max|a_ij| as the CLI checks,
    then symmetrized with a warning), a dense numpy array, or a
    scipy.sparse.linalg.LinearOperator."""
    if isinstance(H, (Operator, _Wrapped)) or isinstance(getattr(H, "_native", None),
                                                         _native._Operator):
        return H
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    if sp.issparse(H):
        return _sparse_operator(H, symmetry_tol)
    if isinstance(H, spla.LinearOperator):
        return _linear_operator(H)
    if isinstance(H, np.ndarray) or (hasattr(H, "__array__") and not callable(H)):
        return _dense_operator(H, symmetry_tol)
    if callable(H):
        raise ValueError("H is a bare callable: wrap it as ridgelens.Operator(n, matvec)")
    raise ValueError("H must be a scipy.sparse matrix, a numpy array, a LinearOperator or a "
                     "ridgelens.Operator, got %s" % type(H).__name__)
