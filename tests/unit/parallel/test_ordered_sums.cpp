// Threaded sums that do not depend on thread timing (lib/parallel/ordered_sums.hpp),
// and the CG that uses them: bitwise equal on every run with four threads, as
// ridgelens-mpi needs when every rank runs the same iteration on replicated
// vectors.

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "parallel/ordered_sums.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/random_vector.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "thread_count.hpp"

namespace {

using namespace ridgelens;

using ridgelens::testing::ThreadCount;

bool bitwise_equal(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(OrderedSums, EqualsTheBlockSumsAddedInThreadOrder) {
    const ThreadCount threads(4);
    const Index n = 100003;
    // Terms of very different magnitudes, so that the order of addition shows.
    Vector x = seeded_normal_vector(n, 5);
    for (Index i = 0; i < n; ++i) x[i] *= std::pow(10.0, static_cast<double>(i % 17) - 8);
    const auto body = [&](Index begin, Index end, double* sum) {
        double s = 0, squares = 0;
        for (Index i = begin; i < end; ++i) {
            s += x[i];
            squares += x[i] * x[i];
        }
        sum[0] = s;
        sum[1] = squares;
    };
    // Reference: the four blocks, serially, added in order.
    double expected[2] = {0, 0};
    for (int t = 0; t < 4; ++t) {
        double block[2];
        body(n * t / 4, n * (t + 1) / 4, block);
        expected[0] += block[0];
        expected[1] += block[1];
    }
    for (int run = 0; run < 50; ++run) {
        const auto sums = parallel::ordered_sums<2>(n, true, body);
        ASSERT_TRUE(bitwise_equal(sums[0], expected[0])) << "run " << run;
        ASSERT_TRUE(bitwise_equal(sums[1], expected[1])) << "run " << run;
    }
    double serial[2];
    body(0, n, serial);
    const auto unthreaded = parallel::ordered_sums<2>(n, false, body);
    EXPECT_TRUE(bitwise_equal(unthreaded[0], serial[0]));
    EXPECT_NEAR(unthreaded[0], expected[0], 1e-12 * x.cwiseAbs().sum());
}

TEST(OrderedSums, ConjugateGradientIsBitwiseReproducibleOnFourThreads) {
    const ThreadCount threads(4);
    const Index n = 60000;                        // above CG's 20,000-row threading threshold
    std::vector<Eigen::Triplet<double>> entries;  // 1-D Laplacian with a varying diagonal
    for (Index i = 0; i < n; ++i) {
        entries.emplace_back(i, i, 2.0 + 0.5 * std::sin(static_cast<double>(i)));
        if (i + 1 < n) {
            entries.emplace_back(i, i + 1, -1.0);
            entries.emplace_back(i + 1, i, -1.0);
        }
    }
    SparseMatrix h(n, n);
    h.setFromTriplets(entries.begin(), entries.end());
    const SparseSymmetricOperator op(h);
    const Vector b = seeded_normal_vector(n, 6);
    CgOptions options;
    options.tolerance = 1e-10;
    options.max_iterations = 300;  // a fixed, partial run: every rounding difference shows in x
    const SolveResult first = solve_conjugate_gradient(op, 0.1, b, std::nullopt, options);
    for (int run = 0; run < 3; ++run) {
        const SolveResult again = solve_conjugate_gradient(op, 0.1, b, std::nullopt, options);
        ASSERT_EQ(again.iterations, first.iterations);
        ASSERT_EQ(std::memcmp(again.x.data(), first.x.data(), sizeof(double) * n), 0)
            << "run " << run;
    }
}

}  // namespace
