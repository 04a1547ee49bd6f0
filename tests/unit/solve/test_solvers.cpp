// Exact solves of (H + λI)x = b: CHOLMOD and CG against dense references,
// against each other, and their failure statuses.

#include <gtest/gtest.h>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

Vector dense_shifted_solve(const DenseMatrix& h, double lambda, const Vector& b) {
    const DenseMatrix shifted = h + lambda * DenseMatrix::Identity(h.rows(), h.cols());
    return shifted.llt().solve(b);
}

TEST(CholmodSolver, MatchesDenseForSeveralShiftsWithOneAnalysis) {
    Vector spectrum = Vector::LinSpaced(120, 0.0, 5.0);  // singular: σ = 0 once
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 21);
    const SparseMatrix sparse = testing::to_sparse(h);
    const Vector b = testing::random_vector(120, 8);
    CholmodSolver solver(sparse);
    for (double lambda : {1e-3, 0.1, 10.0}) {
        const SolveResult result = solver.solve(lambda, b);
        ASSERT_TRUE(result.ok()) << result.message;
        EXPECT_EQ(result.solver, SolverKind::cholmod);
        const Vector reference = dense_shifted_solve(h, lambda, b);
        EXPECT_LT((result.x - reference).norm(), 1e-9 * reference.norm()) << "λ = " << lambda;
        const double residual = (h * result.x + lambda * result.x - b).norm() / b.norm();
        EXPECT_NEAR(result.relative_residual, residual, 1e-13);
        EXPECT_LT(residual, 1e-12);
    }
}

TEST(CholmodSolver, ReportsNotPositiveDefinite) {
    Vector spectrum = Vector::LinSpaced(50, -1.0, 4.0);
    const SparseMatrix sparse = testing::to_sparse(testing::matrix_with_spectrum(spectrum, 3));
    CholmodSolver solver(sparse);
    const SolveResult result = solver.solve(0.5, testing::random_vector(50, 1));
    EXPECT_EQ(result.status, SolveStatus::not_positive_definite);
    EXPECT_NE(result.message.find("not positive definite"), std::string::npos);
    // A shift above −σ_min makes it definite again, with the same analysis.
    EXPECT_TRUE(solver.solve(1.5, testing::random_vector(50, 1)).ok());
}

TEST(ConjugateGradient, MatchesDenseWithAndWithoutJacobi) {
    Vector spectrum = Vector::LinSpaced(150, 0.0, 1.0).array().square() * 100;
    DenseMatrix h = testing::matrix_with_spectrum(spectrum, 5);
    h.diagonal().array() += Vector::LinSpaced(150, 0, 50).array();  // uneven diagonal
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    const Vector b = testing::random_vector(150, 2);
    for (bool jacobi : {false, true}) {
        const double lambda = 0.01;
        const SolveResult result = solve_conjugate_gradient(
            op, lambda, b, jacobi ? std::optional<Vector>(op.diagonal()) : std::nullopt);
        ASSERT_TRUE(result.ok()) << result.message;
        const Vector reference = dense_shifted_solve(h, lambda, b);
        EXPECT_LT((result.x - reference).norm(), 1e-7 * reference.norm());
        EXPECT_LT((h * result.x + lambda * result.x - b).norm() / b.norm(), 1e-9);
        EXPECT_GT(result.iterations, 0);
    }
}

TEST(ConjugateGradient, FlagsNonConvergenceIndefiniteAndNonFinite) {
    const DenseMatrix h = testing::matrix_with_spectrum(Vector::LinSpaced(100, 1e-4, 1e4), 6);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    const Vector b = testing::random_vector(100, 3);
    CgOptions capped;
    capped.max_iterations = 3;
    const SolveResult few = solve_conjugate_gradient(op, 0.0, b, std::nullopt, capped);
    EXPECT_EQ(few.status, SolveStatus::not_converged);
    EXPECT_NE(few.message.find("not converged after 3"), std::string::npos);

    const SparseMatrix negative =
        testing::to_sparse(-testing::matrix_with_spectrum(Vector::LinSpaced(30, 1, 2), 1));
    const SparseSymmetricOperator negative_op(negative);
    const SolveResult indefinite =
        solve_conjugate_gradient(negative_op, 0.1, testing::random_vector(30, 1));
    EXPECT_EQ(indefinite.status, SolveStatus::not_positive_definite);

    struct NanOperator {
        using Scalar = double;
        Index rows() const { return 4; }
        Index cols() const { return 4; }
        void perform_op(const double*, double* y) const {
            for (int i = 0; i < 4; ++i) y[i] = std::nan("");
        }
    } nan_operator;
    const SolveResult nan = solve_conjugate_gradient(nan_operator, 1.0, Vector::Ones(4));
    EXPECT_EQ(nan.status, SolveStatus::non_finite);
    EXPECT_NE(nan.message.find("iteration 1"), std::string::npos);

    EXPECT_THROW(solve_conjugate_gradient(op, 1.0, Vector::Ones(3)), UsageError);
    EXPECT_THROW(solve_conjugate_gradient(op, -1.0, b), UsageError);
}

// CHOLMOD and CG agree on every real matrix, each checked by its recomputed residual.
class RealMatrixSolves : public ::testing::TestWithParam<const char*> {};

TEST_P(RealMatrixSolves, CholmodAndCgAgree) {
    RIDGELENS_REQUIRE_DATA(path, std::string("matrices/") + GetParam());
    const SymmetricMatrixFile file = read_symmetric_matrix_market(path);
    const SparseSymmetricOperator op(file.matrix);
    const Index n = file.matrix.rows();
    const Vector b = testing::random_vector(n, 17);
    // λ at a thousandth of the largest diagonal: well-posed for CG in a few hundred steps.
    const double lambda = 1e-3 * file.matrix.diagonal().cwiseAbs().maxCoeff();
    CholmodSolver cholmod(file.matrix);
    const SolveResult direct = cholmod.solve(lambda, b);
    ASSERT_TRUE(direct.ok()) << direct.message;
    EXPECT_LT(direct.relative_residual, 1e-12);
    const Vector check = (file.matrix * direct.x + lambda * direct.x - b);
    EXPECT_LT(check.norm() / b.norm(), 1e-12);
    CgOptions cg_options;
    cg_options.tolerance = 1e-11;
    const SolveResult iterative =
        solve_conjugate_gradient(op, lambda, b, op.diagonal(), cg_options);
    ASSERT_TRUE(iterative.ok()) << iterative.message;
    EXPECT_LT((iterative.x - direct.x).norm(), 1e-6 * direct.x.norm());
}

INSTANTIATE_TEST_SUITE_P(SharedData, RealMatrixSolves,
                         ::testing::Values("1138_bus.mtx", "bcsstk09.mtx", "bcsstk13.mtx",
                                           "bcsstk16.mtx", "ani4.mtx", "4elt_laplacian.mtx"));

}  // namespace
}  // namespace ridgelens
