// Choosing λ along a path: the criteria per point, the best grid point of
// each, and its refinement on log λ by further solves of the same path.

#include "ridgelens/analysis/lambda_selection.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "analysis/pipeline_steps.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

using pipeline::format_double;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// GCV and the Gaussian evidence of least squares at one point.
void least_squares_criteria(double n, const PathPoint& point, SelectionCriteria& c) {
    const double squared_residual = 2 * n * point.risk;
    c.residual_norm = std::sqrt(squared_residual);
    const double denominator = n - point.df;
    if (denominator > 0) {
        c.gcv = n * squared_residual / (denominator * denominator);
        c.gcv_stderr =
            2 * n * squared_residual / (denominator * denominator * denominator) * point.df_stderr;
    }
    const double q = squared_residual + n * point.lambda * point.ridge_norm * point.ridge_norm;
    c.log_evidence =
        -0.5 * n * (std::log(2 * std::numbers::pi) + 1 + std::log(q / n)) - 0.5 * point.log_det;
    c.log_evidence_stderr = 0.5 * point.log_det_stderr;
}

// The Laplace evidence −n·F_λ(θ_λ) − ½ log det at one point.
void laplace_criteria(double n, const PathPoint& point, SelectionCriteria& c) {
    const double objective = point.risk + 0.5 * point.lambda * point.ridge_norm * point.ridge_norm;
    c.log_evidence = -n * objective - 0.5 * point.log_det;
    c.log_evidence_stderr = 0.5 * point.log_det_stderr;
}

// First and second derivatives at the middle of three points of a curve
// sampled at non-uniform t (three-point Lagrange formulas).
void derivatives(const double t[3], const double f[3], double& first, double& second) {
    const double h1 = t[1] - t[0], h2 = t[2] - t[1];
    first =
        -h2 / (h1 * (h1 + h2)) * f[0] + (h2 - h1) / (h1 * h2) * f[1] + h1 / (h2 * (h1 + h2)) * f[2];
    second = 2 * (f[0] / (h1 * (h1 + h2)) - f[1] / (h1 * h2) + f[2] / (h2 * (h1 + h2)));
}

// Curvature of (log‖Xθ−y‖, log‖θ‖) in log λ at every point that has a
// neighbour on each side at least `min_separation` away in log λ (closer
// points would turn the solves' rounding into curvature), the two spacings
// within a factor 2 of each other.
void lcurve_curvature(PathResult& path) {
    constexpr double min_separation = 1e-3;
    std::vector<std::size_t> usable;
    for (std::size_t i = 0; i < path.points.size(); ++i) {
        const PathPoint& p = path.points[i];
        if (p.lambda > 0 && p.criteria.residual_norm > 0 && p.ridge_norm > 0 &&
            p.stationary == StationaryPoint::minimizer)
            usable.push_back(i);
    }
    const auto coordinates = [&](std::size_t u, double& t, double& x, double& y) {
        const PathPoint& p = path.points[usable[u]];
        t = std::log(p.lambda);
        x = std::log(p.criteria.residual_norm);
        y = std::log(p.ridge_norm);
    };
    for (std::size_t u = 0; u < usable.size(); ++u) {
        double t[3], x[3], y[3];
        coordinates(u, t[1], x[1], y[1]);
        std::size_t left = u, right = u;
        while (left > 0 && t[1] - std::log(path.points[usable[left]].lambda) < min_separation)
            --left;
        while (right + 1 < usable.size() &&
               std::log(path.points[usable[right]].lambda) - t[1] < min_separation)
            ++right;
        coordinates(left, t[0], x[0], y[0]);
        coordinates(right, t[2], x[2], y[2]);
        const double h1 = t[1] - t[0], h2 = t[2] - t[1];
        // A lopsided stencil's first-order error exceeds the curvature's own
        // variation near a corner: no value there.
        if (!(h1 >= min_separation && h2 >= min_separation) ||
            std::max(h1, h2) > 2 * std::min(h1, h2))
            continue;
        double x1, x2, y1, y2;
        derivatives(t, x, x1, x2);
        derivatives(t, y, y1, y2);
        const double speed = x1 * x1 + y1 * y1;
        path.points[usable[u]].criteria.lcurve_curvature =
            speed > 0 ? (x1 * y2 - x2 * y1) / std::pow(speed, 1.5) : nan;
    }
}

// The value of a criterion at a point (NaN where not available), and whether
// larger is better.
double criterion_value(SelectionCriterion criterion, const PathPoint& point) {
    if (point.stationary != StationaryPoint::minimizer) return nan;
    switch (criterion) {
        case SelectionCriterion::gcv:
            return point.criteria.gcv;
        case SelectionCriterion::evidence:
            return point.criteria.log_evidence;
        case SelectionCriterion::lcurve:
            return point.criteria.lcurve_curvature;
    }
    return nan;
}
double criterion_stderr(SelectionCriterion criterion, const PathPoint& point) {
    switch (criterion) {
        case SelectionCriterion::gcv:
            return point.criteria.gcv_stderr;
        case SelectionCriterion::evidence:
            return point.criteria.log_evidence_stderr;
        case SelectionCriterion::lcurve:
            return 0;
    }
    return 0;
}
bool maximized(SelectionCriterion criterion) {
    return criterion != SelectionCriterion::gcv;
}

// Index of the best point with lambda in [low, high] (SIZE_MAX if none).
std::size_t best_point(SelectionCriterion criterion, const PathResult& path, double low,
                       double high) {
    std::size_t best = SIZE_MAX;
    for (std::size_t i = 0; i < path.points.size(); ++i) {
        const double lambda = path.points[i].lambda;
        const double value = criterion_value(criterion, path.points[i]);
        if (lambda < low || lambda > high || !std::isfinite(value)) continue;
        if (best == SIZE_MAX) {
            best = i;
            continue;
        }
        const double incumbent = criterion_value(criterion, path.points[best]);
        if (maximized(criterion) ? value > incumbent : value < incumbent) best = i;
    }
    return best;
}

// The neighbours of `best` among the points where the criterion is finite.
void neighbours(SelectionCriterion criterion, const PathResult& path, std::size_t best,
                std::size_t& below, std::size_t& above) {
    below = above = SIZE_MAX;
    for (std::size_t i = best; i-- > 0;)
        if (std::isfinite(criterion_value(criterion, path.points[i]))) {
            below = i;
            break;
        }
    for (std::size_t i = best + 1; i < path.points.size(); ++i)
        if (std::isfinite(criterion_value(criterion, path.points[i]))) {
            above = i;
            break;
        }
}

// Whether the grid's values settle the optimum against their noise.
void judge_resolution(SelectionCriterion criterion, const PathResult& path, std::size_t best,
                      std::size_t below, std::size_t above, Index probes,
                      LambdaSelection& selection) {
    const PathPoint& at = path.points[best];
    const double value = criterion_value(criterion, at);
    const double se = criterion_stderr(criterion, at);
    double smallest_gap = std::numeric_limits<double>::infinity(), noise = 0;
    for (const std::size_t side : {below, above}) {
        const PathPoint& other = path.points[side];
        const double gap = std::abs(criterion_value(criterion, other) - value);
        const double other_se = criterion_stderr(criterion, other);
        const double combined = std::sqrt(se * se + other_se * other_se);
        if (gap - combined < smallest_gap - noise) {
            smallest_gap = gap;
            noise = combined;
        }
    }
    const double rounding = 1e-12 * std::max(std::abs(value), 1e-300);
    if (smallest_gap > noise && smallest_gap > rounding) {
        selection.resolved = true;
        selection.reason = noise > 0 ? "the values at the neighbouring grid points differ from "
                                       "the optimum by more than their standard errors"
                                     : "exact values, an interior optimum";
        return;
    }
    selection.resolved = false;
    if (noise > 0 && smallest_gap > rounding) {
        const double factor = 2 * noise / smallest_gap;
        selection.probes_needed =
            static_cast<Index>(std::ceil(static_cast<double>(probes) * factor * factor));
        selection.reason =
            "the values at the neighbouring grid points differ from the optimum "
            "by " +
            format_double(smallest_gap) + ", less than their standard error " +
            format_double(noise) + ": about " + std::to_string(selection.probes_needed) +
            " SLQ probes would resolve it";
    } else {
        selection.reason = "the criterion is flat around the optimum to rounding";
    }
}

// New λ strictly inside (low, high), log-spaced, not already on the path.
std::vector<double> refinement_lambdas(double low, double high, Index count,
                                       const PathResult& path) {
    std::vector<double> lambdas;
    for (Index j = 1; j <= count; ++j) {
        const double t = static_cast<double>(j) / static_cast<double>(count + 1);
        const double lambda = std::exp(std::log(low) + t * (std::log(high) - std::log(low)));
        // Skip a λ within a quarter step of one the path has already solved.
        const double quarter_step = 0.25 * std::log(high / low) / static_cast<double>(count + 1);
        bool present = false;
        for (const PathPoint& point : path.points)
            present = present || std::abs(std::log(point.lambda / lambda)) < quarter_step;
        if (!present && lambda > low && lambda < high) lambdas.push_back(lambda);
    }
    return lambdas;
}

void check_applicable(SelectionCriterion criterion, const SelectionModel& model) {
    if (criterion != SelectionCriterion::evidence && !model.least_squares)
        throw UsageError("λ selection by " + to_string(criterion) +
                         " needs a least-squares model (a residual ‖Xθ − y‖); the evidence "
                         "applies to every model");
}

}  // namespace

std::string to_string(SelectionCriterion criterion) {
    switch (criterion) {
        case SelectionCriterion::gcv:
            return "gcv";
        case SelectionCriterion::evidence:
            return "evidence";
        case SelectionCriterion::lcurve:
            return "lcurve";
    }
    return "?";
}

SelectionCriterion parse_selection_criterion(const std::string& text) {
    for (const SelectionCriterion c :
         {SelectionCriterion::gcv, SelectionCriterion::evidence, SelectionCriterion::lcurve})
        if (text == to_string(c)) return c;
    throw UsageError("λ selection criterion '" + text + "': expected gcv, evidence or lcurve");
}

void evaluate_selection_criteria(const SelectionModel& model, PathResult& path) {
    if (model.samples < 1)
        throw UsageError("λ selection: the number of samples must be at least 1");
    const double n = static_cast<double>(model.samples);
    for (PathPoint& point : path.points) {
        point.criteria = SelectionCriteria{};
        if (!std::isfinite(point.risk) || point.stationary != StationaryPoint::minimizer) continue;
        if (model.least_squares)
            least_squares_criteria(n, point, point.criteria);
        else
            laplace_criteria(n, point, point.criteria);
    }
    if (model.least_squares) lcurve_curvature(path);
    path.criteria_note =
        model.least_squares
            ? "least squares: GCV n‖Xθ_λ − y‖²/(n − df)²; the evidence of the Gaussian linear "
              "model with prior θ ~ N(0, s²/(nλ)·I) at its maximizing noise variance s²; the "
              "L-curve (log‖Xθ_λ − y‖, log‖θ_λ‖)"
        : model.quadratic_model
            ? "the Laplace evidence −n·F_λ(θ_λ) − ½·log det(I + H/λ) of the quadratic model "
              "R(θ) = R(θ̂) + gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂) with n = " +
                  std::to_string(model.samples) +
                  " samples, exact for that model up to the constant −n·R(θ̂) (unknown from H "
                  "alone; it does not move the optimum)"
            : "the Laplace evidence −n·F_λ(θ_λ) − ½·log det(I + H/λ): F_λ = R + λ/2‖θ‖² of the "
              "model at θ_λ = θ̂_ridge(λ), with the curvature H taken at θ̂ rather than at θ_λ";
}

std::function<double(const Vector&)> quadratic_model_risk(const HessianProblem& problem) {
    return [&problem](const Vector& theta) {
        if (theta.size() != problem.theta.size())
            throw UsageError("quadratic model risk: θ has " + std::to_string(theta.size()) +
                             " entries, θ̂ has " + std::to_string(problem.theta.size()));
        const Vector step = theta - problem.theta;
        Vector curvature(step.size());
        problem.hessian.apply(step, curvature);
        double risk = 0.5 * step.dot(curvature);
        if (problem.gradient.size() == step.size()) risk += problem.gradient.dot(step);
        return risk;
    };
}

std::vector<LambdaSelection> select_lambda(const HessianProblem& problem,
                                           const PathOptions& path_options,
                                           const SelectionModel& model,
                                           const SelectionOptions& options, PathResult& path) {
    for (const SelectionCriterion criterion : options.criteria) check_applicable(criterion, model);
    if (!path_options.risk)
        throw UsageError("λ selection: the path needs the model's risk (PathOptions::risk)");
    if (!(options.relative_precision > 0) || options.points_per_round < 1 || options.max_rounds < 0)
        throw UsageError(
            "λ selection: relative_precision must be positive and "
            "points_per_round at least 1");
    evaluate_selection_criteria(model, path);
    const Index grid_points = static_cast<Index>(path.points.size());
    const double target = 2 * std::log1p(options.relative_precision);
    path.selections.clear();
    // The L-curve first: its finite-difference curvature is best on the grid
    // and its own refinement, before other criteria add points nearby.
    std::vector<SelectionCriterion> order = options.criteria;
    std::stable_partition(order.begin(), order.end(),
                          [](SelectionCriterion c) { return c == SelectionCriterion::lcurve; });
    for (const SelectionCriterion criterion : order) {
        LambdaSelection selection;
        selection.criterion = criterion;
        std::size_t best = best_point(criterion, path, 0, std::numeric_limits<double>::infinity());
        if (best == SIZE_MAX) {
            selection.reason = "the criterion is not available at any λ of the path";
            path.selections.push_back(selection);
            continue;
        }
        std::size_t below, above;
        neighbours(criterion, path, best, below, above);
        if (below == SIZE_MAX || above == SIZE_MAX) {
            selection.lambda = path.points[best].lambda;
            selection.value = criterion_value(criterion, path.points[best]);
            selection.value_stderr = criterion_stderr(criterion, path.points[best]);
            selection.bracket_low = selection.bracket_high = selection.lambda;
            selection.evaluations = grid_points;
            selection.reason = "the optimum is at the " +
                               std::string(below == SIZE_MAX ? "smallest" : "largest") +
                               " λ of the grid" +
                               (criterion == SelectionCriterion::lcurve
                                    ? " that has a curvature (the grid's end points have none)"
                                    : "") +
                               ": extend the grid beyond it";
            path.selections.push_back(selection);
            continue;
        }
        judge_resolution(criterion, path, best, below, above, path_options.slq.probes, selection);
        double low = path.points[below].lambda, high = path.points[above].lambda;
        Index added = 0;
        for (Index round = 0; round < options.max_rounds && std::log(high / low) > target;
             ++round) {
            const std::vector<double> lambdas =
                refinement_lambdas(low, high, options.points_per_round, path);
            if (lambdas.empty()) break;
            extend_path(problem, path_options, lambdas, path);
            added += static_cast<Index>(lambdas.size());
            evaluate_selection_criteria(model, path);
            best = best_point(criterion, path, low, high);
            neighbours(criterion, path, best, below, above);
            if (below == SIZE_MAX || above == SIZE_MAX) break;
            // The L-curve's curvature changes as neighbours are added, so its
            // best point may move to an end of the bracket: the new bracket is
            // always the best point's neighbours.
            low = path.points[below].lambda;
            high = path.points[above].lambda;
        }
        selection.lambda = path.points[best].lambda;
        selection.value = criterion_value(criterion, path.points[best]);
        selection.value_stderr = criterion_stderr(criterion, path.points[best]);
        selection.bracket_low = low;
        selection.bracket_high = high;
        selection.evaluations = grid_points + added;
        if (std::log(high / low) > target) {
            selection.resolved = false;
            selection.reason = "the refinement stopped with the bracket [" + format_double(low) +
                               ", " + format_double(high) + "] wider than the precision asked";
        }
        path.selections.push_back(selection);
    }
    // In the order asked, with the values the report shows at the selected λ.
    std::vector<LambdaSelection> ordered;
    for (const SelectionCriterion criterion : options.criteria)
        for (LambdaSelection& selection : path.selections)
            if (selection.criterion == criterion) {
                for (const PathPoint& point : path.points)
                    if (point.lambda == selection.lambda)
                        selection.value = criterion_value(criterion, point);
                ordered.push_back(selection);
            }
    path.selections = ordered;
    return path.selections;
}

}  // namespace ridgelens
