#include "ridgelens/geometry/decay_analysis.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

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

constexpr double epsilon = std::numeric_limits<double>::epsilon();
constexpr double infinity = std::numeric_limits<double>::infinity();

CurvatureKind classify(double sigma, double threshold) {
    if (sigma > threshold) return CurvatureKind::positive;
    if (sigma < -threshold) return CurvatureKind::negative;
    return CurvatureKind::null;
}

std::string format_short(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

// f at an eigenvalue s ≥ 0 that may be 0 (then f = 0, also at λ = 0).
double factor_at(double s, double lambda) {
    return s > 0 ? s / (s + lambda) : 0.0;
}

// The predicted q_jᵀθ̂_ridge for eigenvalue s; the limit s → 0⁺ at λ = 0.
double shrunk_at(double s, double c, double g, double lambda) {
    const double denominator = s + lambda;
    if (denominator != 0) return (s * c - g) / denominator;
    return g == 0 ? c : infinity;
}

// Fills sigma_uncertainty, factor_uncertainty and self_check_tolerance of d.
// `solve_error` bounds ‖r_s‖, `norms` = ‖θ̂‖ + ‖θ̂_ridge‖, `residual` = ‖r_j‖.
void bound_direction(DirectionDecay& d, double gradient_component, double lambda, double threshold,
                     double residual, double solve_error, double norms,
                     const DecayOptions& options) {
    d.sigma_uncertainty = std::max(threshold, residual);
    const double rounding = 64 * epsilon * (norms + std::abs(d.component));
    const double propagated =
        (residual * norms + solve_error) / (std::abs(d.sigma) + lambda) + rounding;
    if (d.kind == CurvatureKind::negative) {
        // Not a decay at all (flagged by the PSD check); only the algebra is checked.
        d.self_check_tolerance =
            (residual * norms + solve_error) / std::abs(d.sigma + lambda) + rounding;
        return;
    }
    const double low = std::max(d.sigma - d.sigma_uncertainty, 0.0);
    const double high = std::max(d.sigma, 0.0) + d.sigma_uncertainty;
    if (lambda == 0 && d.kind == CurvatureKind::null) {
        // λ = 0: f = 0 on the numerical null space is a convention (df(0) =
        // rank), and the solve's component there is not determined by b.
        d.factor_uncertainty = 0;
        d.self_check_tolerance = infinity;
    } else if (lambda == 0 && low == 0) {
        d.factor_uncertainty = 1;  // σ may be 0 (f = 0) or positive (f = 1)
        d.self_check_tolerance = infinity;
    } else {
        d.factor_uncertainty = std::max(std::abs(factor_at(high, lambda) - d.factor),
                                        std::abs(factor_at(low, lambda) - d.factor));
        const double shrunk_spread =
            std::max(std::abs(shrunk_at(high, d.component, gradient_component, lambda) - d.shrunk),
                     std::abs(shrunk_at(low, d.component, gradient_component, lambda) - d.shrunk));
        d.self_check_tolerance = propagated + shrunk_spread;
    }
    d.resolved = d.factor_uncertainty <= options.factor_tolerance;
}

// The failures sentence for the unresolved directions, e.g. "directions 3-10".
std::string unresolved_failure(const DecayAnalysis& analysis) {
    const DirectionDecay* first = nullptr;
    for (const DirectionDecay& d : analysis.directions)
        if (!d.resolved) {
            first = &d;
            break;
        }
    return std::to_string(analysis.unresolved) + " of " +
           std::to_string(analysis.directions.size()) +
           " directions have decay factors this computation does not determine at λ = " +
           format_short(analysis.lambda) + " (first: σ_" + std::to_string(first->j) + " = " +
           format_short(first->sigma) + " is known only to ±" +
           format_short(first->sigma_uncertainty) +
           ", the eigen residual or the null threshold, so f_" + std::to_string(first->j) +
           " may be off by " + format_short(first->factor_uncertainty) +
           "): these eigenvalues lie below what the eigen step resolves next to σ_1; rescale H "
           "or use a larger λ";
}

// The self-check verdict: a resolved direction whose solved and predicted
// components differ by more than its tolerance is a numerical failure.
void record_self_check(DecayAnalysis& analysis) {
    const DirectionDecay* worst = nullptr;
    double worst_ratio = -1;
    for (const DirectionDecay& d : analysis.directions) {
        if (!d.resolved || !std::isfinite(d.self_check_tolerance)) continue;
        const double error = std::abs(d.solved - d.shrunk);
        const double ratio = d.self_check_tolerance > 0 ? error / d.self_check_tolerance
                                                        : (error > 0 ? infinity : 0.0);
        if (!(ratio <= worst_ratio)) {  // NaN counts as the worst
            worst_ratio = ratio;
            worst = &d;
        }
    }
    if (worst == nullptr) return;
    analysis.self_check_tolerance = worst->self_check_tolerance;
    if (worst_ratio <= 1) return;
    analysis.self_check_holds = false;
    analysis.failures.push_back(
        "self-check failed at λ = " + format_short(analysis.lambda) + ": q_" +
        std::to_string(worst->j) + "ᵀθ̂_ridge = " + format_short(worst->solved) +
        " from the solve, but the eigenpair predicts " + format_short(worst->shrunk) +
        " (|difference| " + format_short(std::abs(worst->solved - worst->shrunk)) +
        " > tolerance " + format_short(worst->self_check_tolerance) +
        " from the eigen residual, the solve residual and rounding): the eigenpairs and the "
        "solve disagree");
}

// ‖r‖, ‖P⊥θ̂_ridge‖ and the tail bound σ_k/(σ_k+λ)‖r‖ (PSD H, g = 0, all pairs
// converged), compared up to a slack: rounding, the self-check errors of the
// resolved directions (√k of them, for the projection, each at most its
// tolerance) and the solve's error, which lies in the tail up to ‖r_s‖/λ.
void analyze_tail(DecayAnalysis& analysis, const Eigenpairs& pairs, const Vector& theta,
                  const Vector& gradient, const Vector& theta_ridge, const Vector& components,
                  const Vector& ridge_components, bool h_is_psd, double solve_error,
                  double solve_relative_residual, Index dimension) {
    const Index k = pairs.values.size();
    const double lambda = analysis.lambda;
    TailAnalysis& tail = analysis.tail;
    tail.theta_tail_norm = (theta - pairs.vectors * components).norm();
    tail.ridge_tail_norm = (theta_ridge - pairs.vectors * ridge_components).norm();
    const bool no_gradient = gradient.size() == 0 || gradient.norm() == 0;
    tail.bound_applies = h_is_psd && no_gradient && k > 0 && pairs.status == EigenStatus::converged;
    if (k > 0) {
        const double sigma_k = std::max(pairs.values[k - 1], 0.0);
        tail.bound = decay_factor(sigma_k, lambda) * tail.theta_tail_norm;
    }
    double checked = 0;  // the observed self-check error of the resolved directions
    for (const DirectionDecay& d : analysis.directions)
        if (d.resolved && std::isfinite(d.self_check_tolerance))
            checked =
                std::max(checked, std::min(std::abs(d.solved - d.shrunk), d.self_check_tolerance));
    // The solve's error e = (H+λI)⁻¹r_s lies in the tail up to ‖r_s‖/λ. At
    // λ = 0 nothing computed here bounds it (it depends on the smallest
    // nonzero eigenvalue, which only a converged PSD check gives): the slack
    // then allows √n times the solve's relative residual, relative to ‖θ̂_ridge‖.
    const double n = static_cast<double>(dimension);
    const double solve_tail =
        lambda > 0 ? solve_error / lambda
                   : std::sqrt(n) * std::max(solve_relative_residual, epsilon) * theta_ridge.norm();
    const double sqrt_k = std::sqrt(static_cast<double>(std::max<Index>(k, 1)));
    tail.slack =
        64 * epsilon * theta.norm() + sqrt_k * checked + std::min(solve_tail, theta_ridge.norm());
    tail.bound_holds = tail.bound_applies && tail.ridge_tail_norm <= tail.bound + tail.slack;
    if (tail.bound_applies && !tail.bound_holds)
        analysis.failures.push_back("tail bound violated at λ = " + format_short(lambda) +
                                    ": ‖P⊥θ̂_ridge‖ = " + format_short(tail.ridge_tail_norm) +
                                    " > σ_k/(σ_k+λ)‖r‖ = " + format_short(tail.bound) +
                                    " + slack " + format_short(tail.slack) +
                                    ": the computed pairs may not be the top k");
}

// The rows of the decay table for one set of pairs (top or most negative).
// `solve_error` bounds the solve's residual norm (see bound_direction).
void add_directions(const Eigenpairs& pairs, const Vector& theta, const Vector& gradient,
                    double lambda, const Vector& theta_ridge, double null_threshold, bool bottom,
                    double solve_error, const DecayOptions& options, Index dimension,
                    DecayAnalysis& analysis) {
    const Index n = theta.size();
    const Index k = pairs.values.size();
    if (pairs.vectors.rows() != n || pairs.vectors.cols() != k)
        throw UsageError(
            "decay analysis: eigenvectors are " + std::to_string(pairs.vectors.rows()) + "x" +
            std::to_string(pairs.vectors.cols()) + ", θ̂ has length " + std::to_string(n));
    const Vector components = pairs.vectors.transpose() * theta;
    const Vector ridge_components = pairs.vectors.transpose() * theta_ridge;
    const double norms = theta.norm() + theta_ridge.norm();
    const Vector gradient_components =
        gradient.size() ? Vector(pairs.vectors.transpose() * gradient) : Vector::Zero(k);
    for (Index j = 0; j < k; ++j) {
        DirectionDecay d;
        d.j = bottom ? dimension - j : j + 1;
        d.bottom = bottom;
        d.sigma = pairs.values[j];
        const double residual = j < pairs.residuals.size() ? pairs.residuals[j] : 0.0;
        // Accuracy-derived: null when σ_j is within its residual (or the
        // rounding floor) of 0.
        const double threshold = std::max(null_threshold, residual);
        d.kind = classify(d.sigma, threshold);
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
        bound_direction(d, gradient_components[j], lambda, threshold, residual, solve_error, norms,
                        options);
        if (!std::isfinite(d.shrunk)) {
            d.self_check_tolerance = infinity;  // singular σ_j + λ: nothing to compare
        } else {
            analysis.self_check_max_abs_error =
                std::max(analysis.self_check_max_abs_error, std::abs(d.solved - d.shrunk));
        }
        if (!d.resolved) ++analysis.unresolved;
        analysis.directions.push_back(d);
    }
}

// analyze_decay with the dimension of H given: `dimension` (not the length
// of the vectors, which may be an isometric image of smaller dimension)
// enters the rounding floor of the null rule, the index j of the most
// negative directions and the solve's tail at λ = 0.
DecayAnalysis decay_in_dimension(const Eigenpairs& pairs, const Vector& theta,
                                 const Vector& gradient, double lambda, const Vector& theta_ridge,
                                 bool h_is_psd, const DecayOptions& options,
                                 double solve_relative_residual, const Eigenpairs* negative,
                                 Index dimension) {
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
    // The floor of the null rule: the rounding level of a product with H.
    const double null_threshold =
        std::max(options.null_tolerance, 64 * epsilon * std::sqrt(static_cast<double>(dimension))) *
        scale;
    const double theta_norm = theta.norm();
    const double ridge_norm = theta_ridge.norm();
    const double gradient_norm = gradient.size() ? gradient.norm() : 0.0;
    // ‖r_s‖ ≤ relative residual · ‖b‖, ‖b‖ = ‖Hθ̂ − g‖ ≤ σ_1‖θ̂‖ + ‖g‖.
    const double solve_error =
        std::max(solve_relative_residual, 0.0) * (scale * theta_norm + gradient_norm);

    DecayAnalysis analysis;
    analysis.lambda = lambda;
    add_directions(pairs, theta, gradient, lambda, theta_ridge, null_threshold, false, solve_error,
                   options, dimension, analysis);
    if (negative != nullptr && negative->values.size() > 0)
        add_directions(*negative, theta, gradient, lambda, theta_ridge, null_threshold, true,
                       solve_error, options, dimension, analysis);
    const Vector components = pairs.vectors.transpose() * theta;
    const Vector ridge_components = pairs.vectors.transpose() * theta_ridge;
    analysis.self_check_relative = analysis.self_check_max_abs_error /
                                   std::max(ridge_norm, std::numeric_limits<double>::min());
    record_self_check(analysis);
    if (analysis.unresolved > 0) analysis.failures.push_back(unresolved_failure(analysis));
    analyze_tail(analysis, pairs, theta, gradient, theta_ridge, components, ridge_components,
                 h_is_psd, solve_error, solve_relative_residual, dimension);
    return analysis;
}

}  // namespace

DecayAnalysis analyze_decay(const Eigenpairs& pairs, const Vector& theta, const Vector& gradient,
                            double lambda, const Vector& theta_ridge, bool h_is_psd,
                            const DecayOptions& options, double solve_relative_residual,
                            const Eigenpairs* negative) {
    return decay_in_dimension(pairs, theta, gradient, lambda, theta_ridge, h_is_psd, options,
                              solve_relative_residual, negative, theta.size());
}

namespace {

// [a; b] as one vector.
Vector stacked(const Vector& a, const Vector& b) {
    Vector v(a.size() + b.size());
    v << a, b;
    return v;
}

}  // namespace

DecayAnalysis analyze_decay(OperatorRef rows, const Eigenpairs& pairs, const Vector& theta,
                            const Vector& gradient, double lambda, const Vector& theta_ridge,
                            bool h_is_psd, const DecayOptions& options,
                            double solve_relative_residual, const Eigenpairs* negative) {
    if (rows.partition() == nullptr)
        return analyze_decay(pairs, theta, gradient, lambda, theta_ridge, h_is_psd, options,
                             solve_relative_residual, negative);
    const Index n = theta.size();
    const Index k = pairs.values.size();
    const Index k_negative = negative != nullptr ? negative->values.size() : 0;
    if (pairs.vectors.rows() != n || pairs.vectors.cols() != k || theta_ridge.size() != n ||
        (k_negative > 0 &&
         (negative->vectors.rows() != n || negative->vectors.cols() != k_negative)))
        throw UsageError("decay analysis: this process holds " + std::to_string(n) +
                         " rows of θ̂ but the eigenvectors or θ̂_ridge differ");
    double given = gradient.size() > 0 ? 1 : 0;  // g may be given on some processes only when
    rows.sum(&given, 1);                         // they hold no rows
    const bool with_gradient = given > 0;
    // The vectors V = [θ̂, θ̂_ridge, g] and Q = [top pairs, most negative pairs].
    DenseMatrix v(n, with_gradient ? 3 : 2);
    v.col(0) = theta;
    v.col(1) = theta_ridge;
    if (with_gradient) v.col(2) = gradient.size() == n ? gradient : Vector(Vector::Zero(n));
    DenseMatrix q(n, k + k_negative);
    q.leftCols(k) = pairs.vectors;
    if (k_negative > 0) q.rightCols(k_negative) = negative->vectors;
    // QᵀV (one sum), the parts of V outside span(Q) and their Gram matrix
    // (another sum), factored G = MᵀM: the columns of M are isometric
    // coordinates of those parts.
    DenseMatrix components = q.transpose() * v;
    rows.sum(components.data(), components.size());
    const DenseMatrix rest = v - q * components;
    DenseMatrix gram = rest.transpose() * rest;
    rows.sum(gram.data(), gram.size());
    gram = (0.5 * (gram + gram.transpose())).eval();
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> decomposition(gram);
    const Vector root = decomposition.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const DenseMatrix coordinates = root.asDiagonal() * decomposition.eigenvectors().transpose();
    // The isometric image of span(Q, V) in R^{k + k_negative + m}: Q ↦ [I; 0].
    const Index reduced = k + k_negative + v.cols();
    Eigenpairs top = pairs;
    top.vectors = DenseMatrix::Identity(reduced, k);
    Eigenpairs bottom;
    if (k_negative > 0) {
        bottom = *negative;
        bottom.vectors = DenseMatrix::Zero(reduced, k_negative);
        bottom.vectors.middleRows(k, k_negative).setIdentity();
    }
    const auto image = [&](Index column) {
        return stacked(components.col(column), coordinates.col(column));
    };
    return decay_in_dimension(top, image(0), with_gradient ? image(2) : Vector(), lambda, image(1),
                              h_is_psd, options, solve_relative_residual,
                              k_negative > 0 ? &bottom : nullptr, rows.global_rows());
}

}  // namespace ridgelens
