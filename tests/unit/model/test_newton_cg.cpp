// Tests of Newton-CG fitting: closed forms for least squares, the
// minimum-norm softmax minimizer, real data (a8a, agaricus) and the
// separability certificate.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/feature_matrix.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/model/newton_cg.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

DenseMatrix random_matrix(Index n, Index p, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    DenseMatrix x(n, p);
    for (Index j = 0; j < p; ++j)
        for (Index i = 0; i < n; ++i) x(i, j) = normal(generator);
    return x;
}

Vector random_vector(Index n, std::uint64_t seed) {
    return random_matrix(n, 1, seed).col(0);
}

DenseMatrix with_ones(const DenseMatrix& x) {
    DenseMatrix a(x.rows(), x.cols() + 1);
    a << x, Vector::Ones(x.rows());
    return a;
}

// Independent softmax gradient (θ cols × C column-major, classes 0 … C−1).
Vector softmax_gradient(const DenseMatrix& xa, const std::vector<int>& label, Index classes,
                        const Vector& theta) {
    const Index n = xa.rows();
    const Eigen::Map<const DenseMatrix> w(theta.data(), xa.cols(), classes);
    const DenseMatrix z = xa * w;
    DenseMatrix residual(n, classes);
    for (Index i = 0; i < n; ++i) {
        const double m = z.row(i).maxCoeff();
        const Eigen::RowVectorXd e = (z.row(i).array() - m).exp().matrix();
        residual.row(i) = e / e.sum();
        residual(i, label[static_cast<std::size_t>(i)]) -= 1.0;
    }
    const DenseMatrix g = xa.transpose() * residual / static_cast<double>(n);
    return Eigen::Map<const Vector>(g.data(), g.size());
}

// Norm of the component of θ (cols × C) along the null space {v ⊗ 1_C}:
// the per-feature mean over classes, times √C.
double null_space_component(const Vector& theta, Index cols, Index classes) {
    const Eigen::Map<const DenseMatrix> w(theta.data(), cols, classes);
    return w.rowwise().mean().norm() * std::sqrt(static_cast<double>(classes));
}

TEST(NewtonCg, LeastSquaresGivesTheMinimumNormSolution) {
    // More parameters than samples: H = XᵀX/n is singular, many minimizers.
    const DenseMatrix x = random_matrix(20, 30, 1);
    const Vector y = random_vector(20, 2);
    auto model = make_model("ls", FeatureMatrix::dense(DenseMatrix(x)), y);
    FitOptions options;
    options.gradient_tolerance = 1e-12;
    const FitResult fit = fit_newton_cg(*model, options);
    ASSERT_TRUE(fit.converged) << fit.message;
    const Vector expected = x.completeOrthogonalDecomposition().solve(y);
    EXPECT_LT((fit.theta - expected).norm(), 1e-9 * expected.norm());
    EXPECT_LT(fit.risk, 1e-20);
    EXPECT_FALSE(fit.separable);
    EXPECT_GT(fit.hvp_count, 0);
    EXPECT_GE(fit.cg_iterations, fit.iterations);
}

TEST(NewtonCg, LeastSquaresWithBasePenaltyIsTheClosedFormRidge) {
    const DenseMatrix x = random_matrix(50, 8, 3);
    const Vector y = random_vector(50, 4);
    for (bool sparse : {false, true}) {
        SparseRowMatrix s = x.sparseView();
        auto model = make_model("ls",
                                sparse ? FeatureMatrix::sparse(std::move(s), true)
                                       : FeatureMatrix::dense(DenseMatrix(x), true),
                                y);
        FitOptions options;
        options.base_lambda = 0.3;
        const FitResult fit = fit_newton_cg(*model, options);
        ASSERT_TRUE(fit.converged) << fit.message;
        const DenseMatrix xa = with_ones(x);
        const DenseMatrix h = xa.transpose() * xa / 50.0;
        const Vector expected =
            (h + 0.3 * DenseMatrix::Identity(9, 9)).ldlt().solve(xa.transpose() * y / 50.0);
        EXPECT_LT((fit.theta - expected).norm(), 1e-8 * expected.norm());
        EXPECT_LE(fit.gradient_norm, 1e-8);
        // At the penalized optimum ∇R = −λ₀θ̂.
        EXPECT_NEAR(fit.unpenalized_gradient_norm, 0.3 * fit.theta.norm(), 1e-7);
        EXPECT_DOUBLE_EQ(fit.base_lambda, 0.3);
    }
}

struct SoftmaxData {
    DenseMatrix x;
    Vector labels;
    std::vector<int> label;
};

// Three overlapping Gaussian classes (not separable).
SoftmaxData three_classes(Index n, Index p, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    SoftmaxData data;
    data.x.resize(n, p);
    data.labels.resize(n);
    const DenseMatrix centers = 0.8 * random_matrix(3, p, seed + 1);
    for (Index i = 0; i < n; ++i) {
        const int c = static_cast<int>(i % 3);
        data.label.push_back(c);
        data.labels[i] = c;
        for (Index j = 0; j < p; ++j) data.x(i, j) = centers(c, j) + normal(generator);
    }
    return data;
}

TEST(NewtonCg, SoftmaxConvergesToTheMinimumNormMinimizer) {
    const SoftmaxData data = three_classes(300, 4, 5);
    for (Curvature curvature : {Curvature::hessian, Curvature::ggn}) {
        SCOPED_TRACE(to_string(curvature));
        auto model = make_model("softmax", FeatureMatrix::dense(DenseMatrix(data.x), true),
                                data.labels, {curvature});
        const FitResult fit = fit_newton_cg(*model);
        ASSERT_TRUE(fit.converged) << fit.message;
        EXPECT_FALSE(fit.separable);
        EXPECT_LE(fit.gradient_norm, 1e-8);
        // Independent gradient at θ̂.
        const Vector g = softmax_gradient(with_ones(data.x), data.label, 3, fit.theta);
        EXPECT_LE(g.norm(), 1e-8);
        // No component along the null space {v ⊗ 1_C}: the minimum-norm minimizer.
        EXPECT_LT(null_space_component(fit.theta, 5, 3), 1e-10 * fit.theta.norm());
        EXPECT_GT(fit.theta.norm(), 0.1);
    }
}

TEST(NewtonCg, SoftmaxWithBasePenaltyOnSparseData) {
    const SoftmaxData data = three_classes(240, 6, 6);
    SparseRowMatrix s = data.x.sparseView();
    auto model = make_model("softmax", FeatureMatrix::sparse(std::move(s)), data.labels);
    FitOptions options;
    options.base_lambda = 1e-2;
    const FitResult fit = fit_newton_cg(*model, options);
    ASSERT_TRUE(fit.converged) << fit.message;
    const Vector g = softmax_gradient(data.x, data.label, 3, fit.theta) + 1e-2 * fit.theta;
    EXPECT_LE(g.norm(), 1e-8);
    // The penalty, too, keeps θ̂ out of the null space: ∇F's component there
    // is λ₀ times θ's, so it is at most tolerance/λ₀.
    EXPECT_LT(null_space_component(fit.theta, 6, 3), 1e-8 / 1e-2);
}

TEST(NewtonCg, SeparableSyntheticDataIsDetected) {
    // Labels are the sign of a fixed linear function: separable.
    const DenseMatrix x = random_matrix(60, 3, 7);
    const Vector direction{{1.0, -2.0, 0.5}};
    const Vector scores = x * direction;
    Vector binary(60), three(60);
    for (Index i = 0; i < 60; ++i) {
        binary[i] = scores[i] > 0 ? 1 : -1;
        three[i] = scores[i] > 1 ? 2 : (scores[i] > -1 ? 1 : 0);
    }
    for (const auto& [name, labels] :
         std::vector<std::pair<std::string, Vector>>{{"logistic", binary}, {"softmax", three}}) {
        SCOPED_TRACE(name);
        auto model = make_model(name, FeatureMatrix::dense(DenseMatrix(x), true), labels);
        const FitResult fit = fit_newton_cg(*model);
        EXPECT_TRUE(fit.separable) << fit.message;
        EXPECT_FALSE(fit.converged);
        EXPECT_EQ(model->separates(fit.theta), std::optional<bool>(true));
        EXPECT_NE(fit.message.find("separable"), std::string::npos) << fit.message;
        EXPECT_NE(fit.message.find("λ₀ > 0"), std::string::npos) << fit.message;

        FitOptions options;
        options.base_lambda = 1e-3;
        const FitResult penalized = fit_newton_cg(*model, options);
        EXPECT_TRUE(penalized.converged) << penalized.message;
    }
}

TEST(NewtonCg, RefusesBadArguments) {
    const DenseMatrix x = random_matrix(5, 2, 8);
    auto model = make_model("ls", FeatureMatrix::dense(DenseMatrix(x)), Vector::Ones(5));
    FitOptions options;
    options.base_lambda = -1;
    EXPECT_THROW(fit_newton_cg(*model, options), UsageError);
    options.base_lambda = 0;
    options.gradient_tolerance = 0;
    EXPECT_THROW(fit_newton_cg(*model, options), UsageError);
    const Vector start = Vector::Zero(3);
    EXPECT_THROW(fit_newton_cg(*model, FitOptions{}, &start), UsageError);
}

TEST(NewtonCg, WarmStartAndProgressCallback) {
    const DenseMatrix x = random_matrix(80, 5, 9);
    Vector labels(80);
    for (Index i = 0; i < 80; ++i) labels[i] = (x(i, 0) + x(i, 1) + 0.8 * x(i, 2) * x(i, 3) > 0);
    auto model = make_model("logistic", FeatureMatrix::dense(DenseMatrix(x)), labels);
    FitOptions options;
    options.base_lambda = 1e-3;
    Index calls = 0;
    options.progress = [&](const NewtonIteration& it) {
        ++calls;
        EXPECT_EQ(it.iteration, calls);
        EXPECT_GT(it.step_length, 0);
    };
    const FitResult fit = fit_newton_cg(*model, options);
    ASSERT_TRUE(fit.converged) << fit.message;
    EXPECT_EQ(calls, fit.iterations);
    options.separability_probe_iterations = 0;
    const FitResult again = fit_newton_cg(*model, options, &fit.theta);
    EXPECT_TRUE(again.converged);
    EXPECT_EQ(again.iterations, 0);
    EXPECT_EQ(again.hvp_count, 0);
}

TEST(NewtonCg, LogisticRegressionOnA8aConverges) {
    RIDGELENS_REQUIRE_DATA(path, "ml/a8a.libsvm");
    LibsvmData data = read_libsvm(path);
    auto model =
        make_model("logistic", FeatureMatrix::sparse(std::move(data.features), true), data.labels);
    const FitResult fit = fit_newton_cg(*model);
    ASSERT_TRUE(fit.converged) << fit.message;
    EXPECT_FALSE(fit.separable);
    EXPECT_FALSE(fit.diverging);
    EXPECT_LE(fit.gradient_norm, 1e-8);
    Vector g;
    model->evaluate(fit.theta, &g);
    EXPECT_LE(g.norm(), 1e-8);
    EXPECT_DOUBLE_EQ(fit.unpenalized_gradient_norm, fit.gradient_norm);
    EXPECT_LT(fit.iterations, 30);
    EXPECT_GT(fit.risk, 0.2);  // a8a is far from separable
    EXPECT_LT(fit.risk, 0.4);
    // Jacobi-preconditioned CG reaches the same risk in far fewer products
    // (but, X having dependent columns, not necessarily the minimum-norm θ̂).
    FitOptions jacobi;
    jacobi.preconditioner = Preconditioner::jacobi;
    const FitResult fast = fit_newton_cg(*model, jacobi);
    ASSERT_TRUE(fast.converged) << fast.message;
    // H is ill-conditioned: ‖∇R‖ ≤ 1e-8 pins R down to ~‖∇R‖²/σ_min only.
    EXPECT_NEAR(fast.risk, fit.risk, 1e-9);
    EXPECT_LT(fast.hvp_count, fit.hvp_count);
    std::cout << "a8a logistic: " << fit.iterations << " Newton iterations, " << fit.cg_iterations
              << " CG iterations, " << fit.seconds << " s (HVPs " << fit.hvp_seconds
              << " s), R = " << fit.risk << "; Jacobi: " << fast.iterations << " Newton, "
              << fast.cg_iterations << " CG iterations, " << fast.seconds << " s\n";
}

TEST(NewtonCg, AgaricusLogisticIsDetectedSeparable) {
    RIDGELENS_REQUIRE_DATA(path, "ml/agaricus.train.libsvm");
    LibsvmData data = read_libsvm(path);
    const FeatureMatrix features = FeatureMatrix::sparse(std::move(data.features), true);
    auto model = make_model("logistic", features, data.labels);  // 0/1 labels
    const FitResult fit = fit_newton_cg(*model);
    EXPECT_TRUE(fit.separable) << fit.message;
    EXPECT_FALSE(fit.converged);
    EXPECT_NE(fit.message.find("λ₀ > 0"), std::string::npos) << fit.message;
    EXPECT_EQ(model->separates(fit.theta), std::optional<bool>(true));

    FitOptions options;
    options.base_lambda = 1e-3;
    const FitResult penalized = fit_newton_cg(*model, options);
    EXPECT_TRUE(penalized.converged) << penalized.message;
    EXPECT_LE(penalized.gradient_norm, 1e-8);
    EXPECT_TRUE(penalized.separable) << penalized.message;
    EXPECT_NEAR(penalized.unpenalized_gradient_norm, 1e-3 * penalized.theta.norm(), 1e-7);
}

}  // namespace
}  // namespace ridgelens
