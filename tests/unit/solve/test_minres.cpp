// MINRES on symmetric indefinite shifted systems, against dense LU solves
// (Eigen's PartialPivLU of H + λI, independent of the library).

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <limits>
#include <vector>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/solve/minres.hpp"

namespace ridgelens {
namespace {

MatrixFreeOperator dense_operator(const DenseMatrix& h) {
    return MatrixFreeOperator(h.rows(), [&h](const double* x, double* y) {
        Eigen::Map<Vector>(y, h.rows()) = h * Eigen::Map<const Vector>(x, h.rows());
    });
}

TEST(Minres, IndefiniteShiftsAgainstDenseSolves) {
    const Index n = 80;
    Vector spectrum = Vector::LinSpaced(n, 0.05, 8.0);
    spectrum[0] = -3.0;
    spectrum[1] = -1.2;
    spectrum[2] = -0.4;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 21);
    const Vector b = testing::random_vector(n, 22);
    const MatrixFreeOperator op = dense_operator(h);
    // λ below, between and above the negative eigenvalues (never equal to one).
    const std::vector<double> shifts = {0.0, 0.1, 0.7, 2.0, 3.5, 10.0, 0.7};
    const MultiShiftResult result = solve_minres(op, shifts, b);
    ASSERT_EQ(result.solutions.size(), shifts.size());
    EXPECT_GT(result.iterations, 0);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const SolveResult& solution = result.solutions[i];
        const DenseMatrix shifted = h + shifts[i] * DenseMatrix::Identity(n, n);
        const Vector expected = shifted.partialPivLu().solve(b);
        EXPECT_EQ(solution.status, SolveStatus::converged) << solution.message;
        EXPECT_EQ(solution.solver, SolverKind::minres);
        // Recomputed residual, checked independently here.
        const double residual = (shifted * solution.x - b).norm() / b.norm();
        EXPECT_LE(residual, 1e-10) << "λ = " << shifts[i];
        EXPECT_NEAR(solution.relative_residual, residual, 1e-12);
        const double condition = (spectrum.array() + shifts[i]).abs().maxCoeff() /
                                 (spectrum.array() + shifts[i]).abs().minCoeff();
        EXPECT_LT((solution.x - expected).norm(), 1e-10 * condition * expected.norm())
            << "λ = " << shifts[i];
    }
    EXPECT_EQ(result.solutions[2].x, result.solutions[6].x) << "same shift, same Krylov run";
}

TEST(Minres, SingleShiftMatchesMultiShiftAndPositiveDefiniteCase) {
    const Index n = 50;
    const Vector spectrum = Vector::LinSpaced(n, -2.0, 5.0);  // includes 0-crossing values
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 23);
    const Vector b = testing::random_vector(n, 24);
    const MatrixFreeOperator op = dense_operator(h);
    for (double shift : {0.03, 2.5, 7.0}) {  // 7: H + λI positive definite
        const SolveResult solution = solve_minres(op, shift, b);
        ASSERT_EQ(solution.status, SolveStatus::converged) << solution.message;
        const DenseMatrix shifted = h + shift * DenseMatrix::Identity(n, n);
        EXPECT_LE((shifted * solution.x - b).norm() / b.norm(), 1e-10);
    }
}

TEST(Minres, SingularShiftIsNeverConverged) {
    // λ = −σ_j exactly: H + λI singular and b has a component along q_j, so
    // no x solves the system; MINRES must not call its least-squares point a solution.
    const Index n = 30;
    Vector spectrum = Vector::LinSpaced(n, 1.0, 4.0);
    spectrum[0] = -1.0;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 25);
    const Vector b = testing::random_vector(n, 26);
    const MatrixFreeOperator op = dense_operator(h);
    MinresOptions options;
    options.max_iterations = 200;
    const SolveResult solution = solve_minres(op, 1.0, b, options);
    EXPECT_NE(solution.status, SolveStatus::converged) << solution.message;
    EXPECT_GT(solution.relative_residual, 1e-6);
    EXPECT_FALSE(solution.message.empty());
}

TEST(Minres, ZeroRightHandSideNonFiniteOperatorAndMisuse) {
    const Index n = 10;
    const DenseMatrix h = testing::matrix_with_spectrum(Vector::LinSpaced(n, -1.0, 1.5), 27);
    const MatrixFreeOperator op = dense_operator(h);
    const SolveResult zero = solve_minres(op, 0.3, Vector::Zero(n));
    EXPECT_EQ(zero.status, SolveStatus::converged);
    EXPECT_EQ(zero.x.norm(), 0.0);

    const MatrixFreeOperator broken(n, [n](const double*, double* y) {
        for (Index i = 0; i < n; ++i) y[i] = std::numeric_limits<double>::quiet_NaN();
    });
    const SolveResult nan = solve_minres(broken, 0.3, testing::random_vector(n, 1));
    EXPECT_EQ(nan.status, SolveStatus::non_finite) << nan.message;

    const Vector b = testing::random_vector(n, 2);
    EXPECT_THROW(solve_minres(op, std::vector<double>{}, b), UsageError);
    EXPECT_THROW(solve_minres(op, std::numeric_limits<double>::infinity(), b), UsageError);
    EXPECT_THROW(solve_minres(op, 0.1, Vector::Ones(n + 1)), UsageError);
    MinresOptions bad;
    bad.tolerance = 0;
    EXPECT_THROW(solve_minres(op, 0.1, b, bad), UsageError);
    bad.tolerance = 1e-8;
    bad.max_iterations = -1;
    EXPECT_THROW(solve_minres(op, 0.1, b, bad), UsageError);
}

TEST(Minres, IterationCapIsAStatus) {
    const Index n = 200;
    const Vector spectrum = Vector::LinSpaced(n, -1.0, 1000.0);
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 28);
    const MatrixFreeOperator op = dense_operator(h);
    MinresOptions options;
    options.max_iterations = 5;
    const SolveResult capped = solve_minres(op, 0.5, testing::random_vector(n, 3), options);
    EXPECT_EQ(capped.status, SolveStatus::not_converged);
    EXPECT_NE(capped.message.find("cap"), std::string::npos) << capped.message;
}

}  // namespace
}  // namespace ridgelens
