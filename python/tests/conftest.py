"""Shared inputs of the Python tests: small symmetric matrices with known spectra."""

import numpy as np
import pytest
import scipy.sparse as sp


def spd_sparse(n=120, density=0.04, seed=3, shift=0.5):
    """A sparse symmetric positive definite matrix A Aᵀ + shift·I (CSR)."""
    a = sp.random(n, n, density=density, random_state=seed)
    return (a @ a.T + shift * sp.eye(n)).tocsr()


@pytest.fixture
def sparse_h():
    return spd_sparse()


@pytest.fixture
def theta():
    return np.random.default_rng(7).standard_normal(120)
