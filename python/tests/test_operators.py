"""Every kind of H gives the eigenpairs that scipy.sparse.linalg.eigsh and
numpy.linalg.eigh give."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import ridgelens


def reference_top(h, k):
    values = np.linalg.eigvalsh(h.toarray() if sp.issparse(h) else h)
    return values[::-1][:k]


def check_pairs(result, h, k):
    dense = h.toarray() if sp.issparse(h) else np.asarray(h)
    assert result.status == "converged", result.message
    assert result.values.shape == (k,)
    assert result.vectors.shape == (dense.shape[0], k)
    assert result.residuals.shape == (k,)
    np.testing.assert_allclose(result.values, reference_top(dense, k), rtol=1e-9, atol=0)
    # Residuals recomputed here, independently of the library's.
    for j in range(k):
        q = result.vectors[:, j]
        r = np.linalg.norm(dense @ q - result.values[j] * q)
        assert r <= 1e-8 * result.values[0]
        assert abs(r - result.residuals[j]) <= 1e-9 * result.values[0]
    np.testing.assert_allclose(result.vectors.T @ result.vectors, np.eye(k), atol=1e-10)
    assert result.matvecs > 0


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_formats_match_eigsh(sparse_h, fmt):
    h = sparse_h.asformat(fmt)
    k = 6
    result = ridgelens.top_eigenpairs(h, k=k)
    check_pairs(result, sparse_h, k)
    eigsh_values = np.sort(spla.eigsh(sparse_h, k=k, which="LA", tol=1e-12)[0])[::-1]
    np.testing.assert_allclose(result.values, eigsh_values, rtol=1e-9)


def test_dense_array_matches_eigh(sparse_h):
    dense = sparse_h.toarray()
    check_pairs(ridgelens.top_eigenpairs(dense, k=5), dense, 5)
    # Fortran order and float32 are converted, not refused.
    check_pairs(ridgelens.top_eigenpairs(np.asfortranarray(dense), k=5), dense, 5)


def test_linear_operator(sparse_h):
    op = spla.aslinearoperator(sparse_h)
    check_pairs(ridgelens.top_eigenpairs(op, k=5), sparse_h, 5)


def test_callable_operator_with_and_without_matmat(sparse_h):
    n = sparse_h.shape[0]
    blocks = []

    def matmat(x):
        blocks.append(x.shape)
        return sparse_h @ x

    plain = ridgelens.Operator(n, lambda x: sparse_h @ x)
    check_pairs(ridgelens.top_eigenpairs(plain, k=4), sparse_h, 4)
    assert plain.products > 0
    batched = ridgelens.Operator(n, lambda x: sparse_h @ x, matmat)
    # The exact df path forms H from blocks of unit vectors through matmat.
    theta = np.ones(n)
    result = ridgelens.path(batched, theta, [0.1, 1.0], k=4, probes=4, lanczos_steps=10)
    assert blocks and all(b[0] == n and b[1] > 1 for b in blocks)
    values = np.linalg.eigvalsh(sparse_h.toarray())
    np.testing.assert_allclose(result.df, [np.sum(values / (values + lam)) for lam in (0.1, 1.0)],
                               rtol=1e-10)


def test_symmetry_checked_like_the_cli(sparse_h):
    h = sparse_h.tolil()
    h[0, 1] += 1e-3
    with pytest.raises(ValueError, match="not symmetric: entry .* exceeds the tolerance"):
        ridgelens.top_eigenpairs(h.tocsr(), k=3)
    with pytest.raises(ValueError, match="not symmetric"):
        ridgelens.top_eigenpairs(h.toarray(), k=3)
    # Within the tolerance: symmetrized as (A + Aᵀ)/2, with a warning.
    coo = sp.triu(sparse_h, k=1).tocoo()
    i, j = coo.row[0], coo.col[0]
    h = sparse_h.tolil()
    h[i, j] *= 1 + 1e-13
    with pytest.warns(UserWarning, match="symmetrized"):
        ridgelens.top_eigenpairs(h.tocsr(), k=3)
    # One triangle only is not a symmetric matrix.
    with pytest.raises(ValueError, match="not symmetric"):
        ridgelens.top_eigenpairs(sp.tril(sparse_h).tocsr(), k=3)
