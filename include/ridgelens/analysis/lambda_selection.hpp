#pragma once
/// @file lambda_selection.hpp
/// Which λ? Generalized cross-validation, the evidence (marginal likelihood)
/// and the L-curve along a regularization path, from the path's own solves,
/// df(λ) and log det(I + H/λ) (exact or by the same SLQ run).
///
/// Definitions (n samples, θ_λ = θ̂_ridge(λ), df and log det of the path):
/// - least squares, R(θ) = ‖Xθ − y‖²/2n, H = XᵀX/n: residual_norm
///   ‖Xθ_λ − y‖ = √(2n·R(θ_λ)); gcv = n‖Xθ_λ − y‖²/(n − df)²; the evidence
///   of y ~ N(Xθ, s²I), θ ~ N(0, s²/(nλ)·I) at the maximizing s²:
///   log_evidence = −(n/2)(log 2π + 1 + log(Q/n)) − ½·log det,
///   Q = ‖y − Xθ_λ‖² + nλ‖θ_λ‖²; the L-curve (log‖Xθ_λ − y‖, log‖θ_λ‖).
/// - other models (logistic, softmax, networks): the Laplace evidence
///   log_evidence = −n·F_λ(θ_λ) − ½·log det, F_λ = R + λ/2‖θ‖² of the true
///   model at θ_λ, with the curvature H taken at θ̂ (not at θ_λ).
/// - a Hessian without data (`SelectionModel::quadratic_model`): the same
///   Laplace evidence of the quadratic model gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂)
///   with n the given number of samples, exact for that model up to the
///   constant −n·R(θ̂).
///
/// Thread safety: `evaluate_selection_criteria` and `select_lambda` modify the
/// `path` they are given (no other use of it meanwhile) and are otherwise
/// reentrant, as compute_path (path.hpp); the function `quadratic_model_risk`
/// returns is as thread-safe as the problem's operator.

#include <functional>
#include <string>
#include <vector>

#include "ridgelens/analysis/path.hpp"
#include "ridgelens/analysis/selection_criteria.hpp"
#include "ridgelens/export.hpp"

namespace ridgelens {

/// What the criteria need to know about the model behind a path.
struct SelectionModel {
    Index samples = 0;           ///< n, the training samples (≥ 1)
    bool least_squares = false;  ///< R = ‖Xθ − y‖²/2n (GCV, Gaussian evidence, L-curve)
    /// The path's risk is the quadratic model's own (`quadratic_model_risk`:
    /// a Hessian given without data), so the evidence is that model's Laplace
    /// evidence up to the constant −n·R(θ̂), which H alone does not give.
    bool quadratic_model = false;
};

/// The risk of the quadratic model of a problem given by its Hessian,
/// R(θ) − R(θ̂) = gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂) (R(θ̂) taken as 0), for
/// `PathOptions::risk` when there is no data: each evaluation costs one
/// product with H. The problem's operator and vectors must outlive the
/// returned function.
RIDGELENS_API std::function<double(const Vector&)> quadratic_model_risk(
    const HessianProblem& problem);

/// Settings of `select_lambda`.
struct SelectionOptions {
    std::vector<SelectionCriterion> criteria;
    /// refine until the optimum's bracket [low, high] has high/low ≤ (1 + p)²,
    /// i.e. λ known to p relative
    double relative_precision = 0.01;
    Index points_per_round = 8;  ///< new λ per refinement round (one solve run each round)
    Index max_rounds = 6;
};

/// "gcv", "evidence" or "lcurve" to a criterion. @throws UsageError otherwise.
RIDGELENS_API SelectionCriterion parse_selection_criterion(const std::string& text);

/// Fills `PathPoint::criteria` of every point of `path` from its risk, ridge
/// norm, df and log det (the points need `PathPoint::risk`: compute the path
/// with `PathOptions::risk`), and sets `path.criteria_note`.
/// @throws UsageError if samples < 1.
RIDGELENS_API void evaluate_selection_criteria(const SelectionModel& model, PathResult& path);

/// For each criterion of `options`: the best λ of the path's grid, then a
/// refinement on log λ inside its bracket (each round `points_per_round` new
/// λ solved by `extend_path`) until λ is known to `relative_precision`.
/// `path` must come from `compute_path(problem, path_options)` with
/// `path_options.risk` set; the new points are added to it, and the results
/// are stored in `path.selections` and returned.
///
/// An optimum is `resolved` when it is inside the grid (not at an end) and
/// its value differs from the values at the neighbouring grid points by
/// more than their combined standard error (exact df and log det have none);
/// otherwise `reason` says why and, for SLQ noise, `probes_needed` how many
/// probes would make the difference twice the standard error.
/// @throws UsageError for a criterion that does not apply to the model (GCV
/// and the L-curve need least squares) or for misuse as above.
RIDGELENS_API std::vector<LambdaSelection> select_lambda(const HessianProblem& problem,
                                                         const PathOptions& path_options,
                                                         const SelectionModel& model,
                                                         const SelectionOptions& options,
                                                         PathResult& path);

}  // namespace ridgelens
