"""λ selection from Python (ridgelens.least_squares, path(risk=...),
select_lambda) against dense references: GCV's minimizer by a brute-force
scan over an eigendecomposition, the evidence by the closed form of the
Gaussian marginal likelihood over the n×n covariance, and the risk callback's
θ_λ by a direct solve."""

import json
import os
import subprocess

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file, load_diabetes

import ridgelens

GRID = np.logspace(-6, 1, 30)


@pytest.fixture(scope="module")
def diabetes():
    """Real data bundled with scikit-learn: 442 samples x 10 features (sparse here)."""
    X, y = load_diabetes(return_X_y=True)
    return sp.csr_matrix(X), y


def dense_scan(X, y, lambdas):
    """θ_λ, ‖Xθ_λ − y‖, df and GCV from numpy.linalg.eigh of XᵀX/n."""
    X = X.toarray() if sp.issparse(X) else X
    n = X.shape[0]
    sigma, V = np.linalg.eigh(X.T @ X / n)
    c = V.T @ (X.T @ y / n)
    out = []
    for lam in lambdas:
        theta = V @ (c / (sigma + lam))
        rss = np.sum((X @ theta - y) ** 2)
        df = np.sum(sigma / (sigma + lam))
        out.append((theta, np.sqrt(rss), df, n * rss / (n - df) ** 2))
    return out


def dense_evidence(X, y, lam):
    """log p(y) of y ~ N(Xθ, s²I), θ ~ N(0, s²/(nλ)·I), at the maximizing s²:
    y ~ N(0, s²C), C = I + XXᵀ/(nλ), s² = yᵀC⁻¹y/n."""
    X = X.toarray() if sp.issparse(X) else X
    n = X.shape[0]
    C = np.eye(n) + X @ X.T / (n * lam)
    quad = y @ np.linalg.solve(C, y)
    s2 = quad / n
    return -0.5 * n * np.log(2 * np.pi * s2) - 0.5 * np.linalg.slogdet(C)[1] - quad / (2 * s2)


def evidence_scan(X, y, lambdas):
    """dense_evidence for many λ from one numpy.linalg.eigh of XXᵀ (n × n)."""
    X = X.toarray() if sp.issparse(X) else X
    n = X.shape[0]
    mu, U = np.linalg.eigh(X @ X.T / n)
    mu = np.maximum(mu, 0)
    u2 = (U.T @ y) ** 2
    out = []
    for lam in lambdas:
        d = 1 + mu / lam
        quad = np.sum(u2 / d)
        out.append(-0.5 * n * (np.log(2 * np.pi * quad / n) + 1) - 0.5 * np.sum(np.log(d)))
    return np.array(out)


def test_criteria_fields_agree_with_the_dense_computation(diabetes):
    X, y = diabetes
    result = ridgelens.path(ridgelens.least_squares(X, y), lambdas=GRID, k=5)
    assert result.df_method == "exact"
    assert "least squares" in result.criteria_note
    reference = dense_scan(X, y, GRID)
    np.testing.assert_allclose(result.residual_norm, [r[1] for r in reference], rtol=1e-8)
    np.testing.assert_allclose(result.gcv, [r[3] for r in reference], rtol=1e-8)
    np.testing.assert_allclose(result.log_evidence, [dense_evidence(X, y, lam) for lam in GRID],
                               rtol=1e-8)
    assert np.all(result.gcv_stderr == 0) and np.all(result.log_det_stderr == 0)
    assert np.isnan(result.lcurve_curvature[0]) and np.isnan(result.lcurve_curvature[-1])
    assert np.all(np.isfinite(result.lcurve_curvature[1:-1]))
    assert result.to_dict()["path"][3]["gcv"] == pytest.approx(result.gcv[3], rel=1e-15)


def test_gcv_and_evidence_optima_agree_with_a_brute_force_scan(diabetes):
    X, y = diabetes
    result = ridgelens.select_lambda(ridgelens.least_squares(X, y), ["gcv", "evidence", "lcurve"],
                                     lambdas=GRID, k=5)
    assert [s.criterion for s in result.selections] == ["gcv", "evidence", "lcurve"]
    fine = np.logspace(-6, 1, 6001)  # steps of 0.27 % in λ
    gcv = [r[3] for r in dense_scan(X, y, fine)]
    evidence = evidence_scan(X, y, fine)
    best_gcv = fine[int(np.argmin(gcv))]
    best_evidence = fine[int(np.argmax(evidence))]
    gcv_sel, evidence_sel, lcurve_sel = result.selections
    for selection in result.selections:
        assert selection.resolved, selection.reason
        low, high = selection.bracket
        assert low <= selection.lam <= high and high / low <= 1.01**2 * (1 + 1e-12)
        assert selection.evaluations > len(GRID)
    # The criterion is flat at its optimum: λ to 1 % (the refinement's
    # precision) plus the scan's own step.
    assert gcv_sel.lam == pytest.approx(best_gcv, rel=0.015)
    assert gcv_sel.value == pytest.approx(min(gcv), rel=1e-6)
    assert evidence_sel.lam == pytest.approx(best_evidence, rel=0.015)
    assert evidence_sel.value == pytest.approx(max(evidence), rel=1e-6)
    assert evidence_sel.value == pytest.approx(dense_evidence(X, y, evidence_sel.lam), rel=1e-8)
    # The refinement's λ are on the path, sorted, each counted by its criterion.
    assert len(result.lambdas) - len(GRID) == sum(s.evaluations - len(GRID)
                                                  for s in result.selections)
    assert np.all(np.diff(result.lambdas) > 0)
    assert lcurve_sel.value > 0


def test_matrix_free_least_squares_with_slq_within_its_error_bars():
    rng = np.random.default_rng(5)
    X = sp.random(600, 300, density=0.05, random_state=rng, format="csr")
    y = X @ rng.standard_normal(300) + 0.3 * rng.standard_normal(600)
    problem = ridgelens.least_squares(X, y, form="operator")
    lambdas = np.logspace(-4, 0, 9)
    result = ridgelens.path(problem, lambdas=lambdas, k=10, exact_dof_limit=100, probes=40)
    assert result.df_method == "slq"
    reference = dense_scan(X, y, lambdas)
    np.testing.assert_allclose(result.residual_norm, [r[1] for r in reference], rtol=1e-7)
    gcv = np.array([r[3] for r in reference])
    assert np.all(np.abs(result.gcv - gcv) <= 3 * result.gcv_stderr + 1e-9 * gcv)
    evidence = np.array([dense_evidence(X, y, lam) for lam in lambdas])
    assert np.all(np.abs(result.log_evidence - evidence)
                  <= 3 * result.log_evidence_stderr + 1e-9 * np.abs(evidence))
    assert problem.products > 0


def test_risk_callback_gets_every_ridge_solution(diabetes):
    """A Python risk on any H (here the Gram matrix as a numpy array): called
    with θ̂_ridge(λ) = (H + λI)⁻¹(Hθ̂ − g); the Laplace evidence −n·F_λ − ½ log det."""
    X, y = diabetes
    n = X.shape[0]
    H = (X.T @ X).toarray() / n
    theta = np.linalg.lstsq(X.toarray(), y, rcond=None)[0]
    seen = []

    def risk(t):
        seen.append(np.array(t))
        return float(np.sum((X @ t - y) ** 2) / (2 * n))

    lambdas = [1e-4, 1e-2, 1.0]
    result = ridgelens.path(H, theta, lambdas, k=3, risk=risk, samples=n)
    for lam in lambdas:
        expected = np.linalg.solve(H + lam * np.eye(10), H @ theta)
        assert any(np.allclose(t, expected, rtol=1e-9, atol=0) for t in seen), lam
    assert "Laplace" in result.criteria_note and np.all(np.isnan(result.gcv))
    sigma = np.linalg.eigvalsh(H)
    for i, lam in enumerate(lambdas):
        t = np.linalg.solve(H + lam * np.eye(10), H @ theta)
        objective = np.sum((X @ t - y) ** 2) / (2 * n) + 0.5 * lam * t @ t
        log_det = np.sum(np.log1p(sigma / lam))
        assert result.log_evidence[i] == pytest.approx(-n * objective - 0.5 * log_det, rel=1e-9)


def test_samples_without_risk_give_the_quadratic_models_evidence(diabetes):
    """H, θ̂, g and n alone: −n·F_λ(θ_λ) − ½ log det(I + H/λ) of the quadratic
    model F_λ(θ) = gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂) + λ/2‖θ‖², against dense
    solves and the dense spectrum."""
    X, y = diabetes
    n = X.shape[0]
    H = (X.T @ X).toarray() / n
    rng = np.random.default_rng(5)
    theta = rng.standard_normal(10)
    gradient = 0.01 * rng.standard_normal(10)
    lambdas = np.logspace(-4, 0, 9)
    result = ridgelens.path(H, theta, lambdas, gradient=gradient, k=3, samples=n)
    assert "quadratic model" in result.criteria_note
    sigma = np.linalg.eigvalsh(H)
    for i, lam in enumerate(lambdas):
        t = np.linalg.solve(H + lam * np.eye(10), H @ theta - gradient)
        d = t - theta
        objective = gradient @ d + 0.5 * d @ H @ d + 0.5 * lam * t @ t
        log_det = np.sum(np.log1p(sigma / lam))
        assert result.log_evidence[i] == pytest.approx(-n * objective - 0.5 * log_det, rel=1e-9)
    # With g ≠ 0 the model's minimum lies far along the flat directions, so
    # the evidence grows towards λ → 0: an optimum at the grid's edge is said.
    edge = ridgelens.select_lambda(H, "evidence", theta=theta, gradient=gradient,
                                   lambdas=lambdas, k=3, samples=n).selections[0]
    assert not edge.resolved and "smallest λ of the grid" in edge.reason
    # At a minimizer (g = 0) the optimum is interior: against a dense scan.
    fine = np.logspace(-4, 1, 2001)
    scan = []
    for lam in fine:
        t = np.linalg.solve(H + lam * np.eye(10), H @ theta)
        d = t - theta
        scan.append(-n * (0.5 * d @ H @ d + 0.5 * lam * t @ t)
                    - 0.5 * np.sum(np.log1p(sigma / lam)))
    chosen = ridgelens.select_lambda(H, "evidence", theta=theta, lambdas=np.logspace(-4, 1, 11),
                                     k=3, samples=n).selections[0]
    assert chosen.resolved, chosen.reason
    best = fine[int(np.argmax(scan))]
    assert chosen.lam == pytest.approx(best, rel=0.02)
    t = np.linalg.solve(H + chosen.lam * np.eye(10), H @ theta)
    d = t - theta
    at_chosen = (-n * (0.5 * d @ H @ d + 0.5 * chosen.lam * t @ t)
                 - 0.5 * np.sum(np.log1p(sigma / chosen.lam)))
    assert chosen.value == pytest.approx(at_chosen, rel=1e-9)


def test_selection_misuse_raises_value_error(diabetes):
    X, y = diabetes
    problem = ridgelens.least_squares(X, y)
    with pytest.raises(ValueError, match="criterion 'aic': expected gcv, evidence or lcurve"):
        ridgelens.select_lambda(problem, "aic", lambdas=GRID, k=3)
    with pytest.raises(ValueError, match="gcv needs a least-squares model"):
        ridgelens.select_lambda(problem, "gcv", lambdas=GRID, k=3, least_squares=False,
                                risk=problem.risk, samples=problem.samples)
    H = (X.T @ X).toarray() / X.shape[0]
    with pytest.raises(ValueError, match="needs the model's risk"):
        ridgelens.select_lambda(H, "evidence", theta=np.zeros(10), lambdas=GRID, k=3)
    with pytest.raises(ValueError, match="samples .* is required with risk"):
        ridgelens.path(H, np.zeros(10), GRID, k=3, risk=problem.risk)
    with pytest.raises(ValueError, match="at least 1"):
        ridgelens.path(H, np.zeros(10), GRID, k=3, risk=problem.risk, samples=0)
    with pytest.raises(ValueError, match="unknown option"):
        ridgelens.select_lambda(problem, "gcv", lambdas=GRID, kk=3)
    with pytest.raises(ValueError, match="X has 442 rows"):
        ridgelens.least_squares(X, y[:5])
    with pytest.raises(ValueError, match="form must be"):
        ridgelens.least_squares(X, y, form="magic")


@pytest.mark.parametrize("risk, error, message", [
    (lambda t: 1 / 0, ZeroDivisionError, "division"),
    (lambda t: "small", ValueError, "risk returned str, expected a real number"),
    (lambda t: np.ones(2), ValueError, "risk returned ndarray"),
])
def test_risk_callback_failure_comes_back(diabetes, risk, error, message):
    X, y = diabetes
    H = (X.T @ X).toarray() / X.shape[0]
    with pytest.raises(error, match=message) as info:
        ridgelens.select_lambda(H, "evidence", theta=np.zeros(10), lambdas=GRID, k=3,
                                risk=risk, samples=X.shape[0])
    notes = getattr(info.value, "__notes__", [])
    assert any("ridgelens.path:" in note and "risk" in note for note in notes), notes
    assert ridgelens.top_eigenpairs(H, k=2).status == "converged"


@pytest.mark.skipif(not os.environ.get("RIDGELENS_CLI"),
                    reason="the ridgelens program is not built (RIDGELENS_CLI unset): run "
                           "through ctest")
def test_same_selection_as_the_cli(diabetes, tmp_path):
    """`ridgelens path --data --model ls --select …` on the same data: the same
    criteria per λ and the same selected λ through both doors."""
    X, y = diabetes
    data = tmp_path / "diabetes.libsvm"
    dump_svmlight_file(X, y, str(data), zero_based=False)
    out = tmp_path / "cli.json"
    subprocess.run([os.environ["RIDGELENS_CLI"], "path", "--data", str(data), "--model", "ls",
                    "--lambdas", "1e-6:10:30", "--k", "5", "--select", "gcv", "--select",
                    "evidence", "--select", "lcurve", "--out", str(out), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    cli = json.loads(out.read_text())
    py = ridgelens.select_lambda(ridgelens.least_squares(X, y), ["gcv", "evidence", "lcurve"],
                                 lambdas=GRID, k=5)
    assert [p["lambda"] for p in cli["path"]] == pytest.approx(list(py.lambdas), rel=1e-12)
    assert cli["solver"] == py.solver == "dense_eigendecomposition"
    for field in ("residual_norm", "gcv", "log_evidence"):
        np.testing.assert_allclose([p[field] for p in cli["path"]], getattr(py, field), rtol=1e-12,
                                   err_msg=field)
    # The L-curve's curvature by finite differences over the refinement's
    # close λ (0.3 % apart) turns the two doors' rounding (H formed in C++ or
    # by scipy) into 1e-6 relative, and can flip a borderline stencil.
    curvature = np.array([np.nan if p["lcurve_curvature"] is None else p["lcurve_curvature"]
                          for p in cli["path"]])
    on_grid = np.isin(py.lambdas, GRID)
    np.testing.assert_allclose(curvature[on_grid], py.lcurve_curvature[on_grid], rtol=1e-9)
    both = np.isfinite(curvature) & np.isfinite(py.lcurve_curvature)
    assert np.sum(np.isfinite(curvature) != np.isfinite(py.lcurve_curvature)) <= 2
    np.testing.assert_allclose(curvature[both], py.lcurve_curvature[both], rtol=1e-5)
    for entry, selection in zip(cli["selection"], py.selections):
        assert entry["criterion"] == selection.criterion
        assert entry["lambda"] == pytest.approx(selection.lam, rel=1e-12)
        assert entry["resolved"] == selection.resolved
