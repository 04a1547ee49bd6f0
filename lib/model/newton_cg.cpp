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

#include "krylov/jacobi_preconditioner.hpp"
#include "krylov/truncated_cg.hpp"
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

// The advice the library gives for a fit without a minimizer: it names the
// option; the programs translate it into their flag.
constexpr const char* base_penalty_advice = "pass a base penalty λ₀ > 0 (FitOptions::base_lambda)";

std::string separable_message(Index iteration) {
    std::ostringstream message;
    message << "the training data are linearly separable: after Newton iteration " << iteration
            << ", θ classifies every sample correctly with a positive margin, so the "
               "unpenalized risk has no minimizer (it decreases towards 0 as ‖θ‖ grows); "
            << base_penalty_advice;
    return message.str();
}

// The state of one Newton-CG run (run_newton).
struct NewtonRun {
    NewtonRun(Model& model_, const FitOptions& options_, const Vector* start_, Index budget)
        : model(model_),
          options(options_),
          start(start_),
          hvp_budget(budget),
          deadline(options.max_seconds > 0
                       ? clock_start + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options.max_seconds))
                       : Clock::time_point::max()),
          lambda(options.base_lambda),
          tolerance(options.gradient_tolerance),
          quadratic(model.curvature_constant()),
          classifier(model.separates(Vector::Zero(model.parameters())).has_value()),
          theta(start != nullptr ? *start : Vector::Zero(model.parameters())),
          current(evaluate_penalized(model, lambda, theta)),
          curvature(model),
          forcing(options.forcing, tolerance),
          history{{theta.norm(), current.risk}},
          initial_risk(current.risk) {
        // A quadratic risk is minimized by one Newton step: its CG runs unrestarted
        // to the final tolerance (restarting every 500 iterations cost least squares
        // on news20 four times the iterations).
        const Index p = model.parameters();
        const Index default_max_cg =
            quadratic ? std::max<Index>(500, std::min<Index>(p, 20000)) : 500;
        max_cg = options.max_cg_iterations > 0 ? options.max_cg_iterations : default_max_cg;
        result.base_lambda = lambda;
    }
    Model& model;
    const FitOptions& options;
    const Vector* start;
    Index hvp_budget;
    Clock::time_point clock_start = Clock::now();
    Clock::time_point deadline;
    double lambda, tolerance;
    bool quadratic, classifier;
    Index max_cg = 0;
    FitResult result;
    Vector theta;
    Evaluation current;
    TimedCurvature curvature;
    Forcing forcing;
    Index separating_iteration = -1;
    // (‖θ‖, R) after every iteration, for the divergence test.
    std::vector<std::pair<double, double>> history;
    double initial_risk;
    std::ostringstream message;
};

// Unpenalized, a fresh fit first tries the model's cheap separating
// candidate: a certificate then ends the fit at once, where Newton would
// chase the minimizer at infinity with ever longer CG solves.
void try_separating_candidate(NewtonRun& run) {
    if (!run.classifier || run.lambda != 0 || run.start != nullptr) return;
    std::optional<Vector> candidate = run.model.separation_candidate();
    if (!candidate || !run.model.separates(*candidate).value_or(false)) return;
    run.theta = std::move(*candidate);
    run.current = evaluate_penalized(run.model, run.lambda, run.theta);
    run.result.separable = true;
    run.message << "the training data are linearly separable: the normalized class "
                   "centroids (θ_c = Σ_{y_i = c} x_i/‖x_i‖) classify every sample correctly "
                   "with a positive margin, so the unpenalized risk has no minimizer (it "
                   "decreases towards 0 as ‖θ‖ grows); "
                << base_penalty_advice;
}

// Whether ‖θ‖ kept growing while the risk fell over the divergence window
// (unpenalized classifiers only); writes the reason.
bool diverging(NewtonRun& run, Index k) {
    const Index window = run.options.divergence_window;
    if (run.lambda != 0 || !run.classifier || window <= 0 || k < window) return false;
    const auto [old_norm, old_risk] = run.history[static_cast<std::size_t>(k - window)];
    const double norm = run.theta.norm();
    const double risk = run.current.risk;
    if (!(norm >= 2 * old_norm && risk <= 0.5 * old_risk && risk <= 0.1 * run.initial_risk))
        return false;
    run.message << "over the last " << window << " Newton iterations ‖θ‖ grew from " << old_norm
                << " to " << norm << " while the risk fell from " << old_risk << " to " << risk
                << " (" << risk / run.initial_risk
                << " of its starting value), without a separating iterate: the data look "
                   "(quasi-)separable, so the unpenalized risk may have no minimizer; "
                << base_penalty_advice;
    return true;
}

// The checks before Newton iteration k + 1: true (with the reason written) when
// the fit stops at θ_k.
bool stops_before_step(NewtonRun& run, Index k) {
    const Evaluation& current = run.current;
    FitResult& result = run.result;
    if (!std::isfinite(current.objective) || !std::isfinite(current.gradient_norm)) {
        run.message << "the objective or its gradient is not finite at iteration " << k;
        return true;
    }
    // Any iterate that separates the data is a certificate, whatever λ₀.
    if (run.classifier && !result.separable && (k > 0 || run.start != nullptr) &&
        run.model.separates(run.theta).value_or(false)) {
        result.separable = true;
        run.separating_iteration = k;
        if (run.lambda == 0) {
            run.message << separable_message(k);
            return true;
        }
    }
    if (current.gradient_norm <= run.tolerance) {
        result.converged = true;
        run.message << "converged in " << k << " Newton iterations (" << result.cg_iterations
                    << " CG iterations): ‖∇F‖ = " << current.gradient_norm
                    << " <= " << run.tolerance;
        return true;
    }
    if (diverging(run, k)) {
        result.diverging = true;
        return true;
    }
    if (run.curvature.count() >= run.hvp_budget) {
        run.message << "stopped after " << k << " Newton iterations: " << run.curvature.count()
                    << " curvature products spent";
        return true;
    }
    if (k >= run.options.max_iterations) {
        run.message << "not converged after " << k
                    << " Newton iterations (the iteration cap): ‖∇F‖ = " << current.gradient_norm
                    << " > " << run.tolerance;
        return true;
    }
    if (run.options.max_seconds > 0 && seconds_since(run.clock_start) >= run.options.max_seconds) {
        run.message << "stopped by the time limit of " << run.options.max_seconds << " s after "
                    << k << " Newton iterations (" << result.cg_iterations
                    << " CG iterations), not converged: ‖∇F‖ = " << current.gradient_norm << " > "
                    << run.tolerance;
        return true;
    }
    return false;
}

// The Newton direction at θ: truncated CG on (C + λ₀I)d = −∇F (krylov/truncated_cg.hpp),
// Jacobi-preconditioned as the options say, to the forcing term η.
krylov::TruncatedCgResult newton_direction(NewtonRun& run, double eta) {
    run.model.set_curvature_point(run.theta);
    krylov::TruncatedCgOptions inner;
    inner.shift = run.lambda;
    inner.eta = eta;
    inner.max_iterations = std::min(run.max_cg, run.hvp_budget - run.curvature.count());
    inner.deadline = run.deadline;
    const Preconditioner kind = run.options.preconditioner;
    if (kind == Preconditioner::jacobi || (kind == Preconditioner::automatic && run.lambda > 0))
        inner.inverse_diagonal = krylov::jacobi_inverse(run.model.curvature_diagonal(), run.lambda);
    return krylov::truncated_cg(OperatorRef(run.curvature), -run.current.gradient, inner);
}

// Armijo backtracking along `step` (slope ∇Fᵀstep < 0); near convergence F
// changes below rounding, so a step that keeps F within rounding and shrinks
// the gradient is taken. Returns the accepted point and t, or nothing.
std::optional<std::pair<Vector, Evaluation>> line_search(NewtonRun& run, const Vector& step,
                                                         double slope, double& t) {
    const Evaluation& current = run.current;
    const double noise =
        64 * std::numeric_limits<double>::epsilon() * std::max(std::abs(current.objective), 1e-300);
    t = 1;
    for (Index b = 0; b <= run.options.max_backtracks; ++b, t *= 0.5) {
        Vector trial = run.theta + t * step;
        Evaluation e = evaluate_penalized(run.model, run.lambda, trial);
        if (!std::isfinite(e.objective) || !std::isfinite(e.gradient_norm)) continue;
        // When the predicted decrease is below the rounding of F, F cannot
        // tell a good step from a bad one: require a smaller gradient instead.
        const bool accept = -t * slope > noise
                                ? e.objective <= current.objective + run.options.armijo * t * slope
                                : e.objective <= current.objective + noise &&
                                      e.gradient_norm < current.gradient_norm;
        if (accept) return std::make_pair(std::move(trial), std::move(e));
    }
    return std::nullopt;
}

// Writes the reason an inner solve ended the fit (time limit, non-finite
// product), if it did.
bool inner_solve_stops(NewtonRun& run, const krylov::TruncatedCgResult& inner, Index k) {
    if (inner.out_of_time) {
        run.message << "stopped by the time limit of " << run.options.max_seconds
                    << " s inside the CG solve of Newton iteration " << k + 1 << " (after "
                    << run.result.cg_iterations
                    << " CG iterations in all), not converged: ‖∇F‖ = " << run.current.gradient_norm
                    << " > " << run.tolerance;
        return true;
    }
    if (inner.non_finite_iteration > 0) {
        run.message << "the curvature product returned NaN or Inf at CG iteration "
                    << inner.non_finite_iteration << " of Newton iteration " << k + 1
                    << "; stopped at the last finite iterate (‖∇F‖ = " << run.current.gradient_norm
                    << ")";
        return true;
    }
    return false;
}

// Without a penalty, a Newton step on separable data heads for a separating θ
// (the minimizer is at infinity): the full step is checked for a certificate.
bool full_step_separates(NewtonRun& run, const Vector& step, Index k) {
    if (run.lambda != 0 || !run.classifier) return false;
    Vector full = run.theta + step;
    if (!run.model.separates(full).value_or(false)) return false;
    run.theta = std::move(full);
    run.current = evaluate_penalized(run.model, run.lambda, run.theta);
    run.result.iterations = k + 1;
    run.result.separable = true;
    run.separating_iteration = k + 1;
    run.message << separable_message(k + 1);
    return true;
}

void report_progress(const NewtonRun& run, Index k, double t, double eta,
                     const krylov::TruncatedCgResult& inner) {
    if (!run.options.progress) return;
    NewtonIteration info;
    info.iteration = k + 1;
    info.objective = run.current.objective;
    info.gradient_norm = run.current.gradient_norm;
    info.step_length = t;
    info.cg_iterations = inner.iterations;
    info.forcing = eta;
    info.negative_curvature = inner.negative_curvature;
    run.options.progress(info);
}

FitResult finish(NewtonRun& run) {
    FitResult& result = run.result;
    if (run.classifier && !result.separable && run.model.separates(run.theta).value_or(false)) {
        result.separable = true;
        run.separating_iteration = result.iterations;
    }
    if (result.separable && run.lambda > 0)
        run.message << "; the data are linearly separable (the iterate of Newton iteration "
                    << run.separating_iteration
                    << " classifies every sample correctly), so θ̂ exists only because of the "
                       "base penalty";
    result.theta = std::move(run.theta);
    result.objective = run.current.objective;
    result.risk = run.current.risk;
    result.gradient_norm = run.current.gradient_norm;
    result.unpenalized_gradient_norm = run.current.risk_gradient_norm;
    result.hvp_count = run.curvature.count();
    result.hvp_seconds = run.curvature.seconds();
    result.message = run.message.str();
    result.seconds = seconds_since(run.clock_start);
    return std::move(result);
}

// The Newton-CG iteration; stops, too, once `hvp_budget` curvature products are spent.
FitResult run_newton(Model& model, const FitOptions& options, const Vector* start,
                     Index hvp_budget) {
    NewtonRun run(model, options, start, hvp_budget);
    try_separating_candidate(run);
    for (Index k = 0; !(run.result.separable && run.lambda == 0); ++k) {
        if (stops_before_step(run, k)) break;
        const double eta = run.quadratic
                               ? std::min(0.5, 0.5 * run.tolerance / run.current.gradient_norm)
                               : run.forcing.next(run.current.gradient_norm);
        krylov::TruncatedCgResult inner = newton_direction(run, eta);
        run.result.cg_iterations += inner.iterations;
        if (inner_solve_stops(run, inner, k)) break;
        double slope = run.current.gradient.dot(inner.step);
        if (!(slope < 0)) {  // not a descent direction (rounding): steepest descent
            inner.step = -run.current.gradient;
            slope = -run.current.gradient_norm * run.current.gradient_norm;
        }
        if (full_step_separates(run, inner.step, k)) break;
        double t = 1;
        auto accepted = line_search(run, inner.step, slope, t);
        if (!accepted) {
            run.message << "the line search found no decrease of the objective at Newton "
                           "iteration "
                        << k + 1 << " (‖∇F‖ = " << run.current.gradient_norm << " > "
                        << run.tolerance << ")";
            break;
        }
        run.theta = std::move(accepted->first);
        run.current = std::move(accepted->second);
        run.result.iterations = k + 1;
        run.history.emplace_back(run.theta.norm(), run.current.risk);
        report_progress(run, k, t, eta, inner);
    }
    return finish(run);
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
