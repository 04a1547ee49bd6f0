#pragma once
/// @file fit_analysis.hpp
/// The decay analysis of a real model: fit θ̂ by Newton-CG, analyze the
/// curvature at θ̂ matrix-free, and measure how good the quadratic
/// approximation θ̂_ridge is against the true regularized minimizer θ*_λ.
///
/// Thread safety: these functions fit or move the curvature point of the
/// `Model` they are given: no other call on that model may run meanwhile.
/// Calls on distinct models are reentrant.

#include <functional>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/model/newton_cg.hpp"

namespace ridgelens {

/// Settings of `fit_and_analyze`.
struct FitAnalysisOptions {
    FitOptions fit;                   ///< fitting θ̂ (base_lambda = λ₀)
    AnalyzeOptions analysis;          ///< the λ grid (total penalty strengths), eigen, CG
    bool approximation_study = true;  ///< fit θ*_λ for every λ, warm-started at θ̂_ridge
    /// The truth θ*_λ is fitted until its error bound ‖∇F_λ‖/(λ‖θ*_λ‖) is
    /// below this (or to the fit's own gradient tolerance, if that is
    /// tighter): far finer than any approximation error worth reporting,
    /// without paying for digits nobody reads.
    double truth_relative_accuracy = 1e-6;
    /// When set, fits θ̂ instead of fit_newton_cg(model, fit): e.g.
    /// train_network for a neural network, or a given θ̂ that is only
    /// evaluated. θ̂ is then analyzed even when the result is not
    /// `converged` (its message says how θ̂ was obtained), and g = ∇R(θ̂)
    /// always enters θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g).
    std::function<FitResult(Model&)> fitter;
};

/// The quadratic approximation against the truth for one λ.
struct ApproximationResult {
    double lambda = 0;
    double relative_error = 0;    ///< ‖θ̂_ridge − θ*_λ‖/‖θ*_λ‖
    double ridge_objective = 0;   ///< F_λ(θ*_λ), F_λ = R + λ/2‖θ‖²
    double approx_objective = 0;  ///< F_λ(θ̂_ridge) (≥ F_λ(θ*_λ))
    Index newton_iterations = 0;  ///< Newton steps from θ̂_ridge to θ*_λ
    double gradient_norm = 0;     ///< ‖∇F_λ(θ*_λ)‖ reached
    /// Bound on the error of the computed truth: F_λ is λ-strongly convex, so
    /// ‖θ − θ*_λ‖ ≤ ‖∇F_λ(θ)‖/λ; this is that bound relative to ‖θ*_λ‖
    /// (relative_error is uncertain by at most this much).
    double truth_error_bound = 0;
    bool converged = false;
    std::string message;
    /// What θ*_λ is for F_λ: "minimizer" (R convex: the unique minimizer),
    /// "local_minimizer" (the smallest eigenvalue of H(θ*_λ) + λI is positive
    /// and converged), "saddle" (a negative one was found: not a minimizer),
    /// "unresolved" (positive, but the Lanczos run did not converge), or
    /// "unchecked" (the refit did not converge).
    std::string point = "minimizer";
    /// Smallest eigenvalue of the exact Hessian of F_λ at θ*_λ, σ_min(H(θ*_λ)) + λ
    /// (a Ritz value: an upper bound), and its residual ‖Hq − σq‖; NaN when unchecked.
    double curvature_min = 0;
    double curvature_residual = 0;
    /// Steps along negative curvature taken from saddles of F_λ (each followed by a refit).
    Index escapes = 0;
    Vector theta;  ///< θ*_λ itself (the last refit's point)
};

/// Everything `fit_and_analyze` computed.
struct FitAnalysisResult {
    FitResult fit;             ///< θ̂ and how it was obtained
    bool analyzed = false;     ///< false when the fit failed (e.g. separable, λ₀ = 0)
    AnalysisResult analysis;   ///< eigenpairs, PSD, solves, decay tables
    ProblemSummary problem;    ///< the curvature at θ̂, for the report
    double gradient_norm = 0;  ///< ‖∇R(θ̂)‖ of the unpenalized risk
    std::vector<ApproximationResult> approximation;  ///< per λ of the grid
    double hvp_seconds = 0;                          ///< curvature products in the analysis
    Index hvp_count = 0;
    bool ok = false;
};

/// The approximation study at one λ: fits θ*_λ = argmin R + λ/2‖θ‖² by
/// Newton-CG warm-started at the quadratic model's θ̂_ridge (`ridge`, a
/// minimizer or a saddle of the quadratic model), to the accuracy
/// `options.truth_relative_accuracy` asks for, and compares. Where R is not
/// convex (the Hessian of a network) the refit is local: θ*_λ is then checked
/// by the smallest eigenvalue of H(θ*_λ) + λI (Lanczos on −H); at a saddle of
/// F_λ the study steps along that eigenvector (the sign and length that
/// decrease F_λ) and refits, up to twice, and reports what θ*_λ is.
/// Leaves the model's curvature point at θ*_λ and its curvature setting as it was.
RIDGELENS_API ApproximationResult study_approximation(Model& model,
                                                      const FitAnalysisOptions& options,
                                                      double lambda, const Vector& ridge);

/// Fits θ̂ = argmin R + λ₀/2‖θ‖² (λ₀ = options.fit.base_lambda), takes the
/// curvature H and g = ∇R(θ̂) of the *unpenalized* R there, analyzes every λ
/// of the grid as a total penalty strength (θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g), so
/// λ = λ₀ gives back θ̂), then for each λ fits θ*_λ warm-started at θ̂_ridge.
/// When the fit fails (separable data with λ₀ = 0, not converged), nothing is
/// analyzed and `fit.message` says why.
RIDGELENS_API FitAnalysisResult fit_and_analyze(Model& model, const FitAnalysisOptions& options);

}  // namespace ridgelens
