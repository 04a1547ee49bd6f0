// Binary logistic regression with labels y = ±1: ℓ(z, y) = log(1 + e^{−yz}),
// ∂ℓ/∂z = −y σ(−yz), ∇²_z ℓ = σ(z) σ(−z).

#include <cmath>
#include <string>

#include "dual.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/model/linear_models.hpp"

namespace ridgelens {
namespace {

// σ(m) = 1/(1 + e^{−m}) without overflow for either sign of m.
template <class T>
T sigmoid(T m) {
    using detail::exp;
    using std::exp;
    if (detail::value_of(m) >= 0) return 1.0 / (1.0 + exp(-m));
    const T e = exp(m);
    return e / (1.0 + e);
}

// ∂ℓ/∂z, generic so that the Hessian path can differentiate it.
template <class T>
T loss_derivative(T z, double label) {
    return -label * sigmoid(-label * z);
}

// log(1 + e^m) without overflow or cancellation.
double softplus(double m) {
    return std::max(m, 0.0) + std::log1p(std::exp(-std::abs(m)));
}

Vector checked_labels(const Vector& labels, Index samples) {
    if (labels.size() != samples)
        throw UsageError("logistic model: " + std::to_string(labels.size()) + " labels for " +
                         std::to_string(samples) + " samples");
    try {
        return binary_labels_pm1(labels);
    } catch (const InputError& error) {
        throw InputError(std::string("logistic model: ") + error.what());
    }
}

}  // namespace

LogisticModel::LogisticModel(FeatureMatrix features, const Vector& labels)
    : LinearModel(std::move(features), 1), labels_(checked_labels(labels, samples())) {}

double LogisticModel::sample_loss(Index sample, const double* z, double* dz) const {
    const double label = labels_[sample];
    dz[0] = loss_derivative(z[0], label);
    return softplus(-label * z[0]);
}

void LogisticModel::sample_gradient_tangent(Index sample, const double* z, const double* u,
                                            double* a) const {
    a[0] = loss_derivative(detail::Dual{z[0], u[0]}, labels_[sample]).tangent;
}

void LogisticModel::sample_loss_hessian_product(Index sample, const double* z, const double* u,
                                                double* a) const {
    double w;
    sample_loss_hessian_diagonal(sample, z, &w);
    a[0] = w * u[0];
}

void LogisticModel::sample_loss_hessian_diagonal(Index, const double* z, double* w) const {
    // σ(z)σ(−z) = e/(1 + e)² with e = e^{−|z|} ≤ 1.
    const double e = std::exp(-std::abs(z[0]));
    w[0] = e / ((1.0 + e) * (1.0 + e));
}

std::optional<bool> LogisticModel::sample_separated(Index sample, const double* z) const {
    return labels_[sample] * z[0] > 0;
}

}  // namespace ridgelens
