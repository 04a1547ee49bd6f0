// ridgelens-mpi fit against single-machine references, on whatever number of
// ranks mpiexec gave: the fit on a8a logistic (θ̂ checked by the full-data
// gradient, the analysis and the approximation study against the
// single-machine fit_and_analyze). The path: test_mpi_path.cpp.

#include <gtest/gtest.h>

#include <cmath>

#include "model_pair.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/mpi/distributed_fit.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

TEST(DistributedFit, A8aLogisticEqualsSingleMachine) {
    RIDGELENS_REQUIRE_DATA(path, "ml/a8a.libsvm");
    const MPI_Comm comm = PETSC_COMM_WORLD;
    testing::ModelPair models = testing::load_model_pair(comm, path, "logistic");
    mpi::DistributedModel& distributed = *models.distributed;
    const std::unique_ptr<LinearModel>& reference = models.reference;
    mpi::ReplicatedModel replicated(distributed);

    FitAnalysisOptions options;
    options.fit.base_lambda = 1e-3;
    options.analysis.lambdas = {1e-3, 1e-2};
    options.analysis.eigen.k = 5;
    options.analysis.solver = SolverChoice::cg;
    const FitAnalysisResult result = mpi::fit_and_analyze(distributed, replicated, options);
    ASSERT_TRUE(result.fit.converged) << result.fit.message;
    ASSERT_TRUE(result.analyzed);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(replicated.samples(), models.global_samples);

    // θ̂ is a minimizer by the full-data gradient: ‖∇R + λ₀θ̂‖ at the tolerance.
    Vector gradient;
    reference->evaluate(result.fit.theta, &gradient);
    EXPECT_LT((gradient + 1e-3 * result.fit.theta).norm(), 1e-7);
    EXPECT_NEAR(result.gradient_norm, gradient.norm(), 1e-10 * gradient.norm());

    const FitAnalysisResult expected = fit_and_analyze(*reference, options);
    ASSERT_TRUE(expected.analyzed);
    // λ₀-strong convexity: ‖θ − θ*‖ ≤ ‖∇F‖/λ₀ ≤ 1e-8/1e-3 for each fit.
    EXPECT_LT((result.fit.theta - expected.fit.theta).norm(), 2e-5);
    for (Index j = 0; j < 5; ++j)
        EXPECT_NEAR(result.analysis.eigen.values[j], expected.analysis.eigen.values[j],
                    1e-7 * expected.analysis.eigen.values[0])
            << "σ_" << j + 1;
    ASSERT_EQ(result.analysis.lambdas.size(), 2u);
    ASSERT_EQ(result.approximation.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const LambdaResult& got = result.analysis.lambdas[i];
        const LambdaResult& want = expected.analysis.lambdas[i];
        EXPECT_TRUE(got.ridge.ok()) << got.ridge.message;
        EXPECT_NEAR(got.ridge_norm, want.ridge_norm, 1e-4 * want.ridge_norm);
        // |c_j| (eigenvector signs are arbitrary).
        for (Index j = 0; j < 5; ++j)
            EXPECT_NEAR(std::abs(got.decay.directions[j].component),
                        std::abs(want.decay.directions[j].component), 1e-4);
        const ApproximationResult& a = result.approximation[i];
        const ApproximationResult& b = expected.approximation[i];
        EXPECT_TRUE(a.converged) << a.message;
        EXPECT_NEAR(a.relative_error, b.relative_error, 1e-4);
        EXPECT_NEAR(a.ridge_objective, b.ridge_objective, 1e-9);
    }
    // λ = λ₀ gives back θ̂.
    EXPECT_LT(result.approximation[0].relative_error, 1e-4);
}

}  // namespace
}  // namespace ridgelens
