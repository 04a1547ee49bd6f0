// The shared CG building blocks of lib/krylov (white box): the Jacobi
// preconditioner, the fused vector kernels, the CG recurrence and the
// truncated CG of Newton, each against an independent reference (closed
// forms, Eigen's textbook expressions, a dense Cholesky solve, dᵀAd of the
// dense matrix, ‖d‖ of the returned step).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "krylov/cg_kernels.hpp"
#include "krylov/conjugate_gradient_core.hpp"
#include "krylov/jacobi_preconditioner.hpp"
#include "krylov/truncated_cg.hpp"
#include "reference.hpp"

namespace ridgelens {
namespace {

// A dense symmetric matrix as an operator.
struct DenseOperator {
    using Scalar = double;
    const DenseMatrix& a;
    Index rows() const { return a.rows(); }
    Index cols() const { return a.cols(); }
    void perform_op(const double* x, double* y) const {
        Eigen::Map<Vector>(y, a.rows()) = a * Eigen::Map<const Vector>(x, a.cols());
    }
};

// A symmetric matrix with the given spectrum and a varied diagonal scaling,
// so that Jacobi preconditioning changes the iteration.
DenseMatrix scaled_matrix(const Vector& spectrum, std::uint64_t seed) {
    const DenseMatrix a = testing::matrix_with_spectrum(spectrum, seed);
    const Vector scale = Vector::LinSpaced(spectrum.size(), 0.5, 3.0);
    return scale.asDiagonal() * a * scale.asDiagonal();
}

TEST(JacobiPreconditioner, InvertsThePositiveShiftedDiagonalAndFallsBackToOne) {
    Vector diagonal(5);
    diagonal << 2.0, 0.0, -3.0, std::numeric_limits<double>::infinity(), 0.25;
    const Vector inverse = krylov::jacobi_inverse(diagonal, 0.5);
    EXPECT_DOUBLE_EQ(inverse[0], 1 / 2.5);
    EXPECT_DOUBLE_EQ(inverse[1], 1 / 0.5);
    EXPECT_EQ(inverse[2], 1.0);  // −2.5: not positive
    EXPECT_EQ(inverse[3], 1.0);  // not finite
    EXPECT_DOUBLE_EQ(inverse[4], 1 / 0.75);
    EXPECT_EQ(krylov::jacobi_inverse(std::nullopt, 0.5, 4), Vector::Ones(4));
    EXPECT_EQ(krylov::jacobi_inverse(Vector(diagonal), 0.5),
              krylov::jacobi_inverse(std::optional<Vector>(diagonal), 0.5, 5));
}

// Below and above the threading threshold (20,000 rows).
class CgKernels : public ::testing::TestWithParam<Index> {};

TEST_P(CgKernels, MatchTheTextbookExpressions) {
    const Index n = GetParam();
    const Vector p = testing::random_vector(n, 1), q = testing::random_vector(n, 2);
    const Vector m = testing::random_vector(n, 3).cwiseAbs();
    const double shift = 0.3, alpha = 0.7, beta = 0.2;
    const double tol = 1e-12 * static_cast<double>(n);

    const krylov::CurvatureSums sums = krylov::curvature_sums(p.data(), q.data(), n);
    EXPECT_NEAR(sums.pq, p.dot(q), tol);
    EXPECT_NEAR(sums.pp, p.squaredNorm(), tol);
    EXPECT_TRUE(sums.finite);

    Vector x = testing::random_vector(n, 4), r = testing::random_vector(n, 5);
    const Vector x_expected = x + alpha * p;
    const Vector r_expected = r - alpha * (q + shift * p);
    const krylov::ResidualSums next =
        krylov::update_iterate(alpha, shift, p.data(), q.data(), m.data(), x.data(), r.data(), n);
    EXPECT_LT((x - x_expected).norm(), 1e-13 * x_expected.norm());
    EXPECT_LT((r - r_expected).norm(), 1e-13 * r_expected.norm());
    EXPECT_NEAR(next.rz, r_expected.dot(m.cwiseProduct(r_expected)), tol);
    EXPECT_NEAR(next.rr, r_expected.squaredNorm(), tol);

    Vector direction = p;
    krylov::update_direction(beta, m.data(), r.data(), direction.data(), n);
    const Vector direction_expected = m.cwiseProduct(r) + beta * p;
    EXPECT_LT((direction - direction_expected).norm(), 1e-13 * direction_expected.norm());
}

TEST_P(CgKernels, DetectANonFiniteProduct) {
    const Index n = GetParam();
    const Vector p = testing::random_vector(n, 6);
    Vector q = testing::random_vector(n, 7);
    q[n - 3] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_FALSE(krylov::curvature_sums(p.data(), q.data(), n).finite);
    q[n - 3] = -std::numeric_limits<double>::infinity();
    EXPECT_FALSE(krylov::curvature_sums(p.data(), q.data(), n).finite);
}

INSTANTIATE_TEST_SUITE_P(Sizes, CgKernels, ::testing::Values(Index{37}, Index{50001}));

TEST(CgRecurrence, PreconditionedSolveMatchesTheDenseSolve) {
    const Index n = 80;
    const DenseMatrix a = scaled_matrix(Vector::LinSpaced(n, 0.01, 4.0), 11);
    const Vector b = testing::random_vector(n, 12);
    const double shift = 0.05;
    const DenseMatrix shifted = a + shift * DenseMatrix::Identity(n, n);
    const Vector expected = shifted.llt().solve(b);
    const DenseOperator op{a};
    krylov::CgStops stops;
    stops.relative_tolerance = 1e-12;
    stops.max_iterations = 10 * n;
    for (const bool precondition : {false, true}) {
        const Vector m = precondition ? krylov::jacobi_inverse(Vector(a.diagonal()), shift)
                                      : Vector(Vector::Ones(n));
        const krylov::CgRun run = krylov::run_cg(OperatorRef(op), shift, b, m, stops);
        EXPECT_EQ(run.outcome, krylov::CgOutcome::converged) << precondition;
        EXPECT_LT((run.x - expected).norm(), 1e-8 * expected.norm()) << precondition;
        // The recurrence residual is the true one, to rounding.
        EXPECT_LT((run.r - (b - shifted * run.x)).norm(), 1e-10 * b.norm()) << precondition;
        EXPECT_EQ(run.products, run.iterations);
        EXPECT_DOUBLE_EQ(run.b_norm, b.norm());
    }
}

TEST(CgRecurrence, StopsAtTheIterationCapAndReportsNonPositiveCurvature) {
    const Index n = 60;
    const DenseMatrix a = testing::matrix_with_spectrum(Vector::LinSpaced(n, 1e-3, 1.0), 13);
    const Vector b = testing::random_vector(n, 14);
    const DenseOperator op{a};
    krylov::CgStops stops;
    stops.max_iterations = 5;
    const krylov::CgRun capped = krylov::run_cg(OperatorRef(op), 0.0, b, Vector::Ones(n), stops);
    EXPECT_EQ(capped.outcome, krylov::CgOutcome::iteration_cap);
    EXPECT_EQ(capped.iterations, 5);

    const DenseMatrix indefinite =
        testing::matrix_with_spectrum(Vector::LinSpaced(n, -1.0, 1.0), 15);
    const DenseOperator indefinite_op{indefinite};
    stops.max_iterations = 10 * n;
    const krylov::CgRun broken =
        krylov::run_cg(OperatorRef(indefinite_op), 0.0, b, Vector::Ones(n), stops);
    ASSERT_EQ(broken.outcome, krylov::CgOutcome::non_positive_curvature);
    ASSERT_EQ(broken.direction.size(), n);
    EXPECT_LE(broken.direction.dot(indefinite * broken.direction), 0.0);
}

TEST(TruncatedCg, StopsAtTheForcingTermWithARecomputedResidualBelowIt) {
    const Index n = 100;
    const DenseMatrix a = scaled_matrix(Vector::LinSpaced(n, 1e-4, 2.0), 21);
    const Vector b = testing::random_vector(n, 22);
    const DenseOperator op{a};
    krylov::TruncatedCgOptions options;
    options.shift = 1e-3;
    options.eta = 1e-2;
    options.max_iterations = 1000;
    options.inverse_diagonal = krylov::jacobi_inverse(Vector(a.diagonal()), options.shift);
    const krylov::TruncatedCgResult result = krylov::truncated_cg(OperatorRef(op), b, options);
    EXPECT_FALSE(result.negative_curvature);
    EXPECT_FALSE(result.on_boundary);
    const Vector residual = b - (a * result.step + options.shift * result.step);
    EXPECT_LE(residual.norm(), 1.0001 * options.eta * b.norm());
    EXPECT_GT(result.iterations, 0);
}

TEST(TruncatedCg, ANegativeCurvatureDirectionOfAnIndefiniteMatrixHasNegativeCurvature) {
    const Index n = 70;
    // Mostly positive, a few negative eigenvalues: CG meets them after a few steps.
    Vector spectrum = Vector::LinSpaced(n, 0.5, 3.0);
    spectrum.head(3) << -2.0, -1.0, -0.5;
    const DenseMatrix a = testing::matrix_with_spectrum(spectrum, 31);
    const Vector b = testing::random_vector(n, 32);
    const DenseOperator op{a};
    krylov::TruncatedCgOptions options;
    options.eta = 1e-12;
    options.max_iterations = 1000;
    const krylov::TruncatedCgResult result = krylov::truncated_cg(OperatorRef(op), b, options);
    ASSERT_TRUE(result.negative_curvature);
    ASSERT_EQ(result.direction.size(), n);
    EXPECT_LT(result.direction.dot(a * result.direction), 0.0);
    // Without a trust region the step is the iterate before that direction, a
    // descent direction for the quadratic q(d) = ½dᵀAd − bᵀd (it lowered q).
    ASSERT_GT(result.iterations, 0);
    const double q = 0.5 * result.step.dot(a * result.step) - b.dot(result.step);
    EXPECT_LT(q, 0.0);
    EXPECT_FALSE(result.on_boundary);

    // With a trust region the step continues along that direction to ‖d‖ = Δ.
    options.radius = 2 * result.step.norm() + 1;
    const krylov::TruncatedCgResult bounded = krylov::truncated_cg(OperatorRef(op), b, options);
    ASSERT_TRUE(bounded.negative_curvature);
    EXPECT_TRUE(bounded.on_boundary);
    EXPECT_NEAR(bounded.step.norm(), options.radius, 1e-10 * options.radius);
    EXPECT_LT(bounded.direction.dot(a * bounded.direction), 0.0);
}

TEST(TruncatedCg, AStepThatWouldLeaveTheTrustRegionEndsOnItsBoundary) {
    const Index n = 50;
    const DenseMatrix a = testing::matrix_with_spectrum(Vector::LinSpaced(n, 1e-3, 1.0), 41);
    const Vector b = testing::random_vector(n, 42);
    const Vector exact = a.llt().solve(b);
    const DenseOperator op{a};
    krylov::TruncatedCgOptions options;
    options.eta = 1e-10;
    options.max_iterations = 1000;
    for (const double fraction : {0.01, 0.3, 0.9}) {
        options.radius = fraction * exact.norm();
        const krylov::TruncatedCgResult result = krylov::truncated_cg(OperatorRef(op), b, options);
        EXPECT_TRUE(result.on_boundary) << fraction;
        EXPECT_FALSE(result.negative_curvature) << fraction;
        EXPECT_NEAR(result.step.norm(), options.radius, 1e-10 * options.radius) << fraction;
        // The boundary step still lowers the quadratic model.
        EXPECT_LT(0.5 * result.step.dot(a * result.step) - b.dot(result.step), 0.0) << fraction;
        // The recurrence residual is that of the returned step.
        EXPECT_LT((result.residual - (b - a * result.step)).norm(), 1e-10 * b.norm()) << fraction;
    }
    // A radius beyond the solution does not bind: the dense solution.
    options.radius = 2 * exact.norm();
    const krylov::TruncatedCgResult free = krylov::truncated_cg(OperatorRef(op), b, options);
    EXPECT_FALSE(free.on_boundary);
    EXPECT_LT((free.step - exact).norm(), 1e-6 * exact.norm());
}

TEST(TruncatedCg, ANegativeFirstDirectionWithoutATrustRegionReturnsTheRightHandSide) {
    const Index n = 20;
    const DenseMatrix a = -testing::matrix_with_spectrum(Vector::LinSpaced(n, 0.5, 1.0), 51);
    const Vector b = testing::random_vector(n, 52);
    const DenseOperator op{a};
    krylov::TruncatedCgOptions options;
    options.max_iterations = 100;
    const krylov::TruncatedCgResult result = krylov::truncated_cg(OperatorRef(op), b, options);
    EXPECT_TRUE(result.negative_curvature);
    EXPECT_EQ(result.iterations, 0);
    EXPECT_EQ(result.step, b);
    EXPECT_LT(b.dot(a * b), 0.0);
}

}  // namespace
}  // namespace ridgelens
