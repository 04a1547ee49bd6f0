#pragma once
/// @file newton_cg.hpp
/// Fitting θ̂ by truncated Newton (Newton-CG) on a model's matrix-free
/// curvature products.
///
/// Minimizes F(θ) = R(θ) + λ₀/2‖θ‖² (λ₀ = FitOptions::base_lambda ≥ 0):
/// each outer iteration solves (C + λ₀I)d = −∇F inexactly by conjugate
/// gradient (C the model's curvature at θ, relative residual ≤ the forcing
/// term η_k, stopped early at non-positive curvature), then takes an Armijo
/// backtracking step along d. It stops when ‖∇F(θ)‖ ≤ gradient_tolerance
/// (an *absolute* tolerance on the gradient of the mean risk plus penalty).
///
/// **Minimum-norm minimizer.** Without a base penalty the inner CG is not
/// preconditioned (Preconditioner::automatic), so every step lies in the Krylov space of C applied
/// to the gradient. For least squares and softmax regression the gradient is orthogonal to null(H)
/// (for softmax: Σ_c ∂ℓ/∂z_c = 0), so from θ = 0 the iterates stay in range(H) and the limit is the
/// minimum-norm minimizer.
///
/// **Separable data.** With λ₀ = 0 a logistic or softmax risk on linearly
/// separable data has no minimizer (R → 0 as ‖θ‖ → ∞). At every iterate
/// the fit checks Model::separates(θ): if θ classifies every training sample
/// with a positive margin it is a certificate of separability, and the fit
/// stops with `separable = true`, `converged = false` and a message asking
/// for a base penalty λ₀ > 0 (the full Newton step is checked too: on
/// separable data it heads for a separating θ). Without a certificate, ‖θ‖
/// growing while R tends to 0 (see `divergence_window`) also stops the fit
/// (`diverging = true`). With λ₀ > 0 the problem is strongly convex:
/// the fit runs normally and `separable` reports whether any iterate, or a
/// short unpenalized probe from θ̂ (separability_probe_iterations), found a
/// separating θ.
///
/// Thread safety: `fit_newton_cg` moves the curvature point of the model it
/// is given: no other call on that model meanwhile; distinct models are
/// independent.

#include <functional>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/model/model.hpp"

namespace ridgelens {

/// How the inner CG tolerance η_k (relative residual) is chosen.
enum class ForcingTerm {
    /// Eisenstat–Walker choice 2: η_k = 0.9 (‖g_k‖/‖g_{k−1}‖)², safeguarded,
    /// at most 0.5 (superlinear local convergence without oversolving).
    eisenstat_walker,
    /// η_k = 0.1·min(1, ‖g_k‖^½).
    fixed,
};

/// Preconditioning of the inner CG.
enum class Preconditioner {
    /// Jacobi when λ₀ > 0; none when λ₀ = 0, so that from θ = 0 the fit
    /// returns the minimum-norm minimizer (a diagonal preconditioner would
    /// move the iterates out of range(H) when H is singular).
    automatic,
    jacobi,  ///< diag(C) + λ₀ always (much faster on ill-conditioned problems)
    none,    ///< plain CG
};

/// What one Newton iteration did (for progress reporting).
struct NewtonIteration {
    Index iteration = 0;              ///< 1-based outer iteration just completed
    double objective = 0;             ///< F(θ) after the step
    double gradient_norm = 0;         ///< ‖∇F(θ)‖ after the step
    double step_length = 0;           ///< accepted line-search step t (d scaled by t)
    Index cg_iterations = 0;          ///< inner CG iterations of this step
    double forcing = 0;               ///< η_k used by the inner CG
    bool negative_curvature = false;  ///< inner CG stopped at non-positive curvature
    double damping = 0;               ///< μ after the step (damped Newton of train_network)
};

/// Settings of fit_newton_cg.
struct FitOptions {
    /// λ₀ ≥ 0: the fit minimizes R(θ) + λ₀/2‖θ‖².
    double base_lambda = 0;
    /// Stop when ‖∇(R + λ₀/2‖θ‖²)‖₂ ≤ gradient_tolerance (absolute).
    double gradient_tolerance = 1e-8;
    /// Newton (outer) iterations at most.
    Index max_iterations = 100;
    /// CG iterations per Newton step at most; 0 means 500.
    Index max_cg_iterations = 0;
    /// Wall-clock bound of the fit in seconds, checked between Newton steps
    /// and at every CG iteration inside one (0: none); a fit stopped by it is
    /// not converged and its message says so.
    double max_seconds = 0;
    ForcingTerm forcing = ForcingTerm::eisenstat_walker;
    /// Preconditioning of the inner CG (see Preconditioner).
    Preconditioner preconditioner = Preconditioner::automatic;
    /// Armijo sufficient-decrease constant c₁ of the line search.
    double armijo = 1e-4;
    /// Step halvings at most per line search.
    Index max_backtracks = 40;
    /// λ₀ = 0, classifiers only: the fit stops as diverging when over this
    /// many iterations ‖θ‖ at least doubled and R at least halved, R having
    /// fallen below a tenth of its starting value (0 disables).
    Index divergence_window = 10;
    /// λ₀ > 0 only: when no iterate separated the data, up to this many
    /// unpenalized, Jacobi-preconditioned Newton iterations from θ̂ (with at
    /// most a tenth as many curvature products as the fit, at least 20) look
    /// for a separating θ, to report `separable`; θ̂ is not changed. 0 disables.
    Index separability_probe_iterations = 10;
    /// The probe runs only when θ̂ misclassifies at most this fraction of the
    /// training samples (a small-penalty fit of separable data classifies
    /// nearly all of them); otherwise `separable` stays false, untested.
    double probe_misclassified_fraction = 0.01;
    /// Called after every Newton iteration when set.
    std::function<void(const NewtonIteration&)> progress;
};

/// The fitted θ̂ with the evidence for it.
struct FitResult {
    Vector theta;                          ///< θ̂ (the last iterate when not converged)
    double objective = 0;                  ///< F(θ̂) = R(θ̂) + λ₀/2‖θ̂‖²
    double risk = 0;                       ///< R(θ̂)
    double gradient_norm = 0;              ///< ‖∇F(θ̂)‖ (what the tolerance is checked on)
    double unpenalized_gradient_norm = 0;  ///< ‖∇R(θ̂)‖: the ‖g‖ of geometry.md §1
    double base_lambda = 0;                ///< λ₀ used
    Index iterations = 0;                  ///< Newton iterations
    Index cg_iterations = 0;               ///< inner CG iterations, all steps together
    Index hvp_count = 0;                   ///< curvature products
    bool converged = false;                ///< gradient tolerance met
    bool separable = false;                ///< a separating θ was found (certificate)
    bool diverging = false;  ///< ‖θ‖ kept growing without a certificate (λ₀ = 0)
    std::string message;     ///< the outcome in words
    double seconds = 0;      ///< wall time of the fit
    double hvp_seconds = 0;  ///< of which in curvature products
};

/// Minimizes R(θ) + λ₀/2‖θ‖² by Newton-CG from `start` (θ = 0 when null);
/// see this header's documentation. Uses the model's curvature setting
/// (Hessian or GGN) and leaves its curvature point at the returned θ.
/// Numerical outcomes (not converged, separable, line search failure) are
/// reported in the result, never thrown.
/// @throws UsageError for λ₀ < 0, a non-positive tolerance, or a start of
///         the wrong length.
RIDGELENS_API FitResult fit_newton_cg(Model& model, const FitOptions& options = {},
                                      const Vector* start = nullptr);

}  // namespace ridgelens
