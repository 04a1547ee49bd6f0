// Stochastic Lanczos quadrature on the deflated operator P⊥HP⊥: df(λ) for a
// whole λ grid and the spectral density of H from one set of Lanczos runs.
//
// For a probe z (Rademacher, projected onto range(P⊥)), m Lanczos steps give
// the Jacobi matrix T_m of the measure μ_z = Σ_j (u_jᵀz)² δ(σ_j). With
// f(θ) = θ/(θ+λ), whose even derivatives are negative and odd derivatives
// positive on θ > −λ, the Gauss rule of T_m overestimates ∫f dμ_z and the
// Gauss–Radau rule with a node fixed at a ≤ σ_min underestimates it
// (Golub & Meurant, "Matrices, Moments and Quadrature"). The midpoint is the
// per-probe estimate and the half-gap bounds its quadrature error.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <new>
#include <optional>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "spectrum/sample_statistics.hpp"
#include "spectrum/slq_lanczos.hpp"

namespace ridgelens {
namespace {

using detail::sample_std;
using slq::LanczosRun;
using slq::StopRule;

void validate(OperatorRef op, const Eigenpairs& top, const SlqOptions& options) {
    const Index n = op.global_rows();
    const Index k = top.values.size();
    if (options.probes < 2)
        throw UsageError("estimate_spectrum: probes = " + std::to_string(options.probes) +
                         " must be at least 2 (for a standard error)");
    if (options.lanczos_steps < 1)
        throw UsageError("estimate_spectrum: lanczos_steps must be at least 1");
    if (!(options.null_tolerance >= 0 && options.null_tolerance < 1))
        throw UsageError("estimate_spectrum: null_tolerance must lie in [0, 1)");
    if (options.max_lanczos_steps != 0 && options.max_lanczos_steps < options.lanczos_steps)
        throw UsageError(
            "estimate_spectrum: max_lanczos_steps = " + std::to_string(options.max_lanczos_steps) +
            " must be 0 (fixed length) or at least lanczos_steps = " +
            std::to_string(options.lanczos_steps));
    if (!(options.quadrature_tolerance > 0))
        throw UsageError("estimate_spectrum: quadrature_tolerance must be positive");
    if (options.density_points < 2)
        throw UsageError("estimate_spectrum: density_points must be at least 2");
    if (!(options.density_bandwidth > 0 && options.density_bandwidth <= 1))
        throw UsageError("estimate_spectrum: density_bandwidth must lie in (0, 1]");
    if (n < 1) throw UsageError("estimate_spectrum: the operator is empty");
    if (top.vectors.cols() != k)
        throw UsageError("estimate_spectrum: " + std::to_string(k) + " eigenvalues but " +
                         std::to_string(top.vectors.cols()) + " eigenvectors to deflate");
    if (k > 0 && top.vectors.rows() != op.rows())
        throw UsageError("estimate_spectrum: eigenvectors have " +
                         std::to_string(top.vectors.rows()) + " rows, the operator " +
                         std::to_string(op.rows()));
    if (k >= n)
        throw UsageError(
            "estimate_spectrum: k = " + std::to_string(k) +
            " deflated pairs leave nothing to estimate (need k < n = " + std::to_string(n) + ")");
    if (!top.values.allFinite() || !top.vectors.allFinite())
        throw UsageError("estimate_spectrum: the eigenpairs to deflate are not finite");
    if (k > 0) {
        DenseMatrix gram = top.vectors.transpose() * top.vectors;
        op.sum(gram.data(), gram.size());
        const double defect = (gram - DenseMatrix::Identity(k, k)).cwiseAbs().maxCoeff();
        if (defect > 1e-8) {
            std::ostringstream message;
            message << "estimate_spectrum: the eigenvectors to deflate are not orthonormal "
                       "(max|QᵀQ − I| = "
                    << defect << ")";
            throw UsageError(message.str());
        }
    }
}

/// The Lanczos basis: Q_k (locked) followed by room for m_max Lanczos vectors.
krylov::LanczosBasis allocate_basis(OperatorRef op, const Eigenpairs& top, Index m_max) {
    const Index rows = op.rows(), k = top.values.size();
    std::optional<krylov::LanczosBasis> basis;
    try {
        basis.emplace(op, k + m_max, krylov::Reorthogonalization::full);
    } catch (const std::bad_alloc&) {
        std::ostringstream message;
        message << "estimate_spectrum: cannot allocate the Lanczos basis of " << rows << " x "
                << k + m_max << " doubles ("
                << static_cast<double>(rows) * static_cast<double>(k + m_max) * 8 / 1e9
                << " GB); lower lanczos_steps";
        throw ResourceError(message.str());
    }
    if (k > 0) basis->set_columns(0, top.vectors);
    return std::move(*basis);
}

/// One Lanczos run per probe. Adaptive length: beyond m steps a probe goes on
/// until its quadrature half-gap at the smallest positive λ is below
/// quadrature_tolerance times the standard error estimated from the probes
/// done so far (one direction per probe before two are done).
std::vector<LanczosRun> run_probes(OperatorRef op, krylov::LanczosBasis& basis, StopRule rule,
                                   Index k, const SlqOptions& options) {
    std::vector<double> checked;  // per-probe midpoints at rule.lambda
    slq::RademacherSource source(options.seed, op.global_rows(), op.first_row());
    Vector z(op.rows());
    std::vector<LanczosRun> runs;
    runs.reserve(static_cast<std::size_t>(options.probes));
    for (Index p = 0; p < options.probes; ++p) {
        if (rule.lambda > 0) {
            const double spread = checked.size() >= 2 ? sample_std(checked) : 1.0;
            rule.target = options.quadrature_tolerance * spread /
                          std::sqrt(static_cast<double>(options.probes));
        }
        source.fill(z);
        runs.push_back(slq::run_lanczos(basis, k, rule, z));
        const LanczosRun& run = runs.back();
        if (rule.lambda > 0 && !run.alpha.empty()) {
            double t_scale = rule.top_scale;
            for (std::size_t j = 0; j < run.alpha.size(); ++j)
                t_scale = std::max({t_scale, std::abs(run.alpha[j]), run.beta[j]});
            double upper = 0, lower = 0;
            if (slq::quadrature_bounds(run, rule.lambda, -options.null_tolerance * t_scale, upper,
                                       lower))
                checked.push_back(0.5 * (upper + lower));
        }
    }
    return runs;
}

/// The Gauss rule of every probe; false if a run has a non-finite coefficient.
/// `scale` grows to the largest |node|.
bool gauss_rules(const std::vector<LanczosRun>& runs, SlqQuadrature& q, double& scale) {
    bool finite_runs = true;
    q.probes.resize(runs.size());
    for (std::size_t p = 0; p < runs.size(); ++p) {
        const LanczosRun& run = runs[p];
        ProbeQuadrature& probe = q.probes[p];
        probe.steps = static_cast<Index>(run.alpha.size());
        const auto finite = [](double x) { return std::isfinite(x); };
        if (!std::all_of(run.alpha.begin(), run.alpha.end(), finite) ||
            !std::all_of(run.beta.begin(), run.beta.end(), finite)) {
            finite_runs = false;
            continue;
        }
        if (probe.steps == 0) continue;
        slq::gauss_rule(run.alpha, run.beta, run.norm_squared, probe.gauss_nodes,
                        probe.gauss_weights);
        scale = std::max(scale, probe.gauss_nodes.cwiseAbs().maxCoeff());
    }
    return finite_runs;
}

/// The Gauss–Radau rule of every probe with the node a ≤ σ_min fixed; the
/// smallest and largest Gauss nodes into `result`.
void radau_rules(const std::vector<LanczosRun>& runs, double a, SlqQuadrature& q,
                 SpectralEstimate& result) {
    double smallest = std::numeric_limits<double>::infinity();
    double largest = -std::numeric_limits<double>::infinity();
    for (std::size_t p = 0; p < runs.size(); ++p) {
        const LanczosRun& run = runs[p];
        ProbeQuadrature& probe = q.probes[p];
        if (probe.steps == 0) continue;
        smallest = std::min(smallest, probe.gauss_nodes.minCoeff());
        largest = std::max(largest, probe.gauss_nodes.maxCoeff());
        if (run.invariant) {  // exact rule: both bounds coincide
            probe.radau_nodes = probe.gauss_nodes;
            probe.radau_weights = probe.gauss_weights;
            result.invariant_subspaces++;
            continue;
        }
        if (probe.gauss_nodes.minCoeff() <= a) continue;  // no valid lower end: no Radau rule
        // Extend T_s by α̃ = a + δ_s, δ_s = β_s² ((T_s − aI)⁻¹)_ss = β_s²/d_s (the
        // last LDLᵀ pivot of T_s − aI), so that a is an eigenvalue of T̃_{s+1}.
        const Index s = probe.steps;
        double pivot = 0;
        if (std::isnan(
                slq::first_entry_of_inverse(run.alpha.data(), run.beta.data(), s, -a, &pivot)))
            continue;  // T_s − aI not positive definite to rounding: no Radau rule
        const double beta_s = run.beta.back();
        std::vector<double> alpha = run.alpha;
        alpha.push_back(a + beta_s * beta_s / pivot);
        slq::gauss_rule(alpha, run.beta, run.norm_squared, probe.radau_nodes, probe.radau_weights);
    }
    result.smallest_ritz_value = std::isfinite(smallest) ? smallest : 0.0;
    result.largest_ritz_value = std::isfinite(largest) ? largest : 0.0;
}

/// The quadrature is meaningless: NaN curves and the reason.
void fill_non_finite(const std::vector<double>& lambdas, SpectralEstimate& result) {
    result.message = "SLQ: the operator produced NaN or Inf during Lanczos; no estimate computed";
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Index count = static_cast<Index>(lambdas.size());
    result.lambdas = lambdas;
    for (Vector* v : {&result.df, &result.df_stderr, &result.df_quadrature_error,
                      &result.df_top_part, &result.df_tail})
        *v = Vector::Constant(count, nan);
    for (Vector* v : {&result.log_det, &result.log_det_stderr, &result.log_det_quadrature_error,
                      &result.log_det_top_part})
        *v = Vector::Constant(count, nan);
}

/// The summary of a finished estimate, with its warnings.
std::string summary_message(const SpectralEstimate& result, const Eigenpairs& top,
                            const std::vector<double>& lambdas, const SlqOptions& options, Index m,
                            Index m_max, double top_smallest) {
    const SlqQuadrature& q = result.quadrature;
    const Index k = result.deflated;
    const double scale = q.scale;
    std::ostringstream message;
    message << "SLQ: " << options.probes << " probes x ";
    if (m_max > m)
        message << m << ".." << m_max << " Lanczos steps (adaptive, longest "
                << result.largest_probe_steps << ")";
    else
        message << m << " Lanczos steps";
    message << " on H deflated by " << k << " eigenpairs: " << result.matvecs << " products";
    if (result.invariant_subspaces > 0)
        message << ", " << result.invariant_subspaces
                << " probes ended in an invariant subspace (exact quadrature)";
    if (result.indefinite) {
        message << "; warning: H is indefinite (eigenvalue or Ritz value "
                << std::min(result.smallest_ritz_value, top_smallest) << " < −null threshold "
                << -q.null_threshold
                << "): negative directions have f = 0, df is not meaningful and the quadrature "
                   "error is unbounded";
    } else {
        double worst_lambda = -1;
        for (Index i = 0; i < result.df.size(); ++i)
            if (result.df_quadrature_error[i] > result.df_stderr[i])
                worst_lambda = std::max(worst_lambda, lambdas[static_cast<std::size_t>(i)]);
        if (worst_lambda >= 0)
            message << "; note: the quadrature error bound exceeds the standard error for λ ≤ "
                    << worst_lambda << " (Lanczos has not resolved the spectrum at that scale; "
                    << "raise lanczos_steps or max_lanczos_steps, or use 3·stderr + quadrature "
                       "error as the error bar)";
    }
    if (k > 0 && top.residuals.size() == k && top.residuals.maxCoeff() > 1e-6 * scale)
        message << "; warning: the deflated eigenpairs are inaccurate (max residual "
                << top.residuals.maxCoeff() << "), so the top/tail split is approximate";
    return message.str();
}

}  // namespace

SpectralEstimate estimate_spectrum(OperatorRef op, const Eigenpairs& top, const LambdaGrid& lambdas,
                                   const SlqOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    lambdas.require_nonempty("estimate_spectrum");
    validate(op, top, options);
    const Index n = op.global_rows();
    const Index k = top.values.size();
    const Index m = std::min(options.lanczos_steps, n - k);
    const Index m_max = std::min(std::max(options.max_lanczos_steps, options.lanczos_steps), n - k);

    CountingOperator counting(op);
    krylov::LanczosBasis basis = allocate_basis(OperatorRef(counting), top, m_max);
    StopRule rule;
    rule.min_steps = m;
    rule.max_steps = m_max;
    rule.null_tolerance = options.null_tolerance;
    rule.top_scale = k > 0 ? top.values.cwiseAbs().maxCoeff() : 0.0;
    if (m_max > m)
        for (const double lambda : lambdas)
            if (lambda > 0 && (rule.lambda == 0 || lambda < rule.lambda)) rule.lambda = lambda;
    const std::vector<LanczosRun> runs = run_probes(op, basis, rule, k, options);

    SpectralEstimate result;
    SlqQuadrature& q = result.quadrature;
    q.n = n;
    q.top_values = top.values;
    double scale = rule.top_scale;
    const bool finite = gauss_rules(runs, q, scale);
    result.matvecs = counting.applications();
    result.deflated = k;
    result.probes = options.probes;
    result.lanczos_steps = m;
    for (const ProbeQuadrature& probe : q.probes)
        result.largest_probe_steps = std::max(result.largest_probe_steps, probe.steps);
    const auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if (!finite) {
        fill_non_finite(lambdas, result);
        result.seconds = seconds();
        return result;
    }

    // The null threshold and the Radau node a ≤ σ_min (PSD H: a just below 0).
    q.scale = scale;
    q.null_threshold = options.null_tolerance * scale;
    radau_rules(runs,
                -std::max(q.null_threshold, 64 * std::numeric_limits<double>::epsilon() * scale), q,
                result);
    const double top_smallest = k > 0 ? top.values.minCoeff() : 0.0;
    result.indefinite = std::min(result.smallest_ritz_value, top_smallest) < -q.null_threshold;

    static_cast<DofCurve&>(result) = effective_dof_from_quadrature(q, lambdas);
    slq::fill_densities(q, options, result);
    result.seconds = seconds();
    result.message = summary_message(result, top, lambdas, options, m, m_max, top_smallest);
    return result;
}

}  // namespace ridgelens
