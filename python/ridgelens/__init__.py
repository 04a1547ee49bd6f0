"""ridgelens: the geometry of L2 regularization, from Python.

H may be a scipy.sparse matrix, a dense numpy array, a
scipy.sparse.linalg.LinearOperator, a ``ridgelens.Operator(n, matvec,
matmat=None)`` or ``ridgelens.torch.hessian(...)``. Computations release the
GIL (Python callbacks take it back for each product) and can be stopped with
Ctrl-C within one product. Misuse raises ``ValueError`` with the library's
message; numerical failures are statuses in the result.
"""

import json
import os

import numpy as np

from . import _ridgelens as _native
from ._operators import Operator, as_operator
from ._least_squares import LeastSquares, least_squares
from ._results import (AnalysisResult, DofResult, Eigenpairs, LambdaResult, LambdaSelection,
                       PathResult, ShiftedSolutions)

__version__ = _native.__version__
__all__ = ["Operator", "as_operator", "top_eigenpairs", "analyze", "path", "select_lambda",
           "least_squares", "solve_shifted", "effective_dof", "plot", "Eigenpairs",
           "AnalysisResult", "LambdaResult", "PathResult", "LambdaSelection", "LeastSquares",
           "ShiftedSolutions", "DofResult"]


def _lambdas(lambdas):
    values = np.atleast_1d(np.asarray(lambdas, dtype=np.float64))
    if values.ndim != 1 or values.size == 0:
        raise ValueError("lambdas must be a non-empty sequence of numbers")
    return [float(v) for v in values]


def _integer(value, name):
    if isinstance(value, bool) or int(value) != value:
        raise ValueError("%s must be an integer, got %r" % (name, value))
    return int(value)


def _theta_and_gradient(op, theta, gradient):
    """θ̂ and g: given, or the operator's own (the PyTorch bridge's θ̂ and ∇R(θ̂))."""
    if theta is None:
        if getattr(op, "theta", None) is None:
            raise ValueError("theta is required for this H (only ridgelens.torch.hessian "
                             "operators carry their own θ̂)")
        theta = op.theta
        if gradient is None:
            gradient = getattr(op, "gradient", None)
    theta = np.asarray(theta, dtype=np.float64)
    if gradient is not None:
        gradient = np.ascontiguousarray(gradient, dtype=np.float64)
    return theta, gradient


def top_eigenpairs(H, k=10, tol=1e-10, subspace=0, max_restarts=1000, seed=1):
    """The top-k (largest algebraic) eigenpairs of H by thick-restart Lanczos,
    with residuals ‖Hq − σq‖ recomputed. Returns an Eigenpairs."""
    op = as_operator(H)
    return Eigenpairs(_native.top_eigenpairs(op._native, _integer(k, "k"), float(tol),
                                             _integer(subspace, "subspace"),
                                             _integer(max_restarts, "max_restarts"),
                                             _integer(seed, "seed")))


def analyze(H, theta=None, lambdas=(0.01, 1.0), k=10, gradient=None, solver="auto", tol=1e-10,
            eigen_tol=1e-10, psd_tol=1e-8, max_cg_iterations=0, subspace=0, max_restarts=1000,
            seed=1, psd_by_construction=False, verbose=False):
    """The decay analysis of H at θ̂ for each λ, as ``ridgelens analyze``:
    top-k eigenpairs, PSD check, θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g) by ``solver``
    ("auto", "cholmod", "cg"), the per-direction decay table, tail and
    self-check. ``theta=None`` takes the operator's own θ̂ and gradient (the
    PyTorch bridge); ``verbose`` prints the library's progress on stderr.
    Returns an AnalysisResult (``to_dict()``: the JSON report)."""
    op = as_operator(H)
    theta, gradient = _theta_and_gradient(op, theta, gradient)
    a = _native._AnalyzeArguments()
    a.lambdas = _lambdas(lambdas)
    a.solver = str(solver)
    a.tolerance = float(tol)
    a.max_cg_iterations = _integer(max_cg_iterations, "max_cg_iterations")
    a.psd_tolerance = float(psd_tol)
    a.seed = _integer(seed, "seed")
    a.verbose = bool(verbose)
    theta_source = getattr(op, "theta_source", "given by the caller (Python)")
    d = _native.analyze(op._native, theta, gradient, op.source, theta_source,
                        bool(psd_by_construction), _integer(k, "k"), float(eigen_tol),
                        _integer(subspace, "subspace"), _integer(max_restarts, "max_restarts"), a)
    return AnalysisResult(d)


def path(H, theta=None, lambdas=None, k=10, gradient=None, solver="auto", tol=1e-10,
         eigen_tol=1e-10, psd_tol=1e-8, max_cg_iterations=0, deflate=True, baseline=True,
         directions=10, probes=30, lanczos_steps=80, max_lanczos_steps=0, exact_dof_limit=3000,
         seed=1, psd_by_construction=False, verbose=False, risk=None, samples=None,
         least_squares=None):
    """The regularization path over the grid ``lambdas`` (λ > 0), as
    ``ridgelens path``: one multi-shift CG run deflated by the top-k pairs
    (or CHOLMOD, or a dense eigendecomposition), the coefficient paths of the
    top ``directions``, and df(λ) (exact for n ≤ exact_dof_limit, else SLQ
    with ``probes`` probes of ``lanczos_steps`` steps, continued up to
    ``max_lanczos_steps`` (0: up to 300, memory permitting) until the
    quadrature error is small, and its standard error); ``verbose`` prints the
    library's progress on stderr.

    With ``risk`` (a callable R(θ) → float, the model's mean loss, called with
    every θ̂_ridge(λ) as a float64 array, GIL held; an exception it raises
    ends the call as a matvec's does) and ``samples`` (n), every point also
    gets the λ-selection criteria (``risk``, ``residual_norm``, ``gcv`` ±
    ``gcv_stderr``, ``log_evidence`` ± ``log_evidence_stderr``,
    ``lcurve_curvature``): least squares (``least_squares=True``, R =
    ‖Xθ − y‖²/2n) or the Laplace evidence of another model. With ``samples``
    and no ``risk``, each point gets the Laplace evidence of the quadratic model
    gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂) itself (up to the constant −n·R(θ̂); one
    product with H per λ), as ``ridgelens path --hessian --samples``.
    ``ridgelens.least_squares(X, y)`` supplies H, θ̂, the gradient and all
    three. Returns a PathResult (``to_dict()``: the JSON report of
    ``ridgelens path --out``)."""
    return _path(H, theta, lambdas, gradient, (), None, locals())


def select_lambda(H, criteria, theta=None, lambdas=None, risk=None, samples=None,
                  least_squares=None, relative_precision=0.01, points_per_round=8, max_rounds=6,
                  **path_options):
    """Chooses λ by each of ``criteria`` ("gcv", "evidence", "lcurve", or a
    list of them), as ``ridgelens path --select``: the library's
    ``select_lambda`` takes the best λ of the grid, then refines it on log λ
    inside its bracket (``points_per_round`` new λ per round, solved by the
    path's machinery, at most ``max_rounds`` rounds) until λ is known to
    ``relative_precision``. H, θ̂, ``risk``, ``samples`` and
    ``least_squares`` as for ``path`` (``ridgelens.least_squares(X, y)``
    carries them); GCV and the L-curve need least squares. ``path_options``
    are those of ``path``. Returns the PathResult, its points including the
    refinement's λ, with ``selections``: one LambdaSelection per criterion
    (``criterion``, ``lam``, ``value`` ± ``value_stderr``, ``bracket``,
    ``evaluations``, ``resolved``, ``reason``, ``probes_needed``)."""
    if isinstance(criteria, str):
        criteria = [criteria]
    criteria = [str(c) for c in criteria]
    if not criteria:
        raise ValueError("select_lambda: criteria must name at least one of gcv, evidence, lcurve")
    settings = (float(relative_precision), _integer(points_per_round, "points_per_round"),
                _integer(max_rounds, "max_rounds"))
    unknown = set(path_options) - set(_PATH_OPTIONS)
    if unknown:
        raise ValueError("select_lambda: unknown option(s) %s" % ", ".join(sorted(unknown)))
    options = dict(_PATH_OPTIONS)
    options.update(path_options)
    options.update(risk=risk, samples=samples, least_squares=least_squares)
    return _path(H, theta, lambdas, options.pop("gradient"), criteria, settings, options)


_PATH_OPTIONS = dict(k=10, gradient=None, solver="auto", tol=1e-10, eigen_tol=1e-10, psd_tol=1e-8,
                     max_cg_iterations=0, deflate=True, baseline=True, directions=10, probes=30,
                     lanczos_steps=80, max_lanczos_steps=0, exact_dof_limit=3000, seed=1,
                     psd_by_construction=False, verbose=False)


def _selection_model(op, a, risk, samples, least_squares):
    """The risk callable and the model's sample count and kind: given, or the
    operator's own (``ridgelens.least_squares``)."""
    if risk is None:
        risk = getattr(op, "risk", None)
        samples = getattr(op, "samples", None) if samples is None else samples
        if least_squares is None:
            least_squares = getattr(op, "least_squares", False)
    if risk is None:
        if samples is not None:
            # H alone with n: the Laplace evidence of the quadratic model itself.
            a.samples = _integer(samples, "samples")
            if a.samples < 1:
                raise ValueError("λ selection: the number of samples must be at least 1")
            if least_squares:
                raise ValueError("least_squares needs risk (R(θ) = ‖Xθ − y‖²/2n): with H and "
                                 "samples alone only the quadratic model's evidence applies")
        return
    if not callable(risk):
        raise ValueError("risk must be callable, R(theta) -> float")
    if samples is None:
        raise ValueError("samples (n, the training samples) is required with risk")
    a.risk = risk
    a.samples = _integer(samples, "samples")
    a.least_squares = bool(least_squares)


def _path(H, theta, lambdas, gradient, criteria, settings, o):
    if lambdas is None:
        raise ValueError("lambdas is required: the grid of λ > 0, e.g. np.logspace(-4, 2, 30)")
    op = as_operator(H)
    theta, gradient = _theta_and_gradient(op, theta, gradient)
    a = _native._PathArguments()
    a.lambdas = _lambdas(lambdas)
    a.solver = str(o["solver"])
    a.tolerance = float(o["tol"])
    a.max_cg_iterations = _integer(o["max_cg_iterations"], "max_cg_iterations")
    a.psd_tolerance = float(o["psd_tol"])
    a.deflate = bool(o["deflate"])
    a.baseline = bool(o["baseline"])
    a.directions = _integer(o["directions"], "directions")
    a.probes = _integer(o["probes"], "probes")
    a.lanczos_steps = _integer(o["lanczos_steps"], "lanczos_steps")
    a.max_lanczos_steps = _integer(o["max_lanczos_steps"], "max_lanczos_steps")
    a.exact_dof_limit = _integer(o["exact_dof_limit"], "exact_dof_limit")
    a.seed = _integer(o["seed"], "seed")
    a.verbose = bool(o["verbose"])
    _selection_model(op, a, o["risk"], o["samples"], o["least_squares"])
    a.criteria = list(criteria)
    if settings is not None:
        a.relative_precision, a.points_per_round, a.max_rounds = settings
    psd = bool(o["psd_by_construction"]) or bool(getattr(op, "psd_by_construction", False))
    theta_source = getattr(op, "theta_source", "given by the caller (Python)")
    d = _native.path(op._native, theta, gradient, op.source, theta_source, psd,
                     _integer(o["k"], "k"), float(o["eigen_tol"]), 0, 1000, a)
    return PathResult(d)


def solve_shifted(H, b, lambdas, tol=1e-10, max_iterations=0, solver="auto"):
    """Solves (H + λ_i I)x_i = b for every λ_i ≥ 0: by a sparse Cholesky
    factorization per λ (CHOLMOD, one symbolic analysis) or by one multi-shift
    CG run. ``solver="auto"`` makes the CLI's choice: CHOLMOD for a
    scipy.sparse H whose predicted factor fits in memory (under a quarter of
    the budget), else multi-shift CG; "cholmod" and "cg" force one. Returns
    ShiftedSolutions: ``solutions`` (n, m), ``residuals`` (m,), recomputed,
    ``solver`` (what ran) and ``solver_reason``."""
    op = as_operator(H)
    lams = _lambdas(lambdas)
    d = _native.solve_shifted(op._native, np.asarray(b, dtype=np.float64), lams, float(tol),
                              _integer(max_iterations, "max_iterations"), str(solver))
    return ShiftedSolutions(d, lams)


def effective_dof(H, lambdas, k=10, probes=30, lanczos_steps=80, tol=1e-10, seed=1):
    """df(λ) = tr(H(H+λI)⁻¹) for every λ: exact over the top-k eigenvalues plus
    a stochastic Lanczos quadrature estimate of the rest with ``probes``
    Rademacher probes; ``df_stderr`` is its standard error. Returns a DofResult."""
    op = as_operator(H)
    d = _native.effective_dof(op._native, _lambdas(lambdas), _integer(k, "k"), float(tol),
                              _integer(probes, "probes"), _integer(lanczos_steps, "lanczos_steps"),
                              _integer(seed, "seed"))
    return DofResult(d)


def plot(result, directory, pair=None, max_lambdas=5):
    """Writes the pictures of ``ridgelens plot`` (SVG files and index.html) for
    an AnalysisResult, a PathResult, a report dict or a JSON report file into
    ``directory``; returns the list of files written."""
    if hasattr(result, "to_dict"):
        report = json.dumps(result.to_dict())
    elif isinstance(result, dict):
        report = json.dumps(result)
    elif isinstance(result, (str, os.PathLike)):
        with open(result, encoding="utf-8") as f:
            report = f.read()
    else:
        raise ValueError("plot: result must be an AnalysisResult, a PathResult, a report dict "
                         "or a JSON file, got %s" % type(result).__name__)
    i, j = (0, 0) if pair is None else (_integer(pair[0], "pair[0]"), _integer(pair[1], "pair[1]"))
    if pair is not None and (i < 1 or j < 1 or i == j):
        raise ValueError("plot: pair must be two different 1-based directions, got %r" % (pair,))
    if _integer(max_lambdas, "max_lambdas") < 1:
        raise ValueError("plot: max_lambdas must be at least 1")
    return list(_native.plot(report, os.fspath(directory), i, j,
                             _integer(max_lambdas, "max_lambdas")))
