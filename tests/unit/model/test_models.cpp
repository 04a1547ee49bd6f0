// Tests of FeatureMatrix and the linear models (least squares, logistic,
// softmax): products against explicit dense algebra, gradients and
// Hessian-vector products against finite differences and against Hessians
// formed from independent dense formulas written here.

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <Eigen/Dense>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/model/feature_matrix.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "thread_count.hpp"

namespace ridgelens {
namespace {

enum class Storage { sparse, dense_col, dense_row };

const char* storage_name(Storage storage) {
    switch (storage) {
        case Storage::sparse:
            return "sparse";
        case Storage::dense_col:
            return "dense_col";
        case Storage::dense_row:
            return "dense_row";
    }
    return "?";
}

// n × p with about `density` of the entries nonzero (standard normal).
DenseMatrix random_features(Index n, Index p, double density, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    DenseMatrix x = DenseMatrix::Zero(n, p);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < p; ++j)
            if (uniform(generator) < density) x(i, j) = normal(generator);
    return x;
}

Vector random_vector(Index n, std::uint64_t seed, double scale = 1.0) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal(0.0, scale);
    Vector v(n);
    for (Index i = 0; i < n; ++i) v[i] = normal(generator);
    return v;
}

FeatureMatrix make_features(const DenseMatrix& x, Storage storage, bool intercept) {
    switch (storage) {
        case Storage::sparse: {
            SparseRowMatrix s = x.sparseView();
            return FeatureMatrix::sparse(std::move(s), intercept);
        }
        case Storage::dense_col:
            return FeatureMatrix::dense(DenseMatrix(x), intercept);
        case Storage::dense_row:
            return FeatureMatrix::dense(RowMajorDenseMatrix(x), intercept);
    }
    throw UsageError("unreachable");
}

// [X 1] built here, independently of FeatureMatrix::to_dense.
DenseMatrix augmented(const DenseMatrix& x, bool intercept) {
    if (!intercept) return x;
    DenseMatrix a(x.rows(), x.cols() + 1);
    a << x, Vector::Ones(x.rows());
    return a;
}

// ----- Independent dense reference of each model ---------------------------

struct Reference {
    double risk = 0;
    Vector gradient;
    DenseMatrix hessian;
};

Reference least_squares_reference(const DenseMatrix& xa, const Vector& y, const Vector& theta) {
    const double n = static_cast<double>(xa.rows());
    const Vector r = xa * theta - y;
    return {r.squaredNorm() / (2 * n), xa.transpose() * r / n, xa.transpose() * xa / n};
}

// labels ±1
Reference logistic_reference(const DenseMatrix& xa, const Vector& y, const Vector& theta) {
    const Index n = xa.rows();
    const Vector z = xa * theta;
    Reference ref;
    Vector dz(n), d(n);
    for (Index i = 0; i < n; ++i) {
        const double m = -y[i] * z[i];
        ref.risk += std::log1p(std::exp(m));
        const double sigma_m = 1.0 / (1.0 + std::exp(-m));
        dz[i] = -y[i] * sigma_m;
        const double s = 1.0 / (1.0 + std::exp(-z[i]));
        d[i] = s * (1 - s);
    }
    ref.risk /= static_cast<double>(n);
    ref.gradient = xa.transpose() * dz / static_cast<double>(n);
    ref.hessian = xa.transpose() * d.asDiagonal() * xa / static_cast<double>(n);
    return ref;
}

// classes 0 … C−1; θ is cols × C column-major.
Reference softmax_reference(const DenseMatrix& xa, const std::vector<int>& label, Index classes,
                            const Vector& theta) {
    const Index n = xa.rows();
    const Index cols = xa.cols();
    const Eigen::Map<const DenseMatrix> w(theta.data(), cols, classes);
    const DenseMatrix z = xa * w;  // n × C
    DenseMatrix prob(n, classes);
    Reference ref;
    for (Index i = 0; i < n; ++i) {
        const double m = z.row(i).maxCoeff();
        double sum = 0;
        for (Index c = 0; c < classes; ++c) sum += std::exp(z(i, c) - m);
        for (Index c = 0; c < classes; ++c) prob(i, c) = std::exp(z(i, c) - m) / sum;
        ref.risk += std::log(sum) + m - z(i, label[static_cast<std::size_t>(i)]);
    }
    ref.risk /= static_cast<double>(n);
    DenseMatrix residual = prob;
    for (Index i = 0; i < n; ++i) residual(i, label[static_cast<std::size_t>(i)]) -= 1.0;
    const DenseMatrix g = xa.transpose() * residual / static_cast<double>(n);
    ref.gradient = Eigen::Map<const Vector>(g.data(), cols * classes);
    // H[(j,c),(k,e)] = Σ_i x_ij x_ik (p_ic δ_ce − p_ic p_ie) / n, index j + c·cols.
    ref.hessian = DenseMatrix::Zero(cols * classes, cols * classes);
    for (Index c = 0; c < classes; ++c) {
        for (Index e = 0; e < classes; ++e) {
            Vector weight(n);
            for (Index i = 0; i < n; ++i)
                weight[i] = (c == e ? prob(i, c) : 0.0) - prob(i, c) * prob(i, e);
            ref.hessian.block(c * cols, e * cols, cols, cols) =
                xa.transpose() * weight.asDiagonal() * xa / static_cast<double>(n);
        }
    }
    return ref;
}

// ----- A test problem: data, model and reference --------------------------

struct Problem {
    std::string kind;  // "ls", "logistic", "softmax"
    DenseMatrix x;
    bool intercept = false;
    Vector labels;
    std::unique_ptr<LinearModel> model;

    Reference reference(const Vector& theta) const {
        const DenseMatrix xa = augmented(x, intercept);
        if (kind == "ls") return least_squares_reference(xa, labels, theta);
        if (kind == "logistic") {
            Vector pm(labels.size());
            for (Index i = 0; i < labels.size(); ++i) pm[i] = labels[i] > 0 ? 1.0 : -1.0;
            return logistic_reference(xa, pm, theta);
        }
        std::vector<int> label(static_cast<std::size_t>(labels.size()));
        for (Index i = 0; i < labels.size(); ++i)
            label[static_cast<std::size_t>(i)] = static_cast<int>(labels[i]);
        return softmax_reference(xa, label, 3, theta);
    }
};

Problem make_problem(const std::string& kind, Storage storage, bool intercept,
                     std::uint64_t seed = 7, Index n = 37, Index p = 6) {
    Problem problem;
    problem.kind = kind;
    problem.x = random_features(n, p, storage == Storage::sparse ? 0.5 : 1.0, seed);
    problem.intercept = intercept;
    std::mt19937_64 generator(seed + 1);
    problem.labels.resize(n);
    for (Index i = 0; i < n; ++i) {
        if (kind == "ls")
            problem.labels[i] = std::normal_distribution<double>()(generator);
        else if (kind == "logistic")
            problem.labels[i] = std::uniform_int_distribution<int>(0, 1)(generator);  // 0/1
        else
            problem.labels[i] = std::uniform_int_distribution<int>(0, 2)(generator);
    }
    // Every softmax class present.
    if (kind == "softmax")
        for (Index c = 0; c < 3; ++c) problem.labels[c] = static_cast<double>(c);
    problem.model = make_model(kind, make_features(problem.x, storage, intercept), problem.labels);
    return problem;
}

double relative_difference(const Vector& a, const Vector& b) {
    return (a - b).norm() / std::max(b.norm(), 1e-300);
}

Vector gradient_of(const Model& model, const Vector& theta) {
    Vector g;
    model.evaluate(theta, &g);
    return g;
}

Vector product(const Model& model, const Vector& v) {
    Vector y(model.parameters());
    model.curvature_product(v.data(), y.data());
    return y;
}

// The model's own curvature, formed column by column from its products.
DenseMatrix curvature_matrix(const Model& model) {
    const Index p = model.parameters();
    DenseMatrix h(p, p);
    for (Index k = 0; k < p; ++k) h.col(k) = product(model, Vector::Unit(p, k));
    return h;
}

struct Case {
    std::string kind;
    Storage storage;
    bool intercept;
};

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (const char* kind : {"ls", "logistic", "softmax"})
        for (Storage storage : {Storage::sparse, Storage::dense_col, Storage::dense_row})
            for (bool intercept : {false, true}) cases.push_back({kind, storage, intercept});
    return cases;
}

std::string label(const Case& c) {
    return c.kind + "/" + storage_name(c.storage) + (c.intercept ? "/intercept" : "");
}

// ----- FeatureMatrix --------------------------------------------------------

TEST(FeatureMatrixModel, ProductsMatchExplicitDenseAlgebra) {
    const DenseMatrix x = random_features(53, 9, 0.4, 3);
    for (Storage storage : {Storage::sparse, Storage::dense_col, Storage::dense_row}) {
        for (bool intercept : {false, true}) {
            for (Index outputs : {1, 4}) {
                SCOPED_TRACE(std::string(storage_name(storage)) + " intercept=" +
                             std::to_string(intercept) + " C=" + std::to_string(outputs));
                FeatureMatrix f = make_features(x, storage, intercept);
                f.set_dense_block_rows(10);  // several blocks, a ragged last one
                const DenseMatrix xa = augmented(x, intercept);
                ASSERT_EQ(f.rows(), 53);
                ASSERT_EQ(f.cols(), xa.cols());
                EXPECT_LT((f.to_dense() - xa).norm(), 1e-15);

                const Vector w = random_vector(xa.cols() * outputs, 11);
                const Eigen::Map<const DenseMatrix> wm(w.data(), xa.cols(), outputs);
                DenseMatrix z(outputs, f.rows());
                f.multiply(w.data(), outputs, z.data());
                EXPECT_LT((z - (xa * wm).transpose()).norm(), 1e-12 * z.norm());

                const Vector a = random_vector(outputs * f.rows(), 12);
                const Eigen::Map<const DenseMatrix> am(a.data(), outputs, f.rows());
                DenseMatrix g(xa.cols(), outputs);
                f.multiply_transpose(a.data(), outputs, g.data());
                const DenseMatrix g_ref = xa.transpose() * am.transpose();
                EXPECT_LT((g - g_ref).norm(), 1e-12 * g_ref.norm());

                // Fused: a_i = 2·u_i + i  (u_i = x_iᵀW).
                DenseMatrix fused(xa.cols(), outputs);
                f.fused_product(
                    w.data(), outputs,
                    [&](Index i, const double* u, double* out) {
                        for (Index c = 0; c < outputs; ++c) out[c] = 2 * u[c] + double(i);
                    },
                    fused.data());
                const DenseMatrix u_ref = (xa * wm).array() * 2.0;
                DenseMatrix a_ref = u_ref;
                for (Index i = 0; i < f.rows(); ++i) a_ref.row(i).array() += double(i);
                const DenseMatrix fused_ref = xa.transpose() * a_ref;
                EXPECT_LT((fused - fused_ref).norm(), 1e-12 * fused_ref.norm());

                DenseMatrix squares(xa.cols(), outputs);
                f.weighted_square_sums(a.data(), outputs, squares.data());
                const DenseMatrix squares_ref =
                    xa.array().square().matrix().transpose() * am.transpose();
                EXPECT_LT((squares - squares_ref).norm(), 1e-12 * squares_ref.norm());

                const Vector v = random_vector(xa.cols(), 13);
                Vector y = Vector::Zero(xa.cols());
                for (Index i = 0; i < f.rows(); ++i) {
                    EXPECT_NEAR(f.row_dot(i, v.data()), xa.row(i).dot(v), 1e-12);
                    f.add_row(i, 0.5, y.data());
                }
                EXPECT_LT((y - 0.5 * xa.transpose() * Vector::Ones(f.rows())).norm(), 1e-12);
            }
        }
    }
}

TEST(FeatureMatrixModel, LargeDenseFusedProductMatchesExplicitAlgebra) {
    // Large enough for the multithreaded dense path (small blocks per thread).
    const Index n = 3001, p = 41, outputs = 10;
    const DenseMatrix x = random_features(n, p, 1.0, 4);
    for (Storage storage : {Storage::dense_col, Storage::dense_row, Storage::sparse}) {
        SCOPED_TRACE(storage_name(storage));
        const FeatureMatrix f = make_features(x, storage, true);
        const DenseMatrix xa = augmented(x, true);
        const Vector w = random_vector(xa.cols() * outputs, 14);
        const Eigen::Map<const DenseMatrix> wm(w.data(), xa.cols(), outputs);
        DenseMatrix fused(xa.cols(), outputs);
        f.fused_product(
            w.data(), outputs,
            [&](Index i, const double* u, double* out) {
                for (Index c = 0; c < outputs; ++c) out[c] = u[c] * u[c] + double(i % 7);
            },
            fused.data());
        DenseMatrix a_ref = (xa * wm).array().square();
        for (Index i = 0; i < n; ++i) a_ref.row(i).array() += double(i % 7);
        const DenseMatrix fused_ref = xa.transpose() * a_ref;
        EXPECT_LT((fused - fused_ref).norm(), 1e-12 * fused_ref.norm());
    }
}

TEST(FeatureMatrixModel, ViewsShareTheCallersData) {
    const DenseMatrix x = random_features(8, 3, 1.0, 5);
    const FeatureMatrix view = FeatureMatrix::dense_view(x, true);
    EXPECT_FALSE(view.is_sparse());
    EXPECT_EQ(view.cols(), 4);
    EXPECT_EQ(view.stored_entries(), 24);
    const FeatureMatrix copy = view;  // copies share, never duplicate
    EXPECT_LT((copy.to_dense().leftCols(3) - x).norm(), 1e-15);

    SparseRowMatrix s = x.sparseView();
    s.makeCompressed();
    const FeatureMatrix sparse_view = FeatureMatrix::sparse_view(s);
    EXPECT_TRUE(sparse_view.is_sparse());
    EXPECT_LT((sparse_view.to_dense() - x).norm(), 1e-15);
    SparseRowMatrix uncompressed(3, 3);
    uncompressed.insert(0, 0) = 1.0;
    EXPECT_THROW(FeatureMatrix::sparse_view(uncompressed), UsageError);
}

// ----- Gradients ------------------------------------------------------------

TEST(LinearModels, RiskAndGradientMatchIndependentReference) {
    for (const Case& c : all_cases()) {
        SCOPED_TRACE(label(c));
        const Problem problem = make_problem(c.kind, c.storage, c.intercept);
        const Vector theta = random_vector(problem.model->parameters(), 21, 0.5);
        const Reference ref = problem.reference(theta);
        Vector g;
        const double risk = problem.model->evaluate(theta, &g);
        EXPECT_NEAR(risk, ref.risk, 1e-13 * std::max(1.0, ref.risk));
        EXPECT_LT(relative_difference(g, ref.gradient), 1e-12);
        EXPECT_NEAR(problem.model->evaluate(theta, nullptr), risk, 1e-14 * std::max(1.0, risk));
    }
}

TEST(LinearModels, GradientMatchesFiniteDifferencesOfRisk) {
    for (const Case& c : all_cases()) {
        SCOPED_TRACE(label(c));
        const Problem problem = make_problem(c.kind, c.storage, c.intercept);
        const Model& model = *problem.model;
        const Vector theta = random_vector(model.parameters(), 22, 0.5);
        const Vector g = gradient_of(model, theta);
        const double h = 1e-5;
        Vector fd(model.parameters());
        for (Index k = 0; k < model.parameters(); ++k) {
            const Vector e = Vector::Unit(model.parameters(), k);
            fd[k] =
                (model.evaluate(theta + h * e, nullptr) - model.evaluate(theta - h * e, nullptr)) /
                (2 * h);
        }
        EXPECT_LT(relative_difference(fd, g), 1e-7);
    }
}

// ----- Curvature products -----------------------------------------------------

TEST(LinearModels, HvpMatchesCentralDifferencesOfTheGradient) {
    for (const Curvature curvature : {Curvature::hessian, Curvature::ggn}) {
        for (const Case& c : all_cases()) {
            SCOPED_TRACE(label(c) + " " + to_string(curvature));
            Problem problem = make_problem(c.kind, c.storage, c.intercept);
            Model& model = *problem.model;
            model.set_curvature(curvature);
            const Vector theta = random_vector(model.parameters(), 23, 0.5);
            model.set_curvature_point(theta);
            for (std::uint64_t seed : {31u, 32u}) {
                Vector v = random_vector(model.parameters(), seed);
                v /= v.norm();
                const double h = 1e-5;
                const Vector fd =
                    (gradient_of(model, theta + h * v) - gradient_of(model, theta - h * v)) /
                    (2 * h);
                EXPECT_LT(relative_difference(product(model, v), fd), 1e-6);
            }
        }
    }
}

TEST(LinearModels, HvpMatchesExplicitHessianFromIndependentFormula) {
    // Single and batched products, the diagonal and the dense spectrum.
    for (const Curvature curvature : {Curvature::hessian, Curvature::ggn}) {
        for (const Case& c : all_cases()) {
            SCOPED_TRACE(label(c) + " " + to_string(curvature));
            Problem problem = make_problem(c.kind, c.storage, c.intercept);
            Model& model = *problem.model;
            model.set_curvature(curvature);
            const Vector theta = random_vector(model.parameters(), 24, 0.7);
            model.set_curvature_point(theta);
            const DenseMatrix h_ref = problem.reference(theta).hessian;
            const DenseMatrix h = curvature_matrix(model);
            EXPECT_LT((h - h_ref).norm(), 1e-12 * h_ref.norm());
            EXPECT_LT((h - h.transpose()).norm(), 1e-13 * h_ref.norm());
            EXPECT_LT(relative_difference(model.curvature_diagonal(), h_ref.diagonal()), 1e-12);
            // The matrix formed in one pass (one output only: not softmax).
            const std::optional<DenseMatrix> formed = model.curvature_matrix();
            ASSERT_EQ(formed.has_value(), c.kind != "softmax");
            if (formed) {
                EXPECT_LT((*formed - h_ref).norm(), 1e-12 * h_ref.norm());
                EXPECT_FALSE(model.curvature_matrix(model.parameters() - 1).has_value());
            }
            // curvature_products: several vectors in one pass (BLAS-3 on dense
            // data), for 1, 3 and p vectors; and the dense spectrum of the model
            // operator, formed through these blocks, against the formula's.
            const Index p = model.parameters();
            for (const Index count : {Index{1}, Index{3}, p}) {
                DenseMatrix v(p, count);
                for (Index j = 0; j < count; ++j) v.col(j) = random_vector(p, 40 + j);
                DenseMatrix y(p, count);
                model.curvature_products(v.data(), count, y.data());
                EXPECT_LT((y - h_ref * v).norm(), 1e-12 * h_ref.norm() * v.norm())
                    << count << " vectors";
            }
            const ModelCurvatureOperator curvature(model);
            const DenseEigenvalues spectrum = dense_spectrum(curvature);
            ASSERT_TRUE(spectrum.ok) << spectrum.message;
            const Vector expected =
                Eigen::SelfAdjointEigenSolver<DenseMatrix>(h_ref, Eigen::EigenvaluesOnly)
                    .eigenvalues();
            EXPECT_LT((spectrum.values - expected.reverse()).cwiseAbs().maxCoeff(),
                      1e-12 * h_ref.norm());  // values descending, Eigen's ascending
        }
    }
}

TEST(FeatureMatrixModel, WeightedGramOnOneAndTwoThreads) {
    // 20,000 rows × 200 features, 46 entries per row (Σ nnz_i² ≈ 4·10⁷, above
    // the threading threshold of 2²⁵): the per-thread accumulators run. The
    // whole matrix must agree between 1 and 2 threads, and sampled entries
    // with Σ_i w_i x_ia x_ib computed from the columns of a column-major copy.
    const Index n = 20000, p = 200;
    std::mt19937_64 generator(91);
    std::uniform_int_distribution<Index> column(0, p - 1);
    std::normal_distribution<double> normal;
    std::vector<Eigen::Triplet<double, int>> triplets;
    for (Index i = 0; i < n; ++i)
        for (int e = 0; e < 46; ++e) triplets.emplace_back(i, column(generator), normal(generator));
    SparseRowMatrix x(n, p);
    x.setFromTriplets(triplets.begin(), triplets.end());
    x.makeCompressed();
    const SparseMatrix columns(x);
    const Vector w = random_vector(n, 92).cwiseAbs();
    for (bool intercept : {false, true}) {
        const FeatureMatrix features = FeatureMatrix::sparse_view(x, intercept);
        DenseMatrix one_thread, two_threads;
        {
            const testing::ThreadCount count(1);
            one_thread = features.weighted_gram(w.data());
        }
        {
            const testing::ThreadCount count(2);
            two_threads = features.weighted_gram(w.data());
        }
        EXPECT_LT((two_threads - one_thread).norm(), 1e-14 * one_thread.norm());
        // Column a of X̃ as a dense vector (the intercept column is all ones).
        auto dense_column = [&](Index a) {
            return a == p ? Vector(Vector::Ones(n)) : Vector(columns.col(a));
        };
        std::uniform_int_distribution<Index> entry(0, features.cols() - 1);
        for (int sample = 0; sample < 40; ++sample) {
            const Index a = sample == 0 ? features.cols() - 1 : entry(generator);
            const Index b = entry(generator);
            const double expected =
                (dense_column(a).array() * w.array() * dense_column(b).array()).sum();
            EXPECT_NEAR(two_threads(a, b), expected, 1e-12 * one_thread.norm()) << a << "," << b;
        }
        const DenseMatrix unweighted = features.weighted_gram(nullptr);
        EXPECT_NEAR(unweighted(0, 0), dense_column(0).squaredNorm(), 1e-12 * unweighted.norm());
        EXPECT_THROW(static_cast<void>(features.weighted_gram(w.data(), p - 1)), UsageError);
    }
}

TEST(LinearModels, EvaluatingAtTheCurvaturePointKeepsProductsExact) {
    // The one-pass evaluate_at_curvature_point must leave the model exactly as
    // set_curvature_point would: checked against the independent formula at
    // one point, then after moving to another point and back.
    for (const Case& c : all_cases()) {
        SCOPED_TRACE(label(c));
        Problem problem = make_problem(c.kind, c.storage, c.intercept);
        Model& model = *problem.model;
        const Vector first = random_vector(model.parameters(), 25, 0.7);
        const Vector second = random_vector(model.parameters(), 26, 0.7);
        for (const Vector* theta : {&first, &second, &first}) {
            const Reference ref = problem.reference(*theta);
            Vector g;
            const double risk = model.evaluate_at_curvature_point(*theta, &g);
            EXPECT_NEAR(risk, ref.risk, 1e-13 * std::max(1.0, ref.risk));
            EXPECT_LT(relative_difference(g, ref.gradient), 1e-12);
            EXPECT_LT((curvature_matrix(model) - ref.hessian).norm(), 1e-12 * ref.hessian.norm());
            EXPECT_NEAR(model.evaluate(*theta, nullptr), ref.risk, 1e-13 * std::max(1.0, ref.risk));
        }
        model.set_curvature_point(second);  // a plain move must not keep the old scores
        EXPECT_LT((curvature_matrix(model) - problem.reference(second).hessian).norm(),
                  1e-12 * problem.reference(second).hessian.norm());
    }
}

TEST(LinearModels, GgnEqualsHessianForAllThreeModels) {
    for (const Case& c : all_cases()) {
        SCOPED_TRACE(label(c));
        Problem problem = make_problem(c.kind, c.storage, c.intercept, 41, 64, 8);
        Model& model = *problem.model;
        const Vector theta = random_vector(model.parameters(), 25, 1.0);
        model.set_curvature_point(theta);
        for (std::uint64_t seed : {51u, 52u, 53u}) {
            const Vector v = random_vector(model.parameters(), seed);
            model.set_curvature(Curvature::hessian);
            const Vector hv = product(model, v);
            model.set_curvature(Curvature::ggn);
            const Vector gv = product(model, v);
            EXPECT_LT(relative_difference(gv, hv), 1e-13);
        }
    }
}

TEST(LeastSquaresModel, HvpEqualsXtXvOverN) {
    for (Storage storage : {Storage::sparse, Storage::dense_col, Storage::dense_row}) {
        SCOPED_TRACE(storage_name(storage));
        Problem problem = make_problem("ls", storage, true, 61, 45, 7);
        Model& model = *problem.model;
        model.set_curvature_point(random_vector(model.parameters(), 62));
        const DenseMatrix xa = augmented(problem.x, true);
        const Vector v = random_vector(model.parameters(), 63);
        const Vector expected = xa.transpose() * (xa * v) / 45.0;
        EXPECT_LT(relative_difference(product(model, v), expected), 1e-13);
    }
}

TEST(SoftmaxModel, HessianNullSpaceIsTheSharedShiftOfAllClasses) {
    Problem problem = make_problem("softmax", Storage::sparse, true, 71, 40, 5);
    Model& model = *problem.model;
    const Index cols = 6;
    const Vector theta = random_vector(model.parameters(), 72);
    model.set_curvature_point(theta);
    const Vector shift = random_vector(cols, 73);
    Vector null_vector(3 * cols);
    for (Index c = 0; c < 3; ++c) null_vector.segment(c * cols, cols) = shift;
    EXPECT_LT(product(model, null_vector).norm(), 1e-14 * null_vector.norm());
    // The risk does not change along it, and the gradient is orthogonal to it.
    EXPECT_NEAR(model.evaluate(theta + null_vector, nullptr), model.evaluate(theta, nullptr),
                1e-12);
    EXPECT_LT(std::abs(gradient_of(model, theta).dot(null_vector)), 1e-14 * null_vector.norm());
}

TEST(SoftmaxModel, SparseAndDenseStorageGiveTheSameProducts) {
    const DenseMatrix x = random_features(500, 20, 0.3, 81);
    Vector labels(500);
    for (Index i = 0; i < 500; ++i) labels[i] = static_cast<double>(i % 4) + 10;  // 10 … 13
    auto sparse = make_model("softmax", make_features(x, Storage::sparse, true), labels);
    auto dense = make_model("softmax", make_features(x, Storage::dense_col, true), labels);
    const auto& softmax = dynamic_cast<const SoftmaxModel&>(*sparse);
    EXPECT_EQ(softmax.classes(), 4);
    EXPECT_EQ(softmax.class_labels(), (std::vector<double>{10, 11, 12, 13}));
    const Vector theta = random_vector(sparse->parameters(), 82);
    sparse->set_curvature_point(theta);
    dense->set_curvature_point(theta);
    const Vector v = random_vector(sparse->parameters(), 83);
    EXPECT_LT(relative_difference(product(*sparse, v), product(*dense, v)), 1e-13);
    EXPECT_LT(relative_difference(gradient_of(*sparse, theta), gradient_of(*dense, theta)), 1e-13);
}

TEST(LogisticModel, LossIsStableForLargeScores) {
    DenseMatrix x(2, 1);
    x << 1.0, -1.0;
    auto model = make_model("logistic", FeatureMatrix::dense(DenseMatrix(x)), Vector{{1.0, 1.0}});
    Vector theta(1);
    theta << 1000.0;  // sample 0: margin +1000 (loss ~ e^-1000), sample 1: −1000 (loss ~ 1000)
    Vector g;
    const double risk = model->evaluate(theta, &g);
    EXPECT_NEAR(risk, 500.0, 1e-9);
    EXPECT_TRUE(g.allFinite());
    EXPECT_NEAR(g[0], 0.5, 1e-12);  // (−1·σ(1000)·(−1))/2 from sample 1
    model->set_curvature_point(theta);
    EXPECT_TRUE(model->curvature_diagonal().allFinite());
    EXPECT_EQ(model->separates(theta), std::optional<bool>(false));
}

TEST(SoftmaxModel, LossIsStableForLargeScores) {
    DenseMatrix x(2, 1);
    x << 1.0, 2.0;
    auto model = make_model("softmax", FeatureMatrix::dense(DenseMatrix(x)), Vector{{0.0, 1.0}});
    Vector theta(2);
    theta << 800.0, -800.0;
    Vector g;
    const double risk = model->evaluate(theta, &g);
    EXPECT_NEAR(risk, (0.0 + 3200.0) / 2, 1e-9);
    EXPECT_TRUE(g.allFinite());
}

TEST(LinearModels, SeparationCertificate) {
    DenseMatrix x(3, 1);
    x << 1.0, 2.0, -1.0;
    auto logistic = make_model("logistic", FeatureMatrix::dense(DenseMatrix(x)), Vector{{1, 1, 0}});
    EXPECT_EQ(logistic->separates(Vector::Ones(1)), std::optional<bool>(true));
    EXPECT_EQ(logistic->separates(-Vector::Ones(1)), std::optional<bool>(false));
    EXPECT_EQ(logistic->separates(Vector::Zero(1)), std::optional<bool>(false));  // margin 0
    auto ls = make_model("ls", FeatureMatrix::dense(DenseMatrix(x)), Vector{{1, 1, 0}});
    EXPECT_FALSE(ls->separates(Vector::Ones(1)).has_value());
    auto softmax =
        make_model("softmax", FeatureMatrix::dense(DenseMatrix(x), true), Vector{{1, 1, 0}});
    Vector theta(4);  // class 0: −x, class 1: +x (no intercepts)
    theta << -1, 0, 1, 0;
    EXPECT_EQ(softmax->separates(theta), std::optional<bool>(true));
    EXPECT_EQ(softmax->separates(Vector::Zero(4)), std::optional<bool>(false));  // ties
    // Counted by hand: θ = 1 gives margins y·x = 1, 2, 1 (labels ±1: 1, 1, −1 for x = −1);
    // θ = −1 flips them all; θ = 0 has margin 0 everywhere; θ = (0.5 on x) all correct.
    EXPECT_EQ(logistic->misclassified(Vector::Ones(1)), std::optional<Index>(0));
    EXPECT_EQ(logistic->misclassified(-Vector::Ones(1)), std::optional<Index>(3));
    EXPECT_EQ(logistic->misclassified(Vector::Zero(1)), std::optional<Index>(3));
    EXPECT_FALSE(ls->misclassified(Vector::Ones(1)).has_value());
    Vector half(4);  // class 1 wins on x > 0.5: samples x = 1, 2 (class 1) right, x = −1 right
    half << 0, 0, 1, -0.5;
    EXPECT_EQ(softmax->misclassified(half), std::optional<Index>(0));
    half << 0, 0, 1, -1.5;  // now x = 1 scores 1 − 1.5 < 0: sample 0 is misclassified
    EXPECT_EQ(softmax->misclassified(half), std::optional<Index>(1));
}

// ----- Factory and errors -----------------------------------------------------

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no exception)";
}

TEST(ModelFactory, BuildsEveryModelByName) {
    const DenseMatrix x = random_features(6, 2, 1.0, 91);
    const Vector labels{{1, 0, 1, 0, 1, 1}};
    EXPECT_EQ(make_model("ls", FeatureMatrix::dense(DenseMatrix(x)), labels)->name(),
              "least_squares");
    EXPECT_EQ(make_model("least_squares", FeatureMatrix::dense(DenseMatrix(x)), labels)->name(),
              "least_squares");
    auto logistic = make_model("logistic", FeatureMatrix::dense(DenseMatrix(x), true), labels,
                               {Curvature::ggn});
    EXPECT_EQ(logistic->name(), "logistic");
    EXPECT_EQ(logistic->curvature(), Curvature::ggn);
    EXPECT_EQ(logistic->parameters(), 3);
    EXPECT_EQ(logistic->samples(), 6);
    auto softmax = make_model("softmax", FeatureMatrix::dense(DenseMatrix(x), true), labels);
    EXPECT_EQ(softmax->parameters(), 6);
    EXPECT_EQ(softmax->outputs(), 2);
}

TEST(ModelFactory, RefusesUnknownNamesListingTheChoices) {
    const DenseMatrix x = random_features(3, 2, 1.0, 92);
    const std::string message = message_of(
        [&] { make_model("svm", FeatureMatrix::dense(DenseMatrix(x)), Vector::Ones(3)); });
    EXPECT_NE(message.find("'svm'"), std::string::npos) << message;
    for (const char* choice : {"ls", "least_squares", "logistic", "softmax"})
        EXPECT_NE(message.find(choice), std::string::npos) << message;
    EXPECT_THROW(make_model("svm", FeatureMatrix::dense(DenseMatrix(x)), Vector::Ones(3)),
                 UsageError);
}

TEST(ModelFactory, RefusesUnsuitableLabelsNamingValueAndRow) {
    const DenseMatrix x = random_features(4, 2, 1.0, 93);
    const auto features = [&] { return FeatureMatrix::dense(DenseMatrix(x)); };
    EXPECT_THROW(make_model("logistic", features(), Vector{{1, -1, 2, 1}}), InputError);
    const std::string logistic = message_of([&] {
        make_model("logistic", features(), Vector{{1, -1, 2, 1}});
    });
    EXPECT_NE(logistic.find("logistic"), std::string::npos) << logistic;
    EXPECT_NE(logistic.find("[2] = 2"), std::string::npos) << logistic;  // row 2, value 2

    const std::string ls = message_of([&] {
        make_model("ls", features(), Vector{{1, NAN, 2, 1}});
    });
    EXPECT_NE(ls.find("nan"), std::string::npos) << ls;
    EXPECT_NE(ls.find("row 1"), std::string::npos) << ls;

    EXPECT_THROW(make_model("softmax", features(), Vector{{3, 3, 3, 3}}), InputError);
    const std::string single = message_of([&] {
        make_model("softmax", features(), Vector{{3, 3, 3, 3}});
    });
    EXPECT_NE(single.find("two classes"), std::string::npos) << single;
    EXPECT_THROW(make_model("softmax", features(), Vector{{0, 1, INFINITY, 1}}), InputError);

    EXPECT_THROW(make_model("ls", features(), Vector::Ones(3)), UsageError);
    EXPECT_THROW(make_model("logistic", features(), Vector::Ones(5)), UsageError);
}

TEST(ModelFactory, ChecksLengthsAndCurvaturePoint) {
    const DenseMatrix x = random_features(4, 2, 1.0, 94);
    auto model = make_model("ls", FeatureMatrix::dense(DenseMatrix(x)), Vector::Ones(4));
    Vector y(2);
    EXPECT_THROW(model->curvature_product(Vector::Ones(2).eval().data(), y.data()), UsageError);
    EXPECT_THROW(model->curvature_diagonal(), UsageError);
    EXPECT_THROW(model->evaluate(Vector::Ones(3), nullptr), UsageError);
    EXPECT_THROW(model->set_curvature_point(Vector::Ones(1)), UsageError);
    EXPECT_EQ(parse_curvature("hessian"), Curvature::hessian);
    EXPECT_EQ(parse_curvature("ggn"), Curvature::ggn);
    EXPECT_STREQ(to_string(Curvature::ggn), "ggn");
    EXPECT_THROW(parse_curvature("fisher"), UsageError);
}

}  // namespace
}  // namespace ridgelens
