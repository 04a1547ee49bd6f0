"""Least squares R(θ) = ‖Xθ − y‖²/2n from a design matrix and targets: the
curvature H = XᵀX/n, θ̂ and ∇R(θ̂), and the risk the λ-selection criteria need."""

import numpy as np

from ._operators import Operator, _dense_operator

__all__ = ["LeastSquares", "least_squares"]


class LeastSquares:
    """The least-squares problem of ``ridgelens.least_squares``: usable as H
    by ``path``, ``select_lambda``, ``analyze`` and the other functions, which
    then take θ̂, the gradient, the risk and the sample count from it.

    Attributes: ``n`` (= p, the parameters), ``samples`` (n), ``theta`` = 0
    and ``gradient`` = ∇R(0) = −Xᵀy/n (θ̂_ridge(λ) = (H + λI)⁻¹Xᵀy/n does
    not depend on θ̂ for a quadratic R, so none is fitted), ``hessian`` (the
    operator H = XᵀX/n) and ``form`` ("dense": H formed as a p×p array, every
    λ solved from one eigendecomposition as the CLI does for a small model;
    "operator": products Xᵀ(Xv)/n through scipy, one pass over X each).
    """

    least_squares = True
    psd_by_construction = True

    def __init__(self, X, y, form, dense_limit):
        import scipy.sparse as sp

        if not (sp.issparse(X) or isinstance(X, np.ndarray)):
            X = np.asarray(X)
        if len(X.shape) != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise ValueError("least_squares: X must be a samples x features matrix, got shape %s"
                             % (X.shape,))
        self._X = X.tocsr().astype(np.float64) if sp.issparse(X) else np.asarray(X, np.float64)
        self._y = np.asarray(y, dtype=np.float64).reshape(-1)
        samples, p = self._X.shape
        if self._y.size != samples:
            raise ValueError("least_squares: y has %d entries but X has %d rows"
                             % (self._y.size, samples))
        data = self._X.data if sp.issparse(self._X) else self._X
        if not (np.all(np.isfinite(data)) and np.all(np.isfinite(self._y))):
            raise ValueError("least_squares: X or y has NaN or Inf entries")
        if form == "auto":
            form = "dense" if p <= dense_limit else "operator"
        if form == "dense":
            gram = self._X.T @ self._X
            gram = gram.toarray() if sp.issparse(gram) else gram
            # Formed, as the CLI's least-squares model forms it: every λ of a
            # path from one eigendecomposition.
            gram = np.ascontiguousarray(gram / samples)
            self.hessian = _dense_operator(0.5 * (gram + gram.T), 0.0, formed=True)
        elif form == "operator":
            self.hessian = Operator(p, self._product, self._products)
        else:
            raise ValueError("least_squares: form must be auto, dense or operator, got %r"
                             % (form,))
        self.form = form
        self._native = self.hessian._native
        self.n = p
        self.shape = (p, p)
        self.samples = samples
        self.theta = np.zeros(p)
        self.gradient = -np.asarray(self._X.T @ self._y).reshape(-1) / samples
        kind = "scipy.sparse" if sp.issparse(X) else "dense"
        self.source = ("least squares H = XᵀX/n of a %s X (%d samples x %d features), %s"
                       % (kind, samples, p, "formed" if form == "dense" else "matrix-free"))
        self.theta_source = ("θ̂ = 0 with ∇R(0) = −Xᵀy/n (least squares: θ̂_ridge(λ) does not "
                             "depend on θ̂)")

    def _product(self, v):
        return np.asarray(self._X.T @ (self._X @ v)).reshape(-1) / self.samples

    def _products(self, V):
        return np.asarray(self._X.T @ (self._X @ V)) / self.samples

    def risk(self, theta):
        """R(θ) = ‖Xθ − y‖²/2n."""
        r = self._X @ theta - self._y
        return float(r @ r) / (2 * self.samples)

    @property
    def products(self):
        return self.hessian.products


def least_squares(X, y, form="auto", dense_limit=3000):
    """The least-squares problem R(θ) = ‖Xθ − y‖²/2n of a design matrix X
    (scipy.sparse or numpy, samples x features; add a column of ones for an
    intercept, which the penalty then covers too) and targets y. ``form``:
    "dense" forms H = XᵀX/n (p×p), "operator" applies it matrix-free, "auto"
    forms it for p ≤ ``dense_limit``. Pass the result as H to ``path`` or
    ``select_lambda``: it carries θ̂, the gradient, the risk and n."""
    return LeastSquares(X, y, form, int(dense_limit))
