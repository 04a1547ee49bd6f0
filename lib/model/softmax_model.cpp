// Softmax regression: ℓ(z, y) = log Σ_c e^{z_c} − z_y, ∂ℓ/∂z = p − e_y with
// p = softmax(z), ∇²_z ℓ = diag(p) − ppᵀ.

#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "dual.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/model/linear_models.hpp"

namespace ridgelens {
namespace {

// out = softmax(z) − e_label (C values), generic so that the Hessian path can
// differentiate it. The shift by max z cancels in the ratio (its derivative
// would too), so it is taken from the values only.
template <class T>
void loss_derivative(const T* z, Index classes, int label, T* out) {
    using detail::exp;
    using std::exp;
    double shift = -std::numeric_limits<double>::infinity();
    for (Index c = 0; c < classes; ++c) shift = std::max(shift, detail::value_of(z[c]));
    T sum{};
    for (Index c = 0; c < classes; ++c) {
        out[c] = exp(z[c] - shift);
        sum += out[c];
    }
    for (Index c = 0; c < classes; ++c) out[c] = out[c] / sum;
    out[label] = out[label] - 1.0;
}

// A per-thread scratch vector of at least `size` elements.
template <class T>
T* scratch(Index size) {
    thread_local std::vector<T> buffer;
    if (static_cast<Index>(buffer.size()) < size) buffer.resize(static_cast<std::size_t>(size));
    return buffer.data();
}

struct Classes {
    std::vector<int> of_sample;
    std::vector<double> labels;
};

Classes checked_classes(const Vector& labels, Index samples) {
    if (labels.size() != samples)
        throw UsageError("softmax model: " + std::to_string(labels.size()) + " labels for " +
                         std::to_string(samples) + " samples");
    for (Index i = 0; i < labels.size(); ++i) {
        if (!std::isfinite(labels[i])) {
            std::ostringstream message;
            message << "softmax model: label " << labels[i] << " in row " << i
                    << " is not a finite number";
            throw InputError(message.str());
        }
    }
    Classes classes;
    classes.of_sample = class_indices(labels, &classes.labels);
    if (classes.labels.size() < 2) {
        std::ostringstream message;
        message << "softmax model: needs at least two classes, but every label is "
                << (classes.labels.empty() ? 0.0 : classes.labels[0]) << " (row 0 onwards)";
        throw InputError(message.str());
    }
    return classes;
}

}  // namespace

SoftmaxModel::SoftmaxModel(FeatureMatrix features, const Vector& labels)
    : SoftmaxModel(features, [&] {
          Classes classes = checked_classes(labels, features.rows());
          return std::pair(std::move(classes.of_sample), std::move(classes.labels));
      }()) {}

SoftmaxModel::SoftmaxModel(FeatureMatrix features,
                           std::pair<std::vector<int>, std::vector<double>> classes)
    : LinearModel(std::move(features), static_cast<Index>(classes.second.size())),
      classes_(std::move(classes.first)),
      class_labels_(std::move(classes.second)) {}

double SoftmaxModel::sample_loss(Index sample, const double* z, double* dz) const {
    const Index classes = outputs();
    const int label = classes_[static_cast<std::size_t>(sample)];
    loss_derivative(z, classes, label, dz);
    // log Σ e^{z_c} − z_y = log(Σ e^{z_c − m}) + m − z_y; reuse p = dz + e_y.
    double shift = z[0];
    for (Index c = 1; c < classes; ++c) shift = std::max(shift, z[c]);
    double sum = 0;
    for (Index c = 0; c < classes; ++c) sum += std::exp(z[c] - shift);
    return std::log(sum) + shift - z[label];
}

void SoftmaxModel::sample_gradient_tangent(Index sample, const double* z, const double* u,
                                           double* a) const {
    const Index classes = outputs();
    detail::Dual* in = scratch<detail::Dual>(2 * classes);
    detail::Dual* out = in + classes;
    for (Index c = 0; c < classes; ++c) in[c] = {z[c], u[c]};
    loss_derivative(in, classes, classes_[static_cast<std::size_t>(sample)], out);
    for (Index c = 0; c < classes; ++c) a[c] = out[c].tangent;
}

void SoftmaxModel::sample_loss_hessian_product(Index sample, const double* z, const double* u,
                                               double* a) const {
    // (diag(p) − ppᵀ)u = p ⊙ u − p (pᵀu).
    const Index classes = outputs();
    double* p = scratch<double>(classes);
    loss_derivative(z, classes, classes_[static_cast<std::size_t>(sample)], p);
    p[classes_[static_cast<std::size_t>(sample)]] += 1.0;
    double pu = 0;
    for (Index c = 0; c < classes; ++c) pu += p[c] * u[c];
    for (Index c = 0; c < classes; ++c) a[c] = p[c] * (u[c] - pu);
}

void SoftmaxModel::sample_loss_hessian_diagonal(Index sample, const double* z, double* w) const {
    const Index classes = outputs();
    loss_derivative(z, classes, classes_[static_cast<std::size_t>(sample)], w);
    w[classes_[static_cast<std::size_t>(sample)]] += 1.0;
    for (Index c = 0; c < classes; ++c) w[c] = w[c] * (1.0 - w[c]);
}

std::optional<bool> SoftmaxModel::sample_separated(Index sample, const double* z) const {
    const int label = classes_[static_cast<std::size_t>(sample)];
    for (Index c = 0; c < outputs(); ++c)
        if (c != label && !(z[label] > z[c])) return false;
    return true;
}

}  // namespace ridgelens
