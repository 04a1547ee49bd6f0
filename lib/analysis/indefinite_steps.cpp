#include "analysis/indefinite_steps.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/pipeline_steps.hpp"
#include "ridgelens/operator/shifted_operator.hpp"
#include "ridgelens/solve/minres.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"

namespace ridgelens::pipeline {

Eigenpairs compute_negative_pairs(OperatorRef hessian, Index count, double tolerance_relative,
                                  double scale, const EigenOptions& eigen,
                                  const Eigensolvers& eigensolvers, std::uint64_t seed) {
    Eigenpairs none;
    const Index n = hessian.global_rows();
    count = std::min(count, n - 1);
    if (count < 1) {
        none.status = EigenStatus::converged;
        none.message = "no negative eigenpairs requested";
        return none;
    }
    const NegatedOperator negated(hessian);
    EigenOptions options = eigen;
    options.k = count;
    options.subspace = 0;
    options.recompute_residuals = true;
    Eigenpairs pairs = eigensolvers.top(negated, options, seed);
    // Eigenpairs of −H, largest first, are those of H, most negative first.
    pairs.values = -pairs.values;
    Index kept = 0;
    while (kept < pairs.values.size() && pairs.values[kept] < -tolerance_relative * scale) ++kept;
    const Index computed = pairs.values.size();
    pairs.values.conservativeResize(kept);
    pairs.vectors.conservativeResize(Eigen::NoChange, kept);
    if (pairs.residuals.size() >= kept) pairs.residuals.conservativeResize(kept);
    pairs.converged = kept;
    std::string values;
    for (Index j = 0; j < kept; ++j) values += (j ? ", " : "") + format_double(pairs.values[j]);
    pairs.message = "most negative eigenpairs (top pairs of −H): " + std::to_string(kept) +
                    " below −" + format_double(tolerance_relative * scale) +
                    (kept ? " (" + values + ")" : "") + " of " + std::to_string(computed) +
                    " converged; " + pairs.message;
    return pairs;
}

LambdaVerdict classify_lambda(const PsdVerdict& psd, const Eigenpairs& top, double lambda,
                              double scale) {
    LambdaVerdict verdict;
    if (psd.psd) {
        verdict.reason = "no negative eigenvalue of H found: H + λI is positive semidefinite";
        return verdict;
    }
    const auto singular_at = [&](const Eigenpairs& pairs) {
        for (Index j = 0; j < pairs.values.size(); ++j) {
            const double sigma = pairs.values[j];
            const double accuracy = std::max(j < pairs.residuals.size() ? pairs.residuals[j] : 0.0,
                                             64 * std::numeric_limits<double>::epsilon() * scale);
            if (sigma < 0 && std::abs(sigma + lambda) <= accuracy) return sigma;
        }
        return std::numeric_limits<double>::quiet_NaN();
    };
    double sigma = singular_at(psd.negative);
    if (std::isnan(sigma)) sigma = singular_at(top);
    if (!std::isnan(sigma)) {
        verdict.kind = StationaryPoint::singular;
        verdict.reason = "λ = −σ_j for the eigenvalue σ_j = " + format_double(sigma) +
                         " (to its accuracy): H + λI is singular and the regularized quadratic "
                         "model has no isolated stationary point";
        return verdict;
    }
    const double sigma_min = psd.sigma_min();
    if (std::isfinite(sigma_min) && lambda <= -sigma_min) {
        verdict.kind = StationaryPoint::saddle;
        verdict.reason = "λ ≤ −σ_min = " + format_double(-sigma_min) +
                         ": H + λI is indefinite, the regularized quadratic model has a saddle, "
                         "not a minimizer; θ̂_ridge is its stationary point";
        return verdict;
    }
    verdict.reason = "λ > −σ_min = " + format_double(-sigma_min) +
                     ": H + λI is positive definite on the computed spectrum";
    return verdict;
}

LambdaVerdict saddle_after_failed_solve(double lambda, const std::string& message) {
    LambdaVerdict verdict;
    verdict.kind = StationaryPoint::saddle;
    verdict.reason = "the positive-definite solve at λ = " + format_double(lambda) +
                     " found H + λI not positive definite (" + message +
                     "): the regularized quadratic model has a saddle; θ̂_ridge is its "
                     "stationary point";
    return verdict;
}

SolveResult singular_solve(Index rows, const std::string& reason) {
    SolveResult result;
    result.solver = SolverKind::none;
    result.status = SolveStatus::singular;
    result.x = Vector::Zero(rows);
    result.relative_residual = std::numeric_limits<double>::quiet_NaN();
    result.message = "not attempted: " + reason;
    return result;
}

std::vector<SolveResult> solve_saddles(OperatorRef hessian, const std::vector<double>& lambdas,
                                       const Vector& rhs, double tolerance, Index max_iterations) {
    if (lambdas.empty()) return {};
    MinresOptions options;
    options.tolerance = tolerance;
    options.max_iterations = max_iterations;
    MultiShiftResult solved = solve_minres(hessian, lambdas, rhs, options);
    for (SolveResult& solution : solved.solutions)
        solution.message += " (H + λI indefinite: the saddle point of the regularized quadratic)";
    return std::move(solved.solutions);
}

Vector positive_part_dof(const Vector& eigenvalues, const std::vector<double>& lambdas,
                         double null_tolerance, Index* negative_count) {
    const double scale = eigenvalues.size() ? eigenvalues.cwiseAbs().maxCoeff() : 0.0;
    const double threshold = null_tolerance * scale;
    std::vector<double> kept;
    Index negative = 0;
    for (Index j = 0; j < eigenvalues.size(); ++j)
        if (eigenvalues[j] < -threshold)
            ++negative;
        else
            kept.push_back(eigenvalues[j]);
    if (negative_count != nullptr) *negative_count = negative;
    if (kept.empty()) return Vector::Zero(static_cast<Index>(lambdas.size()));
    // The threshold of the whole spectrum, not of the kept part alone.
    const double kept_scale = Eigen::Map<const Vector>(kept.data(), static_cast<Index>(kept.size()))
                                  .cwiseAbs()
                                  .maxCoeff();
    const double tolerance = kept_scale > 0 ? std::min(threshold / kept_scale, 0.5) : 0.0;
    return exact_effective_dof(
        Eigen::Map<const Vector>(kept.data(), static_cast<Index>(kept.size())), lambdas, tolerance);
}

std::string indefinite_warning(const PsdVerdict& psd) {
    std::string negatives;
    const std::vector<double>& ritz = psd.smallest.negative_values;
    for (double value : ritz) negatives += (negatives.empty() ? "" : ", ") + format_double(value);
    const double sigma_min = psd.sigma_min();
    return psd.evidence + (negatives.empty() ? "" : " (negative Ritz values: " + negatives + ")") +
           ". Along a direction with σ_j < 0 ridge flips θ̂'s component "
           "(f_j < 0, λ > −σ_j) or amplifies it (f_j > 1, λ < −σ_j); for λ ≤ " +
           (std::isfinite(sigma_min) ? format_double(-sigma_min) : std::string("−σ_min")) +
           " the regularized quadratic model has a saddle, not a minimizer, and θ̂_ridge is "
           "its stationary point (MINRES)";
}

std::int64_t describe_indefinite(const HessianProblem& problem, const PsdCheckOptions& psd,
                                 const EigenOptions& eigen, double scale,
                                 const Eigensolvers& eigensolvers, std::uint64_t seed,
                                 const std::function<void(const std::string&)>& progress,
                                 PsdVerdict& verdict, std::vector<std::string>& checks,
                                 std::vector<std::string>& warnings) {
    if (verdict.psd) return 0;
    std::int64_t matvecs = 0;
    if (psd.negative_pairs > 0) {
        report(progress, "computing the " + std::to_string(psd.negative_pairs) +
                             " most negative eigenpairs of H (top pairs of −H)");
        verdict.negative = compute_negative_pairs(problem.hessian, psd.negative_pairs,
                                                  psd.tolerance, scale, eigen, eigensolvers, seed);
        matvecs = verdict.negative.matvecs;
        report(progress, verdict.negative.message);
        if (verdict.negative.converged > 0)
            checks.push_back("negative eigenpair residuals ||Hq - σq|| recomputed: largest " +
                             format_double(verdict.negative.residuals.maxCoeff() / scale) + "·σ_1");
        if (verdict.negative.status != EigenStatus::converged)
            warnings.push_back("most negative eigenpairs: " + verdict.negative.message);
    }
    warnings.push_back(indefinite_warning(verdict));
    return matvecs;
}

}  // namespace ridgelens::pipeline
