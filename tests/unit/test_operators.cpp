// Operators: the concept, products against dense references, no copies.

#include <gtest/gtest.h>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/linear_operator.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/operator/shifted_operator.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

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

TEST(SparseSymmetricOperator, ProductMatchesDenseSmallAndParallel) {
    for (Index n : {7, 300, 30000}) {
        if (n == 30000) {
            // Large enough to take the OpenMP path; dense reference is too big, so
            // compare against Eigen's own sparse product instead.
            std::mt19937_64 generator(5);
            std::uniform_int_distribution<Index> column(0, n - 1);
            std::vector<Eigen::Triplet<double, int>> triplets;
            for (Index i = 0; i < n; ++i) {
                triplets.emplace_back(i, i, 4.0);
                for (int e = 0; e < 3; ++e) {
                    const Index j = column(generator);
                    triplets.emplace_back(i, j, 0.5);
                    triplets.emplace_back(j, i, 0.5);
                }
            }
            SparseMatrix h(n, n);
            h.setFromTriplets(triplets.begin(), triplets.end());
            h.makeCompressed();
            const SparseSymmetricOperator op(h);
            const Vector x = testing::random_vector(n, 3);
            Vector y(n);
            op.perform_op(x.data(), y.data());
            const Vector reference = h.transpose() * x;  // row-oriented: H symmetric
            EXPECT_LT((y - reference).norm(), 1e-12 * reference.norm());
            continue;
        }
        const DenseMatrix dense = sparse_test_matrix(n, 11);
        const SparseMatrix h = testing::to_sparse(dense);
        const SparseSymmetricOperator op(h);
        EXPECT_EQ(op.rows(), n);
        EXPECT_EQ(&op.matrix(), &h) << "the operator must refer to the matrix, not copy it";
        const Vector x = testing::random_vector(n, 7);
        Vector y(n);
        op.perform_op(x.data(), y.data());
        EXPECT_LT((y - dense * x).norm(), 1e-12 * (dense * x).norm());
        EXPECT_LT((op.diagonal() - dense.diagonal()).norm(), 1e-15 * dense.diagonal().norm());
    }
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
