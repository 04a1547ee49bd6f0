// The multithreaded paths of the core loop (taken above 20,000 unknowns): the
// Lanczos basis kernels that Spectra runs with (krylov/lanczos_kernels.hpp), the
// fused CG updates and the sparse symmetric product, each against an
// independent reference: a known spectrum, a direct tridiagonal solve, a
// serial product.

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "reference.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace {

using namespace ridgelens;

constexpr Index large = 60000;  // above the kernels' 20,000-row threshold

// Tridiagonal H: diagonal d, off-diagonal e (both triangles stored).
SparseMatrix tridiagonal(const Vector& d, double e) {
    const Index n = d.size();
    std::vector<Eigen::Triplet<double>> entries;
    for (Index i = 0; i < n; ++i) {
        entries.emplace_back(i, i, d[i]);
        if (i + 1 < n) {
            entries.emplace_back(i, i + 1, e);
            entries.emplace_back(i + 1, i, e);
        }
    }
    SparseMatrix h(n, n);
    h.setFromTriplets(entries.begin(), entries.end());
    h.makeCompressed();
    return h;
}

TEST(ParallelKernels, LanczosFindsAKnownSpectrumWithRestarts) {
    if (omp_get_max_threads() < 2) GTEST_SKIP() << "needs 2 OpenMP threads for the parallel path";
    // Diagonal H: the spectrum is the diagonal. Ten outliers 10, 9.8, … over a
    // bulk in [0, 5]; the small subspace forces several restarts (compress_V).
    Vector d(large);
    for (Index i = 0; i < large; ++i) d[i] = 5.0 * static_cast<double>((i * 7919) % large) / large;
    for (Index j = 0; j < 10; ++j) d[j * 5000 + 17] = 10.0 - 0.2 * static_cast<double>(j);
    const SparseMatrix h = tridiagonal(d, 0.0);
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = 10;
    options.subspace = 16;
    const Eigenpairs pairs = compute_top_eigenpairs(op, options);
    ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
    EXPECT_GT(pairs.iterations, 1);
    for (Index j = 0; j < 10; ++j) {
        EXPECT_NEAR(pairs.values[j], 10.0 - 0.2 * static_cast<double>(j), 1e-9);
        EXPECT_LT(pairs.residuals[j], 1e-8);
    }
    const DenseMatrix gram = pairs.vectors.transpose() * pairs.vectors;
    EXPECT_LT((gram - DenseMatrix::Identity(10, 10)).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(ParallelKernels, SmallestEigenvalueWithParallelReorthogonalization) {
    if (omp_get_max_threads() < 2) GTEST_SKIP() << "needs 2 OpenMP threads for the parallel path";
    // Diagonal H with a bulk in [1, 2] and one isolated eigenvalue below it:
    // Lanczos (fully reorthogonalized over the 60,000-row basis) must find it
    // and its sign decides the verdict.
    Vector d(large);
    for (Index i = 0; i < large; ++i) d[i] = 1.0 + static_cast<double>((i * 7919) % large) / large;
    for (const double isolated : {0.25, -0.5}) {
        d[12345] = isolated;
        const SparseMatrix h = tridiagonal(d, 0.0);
        const SparseSymmetricOperator op(h);
        PsdCheckOptions options;
        options.max_steps = 60;
        const SmallestEigenvalue smallest = compute_smallest_eigenvalue(op, 2.0, options, 7);
        EXPECT_NEAR(smallest.value, isolated, 1e-8) << smallest.message;
        EXPECT_EQ(smallest.psd, isolated > 0) << smallest.message;
        EXPECT_LE(smallest.steps, 60);
    }
}

TEST(ParallelKernels, FusedCgMatchesADirectTridiagonalSolve) {
    // H = tridiag(−1, 2.5 + 0.5·sin(0.001·i), −1), diagonally dominant, so SPD; (H + λI)x = b
    // solved by the Thomas algorithm as the reference.
    Vector d(large);
    for (Index i = 0; i < large; ++i) d[i] = 2.5 + 0.5 * std::sin(0.001 * static_cast<double>(i));
    const SparseMatrix h = tridiagonal(d, -1.0);
    const double lambda = 0.05;
    const Vector b = ridgelens::testing::random_vector(large, 3);

    std::vector<double> c(static_cast<std::size_t>(large)), y(static_cast<std::size_t>(large));
    Vector x(large);
    double pivot = d[0] + lambda;
    c[0] = -1.0 / pivot;
    y[0] = b[0] / pivot;
    for (Index i = 1; i < large; ++i) {
        pivot = d[i] + lambda + c[static_cast<std::size_t>(i - 1)];
        c[static_cast<std::size_t>(i)] = -1.0 / pivot;
        y[static_cast<std::size_t>(i)] = (b[i] + y[static_cast<std::size_t>(i - 1)]) / pivot;
    }
    x[large - 1] = y[static_cast<std::size_t>(large - 1)];
    for (Index i = large - 2; i >= 0; --i)
        x[i] = y[static_cast<std::size_t>(i)] - c[static_cast<std::size_t>(i)] * x[i + 1];

    const SparseSymmetricOperator op(h);
    CgOptions options;
    options.tolerance = 1e-12;
    const SolveResult result = solve_conjugate_gradient(op, lambda, b, op.diagonal(), options);
    ASSERT_TRUE(result.ok()) << result.message;
    EXPECT_LT((result.x - x).norm() / x.norm(), 1e-10);
}

TEST(ParallelKernels, SparseProductMatchesEigenSelfadjointProduct) {
    Vector d(large);
    for (Index i = 0; i < large; ++i) d[i] = 1.0 + static_cast<double>(i % 13);
    const SparseMatrix h = tridiagonal(d, -0.25);
    const Vector x = ridgelens::testing::random_vector(large, 5);
    Vector y(large);
    SparseSymmetricOperator(h).perform_op(x.data(), y.data());
    const SparseMatrix lower = h.triangularView<Eigen::Lower>();
    const Vector expected = lower.selfadjointView<Eigen::Lower>() * x;
    EXPECT_LT((y - expected).cwiseAbs().maxCoeff(), 1e-13);
}

}  // namespace
