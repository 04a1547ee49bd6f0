// The Lanczos kernels (lib/krylov/lanczos_kernels.hpp) and the
// eigensolver built on them give bitwise equal results on every run for a
// fixed thread count: ridgelens-mpi runs them redundantly on every rank with
// replicated vectors, and all ranks must take the same decisions.

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "krylov/lanczos_kernels.hpp"
#include "parallel/threading.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/random_vector.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"
#include "thread_count.hpp"

namespace {

using namespace ridgelens;

using ridgelens::testing::ThreadCount;

bool bitwise_equal(const double* a, const double* b, Index n) {
    return std::memcmp(a, b, sizeof(double) * static_cast<std::size_t>(n)) == 0;
}

// A vector whose entries span 16 decades, so that the order of addition shows
// in the last bits of every sum.
Vector wide_range_vector(Index n, std::uint64_t seed) {
    Vector x = seeded_normal_vector(n, seed);
    for (Index i = 0; i < n; ++i) x[i] *= std::pow(10.0, static_cast<double>(i % 17) - 8);
    return x;
}

constexpr Index rows = 3 * detail::parallel_rows + 7;  // threaded, uneven blocks

TEST(LanczosReproducible, KernelsAreBitwiseEqualOnEveryRunWithFourThreads) {
    const ThreadCount threads(4);
    const Index n = rows, c = 12;
    DenseMatrix basis(n, c);
    for (Index j = 0; j < c; ++j) basis.col(j) = wide_range_vector(n, 10 + j);
    const Vector w = wide_range_vector(n, 3), v = wide_range_vector(n, 4);
    const Vector correction = seeded_normal_vector(c, 5);

    const double dot = detail::parallel_dot(w.data(), v.data(), n);
    // Independent reference for the value (not its bits): a long double sum.
    long double reference = 0;
    for (Index i = 0; i < n; ++i) reference += static_cast<long double>(w[i]) * v[i];
    const double magnitude = w.cwiseAbs().dot(v.cwiseAbs());
    EXPECT_NEAR(dot, static_cast<double>(reference), 1e-14 * magnitude);

    Vector f0(n), p0(c + 1), g0 = w, q0(c + 1), w0 = w;
    Vector t0(c);
    detail::residual_and_project(basis.data(), n, n, c, w.data(), 0.3, v.data(), f0.data(),
                                 p0.data());
    detail::correct_and_project(basis.data(), n, n, c, correction.data(), g0.data(), q0.data());
    const double s0 = detail::subtract_and_dot(w0.data(), 0.7, v.data(), w.data(), n);
    detail::parallel_transpose_product(basis.data(), n, n, c, w.data(), t0.data());
    for (int run = 0; run < 20; ++run) {
        const double again = detail::parallel_dot(w.data(), v.data(), n);
        ASSERT_TRUE(bitwise_equal(&again, &dot, 1)) << "parallel_dot, run " << run;
        Vector f(n), p(c + 1), g = w, q(c + 1), w1 = w, t(c);
        detail::residual_and_project(basis.data(), n, n, c, w.data(), 0.3, v.data(), f.data(),
                                     p.data());
        ASSERT_TRUE(bitwise_equal(p.data(), p0.data(), c + 1)) << "residual_and_project " << run;
        detail::correct_and_project(basis.data(), n, n, c, correction.data(), g.data(), q.data());
        ASSERT_TRUE(bitwise_equal(q.data(), q0.data(), c + 1)) << "correct_and_project " << run;
        const double s = detail::subtract_and_dot(w1.data(), 0.7, v.data(), w.data(), n);
        ASSERT_TRUE(bitwise_equal(&s, &s0, 1)) << "subtract_and_dot, run " << run;
        detail::parallel_transpose_product(basis.data(), n, n, c, w.data(), t.data());
        ASSERT_TRUE(bitwise_equal(t.data(), t0.data(), c)) << "transpose_product " << run;
    }
}

TEST(LanczosReproducible, TopEigenpairsAreBitwiseEqualOnEveryRunWithFourThreads) {
    const ThreadCount threads(4);
    const Index n = rows;
    // A weighted path Laplacian (bulk in [0, 4]) plus ten diagonal outliers:
    // the top ten eigenvalues lie within 4 of the outliers 50·0.8^k + 4 (Weyl).
    std::vector<Eigen::Triplet<double>> entries;
    Vector diagonal = Vector::Zero(n);
    for (Index i = 0; i + 1 < n; ++i) {
        const double weight = 0.5 + 0.5 * std::abs(std::sin(static_cast<double>(i)));
        entries.emplace_back(i, i + 1, -weight);
        entries.emplace_back(i + 1, i, -weight);
        diagonal[i] += weight;
        diagonal[i + 1] += weight;
    }
    std::vector<double> outliers;
    for (int k = 0; k < 10; ++k) {
        outliers.push_back(50.0 * std::pow(0.8, k) + 4.0);
        diagonal[(k + 1) * (n / 11)] += outliers.back() - 4.0;
    }
    for (Index i = 0; i < n; ++i) entries.emplace_back(i, i, diagonal[i]);
    SparseMatrix h(n, n);
    h.setFromTriplets(entries.begin(), entries.end());
    h.makeCompressed();
    const SparseSymmetricOperator op(h);

    const Eigenpairs first = compute_top_eigenpairs(op);
    ASSERT_EQ(first.status, EigenStatus::converged) << first.message;
    ASSERT_EQ(first.converged, 10);
    for (int k = 0; k < 10; ++k) {
        // Independent checks: Weyl's bound against the outliers, and the
        // residual recomputed here from the returned pair.
        EXPECT_NEAR(first.values[k], outliers[static_cast<std::size_t>(k)], 4.0);
        Vector hq(n);
        op.perform_op(first.vectors.col(k).data(), hq.data());
        EXPECT_LT((hq - first.values[k] * first.vectors.col(k)).norm(), 1e-8 * first.values[0]);
    }
    for (int run = 0; run < 3; ++run) {
        const Eigenpairs again = compute_top_eigenpairs(op);
        ASSERT_EQ(again.matvecs, first.matvecs) << "run " << run;
        ASSERT_EQ(again.values.size(), first.values.size());
        ASSERT_TRUE(bitwise_equal(again.values.data(), first.values.data(), first.values.size()))
            << "eigenvalues differ on run " << run;
        ASSERT_TRUE(bitwise_equal(again.vectors.data(), first.vectors.data(), first.vectors.size()))
            << "eigenvectors differ on run " << run;
        ASSERT_TRUE(
            bitwise_equal(again.residuals.data(), first.residuals.data(), first.residuals.size()))
            << "residuals differ on run " << run;
    }
}

}  // namespace
