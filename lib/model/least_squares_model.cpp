// Least squares: ℓ(z, y) = (z − y)²/2, so ∂ℓ/∂z = z − y and ∇²_z ℓ = 1.

#include <cmath>
#include <sstream>

#include "dual.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/linear_models.hpp"

namespace ridgelens {
namespace {

// ∂ℓ/∂z, generic so that the Hessian path can differentiate it.
template <class T>
T residual(T z, double target) {
    return z - target;
}

Vector checked_targets(Vector targets, Index samples) {
    if (targets.size() != samples)
        throw UsageError("least squares model: " + std::to_string(targets.size()) +
                         " targets for " + std::to_string(samples) + " samples");
    for (Index i = 0; i < targets.size(); ++i) {
        if (!std::isfinite(targets[i])) {
            std::ostringstream message;
            message << "least squares model: target " << targets[i] << " in row " << i
                    << " is not a finite number";
            throw InputError(message.str());
        }
    }
    return targets;
}

}  // namespace

LeastSquaresModel::LeastSquaresModel(FeatureMatrix features, Vector targets)
    : LinearModel(std::move(features), 1),
      targets_(checked_targets(std::move(targets), samples())) {}

double LeastSquaresModel::sample_loss(Index sample, const double* z, double* dz) const {
    dz[0] = residual(z[0], targets_[sample]);
    return 0.5 * dz[0] * dz[0];
}

void LeastSquaresModel::sample_gradient_tangent(Index sample, const double* z, const double* u,
                                                double* a) const {
    a[0] = residual(detail::Dual{z[0], u[0]}, targets_[sample]).tangent;
}

void LeastSquaresModel::sample_loss_hessian_product(Index, const double*, const double* u,
                                                    double* a) const {
    a[0] = u[0];
}

void LeastSquaresModel::sample_loss_hessian_diagonal(Index, const double*, double* w) const {
    w[0] = 1.0;
}

std::optional<bool> LeastSquaresModel::sample_separated(Index, const double*) const {
    return std::nullopt;
}

}  // namespace ridgelens
