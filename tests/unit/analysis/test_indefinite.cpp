// An indefinite H through analyze and compute_path: the most negative
// eigenpairs, the decay factors of negative directions, the saddles solved by
// MINRES, the singular λ, and df on the positive part — every number against
// a dense eigendecomposition or a dense LU solve (Eigen, not the library).

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <nlohmann/json.hpp>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/report/path_report.hpp"

namespace ridgelens {
namespace {

// σ = −2, −1 and a positive bulk in [0.5, 10].
Vector indefinite_spectrum(Index n) {
    Vector spectrum = Vector::LinSpaced(n, 0.5, 10.0);
    spectrum[0] = -2.0;
    spectrum[1] = -1.0;
    return spectrum;
}

// x = (H + λI)⁻¹(Hθ̂) by a dense LU solve.
Vector dense_stationary_point(const DenseMatrix& h, const Vector& theta, double lambda) {
    const Index n = h.rows();
    return (h + lambda * DenseMatrix::Identity(n, n)).partialPivLu().solve(h * theta);
}

struct IndefiniteProblem {
    DenseMatrix h;
    SparseMatrix sparse;
    std::unique_ptr<SparseSymmetricOperator> op;
    HessianProblem problem;

    IndefiniteProblem(Index n, std::uint64_t seed)
        : h(testing::matrix_with_spectrum(indefinite_spectrum(n), seed)),
          sparse(testing::to_sparse(h)),
          op(std::make_unique<SparseSymmetricOperator>(sparse)),
          problem{*op} {
        problem.matrix = &sparse;
        problem.theta = testing::random_vector(n, seed + 1);
    }
};

class IndefiniteAnalysis : public ::testing::TestWithParam<SolverChoice> {};

TEST_P(IndefiniteAnalysis, SaddlesByMinresNegativePairsAndFlippedFactors) {
    IndefiniteProblem p(40, 13);
    if (GetParam() == SolverChoice::cg) p.problem.diagonal = p.op->diagonal();
    if (GetParam() == SolverChoice::dense) p.problem.dense = &p.h;
    AnalyzeOptions options;
    options.solver = GetParam();
    options.lambdas = {1.5, 0.3, 3.0};  // saddle, saddle, minimizer
    options.eigen.k = 5;
    options.cg.tolerance = 1e-12;
    const AnalysisResult result = analyze(p.problem, options);
    ASSERT_FALSE(result.psd.psd);
    EXPECT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings.back());

    // The most negative pairs against the dense eigendecomposition.
    Eigen::SelfAdjointEigenSolver<DenseMatrix> dense(p.h);
    const Eigenpairs& negative = result.psd.negative;
    ASSERT_EQ(negative.values.size(), 2);  // only σ < 0 are kept of the 3 requested
    EXPECT_NEAR(negative.values[0], dense.eigenvalues()[0], 1e-9);
    EXPECT_NEAR(negative.values[1], dense.eigenvalues()[1], 1e-9);
    for (Index j = 0; j < 2; ++j) {
        const Vector q = negative.vectors.col(j);
        const double residual = (p.h * q - negative.values[j] * q).norm();
        EXPECT_LT(residual, 1e-8);
        EXPECT_NEAR(negative.residuals[j], residual, 1e-10);
    }
    EXPECT_NEAR(result.psd.sigma_min(), -2.0, 1e-9);

    for (const LambdaResult& entry : result.lambdas) {
        const bool saddle = entry.lambda < 2.0;
        EXPECT_EQ(entry.stationary, saddle ? StationaryPoint::saddle : StationaryPoint::minimizer)
            << "λ = " << entry.lambda;
        ASSERT_TRUE(entry.ridge.ok()) << entry.ridge.message;
        if (saddle) EXPECT_EQ(entry.ridge.solver, SolverKind::minres);
        const Vector reference = dense_stationary_point(p.h, p.problem.theta, entry.lambda);
        EXPECT_LT((entry.ridge.x - reference).norm(), 1e-9 * reference.norm())
            << "λ = " << entry.lambda;
        // The decay table: 5 top rows, then j = n, n − 1 with f = σ/(σ+λ).
        ASSERT_EQ(entry.decay.directions.size(), 7u);
        for (std::size_t r = 5; r < 7; ++r) {
            const DirectionDecay& d = entry.decay.directions[r];
            const double sigma = dense.eigenvalues()[static_cast<Index>(r - 5)];
            EXPECT_TRUE(d.bottom);
            EXPECT_EQ(d.j, 40 - static_cast<Index>(r - 5));
            EXPECT_EQ(d.kind, CurvatureKind::negative);
            EXPECT_NEAR(d.factor, sigma / (sigma + entry.lambda), 1e-8);
            EXPECT_EQ(d.effect,
                      sigma + entry.lambda < 0 ? RidgeEffect::amplified : RidgeEffect::flipped);
            // The self-check holds on negative directions too.
            EXPECT_NEAR(d.solved, d.shrunk, 1e-8 * reference.norm());
        }
    }
    // At λ = 1.5: σ = −2 amplified (f = 4), σ = −1 flipped (f = −2).
    EXPECT_NEAR(result.lambdas[0].decay.directions[5].factor, 4.0, 1e-8);
    EXPECT_NEAR(result.lambdas[0].decay.directions[6].factor, -2.0, 1e-8);

    const nlohmann::json report = make_analysis_report(summarize(p.problem), result, {});
    EXPECT_EQ(report["status"], "ok");
    EXPECT_EQ(report["eigen"]["negative_eigenvalues"].size(), 2u);
    EXPECT_EQ(report["eigen"]["negative_eigenvalue_residuals"].size(), 2u);
    const nlohmann::json& first = report["lambdas"][0];
    EXPECT_EQ(first["stationary_point"], "saddle");
    EXPECT_FALSE(first.contains("partial"));
    EXPECT_FALSE(first["ridge"]["norm"].is_null());
    EXPECT_EQ(first["directions"][5]["effect"], "amplified");
    EXPECT_EQ(first["directions"][6]["effect"], "flipped");
    EXPECT_EQ(first["directions"][0]["effect"], "shrunk");
    EXPECT_EQ(report["lambdas"][2]["stationary_point"], "minimizer");
    // No --flags in library messages (the GGN advice belongs to the program).
    for (const std::string& warning : result.warnings)
        EXPECT_EQ(warning.find("--"), std::string::npos) << warning;
}

INSTANTIATE_TEST_SUITE_P(Solvers, IndefiniteAnalysis,
                         ::testing::Values(SolverChoice::cholmod, SolverChoice::cg,
                                           SolverChoice::dense, SolverChoice::automatic),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(IndefiniteAnalysis, LambdaEqualToMinusSigmaIsSingular) {
    IndefiniteProblem p(30, 17);
    AnalyzeOptions options;
    options.lambdas = {1.0, 2.0, 5.0};  // λ = −σ for σ = −1 and σ = −2
    options.eigen.k = 4;
    const AnalysisResult result = analyze(p.problem, options);
    EXPECT_FALSE(result.ok) << "a singular λ has no θ̂_ridge";
    for (std::size_t i = 0; i < 2; ++i) {
        const LambdaResult& entry = result.lambdas[i];
        EXPECT_EQ(entry.stationary, StationaryPoint::singular);
        EXPECT_EQ(entry.ridge.status, SolveStatus::singular) << entry.ridge.message;
        bool singular_row = false;
        for (const DirectionDecay& d : entry.decay.directions)
            singular_row |= d.effect == RidgeEffect::singular;
        EXPECT_TRUE(singular_row);
    }
    EXPECT_TRUE(result.lambdas[2].ridge.ok());
    const nlohmann::json report = make_analysis_report(summarize(p.problem), result, {});
    EXPECT_EQ(report["lambdas"][0]["ridge"]["status"], "singular");
    EXPECT_EQ(report["lambdas"][0]["stationary_point"], "singular");
    EXPECT_TRUE(report["lambdas"][0]["partial"].get<bool>());
}

TEST(IndefiniteAnalysis, NoNegativePairsWhenNoneRequestedOrPsd) {
    IndefiniteProblem p(30, 19);
    AnalyzeOptions options;
    options.lambdas = {3.0};
    options.eigen.k = 3;
    options.psd.negative_pairs = 0;
    const AnalysisResult none = analyze(p.problem, options);
    EXPECT_FALSE(none.psd.psd);
    EXPECT_EQ(none.psd.negative.values.size(), 0);
    EXPECT_EQ(none.lambdas[0].decay.directions.size(), 3u);

    const DenseMatrix psd = testing::matrix_with_spectrum(Vector::LinSpaced(30, 0.1, 5.0), 20);
    const SparseMatrix sparse = testing::to_sparse(psd);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.matrix = &sparse;
    problem.theta = testing::random_vector(30, 21);
    options.psd.negative_pairs = 3;
    const AnalysisResult positive = analyze(problem, options);
    EXPECT_TRUE(positive.psd.psd);
    EXPECT_EQ(positive.psd.negative.values.size(), 0);
    EXPECT_EQ(positive.lambdas[0].stationary, StationaryPoint::minimizer);
}

class IndefinitePath : public ::testing::TestWithParam<SolverChoice> {};

TEST_P(IndefinitePath, EveryLambdaComputedAndMarkedWithPositivePartDof) {
    IndefiniteProblem p(60, 31);
    if (GetParam() == SolverChoice::dense) p.problem.dense = &p.h;
    PathOptions options;
    options.lambdas = log_spaced(0.03, 30.0, 7);  // never exactly 1 or 2
    options.eigen.k = 5;
    options.solver = GetParam();
    options.slq.probes = 4;
    options.cg.tolerance = 1e-11;
    const PathResult result = compute_path(p.problem, options);
    EXPECT_TRUE(result.ok) << (result.warnings.empty() ? "" : result.warnings.back());
    EXPECT_EQ(result.df_method, "exact_positive_part");
    Eigen::SelfAdjointEigenSolver<DenseMatrix> dense(p.h);
    for (const PathPoint& point : result.points) {
        const bool saddle = point.lambda < 2.0;
        EXPECT_EQ(point.stationary, saddle ? StationaryPoint::saddle : StationaryPoint::minimizer)
            << "λ = " << point.lambda;
        EXPECT_EQ(point.status, SolveStatus::converged) << point.message;
        const Vector reference = dense_stationary_point(p.h, p.problem.theta, point.lambda);
        EXPECT_NEAR(point.ridge_norm, reference.norm(), 1e-8 * reference.norm());
        double df = 0;
        for (Index j = 0; j < 60; ++j) {
            const double sigma = dense.eigenvalues()[j];
            if (sigma > 0) df += sigma / (sigma + point.lambda);
        }
        EXPECT_NEAR(point.df, df, 1e-9 * df);
        EXPECT_TRUE(std::isnan(point.df_slq)) << "SLQ df on an indefinite H is not reported";
    }
    const nlohmann::json report = make_path_report(summarize(p.problem), result);
    EXPECT_EQ(report["path"][0]["stationary_point"], "saddle");
    EXPECT_EQ(report["path"][6]["stationary_point"], "minimizer");
    EXPECT_TRUE(report["path"][0]["df_slq"].is_null());
    EXPECT_FALSE(report["df_reason"].get<std::string>().empty());
}

INSTANTIATE_TEST_SUITE_P(Solvers, IndefinitePath,
                         ::testing::Values(SolverChoice::cholmod, SolverChoice::cg,
                                           SolverChoice::dense),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(IndefinitePath, WithoutTheExactSpectrumDfIsNotReportedAndSingularIsMarked) {
    IndefiniteProblem p(50, 41);
    PathOptions options;
    options.lambdas = {0.5, 1.0, 4.0};
    options.eigen.k = 4;
    options.solver = SolverChoice::cg;
    options.exact_dof_limit = 10;  // n = 50: SLQ only
    options.slq.probes = 4;
    const PathResult result = compute_path(p.problem, options);
    EXPECT_EQ(result.df_method, "none");
    EXPECT_FALSE(result.ok) << "λ = 1 = −σ is singular";
    EXPECT_EQ(result.points[1].status, SolveStatus::singular);
    EXPECT_EQ(result.points[1].stationary, StationaryPoint::singular);
    EXPECT_EQ(result.points[0].stationary, StationaryPoint::saddle);
    EXPECT_EQ(result.points[0].status, SolveStatus::converged);
    for (const PathPoint& point : result.points) EXPECT_TRUE(std::isnan(point.df));
    const nlohmann::json report = make_path_report(summarize(p.problem), result);
    EXPECT_TRUE(report["path"][2]["df"].is_null());
    EXPECT_EQ(report["path"][1]["status"], "singular");
    EXPECT_NE(report["df_reason"].get<std::string>().find("indefinite"), std::string::npos);
}

}  // namespace
}  // namespace ridgelens
