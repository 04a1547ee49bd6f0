// Numerical honesty under scaling: diagonal matrices (whose spectra are known
// in closed form) spanning many orders of magnitude, self-checks and tail
// bounds that fail beyond their tolerances, and the df error bounds of the path.

#include <gtest/gtest.h>

#include <cmath>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/geometry/decay_analysis.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"

namespace ridgelens {
namespace {

SparseMatrix diagonal_matrix(const Vector& diagonal) {
    SparseMatrix h(diagonal.size(), diagonal.size());
    for (Index i = 0; i < diagonal.size(); ++i) h.insert(i, i) = diagonal[i];
    h.makeCompressed();
    return h;
}

Vector log_range(double low_exponent, double high_exponent, Index n) {
    Vector values(n);
    for (Index i = 0; i < n; ++i)
        values[i] =
            std::pow(10.0, low_exponent + (high_exponent - low_exponent) * static_cast<double>(i) /
                                              static_cast<double>(n - 1));
    return values;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
    for (const std::string& line : lines)
        if (line.find(text) != std::string::npos) return true;
    return false;
}

AnalysisResult analyze_diagonal(const Vector& diagonal, double lambda, Index k) {
    const SparseMatrix h = diagonal_matrix(diagonal);
    const SparseSymmetricOperator op(h);
    HessianProblem problem{op};
    problem.matrix = &h;
    problem.diagonal = diagonal;
    problem.theta = Vector::Ones(diagonal.size());
    AnalyzeOptions options;
    options.lambdas = {lambda};
    options.eigen.k = k;
    return analyze(problem, options);
}

// Every decay factor the analysis presents as resolved is the closed-form one
// to within its stated uncertainty; a wrong f is never presented as resolved.
void expect_resolved_factors_true(const AnalysisResult& result, double lambda) {
    for (const DirectionDecay& d : result.lambdas[0].decay.directions) {
        // H is diagonal with θ̂ = 1: σ_j is the closest diagonal entry.
        const double truth = d.sigma / (d.sigma + lambda);
        if (d.resolved)
            EXPECT_LE(std::abs(d.factor - truth), d.factor_uncertainty + 1e-9)
                << "σ_" << d.j << " = " << d.sigma;
    }
}

TEST(NumericalHonesty, DiagonalOverSixteenDecadesWithTinyLambdaIsNotOk) {
    // 1e-8..1e8 with λ = 1e-10: the directions with σ ≤ 1e-4 have f ≈ 1, which
    // the null threshold (1e-12·σ_1) cannot tell from 0.
    const double lambda = 1e-10;
    const AnalysisResult result = analyze_diagonal(log_range(-8, 8, 17), lambda, 16);
    expect_resolved_factors_true(result, lambda);
    EXPECT_GT(result.lambdas[0].decay.unresolved, 0);
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(mentions(result.warnings, "does not determine at λ = 1e-10"));
    EXPECT_TRUE(result.lambdas[0].decay.self_check_holds);  // where resolved, it agrees
}

TEST(NumericalHonesty, DiagonalOverThreeHundredDecadesIsNotOk) {
    const AnalysisResult result = analyze_diagonal(log_range(-150, 150, 31), 1.0, 20);
    expect_resolved_factors_true(result, 1.0);
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(mentions(result.warnings, "below what the eigen step resolves"));
}

TEST(NumericalHonesty, WellScaledDiagonalStaysOk) {
    const Vector diagonal = log_range(-2, 2, 40);
    const AnalysisResult result = analyze_diagonal(diagonal, 1e-3, 10);
    EXPECT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings[0]);
    expect_resolved_factors_true(result, 1e-3);
    for (const DirectionDecay& d : result.lambdas[0].decay.directions) EXPECT_TRUE(d.resolved);
    EXPECT_TRUE(result.lambdas[0].decay.self_check_holds);
    EXPECT_GT(result.lambdas[0].decay.self_check_tolerance, 0);
}

TEST(NumericalHonesty, TinyScaleMatrixConvergesToTheTrueEigenvalues) {
    // ARPACK's absolute floor ε^{2/3} would pass every Ritz pair of 1e-20·H at once.
    const Vector diagonal = 1e-20 * Vector::LinSpaced(60, 1.0, 60.0);
    const SparseMatrix h = diagonal_matrix(diagonal);
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = 5;
    const Eigenpairs pairs = compute_top_eigenpairs(op, options);
    ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
    for (Index j = 0; j < 5; ++j)
        EXPECT_NEAR(pairs.values[j], 1e-20 * (60.0 - static_cast<double>(j)), 1e-28) << j;
}

// The decay analysis of a 30×30 matrix with a known spectrum, from its exact
// eigenpairs (dense reference) and an exact solve.
struct SmallProblem {
    DenseMatrix h;
    Eigenpairs pairs;
    Vector theta;
    Vector ridge;
    double lambda = 0.1;
};

SmallProblem small_problem() {
    SmallProblem p;
    const Vector spectrum = Vector::LinSpaced(30, 10.0, 0.1);
    p.h = testing::matrix_with_spectrum(spectrum, 7);
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(p.h);
    p.pairs.values = eigen.eigenvalues().reverse().head(5);
    p.pairs.vectors = eigen.eigenvectors().rowwise().reverse().leftCols(5);
    p.pairs.residuals.resize(5);
    for (Index j = 0; j < 5; ++j)
        p.pairs.residuals[j] =
            (p.h * p.pairs.vectors.col(j) - p.pairs.values[j] * p.pairs.vectors.col(j)).norm();
    p.pairs.converged = 5;
    p.pairs.status = EigenStatus::converged;
    p.theta = testing::random_vector(30, 8);
    p.ridge = testing::dense_ridge_transform(p.h, p.theta, p.lambda);
    return p;
}

TEST(NumericalHonesty, SelfCheckHoldsForTheExactSolveAndFailsBeyondItsTolerance) {
    const SmallProblem p = small_problem();
    const DecayAnalysis exact =
        analyze_decay(p.pairs, p.theta, Vector(), p.lambda, p.ridge, true, {}, 1e-15);
    EXPECT_TRUE(exact.ok()) << (exact.failures.empty() ? "" : exact.failures[0]);
    EXPECT_LE(exact.self_check_max_abs_error, exact.self_check_tolerance);
    // A solve 1e-6 off along q_2: far beyond what residuals of 1e-14 allow.
    const Vector wrong = p.ridge + 1e-6 * p.pairs.vectors.col(1);
    const DecayAnalysis failed =
        analyze_decay(p.pairs, p.theta, Vector(), p.lambda, wrong, true, {}, 1e-15);
    EXPECT_FALSE(failed.self_check_holds);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.failures[0].find("self-check failed at λ = 0.1: q_2"), std::string::npos)
        << failed.failures[0];
    // The same error is within the tolerance of a solve with relative residual 1e-5.
    const DecayAnalysis loose =
        analyze_decay(p.pairs, p.theta, Vector(), p.lambda, wrong, true, {}, 1e-5);
    EXPECT_TRUE(loose.self_check_holds);
}

TEST(NumericalHonesty, TailBoundViolationIsAFailure) {
    SmallProblem p = small_problem();
    // Claim the bottom five pairs are the top five: the tail then holds the
    // large eigenvalues, and the bound σ_k/(σ_k+λ)‖r‖ fails.
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(p.h);
    p.pairs.values = eigen.eigenvalues().head(5).reverse();
    p.pairs.vectors = eigen.eigenvectors().leftCols(5).rowwise().reverse();
    const DecayAnalysis analysis =
        analyze_decay(p.pairs, p.theta, Vector(), p.lambda, p.ridge, true, {}, 1e-15);
    EXPECT_TRUE(analysis.tail.bound_applies);
    EXPECT_FALSE(analysis.tail.bound_holds);
    EXPECT_TRUE(mentions(analysis.failures, "tail bound violated at λ = 0.1"));
}

TEST(NumericalHonesty, ExactDfResolutionBoundCoversTheTrueDf) {
    const Vector diagonal = log_range(-150, 150, 31);
    const std::vector<double> lambdas = {1e-10, 1.0, 1e160};
    const Vector df = exact_effective_dof(diagonal, lambdas);
    const Vector bound = exact_effective_dof_resolution(diagonal, lambdas);
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        double truth = 0;
        for (Index j = 0; j < diagonal.size(); ++j)
            truth += diagonal[j] / (diagonal[j] + lambdas[i]);
        EXPECT_LE(std::abs(df[static_cast<Index>(i)] - truth), bound[static_cast<Index>(i)] + 1e-9)
            << "λ = " << lambdas[i];
    }
    EXPECT_GT(bound[0], 10.0);  // 15.5 true vs 2 counted: said, not hidden
    EXPECT_LT(bound[2], 1e-6);  // λ far above: every f is tiny either way
    // A well-scaled spectrum has a negligible bound.
    const Vector mild = log_range(-3, 3, 50);
    EXPECT_LT(exact_effective_dof_resolution(mild, {1e-4})[0], 1e-5);
}

PathResult diagonal_path(const Vector& diagonal, const std::vector<double>& lambdas,
                         Index exact_limit, Index steps) {
    const SparseMatrix h = diagonal_matrix(diagonal);
    const SparseSymmetricOperator op(h);
    HessianProblem problem{op};
    problem.matrix = &h;
    problem.theta = Vector::Ones(diagonal.size());
    PathOptions options;
    options.lambdas = lambdas;
    options.eigen.k = 4;
    options.exact_dof_limit = exact_limit;
    options.slq.probes = 8;
    options.slq.lanczos_steps = steps;
    options.slq.max_lanczos_steps = steps;
    return compute_path(problem, options);
}

TEST(NumericalHonesty, PathReportsTheSlqQuadratureErrorAndDistrustsLargeOnes) {
    // σ from 1e-6 to 10, 20 Lanczos steps: at λ = 1e-6 the quadrature cannot
    // resolve the small eigenvalues.
    const Vector diagonal = log_range(-6, 1, 1500);
    const std::vector<double> lambdas = {1e-6, 1.0};
    const PathResult path = diagonal_path(diagonal, lambdas, 0, 20);
    ASSERT_EQ(path.df_method, "slq");
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        double truth = 0;
        for (Index j = 0; j < diagonal.size(); ++j)
            truth += diagonal[j] / (diagonal[j] + lambdas[i]);
        const PathPoint& point = path.points[i];
        EXPECT_EQ(point.df_quadrature_error,
                  path.spectrum.df_quadrature_error[static_cast<Index>(i)]);
        EXPECT_LE(std::abs(point.df - truth),
                  point.df_quadrature_error + 4 * point.df_stderr + 1e-9 * truth)
            << "λ = " << lambdas[i];
    }
    EXPECT_GT(path.points[0].df_quadrature_error, 0.05 * path.points[0].df);
    EXPECT_FALSE(path.points[0].df_reliable);
    EXPECT_NE(path.points[0].df_note.find("quadrature error"), std::string::npos);
    EXPECT_FALSE(path.ok);
    EXPECT_TRUE(mentions(path.warnings, "df is not determined to 5 %"));
}

TEST(NumericalHonesty, PathExactDfOverThreeHundredDecadesIsNotPresentedAsExact) {
    const Vector diagonal = log_range(-150, 150, 31);
    const PathResult path = diagonal_path(diagonal, {1e-10}, 100, 10);
    ASSERT_EQ(path.df_method, "exact");
    double truth = 0;
    for (Index j = 0; j < diagonal.size(); ++j) truth += diagonal[j] / (diagonal[j] + 1e-10);
    const PathPoint& point = path.points[0];
    EXPECT_LE(std::abs(point.df - truth), point.df_resolution_error + 1e-9);
    EXPECT_FALSE(point.df_reliable);
    EXPECT_FALSE(path.ok);
}

TEST(NumericalHonesty, PathOnWellScaledDiagonalIsReliable) {
    const Vector diagonal = log_range(-2, 1, 200);
    const PathResult path = diagonal_path(diagonal, {1e-1, 1.0}, 300, 40);
    EXPECT_EQ(path.df_method, "exact");
    for (const PathPoint& point : path.points) {
        EXPECT_TRUE(point.df_reliable) << point.df_note;
        EXPECT_LT(point.df_resolution_error, 1e-6);
    }
}

}  // namespace
}  // namespace ridgelens
