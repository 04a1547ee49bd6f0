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

const char* to_string(RidgeEffect effect) {
    switch (effect) {
        case RidgeEffect::shrunk:
            return "shrunk";
        case RidgeEffect::removed:
            return "removed";
        case RidgeEffect::flipped:
            return "flipped";
        case RidgeEffect::amplified:
            return "amplified";
        case RidgeEffect::singular:
            return "singular";
    }
    return "unknown";
}

RidgeEffect ridge_effect(double factor) {
    if (!std::isfinite(factor)) return RidgeEffect::singular;
    if (factor == 0) return RidgeEffect::removed;
    if (factor < 0) return RidgeEffect::flipped;
    if (factor > 1) return RidgeEffect::amplified;
    return RidgeEffect::shrunk;
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

// The rows of the decay table for one set of pairs (top or most negative).
void add_directions(const Eigenpairs& pairs, const Vector& theta, const Vector& gradient,
                    double lambda, const Vector& theta_ridge, double null_threshold, bool bottom,
                    DecayAnalysis& analysis) {
    const Index n = theta.size();
    const Index k = pairs.values.size();
    if (pairs.vectors.rows() != n || pairs.vectors.cols() != k)
        throw UsageError(
            "decay analysis: eigenvectors are " + std::to_string(pairs.vectors.rows()) + "x" +
            std::to_string(pairs.vectors.cols()) + ", θ̂ has length " + std::to_string(n));
    const Vector components = pairs.vectors.transpose() * theta;
    const Vector ridge_components = pairs.vectors.transpose() * theta_ridge;
    const Vector gradient_components =
        gradient.size() ? Vector(pairs.vectors.transpose() * gradient) : Vector::Zero(k);
    for (Index j = 0; j < k; ++j) {
        DirectionDecay d;
        d.j = bottom ? n - j : j + 1;
        d.bottom = bottom;
        d.sigma = pairs.values[j];
        d.kind = classify(d.sigma, null_threshold);
        const double effective_sigma = d.kind == CurvatureKind::null ? 0.0 : d.sigma;
        d.component = components[j];
        // σ_j + λ within the accuracy of σ_j (its residual bounds its error): singular.
        const double accuracy =
            std::max(j < pairs.residuals.size() ? pairs.residuals[j] : 0.0,
                     64 * std::numeric_limits<double>::epsilon() * std::abs(effective_sigma));
        const double denominator =
            effective_sigma < 0 && std::abs(effective_sigma + lambda) <= accuracy
                ? 0.0
                : effective_sigma + lambda;
        d.factor = effective_sigma == 0 ? 0.0
                   : denominator == 0   ? std::numeric_limits<double>::infinity()
                                        : effective_sigma / denominator;
        d.effect = ridge_effect(d.factor);
        d.shrunk = denominator != 0
                       ? (effective_sigma * d.component - gradient_components[j]) / denominator
                       : std::numeric_limits<double>::quiet_NaN();
        d.solved = ridge_components[j];
        if (std::isfinite(d.shrunk))
            analysis.self_check_max_abs_error =
                std::max(analysis.self_check_max_abs_error, std::abs(d.solved - d.shrunk));
        analysis.directions.push_back(d);
    }
}

}  // namespace

DecayAnalysis analyze_decay(const Eigenpairs& pairs, const Vector& theta, const Vector& gradient,
                            double lambda, const Vector& theta_ridge, bool h_is_psd,
                            const DecayOptions& options, const Eigenpairs* negative) {
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

    double scale = k > 0 ? pairs.values.cwiseAbs().maxCoeff() : 0.0;
    if (negative != nullptr && negative->values.size() > 0)
        scale = std::max(scale, negative->values.cwiseAbs().maxCoeff());
    const double null_threshold = options.null_tolerance * scale;

    DecayAnalysis analysis;
    analysis.lambda = lambda;
    add_directions(pairs, theta, gradient, lambda, theta_ridge, null_threshold, false, analysis);
    if (negative != nullptr && negative->values.size() > 0)
        add_directions(*negative, theta, gradient, lambda, theta_ridge, null_threshold, true,
                       analysis);
    const Vector components = pairs.vectors.transpose() * theta;
    const Vector ridge_components = pairs.vectors.transpose() * theta_ridge;
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
