// The approximation study: θ*_λ refitted from θ̂_ridge, compared with it,
// and (where R is not convex) checked to be a local minimizer of F_λ.

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/operator/shifted_operator.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr Index max_escapes = 2;

double penalized_objective(const Model& model, const Vector& theta, double lambda) {
    return model.evaluate(theta, nullptr) + 0.5 * lambda * theta.squaredNorm();
}

// The most negative eigenpair of the exact Hessian at θ (top pair of −H).
struct CurvatureCheck {
    double sigma_min = nan;  ///< of H(θ); a Ritz value, so an upper bound
    double residual = nan;
    bool converged = false;
    Vector direction;
};

CurvatureCheck check_curvature(Model& model, const Vector& theta, const EigenOptions& eigen) {
    const Curvature saved = model.curvature();
    model.set_curvature(Curvature::hessian);
    model.set_curvature_point(theta);
    CurvatureCheck check;
    const ModelCurvatureOperator hessian(model);
    const NegatedOperator negated{OperatorRef(hessian)};
    EigenOptions options;
    options.k = 1;
    options.tolerance = std::max(eigen.tolerance, 1e-8);
    options.max_iterations = std::min<Index>(eigen.max_iterations, 200);
    options.recompute_residuals = true;
    try {
        const Eigenpairs pairs = compute_top_eigenpairs(OperatorRef(negated), options, 7);
        if (pairs.values.size() >= 1) {
            check.sigma_min = -pairs.values[0];
            check.residual = pairs.residuals.size() >= 1 ? pairs.residuals[0] : nan;
            check.converged = pairs.status == EigenStatus::converged;
            check.direction = pairs.vectors.col(0);
        }
    } catch (...) {
        model.set_curvature(saved);
        throw;
    }
    model.set_curvature(saved);
    return check;
}

// A step from a saddle θ of F_λ along q (H q = σ q, σ + λ < 0) that decreases
// F_λ: both signs, halving the length from ‖θ‖/10 (at least 1e-2).
bool escape_saddle(const Model& model, double lambda, Vector& theta, const Vector& q) {
    const double f0 = penalized_objective(model, theta, lambda);
    for (double length = std::max(0.1 * theta.norm(), 1e-2); length > 1e-8; length *= 0.5)
        for (double sign : {1.0, -1.0}) {
            Vector trial = theta + sign * length * q;
            if (penalized_objective(model, trial, lambda) < f0) {
                theta = std::move(trial);
                return true;
            }
        }
    return false;
}

bool convex_risk(Model& model) {
    const Curvature saved = model.curvature();
    model.set_curvature(Curvature::hessian);
    const bool convex = model.curvature_psd();
    model.set_curvature(saved);
    return convex;
}

}  // namespace

ApproximationResult study_approximation(Model& model, const FitAnalysisOptions& analysis_options,
                                        double lambda, const Vector& ridge) {
    ApproximationResult study;
    study.lambda = lambda;
    FitOptions options = analysis_options.fit;
    options.base_lambda = lambda;
    options.progress = nullptr;
    options.separability_probe_iterations = 0;  // settled by the main fit
    // ‖θ − θ*‖ ≤ ‖∇F_λ(θ)‖/λ (λ-strong convexity of a convex R): a gradient
    // of λ·accuracy·‖θ*‖ pins θ* down to `accuracy` relative (‖θ̂_ridge‖ stands
    // in for ‖θ*‖; the bound reached is reported).
    if (lambda > 0)
        options.gradient_tolerance =
            std::max(options.gradient_tolerance,
                     analysis_options.truth_relative_accuracy * lambda * ridge.norm());
    const bool convex = convex_risk(model);
    FitResult truth = fit_newton_cg(model, options, &ridge);
    Index newton = truth.iterations;
    std::ostringstream message;
    message << truth.message;
    CurvatureCheck check;
    if (!convex) {
        study.point = "unchecked";
        while (truth.converged) {
            check = check_curvature(model, truth.theta, analysis_options.analysis.eigen);
            const double smallest = check.sigma_min + lambda;
            if (!(smallest < 0)) {
                study.point = check.converged ? "local_minimizer" : "unresolved";
                message << "; the smallest eigenvalue of H(θ*_λ) + λI is " << smallest
                        << (check.converged ? " > 0: θ*_λ is a local minimizer of F_λ"
                                            : " > 0 but its Lanczos run did not converge: "
                                              "a local minimizer is likely, not proven");
                break;
            }
            study.point = "saddle";
            message << "; H(θ*_λ) + λI has the eigenvalue " << smallest
                    << " < 0: θ*_λ is a saddle of F_λ, not a minimizer";
            Vector start = truth.theta;
            if (study.escapes >= max_escapes ||
                !escape_saddle(model, lambda, start, check.direction))
                break;
            ++study.escapes;
            message << "; stepped along its eigenvector and refitted: ";
            truth = fit_newton_cg(model, options, &start);
            newton += truth.iterations;
            message << truth.message;
            if (!truth.converged) study.point = "unchecked";
        }
        model.set_curvature_point(truth.theta);
    }
    study.newton_iterations = newton;
    study.gradient_norm = truth.gradient_norm;
    study.converged = truth.converged;
    study.message = message.str();
    study.curvature_min = convex ? nan : check.sigma_min + lambda;
    study.curvature_residual = check.residual;
    const double truth_norm = truth.theta.norm();
    study.relative_error = (ridge - truth.theta).norm() / (truth_norm > 0 ? truth_norm : 1.0);
    // Convex R: F_λ is λ-strongly convex. Otherwise only locally, with the
    // curvature found at θ*_λ (to first order in the distance).
    const double strong =
        convex ? lambda : (study.point == "local_minimizer" ? study.curvature_min : 0);
    study.truth_error_bound =
        strong > 0 && truth_norm > 0 ? truth.gradient_norm / (strong * truth_norm) : nan;
    study.ridge_objective = truth.objective;
    study.approx_objective = penalized_objective(model, ridge, lambda);
    study.theta = std::move(truth.theta);
    return study;
}

}  // namespace ridgelens
