// LinearModel: risk, gradient and curvature products of any model that sees
// θ only through the scores X·Θ, on top of FeatureMatrix's fused passes.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "parallel.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/linear_models.hpp"

namespace ridgelens {

LinearModel::LinearModel(FeatureMatrix features, Index outputs)
    : features_(std::move(features)), outputs_(outputs) {
    if (features_.rows() == 0) throw UsageError("model: the training set has no samples");
    if (outputs_ < 1) throw UsageError("model: needs at least one output per sample");
    if (features_.cols() == 0)
        throw UsageError("model: the training set has no features and no intercept");
}

void LinearModel::check_length(const Vector& theta, const char* what) const {
    if (theta.size() != parameters())
        throw UsageError(name() + " model: " + what + " has " + std::to_string(theta.size()) +
                         " entries, the model has " + std::to_string(parameters()) + " parameters");
}

void LinearModel::check_curvature_point(const char* what) const {
    if (!has_point_)
        throw UsageError(name() + " model: " + what + " needs set_curvature_point first");
}

DenseMatrix LinearModel::scores(const Vector& theta) const {
    check_length(theta, "θ");
    DenseMatrix z(outputs_, samples());
    features_.multiply(theta.data(), outputs_, z.data());
    return z;
}

double LinearModel::evaluate(const Vector& theta, Vector* gradient) const {
    check_length(theta, "θ");
    if (gradient != nullptr) return risk_and_gradient(theta, *gradient, nullptr);
    const Index n = samples();
    const DenseMatrix computed = is_curvature_point(theta) ? DenseMatrix() : scores(theta);
    const DenseMatrix& z = is_curvature_point(theta) ? point_scores_ : computed;
    std::vector<double> dz(static_cast<std::size_t>(outputs_));
    double total = 0;
#pragma omp parallel for schedule(static) reduction(+ : total) firstprivate(dz) \
    if (n * outputs_ >= parallel_item_threshold)
    for (Index i = 0; i < n; ++i) total += sample_loss(i, z.col(i).data(), dz.data());
    return total / static_cast<double>(n);
}

double LinearModel::risk_and_gradient(const Vector& theta, Vector& gradient,
                                      DenseMatrix* scores) const {
    const Index n = samples();
    std::vector<double> losses(static_cast<std::size_t>(n));
    gradient.resize(parameters());
    if (scores != nullptr) scores->resize(outputs_, n);
    features_.fused_product(
        theta.data(), outputs_,
        [&](Index i, const double* z, double* dz) {
            if (scores != nullptr) std::copy(z, z + outputs_, scores->col(i).data());
            losses[static_cast<std::size_t>(i)] = sample_loss(i, z, dz);
        },
        gradient.data());
    gradient /= static_cast<double>(n);
    double total = 0;
    for (const double loss : losses) total += loss;
    return total / static_cast<double>(n);
}

bool LinearModel::is_curvature_point(const Vector& theta) const {
    return has_point_ && point_.size() == theta.size() && point_ == theta;
}

void LinearModel::set_curvature_point(const Vector& theta) {
    if (is_curvature_point(theta)) return;
    has_point_ = false;
    point_scores_ = scores(theta);
    point_ = theta;
    has_point_ = true;
}

double LinearModel::evaluate_at_curvature_point(const Vector& theta, Vector* gradient) {
    check_length(theta, "θ");
    if (gradient == nullptr || is_curvature_point(theta)) {
        set_curvature_point(theta);
        return evaluate(theta, gradient);
    }
    has_point_ = false;
    const double risk = risk_and_gradient(theta, *gradient, &point_scores_);
    point_ = theta;
    has_point_ = true;
    return risk;
}

void LinearModel::curvature_product(const double* v, double* y) const {
    curvature_products(v, 1, y);
}

void LinearModel::curvature_products(const double* v, Index count, double* y) const {
    check_curvature_point("curvature_product");
    // Sparse data: one product at a time; dense data: one BLAS-3 pass for all
    // (bench/README.md, "Design measurements": batched model products).
    if (features_.is_sparse() && count > 1) {
        const Index p = parameters();
        for (Index j = 0; j < count; ++j) curvature_products(v + j * p, 1, y + j * p);
        return;
    }
    // The `count` vectors, each cols × C column-major, side by side are one
    // cols × (C·count) matrix: one fused pass with C·count outputs, whose
    // per-sample transform handles each vector's C scores in turn.
    const double* z = point_scores_.data();
    const Index c = outputs_;
    const bool hessian = curvature() == Curvature::hessian;
    features_.fused_product(
        v, c * count,
        [&](Index i, const double* u, double* a) {
            for (Index j = 0; j < count; ++j) {
                if (hessian)
                    sample_gradient_tangent(i, z + i * c, u + j * c, a + j * c);
                else
                    sample_loss_hessian_product(i, z + i * c, u + j * c, a + j * c);
            }
        },
        y);
    const double scale = 1.0 / static_cast<double>(samples());
    const Index total = parameters() * count;
    for (Index k = 0; k < total; ++k) y[k] *= scale;
}

DenseMatrix LinearModel::point_loss_curvatures() const {
    const Index n = samples();
    DenseMatrix weights(outputs_, n);
#pragma omp parallel for schedule(static) if (n * outputs_ >= parallel_item_threshold)
    for (Index i = 0; i < n; ++i)
        sample_loss_hessian_diagonal(i, point_scores_.col(i).data(), weights.col(i).data());
    return weights;
}

Vector LinearModel::curvature_diagonal() const {
    check_curvature_point("curvature_diagonal");
    const DenseMatrix weights = point_loss_curvatures();
    Vector diagonal(parameters());
    features_.weighted_square_sums(weights.data(), outputs_, diagonal.data());
    return diagonal / static_cast<double>(samples());
}

std::optional<DenseMatrix> LinearModel::curvature_matrix(Index max_parameters) const {
    check_curvature_point("curvature_matrix");
    // With one output the loss Hessian in score space is the scalar d_i.
    if (outputs_ != 1 || parameters() > max_parameters) return std::nullopt;
    const DenseMatrix weights = point_loss_curvatures();
    return DenseMatrix(features_.weighted_gram(weights.data(), max_parameters) /
                       static_cast<double>(samples()));
}

std::optional<Index> LinearModel::misclassified(const Vector& theta) const {
    const Vector zero_scores = Vector::Zero(outputs_);
    if (!sample_separated(0, zero_scores.data()).has_value()) return std::nullopt;
    // Θ = 0 scores every class 0 for every sample: no positive margin anywhere.
    if (theta.size() == parameters() && theta.isZero(0.0)) return samples();
    const DenseMatrix computed = is_curvature_point(theta) ? DenseMatrix() : scores(theta);
    const DenseMatrix& z = is_curvature_point(theta) ? point_scores_ : computed;
    const Index n = samples();
    Index count = 0;
#pragma omp parallel for schedule(static) reduction(+ : count) \
    if (n * outputs_ >= parallel_item_threshold)
    for (Index i = 0; i < n; ++i)
        count += sample_separated(i, z.col(i).data()).value_or(false) ? 0 : 1;
    return count;
}

std::optional<Vector> LinearModel::separation_candidate() const {
    const Vector zero_scores = Vector::Zero(outputs_);
    if (!sample_separated(0, zero_scores.data()).has_value()) return std::nullopt;
    // −Σ_i x_i ℓ'_i(0)ᵀ/‖x_i‖: ℓ'(0) = 1/C − e_y (softmax), σ(0) − y (logistic),
    // so θ_c is the normalized centroid of class c less a shift common to all.
    const Vector zero = Vector::Zero(parameters());
    Vector candidate(parameters());
    features_.fused_product(
        zero.data(), outputs_,
        [&](Index i, const double* u, double* a) {
            (void)sample_loss(i, u, a);  // u = x_iᵀ·0 = 0
            const double norm = std::sqrt(features_.row_squared_norm(i));
            const double scale = norm > 0 ? -1.0 / norm : 0.0;
            for (Index c = 0; c < outputs_; ++c) a[c] *= scale;
        },
        candidate.data());
    return candidate;
}

}  // namespace ridgelens
