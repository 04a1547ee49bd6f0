#pragma once
// Independent references for the tests: dense eigendecompositions and
// closed forms computed with Eigen's dense solvers, never with ridgelens.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <random>

#include "ridgelens/types.hpp"

namespace ridgelens::testing {

/// A dense symmetric matrix Q diag(spectrum) Qᵀ with a seeded random orthogonal Q.
inline DenseMatrix matrix_with_spectrum(const Vector& spectrum, std::uint64_t seed) {
    const Index n = spectrum.size();
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    DenseMatrix gaussian(n, n);
    for (Index j = 0; j < n; ++j)
        for (Index i = 0; i < n; ++i) gaussian(i, j) = normal(generator);
    const DenseMatrix q = Eigen::HouseholderQR<DenseMatrix>(gaussian).householderQ();
    DenseMatrix h = q * spectrum.asDiagonal() * q.transpose();
    return (h + h.transpose()) / 2;
}

inline Vector random_vector(Index n, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    Vector v(n);
    for (Index i = 0; i < n; ++i) v[i] = normal(generator);
    return v;
}

/// Sparse copy of a dense symmetric matrix with every diagonal entry stored
/// (independent of the library's own conversion).
inline SparseMatrix to_sparse(const DenseMatrix& dense) {
    SparseMatrix sparse = dense.sparseView();
    for (Index i = 0; i < dense.rows(); ++i) sparse.coeffRef(i, i) += 0.0;
    sparse.makeCompressed();
    return sparse;
}

/// Q (Σ+λI)⁻¹ Σ Qᵀθ from the full dense eigendecomposition (σ = 0 ⇒ factor 0).
inline Vector dense_ridge_transform(const DenseMatrix& h, const Vector& theta, double lambda) {
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(h);
    const Vector& sigma = eigen.eigenvalues();
    Vector factors(sigma.size());
    for (Index j = 0; j < sigma.size(); ++j)
        factors[j] = sigma[j] == 0 ? 0.0 : sigma[j] / (sigma[j] + lambda);
    return eigen.eigenvectors() * factors.cwiseProduct(eigen.eigenvectors().transpose() * theta);
}

/// All eigenvalues, descending.
inline Vector dense_eigenvalues_descending(const DenseMatrix& h) {
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(h, Eigen::EigenvaluesOnly);
    return eigen.eigenvalues().reverse();
}

}  // namespace ridgelens::testing
