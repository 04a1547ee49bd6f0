#include "ridgelens/model/network_training.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <sstream>
#include <utility>

#include "krylov/jacobi_preconditioner.hpp"
#include "krylov/truncated_cg.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/linear_operator.hpp"

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

// Preconditioned truncated CG (krylov/truncated_cg.hpp) on (C + shift·I)x = b
// to ‖r‖ ≤ η‖b‖; stops at non-positive curvature or a non-finite product
// (then `negative` is set and x is not used).
struct DampedSolve {
    Vector x, residual;
    Index iterations = 0;
    bool negative = false;
};

DampedSolve damped_cg(const Model& model, double shift, const Vector& b, double eta,
                      Index max_iterations, Vector inverse_diagonal, Index& products) {
    const ModelCurvatureOperator curvature(model);
    krylov::TruncatedCgOptions options;
    options.shift = shift;
    options.eta = eta;
    options.max_iterations = max_iterations;
    options.inverse_diagonal = std::move(inverse_diagonal);
    krylov::TruncatedCgResult inner = krylov::truncated_cg(OperatorRef(curvature), b, options);
    products += inner.products;
    DampedSolve out;
    out.negative = inner.negative_curvature || inner.non_finite_iteration > 0;
    out.iterations = inner.iterations;
    out.x = std::move(inner.step);
    out.residual = std::move(inner.residual);
    return out;
}

struct DampedOutcome {
    Point point;
    Index iterations = 0, rejected = 0, cg = 0, products = 0;
    double product_seconds = 0;
    bool reached = false;
    std::string stop;
};

// Levenberg–Marquardt damped Newton-CG on the model's curvature C (GGN or
// Hessian): d solves (C + (λ₀+μ)I)d = −∇F by Jacobi-PCG (the GGN diagonal)
// to the relative residual η = min(0.1, ‖∇F‖^½); ρ = actual/predicted
// decrease of F, μ ← μ/3 when ρ > 3/4, μ ← 2μ when ρ < 1/4, the step taken
// when F decreased (×4 and no step at non-positive curvature). μ → 0 near a
// minimizer, where the steps become Newton steps (quadratic convergence for
// the Hessian). Stops at ‖∇F‖ ≤ target, the iteration cap or the time limit.
DampedOutcome run_damped_newton(Model& model, const NetworkTrainingOptions& options, Point start,
                                double target, double& mu) {
    const auto clock_start = Clock::now();
    const FitOptions& fit = options.newton;
    const double lambda = fit.base_lambda;
    const Index max_cg = fit.max_cg_iterations > 0 ? fit.max_cg_iterations : 500;
    DampedOutcome out;
    out.point = std::move(start);
    model.set_curvature_point(out.point.theta);
    Vector diagonal = model.curvature_diagonal();
    for (Index k = 0;; ++k) {
        const double norm = out.point.gradient.norm();
        if (norm <= target) {
            out.reached = true;
            out.stop = "reached";
            return out;
        }
        if (k >= fit.max_iterations) {
            out.stop = "iteration cap";
            return out;
        }
        if (fit.max_seconds > 0 &&
            std::chrono::duration<double>(Clock::now() - clock_start).count() >= fit.max_seconds) {
            out.stop = "time limit";
            return out;
        }
        if (!(mu < 1e12 * (1 + norm))) {
            out.stop = "the damping grew without bound (no decrease of F found)";
            return out;
        }
        const double eta = std::min(0.1, std::max(std::sqrt(norm), 0.5 * target / norm));
        const auto solve_start = Clock::now();
        const Vector b = -out.point.gradient;
        DampedSolve solve = damped_cg(model, lambda + mu, b, eta, max_cg,
                                      krylov::jacobi_inverse(diagonal, lambda + mu), out.products);
        out.product_seconds += std::chrono::duration<double>(Clock::now() - solve_start).count();
        out.cg += solve.iterations;
        if (solve.negative || !solve.x.allFinite()) {
            mu = std::max(4 * mu, 1e-8);
            ++out.rejected;
            continue;
        }
        // q(d) = ∇Fᵀd + ½dᵀ(C + λ₀I)d, with (C + (λ₀+μ)I)d = b − r.
        const Vector& d = solve.x;
        const double predicted =
            -b.dot(d) + 0.5 * (d.dot(b - solve.residual) - mu * d.squaredNorm());
        Point trial = evaluate_point(model, lambda, out.point.theta + d);
        const double actual = trial.objective - out.point.objective;
        const double noise =
            64 * std::numeric_limits<double>::epsilon() * std::abs(out.point.objective);
        const bool accept =
            std::isfinite(trial.objective) &&
            (-predicted > noise ? actual < 0 : actual <= noise && trial.gradient.norm() < norm);
        const double rho = predicted < 0 ? actual / predicted : 0;
        if (rho > 0.75)
            mu /= 3;
        else if (rho < 0.25)
            mu *= 2;
        if (!accept) {
            ++out.rejected;
            continue;
        }
        out.point = std::move(trial);
        ++out.iterations;
        model.set_curvature_point(out.point.theta);
        diagonal = model.curvature_diagonal();
        if (fit.progress) {
            NewtonIteration report;
            report.iteration = out.iterations;
            report.objective = out.point.objective;
            report.gradient_norm = out.point.gradient.norm();
            report.step_length = 1;
            report.damping = mu;
            report.cg_iterations = solve.iterations;
            report.forcing = eta;
            fit.progress(report);
        }
    }
}

}  // namespace

FitResult train_network(Model& model, const NetworkTrainingOptions& options, const Vector& start) {
    if (start.size() != model.parameters())
        throw UsageError("network training: the start has " + std::to_string(start.size()) +
                         " entries, the model has " + std::to_string(model.parameters()) +
                         " parameters");
    if (options.lbfgs_iterations < 0 || options.lbfgs_memory < 1)
        throw UsageError("network training: L-BFGS iterations must be >= 0 and memory >= 1");
    const FitOptions& fit = options.newton;
    if (!(fit.gradient_tolerance > 0))
        throw UsageError("network training: the gradient tolerance must be > 0");
    const auto clock_start = Clock::now();
    LbfgsOutcome first = run_lbfgs(model, options, start);
    const double lbfgs_gradient = first.point.gradient.norm();

    const Curvature saved = model.curvature();
    std::ostringstream message;
    message << "L-BFGS: " << first.iterations << " iterations (" << first.stop
            << ", ‖∇F‖ = " << lbfgs_gradient << ")";
    const double tolerance = fit.gradient_tolerance;
    double mu = std::max(fit.base_lambda, 1e-3);
    DampedOutcome ggn, hessian;
    const auto describe = [&](const char* name, const DampedOutcome& phase, double target) {
        message << "; damped Newton-CG on the " << name << " to ‖∇F‖ <= " << target << ": "
                << phase.iterations << " steps (" << phase.rejected << " rejected, " << phase.cg
                << " CG iterations, " << (phase.reached ? "reached" : phase.stop)
                << ", ‖∇F‖ = " << phase.point.gradient.norm() << ")";
    };
    try {
        Point point = std::move(first.point);
        if (options.ggn_gradient > tolerance && lbfgs_gradient > options.ggn_gradient) {
            model.set_curvature(Curvature::ggn);
            ggn = run_damped_newton(model, options, std::move(point), options.ggn_gradient, mu);
            describe("GGN", ggn, options.ggn_gradient);
            point = ggn.point;
        }
        model.set_curvature(Curvature::hessian);
        hessian = run_damped_newton(model, options, std::move(point), tolerance, mu);
        describe("Hessian", hessian, tolerance);
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
            << result.gradient_norm << (result.converged ? " <= " : " > ") << tolerance;
    result.message = message.str();
    model.set_curvature_point(result.theta);
    result.seconds = std::chrono::duration<double>(Clock::now() - clock_start).count();
    return result;
}

}  // namespace ridgelens
