// The regularization path: multi-shift CG (deflated or not) and CHOLMOD
// against independent dense solves, df against dense eigendecompositions.

#include <gtest/gtest.h>

#include <filesystem>

#include "reference.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/model/fashion_mnist_least_squares.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/solve/deflated_solve.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

Vector dense_shifted_solve(const DenseMatrix& h, double lambda, const Vector& b) {
    return (h + lambda * DenseMatrix::Identity(h.rows(), h.cols())).llt().solve(b);
}

TEST(LambdaGrid, ParsesLogSpacedGrids) {
    const std::vector<double> grid = parse_lambda_grid("1e-4:1e2:7");
    ASSERT_EQ(grid.size(), 7u);
    for (std::size_t i = 0; i < grid.size(); ++i)
        EXPECT_NEAR(std::log10(grid[i]), -4.0 + static_cast<double>(i), 1e-12);
    EXPECT_EQ(parse_lambda_grid("2:2:1"), std::vector<double>{2.0});
    for (const char* bad : {"1:2", "0:1:5", "-1:1:3", "2:1:3", "1:2:0", "a:b:c", "1:2:3x"})
        EXPECT_THROW(parse_lambda_grid(bad), UsageError) << bad;
}

TEST(DeflatedSolve, MatchesDenseAndNeedsFewerIterations) {
    Vector spectrum = Vector::LinSpaced(300, 1e-3, 1.0);
    spectrum.head(8) << 1e4, 5e3, 2e3, 1e3, 500, 200, 100, 50;  // outliers over a bulk
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 3);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    EigenOptions eigen_options;
    eigen_options.k = 8;
    const Eigenpairs pairs = compute_top_eigenpairs(op, eigen_options);
    ASSERT_EQ(pairs.status, EigenStatus::converged);
    const Vector b = testing::random_vector(300, 4);
    const std::vector<double> shifts = log_spaced(1e-4, 10, 12);
    const MultiShiftResult deflated = solve_multishift_deflated(op, pairs, shifts, b);
    const MultiShiftResult plain = solve_multishift_cg(op, shifts, b);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        const Vector reference = dense_shifted_solve(h, shifts[i], b);
        ASSERT_TRUE(deflated.solutions[i].ok()) << deflated.solutions[i].message;
        EXPECT_LT((deflated.solutions[i].x - reference).norm(), 1e-6 * reference.norm());
        const double residual =
            (h * deflated.solutions[i].x + shifts[i] * deflated.solutions[i].x - b).norm() /
            b.norm();
        EXPECT_LT(residual, 1e-9);
        EXPECT_NEAR(deflated.solutions[i].relative_residual, residual, 1e-12);
    }
    EXPECT_LT(deflated.iterations, plain.iterations)
        << "deflation removes σ_1..σ_8 from the condition number";
}

struct PathCase {
    SolverChoice solver;
    bool deflate;
};

class PathBackends : public ::testing::TestWithParam<PathCase> {};

TEST_P(PathBackends, MatchesDenseSolvesAndExactDof) {
    Vector spectrum = Vector::LinSpaced(200, 0.0, 2.0).array().square();
    spectrum.head(4) << 300, 120, 60, 30;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 12);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.matrix = &sparse;
    if (GetParam().solver == SolverChoice::dense) problem.dense = &h;
    problem.theta = testing::random_vector(200, 9);
    PathOptions options;
    options.lambdas = log_spaced(1e-3, 1e2, 15);
    options.eigen.k = 6;
    options.solver = GetParam().solver;
    options.deflate = GetParam().deflate;
    options.slq.probes = 20;
    const PathResult result = compute_path(problem, options);
    ASSERT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings.front());
    EXPECT_EQ(result.df_method, "exact");

    Eigen::SelfAdjointEigenSolver<DenseMatrix> dense(h);
    const Vector b = h * problem.theta;
    double previous_df = 1e300, previous_norm = 1e300;
    for (const PathPoint& point : result.points) {
        const Vector reference = dense_shifted_solve(h, point.lambda, b);
        EXPECT_NEAR(point.ridge_norm, reference.norm(), 1e-8 * reference.norm());
        EXPECT_LT(point.relative_residual, 1e-9);
        double df = 0;
        for (Index j = 0; j < 200; ++j) {
            const double sigma = dense.eigenvalues()[j];
            df += std::abs(sigma) < 1e-12 * 300 ? 0.0 : sigma / (sigma + point.lambda);
        }
        EXPECT_NEAR(point.df, df, 1e-9 * df) << "λ = " << point.lambda;
        EXPECT_LE(std::abs(point.df_slq - df), 3 * point.df_slq_stderr + 1e-6 + 0.05 * df);
        ASSERT_EQ(point.coefficients.size(), 6u);
        for (std::size_t j = 0; j < 6; ++j)
            EXPECT_NEAR(point.coefficients[j], point.predicted[j], 1e-8 * problem.theta.norm());
        EXPECT_LT(point.df, previous_df);
        EXPECT_LT(point.ridge_norm, previous_norm);
        previous_df = point.df;
        previous_norm = point.ridge_norm;
    }
    if (GetParam().solver == SolverChoice::cg && GetParam().deflate)
        EXPECT_LE(result.krylov_iterations, result.undeflated_iterations);
    EXPECT_GT(result.total_matvecs, 0);
    EXPECT_FALSE(result.spectrum.density_value.size() == 0);
}

INSTANTIATE_TEST_SUITE_P(
    Solvers, PathBackends,
    ::testing::Values(PathCase{SolverChoice::cholmod, false}, PathCase{SolverChoice::cg, false},
                      PathCase{SolverChoice::cg, true}, PathCase{SolverChoice::dense, false}),
    [](const auto& info) {
        return std::string(to_string(info.param.solver)) + (info.param.deflate ? "_deflated" : "");
    });

// Issue 4: exact df against a dense eigendecomposition of the Fashion-MNIST
// least-squares Hessian, and the SLQ estimate within three standard errors.
TEST(Path, FashionMnistLeastSquaresDof) {
    if (!std::filesystem::exists(default_fashion_mnist_directory() + "/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)";
    const FashionMnistLeastSquares fashion = fashion_mnist_least_squares(0);
    const SparseSymmetricOperator op(fashion.hessian);
    HessianProblem problem{op};
    problem.matrix = &fashion.hessian;
    problem.theta = fashion.fit.theta;
    problem.psd_by_construction = true;
    PathOptions options;
    options.lambdas = log_spaced(1e-4, 1e2, 13);
    options.measure_undeflated = false;
    const PathResult result = compute_path(problem, options);
    ASSERT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings.front());
    const Vector sigma = testing::dense_eigenvalues_descending(fashion.fit.hessian);
    for (const PathPoint& point : result.points) {
        const double df = (sigma.array() / (sigma.array() + point.lambda)).sum();
        EXPECT_NEAR(point.df, df, 1e-8 * df) << "λ = " << point.lambda;
        EXPECT_LE(std::abs(point.df_slq - df), 3 * point.df_slq_stderr + 1e-9)
            << "λ = " << point.lambda << ": SLQ " << point.df_slq << " ± " << point.df_slq_stderr;
    }
}

}  // namespace
}  // namespace ridgelens
