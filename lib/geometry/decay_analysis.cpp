#include "ridgelens/geometry/decay_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ridgelens/error.hpp"

namespace ridgelens {

const char* to_string(CurvatureKind kind) {
    switch (kind) {
        case CurvatureKind::positive:
            return "positive";
        case CurvatureKind::null:
            return "null";
        case CurvatureKind::negative:
            return "negative";
    }
    return "unknown";
}

double decay_factor(double sigma, double lambda) {
    if (sigma == 0) return 0;
    return sigma / (sigma + lambda);
}

namespace {

CurvatureKind classify(double sigma, double threshold) {
    if (sigma > threshold) return CurvatureKind::positive;
    if (sigma < -threshold) return CurvatureKind::negative;
    return CurvatureKind::null;
}

}  // namespace

DecayAnalysis analyze_decay(const Eigenpairs& pairs, const Vector& theta, const Vector& gradient,
                            double lambda, const Vector& theta_ridge, bool h_is_psd,
                            const DecayOptions& options) {
    const Index n = theta.size();
    const Index k = pairs.values.size();
    if (pairs.vectors.rows() != n || pairs.vectors.cols() != k)
        throw UsageError(
            "decay analysis: eigenvectors are " + std::to_string(pairs.vectors.rows()) + "x" +
            std::to_string(pairs.vectors.cols()) + ", θ̂ has length " + std::to_string(n));
    if (theta_ridge.size() != n) throw UsageError("decay analysis: θ̂_ridge length differs from θ̂");
    if (gradient.size() != 0 && gradient.size() != n)
        throw UsageError("decay analysis: gradient length differs from θ̂");
    if (!(lambda >= 0)) throw UsageError("decay analysis: λ must be >= 0");

    const Vector components = pairs.vectors.transpose() * theta;
    const Vector ridge_components = pairs.vectors.transpose() * theta_ridge;
    const Vector gradient_components =
        gradient.size() ? Vector(pairs.vectors.transpose() * gradient) : Vector::Zero(k);
    const double scale = k > 0 ? std::abs(pairs.values.cwiseAbs().maxCoeff()) : 0.0;
    const double null_threshold = options.null_tolerance * scale;

    DecayAnalysis analysis;
    analysis.lambda = lambda;
    for (Index j = 0; j < k; ++j) {
        DirectionDecay d;
        d.j = j + 1;
        d.sigma = pairs.values[j];
        d.kind = classify(d.sigma, null_threshold);
        const double effective_sigma = d.kind == CurvatureKind::null ? 0.0 : d.sigma;
        d.component = components[j];
        d.factor = decay_factor(effective_sigma, lambda);
        const double denominator = effective_sigma + lambda;
        d.shrunk = denominator != 0
                       ? (effective_sigma * d.component - gradient_components[j]) / denominator
                       : std::numeric_limits<double>::quiet_NaN();
        d.solved = ridge_components[j];
        analysis.self_check_max_abs_error =
            std::max(analysis.self_check_max_abs_error, std::abs(d.solved - d.shrunk));
        analysis.directions.push_back(d);
    }
    const double ridge_norm = theta_ridge.norm();
    analysis.self_check_relative = analysis.self_check_max_abs_error /
                                   std::max(ridge_norm, std::numeric_limits<double>::min());

    TailAnalysis& tail = analysis.tail;
    tail.theta_tail_norm = (theta - pairs.vectors * components).norm();
    tail.ridge_tail_norm = (theta_ridge - pairs.vectors * ridge_components).norm();
    const bool no_gradient = gradient.size() == 0 || gradient.norm() == 0;
    tail.bound_applies = h_is_psd && no_gradient && k > 0 && pairs.status == EigenStatus::converged;
    if (k > 0) {
        const double sigma_k = std::max(pairs.values[k - 1], 0.0);
        tail.bound = decay_factor(sigma_k, lambda) * tail.theta_tail_norm;
    }
    // Rounding slack: the solve and the eigenvectors are accurate to about
    // the self-check error, times √k for the projection.
    const double slack =
        1e-12 * theta.norm() +
        std::sqrt(static_cast<double>(std::max<Index>(k, 1))) * analysis.self_check_max_abs_error;
    tail.bound_holds = tail.bound_applies && tail.ridge_tail_norm <= tail.bound + slack;
    return analysis;
}

}  // namespace ridgelens
