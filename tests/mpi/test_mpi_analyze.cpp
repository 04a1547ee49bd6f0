// One analysis pipeline: the library's analyze on a partitioned operator
// (this rank's rows, SLEPc's eigensolvers) gives the same eigenvalues, ridge
// norms, stationary points and decay tables, to the solver tolerances, as the
// single-process analyze of the same matrix (whole vectors, the library's
// Lanczos), on whatever number of ranks mpiexec gave; the eigenvalues are
// also checked against a dense eigendecomposition. Definite (Jacobi CG λ by
// λ, and deflated multi-shift CG with a gradient) and indefinite (MINRES for
// a saddle, the most negative pairs in the table).

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "partitioned_problem.hpp"
#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace ridgelens {
namespace {

#define world PETSC_COMM_WORLD

constexpr Index n = 60;

/// σ_j = 10·0.8^j (well separated), the last three replaced by `negative`.
Vector spectrum(const std::vector<double>& negative) {
    Vector sigma(n);
    for (Index j = 0; j < n; ++j) sigma[j] = 10 * std::pow(0.8, static_cast<double>(j));
    for (std::size_t i = 0; i < negative.size(); ++i)
        sigma[n - 1 - static_cast<Index>(i)] = negative[i];
    return sigma;
}

struct Case {
    std::vector<double> negative;  ///< eigenvalues replacing the smallest ones
    std::vector<double> lambdas;
    bool diagonal = true;  ///< Jacobi CG λ by λ (else deflated multi-shift CG)
    bool gradient = false;
};

void expect_same_direction(const DirectionDecay& got, const DirectionDecay& want, double theta_norm,
                           double ridge_norm, double sigma_1) {
    const std::string at = "direction j = " + std::to_string(want.j);
    EXPECT_EQ(got.j, want.j) << at;
    EXPECT_EQ(got.kind, want.kind) << at;
    EXPECT_EQ(got.effect, want.effect) << at;
    EXPECT_EQ(got.resolved, want.resolved) << at;
    EXPECT_NEAR(got.sigma, want.sigma, 1e-8 * sigma_1) << at;
    EXPECT_NEAR(got.factor, want.factor, 1e-8) << at;
    // Eigenvector signs are arbitrary: |c_j|, |predicted|, |solved|.
    EXPECT_NEAR(std::abs(got.component), std::abs(want.component), 1e-7 * theta_norm) << at;
    EXPECT_NEAR(std::abs(got.shrunk), std::abs(want.shrunk), 1e-7 * ridge_norm) << at;
    EXPECT_NEAR(std::abs(got.solved), std::abs(want.solved), 1e-7 * ridge_norm) << at;
}

void expect_same_lambda(const LambdaResult& got, const LambdaResult& want, double theta_norm,
                        double sigma_1) {
    const std::string at = "λ = " + std::to_string(want.lambda);
    EXPECT_EQ(got.stationary, want.stationary) << at << ": " << got.stationary_reason;
    EXPECT_EQ(got.ridge.solver, want.ridge.solver) << at;
    EXPECT_TRUE(got.ridge.ok()) << at << ": " << got.ridge.message;
    EXPECT_TRUE(want.ridge.ok()) << at << ": " << want.ridge.message;
    EXPECT_NEAR(got.ridge_norm, want.ridge_norm, 1e-8 * want.ridge_norm) << at;
    const DecayAnalysis& a = got.decay;
    const DecayAnalysis& b = want.decay;
    EXPECT_EQ(a.ok(), b.ok()) << at;
    EXPECT_EQ(a.self_check_holds, b.self_check_holds) << at;
    EXPECT_EQ(a.unresolved, b.unresolved) << at;
    EXPECT_NEAR(a.tail.theta_tail_norm, b.tail.theta_tail_norm, 1e-7 * theta_norm) << at;
    EXPECT_NEAR(a.tail.ridge_tail_norm, b.tail.ridge_tail_norm, 1e-7 * want.ridge_norm) << at;
    EXPECT_EQ(a.tail.bound_applies, b.tail.bound_applies) << at;
    EXPECT_EQ(a.tail.bound_holds, b.tail.bound_holds) << at;
    ASSERT_EQ(a.directions.size(), b.directions.size()) << at;
    for (std::size_t j = 0; j < a.directions.size(); ++j)
        expect_same_direction(a.directions[j], b.directions[j], theta_norm, want.ridge_norm,
                              sigma_1);
}

class PartitionedAnalyze : public ::testing::TestWithParam<Case> {};

TEST_P(PartitionedAnalyze, EqualsSingleProcessAnalyze) {
    const Case& c = GetParam();
    const Vector sigma = spectrum(c.negative);
    const DenseMatrix dense = testing::matrix_with_spectrum(sigma, 11);
    const SparseMatrix sparse = testing::to_sparse(dense);
    const Vector theta = testing::random_vector(n, 3);
    const Vector gradient = c.gradient ? Vector(0.1 * testing::random_vector(n, 4)) : Vector();

    AnalyzeOptions options;
    options.lambdas = c.lambdas;
    options.eigen.k = 5;
    options.solver = SolverChoice::cg;
    options.cg.tolerance = 1e-12;

    // The single-process reference, on every rank.
    const SparseSymmetricOperator whole(sparse);
    HessianProblem single_problem{whole};
    single_problem.theta = theta;
    single_problem.gradient = gradient;
    if (c.diagonal) single_problem.diagonal = Vector(dense.diagonal());
    const AnalysisResult want = analyze(single_problem, options);

    testing::PartitionedProblem d(mpi::distribute_matrix(world, sparse), theta, c.diagonal);
    if (c.gradient) d.problem.gradient = d.op.local_rows(gradient);
    const AnalysisResult got = analyze(d.problem, d.with_eigensolvers(options));

    EXPECT_EQ(got.ok, want.ok);
    EXPECT_EQ(got.solver, want.solver);
    EXPECT_EQ(got.psd.psd, want.psd.psd) << got.psd.evidence;
    ASSERT_EQ(got.eigen.status, EigenStatus::converged) << got.eigen.message;
    ASSERT_EQ(want.eigen.status, EigenStatus::converged) << want.eigen.message;
    EXPECT_EQ(got.eigen.vectors.rows(), d.op.rows());
    const Vector reference = testing::dense_eigenvalues_descending(dense);
    for (Index j = 0; j < 5; ++j) {
        EXPECT_NEAR(got.eigen.values[j], reference[j], 1e-9 * reference[0]) << "σ_" << j + 1;
        EXPECT_NEAR(got.eigen.values[j], want.eigen.values[j], 1e-9 * reference[0]);
    }
    ASSERT_EQ(got.psd.negative.values.size(), want.psd.negative.values.size());
    ASSERT_EQ(got.psd.negative.values.size(), static_cast<Index>(c.negative.size()));
    for (Index j = 0; j < got.psd.negative.values.size(); ++j)
        EXPECT_NEAR(got.psd.negative.values[j], reference[n - 1 - j], 1e-8 * reference[0])
            << "σ_" << n - j;
    ASSERT_EQ(got.lambdas.size(), want.lambdas.size());
    for (std::size_t i = 0; i < got.lambdas.size(); ++i)
        expect_same_lambda(got.lambdas[i], want.lambdas[i], theta.norm(), reference[0]);
    // θ̂_ridge itself: this rank's rows of the single-process one.
    for (std::size_t i = 0; i < got.lambdas.size(); ++i) {
        const Vector& x = want.lambdas[i].ridge.x;
        EXPECT_LT((d.gather(got.lambdas[i].ridge.x) - x).norm(), 1e-8 * x.norm());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PartitionedAnalyze,
    ::testing::Values(Case{{}, {1e-2, 1.0}, true, false},  // Jacobi CG λ by λ
                      Case{{}, {1e-2, 1.0}, false, true},  // deflated multi-shift CG, g ≠ 0
                      Case{{-3.0, -1.5, -0.75}, {5.0, 1.0}, true, false}),  // a saddle at λ = 1
    [](const ::testing::TestParamInfo<Case>& info) {
        const Case& c = info.param;
        return std::string(!c.negative.empty() ? "indefinite_saddle"
                           : c.diagonal        ? "jacobi_cg"
                                               : "multishift_cg_with_gradient");
    });

}  // namespace
}  // namespace ridgelens
