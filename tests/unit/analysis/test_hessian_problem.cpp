// The owning problem types (MatrixProblem, FittedModelProblem): their views
// survive moving the owner, analyze on them matches dense references, and an
// OperatorRef cannot bind a temporary operator (checked at compile time).

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/hessian_problem.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace ridgelens {
namespace {

// ---- compile time: no OperatorRef to a temporary ----------------------------

template <class Op>
concept binds_operator_ref = requires(Op&& op) {
    OperatorRef(std::forward<Op>(op));
};

static_assert(binds_operator_ref<const SparseSymmetricOperator&>);
static_assert(binds_operator_ref<SparseSymmetricOperator&>);
static_assert(!binds_operator_ref<SparseSymmetricOperator>);  // a prvalue / xvalue
static_assert(!binds_operator_ref<SparseSymmetricOperator&&>);
static_assert(!binds_operator_ref<const SparseSymmetricOperator&&>);
static_assert(!binds_operator_ref<ModelCurvatureOperator>);
static_assert(binds_operator_ref<const ModelCurvatureOperator&>);
static_assert(!std::is_convertible_v<ModelCurvatureOperator, OperatorRef>);  // f(Op{}) too
static_assert(std::is_convertible_v<const ModelCurvatureOperator&, OperatorRef>);
// OperatorRef itself stays copyable and movable (a view).
static_assert(std::is_copy_constructible_v<OperatorRef>);
static_assert(binds_operator_ref<OperatorRef>);
// A problem is built from an operator, not by aggregate initialization.
static_assert(!std::is_default_constructible_v<HessianProblem>);
static_assert(!std::is_aggregate_v<HessianProblem>);
static_assert(!std::is_convertible_v<OperatorRef, HessianProblem>);  // explicit
// The owning types: not copyable, movable.
static_assert(!std::is_copy_constructible_v<MatrixProblem>);
static_assert(std::is_nothrow_move_constructible_v<MatrixProblem>);
static_assert(!std::is_copy_constructible_v<FittedModelProblem>);
static_assert(std::is_nothrow_move_constructible_v<FittedModelProblem>);

// ---- MatrixProblem ----------------------------------------------------------

Vector spectrum_of(Index n) {
    Vector sigma(n);
    for (Index i = 0; i < n; ++i) sigma[i] = 10.0 / (1.0 + i) + 0.01;
    return sigma;
}

TEST(MatrixProblem, ViewSurvivesMovesAndAnalyzeMatchesDenseReference) {
    const Index n = 60;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum_of(n), 3);
    const Vector theta = testing::random_vector(n, 4);
    const Vector gradient = 0.1 * testing::random_vector(n, 5);

    MatrixProblem original(testing::to_sparse(h), theta);
    original.set_gradient(gradient);
    original.describe("dense test matrix", "random θ̂");
    const HessianProblem* view = &original.problem();

    // Move-construct, then move-assign over another problem, then through a
    // vector that reallocates: the view is the same object, still valid.
    MatrixProblem moved(std::move(original));
    EXPECT_EQ(&moved.problem(), view);
    MatrixProblem other(testing::to_sparse(DenseMatrix::Identity(3, 3)), Vector::Ones(3));
    other = std::move(moved);
    EXPECT_EQ(&other.problem(), view);
    std::vector<MatrixProblem> owners;
    owners.push_back(std::move(other));
    owners.push_back(
        MatrixProblem(testing::to_sparse(DenseMatrix::Identity(2, 2)), Vector::Ones(2)));
    const MatrixProblem& owner = owners.front();
    ASSERT_EQ(&owner.problem(), view);

    const HessianProblem& problem = owner.problem();
    EXPECT_EQ(problem.hessian.rows(), n);
    EXPECT_EQ(problem.matrix, &owner.matrix());
    ASSERT_TRUE(problem.diagonal.has_value());
    EXPECT_LE((*problem.diagonal - h.diagonal()).cwiseAbs().maxCoeff(), 1e-14);
    EXPECT_EQ(problem.nonzeros, n * n);
    EXPECT_EQ(problem.source, "dense test matrix");
    // The operator still multiplies by H.
    const Vector v = testing::random_vector(n, 6);
    Vector hv;
    problem.hessian.apply(v, hv);
    EXPECT_LE((hv - h * v).norm(), 1e-12 * (h * v).norm());

    AnalyzeOptions options;
    options.lambdas = {0.5};
    options.eigen.k = 4;
    options.cg.tolerance = 1e-12;
    const AnalysisResult result = analyze(problem, options);
    ASSERT_TRUE(result.ok);
    const Vector reference = testing::dense_eigenvalues_descending(h);
    ASSERT_EQ(result.eigen.values.size(), 4);
    for (Index j = 0; j < 4; ++j)
        EXPECT_NEAR(result.eigen.values[j], reference[j], 1e-9 * reference[0]) << j;
    // θ̂_ridge = (H + λI)⁻¹(Hθ̂ − g), by a dense Cholesky solve.
    const Vector expected =
        (h + 0.5 * DenseMatrix::Identity(n, n)).llt().solve(h * theta - gradient);
    ASSERT_EQ(result.lambdas.size(), 1u);
    EXPECT_LE((result.lambdas[0].ridge.x - expected).norm(), 1e-9 * expected.norm());
}

TEST(MatrixProblem, DenseFormIsUsedAndLengthsAreChecked) {
    const Index n = 30;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum_of(n), 7);
    const Vector theta = testing::random_vector(n, 8);
    EXPECT_THROW(static_cast<void>(MatrixProblem(testing::to_sparse(h), Vector::Ones(n + 1))),
                 UsageError);
    MatrixProblem owner(testing::to_sparse(h), theta);
    EXPECT_THROW(owner.set_gradient(Vector::Ones(n - 1)), UsageError);
    EXPECT_THROW(owner.set_dense(DenseMatrix::Identity(n, n + 1)), UsageError);
    owner.set_dense(h);
    owner.set_psd_by_construction(true);
    MatrixProblem moved(std::move(owner));
    ASSERT_NE(moved.problem().dense, nullptr);
    EXPECT_EQ(*moved.problem().dense, h);
    EXPECT_TRUE(moved.problem().psd_by_construction);

    AnalyzeOptions options;
    options.lambdas = {0.1, 2.0};
    options.eigen.k = 3;
    options.solver = SolverChoice::dense;
    const AnalysisResult result = analyze(moved.problem(), options);
    ASSERT_TRUE(result.ok);
    EXPECT_EQ(result.solver, SolverKind::dense_eigendecomposition);
    for (const LambdaResult& entry : result.lambdas) {
        const Vector expected = testing::dense_ridge_transform(h, theta, entry.lambda);
        EXPECT_LE((entry.ridge.x - expected).norm(), 1e-10 * expected.norm()) << entry.lambda;
    }
}

// ---- FittedModelProblem -----------------------------------------------------

struct LogisticData {
    DenseMatrix x;
    Vector labels;  // ±1
};

LogisticData logistic_data(Index samples, Index features, std::uint64_t seed) {
    LogisticData d;
    d.x = DenseMatrix(samples, features);
    for (Index j = 0; j < features; ++j) d.x.col(j) = testing::random_vector(samples, seed + j);
    const Vector score = d.x * testing::random_vector(features, seed + 100) +
                         testing::random_vector(samples, seed + 200);
    d.labels = score.unaryExpr([](double s) { return s >= 0 ? 1.0 : -1.0; });
    return d;
}

double sigmoid(double z) {
    return 1 / (1 + std::exp(-z));
}

TEST(FittedModelProblem, CurvatureAndGradientAtThetaMatchClosedFormsAfterMoves) {
    const LogisticData data = logistic_data(200, 8, 21);
    LogisticModel model(FeatureMatrix::dense(data.x), data.labels);
    const Index n = static_cast<Index>(data.x.rows());
    const Vector theta = 0.3 * testing::random_vector(8, 22);

    // Closed forms: H = XᵀDX/n with d_i = s_i(1 − s_i), ∇R = −Xᵀ(y ⊙ σ(−y ⊙ z))/n.
    const Vector z = data.x * theta;
    Vector d(n), r(n);
    for (Index i = 0; i < n; ++i) {
        d[i] = sigmoid(z[i]) * (1 - sigmoid(z[i]));
        r[i] = -data.labels[i] * sigmoid(-data.labels[i] * z[i]);
    }
    const DenseMatrix h = data.x.transpose() * d.asDiagonal() * data.x / static_cast<double>(n);
    const Vector g = data.x.transpose() * r / static_cast<double>(n);

    FittedModelProblemOptions options;
    options.dense_parameters = 100;
    options.data = "synthetic data";
    options.theta_source = "given";
    FittedModelProblem original(model, theta, options);
    const HessianProblem* view = &original.problem();
    FittedModelProblem moved(std::move(original));
    std::vector<FittedModelProblem> owners;
    owners.push_back(std::move(moved));
    const FittedModelProblem& owner = owners.front();
    ASSERT_EQ(&owner.problem(), view);
    const HessianProblem& problem = owner.problem();

    EXPECT_EQ(&owner.model(), &model);
    EXPECT_TRUE(problem.psd_by_construction);
    EXPECT_EQ(problem.theta, theta);
    EXPECT_EQ(problem.theta_source, "given");
    EXPECT_NE(problem.source.find("logistic model on synthetic data"), std::string::npos);
    EXPECT_NE(problem.source.find("dense matrix"), std::string::npos);
    ASSERT_EQ(problem.gradient.size(), 8);
    EXPECT_LE((problem.gradient - g).norm(), 1e-12 * g.norm());
    EXPECT_NEAR(owner.gradient_norm(), g.norm(), 1e-12 * g.norm());
    ASSERT_TRUE(owner.dense());
    EXPECT_LE((*problem.dense - h).norm(), 1e-12 * h.norm());

    // Products go through the counting operator: one single, one block of 3.
    const Vector v = testing::random_vector(8, 23);
    Vector hv;
    problem.hessian.apply(v, hv);
    EXPECT_LE((hv - h * v).norm(), 1e-12 * (h * v).norm());
    const DenseMatrix block = DenseMatrix::Random(8, 3);
    DenseMatrix hblock(8, 3);
    problem.hessian.perform_ops(block.data(), 3, hblock.data());
    EXPECT_LE((hblock - h * block).norm(), 1e-12 * (h * block).norm());
    EXPECT_EQ(owner.products(), 4);
    EXPECT_GE(owner.product_seconds(), 0.0);

    // analyze on it against the dense references (H is positive definite here).
    AnalyzeOptions analysis;
    analysis.lambdas = {0.05};
    analysis.eigen.k = 3;
    analysis.cg.tolerance = 1e-12;
    const AnalysisResult result = analyze(problem, analysis);
    ASSERT_TRUE(result.ok);
    const Vector reference = testing::dense_eigenvalues_descending(h);
    for (Index j = 0; j < 3; ++j)
        EXPECT_NEAR(result.eigen.values[j], reference[j], 1e-9 * reference[0]) << j;
    const Vector expected = (h + 0.05 * DenseMatrix::Identity(8, 8)).llt().solve(h * theta - g);
    EXPECT_LE((result.lambdas[0].ridge.x - expected).norm(), 1e-9 * expected.norm());
}

TEST(FittedModelProblem, WithoutGradientOrDenseForm) {
    const LogisticData data = logistic_data(120, 5, 31);
    LogisticModel model(FeatureMatrix::dense(data.x), data.labels);
    const Vector theta = 0.2 * testing::random_vector(5, 32);
    Vector g;
    model.evaluate(theta, &g);
    FittedModelProblemOptions options;
    options.with_gradient = false;
    const FittedModelProblem owner(model, theta, options);
    EXPECT_EQ(owner.problem().gradient.size(), 0);
    EXPECT_NEAR(owner.gradient_norm(), g.norm(), 1e-14 * g.norm());
    EXPECT_FALSE(owner.dense());
    EXPECT_EQ(owner.problem().dense, nullptr);
    EXPECT_EQ(owner.products(), 0);
    EXPECT_THROW(static_cast<void>(FittedModelProblem(model, Vector::Ones(4))), UsageError);
}

}  // namespace
}  // namespace ridgelens
