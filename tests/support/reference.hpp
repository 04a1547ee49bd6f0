#pragma once
// Independent references for the tests: dense eigendecompositions and
// closed forms computed with Eigen's dense solvers, never with ridgelens.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <random>
#include <vector>

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

/// The 5-point Dirichlet Laplacian on an a × b grid (both triangles stored):
/// eigenvalues 4 sin²(πi/(2(a+1))) + 4 sin²(πj/(2(b+1))).
inline SparseMatrix grid_laplacian(Index a, Index b) {
    std::vector<Eigen::Triplet<double>> entries;
    const auto id = [b](Index i, Index j) { return i * b + j; };
    for (Index i = 0; i < a; ++i)
        for (Index j = 0; j < b; ++j) {
            entries.emplace_back(id(i, j), id(i, j), 4.0);
            if (i + 1 < a) {
                entries.emplace_back(id(i, j), id(i + 1, j), -1.0);
                entries.emplace_back(id(i + 1, j), id(i, j), -1.0);
            }
            if (j + 1 < b) {
                entries.emplace_back(id(i, j), id(i, j + 1), -1.0);
                entries.emplace_back(id(i, j + 1), id(i, j), -1.0);
            }
        }
    SparseMatrix h(a * b, a * b);
    h.setFromTriplets(entries.begin(), entries.end());
    h.makeCompressed();
    return h;
}

}  // namespace ridgelens::testing

// LAPACK's divide-and-conquer symmetric eigensolver (OpenBLAS, multithreaded):
// the dense reference for matrices of a few thousand rows.
extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda,
                        double* w, double* work, const int* lwork, int* iwork, const int* liwork,
                        int* info, std::size_t jobz_length, std::size_t uplo_length);

namespace ridgelens::testing {

/// All eigenvalues, descending, by LAPACK dsyevd.
inline Vector dense_eigenvalues_descending(const DenseMatrix& h) {
    DenseMatrix a = h;
    const int n = static_cast<int>(h.rows());
    Vector w(n);
    int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
    double work_query = 0;
    dsyevd_("N", "L", &n, a.data(), &n, w.data(), &work_query, &lwork, &iwork_query, &liwork, &info,
            1, 1);
    lwork = static_cast<int>(work_query);
    liwork = iwork_query;
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevd_("N", "L", &n, a.data(), &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info,
            1, 1);
    EXPECT_EQ(info, 0) << "LAPACK dsyevd failed";
    return w.reverse();
}

}  // namespace ridgelens::testing
