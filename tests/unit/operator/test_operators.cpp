// Operators: the concept, products against dense and full-storage references.

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <utility>
#include <vector>

#include "parallel/threading.hpp"
#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/linear_operator.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/operator/shifted_operator.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "thread_count.hpp"

namespace ridgelens {
namespace {

static_assert(LinearOperator<SparseSymmetricOperator>);
static_assert(LinearOperator<MatrixFreeOperator>);
static_assert(LinearOperator<ShiftedOperator>);
static_assert(LinearOperator<OperatorRef>);
static_assert(LinearOperator<CountingOperator>);
static_assert(!LinearOperator<int>);

DenseMatrix sparse_test_matrix(Index n, std::uint64_t seed) {
    // A random symmetric sparse pattern with ~6 entries per row.
    std::mt19937_64 generator(seed);
    std::uniform_int_distribution<Index> column(0, n - 1);
    std::normal_distribution<double> normal;
    DenseMatrix h = DenseMatrix::Zero(n, n);
    for (Index i = 0; i < n; ++i) {
        h(i, i) = 10 + normal(generator);
        for (int e = 0; e < 3; ++e) {
            const Index j = column(generator);
            const double v = normal(generator);
            h(i, j) += v;
            h(j, i) += v;
        }
    }
    return h;
}

TEST(SparseSymmetricOperator, ProductMatchesDense) {
    for (Index n : {1, 7, 300}) {
        const DenseMatrix dense = sparse_test_matrix(n, 11);
        const SparseMatrix h = testing::to_sparse(dense);
        const SparseSymmetricOperator op(h);
        EXPECT_EQ(op.rows(), n);
        EXPECT_EQ(op.full_nonzeros(), h.nonZeros());
        EXPECT_EQ(2 * op.strict_lower_triangle().nonZeros() + n, h.nonZeros());
        const Vector x = testing::random_vector(n, 7);
        Vector y = Vector::Constant(n, std::nan(""));  // the product must overwrite y
        op.perform_op(x.data(), y.data());
        EXPECT_LT((y - dense * x).norm(), 1e-12 * (dense * x).norm());
        EXPECT_LT((op.diagonal() - dense.diagonal()).norm(), 1e-15 * dense.diagonal().norm());
    }
}

// A symmetric pattern over n rows: a band of half-width `band` (a mesh-like,
// well-ordered matrix) plus `far` random entries per row anywhere (the
// worst case for the mirrored updates: they spill into every later block).
SparseMatrix symmetric_pattern(Index n, Index band, int far, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::uniform_int_distribution<Index> column(0, n - 1);
    std::normal_distribution<double> normal;
    std::vector<Eigen::Triplet<double, int>> triplets;
    for (Index i = 0; i < n; ++i) {
        triplets.emplace_back(i, i, 4 + normal(generator));
        for (Index j = i + 1; j <= std::min(n - 1, i + band); ++j) {
            const double v = normal(generator);
            triplets.emplace_back(i, j, v);
            triplets.emplace_back(j, i, v);
        }
        for (int e = 0; e < far; ++e) {
            const Index j = column(generator);
            const double v = normal(generator);
            triplets.emplace_back(i, j, v);
            triplets.emplace_back(j, i, v);
        }
    }
    SparseMatrix h(n, n);
    h.setFromTriplets(triplets.begin(), triplets.end());
    h.makeCompressed();
    return h;
}

TEST(SparseSymmetricOperator, ThreadedProductMatchesEigenForEveryThreadCount) {
    // From detail::parallel_rows up the product splits the rows into
    // blocks with spill buffers. The reference is Eigen's full-storage product
    // (each row a plain dot product), compared entry by entry.
    const Index n = detail::parallel_rows + 12345;
    for (const auto& [band, far] : {std::pair<Index, int>{3, 0}, {2, 2}, {0, 1}}) {
        const SparseMatrix h = symmetric_pattern(n, band, far, 19);
        const SparseSymmetricOperator op(h);
        const Vector x = testing::random_vector(n, 23);
        const Vector reference = h.transpose() * x;
        const Vector scale = h.cwiseAbs().transpose() * x.cwiseAbs();
        for (int threads : {1, 2, 3, 4}) {
            const testing::ThreadCount count(threads);
            Vector y = Vector::Constant(n, std::nan(""));
            op.perform_op(x.data(), y.data());
            const double worst = ((y - reference).cwiseAbs().array() / scale.array()).maxCoeff();
            EXPECT_LT(worst, 1e-14) << threads << " threads, band " << band << ", far " << far;
            // Same thread count, same bits.
            Vector again(n);
            op.perform_op(x.data(), again.data());
            EXPECT_TRUE((again.array() == y.array()).all()) << threads << " threads";
        }
    }
}

TEST(SparseSymmetricOperator, ConcurrentCallersAndCallsInsideAParallelRegion) {
    const Index n = detail::parallel_rows + 5000;
    const SparseMatrix h = symmetric_pattern(n, 2, 1, 29);
    const SparseSymmetricOperator op(h);
    const testing::ThreadCount count(2);
    std::vector<Vector> inputs, outputs;
    for (int k = 0; k < 4; ++k) {
        inputs.push_back(testing::random_vector(n, 40 + static_cast<std::uint64_t>(k)));
        outputs.emplace_back(n);
    }
    // Four OpenMP threads call the product at once (each then runs serially),
    // and four std::threads race for the spill buffers.
#pragma omp parallel for num_threads(4)
    for (int k = 0; k < 4; ++k) op.perform_op(inputs[k].data(), outputs[k].data());
    for (int k = 0; k < 4; ++k)
        EXPECT_LT((outputs[k] - h * inputs[k]).norm(), 1e-13 * (h * inputs[k]).norm()) << k;
    std::vector<std::thread> callers;
    for (int k = 0; k < 4; ++k)
        callers.emplace_back([&, k] {
            for (int repeat = 0; repeat < 5; ++repeat)
                op.perform_op(inputs[k].data(), outputs[k].data());
        });
    for (std::thread& caller : callers) caller.join();
    for (int k = 0; k < 4; ++k)
        EXPECT_LT((outputs[k] - h * inputs[k]).norm(), 1e-13 * (h * inputs[k]).norm()) << k;
}

TEST(SparseSymmetricOperator, RefusesOneTriangleOnly) {
    const SparseMatrix full = symmetric_pattern(50, 2, 0, 3);
    const SparseMatrix lower = full.triangularView<Eigen::Lower>();
    EXPECT_THROW(SparseSymmetricOperator op(lower), UsageError);
    const SparseMatrix upper = full.triangularView<Eigen::Upper>();
    EXPECT_THROW(SparseSymmetricOperator op(upper), UsageError);
}

TEST(SparseSymmetricOperator, RefusesNonSquare) {
    SparseMatrix rectangular(3, 4);
    rectangular.makeCompressed();
    EXPECT_THROW(SparseSymmetricOperator op(rectangular), UsageError);
}

TEST(MatrixFreeOperator, WrapsACallableAndFeedsShiftAndCounting) {
    const DenseMatrix dense = testing::matrix_with_spectrum(Vector::LinSpaced(20, 1, 20), 3);
    MatrixFreeOperator op(20, [&](const double* x, double* y) {
        Eigen::Map<Vector>(y, 20) = dense * Eigen::Map<const Vector>(x, 20);
    });
    const ShiftedOperator shifted(op, 2.5);
    CountingOperator counting(shifted);
    const Vector x = testing::random_vector(20, 1);
    Vector y(20);
    counting.perform_op(x.data(), y.data());
    counting.perform_op(x.data(), y.data());
    EXPECT_EQ(counting.applications(), 2);
    EXPECT_LT((y - (dense * x + 2.5 * x)).norm(), 1e-12 * y.norm());
    EXPECT_THROW(MatrixFreeOperator(0, [](const double*, double*) {}), UsageError);
    EXPECT_THROW(MatrixFreeOperator(
                     3, [](const double*, double*) {}, Vector::Ones(2)),
                 UsageError);
}

}  // namespace
}  // namespace ridgelens
