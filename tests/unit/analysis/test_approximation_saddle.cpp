// The approximation study started from a saddle of the quadratic model
// (λ < −σ_min at a point with negative curvature) on a tiny network: θ*_λ
// is refitted locally, and what the study says it is (local minimizer or
// saddle of F_λ, with σ_min(H(θ*_λ)) + λ) is checked against a dense Hessian
// formed by central differences of the gradient at θ*_λ and its LAPACK
// eigenvalues.

#include <gtest/gtest.h>

#include <random>

#include "reference.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/model/mlp.hpp"

namespace ridgelens {
namespace {

MlpModel tiny_network() {
    std::mt19937_64 random(5);
    std::normal_distribution<double> normal;
    const Index n = 40, d = 4;
    DenseMatrix x(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j) x(i, j) = normal(random);
    Vector labels(n);
    for (Index i = 0; i < n; ++i) labels[i] = static_cast<double>(i % 3);
    MlpArchitecture architecture;
    architecture.hidden = {5};
    MlpModel model(FeatureMatrix::dense(std::move(x)), labels, architecture);
    model.set_block_samples(8);
    return model;
}

Vector gradient_at(const Model& model, const Vector& theta) {
    Vector g;
    model.evaluate(theta, &g);
    return g;
}

DenseMatrix differenced_hessian(const Model& model, const Vector& theta, double h = 1e-5) {
    const Index p = model.parameters();
    DenseMatrix hessian(p, p);
    for (Index j = 0; j < p; ++j) {
        Vector plus = theta, minus = theta;
        plus[j] += h;
        minus[j] -= h;
        hessian.col(j) = (gradient_at(model, plus) - gradient_at(model, minus)) / (2 * h);
    }
    return 0.5 * (hessian + hessian.transpose());
}

TEST(ApproximationStudy, RefitsFromASaddleOfTheQuadraticModelAndChecksTheCurvature) {
    MlpModel model = tiny_network();
    const Index p = model.parameters();
    // A point with negative curvature (untrained, away from 0).
    const Vector theta = model.initial_parameters(2) + 0.8 * testing::random_vector(p, 9);
    const DenseMatrix h = differenced_hessian(model, theta);
    const Vector sigma = testing::dense_eigenvalues_descending(h);
    const double sigma_min = sigma[p - 1];
    ASSERT_LT(sigma_min, -1e-3) << "the test point needs negative curvature";
    // λ between 0 and −σ_min: H + λI is indefinite, θ̂_ridge a saddle of the quadratic model.
    const double lambda = -0.5 * sigma_min;
    const Vector g = gradient_at(model, theta);
    const DenseMatrix shifted = h + lambda * DenseMatrix::Identity(p, p);
    const Vector ridge = shifted.fullPivLu().solve(h * theta - g);

    FitAnalysisOptions options;
    options.fit.gradient_tolerance = 1e-9;
    options.fit.max_iterations = 200;
    options.truth_relative_accuracy = 1e-9;
    const ApproximationResult study = study_approximation(model, options, lambda, ridge);
    ASSERT_TRUE(study.converged) << study.message;
    EXPECT_EQ(model.curvature(), Curvature::hessian);

    // Recomputed at the returned θ*_λ: the gradient of F_λ, and the dense
    // Hessian of F_λ by differencing.
    const Vector& star = study.theta;
    EXPECT_LE((gradient_at(model, star) + lambda * star).norm(), 1e-8);
    const Vector at_star = testing::dense_eigenvalues_descending(differenced_hessian(model, star));
    const double smallest = at_star[p - 1] + lambda;
    EXPECT_NEAR(study.curvature_min, smallest, 1e-6 * at_star[0]) << study.message;
    if (smallest > 1e-6 * at_star[0]) {
        EXPECT_EQ(study.point, "local_minimizer") << study.message;
        EXPECT_TRUE(std::isfinite(study.truth_error_bound));
    } else {
        EXPECT_EQ(study.point, "saddle") << study.message;
    }
    EXPECT_NEAR(study.relative_error, (ridge - star).norm() / star.norm(), 1e-12);
}

}  // namespace
}  // namespace ridgelens
