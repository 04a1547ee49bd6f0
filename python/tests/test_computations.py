"""analyze, path, solve_shifted and effective_dof against closed forms:
spsolve for θ̂_ridge, the dense eigendecomposition for the decay table and df."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import ridgelens

LAMBDAS = [1e-3, 0.1, 2.0]


def ridge_reference(h, theta, lam, gradient=None):
    rhs = h @ theta - (0 if gradient is None else gradient)
    return spla.spsolve((h + lam * sp.eye(h.shape[0])).tocsc(), rhs)


@pytest.mark.parametrize("solver", ["auto", "cholmod", "cg"])
def test_analyze_ridge_and_decay_table(sparse_h, theta, solver):
    g = np.random.default_rng(11).standard_normal(theta.size) * 0.1
    result = ridgelens.analyze(sparse_h, theta, LAMBDAS, k=6, gradient=g, solver=solver)
    assert result.status == "ok" and result.ok, result.warnings
    assert result.ridge.shape == (theta.size, len(LAMBDAS))
    values, vectors = np.linalg.eigh(sparse_h.toarray())
    sigma, q = values[::-1][:6], vectors[:, ::-1][:, :6]
    np.testing.assert_allclose(result.eigen.values, sigma, rtol=1e-9)
    for i, lam in enumerate(LAMBDAS):
        entry = result.lambdas[i]
        x = ridge_reference(sparse_h, theta, lam, g)
        assert np.linalg.norm(entry.ridge - x) <= 1e-8 * np.linalg.norm(x)
        np.testing.assert_array_equal(entry.ridge, result.ridge[:, i])
        residual = np.linalg.norm((sparse_h + lam * sp.eye(theta.size)) @ entry.ridge
                                  - (sparse_h @ theta - g)) / np.linalg.norm(sparse_h @ theta - g)
        assert entry.relative_residual <= 1e-9 and residual <= 1e-9
        np.testing.assert_allclose(entry.sigma, sigma, rtol=1e-9)
        np.testing.assert_allclose(entry.factor, sigma / (sigma + lam), rtol=1e-9)
        signs = np.sign(q.T @ result.eigen.vectors).diagonal()  # eigenvector signs
        c = signs * (q.T @ theta)
        np.testing.assert_allclose(entry.component, c, rtol=1e-7, atol=1e-9)
        shrunk = (sigma * c - signs * (q.T @ g)) / (sigma + lam)
        np.testing.assert_allclose(entry.shrunk, shrunk, rtol=1e-7, atol=1e-9)
    report = result.to_dict()
    assert [e["lambda"] for e in report["lambdas"]] == LAMBDAS
    assert {"ridgelens_version", "problem", "eigen", "lambdas", "timings", "status", "checks",
            "warnings"} <= set(report)


def test_path_against_closed_forms(sparse_h, theta):
    lambdas = np.logspace(-3, 1, 7)
    result = ridgelens.path(sparse_h, theta, lambdas, k=5, directions=5)
    assert result.status == "ok", result.warnings
    values, vectors = np.linalg.eigh(sparse_h.toarray())
    np.testing.assert_allclose(result.lambdas, lambdas, rtol=1e-15)
    np.testing.assert_allclose(result.df, [np.sum(values / (values + lam)) for lam in lambdas],
                               rtol=1e-10)
    assert result.df_method == "exact" and np.all(result.df_stderr == 0)
    norms = [np.linalg.norm(ridge_reference(sparse_h, theta, lam)) for lam in lambdas]
    np.testing.assert_allclose(result.ridge_norm, norms, rtol=1e-8)
    assert np.all(result.relative_residual <= 1e-9)
    sigma, q = values[::-1][:5], vectors[:, ::-1][:, :5]
    signs = np.sign(q.T @ result.eigen.vectors).diagonal()
    expected = np.array([signs * sigma * (q.T @ theta) / (sigma + lam) for lam in lambdas])
    np.testing.assert_allclose(result.coefficients, expected, rtol=1e-7, atol=1e-9)
    report = result.to_dict()
    assert len(report["path"]) == 7 and report["path"][3]["df"] == pytest.approx(result.df[3])


def test_solve_shifted_matches_spsolve(sparse_h, theta):
    b = theta
    for solver in ("auto", "cholmod"):
        result = ridgelens.solve_shifted(sparse_h, b, LAMBDAS, solver=solver)
        assert result.solutions.shape == (b.size, len(LAMBDAS))
        assert result.statuses == ["converged"] * 3
        for i, lam in enumerate(LAMBDAS):
            shifted = (sparse_h + lam * sp.eye(b.size)).tocsc()
            x = spla.spsolve(shifted, b)
            assert np.linalg.norm(result.solutions[:, i] - x) <= 1e-8 * np.linalg.norm(x)
            r = np.linalg.norm(shifted @ result.solutions[:, i] - b) / np.linalg.norm(b)
            assert result.residuals[i] == pytest.approx(r, rel=1e-3, abs=1e-15)
            assert r <= 1e-9


def test_solve_shifted_auto_chooses_as_the_cli_does(sparse_h, theta, monkeypatch):
    """"auto" takes CHOLMOD for a scipy.sparse H whose factor fits (the CLI's
    choose_cholmod_automatically), multi-shift CG for a matrix-free H or when
    the memory budget is too small for the factor; the result says which ran."""
    b = sparse_h @ theta
    refs = [spla.spsolve((sparse_h + lam * sp.eye(b.size)).tocsc(), b) for lam in LAMBDAS]
    cases = [(sparse_h, {}, "cholmod"),
             (spla.aslinearoperator(sparse_h), {}, "multishift_cg"),
             (sparse_h.toarray(), {}, "multishift_cg"),
             (sparse_h, {"RIDGELENS_MEMORY_LIMIT": "1e6"}, "multishift_cg"),
             (sparse_h, {}, "multishift_cg", "cg")]
    for H, environment, expected, *solver in cases:
        with monkeypatch.context() as m:
            for name, value in environment.items():
                m.setenv(name, value)
            result = ridgelens.solve_shifted(H, b, LAMBDAS, solver=solver[0] if solver else "auto")
        assert result.solver == expected, (type(H), environment, result.solver_reason)
        assert result.solver_reason
        if expected == "cholmod":
            assert "sparse Cholesky" in result.solver_reason and result.iterations == 0
        for i, x in enumerate(refs):
            assert np.linalg.norm(result.solutions[:, i] - x) <= 1e-8 * np.linalg.norm(x)
    # The same heuristic as the CLI's analyze report for the same matrix.
    budget_note = ridgelens.analyze(sparse_h, theta, [0.1], k=3).to_dict()
    assert budget_note["solver"] == "cholmod"
    assert ridgelens.solve_shifted(sparse_h, b, [0.1]).solver_reason == \
        budget_note["solver_reason"]


def test_effective_dof_within_its_error_bar():
    # n = 600 with a decaying spectrum: SLQ estimate against the exact trace.
    rng = np.random.default_rng(5)
    n = 600
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    values = np.logspace(2, -4, n)
    h = (q * values) @ q.T
    h = 0.5 * (h + h.T)
    lambdas = [1e-2, 1.0]
    result = ridgelens.effective_dof(h, lambdas, k=10, probes=20, lanczos_steps=60)
    exact = np.array([np.sum(values / (values + lam)) for lam in lambdas])
    assert np.all(result.df_stderr > 0)
    bound = 4 * result.df_stderr + result.df_quadrature_error + 1e-8 * exact
    assert np.all(np.abs(result.df - exact) <= bound), (result.df, exact, bound)
    np.testing.assert_allclose(result.df_top_part, [np.sum(values[:10] / (values[:10] + lam))
                                                    for lam in lambdas], rtol=1e-9)


def test_plot_writes_the_pictures(tmp_path, sparse_h, theta):
    files = ridgelens.plot(ridgelens.path(sparse_h, theta, np.logspace(-2, 1, 5), k=4),
                           tmp_path / "path")
    names = {f.split("/")[-1] for f in files}
    assert "index.html" in names and "df.svg" in names
    assert all((tmp_path / "path" / name).stat().st_size > 0 for name in names)
    files = ridgelens.plot(ridgelens.analyze(sparse_h, theta, [0.1], k=4), tmp_path / "an")
    assert {"decay.svg", "components.svg", "geometry.svg", "index.html"} <= {
        f.split("/")[-1] for f in files}
