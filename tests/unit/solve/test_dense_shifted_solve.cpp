// solve_shifted_dense: every λ from one eigendecomposition, against
// independent LDLT solves of each (H + λI), with its statuses.

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <vector>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/solve/dense_shifted_solve.hpp"

namespace ridgelens {
namespace {

TEST(DenseShiftedSolve, MatchesOneFactorizationPerShift) {
    const Index n = 60;
    const Vector spectrum = Vector::LinSpaced(n, -4.0, 2.0).array().exp();  // 0.018 … 7.4
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 5);
    const Vector b = testing::random_vector(n, 6);
    const std::vector<double> shifts = {1e-4, 1e-2, 1.0, 100.0, 1e-2};
    const MultiShiftResult result = solve_shifted_dense(h, shifts, b);
    ASSERT_EQ(result.solutions.size(), shifts.size());
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const SolveResult& solution = result.solutions[i];
        const DenseMatrix shifted = h + shifts[i] * DenseMatrix::Identity(n, n);
        const Vector expected = shifted.ldlt().solve(b);
        EXPECT_EQ(solution.status, SolveStatus::converged) << solution.message;
        EXPECT_EQ(solution.solver, SolverKind::dense_eigendecomposition);
        EXPECT_LT((solution.x - expected).norm(), 1e-10 * expected.norm()) << shifts[i];
        const double residual = (shifted * solution.x - b).norm() / b.norm();
        EXPECT_NEAR(solution.relative_residual, residual, 1e-15);
        EXPECT_LT(solution.relative_residual, 1e-12);
    }
    EXPECT_EQ(result.iterations, 0);
    EXPECT_EQ(result.matvecs, 0);
}

TEST(DenseShiftedSolve, IndefiniteShiftsNonFiniteInputAndTightTolerance) {
    const Index n = 20;
    Vector spectrum = Vector::LinSpaced(n, 0.5, 3.0);
    spectrum[0] = -1.0;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 8);
    const Vector b = testing::random_vector(n, 9);
    const MultiShiftResult result = solve_shifted_dense(h, {0.5, 1.0, 2.0}, b);
    EXPECT_EQ(result.solutions[0].status, SolveStatus::not_positive_definite);
    EXPECT_EQ(result.solutions[1].status, SolveStatus::not_positive_definite);  // σ_min + λ = 0
    EXPECT_NE(result.solutions[0].message.find("σ_min"), std::string::npos);
    EXPECT_TRUE(result.solutions[0].x.isZero());
    EXPECT_EQ(result.solutions[2].status, SolveStatus::converged);

    // A residual above the tolerance is reported, not hidden.
    const MultiShiftResult strict = solve_shifted_dense(h, {2.0}, b, 1e-300);
    EXPECT_EQ(strict.solutions[0].status, SolveStatus::not_converged);
    EXPECT_NE(strict.solutions[0].message.find("above tolerance"), std::string::npos);

    DenseMatrix broken = h;
    broken(3, 4) = std::numeric_limits<double>::quiet_NaN();
    const MultiShiftResult failed = solve_shifted_dense(broken, {2.0, 3.0}, b);
    for (const SolveResult& solution : failed.solutions)
        EXPECT_EQ(solution.status, SolveStatus::non_finite) << solution.message;

    EXPECT_THROW(solve_shifted_dense(h, {1.0}, Vector::Ones(n + 1)), UsageError);
    EXPECT_THROW(solve_shifted_dense(DenseMatrix::Ones(3, 4), {1.0}, Vector::Ones(3)), UsageError);
    EXPECT_THROW(solve_shifted_dense(h, {std::nan("")}, b), UsageError);
}

}  // namespace
}  // namespace ridgelens
