// Newton-CG: inexact Newton steps by truncated (preconditioned) CG on
// C + λ₀I, Armijo backtracking, separability certificate.

#include "ridgelens/model/newton_cg.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The model's curvature as an operator that counts and times its products.
class TimedCurvature {
  public:
    using Scalar = double;
    explicit TimedCurvature(const Model& model) : model_(model), op_(model_) {}
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.cols(); }
    void perform_op(const double* x, double* y) const {
        const auto start = Clock::now();
        op_.perform_op(x, y);
        seconds_ += seconds_since(start);
        ++count_;
    }
    Index count() const { return count_; }
    double seconds() const { return seconds_; }

  private:
    ModelCurvatureOperator model_;
    OperatorRef op_;
    mutable Index count_ = 0;
    mutable double seconds_ = 0;
};

struct InnerSolve {
    Vector step;
    Index iterations = 0;
    bool negative_curvature = false;
    Index non_finite_iteration = 0;  ///< CG iteration whose product had NaN/Inf (0: none)
    bool out_of_time = false;        ///< stopped at the fit's deadline
};

// Truncated CG on (C + λ₀I)d = b: stops at ‖r‖ ≤ η‖b‖, at the iteration cap,
// or at non-positive curvature pᵀ(C + λ₀I)p ≤ 0 (returning the iterate so
// far, or b itself if that happens at once), or at `deadline` (the fit's time
// limit: one Newton step may take hundreds of products on a badly conditioned
// curvature). `inverse_diagonal` empty means no preconditioning.
InnerSolve truncated_cg(OperatorRef op, double shift, const Vector& b, double eta,
                        Index max_iterations, const Vector& inverse_diagonal,
                        Clock::time_point deadline) {
    const Index n = b.size();
    const bool precondition = inverse_diagonal.size() == n;
    InnerSolve result;
    result.step = Vector::Zero(n);
    Vector r = b;
    Vector z = precondition ? Vector(inverse_diagonal.cwiseProduct(r)) : r;
    Vector p = z;
    Vector q(n);
    double rz = r.dot(z);
    const double threshold = eta * b.norm();
    for (Index j = 0; j < max_iterations; ++j) {
        if (j > 0 && Clock::now() >= deadline) {
            result.out_of_time = true;
            break;
        }
        op.perform_op(p.data(), q.data());
        if (!q.allFinite()) {  // a fault, not negative curvature: the caller stops
            result.non_finite_iteration = j + 1;
            break;
        }
        q += shift * p;
        const double curvature = p.dot(q);
        if (!(curvature > 0) || !std::isfinite(curvature)) {
            result.negative_curvature = true;
            if (j == 0) result.step = b;
            break;
        }
        const double alpha = rz / curvature;
        result.step += alpha * p;
        r -= alpha * q;
        result.iterations = j + 1;
        if (r.norm() <= threshold) break;
        if (precondition)
            z = inverse_diagonal.cwiseProduct(r);
        else
            z = r;
        const double rz_next = r.dot(z);
        p = z + (rz_next / rz) * p;
        rz = rz_next;
    }
    return result;
}

// F(θ) = R(θ) + λ₀/2‖θ‖² with ∇F and ∇R.
struct Evaluation {
    double objective = 0;
    double risk = 0;
    Vector gradient;  ///< ∇F
    double gradient_norm = 0;
    double risk_gradient_norm = 0;
};

// Also makes θ the model's curvature point (in the same pass, for linear models).
Evaluation evaluate_penalized(Model& model, double lambda, const Vector& theta) {
    Evaluation e;
    e.risk = model.evaluate_at_curvature_point(theta, &e.gradient);
    e.risk_gradient_norm = e.gradient.norm();
    e.objective = e.risk + 0.5 * lambda * theta.squaredNorm();
    if (lambda > 0) e.gradient += lambda * theta;
    e.gradient_norm = lambda > 0 ? e.gradient.norm() : e.risk_gradient_norm;
    return e;
}

void validate(const Model& model, const FitOptions& options, const Vector* start) {
    if (!(options.base_lambda >= 0) || !std::isfinite(options.base_lambda))
        throw UsageError("Newton-CG: base_lambda must be a finite number >= 0");
    if (!(options.gradient_tolerance > 0))
        throw UsageError("Newton-CG: gradient_tolerance must be > 0");
    if (options.max_iterations < 0 || options.max_cg_iterations < 0 || options.max_backtracks < 0 ||
        options.divergence_window < 0)
        throw UsageError("Newton-CG: iteration limits must be >= 0");
    if (!(options.max_seconds >= 0) || !std::isfinite(options.max_seconds))
        throw UsageError("Newton-CG: max_seconds must be a finite number >= 0");
    if (!(options.armijo > 0 && options.armijo < 0.5))
        throw UsageError("Newton-CG: the Armijo constant must be in (0, 0.5)");
    if (start != nullptr && start->size() != model.parameters())
        throw UsageError("Newton-CG: start has " + std::to_string(start->size()) +
                         " entries, the model has " + std::to_string(model.parameters()) +
                         " parameters");
}

// The forcing term η_k (relative CG residual) for gradient norm g_k.
class Forcing {
  public:
    Forcing(ForcingTerm kind, double tolerance) : kind_(kind), tolerance_(tolerance) {}
    double next(double gradient_norm) {
        double eta;
        if (kind_ == ForcingTerm::fixed) {
            eta = 0.1 * std::min(1.0, std::sqrt(gradient_norm));
        } else if (previous_norm_ <= 0) {
            eta = max_eta;
        } else {
            const double ratio = gradient_norm / previous_norm_;
            eta = gamma * ratio * ratio;
            const double safeguard = gamma * previous_eta_ * previous_eta_;
            if (safeguard > 0.1) eta = std::max(eta, safeguard);
        }
        // No point in solving past what the outer tolerance needs.
        eta = std::min(max_eta, std::max(eta, 0.5 * tolerance_ / gradient_norm));
        previous_norm_ = gradient_norm;
        previous_eta_ = eta;
        return eta;
    }

  private:
    static constexpr double gamma = 0.9;
    static constexpr double max_eta = 0.5;
    ForcingTerm kind_;
    double tolerance_;
    double previous_norm_ = 0;
    double previous_eta_ = max_eta;
};

std::string separable_message(Index iteration) {
    std::ostringstream message;
    message << "the training data are linearly separable: after Newton iteration " << iteration
            << ", θ classifies every sample correctly with a positive margin, so the "
               "unpenalized risk has no minimizer (it decreases towards 0 as ‖θ‖ grows); "
               "pass a base penalty λ₀ > 0 (--base-lambda)";
    return message.str();
}

// The Newton-CG iteration; stops, too, once `hvp_budget` curvature products are spent.
FitResult run_newton(Model& model, const FitOptions& options, const Vector* start,
                     Index hvp_budget) {
    const auto clock_start = Clock::now();
    const auto deadline =
        options.max_seconds > 0
            ? clock_start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(options.max_seconds))
            : Clock::time_point::max();
    const double lambda = options.base_lambda;
    const double tolerance = options.gradient_tolerance;
    const Index p = model.parameters();
    // A quadratic risk is minimized by one Newton step: its CG runs unrestarted
    // to the final tolerance (restarting every 500 iterations cost least squares
    // on news20 four times the iterations).
    const bool quadratic = model.curvature_constant();
    const Index default_max_cg = quadratic ? std::max<Index>(500, std::min<Index>(p, 20000)) : 500;
    const Index max_cg = options.max_cg_iterations > 0 ? options.max_cg_iterations : default_max_cg;
    const bool classifier = model.separates(Vector::Zero(p)).has_value();

    FitResult result;
    result.base_lambda = lambda;
    Vector theta = start != nullptr ? *start : Vector::Zero(p);
    Evaluation current = evaluate_penalized(model, lambda, theta);
    TimedCurvature curvature(model);
    Forcing forcing(options.forcing, tolerance);
    Index separating_iteration = -1;
    // (‖θ‖, R) after every iteration, for the divergence test.
    std::vector<std::pair<double, double>> history{{theta.norm(), current.risk}};
    const double initial_risk = current.risk;
    std::ostringstream message;
    // Unpenalized, a fresh fit first tries the model's cheap separating
    // candidate: a certificate then ends the fit at once, where Newton would
    // chase the minimizer at infinity with ever longer CG solves.
    if (classifier && lambda == 0 && start == nullptr) {
        std::optional<Vector> candidate = model.separation_candidate();
        if (candidate && model.separates(*candidate).value_or(false)) {
            theta = std::move(*candidate);
            current = evaluate_penalized(model, lambda, theta);
            result.separable = true;
            message << "the training data are linearly separable: the normalized class "
                       "centroids (θ_c = Σ_{y_i = c} x_i/‖x_i‖) classify every sample correctly "
                       "with a positive margin, so the unpenalized risk has no minimizer (it "
                       "decreases towards 0 as ‖θ‖ grows); pass a base penalty λ₀ > 0 "
                       "(--base-lambda)";
        }
    }

    for (Index k = 0; !(result.separable && lambda == 0); ++k) {
        if (!std::isfinite(current.objective) || !std::isfinite(current.gradient_norm)) {
            message << "the objective or its gradient is not finite at iteration " << k;
            break;
        }
        // Any iterate that separates the data is a certificate, whatever λ₀.
        if (classifier && !result.separable && (k > 0 || start != nullptr) &&
            model.separates(theta).value_or(false)) {
            result.separable = true;
            separating_iteration = k;
            if (lambda == 0) {
                message << separable_message(k);
                break;
            }
        }
        if (current.gradient_norm <= tolerance) {
            result.converged = true;
            message << "converged in " << k << " Newton iterations (" << result.cg_iterations
                    << " CG iterations): ‖∇F‖ = " << current.gradient_norm << " <= " << tolerance;
            break;
        }
        const Index window = options.divergence_window;
        if (lambda == 0 && classifier && window > 0 && k >= window) {
            const auto [old_norm, old_risk] = history[static_cast<std::size_t>(k - window)];
            const double norm = theta.norm();
            if (norm >= 2 * old_norm && current.risk <= 0.5 * old_risk &&
                current.risk <= 0.1 * initial_risk) {
                result.diverging = true;
                message << "over the last " << window << " Newton iterations ‖θ‖ grew from "
                        << old_norm << " to " << norm << " while the risk fell from " << old_risk
                        << " to " << current.risk << " (" << current.risk / initial_risk
                        << " of its starting value), without a separating iterate: the data look "
                           "(quasi-)separable, so the unpenalized risk may have no minimizer; "
                           "pass a base penalty λ₀ > 0 (--base-lambda)";
                break;
            }
        }
        if (curvature.count() >= hvp_budget) {
            message << "stopped after " << k << " Newton iterations: " << curvature.count()
                    << " curvature products spent";
            break;
        }
        if (k >= options.max_iterations) {
            message << "not converged after " << k
                    << " Newton iterations (the iteration cap): ‖∇F‖ = " << current.gradient_norm
                    << " > " << tolerance;
            break;
        }
        if (options.max_seconds > 0 && seconds_since(clock_start) >= options.max_seconds) {
            message << "stopped by the time limit of " << options.max_seconds << " s after " << k
                    << " Newton iterations (" << result.cg_iterations
                    << " CG iterations), not converged: ‖∇F‖ = " << current.gradient_norm << " > "
                    << tolerance;
            break;
        }

        model.set_curvature_point(theta);
        Vector inverse_diagonal;
        const bool jacobi = options.preconditioner == Preconditioner::jacobi ||
                            (options.preconditioner == Preconditioner::automatic && lambda > 0);
        if (jacobi) {
            inverse_diagonal = model.curvature_diagonal();
            for (Index j = 0; j < p; ++j) {
                const double d = inverse_diagonal[j] + lambda;
                inverse_diagonal[j] = d > 0 && std::isfinite(d) ? 1.0 / d : 1.0;
            }
        }
        const double eta = quadratic ? std::min(0.5, 0.5 * tolerance / current.gradient_norm)
                                     : forcing.next(current.gradient_norm);
        InnerSolve inner = truncated_cg(OperatorRef(curvature), lambda, -current.gradient, eta,
                                        std::min(max_cg, hvp_budget - curvature.count()),
                                        inverse_diagonal, deadline);
        result.cg_iterations += inner.iterations;
        if (inner.out_of_time) {
            message << "stopped by the time limit of " << options.max_seconds
                    << " s inside the CG solve of Newton iteration " << k + 1 << " (after "
                    << result.cg_iterations
                    << " CG iterations in all), not converged: ‖∇F‖ = " << current.gradient_norm
                    << " > " << tolerance;
            break;
        }
        if (inner.non_finite_iteration > 0) {
            message << "the curvature product returned NaN or Inf at CG iteration "
                    << inner.non_finite_iteration << " of Newton iteration " << k + 1
                    << "; stopped at the last finite iterate (‖∇F‖ = " << current.gradient_norm
                    << ")";
            break;
        }

        double slope = current.gradient.dot(inner.step);
        if (!(slope < 0)) {  // not a descent direction (rounding): steepest descent
            inner.step = -current.gradient;
            slope = -current.gradient_norm * current.gradient_norm;
        }
        // Armijo backtracking; near convergence F changes below rounding, so a
        // step that keeps F within rounding and shrinks the gradient is taken.
        const double noise = 64 * std::numeric_limits<double>::epsilon() *
                             std::max(std::abs(current.objective), 1e-300);
        // Without a penalty, a Newton step on separable data heads for a
        // separating θ (the minimizer is at infinity): check the full step.
        if (lambda == 0 && classifier) {
            Vector full = theta + inner.step;
            if (model.separates(full).value_or(false)) {
                theta = std::move(full);
                current = evaluate_penalized(model, lambda, theta);
                result.iterations = k + 1;
                result.separable = true;
                separating_iteration = k + 1;
                message << separable_message(k + 1);
                break;
            }
        }
        double t = 1;
        std::optional<Evaluation> accepted;
        Vector trial;
        for (Index b = 0; b <= options.max_backtracks; ++b, t *= 0.5) {
            trial = theta + t * inner.step;
            Evaluation e = evaluate_penalized(model, lambda, trial);
            if (!std::isfinite(e.objective) || !std::isfinite(e.gradient_norm)) continue;
            // When the predicted decrease is below the rounding of F, F cannot
            // tell a good step from a bad one: require a smaller gradient instead.
            const bool accept = -t * slope > noise
                                    ? e.objective <= current.objective + options.armijo * t * slope
                                    : e.objective <= current.objective + noise &&
                                          e.gradient_norm < current.gradient_norm;
            if (accept) {
                accepted = std::move(e);
                break;
            }
        }
        if (!accepted) {
            message << "the line search found no decrease of the objective at Newton iteration "
                    << k + 1 << " (‖∇F‖ = " << current.gradient_norm << " > " << tolerance << ")";
            break;
        }
        theta = std::move(trial);
        current = std::move(*accepted);
        result.iterations = k + 1;
        history.emplace_back(theta.norm(), current.risk);
        if (options.progress) {
            NewtonIteration info;
            info.iteration = k + 1;
            info.objective = current.objective;
            info.gradient_norm = current.gradient_norm;
            info.step_length = t;
            info.cg_iterations = inner.iterations;
            info.forcing = eta;
            info.negative_curvature = inner.negative_curvature;
            options.progress(info);
        }
    }

    if (classifier && !result.separable && model.separates(theta).value_or(false)) {
        result.separable = true;
        separating_iteration = result.iterations;
    }
    if (result.separable && lambda > 0)
        message << "; the data are linearly separable (the iterate of Newton iteration "
                << separating_iteration
                << " classifies every sample correctly), so θ̂ exists only because of the base "
                   "penalty";
    result.theta = std::move(theta);
    result.objective = current.objective;
    result.risk = current.risk;
    result.gradient_norm = current.gradient_norm;
    result.unpenalized_gradient_norm = current.risk_gradient_norm;
    result.hvp_count = curvature.count();
    result.hvp_seconds = curvature.seconds();
    result.message = message.str();
    result.seconds = seconds_since(clock_start);
    return result;
}

}  // namespace

FitResult fit_newton_cg(Model& model, const FitOptions& options, const Vector* start) {
    validate(model, options, start);
    FitResult result = run_newton(model, options, start, std::numeric_limits<Index>::max());
    // A penalized fit of separable data classifies (nearly) every sample:
    // probe only when θ̂ misclassifies at most probe_misclassified_fraction.
    const std::optional<Index> missed =
        options.base_lambda > 0 && !result.separable && options.separability_probe_iterations > 0
            ? model.misclassified(result.theta)
            : std::nullopt;
    if (missed && static_cast<double>(*missed) <=
                      options.probe_misclassified_fraction * static_cast<double>(model.samples())) {
        // Look for a separating θ without the penalty, starting from θ̂.
        FitOptions probe_options;
        probe_options.base_lambda = 0;
        probe_options.gradient_tolerance = options.gradient_tolerance;
        probe_options.max_iterations = options.separability_probe_iterations;
        probe_options.max_cg_iterations = options.max_cg_iterations;
        probe_options.forcing = options.forcing;
        probe_options.preconditioner = Preconditioner::jacobi;
        probe_options.divergence_window = 0;
        const FitResult probe = run_newton(model, probe_options, &result.theta,
                                           std::max<Index>(20, result.hvp_count / 10));
        result.hvp_count += probe.hvp_count;
        result.hvp_seconds += probe.hvp_seconds;
        result.seconds += probe.seconds;
        if (probe.separable) {
            result.separable = true;
            std::ostringstream message;
            message << result.message << "; the data are linearly separable: " << probe.iterations
                    << " unpenalized Newton iterations from θ̂ reached a θ that classifies every "
                       "sample correctly, so θ̂ exists only because of the base penalty";
            result.message = message.str();
        }
    } else if (missed) {
        std::ostringstream message;
        message << result.message << "; θ̂ misclassifies " << *missed << " of " << model.samples()
                << " training samples, so no separability probe was run";
        result.message = message.str();
    }
    const auto start_point = Clock::now();
    model.set_curvature_point(result.theta);
    result.seconds += seconds_since(start_point);
    return result;
}

}  // namespace ridgelens
