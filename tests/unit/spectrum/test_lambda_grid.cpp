// LambdaGrid: the one check of a λ, the caller's order, the sorted distinct
// view the path uses, and the uses that take it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/spectrum/lambda_grid.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"

namespace ridgelens {
namespace {

using ::testing::HasSubstr;

std::string usage_message(const std::function<void()>& action) {
    try {
        action();
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

TEST(LambdaGrid, KeepsOrderAndOffersTheSortedDistinctView) {
    const LambdaGrid grid = {1.0, 0.0, 0.5, 1.0};
    EXPECT_EQ(grid, (std::vector<double>{1.0, 0.0, 0.5, 1.0}));
    EXPECT_EQ(grid.sorted_distinct(), (std::vector<double>{0.0, 0.5, 1.0}));
    const std::vector<double> copy = grid;  // reads as a vector
    EXPECT_EQ(copy.size(), 4u);
    EXPECT_TRUE(LambdaGrid{}.empty());
    EXPECT_THAT(usage_message([] { LambdaGrid{}.require_nonempty("analyze"); }),
                HasSubstr("analyze: the λ grid (LambdaGrid) is empty"));
}

TEST(LambdaGrid, RefusesEachInvalidValueWithOneMessage) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (const double bad : {-1.0, nan, inf, -inf}) {
        const std::string message = usage_message([&] { (void)LambdaGrid({0.1, bad}); });
        EXPECT_THAT(message, HasSubstr("LambdaGrid: λ = ")) << bad;
        EXPECT_THAT(message, HasSubstr("(entry 2 of 2) is invalid; λ must be finite and >= 0"));
    }
    EXPECT_THAT(usage_message([] { (void)LambdaGrid(std::vector<double>{-1.0}); }),
                HasSubstr("λ = -1 (entry 1 of 1)"));
    EXPECT_THROW(log_spaced(0.0, 1.0, 3), UsageError) << "log spacing needs λ > 0";
}

TEST(LambdaGrid, ThePathSolvesTheSortedDistinctValues) {
    // H = diag(1..40): θ̂_ridge(λ) = σ_i θ_i/(σ_i + λ) in closed form.
    const Index n = 40;
    const Vector sigma = Vector::LinSpaced(n, 1.0, 40.0);
    const MatrixFreeOperator hessian(n, [&](const double* x, double* y) {
        for (Index i = 0; i < n; ++i) y[i] = sigma[i] * x[i];
    });
    HessianProblem problem{hessian};
    problem.theta = Vector::Ones(n);
    PathOptions options;
    options.lambdas = {10.0, 0.0, 1.0, 10.0};
    options.eigen.k = 4;
    options.slq.probes = 4;
    PathResult result = compute_path(problem, options);
    ASSERT_EQ(result.points.size(), 3u);
    const std::vector<double> expected = {0.0, 1.0, 10.0};
    for (std::size_t i = 0; i < 3; ++i) {
        const double lambda = expected[i];
        EXPECT_EQ(result.points[i].lambda, lambda);
        const Vector closed_form = (sigma.array() / (sigma.array() + lambda)).matrix();  // θ = 1
        EXPECT_NEAR(result.points[i].ridge_norm, closed_form.norm(), 1e-8 * closed_form.norm());
        const double df = (sigma.array() / (sigma.array() + lambda)).sum();
        EXPECT_NEAR(result.points[i].df, df, 1e-9 * df);
    }
    EXPECT_TRUE(std::isnan(result.points[0].log_det)) << "log det(I + H/λ) is infinite at λ = 0";

    EXPECT_THROW(extend_path(problem, options, {-1.0}, result), UsageError);
    EXPECT_THAT(usage_message([&] { extend_path(problem, options, {1.0}, result); }),
                HasSubstr("already on the path"));
    EXPECT_THAT(usage_message([&] { exact_effective_dof(sigma, LambdaGrid{}); }),
                HasSubstr("exact_effective_dof: the λ grid (LambdaGrid) is empty"));
}

}  // namespace
}  // namespace ridgelens
