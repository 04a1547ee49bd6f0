// train_network against independent references: ∇F recomputed at the
// returned θ̂, the smallest eigenvalue of the dense Hessian (formed by central
// differences of the gradient) by LAPACK, and a start at a known saddle.

#include <gtest/gtest.h>

#include <random>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/mlp.hpp"
#include "ridgelens/model/network_training.hpp"

namespace ridgelens {
namespace {

// n samples of d N(0,1) features, labels i mod 3 (balanced when 3 | n).
MlpModel small_network(Index hidden, Index n, Index d, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<double> normal;
    DenseMatrix x(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j) x(i, j) = normal(random);
    Vector labels(n);
    for (Index i = 0; i < n; ++i) labels[i] = static_cast<double>(i % 3);
    MlpArchitecture architecture;
    architecture.hidden = {hidden};
    architecture.activation = Activation::tanh;
    architecture.loss = MlpLoss::cross_entropy;
    MlpModel model(FeatureMatrix::dense(std::move(x)), labels, architecture);
    model.set_block_samples(16);
    return model;
}

Vector penalized_gradient(const Model& model, const Vector& theta, double lambda) {
    Vector g;
    model.evaluate(theta, &g);
    return g + lambda * theta;
}

double penalized_objective(const Model& model, const Vector& theta, double lambda) {
    return model.evaluate(theta, nullptr) + 0.5 * lambda * theta.squaredNorm();
}

// σ_min of ∇²F = H + λ₀I, H by central differences of the gradient (LAPACK).
double smallest_hessian_eigenvalue(const Model& model, const Vector& theta, double lambda) {
    const Index p = theta.size();
    const double h = 1e-5;
    DenseMatrix hessian(p, p);
    for (Index j = 0; j < p; ++j) {
        Vector plus = theta, minus = theta;
        plus[j] += h;
        minus[j] -= h;
        hessian.col(j) =
            (penalized_gradient(model, plus, lambda) - penalized_gradient(model, minus, lambda)) /
            (2 * h);
    }
    const Vector values =
        testing::dense_eigenvalues_descending(0.5 * (hessian + hessian.transpose()));
    return values[p - 1];
}

TEST(NetworkTraining, ReachesATightToleranceAtAMinimizer) {
    MlpModel model = small_network(6, 60, 4, 7);
    const double lambda = 1e-2;
    NetworkTrainingOptions options;
    options.newton.base_lambda = lambda;
    options.newton.gradient_tolerance = 1e-8;
    options.lbfgs_iterations = 30;  // leave most of the work to the trust-region phases
    const FitResult fit = train_network(model, options, model.initial_parameters(1));
    ASSERT_TRUE(fit.converged) << fit.message;
    // Recomputed, not trusted: ‖∇R(θ̂) + λ₀θ̂‖ at the returned θ̂.
    const double recomputed = penalized_gradient(model, fit.theta, lambda).norm();
    EXPECT_LE(recomputed, 1e-8);
    EXPECT_NEAR(fit.gradient_norm, recomputed, 1e-15);
    EXPECT_NEAR(fit.objective, penalized_objective(model, fit.theta, lambda), 1e-14);
    // `converged` claims a minimizer: no negative eigenvalue of ∇²F (to the
    // differencing error, about 1e-9 here).
    EXPECT_GE(smallest_hessian_eigenvalue(model, fit.theta, lambda), -1e-7) << fit.message;
    EXPECT_NE(fit.message.find("trust-region Newton-CG on the Hessian"), std::string::npos);
    EXPECT_EQ(model.curvature(), Curvature::hessian);  // restored after training
}

TEST(NetworkTraining, LeavesASaddleStart) {
    // θ = 0: every hidden unit is tanh(0) = 0 and the output weights are 0,
    // so with balanced classes ∇R(0) = 0; the coupling of the two layers'
    // weights through mean((p − y)xᵀ) makes ∇²F indefinite: a saddle.
    MlpModel model = small_network(4, 60, 3, 5);
    const double lambda = 1e-2;
    const Vector zero = Vector::Zero(model.parameters());
    ASSERT_LE(penalized_gradient(model, zero, lambda).norm(), 1e-14);
    ASSERT_LT(smallest_hessian_eigenvalue(model, zero, lambda), -1e-3);
    NetworkTrainingOptions options;
    options.newton.base_lambda = lambda;
    options.newton.gradient_tolerance = 1e-8;
    const FitResult fit = train_network(model, options, zero);
    ASSERT_TRUE(fit.converged) << fit.message;
    EXPECT_NE(fit.message.find("saddle escapes tried"), std::string::npos) << fit.message;
    EXPECT_LT(penalized_objective(model, fit.theta, lambda),
              penalized_objective(model, zero, lambda) - 1e-3);
    EXPECT_LE(penalized_gradient(model, fit.theta, lambda).norm(), 1e-8);
    EXPECT_GE(smallest_hessian_eigenvalue(model, fit.theta, lambda), -1e-7) << fit.message;
}

TEST(NetworkTraining, SaysWhenTheCurvatureWasNotChecked) {
    MlpModel model = small_network(3, 30, 3, 9);
    NetworkTrainingOptions options;
    options.newton.base_lambda = 1e-2;
    options.newton.gradient_tolerance = 1e-6;
    options.curvature_check_restarts = 0;
    const FitResult fit = train_network(model, options, model.initial_parameters(2));
    ASSERT_TRUE(fit.converged) << fit.message;
    EXPECT_NE(fit.message.find("curvature not checked"), std::string::npos) << fit.message;
    options.initial_radius = 0;
    EXPECT_THROW(train_network(model, options, model.initial_parameters(2)), UsageError);
}

}  // namespace
}  // namespace ridgelens
