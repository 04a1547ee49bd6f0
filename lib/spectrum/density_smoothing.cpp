// The smoothed spectral densities of stochastic Lanczos quadrature: every
// Gauss node of every probe (and each deflated eigenvalue) as a Gaussian bump,
// on a linear σ grid and on a log σ grid.

#include <algorithm>
#include <cmath>
#include <numbers>

#include "spectrum/slq_lanczos.hpp"

namespace ridgelens::slq {
namespace {

/// Σ_i w_i φ_h(x − c_i) on `grid` (φ_h the Gaussian density of width h).
Vector smooth(const Vector& grid, const std::vector<double>& centers,
              const std::vector<double>& weights, double h) {
    Vector value = Vector::Zero(grid.size());
    const double normalization = 1.0 / (h * std::sqrt(2 * std::numbers::pi));
    for (Index g = 0; g < grid.size(); ++g) {
        double sum = 0;
        for (std::size_t i = 0; i < centers.size(); ++i) {
            const double u = (grid[g] - centers[i]) / h;
            if (std::abs(u) < 12) sum += weights[i] * std::exp(-0.5 * u * u);
        }
        value[g] = sum * normalization;
    }
    return value;
}

}  // namespace

void fill_densities(const SlqQuadrature& q, const SlqOptions& options, SpectralEstimate& result) {
    const double n = static_cast<double>(q.n);
    const double probes = static_cast<double>(q.probes.size());
    std::vector<double> nodes, weights;
    for (const ProbeQuadrature& probe : q.probes)
        for (Index l = 0; l < probe.gauss_nodes.size(); ++l) {
            nodes.push_back(probe.gauss_nodes[l]);
            weights.push_back(probe.gauss_weights[l] / (n * probes));
        }
    for (Index j = 0; j < q.top_values.size(); ++j) {
        nodes.push_back(q.top_values[j]);
        weights.push_back(1.0 / n);
    }
    const Index points = options.density_points;

    // Linear grid over [min(0, θ_min), σ_1], widened by 3h.
    double low = 0, high = 0;
    for (const double x : nodes) {
        low = std::min(low, x);
        high = std::max(high, x);
    }
    double range = high - low;
    if (!(range > 0)) range = std::max(1.0, std::abs(high));
    const double h = options.density_bandwidth * range;
    result.density_bandwidth = h;
    result.density_sigma = Vector::LinSpaced(points, low - 3 * h, high + 3 * h);
    result.density_value = smooth(result.density_sigma, nodes, weights, h);

    // Log grid over [log10 θ_min⁺, log10 σ_1] (at least a decade), widened by 3h.
    std::vector<double> log_nodes, log_weights;
    double null_mass = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i] > q.null_threshold && nodes[i] > 0) {
            log_nodes.push_back(std::log10(nodes[i]));
            log_weights.push_back(weights[i]);
        } else {
            null_mass += weights[i];
        }
    }
    result.null_mass = null_mass;
    double log_low = 0, log_high = 0;
    if (!log_nodes.empty()) {
        log_low = *std::min_element(log_nodes.begin(), log_nodes.end());
        log_high = *std::max_element(log_nodes.begin(), log_nodes.end());
    }
    if (log_high - log_low < 1) {
        const double middle = 0.5 * (log_low + log_high);
        log_low = middle - 0.5;
        log_high = middle + 0.5;
    }
    const double log_h = options.density_bandwidth * (log_high - log_low);
    result.log_density_bandwidth = log_h;
    const Vector t = Vector::LinSpaced(points, log_low - 3 * log_h, log_high + 3 * log_h);
    result.log_density_value = smooth(t, log_nodes, log_weights, log_h);
    result.log_density_sigma = t.unaryExpr([](double x) { return std::pow(10.0, x); });
}

}  // namespace ridgelens::slq
