#include "ridgelens/model/network_training.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <sstream>
#include <utility>

#include "krylov/truncated_cg.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/linear_operator.hpp"
#include "ridgelens/operator/shifted_operator.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;

struct Point {
    Vector theta;
    double objective = 0;
    double risk = 0;
    Vector gradient;  ///< ∇F
};

Point evaluate_point(const Model& model, double lambda, Vector theta) {
    Point point;
    point.risk = model.evaluate(theta, &point.gradient);
    point.objective = point.risk + 0.5 * lambda * theta.squaredNorm();
    if (lambda > 0) point.gradient += lambda * theta;
    point.theta = std::move(theta);
    return point;
}

// Two-loop recursion: d = −H_k ∇F with the stored pairs (s, y).
Vector lbfgs_direction(const Vector& gradient, const std::deque<std::pair<Vector, Vector>>& pairs) {
    Vector q = -gradient;
    std::vector<double> alpha(pairs.size());
    for (std::size_t i = pairs.size(); i-- > 0;) {
        const auto& [s, y] = pairs[i];
        alpha[i] = s.dot(q) / y.dot(s);
        q -= alpha[i] * y;
    }
    if (!pairs.empty()) {
        const auto& [s, y] = pairs.back();
        q *= s.dot(y) / y.squaredNorm();
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto& [s, y] = pairs[i];
        q += (alpha[i] - y.dot(q) / y.dot(s)) * s;
    }
    return q;
}

struct LbfgsOutcome {
    Point point;
    Index iterations = 0;
    std::string stop;
};

LbfgsOutcome run_lbfgs(const Model& model, const NetworkTrainingOptions& options, Vector start) {
    const FitOptions& fit = options.newton;
    const double lambda = fit.base_lambda;
    LbfgsOutcome out;
    out.point = evaluate_point(model, lambda, std::move(start));
    std::deque<std::pair<Vector, Vector>> pairs;
    const double target = std::max(fit.gradient_tolerance, options.switch_gradient);
    for (Index k = 0;; ++k) {
        const double norm = out.point.gradient.norm();
        if (norm <= target) {
            out.stop = norm <= fit.gradient_tolerance ? "reached the gradient tolerance"
                                                      : "reached the switch gradient";
            return out;
        }
        if (k >= options.lbfgs_iterations) {
            out.stop = "iteration cap";
            return out;
        }
        Vector direction = lbfgs_direction(out.point.gradient, pairs);
        double slope = direction.dot(out.point.gradient);
        if (!(slope < 0)) {  // not a descent direction: restart along −∇F
            pairs.clear();
            direction = -out.point.gradient;
            slope = -norm * norm;
        }
        double step = pairs.empty() ? std::min(1.0, 1.0 / norm) : 1.0;
        Point trial;
        Index backtracks = 0;
        for (;; ++backtracks) {
            trial = evaluate_point(model, lambda, out.point.theta + step * direction);
            if (std::isfinite(trial.objective) &&
                trial.objective <= out.point.objective + fit.armijo * step * slope)
                break;
            if (backtracks >= fit.max_backtracks) {
                out.stop = "line search failed (no decrease along the L-BFGS direction)";
                return out;
            }
            step *= 0.5;
        }
        Vector s = trial.theta - out.point.theta, y = trial.gradient - out.point.gradient;
        if (s.dot(y) > 1e-12 * s.norm() * y.norm()) {
            pairs.emplace_back(std::move(s), std::move(y));
            if (static_cast<Index>(pairs.size()) > options.lbfgs_memory) pairs.pop_front();
        }
        out.point = std::move(trial);
        out.iterations = k + 1;
        if (options.progress) {
            NewtonIteration report;
            report.iteration = k + 1;
            report.objective = out.point.objective;
            report.gradient_norm = out.point.gradient.norm();
            report.step_length = step;
            options.progress(report);
        }
    }
}

// The trust-region phases. The step is measured in the scaled norm
// ‖d‖_D = ‖D^½d‖, D = diag(GGN) + λ₀ (the Jacobi preconditioner of the
// damped method before): truncated CG runs on y = D^½d, on the system
// S(C + λ₀I)S y = −S∇F with S = D^−½, so that Steihaug's boundary test in the
// Euclidean norm of y is the preconditioned trust region of d.
struct ScaledCurvature {
    using Scalar = double;
    const Model* model;
    Vector scale;  ///< S = D^−½
    double lambda;
    mutable Vector work, product;
    Index rows() const { return scale.size(); }
    Index cols() const { return scale.size(); }
    void perform_op(const double* x, double* y) const {
        const Eigen::Map<const Vector> in(x, scale.size());
        work = scale.cwiseProduct(in);
        product.resize(scale.size());
        model->curvature_product(work.data(), product.data());
        Eigen::Map<Vector>(y, scale.size()) = scale.cwiseProduct(product + lambda * work);
    }
};

Vector inverse_sqrt_scale(const Vector& diagonal, double lambda) {
    return (diagonal.cwiseMax(0.0).array() + std::max(lambda, 1e-12)).rsqrt().matrix();
}

// One Steihaug–Toint step: d (in θ's units), the model's predicted change
// q(d) = ∇Fᵀd + ½dᵀ(C + λ₀I)d and how CG ended.
struct TrustStep {
    Vector d;
    double predicted = 0, scaled_length = 0;
    Index cg = 0, products = 0;
    bool boundary = false, negative = false, finite = true;
};

TrustStep steihaug_step(const Model& model, const Point& point, const Vector& scale, double lambda,
                        double radius, double eta, Index max_cg) {
    const ScaledCurvature op{&model, scale, lambda, {}, {}};
    krylov::TruncatedCgOptions options;
    options.eta = eta;
    options.max_iterations = max_cg;
    options.radius = radius;
    const Vector b = -scale.cwiseProduct(point.gradient);
    krylov::TruncatedCgResult inner = krylov::truncated_cg(OperatorRef(op), b, options);
    TrustStep step;
    step.cg = inner.iterations;
    step.products = inner.products;
    step.boundary = inner.on_boundary;
    step.negative = inner.negative_curvature;
    step.finite = inner.non_finite_iteration == 0 && inner.step.allFinite();
    // With (SCS)y = b − r: q = −bᵀy + ½yᵀ(b − r).
    step.predicted = -b.dot(inner.step) + 0.5 * inner.step.dot(b - inner.residual);
    step.scaled_length = inner.step.norm();
    step.d = scale.cwiseProduct(inner.step);
    return step;
}

// The most negative eigenpair of H + λ₀I at the curvature point (Lanczos on
// −(H + λ₀I), one pair, a loose tolerance: the sign is what matters).
struct CurvatureCheck {
    double value = 0, residual = 0;  ///< Ritz value of H + λ₀I and its residual
    bool found = false;              ///< a Ritz pair was returned
    bool converged = false;          ///< the eigensolver vouches it is the smallest
    Vector direction;
    std::int64_t products = 0;
};

CurvatureCheck check_curvature(const Model& model, double lambda, Index restarts) {
    const ModelCurvatureOperator hessian(model);
    const ShiftedOperator shifted(OperatorRef(hessian), lambda);
    const NegatedOperator negated{OperatorRef(shifted)};
    EigenOptions options;
    options.k = 1;
    options.tolerance = 1e-3;
    options.max_iterations = restarts;
    const Eigenpairs pairs = compute_top_eigenpairs(OperatorRef(negated), options, 11);
    CurvatureCheck check;
    check.products = pairs.matvecs;
    if (pairs.values.size() >= 1) {
        check.found = true;
        check.value = -pairs.values[0];
        check.residual = pairs.residuals.size() >= 1 ? pairs.residuals[0] : 0;
        check.converged = pairs.status == EigenStatus::converged;
        check.direction = pairs.vectors.col(0);
    }
    return check;
}

struct TrustOutcome {
    Point point;
    Index iterations = 0, rejected = 0, cg = 0, products = 0, boundary = 0, negative = 0;
    Index escapes = 0;
    double product_seconds = 0;
    bool reached = false;
    std::string stop, curvature;  ///< why it stopped; what the curvature check found
};

// ρ = actual/predicted decrease decides the step and the radius: taken when
// F decreased (ρ > 1e-4), Δ ← ¼‖d‖_D when ρ < ¼, Δ ← 2Δ when ρ > ¾ on the
// boundary. Below the rounding of F (|q| ≤ 64ε|F|) a step is taken when it
// lowers ‖∇F‖ without raising F beyond that rounding (Δ ← ¼‖d‖_D when not).
bool judge_step(const Point& current, const Point& trial, const TrustStep& step, double& radius) {
    const double noise = 64 * std::numeric_limits<double>::epsilon() * std::abs(current.objective);
    if (!std::isfinite(trial.objective) || !trial.gradient.allFinite()) {
        radius = 0.25 * std::min(radius, step.scaled_length);
        return false;
    }
    const double actual = trial.objective - current.objective;
    if (!(-step.predicted > noise)) {
        const bool better = actual <= noise && trial.gradient.norm() < current.gradient.norm();
        if (!better) radius = 0.25 * step.scaled_length;
        return better;
    }
    const double rho = actual / step.predicted;
    if (rho < 0.25)
        radius = 0.25 * step.scaled_length;
    else if (rho > 0.75 && step.scaled_length >= 0.99 * radius)
        radius = std::min(2 * radius, 1e10);
    return rho > 1e-4;
}

constexpr Index max_escapes = 10;

// d = ±t·v with ‖d‖_D = Δ, downhill (−sign ∇Fᵀv); q(d) = ∇Fᵀd + ½t²·vᵀ(H + λ₀I)v.
TrustStep escape_step(const Point& point, const CurvatureCheck& check, const Vector& scale,
                      double radius) {
    const Vector& v = check.direction;
    const double slope = point.gradient.dot(v);
    const double t = (slope > 0 ? -1.0 : 1.0) * radius / v.cwiseQuotient(scale).norm();
    TrustStep step;
    step.d = t * v;
    step.predicted = t * slope + 0.5 * t * t * check.value;
    step.scaled_length = radius;
    step.boundary = step.negative = true;
    step.finite = step.d.allFinite();
    return step;
}

std::string describe_check(const CurvatureCheck& check, bool negative) {
    std::ostringstream text;
    if (!check.found)
        text << "minimality not shown: Lanczos returned no eigenpair of H + λ₀I in "
             << check.products << " products";
    else if (negative)
        text << "negative curvature: H + λ₀I has the Ritz value " << check.value;
    else if (check.converged)
        text << "a minimizer: σ_min(H) + λ₀ = " << check.value << " (Lanczos, residual "
             << check.residual << ", " << check.products << " products)";
    else
        text << "no negative curvature found: smallest Ritz value of H + λ₀I " << check.value
             << " in " << check.products << " Lanczos products (not proven smallest)";
    return text.str();
}

// Trust-region Newton-CG (Steihaug–Toint) on the model's curvature C, GGN or
// Hessian, in the norm ‖·‖_D: truncated CG to the relative residual
// η = min(0.1, ‖∇F‖^½) or to the boundary, following directions of negative
// curvature of the Hessian to the boundary. Once ‖∇F‖ ≤ target, with
// `check`, Lanczos looks for negative curvature of H + λ₀I and the iteration
// steps along it (downhill, to the boundary) when it finds some: a saddle is
// left, not reported as a minimum. Stops at the target, the iteration cap
// (steps tried, taken or not), the time limit, or a vanishing radius.
TrustOutcome run_trust_region(Model& model, const NetworkTrainingOptions& options, Point start,
                              double target, double& radius, bool check) {
    const auto clock_start = Clock::now();
    const FitOptions& fit = options.newton;
    const double lambda = fit.base_lambda;
    const Index max_cg = fit.max_cg_iterations > 0 ? fit.max_cg_iterations : 500;
    TrustOutcome out;
    out.point = std::move(start);
    model.set_curvature_point(out.point.theta);
    Vector scale = inverse_sqrt_scale(model.curvature_diagonal(), lambda);
    CurvatureCheck curvature;
    bool checked = false;
    for (Index k = 0;; ++k) {
        const double norm = out.point.gradient.norm();
        TrustStep step;
        const auto step_start = Clock::now();
        if (norm <= target) {
            if (!check || options.curvature_check_restarts == 0) {
                out.reached = true;
                out.curvature = check ? "curvature not checked" : "";
                return out;
            }
            if (!checked) {
                curvature = check_curvature(model, lambda, options.curvature_check_restarts);
                out.products += curvature.products;
                checked = true;
            }
            const bool negative = curvature.found && curvature.value < -options.negative_curvature;
            out.curvature = describe_check(curvature, negative);
            if (!negative) {
                out.reached = true;
                return out;
            }
            if (out.escapes >= max_escapes || !(radius > 1e-14)) {
                out.stop = "no decrease of F found along the negative curvature";
                return out;
            }
            ++out.escapes;
            step = escape_step(out.point, curvature, scale, radius);
        } else {
            if (k >= fit.max_iterations) {
                out.stop = "iteration cap";
                return out;
            }
            if (fit.max_seconds > 0 &&
                std::chrono::duration<double>(Clock::now() - clock_start).count() >=
                    fit.max_seconds) {
                out.stop = "time limit";
                return out;
            }
            if (!(radius > 1e-14)) {
                out.stop = "the trust region shrank to nothing (no decrease of F found)";
                return out;
            }
            const double eta = std::min(0.1, std::max(std::sqrt(norm), 0.5 * target / norm));
            step = steihaug_step(model, out.point, scale, lambda, radius, eta, max_cg);
            out.cg += step.cg;
            out.products += step.products;
        }
        out.product_seconds += std::chrono::duration<double>(Clock::now() - step_start).count();
        if (!step.finite) {
            radius *= 0.25;
            ++out.rejected;
            continue;
        }
        Point trial = evaluate_point(model, lambda, out.point.theta + step.d);
        if (!judge_step(out.point, trial, step, radius)) {
            ++out.rejected;
            continue;
        }
        out.point = std::move(trial);
        ++out.iterations;
        out.boundary += step.boundary ? 1 : 0;
        out.negative += step.negative ? 1 : 0;
        checked = false;
        model.set_curvature_point(out.point.theta);
        scale = inverse_sqrt_scale(model.curvature_diagonal(), lambda);
        if (fit.progress) {
            NewtonIteration report;
            report.iteration = out.iterations;
            report.objective = out.point.objective;
            report.gradient_norm = out.point.gradient.norm();
            report.step_length = step.d.norm();
            report.cg_iterations = step.cg;
            report.negative_curvature = step.negative;
            fit.progress(report);
        }
    }
}

// "…: N steps (R rejected, B to the boundary, …)" for the fit message.
void describe_phase(std::ostringstream& message, const char* name, const TrustOutcome& phase,
                    double target) {
    message << "; trust-region Newton-CG on the " << name << " to ‖∇F‖ <= " << target << ": "
            << phase.iterations << " steps (" << phase.rejected << " rejected, " << phase.boundary
            << " to the boundary";
    if (phase.negative > 0) message << ", " << phase.negative << " along negative curvature";
    if (phase.escapes > 0) message << ", " << phase.escapes << " saddle escapes tried";
    message << ", " << phase.cg << " CG iterations, " << (phase.reached ? "reached" : phase.stop)
            << ", ‖∇F‖ = " << phase.point.gradient.norm() << ")";
    if (!phase.curvature.empty()) message << "; " << phase.curvature;
}

void check_settings(const Model& model, const NetworkTrainingOptions& options,
                    const Vector& start) {
    if (start.size() != model.parameters())
        throw UsageError("network training: the start has " + std::to_string(start.size()) +
                         " entries, the model has " + std::to_string(model.parameters()) +
                         " parameters");
    if (options.lbfgs_iterations < 0 || options.lbfgs_memory < 1)
        throw UsageError("network training: L-BFGS iterations must be >= 0 and memory >= 1");
    if (!(options.newton.gradient_tolerance > 0))
        throw UsageError("network training: the gradient tolerance must be > 0");
    if (!(options.initial_radius > 0) || !(options.negative_curvature >= 0) ||
        options.curvature_check_restarts < 0)
        throw UsageError(
            "network training: the initial trust radius must be > 0, the negative-curvature "
            "threshold >= 0 and the curvature check's restarts >= 0");
}

}  // namespace

FitResult train_network(Model& model, const NetworkTrainingOptions& options, const Vector& start) {
    check_settings(model, options, start);
    const FitOptions& fit = options.newton;
    const auto clock_start = Clock::now();
    LbfgsOutcome first = run_lbfgs(model, options, start);
    const double lbfgs_gradient = first.point.gradient.norm();

    const Curvature saved = model.curvature();
    std::ostringstream message;
    message << "L-BFGS: " << first.iterations << " iterations (" << first.stop
            << ", ‖∇F‖ = " << lbfgs_gradient << ")";
    const double tolerance = fit.gradient_tolerance;
    double radius = options.initial_radius;
    TrustOutcome ggn, hessian;
    try {
        Point point = std::move(first.point);
        if (options.ggn_gradient > tolerance && lbfgs_gradient > options.ggn_gradient) {
            model.set_curvature(Curvature::ggn);
            ggn = run_trust_region(model, options, std::move(point), options.ggn_gradient, radius,
                                   false);
            describe_phase(message, "GGN", ggn, options.ggn_gradient);
            point = ggn.point;
        }
        model.set_curvature(Curvature::hessian);
        hessian = run_trust_region(model, options, std::move(point), tolerance, radius, true);
        describe_phase(message, "Hessian", hessian, tolerance);
    } catch (...) {
        model.set_curvature(saved);
        throw;
    }
    model.set_curvature(saved);
    FitResult result;
    result.theta = hessian.point.theta;
    result.objective = hessian.point.objective;
    result.risk = hessian.point.risk;
    result.gradient_norm = hessian.point.gradient.norm();
    result.unpenalized_gradient_norm =
        (hessian.point.gradient - fit.base_lambda * hessian.point.theta).norm();
    result.base_lambda = fit.base_lambda;
    result.iterations = ggn.iterations + hessian.iterations;
    result.cg_iterations = ggn.cg + hessian.cg;
    result.hvp_count = ggn.products + hessian.products;
    result.hvp_seconds = ggn.product_seconds + hessian.product_seconds;
    result.converged = hessian.reached;
    message << (result.converged ? "; converged: ‖∇F‖ = " : "; not converged: ‖∇F‖ = ")
            << result.gradient_norm << (result.gradient_norm <= tolerance ? " <= " : " > ")
            << tolerance;
    result.message = message.str();
    model.set_curvature_point(result.theta);
    result.seconds = std::chrono::duration<double>(Clock::now() - clock_start).count();
    return result;
}

}  // namespace ridgelens
