// The decay analysis end to end (geometry.md §2–§3, §5) against dense
// eigendecompositions and closed forms, for every solver backend.

#include <gtest/gtest.h>

#include <filesystem>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/model/dense_least_squares.hpp"
#include "ridgelens/model/fashion_mnist_least_squares.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/report/json_report.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

AnalyzeOptions options_for(SolverChoice solver, std::vector<double> lambdas, Index k) {
    AnalyzeOptions options;
    options.solver = solver;
    options.lambdas = std::move(lambdas);
    options.eigen.k = k;
    options.cg.tolerance = 1e-12;
    return options;
}

// θ̂_ridge and every decay entry against Q(Σ+λI)⁻¹ΣQᵀθ̂ from a dense solver.
void expect_ridge_matches_dense(const DenseMatrix& h, const Vector& theta, SolverChoice solver,
                                const std::vector<double>& lambdas, Index k) {
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.matrix = &sparse;
    problem.diagonal = op.diagonal();
    if (solver == SolverChoice::dense) problem.dense = &h;
    problem.theta = theta;
    const AnalysisResult result = analyze(problem, options_for(solver, lambdas, k));
    ASSERT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings.front());
    EXPECT_EQ(result.solver, solver == SolverChoice::cg      ? SolverKind::cg
                             : solver == SolverChoice::dense ? SolverKind::dense_eigendecomposition
                                                             : SolverKind::cholmod);
    const Vector sigma = testing::dense_eigenvalues_descending(h);
    ASSERT_EQ(result.lambdas.size(), lambdas.size());
    for (const LambdaResult& entry : result.lambdas) {
        const Vector reference = testing::dense_ridge_transform(h, theta, entry.lambda);
        EXPECT_LT((entry.ridge.x - reference).norm(), 1e-8 * reference.norm())
            << "λ = " << entry.lambda;
        EXPECT_LT(entry.ridge.relative_residual, 1e-10);
        ASSERT_EQ(entry.decay.directions.size(), static_cast<std::size_t>(k));
        for (const DirectionDecay& d : entry.decay.directions) {
            EXPECT_NEAR(d.sigma, sigma[d.j - 1], 1e-9 * sigma[0]);
            EXPECT_NEAR(d.factor, sigma[d.j - 1] / (sigma[d.j - 1] + entry.lambda), 1e-9);
            EXPECT_NEAR(d.shrunk, d.factor * d.component, 1e-14 * theta.norm());
        }
        EXPECT_LT(entry.decay.self_check_max_abs_error, 1e-8 * theta.norm());
        EXPECT_TRUE(entry.decay.tail.bound_applies);
        EXPECT_TRUE(entry.decay.tail.bound_holds)
            << entry.decay.tail.ridge_tail_norm << " > " << entry.decay.tail.bound;
        EXPECT_NEAR(entry.ridge_norm, reference.norm(), 1e-8 * reference.norm());
    }
    // ‖θ̂_ridge(λ)‖ decreases in λ (g = 0, PSD H).
    for (std::size_t i = 1; i < result.lambdas.size(); ++i)
        EXPECT_LT(result.lambdas[i].ridge_norm, result.lambdas[i - 1].ridge_norm);
}

class AnalysisBackends : public ::testing::TestWithParam<SolverChoice> {};

TEST_P(AnalysisBackends, RidgeMatchesDenseEigendecomposition) {
    Vector spectrum = Vector::LinSpaced(80, 0.0, 1.0).array().pow(2);
    spectrum.head(3) << 40, 25, 9;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 31);
    expect_ridge_matches_dense(h, testing::random_vector(80, 4), GetParam(), {1e-3, 0.1, 10}, 6);
}

TEST_P(AnalysisBackends, SingularHessianGivesZeroFactorOnNullSpace) {
    Vector spectrum = Vector::LinSpaced(60, 1.0, 2.0);
    spectrum.tail(10).setZero();  // a 10-dimensional null space
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 8);
    // With k = 55 the computed pairs include null directions: f_j must be 0.
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.matrix = &sparse;
    problem.diagonal = op.diagonal();
    if (GetParam() == SolverChoice::dense) problem.dense = &h;
    problem.theta = testing::random_vector(60, 2);
    const AnalysisResult result = analyze(problem, options_for(GetParam(), {0.5}, 55));
    ASSERT_TRUE(result.ok);
    Index null_directions = 0;
    for (const DirectionDecay& d : result.lambdas[0].decay.directions) {
        if (d.kind == CurvatureKind::null) {
            ++null_directions;
            EXPECT_EQ(d.factor, 0.0);
            EXPECT_NEAR(d.solved, 0.0, 1e-9);
        }
    }
    EXPECT_EQ(null_directions, 5);
    const Vector reference = testing::dense_ridge_transform(h, problem.theta, 0.5);
    EXPECT_LT((result.lambdas[0].ridge.x - reference).norm(), 1e-9 * reference.norm());
}

INSTANTIATE_TEST_SUITE_P(Solvers, AnalysisBackends,
                         ::testing::Values(SolverChoice::cholmod, SolverChoice::cg,
                                           SolverChoice::dense),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// The indefinite H (saddles, singular λ, negative pairs): test_indefinite.cpp.

TEST(Analysis, SingularHessianAtLambdaZeroSaysWhatWouldHelp) {
    // The Laplacian of a path: integer entries, so elimination meets an
    // exactly zero last pivot (the constant vector spans the null space).
    const Index n = 30;
    DenseMatrix h = DenseMatrix::Zero(n, n);
    for (Index i = 0; i + 1 < n; ++i) {
        h(i, i) += 1;
        h(i + 1, i + 1) += 1;
        h(i, i + 1) = h(i + 1, i) = -1;
    }
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.matrix = &sparse;
    problem.theta = testing::random_vector(n, 3);
    const AnalysisResult result = analyze(problem, options_for(SolverChoice::cholmod, {0.0}, 3));
    ASSERT_TRUE(result.psd.psd);
    const SolveResult& failed = result.lambdas[0].ridge;
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.message.find("singular"), std::string::npos) << failed.message;
    EXPECT_NE(failed.message.find("SolverChoice::cg"), std::string::npos) << failed.message;
}

TEST(Analysis, RefusesMisuse) {
    const SparseMatrix sparse = testing::to_sparse(DenseMatrix::Identity(20, 20));
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.theta = Vector::Ones(20);
    EXPECT_THROW(analyze(problem, options_for(SolverChoice::cg, {-1.0}, 3)), UsageError);
    EXPECT_THROW(analyze(problem, options_for(SolverChoice::cg, {}, 3)), UsageError);
    EXPECT_THROW(analyze(problem, options_for(SolverChoice::cholmod, {1.0}, 3)), UsageError)
        << "CHOLMOD without an explicit matrix";
    problem.theta = Vector::Ones(19);
    EXPECT_THROW(analyze(problem, options_for(SolverChoice::cg, {1.0}, 3)), UsageError);
}

// geometry.md §5: for least squares θ̂_ridge is the closed-form ridge
// estimator whatever minimizer was picked, including when p > n.
TEST(LeastSquares, RidgeEqualsClosedFormAndThetaIsMinimumNorm) {
    for (auto [samples, parameters] : {std::pair<Index, Index>{300, 40}, {25, 60}}) {
        DenseMatrix x(samples, parameters);
        for (Index j = 0; j < parameters; ++j) x.col(j) = testing::random_vector(samples, 100 + j);
        const Vector y = testing::random_vector(samples, 7);
        const DenseLeastSquares fit = fit_dense_least_squares(x, y);
        // Independent minimum-norm least squares: complete orthogonal decomposition of X.
        const Vector reference_theta = x.completeOrthogonalDecomposition().solve(y);
        EXPECT_LT((fit.theta - reference_theta).norm(), 1e-8 * reference_theta.norm());
        EXPECT_EQ(fit.rank, std::min(samples, parameters));

        const SparseMatrix h = dense_symmetric_to_sparse(fit.hessian);
        const SparseSymmetricOperator op(h);
        HessianProblem problem{op};
        problem.matrix = &h;
        problem.theta = fit.theta;
        const double lambda = 0.05;
        const AnalysisResult result =
            analyze(problem, options_for(SolverChoice::cholmod, {lambda}, 5));
        const DenseMatrix gram = x.transpose() * x / static_cast<double>(samples);
        const Vector closed_form = (gram + lambda * DenseMatrix::Identity(parameters, parameters))
                                       .llt()
                                       .solve(x.transpose() * y / static_cast<double>(samples));
        EXPECT_LT((result.lambdas[0].ridge.x - closed_form).norm(), 1e-10 * closed_form.norm());
    }
}

// The singular 4elt Laplacian: θ̂ with a component along the constant null
// vector; θ̂_ridge must lose it entirely.
TEST(Analysis, SingularLaplacianDropsNullSpaceComponent) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/4elt_laplacian.mtx");
    const SymmetricMatrixFile file = read_symmetric_matrix_market(path);
    const SparseSymmetricOperator op(file.matrix);
    const Index n = file.matrix.rows();
    const Vector ones = Vector::Ones(n) / std::sqrt(static_cast<double>(n));
    EXPECT_LT(Vector(file.matrix * ones).norm(), 1e-12) << "the constant vector is null";
    HessianProblem problem{op};
    problem.matrix = &file.matrix;
    problem.diagonal = op.diagonal();
    problem.theta = testing::random_vector(n, 3) + 50.0 * ones;
    const AnalysisResult result =
        analyze(problem, options_for(SolverChoice::cholmod, {1e-2, 1.0}, 10));
    ASSERT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings.front());
    EXPECT_TRUE(result.psd.smallest.psd) << result.psd.smallest.message;
    for (const LambdaResult& entry : result.lambdas) {
        EXPECT_LT(entry.ridge.relative_residual, 1e-10);
        EXPECT_LT(std::abs(ones.dot(entry.ridge.x)), 1e-9 * entry.ridge.x.norm())
            << "θ̂_ridge must have no null-space component";
        EXPECT_TRUE(entry.decay.tail.bound_holds);
        EXPECT_LT(entry.decay.self_check_max_abs_error, 1e-8 * problem.theta.norm());
    }
}

TEST(FashionMnist, DefaultProblemIsTheMinimumNormLeastSquaresFit) {
    if (!std::filesystem::exists(default_fashion_mnist_directory() + "/train-images-idx3-ubyte.gz"))
        GTEST_SKIP()
            << "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); skipping";
    const FashionMnistLeastSquares problem = fashion_mnist_least_squares(0);
    const DenseLeastSquares& fit = problem.fit;
    EXPECT_EQ(fit.samples, 60000);
    EXPECT_EQ(fit.parameters, 785);
    EXPECT_LT(fit.normal_equation_residual, 1e-8);
    const ImageDataset data = load_fashion_mnist();
    DenseMatrix x(60000, 785);
    x.leftCols(784) = data.pixels;
    x.col(784).setOnes();
    Vector y(60000);
    for (Index i = 0; i < 60000; ++i) y[i] = data.labels[i] == 0 ? 1.0 : -1.0;
    const DenseMatrix gram = x.transpose() * x / 60000.0;
    const Vector moment = x.transpose() * y / 60000.0;
    // The rank against an independent eigendecomposition of the Gram matrix.
    // (On the train split no pixel is constant, so H has full rank with
    // σ_min ≈ 1e-7: the minimum-norm minimizer is the unique one.)
    const Vector sigma = testing::dense_eigenvalues_descending(gram);
    EXPECT_EQ(fit.rank, (sigma.array() > fit.rank_threshold).count());
    EXPECT_LT((fit.spectrum - sigma).cwiseAbs().maxCoeff(), 1e-12 * sigma[0]);
    // Optimality from the raw data: Xᵀ(Xθ̂ − y)/n ≈ 0.
    const Vector gradient = x.transpose() * (x * fit.theta - y) / 60000.0;
    EXPECT_LT(gradient.norm(), 1e-8 * moment.norm());
    // Pixels that are zero in every image are exact null directions e_i of H,
    // so the minimum-norm θ̂ must vanish there.
    for (Index j = 0; j < 784; ++j)
        if (data.pixels.col(j).cwiseAbs().maxCoeff() == 0) EXPECT_EQ(fit.theta[j], 0.0);
    // Ridge solves against the closed form computed from X directly.
    const SparseSymmetricOperator op(problem.hessian);
    HessianProblem analysis_problem{op};
    analysis_problem.matrix = &problem.hessian;
    analysis_problem.theta = fit.theta;
    const AnalysisResult result =
        analyze(analysis_problem, options_for(SolverChoice::cholmod, {0.01, 1.0}, 10));
    ASSERT_TRUE(result.ok);
    for (const LambdaResult& entry : result.lambdas) {
        const Vector closed_form =
            (gram + entry.lambda * DenseMatrix::Identity(785, 785)).llt().solve(moment);
        EXPECT_LT((entry.ridge.x - closed_form).norm(), 1e-8 * closed_form.norm());
    }
}

}  // namespace
}  // namespace ridgelens
