// Multi-shift CG against independent references: dense Cholesky of H + λI on
// matrices with a prescribed spectrum, and the closed-form eigendecomposition of
// the 1D Laplacian.

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/solve/multishift_cg.hpp"

namespace ridgelens {
namespace {

// y = M x for a dense symmetric M (the matrix must outlive the operator).
struct DenseOperator {
    using Scalar = double;
    const DenseMatrix* matrix;
    Index rows() const { return matrix->rows(); }
    Index cols() const { return matrix->cols(); }
    void perform_op(const double* x, double* y) const {
        Eigen::Map<Vector>(y, rows()).noalias() = *matrix * Eigen::Map<const Vector>(x, cols());
    }
};

// The 1D Laplacian tridiag(−1, 2, −1) of size n (Dirichlet boundary).
struct Laplacian1d {
    using Scalar = double;
    Index n;
    Index rows() const { return n; }
    Index cols() const { return n; }
    void perform_op(const double* x, double* y) const {
        for (Index i = 0; i < n; ++i) {
            double value = 2 * x[i];
            if (i > 0) value -= x[i - 1];
            if (i + 1 < n) value -= x[i + 1];
            y[i] = value;
        }
    }
};

// The 2D 5-point Laplacian on an m×m grid (n = m², large enough for the
// parallel, blocked code paths).
struct Laplacian2d {
    using Scalar = double;
    Index m;
    Index rows() const { return m * m; }
    Index cols() const { return m * m; }
    void perform_op(const double* x, double* y) const {
        for (Index i = 0; i < m; ++i) {
            for (Index j = 0; j < m; ++j) {
                const Index k = i * m + j;
                double value = 4 * x[k];
                if (i > 0) value -= x[k - m];
                if (i + 1 < m) value -= x[k + m];
                if (j > 0) value -= x[k - 1];
                if (j + 1 < m) value -= x[k + 1];
                y[k] = value;
            }
        }
    }
};

// Writes a NaN into the output of its `bad_call`-th application.
struct NanOnCallOperator {
    using Scalar = double;
    const DenseMatrix* matrix;
    int bad_call;
    mutable int calls = 0;
    Index rows() const { return matrix->rows(); }
    Index cols() const { return matrix->cols(); }
    void perform_op(const double* x, double* y) const {
        DenseOperator{matrix}.perform_op(x, y);
        if (++calls == bad_call) y[rows() / 2] = std::numeric_limits<double>::quiet_NaN();
    }
};

// Writes +Inf into the output of its `bad_call`-th application, at row `row`.
struct InfOnCallOperator {
    using Scalar = double;
    const DenseMatrix* matrix;
    int bad_call;
    Index row;
    mutable int calls = 0;
    Index rows() const { return matrix->rows(); }
    Index cols() const { return matrix->cols(); }
    void perform_op(const double* x, double* y) const {
        DenseOperator{matrix}.perform_op(x, y);
        if (++calls == bad_call) y[row] = std::numeric_limits<double>::infinity();
    }
};

// H x plus a perturbation of relative size `noise` that differs on every call: the
// CG recurrence can keep shrinking while the true residual stalls near `noise`.
struct NoisyOperator {
    using Scalar = double;
    const DenseMatrix* matrix;
    double noise;
    mutable std::mt19937_64 generator{7};
    Index rows() const { return matrix->rows(); }
    Index cols() const { return matrix->cols(); }
    void perform_op(const double* x, double* y) const {
        DenseOperator{matrix}.perform_op(x, y);
        const double scale = noise * Eigen::Map<const Vector>(x, cols()).norm();
        std::normal_distribution<double> normal;
        for (Index i = 0; i < rows(); ++i)
            y[i] += scale * normal(generator) / std::sqrt(static_cast<double>(rows()));
    }
};

using testing::matrix_with_spectrum;
using testing::random_vector;

Vector log_spaced(double first, double last, int count) {
    Vector values(count);
    for (int i = 0; i < count; ++i) {
        const double t = count > 1 ? static_cast<double>(i) / (count - 1) : 0.0;
        values[i] = std::exp(std::log(first) + t * (std::log(last) - std::log(first)));
    }
    return values;
}

std::vector<double> to_std(const Vector& v) {
    return {v.data(), v.data() + v.size()};
}

// ‖(H + λI)x − b‖/‖b‖ computed here, independently of the library.
double dense_residual(const DenseMatrix& h, double shift, const Vector& x, const Vector& b) {
    return (h * x + shift * x - b).norm() / b.norm();
}

// Every solution is converged, its reported residual is the true one, and it
// agrees with a dense Cholesky solve to the accuracy the residual allows:
// ‖x − x*‖/‖x*‖ ≤ κ(H+λI)·‖r‖/‖b‖ (plus the rounding of the dense solve itself).
void expect_matches_dense(const DenseMatrix& h, const std::vector<double>& shifts, const Vector& b,
                          const MultiShiftResult& result, double tolerance) {
    ASSERT_EQ(result.solutions.size(), shifts.size());
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> spectrum(h, Eigen::EigenvaluesOnly);
    const double smallest = spectrum.eigenvalues().minCoeff();
    const double largest = spectrum.eigenvalues().maxCoeff();
    const Index n = h.rows();
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const double lambda = shifts[i];
        const SolveResult& solution = result.solutions[i];
        SCOPED_TRACE("shift " + std::to_string(lambda) + ": " + solution.message);
        EXPECT_EQ(solution.status, SolveStatus::converged);
        EXPECT_EQ(solution.solver, SolverKind::multishift_cg);
        ASSERT_EQ(solution.x.size(), n);
        const double residual = dense_residual(h, lambda, solution.x, b);
        EXPECT_NEAR(solution.relative_residual, residual, 1e-3 * residual + 1e-15);
        const double condition = (largest + lambda) / (smallest + lambda);
        // The attainable residual is ~u·‖H+λI‖‖x‖/‖b‖ ≤ u·κ; the solver allows 1e-14 times that.
        EXPECT_LE(residual, std::max(10 * tolerance, 1e-14 * condition));
        const DenseMatrix shifted = h + lambda * DenseMatrix::Identity(n, n);
        const Eigen::LLT<DenseMatrix> cholesky(shifted);
        ASSERT_EQ(cholesky.info(), Eigen::Success);
        const Vector reference = cholesky.solve(b);
        const double error = (solution.x - reference).norm() / reference.norm();
        EXPECT_LE(error, condition * (2 * residual + 1e-14)) << "condition " << condition;
        EXPECT_LE(solution.iterations, result.iterations);
    }
}

TEST(MultiShiftCg, MatchesDenseSolvesOnSpdSpectrum) {
    const Index n = 200;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-3, 1e2, n), 1);
    const Vector b = random_vector(n, 2);
    const std::vector<double> shifts = {0.0, 1e-3, 0.1, 1.0, 10.0};
    const DenseOperator h_op181{&h};
    const auto result = solve_multishift_cg(h_op181, shifts, b);
    expect_matches_dense(h, shifts, b, result, 1e-10);
    EXPECT_GT(result.seconds, 0);
    for (const auto& solution : result.solutions) EXPECT_EQ(solution.seconds, result.seconds);
    // Larger shifts are better conditioned and freeze earlier.
    EXPECT_LT(result.solutions[4].iterations, result.solutions[0].iterations);
    EXPECT_EQ(result.solutions[0].iterations, result.iterations);
}

TEST(MultiShiftCg, SingularPsdWithPositiveShifts) {
    const Index n = 200;
    Vector eigenvalues = log_spaced(1e-2, 50, n);
    eigenvalues.head(60).setZero();  // rank 140
    const DenseMatrix h = matrix_with_spectrum(eigenvalues, 3);
    const Vector b = random_vector(n, 4);  // not in the range of H
    const std::vector<double> shifts = {1e-3, 1e-2, 0.5, 3.0};
    const DenseOperator h_op197{&h};
    const auto result = solve_multishift_cg(h_op197, shifts, b);
    expect_matches_dense(h, shifts, b, result, 1e-10);
}

TEST(MultiShiftCg, FiftyLogSpacedShiftsMatchDenseSolves) {
    const Index n = 200;
    Vector eigenvalues = log_spaced(1e-4, 10, n);
    eigenvalues.head(5).setZero();
    const DenseMatrix h = matrix_with_spectrum(eigenvalues, 5);
    const Vector b = random_vector(n, 6);
    const std::vector<double> shifts = to_std(log_spaced(1e-6, 1e2, 50));
    const DenseOperator h_op208{&h};
    const auto result = solve_multishift_cg(h_op208, shifts, b);
    expect_matches_dense(h, shifts, b, result, 1e-10);
    // Frozen shifts stop early: the largest after far fewer iterations than the smallest.
    EXPECT_LT(3 * result.solutions.back().iterations, result.solutions.front().iterations);
}

TEST(MultiShiftCg, MatvecsAreIterationsPlusOneVerificationPerShift) {
    const Index n = 150;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 7);
    const Vector b = random_vector(n, 8);
    const std::vector<double> shifts = to_std(log_spaced(1e-3, 10, 7));
    const DenseOperator dense{&h};
    const CountingOperator counter{dense};
    const auto result = solve_multishift_cg(counter, shifts, b);
    EXPECT_EQ(result.matvecs, result.iterations + static_cast<std::int64_t>(shifts.size()));
    EXPECT_EQ(counter.applications(), result.matvecs);
    expect_matches_dense(h, shifts, b, result, 1e-10);

    MultiShiftCgOptions unverified;
    unverified.verify_residuals = false;
    const CountingOperator counter2{dense};
    const auto quick = solve_multishift_cg(counter2, shifts, b, unverified);
    EXPECT_EQ(quick.matvecs, quick.iterations);
    EXPECT_EQ(counter2.applications(), quick.matvecs);
    for (const auto& solution : quick.solutions) {
        EXPECT_TRUE(solution.ok()) << solution.message;
        EXPECT_LE(solution.relative_residual, 1e-10);  // the recurrence estimate
        EXPECT_NE(solution.message.find("not verified"), std::string::npos);
    }
}

TEST(MultiShiftCg, UnsortedAndRepeatedShiftsComeBackInGivenOrder) {
    const Index n = 120;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-3, 20, n), 9);
    const Vector b = random_vector(n, 10);
    const std::vector<double> shifts = {1.0, 0.01, 1.0, 10.0, 0.01, 0.3};
    const DenseOperator h_op244{&h};
    const auto result = solve_multishift_cg(h_op244, shifts, b);
    expect_matches_dense(h, shifts, b, result, 1e-10);
    // Repeated shifts share one solve: identical solutions, one verification each.
    EXPECT_EQ(result.solutions[0].x, result.solutions[2].x);
    EXPECT_EQ(result.solutions[1].x, result.solutions[4].x);
    EXPECT_EQ(result.matvecs, result.iterations + 4);
    // Same answers as the sorted, distinct grid.
    const DenseOperator h_op251{&h};
    const auto sorted = solve_multishift_cg(h_op251, {0.01, 0.3, 1.0, 10.0}, b);
    EXPECT_EQ(result.solutions[1].x, sorted.solutions[0].x);
    EXPECT_EQ(result.solutions[5].x, sorted.solutions[1].x);
    EXPECT_EQ(result.solutions[0].x, sorted.solutions[2].x);
    EXPECT_EQ(result.solutions[3].x, sorted.solutions[3].x);
}

TEST(MultiShiftCg, SingleShiftIsPlainCg) {
    const Index n = 100;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 11);
    const Vector b = random_vector(n, 12);
    const DenseOperator h_op262{&h};
    const auto result = solve_multishift_cg(h_op262, {0.05}, b);
    expect_matches_dense(h, {0.05}, b, result, 1e-10);
    EXPECT_EQ(result.matvecs, result.iterations + 1);
}

TEST(MultiShiftCg, ZeroRightHandSideGivesZero) {
    const Index n = 50;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 13);
    const DenseOperator h_op270{&h};
    const auto result = solve_multishift_cg(h_op270, {0.1, 1.0}, Vector::Zero(n));
    EXPECT_EQ(result.iterations, 0);
    for (const auto& solution : result.solutions) {
        EXPECT_EQ(solution.status, SolveStatus::converged);
        EXPECT_TRUE(solution.x.isZero(0));
        EXPECT_EQ(solution.x.size(), n);
        EXPECT_EQ(solution.relative_residual, 0);
    }
}

TEST(MultiShiftCg, IndefiniteSeedIsNeverSilentlyConverged) {
    const Index n = 150;
    Vector eigenvalues = log_spaced(1e-2, 10, n);
    eigenvalues[0] = -0.5;
    const DenseMatrix h = matrix_with_spectrum(eigenvalues, 14);
    const Vector b = random_vector(n, 15);
    const std::vector<double> shifts = {0.01, 0.1, 0.3, 1.0, 5.0};
    const DenseOperator h_op287{&h};
    const auto result = solve_multishift_cg(h_op287, shifts, b);
    bool flagged_not_positive_definite = false;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const SolveResult& solution = result.solutions[i];
        SCOPED_TRACE(solution.message);
        if (shifts[i] < 0.5) {  // H + λI indefinite
            EXPECT_NE(solution.status, SolveStatus::converged);
            const double residual = dense_residual(h, shifts[i], solution.x, b);
            EXPECT_GT(residual, 1e-10);
            EXPECT_NEAR(solution.relative_residual, residual, 1e-6 * residual);
        }
        if (solution.status == SolveStatus::not_positive_definite) {
            flagged_not_positive_definite = true;
            EXPECT_NE(solution.message.find("non-positive curvature"), std::string::npos);
        }
        if (solution.ok()) {  // then it must really solve its (positive definite) system
            EXPECT_GT(shifts[i], 0.5);
            EXPECT_LE(dense_residual(h, shifts[i], solution.x, b), 1e-9);
        }
    }
    EXPECT_TRUE(flagged_not_positive_definite);
}

TEST(MultiShiftCg, NanFromOperatorIsNonFinite) {
    const Index n = 80;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 16);
    const Vector b = random_vector(n, 17);
    const NanOnCallOperator op{&h, 3};
    const auto result = solve_multishift_cg(op, {0.01, 0.1, 1.0}, b);
    EXPECT_EQ(result.iterations, 2);
    for (const auto& solution : result.solutions) {
        EXPECT_EQ(solution.status, SolveStatus::non_finite);
        EXPECT_NE(solution.message.find("iteration 3"), std::string::npos) << solution.message;
        EXPECT_TRUE(solution.x.allFinite());  // the last finite iterate
    }
}

TEST(MultiShiftCg, InfFromOperatorIsNonFiniteWithRowAndIteration) {
    const Index n = 90;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 30);
    const Vector b = random_vector(n, 31);
    const InfOnCallOperator op{&h, 5, 17};
    const auto result = solve_multishift_cg(op, {0.01, 0.1, 1.0, 100.0}, b);
    EXPECT_EQ(result.iterations, 4);
    for (std::size_t i = 0; i < 3; ++i) {  // λ = 100 may freeze before call 5
        const SolveResult& solution = result.solutions[i];
        EXPECT_EQ(solution.status, SolveStatus::non_finite) << solution.message;
        EXPECT_NE(solution.message.find("Inf at row 17 at iteration 5"), std::string::npos)
            << solution.message;
        EXPECT_TRUE(solution.x.allFinite());
        // The reported residual is the true one of the last finite iterate.
        EXPECT_NEAR(solution.relative_residual,
                    dense_residual(h, 0.01 * std::pow(10.0, i), solution.x, b), 1e-9);
    }
}

// Seed breakdown: the shifts above −λ_min(H) are positive definite and must be
// solved (by a restarted run), the ones below must fail, never converge
// silently. References: dense Cholesky and independent single-shift CG solves.
void expect_indefinite_handled(const DenseMatrix& h, const Vector& b,
                               const std::vector<double>& shifts, double smallest_eigenvalue) {
    const DenseOperator h_op348{&h};
    const auto result = solve_multishift_cg(h_op348, shifts, b);
    const Index n = h.rows();
    std::vector<double> distinct = shifts;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    // Matvecs: the completed iterations, one verification per distinct shift, and
    // the step that met each breakdown (at least one, at most one per shift).
    const std::int64_t breakdowns =
        result.matvecs - result.iterations - static_cast<std::int64_t>(distinct.size());
    EXPECT_GE(breakdowns, 1);
    EXPECT_LE(breakdowns, static_cast<std::int64_t>(distinct.size()));
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const SolveResult& solution = result.solutions[i];
        SCOPED_TRACE("shift " + std::to_string(shifts[i]) + ": " + solution.message);
        const double residual = dense_residual(h, shifts[i], solution.x, b);
        EXPECT_NEAR(solution.relative_residual, residual, 1e-6 * residual + 1e-15);
        EXPECT_LE(solution.iterations, result.iterations);
        if (shifts[i] + smallest_eigenvalue > 0) {
            EXPECT_EQ(solution.status, SolveStatus::converged);
            EXPECT_LE(residual, 1e-9);
            const DenseMatrix shifted = h + shifts[i] * DenseMatrix::Identity(n, n);
            const Eigen::LLT<DenseMatrix> cholesky(shifted);
            ASSERT_EQ(cholesky.info(), Eigen::Success);
            const Vector reference = cholesky.solve(b);
            const double condition = (h.norm() + shifts[i]) / (smallest_eigenvalue + shifts[i]);
            EXPECT_LE((solution.x - reference).norm() / reference.norm(),
                      condition * (2 * residual + 1e-14));
            const DenseOperator h_op375{&h};
            const SolveResult alone = solve_conjugate_gradient(h_op375, shifts[i], b);
            ASSERT_TRUE(alone.ok()) << alone.message;
            // x − x_alone = (H+λI)⁻¹(r_alone − r), so its relative size is at most
            // κ times the sum of the two relative residuals.
            EXPECT_LE((solution.x - alone.x).norm() / alone.x.norm(),
                      2 * condition * (residual + alone.relative_residual + 1e-14));
        } else {
            EXPECT_NE(solution.status, SolveStatus::converged);
            EXPECT_GT(residual, 1e-8);
        }
    }
}

TEST(MultiShiftCg, IndefiniteSeedRestartsForPositiveDefiniteShifts) {
    const Index n = 150;
    Vector eigenvalues = log_spaced(1e-2, 10, n);
    eigenvalues[0] = -0.5;
    const DenseMatrix h = matrix_with_spectrum(eigenvalues, 14);
    const Vector b = random_vector(n, 15);
    expect_indefinite_handled(h, b, {0.01, 0.1, 0.3, 0.55, 1.0, 5.0, 1.0}, -0.5);
    const DenseOperator h_op395{&h};
    const auto result = solve_multishift_cg(h_op395, {0.01, 0.55, 5.0}, b);
    EXPECT_EQ(result.solutions[0].status, SolveStatus::not_positive_definite);
    EXPECT_NE(result.solutions[0].message.find("not positive definite"), std::string::npos);
    EXPECT_NE(result.solutions[1].message.find("restarted at iteration"), std::string::npos)
        << result.solutions[1].message;
}

TEST(MultiShiftCg, SeveralNegativeEigenvaluesNeedSeveralRestarts) {
    const Index n = 160;
    Vector eigenvalues = log_spaced(1e-2, 10, n);
    eigenvalues[0] = -2.0;
    eigenvalues[1] = -1.0;
    eigenvalues[2] = -0.4;
    const DenseMatrix h = matrix_with_spectrum(eigenvalues, 32);
    const Vector b = random_vector(n, 33);
    const std::vector<double> shifts = to_std(log_spaced(1e-2, 20, 25));
    expect_indefinite_handled(h, b, shifts, -2.0);
}

TEST(MultiShiftCg, RaggedSizeAndManyShiftsMatchStepByStep) {
    // n not a multiple of the row strips or blocks, and enough shifts for every
    // group size of the batched update, with and without p; against dense solves
    // and against the step-by-step recurrence (update_interval 1).
    const Index n = 521;  // blocks of 256, 256 and 9 rows; strips of 8 and a 1-row tail
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-3, 1e2, n), 34);
    const Vector b = random_vector(n, 35);
    const std::vector<double> shifts = to_std(log_spaced(1e-3, 1e3, 23));
    MultiShiftCgOptions options;
    const DenseOperator h_op423{&h};
    const auto result = solve_multishift_cg(h_op423, shifts, b, options);
    expect_matches_dense(h, shifts, b, result, 1e-10);
    options.update_interval = 1;
    const DenseOperator h_op426{&h};
    const auto step_by_step = solve_multishift_cg(h_op426, shifts, b, options);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const Vector& x = step_by_step.solutions[i].x;
        EXPECT_LE((result.solutions[i].x - x).norm(), 1e-12 * x.norm());
    }
}

TEST(MultiShiftCg, IterationCapIsNotConvergedWithResidualInMessage) {
    const Index n = 200;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-4, 10, n), 18);
    const Vector b = random_vector(n, 19);
    MultiShiftCgOptions options;
    options.max_iterations = 5;
    const DenseOperator h_op439{&h};
    const auto result = solve_multishift_cg(h_op439, {1e-4, 1e-3}, b, options);
    EXPECT_EQ(result.iterations, 5);
    EXPECT_EQ(result.matvecs, 7);
    for (const auto& solution : result.solutions) {
        EXPECT_EQ(solution.status, SolveStatus::not_converged);
        EXPECT_NE(solution.message.find("iteration cap 5"), std::string::npos) << solution.message;
        EXPECT_NE(solution.message.find("recomputed residual"), std::string::npos);
        EXPECT_GT(solution.relative_residual, 1e-9);
        EXPECT_EQ(solution.iterations, 5);
    }
    EXPECT_NEAR(result.solutions[0].relative_residual,
                dense_residual(h, 1e-4, result.solutions[0].x, b), 1e-12);
}

TEST(MultiShiftCg, VerificationCatchesDriftFromTheTrueResidual) {
    const Index n = 100;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 20);
    const Vector b = random_vector(n, 21);
    const NoisyOperator op{&h, 1e-6};
    const auto result = solve_multishift_cg(op, {0.01, 1.0}, b);
    for (std::size_t i = 0; i < 2; ++i) {
        const SolveResult& solution = result.solutions[i];
        EXPECT_NE(solution.status, SolveStatus::converged) << solution.message;
        EXPECT_GT(solution.relative_residual, 1e-9);
        EXPECT_NE(solution.message.find("recomputed residual"), std::string::npos)
            << solution.message;
    }
}

TEST(MultiShiftCg, DeferredUpdatesMatchStepByStepUpdates) {
    // update_interval 1 is the textbook recurrence (every x_i, p_i updated every
    // step); longer intervals reassociate the same sums. All must agree.
    const Index n = 200;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-3, 1e2, n), 24);
    const Vector b = random_vector(n, 25);
    const std::vector<double> shifts = to_std(log_spaced(1e-3, 1e2, 12));
    MultiShiftCgOptions options;
    options.update_interval = 1;
    const DenseOperator h_op477{&h};
    const auto reference = solve_multishift_cg(h_op477, shifts, b, options);
    expect_matches_dense(h, shifts, b, reference, 1e-10);
    for (const int interval : {0, 3, 7, 32}) {
        SCOPED_TRACE("update_interval " + std::to_string(interval));
        options.update_interval = interval;
        const DenseOperator h_op482{&h};
        const auto result = solve_multishift_cg(h_op482, shifts, b, options);
        EXPECT_EQ(result.iterations, reference.iterations);
        for (std::size_t i = 0; i < shifts.size(); ++i) {
            EXPECT_EQ(result.solutions[i].status, SolveStatus::converged);
            EXPECT_EQ(result.solutions[i].iterations, reference.solutions[i].iterations);
            const Vector& x = reference.solutions[i].x;
            EXPECT_LE((result.solutions[i].x - x).norm(), 1e-12 * x.norm());
        }
    }
}

TEST(MultiShiftCg, CapKeepsShiftsThatConvergedBeforeIt) {
    const Index n = 200;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-4, 10, n), 26);
    const Vector b = random_vector(n, 27);
    MultiShiftCgOptions options;
    options.max_iterations = 30;
    const std::vector<double> shifts = {1e-4, 50.0, 100.0, 10.0};
    const DenseOperator h_op500{&h};
    const auto result = solve_multishift_cg(h_op500, shifts, b, options);
    EXPECT_EQ(result.iterations, 30);
    EXPECT_EQ(result.solutions[0].status, SolveStatus::not_converged);
    EXPECT_NE(result.solutions[0].message.find("iteration cap 30"), std::string::npos);
    expect_matches_dense(
        h, {50.0, 100.0, 10.0}, b,
        MultiShiftResult{{result.solutions[1], result.solutions[2], result.solutions[3]},
                         result.iterations,
                         result.matvecs,
                         result.seconds},
        1e-10);
    EXPECT_LT(result.solutions[2].iterations, 30);
}

TEST(MultiShiftCg, LooseToleranceAcceptsZero) {
    const Index n = 30;
    const DenseMatrix h = matrix_with_spectrum(log_spaced(1e-2, 10, n), 28);
    MultiShiftCgOptions options;
    options.tolerance = 2;
    const DenseOperator h_op520{&h};
    const auto result = solve_multishift_cg(h_op520, {0.1, 1.0}, random_vector(n, 29), options);
    EXPECT_EQ(result.iterations, 0);
    for (const auto& solution : result.solutions) {
        EXPECT_TRUE(solution.ok()) << solution.message;
        EXPECT_TRUE(solution.x.isZero(0));
        EXPECT_DOUBLE_EQ(solution.relative_residual, 1.0);
    }
}

TEST(MultiShiftCg, UsageErrors) {
    const Index n = 10;
    const DenseMatrix h = DenseMatrix::Identity(n, n);
    const DenseOperator op{&h};
    const Vector b = Vector::Ones(n);
    EXPECT_THROW(solve_multishift_cg(op, {}, b), UsageError);
    EXPECT_THROW(solve_multishift_cg(op, {0.1, -1e-3}, b), UsageError);
    EXPECT_THROW(solve_multishift_cg(op, {std::nan("")}, b), UsageError);
    EXPECT_THROW(solve_multishift_cg(op, {0.1}, Vector::Ones(n + 1)), UsageError);
    MultiShiftCgOptions options;
    options.tolerance = 0;
    EXPECT_THROW(solve_multishift_cg(op, {0.1}, b, options), UsageError);
    options = {};
    options.update_interval = 33;
    EXPECT_THROW(solve_multishift_cg(op, {0.1, 1.0}, b, options), UsageError);
    options.update_interval = -1;
    EXPECT_THROW(solve_multishift_cg(op, {0.1, 1.0}, b, options), UsageError);
}

TEST(MultiShiftCg, NonFiniteRightHandSideIsAStatus) {
    // b is typically H·θ̂ from an operator that overflowed or returned NaN: every
    // shift is non_finite with the row named, no iteration, x = 0 (issue
    // "Reliability II": not a UsageError about a right-hand side the caller of
    // `path` never passed).
    const Index n = 10;
    const DenseMatrix h = DenseMatrix::Identity(n, n);
    const DenseOperator op{&h};
    for (const double bad_value : {std::numeric_limits<double>::infinity(), std::nan("")}) {
        Vector bad = Vector::Ones(n);
        bad[3] = bad_value;
        const MultiShiftResult result = solve_multishift_cg(op, {0.1, 1.0, 0.1}, bad);
        ASSERT_EQ(result.solutions.size(), 3u);
        EXPECT_EQ(result.iterations, 0);
        EXPECT_EQ(result.matvecs, 0);
        for (const SolveResult& solution : result.solutions) {
            EXPECT_EQ(solution.status, SolveStatus::non_finite);
            EXPECT_NE(solution.message.find(std::string(std::isnan(bad_value) ? "NaN" : "Inf") +
                                            " at row 3"),
                      std::string::npos)
                << solution.message;
            EXPECT_EQ(solution.x, Vector::Zero(n));
        }
    }
}

TEST(MultiShiftCg, ManyShiftsRespectTheMemoryBudget) {
    // 1000 shifts of dimension 2000 keep ~3000 vectors (48 MB): above a 1e7-byte
    // RIDGELENS_MEMORY_LIMIT, refused before allocating, not compared with the
    // machine's physical memory.
    const Index n = 2000;
    const DenseMatrix h = DenseMatrix::Identity(n, n);
    const DenseOperator op{&h};
    std::vector<double> shifts;
    for (int i = 1; i <= 1000; ++i) shifts.push_back(1e-3 * i);
    ::setenv("RIDGELENS_MEMORY_LIMIT", "1e7", 1);
    try {
        solve_multishift_cg(op, shifts, Vector::Ones(n));
        ADD_FAILURE() << "expected a ResourceError";
    } catch (const ResourceError& error) {
        EXPECT_NE(std::string(error.what()).find("refused before allocating"), std::string::npos)
            << error.what();
    }
    ::unsetenv("RIDGELENS_MEMORY_LIMIT");
}

TEST(MultiShiftCg, Laplacian1dAgainstClosedFormEigendecomposition) {
    // tridiag(−1, 2, −1): eigenvalues μ_k = 2 − 2cos(kπ/(n+1)), eigenvectors
    // v_k(j) = √(2/(n+1)) sin(jkπ/(n+1)), so x(λ) = Σ_k v_k v_kᵀb / (μ_k + λ).
    const Index n = 1000;
    const Laplacian1d op{n};
    const Vector b = random_vector(n, 22);
    const std::vector<double> shifts = {1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0};
    const double pi = std::acos(-1.0);
    DenseMatrix eigenvectors(n, n);
    Vector eigenvalues(n);
    for (Index k = 1; k <= n; ++k) {
        eigenvalues[k - 1] = 2 - 2 * std::cos(k * pi / (n + 1));
        for (Index j = 1; j <= n; ++j)
            eigenvectors(j - 1, k - 1) = std::sqrt(2.0 / (n + 1)) * std::sin(j * k * pi / (n + 1));
    }
    const Vector coefficients = eigenvectors.transpose() * b;
    const auto result = solve_multishift_cg(op, shifts, b);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const SolveResult& solution = result.solutions[i];
        SCOPED_TRACE(solution.message);
        EXPECT_TRUE(solution.ok());
        const Vector reference =
            eigenvectors * coefficients.cwiseQuotient((eigenvalues.array() + shifts[i]).matrix());
        const double condition =
            (eigenvalues.maxCoeff() + shifts[i]) / (eigenvalues.minCoeff() + shifts[i]);
        const double error = (solution.x - reference).norm() / reference.norm();
        EXPECT_LE(error, condition * (2 * solution.relative_residual + 1e-13));
        Vector applied(n);
        op.perform_op(solution.x.data(), applied.data());
        EXPECT_LE((applied + shifts[i] * solution.x - b).norm() / b.norm(), 1e-9);
    }
}

TEST(MultiShiftCg, Laplacian2dLargeGridMatchesSingleShiftRuns) {
    // n = 40,000 takes the parallel, cache-blocked paths with a full update window.
    const Index m = 200;
    const Laplacian2d op{m};
    const Vector b = random_vector(m * m, 23);
    const std::vector<double> shifts = to_std(log_spaced(1e-2, 1e2, 20));
    const auto result = solve_multishift_cg(op, shifts, b);
    for (std::size_t i = 0; i < shifts.size(); i += 6) {
        const SolveResult& solution = result.solutions[i];
        SCOPED_TRACE(solution.message);
        EXPECT_TRUE(solution.ok());
        Vector applied(m * m);
        op.perform_op(solution.x.data(), applied.data());
        const double residual = (applied + shifts[i] * solution.x - b).norm() / b.norm();
        EXPECT_LE(residual, 1e-9);
        EXPECT_NEAR(solution.relative_residual, residual, 1e-3 * residual + 1e-15);
        // An independent single-shift run (no deferred updates) agrees to κ·tolerance.
        const auto alone = solve_multishift_cg(op, {shifts[i]}, b);
        ASSERT_TRUE(alone.solutions[0].ok());
        const double condition = (8 + shifts[i]) / shifts[i];
        EXPECT_LE((solution.x - alone.solutions[0].x).norm() / alone.solutions[0].x.norm(),
                  condition * 4e-10);
    }
}

}  // namespace
}  // namespace ridgelens
