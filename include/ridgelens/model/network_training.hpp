#pragma once
/// @file network_training.hpp
/// Full-batch training of a non-convex model (a neural network) to a
/// documented stopping point, in three phases that all minimize
/// F(θ) = R(θ) + λ₀/2‖θ‖²:
///
/// 1. L-BFGS from the start (fast progress from far away);
/// 2. optionally (`ggn_gradient` > 0) trust-region Newton-CG on the
///    generalized Gauss-Newton matrix until ‖∇F‖ ≤ `ggn_gradient`;
/// 3. trust-region Newton-CG on the exact Hessian until ‖∇F‖ ≤
///    `newton.gradient_tolerance`: quadratic convergence near a minimizer,
///    where the GGN converges only linearly.
///
/// Each trust-region step runs Steihaug–Toint truncated CG on the model
///   min q(d) = ∇Fᵀd + ½dᵀ(C + λ₀I)d  subject to ‖D^½d‖ ≤ Δ,
/// D = diag(GGN) + λ₀ (the preconditioner, as a norm), to the relative
/// residual min(0.1, ‖∇F‖^½), and when CG meets non-positive curvature of
/// the Hessian it follows that direction to the boundary instead of damping
/// it away. The step is taken when F decreases; the radius adapts to the ratio
/// ρ of actual to predicted decrease (¼‖d‖ when ρ < ¼, doubled when ρ > ¾ on
/// the boundary) and carries over from phase 2 to phase 3. (The damped
/// Levenberg–Marquardt steps used before, μ ×4 at negative curvature, took
/// tiny steps in the non-convex region. Measured on 2,000 Fashion-MNIST
/// images, 784-64-10 tanh, λ₀ = 1e-3: per CPU second the trust region lowers
/// F faster, and without the GGN phase faster still; neither reached 1e-5 in
/// the time the loaded machine gave. bench/README.md, "Network training".)
///
/// Once ‖∇F‖ ≤ the tolerance, Lanczos (at most `curvature_check_restarts`
/// thick restarts) looks for the most negative eigenvalue of H + λ₀I: if it
/// is below −`negative_curvature` the point is a saddle and the iteration
/// steps along that eigenvector (downhill, to the boundary) and goes on, so a
/// stationary start such as θ = 0 is left. `converged` means the tolerance
/// was met and no negative curvature was found; the message says whether the
/// check proved a minimizer (Lanczos converged) or only found none.
///
/// `newton.max_iterations` caps the steps tried (taken or rejected) of each
/// Newton phase and `newton.max_seconds` its time. The message states every
/// phase: steps, rejected steps, steps to the boundary and along negative
/// curvature, CG iterations, the stopping reason and ‖∇F‖.
///
/// Thread safety: `train_network` moves the curvature point (and, for a
/// while, the curvature setting) of the model it is given: no other call on that
/// model meanwhile; distinct models are independent.

#include "ridgelens/export.hpp"
#include "ridgelens/model/newton_cg.hpp"

namespace ridgelens {

/// Settings of train_network.
struct NetworkTrainingOptions {
    /// λ₀, the gradient tolerance and the Newton-CG (phases 2 and 3) settings;
    /// its `progress` is called after every step taken (`step_length` = ‖d‖,
    /// `negative_curvature` when the step followed it; `damping` is 0).
    FitOptions newton;
    Index lbfgs_iterations = 300;  ///< first phase: L-BFGS iterations at most
    Index lbfgs_memory = 10;       ///< correction pairs kept
    /// Switch to Newton-CG once ‖∇F‖ is below this (0: only after the iterations).
    double switch_gradient = 0;
    /// Phase 2 (GGN) runs until ‖∇F‖ ≤ this; 0 (the default) skips it. The
    /// model's curvature setting is restored after training. (Measured on
    /// 2,000 Fashion-MNIST images with 1e-3: 97 GGN steps lowered F by about
    /// 1e-5 each, the Hessian steps after them by about 1e-4 each.)
    double ggn_gradient = 0;
    /// Δ₀, the first trust-region radius in the norm ‖D^½d‖.
    double initial_radius = 1;
    /// Thick restarts of the Lanczos curvature check at the tolerance (0: no
    /// check; `converged` then rests on the gradient alone, said in the message).
    Index curvature_check_restarts = 5;
    /// A Ritz value of H + λ₀I below −this is negative curvature (a saddle).
    double negative_curvature = 1e-8;
    /// Called after every L-BFGS iteration when set (iteration, F, ‖∇F‖, step).
    std::function<void(const NewtonIteration&)> progress;
};

/// Trains from `start`; leaves the model's curvature setting as it was.
/// Numerical outcomes are reported in the result (`converged`, `message`:
/// every phase, its steps, stopping reason and ‖∇F‖), never thrown.
/// @throws UsageError for a start of the wrong length or invalid settings.
RIDGELENS_API FitResult train_network(Model& model, const NetworkTrainingOptions& options,
                                      const Vector& start);

}  // namespace ridgelens
