#include "ridgelens/model/network_training.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <sstream>

#include "ridgelens/error.hpp"

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

}  // namespace

FitResult train_network(Model& model, const NetworkTrainingOptions& options, const Vector& start) {
    if (start.size() != model.parameters())
        throw UsageError("network training: the start has " + std::to_string(start.size()) +
                         " entries, the model has " + std::to_string(model.parameters()) +
                         " parameters");
    if (options.lbfgs_iterations < 0 || options.lbfgs_memory < 1)
        throw UsageError("network training: L-BFGS iterations must be >= 0 and memory >= 1");
    const auto clock_start = Clock::now();
    LbfgsOutcome first = run_lbfgs(model, options, start);
    const double lbfgs_gradient = first.point.gradient.norm();

    const Curvature saved = model.curvature();
    std::ostringstream message;
    message << "L-BFGS: " << first.iterations << " iterations (" << first.stop
            << ", ‖∇F‖ = " << lbfgs_gradient << ")";
    FitResult result;
    try {
        Vector theta = std::move(first.point.theta);
        Index iterations = 0, cg = 0, products = 0;
        double product_seconds = 0;
        const double tolerance = options.newton.gradient_tolerance;
        if (options.ggn_gradient > tolerance && lbfgs_gradient > tolerance) {
            FitOptions ggn = options.newton;
            ggn.gradient_tolerance = options.ggn_gradient;
            model.set_curvature(Curvature::ggn);
            result = fit_newton_cg(model, ggn, &theta);
            message << "; Newton-CG on the GGN to ‖∇F‖ <= " << options.ggn_gradient << ": "
                    << result.message;
            theta = result.theta;
            iterations = result.iterations;
            cg = result.cg_iterations;
            products = result.hvp_count;
            product_seconds = result.hvp_seconds;
        }
        model.set_curvature(Curvature::hessian);
        result = fit_newton_cg(model, options.newton, &theta);
        message << "; Newton-CG on the Hessian: " << result.message;
        result.iterations += iterations;
        result.cg_iterations += cg;
        result.hvp_count += products;
        result.hvp_seconds += product_seconds;
    } catch (...) {
        model.set_curvature(saved);
        throw;
    }
    model.set_curvature(saved);
    result.message = message.str();
    result.seconds = std::chrono::duration<double>(Clock::now() - clock_start).count();
    return result;
}

}  // namespace ridgelens
