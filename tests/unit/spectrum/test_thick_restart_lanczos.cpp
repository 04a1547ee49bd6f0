// The thick-restart Lanczos behind compute_top_eigenpairs: clustered top
// spectra (closed-form grid Laplacian eigenvalues), the early stop inside a
// sweep, the continuation past an invariant subspace, and the Lanczos
// residual estimates against residuals recomputed here.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <vector>

#include "reference.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {
namespace {

SparseMatrix diagonal_matrix(const Vector& d) {
    SparseMatrix h(d.size(), d.size());
    std::vector<Eigen::Triplet<double>> entries;
    for (Index i = 0; i < d.size(); ++i) entries.emplace_back(i, i, d[i]);
    h.setFromTriplets(entries.begin(), entries.end());
    h.makeCompressed();
    return h;
}

using testing::grid_laplacian;

// Its eigenvalues in closed form, descending: 4 − 2cos(pπ/(a+1)) − 2cos(qπ/(b+1)).
std::vector<double> grid_laplacian_spectrum(Index a, Index b) {
    std::vector<double> values;
    for (Index p = 1; p <= a; ++p)
        for (Index q = 1; q <= b; ++q)
            values.push_back(4 - 2 * std::cos(p * std::numbers::pi / (a + 1)) -
                             2 * std::cos(q * std::numbers::pi / (b + 1)));
    std::sort(values.begin(), values.end(), std::greater<>());
    return values;
}

// Values against `reference`, residuals and orthonormality recomputed here.
void expect_pairs(const SparseMatrix& h, const Eigenpairs& pairs,
                  const std::vector<double>& reference, double tolerance) {
    ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
    const Index k = pairs.requested;
    ASSERT_EQ(pairs.converged, k);
    const double scale = std::abs(reference[0]);
    for (Index j = 0; j < k; ++j) {
        EXPECT_NEAR(pairs.values[j], reference[static_cast<std::size_t>(j)], tolerance * scale)
            << "σ_" << j + 1;
        const Vector q = pairs.vectors.col(j);
        EXPECT_LT((h * q - pairs.values[j] * q).norm(), 1e-8 * scale) << "pair " << j + 1;
    }
    const DenseMatrix gram = pairs.vectors.transpose() * pairs.vectors;
    EXPECT_LT((gram - DenseMatrix::Identity(k, k)).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(ThickRestartLanczos, ClusteredTopSpectrumOfAGridLaplacian) {
    // 40 × 37 grid: the top eigenvalues crowd below 8 (gaps down to ~1e-3 of
    // the spectrum's width), each simple. The default basis and a small one
    // that forces many thick restarts must both find them.
    const Index a = 40, b = 37;
    const SparseMatrix h = grid_laplacian(a, b);
    const SparseSymmetricOperator op(h);
    const std::vector<double> reference = grid_laplacian_spectrum(a, b);
    for (const Index subspace : {Index{0}, Index{16}}) {
        EigenOptions options;
        options.k = 10;
        options.subspace = subspace;
        const Eigenpairs pairs = compute_top_eigenpairs(op, options);
        SCOPED_TRACE("subspace " + std::to_string(subspace));
        expect_pairs(h, pairs, reference, 1e-10);
        if (subspace == 16) EXPECT_GT(pairs.iterations, 2) << "the small basis must restart";
    }
}

TEST(ThickRestartLanczos, StopsInsideTheFirstSweepOnSeparatedOutliers) {
    // Ten outliers 100·0.7^j over a bulk in [0, 1]: Lanczos converges long
    // before a 60-vector basis is full, and must stop there.
    const Index n = 3000;
    Vector d(n);
    for (Index i = 0; i < n; ++i) d[i] = static_cast<double>((i * 7919) % n) / n;
    std::vector<double> reference;
    for (Index j = 0; j < 10; ++j) {
        d[j * 290 + 3] = 100 * std::pow(0.7, static_cast<double>(j));
        reference.push_back(d[j * 290 + 3]);
    }
    const SparseMatrix h = diagonal_matrix(d);
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = 10;
    options.subspace = 60;
    options.recompute_residuals = false;
    const Eigenpairs pairs = compute_top_eigenpairs(op, options);
    expect_pairs(h, pairs, reference, 1e-12);
    EXPECT_EQ(pairs.iterations, 1) << "no restart";
    EXPECT_LT(pairs.matvecs, 45) << "stopped inside the sweep, not at the full basis of 60";
}

TEST(ThickRestartLanczos, ContinuesPastAnInvariantSubspace) {
    // Each of 1 … 6 three times: the Krylov space of one start vector is
    // invariant after 6 steps, fewer than the k = 8 pairs wanted, so the
    // iteration must continue from fresh random directions. What it returns
    // are then exact eigenpairs (eigenvalues in {1, …, 6}, tiny residuals,
    // orthonormal vectors, so repeated values are genuine multiplicities) led
    // by σ_1 = 6; like ARPACK's, a single-vector Lanczos need not find every
    // copy of a repeated eigenvalue.
    Vector d(18);
    for (Index i = 0; i < 18; ++i) d[i] = static_cast<double>(1 + i % 6);
    const SparseMatrix h = diagonal_matrix(d);
    const SparseSymmetricOperator op(h);
    for (const Index subspace : {Index{0}, Index{12}}) {
        EigenOptions options;
        options.k = 8;
        options.subspace = subspace;
        SCOPED_TRACE("subspace " + std::to_string(subspace));
        const Eigenpairs pairs = compute_top_eigenpairs(op, options);
        ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
        ASSERT_EQ(pairs.converged, 8);
        EXPECT_NEAR(pairs.values[0], 6.0, 1e-12);
        for (Index j = 0; j < 8; ++j) {
            EXPECT_NEAR(pairs.values[j], std::round(pairs.values[j]), 1e-12);
            EXPECT_GE(pairs.values[j], 1.0 - 1e-12);
            if (j > 0) EXPECT_LE(pairs.values[j], pairs.values[j - 1] + 1e-12);
            const Vector q = pairs.vectors.col(j);
            EXPECT_LT((h * q - pairs.values[j] * q).norm(), 1e-10);
        }
        const DenseMatrix gram = pairs.vectors.transpose() * pairs.vectors;
        EXPECT_LT((gram - DenseMatrix::Identity(8, 8)).cwiseAbs().maxCoeff(), 1e-10);
    }
}

TEST(ThickRestartLanczos, EstimatedResidualsMatchRecomputedOnes) {
    Vector spectrum = Vector::LinSpaced(300, 0.0, 2.0);
    spectrum.head(6) << 30, 29.5, 29, 12, 11.9, 11.8;
    const SparseMatrix h = testing::to_sparse(testing::matrix_with_spectrum(spectrum, 3));
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = 8;
    options.recompute_residuals = false;
    const Eigenpairs estimated = compute_top_eigenpairs(op, options);
    options.recompute_residuals = true;
    const Eigenpairs recomputed = compute_top_eigenpairs(op, options);
    ASSERT_EQ(estimated.status, EigenStatus::converged) << estimated.message;
    ASSERT_EQ(estimated.converged, 8);
    EXPECT_EQ(recomputed.matvecs, estimated.matvecs + 8) << "k products for the residuals";
    for (Index j = 0; j < 8; ++j) {
        const Vector q = estimated.vectors.col(j);
        const double residual = (h * q - estimated.values[j] * q).norm();
        EXPECT_NEAR(estimated.residuals[j], residual, 1e-12 * 30) << "pair " << j + 1;
        EXPECT_LT(estimated.residuals[j], options.tolerance * std::abs(estimated.values[j]));
    }
}

}  // namespace
}  // namespace ridgelens
