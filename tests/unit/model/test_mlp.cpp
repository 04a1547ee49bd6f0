// MlpModel against independent references: finite differences of the loss
// and of the gradient, a dense Hessian formed by differencing and its LAPACK
// eigendecomposition, symmetry, the GGN's positive semidefiniteness, and the
// GGN = Hessian identity for a network without hidden layers.

#include <gtest/gtest.h>
#include <omp.h>

#include <random>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/mlp.hpp"
#include "ridgelens/model/network_training.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {
namespace {

// n samples of d features (N(0,1)) with labels in {0, …, classes−1}
// (or numeric targets when classes = 0).
std::pair<FeatureMatrix, Vector> toy_data(Index n, Index d, int classes, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<double> normal;
    DenseMatrix x(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j) x(i, j) = normal(random);
    Vector labels(n);
    for (Index i = 0; i < n; ++i)
        labels[i] = classes > 0 ? static_cast<double>(i % classes) : normal(random);
    return {FeatureMatrix::dense(std::move(x)), labels};
}

MlpModel toy_model(std::vector<Index> hidden, Activation activation, MlpLoss loss, Index n = 23,
                   Index d = 5) {
    auto [x, y] = toy_data(n, d, loss == MlpLoss::cross_entropy ? 3 : 0, 7);
    MlpArchitecture architecture;
    architecture.hidden = std::move(hidden);
    architecture.activation = activation;
    architecture.loss = loss;
    MlpModel model(std::move(x), y, architecture);
    model.set_block_samples(4);  // several blocks even for tiny n
    return model;
}

// A point away from 0 where every activation's curvature matters (biases nonzero).
Vector test_point(const MlpModel& model) {
    return model.initial_parameters(3) + 0.3 * testing::random_vector(model.parameters(), 11);
}

Vector gradient_at(const Model& model, const Vector& theta) {
    Vector g;
    model.evaluate(theta, &g);
    return g;
}

// The curvature formed column by column from products.
DenseMatrix formed_curvature(const Model& model) {
    const Index p = model.parameters();
    DenseMatrix c(p, p);
    const DenseMatrix identity = DenseMatrix::Identity(p, p);
    model.curvature_products(identity.data(), p, c.data());
    return c;
}

// The Hessian by central differences of the gradient, column by column.
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

struct Case {
    std::vector<Index> hidden;
    Activation activation;
    MlpLoss loss;
};

const Case cases[] = {
    {{4}, Activation::tanh, MlpLoss::cross_entropy},
    {{4, 3}, Activation::softplus, MlpLoss::cross_entropy},
    {{3, 4}, Activation::gelu, MlpLoss::squared},
    {{4}, Activation::relu, MlpLoss::cross_entropy},
    {{}, Activation::tanh, MlpLoss::cross_entropy},
};

TEST(Mlp, LayoutAndParameterCount) {
    MlpModel model = toy_model({4, 3}, Activation::tanh, MlpLoss::cross_entropy);
    EXPECT_EQ(model.parameters(), 4 * (5 + 1) + 3 * (4 + 1) + 3 * (3 + 1));
    EXPECT_EQ(model.weight_offset(2), 24);
    EXPECT_EQ(model.weight_offset(3), 39);
    EXPECT_EQ(model.describe(), "5-4-3-3 tanh network, softmax cross-entropy");
    // Seeded initialization: reproducible, biases (b_1 at offset 20) zero.
    const Vector theta = test_point(model);
    EXPECT_EQ(model.initial_parameters(3), model.initial_parameters(3));
    EXPECT_EQ(model.initial_parameters(3).segment(20, 4), Vector::Zero(4));
    EXPECT_NE(gradient_at(model, theta)[20], 0.0);
}

TEST(Mlp, GradientMatchesFiniteDifferencesOfTheLoss) {
    for (const Case& c : cases) {
        MlpModel model = toy_model(c.hidden, c.activation, c.loss);
        const Vector theta = test_point(model);
        const Vector g = gradient_at(model, theta);
        const double h = 1e-6;
        for (Index j = 0; j < model.parameters(); ++j) {
            Vector plus = theta, minus = theta;
            plus[j] += h;
            minus[j] -= h;
            const double fd =
                (model.evaluate(plus, nullptr) - model.evaluate(minus, nullptr)) / (2 * h);
            EXPECT_NEAR(g[j], fd, 1e-7 * (1 + std::abs(fd))) << model.describe() << " j=" << j;
        }
    }
}

TEST(Mlp, HessianProductMatchesDifferencesOfTheGradient) {
    for (const Case& c : cases) {
        if (c.activation == Activation::relu) continue;  // kinks: differencing may straddle one
        MlpModel model = toy_model(c.hidden, c.activation, c.loss);
        const Vector theta = test_point(model);
        model.set_curvature_point(theta);
        const Vector v = testing::random_vector(model.parameters(), 5);
        Vector hv(model.parameters());
        model.curvature_product(v.data(), hv.data());
        const double h = 1e-5;
        const Vector fd =
            (gradient_at(model, theta + h * v) - gradient_at(model, theta - h * v)) / (2 * h);
        EXPECT_LE((hv - fd).norm(), 1e-7 * fd.norm()) << model.describe();
    }
}

TEST(Mlp, DenseHessianAndItsEigenvaluesMatchTheDifferencedOne) {
    MlpModel model = toy_model({4}, Activation::tanh, MlpLoss::cross_entropy);
    const Vector theta = test_point(model);
    model.set_curvature_point(theta);
    const DenseMatrix formed = formed_curvature(model);
    const DenseMatrix reference = differenced_hessian(model, theta);
    EXPECT_LE((formed - reference).norm(), 1e-7 * reference.norm());
    // The eigen step (Lanczos on the products) against LAPACK on the differenced H.
    const Vector expected = testing::dense_eigenvalues_descending(reference);
    EXPECT_LT(expected[expected.size() - 1], -1e-6) << "the test point should be a saddle";
    EigenOptions options;
    options.k = 6;
    const ModelCurvatureOperator curvature(model);
    const Eigenpairs pairs = compute_top_eigenpairs(curvature, options);
    ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
    for (Index j = 0; j < options.k; ++j)
        EXPECT_NEAR(pairs.values[j], expected[j], 1e-7 * std::abs(expected[0])) << j;
}

TEST(Mlp, CurvatureIsSymmetricAndGgnPositiveSemidefinite) {
    for (const Case& c : cases) {
        for (Curvature curvature : {Curvature::hessian, Curvature::ggn}) {
            MlpModel model = toy_model(c.hidden, c.activation, c.loss);
            model.set_curvature(curvature);
            model.set_curvature_point(test_point(model));
            const Index p = model.parameters();
            const Vector u = testing::random_vector(p, 1), v = testing::random_vector(p, 2);
            Vector hu(p), hv(p);
            model.curvature_product(u.data(), hu.data());
            model.curvature_product(v.data(), hv.data());
            EXPECT_NEAR(u.dot(hv), v.dot(hu), 1e-12 * hu.norm() * v.norm()) << model.describe();
            if (curvature == Curvature::ggn) {
                const DenseMatrix ggn = formed_curvature(model);
                const Vector values =
                    testing::dense_eigenvalues_descending(0.5 * (ggn + ggn.transpose()));
                EXPECT_GE(values[p - 1], -1e-12 * values[0]) << model.describe();
                const Vector diagonal = model.curvature_diagonal();
                EXPECT_LE((diagonal - ggn.diagonal()).norm(), 1e-12 * ggn.diagonal().norm());
            }
        }
    }
}

TEST(Mlp, GgnEqualsHessianWithoutHiddenLayers) {
    for (MlpLoss loss : {MlpLoss::cross_entropy, MlpLoss::squared}) {
        MlpModel model = toy_model({}, Activation::tanh, loss);
        const Vector theta = test_point(model);
        model.set_curvature_point(theta);
        const DenseMatrix hessian = formed_curvature(model);
        model.set_curvature(Curvature::ggn);
        const DenseMatrix ggn = formed_curvature(model);
        EXPECT_LE((hessian - ggn).norm(), 1e-13 * hessian.norm());
        EXPECT_LE((ggn - differenced_hessian(model, theta)).norm(), 1e-7 * ggn.norm());
    }
}

TEST(Mlp, BatchedProductsEqualSingleOnesAndThreadsDoNotChangeResults) {
    MlpModel model = toy_model({40, 7}, Activation::tanh, MlpLoss::cross_entropy, 700, 50);
    model.set_block_samples(64);
    model.set_curvature_point(test_point(model));
    const Index p = model.parameters(), k = 3;
    DenseMatrix v(p, k);
    for (Index j = 0; j < k; ++j)
        v.col(j) = testing::random_vector(p, 20 + static_cast<std::uint64_t>(j));
    DenseMatrix batched(p, k);
    model.curvature_products(v.data(), k, batched.data());
    for (Index j = 0; j < k; ++j) {
        Vector single(p);
        model.curvature_product(v.col(j).data(), single.data());
        EXPECT_LE((single - batched.col(j)).norm(), 1e-14 * single.norm()) << j;
    }
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    DenseMatrix one_thread(p, k);
    model.curvature_products(v.data(), k, one_thread.data());
    omp_set_num_threads(threads);
    EXPECT_LE((one_thread - batched).norm(), 1e-14 * batched.norm());
}

TEST(Mlp, TrainingReachesTheToleranceOnASmallProblem) {
    MlpModel model = toy_model({6}, Activation::tanh, MlpLoss::cross_entropy, 60, 4);
    NetworkTrainingOptions options;
    options.newton.base_lambda = 1e-2;
    options.newton.gradient_tolerance = 1e-9;
    options.lbfgs_iterations = 50;
    const FitResult fit = train_network(model, options, model.initial_parameters(1));
    EXPECT_TRUE(fit.converged) << fit.message;
    // Recomputed, not trusted: ‖∇R(θ̂) + λ₀θ̂‖ at the returned θ̂.
    EXPECT_LE((gradient_at(model, fit.theta) + 1e-2 * fit.theta).norm(), 1e-9);
    EXPECT_EQ(model.curvature(), Curvature::hessian);  // restored after the Newton phase
}

TEST(Mlp, ParsesOptionsAndRejectsBadInput) {
    EXPECT_EQ(parse_hidden_layers("64,32"), (std::vector<Index>{64, 32}));
    EXPECT_THROW(parse_hidden_layers("64,"), UsageError);
    EXPECT_THROW(parse_hidden_layers("0"), UsageError);
    EXPECT_THROW(parse_hidden_layers("a"), UsageError);
    EXPECT_THROW(parse_activation("sigmoid"), UsageError);
    EXPECT_THROW(parse_mlp_loss("hinge"), UsageError);
    auto [x, y] = toy_data(5, 2, 1, 1);  // one class only
    EXPECT_THROW(MlpModel(x, y, MlpArchitecture{}), InputError);
}

}  // namespace
}  // namespace ridgelens
