// Traces of spectral functions from stored SLQ quadrature rules: df(λ) =
// tr(H(H+λI)⁻¹) and log det(I + H/λ) for any λ grid, with no product with H.
//
// Both terms, f(σ) = σ/(σ+λ) and l(σ) = log(1 + σ/λ), have positive odd and
// negative even derivatives on σ > −λ, so for each probe the Gauss rule is
// an upper and the Gauss–Radau rule (a node fixed at a ≤ σ_min) a lower
// bound of zᵀ t(H) z; the midpoint is the estimate, the half-gap its
// quadrature error bound.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "spectrum/sample_statistics.hpp"

namespace ridgelens {
namespace {

using detail::sample_mean;
using detail::sample_stderr;

/// One trace estimate at one λ: exact top part plus the probes' mean.
struct TraceEstimate {
    double top = 0;
    double tail = 0;
    double stderr_ = 0;
    double quadrature_error = 0;
};

/// Σ_l w_l t(x_l) over one rule, nodes at or below the null threshold giving 0.
template <class Term>
double apply_rule(const Vector& nodes, const Vector& weights, double threshold, Term term) {
    double sum = 0;
    for (Index l = 0; l < nodes.size(); ++l)
        if (nodes[l] > threshold) sum += weights[l] * term(nodes[l]);
    return sum;
}

template <class Term>
TraceEstimate estimate_trace(const SlqQuadrature& quadrature, Term term) {
    const double threshold = quadrature.null_threshold;
    TraceEstimate estimate;
    for (Index j = 0; j < quadrature.top_values.size(); ++j)
        if (quadrature.top_values[j] > threshold) estimate.top += term(quadrature.top_values[j]);
    const std::size_t probes = quadrature.probes.size();
    std::vector<double> midpoints(probes), half_gaps(probes);
    bool bounded = true;
    for (std::size_t p = 0; p < probes; ++p) {
        const ProbeQuadrature& probe = quadrature.probes[p];
        const double upper = apply_rule(probe.gauss_nodes, probe.gauss_weights, threshold, term);
        double lower = upper;
        if (probe.radau_nodes.size() > 0)
            lower = apply_rule(probe.radau_nodes, probe.radau_weights, threshold, term);
        else if (probe.gauss_nodes.size() > 0)
            bounded = false;  // no valid lower end (H indefinite)
        midpoints[p] = 0.5 * (upper + lower);
        half_gaps[p] = 0.5 * std::abs(upper - lower);
    }
    estimate.tail = sample_mean(midpoints);
    estimate.stderr_ = sample_stderr(midpoints);
    estimate.quadrature_error =
        bounded ? sample_mean(half_gaps) : std::numeric_limits<double>::quiet_NaN();
    return estimate;
}

}  // namespace

DofCurve effective_dof_from_quadrature(const SlqQuadrature& quadrature, const LambdaGrid& lambdas) {
    lambdas.require_nonempty("effective_dof_from_quadrature");
    const std::size_t probes = quadrature.probes.size();
    if (probes < 2)
        throw UsageError("effective_dof_from_quadrature: need at least 2 probes, have " +
                         std::to_string(probes));
    const Index count = static_cast<Index>(lambdas.size());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    DofCurve curve;
    curve.lambdas = lambdas;
    for (Vector* v : {&curve.df, &curve.df_stderr, &curve.df_quadrature_error, &curve.df_top_part,
                      &curve.df_tail, &curve.log_det, &curve.log_det_stderr,
                      &curve.log_det_quadrature_error, &curve.log_det_top_part})
        v->resize(count);
    for (Index i = 0; i < count; ++i) {
        const double lambda = lambdas[static_cast<std::size_t>(i)];
        const TraceEstimate df =
            estimate_trace(quadrature, [lambda](double s) { return s / (s + lambda); });
        curve.df_top_part[i] = df.top;
        curve.df_tail[i] = df.tail;
        curve.df[i] = df.top + df.tail;
        curve.df_stderr[i] = df.stderr_;
        curve.df_quadrature_error[i] = df.quadrature_error;
        if (!(lambda > 0)) {  // log det(I + H/0) is infinite
            curve.log_det[i] = curve.log_det_stderr[i] = curve.log_det_quadrature_error[i] =
                curve.log_det_top_part[i] = nan;
            continue;
        }
        const TraceEstimate log_det =
            estimate_trace(quadrature, [lambda](double s) { return std::log1p(s / lambda); });
        curve.log_det_top_part[i] = log_det.top;
        curve.log_det[i] = log_det.top + log_det.tail;
        curve.log_det_stderr[i] = log_det.stderr_;
        curve.log_det_quadrature_error[i] = log_det.quadrature_error;
    }
    return curve;
}

}  // namespace ridgelens
