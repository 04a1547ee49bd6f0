// The spectral step computed once: analyze's eigenpairs and PSD verdict given
// to compute_path (and back) give the same results as computing them afresh,
// with fewer products with H; eigenvalues and solves against dense references.

#include <gtest/gtest.h>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace ridgelens {
namespace {

struct Problem {
    DenseMatrix h;
    SparseMatrix sparse;
    Vector theta;
};

Problem make_problem() {
    Problem p;
    Vector spectrum = Vector::LinSpaced(200, 1e-2, 2.0);
    spectrum.head(6) << 400, 150, 70, 30, 12, 6;
    p.h = testing::matrix_with_spectrum(spectrum, 21);
    p.sparse = testing::to_sparse(p.h);
    p.theta = testing::random_vector(200, 22);
    return p;
}

PathOptions path_options() {
    PathOptions options;
    options.lambdas = log_spaced(1e-2, 1e2, 9);
    options.eigen.k = 6;
    options.slq.probes = 10;
    return options;
}

TEST(SpectralStep, AnalyzeEigenpairsReusedByThePath) {
    const Problem p = make_problem();
    const SparseSymmetricOperator matrix(p.sparse);

    // analyze: the spectral step, its eigenvalues against the dense reference.
    HessianProblem problem{matrix};
    problem.theta = p.theta;
    AnalyzeOptions analyze_options;
    analyze_options.lambdas = {0.1, 1.0};
    analyze_options.eigen.k = 6;
    const AnalysisResult analysis = analyze(problem, analyze_options);
    ASSERT_TRUE(analysis.ok) << (analysis.warnings.empty() ? "" : analysis.warnings.front());
    EXPECT_FALSE(analysis.spectral_reused);
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> dense(p.h);
    ASSERT_EQ(analysis.eigen.values.size(), 6);
    for (Index j = 0; j < 6; ++j)
        EXPECT_NEAR(analysis.eigen.values[j], dense.eigenvalues()[199 - j], 1e-8 * 400);

    // The path afresh, and with analyze's step, each on its own counted H.
    const CountingOperator fresh_counter(matrix);
    HessianProblem fresh_problem{fresh_counter};
    fresh_problem.theta = p.theta;
    const PathResult fresh = compute_path(fresh_problem, path_options());
    const CountingOperator reuse_counter(matrix);
    HessianProblem reuse_problem{reuse_counter};
    reuse_problem.theta = p.theta;
    PathOptions reuse_options = path_options();
    reuse_options.spectral = spectral_step(analysis);
    const PathResult reused = compute_path(reuse_problem, reuse_options);
    ASSERT_TRUE(fresh.ok) << (fresh.warnings.empty() ? "" : fresh.warnings.front());
    ASSERT_TRUE(reused.ok) << (reused.warnings.empty() ? "" : reused.warnings.front());
    EXPECT_FALSE(fresh.spectral_reused);
    EXPECT_TRUE(reused.spectral_reused);
    EXPECT_EQ(reused.psd.psd, fresh.psd.psd);

    // Fewer products: the top-k run and the PSD check were not repeated.
    const std::int64_t saved = fresh.eigen.matvecs + fresh.psd.smallest.matvecs;
    EXPECT_GT(saved, 0);
    EXPECT_LE(reuse_counter.applications(), fresh_counter.applications() - saved);

    // The same path: θ̂_ridge(λ) against dense solves, df against the dense spectrum.
    ASSERT_EQ(reused.points.size(), fresh.points.size());
    const Vector b = p.h * p.theta;
    for (std::size_t i = 0; i < reused.points.size(); ++i) {
        const PathPoint& a = fresh.points[i];
        const PathPoint& r = reused.points[i];
        const double lambda = r.lambda;
        const Vector reference = (p.h + lambda * DenseMatrix::Identity(200, 200)).llt().solve(b);
        EXPECT_NEAR(r.ridge_norm, reference.norm(), 1e-7 * reference.norm()) << lambda;
        EXPECT_NEAR(r.ridge_norm, a.ridge_norm, 1e-7 * reference.norm()) << lambda;
        double df = 0;
        for (Index j = 0; j < 200; ++j)
            df += dense.eigenvalues()[j] / (dense.eigenvalues()[j] + lambda);
        EXPECT_NEAR(r.df, df, 1e-8 * df) << lambda;
        ASSERT_EQ(r.coefficients.size(), a.coefficients.size());
        for (std::size_t j = 0; j < r.coefficients.size(); ++j)
            EXPECT_NEAR(r.coefficients[j], a.coefficients[j], 1e-7 * p.theta.norm());
    }

    // And back: analyze with the path's step gives analyze's decay table.
    AnalyzeOptions again = analyze_options;
    again.spectral = spectral_step(fresh);
    const AnalysisResult second = analyze(problem, again);
    ASSERT_TRUE(second.ok);
    EXPECT_TRUE(second.spectral_reused);
    for (std::size_t i = 0; i < second.lambdas.size(); ++i)
        for (std::size_t j = 0; j < 6; ++j)
            EXPECT_NEAR(second.lambdas[i].decay.directions[j].factor,
                        analysis.lambdas[i].decay.directions[j].factor, 1e-9);
}

TEST(SpectralStep, TakesTheFirstKPairsAndRefusesAStepThatDoesNotFit) {
    const Problem p = make_problem();
    const SparseSymmetricOperator matrix(p.sparse);
    HessianProblem problem{matrix};
    problem.theta = p.theta;
    const PathResult full = compute_path(problem, path_options());
    ASSERT_TRUE(full.ok);

    PathOptions fewer = path_options();
    fewer.eigen.k = 3;
    fewer.path_directions = 3;
    fewer.spectral = spectral_step(full);
    const PathResult three = compute_path(problem, fewer);
    EXPECT_TRUE(three.spectral_reused);
    ASSERT_EQ(three.eigen.values.size(), 3);
    EXPECT_EQ(three.eigen.vectors.cols(), 3);
    EXPECT_EQ(three.eigen.requested, 3);
    for (Index j = 0; j < 3; ++j) EXPECT_EQ(three.eigen.values[j], full.eigen.values[j]);

    PathOptions more = path_options();
    more.eigen.k = 8;
    more.spectral = spectral_step(full);
    EXPECT_THROW(compute_path(problem, more), UsageError) << "6 pairs given, 8 asked";

    // A step of another H (fewer rows) is refused.
    const SparseMatrix small = testing::to_sparse(p.h.topLeftCorner(100, 100));
    const SparseSymmetricOperator other(small);
    HessianProblem other_problem{other};
    other_problem.theta = p.theta.head(100);
    AnalyzeOptions options;
    options.lambdas = {1.0};
    options.eigen.k = 6;
    options.spectral = spectral_step(full);
    EXPECT_THROW(analyze(other_problem, options), UsageError);
}

}  // namespace
}  // namespace ridgelens
