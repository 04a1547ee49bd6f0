#pragma once
/// @file network_training.hpp
/// Full-batch training of a non-convex model (a neural network) to a
/// documented stopping point, in three phases that all minimize
/// F(θ) = R(θ) + λ₀/2‖θ‖²:
///
/// 1. L-BFGS from the start (fast progress from far away);
/// 2. damped Newton-CG (Levenberg–Marquardt) on the generalized Gauss-Newton
///    matrix until ‖∇F‖ ≤ `ggn_gradient`;
/// 3. damped Newton-CG on the exact Hessian until ‖∇F‖ ≤
///    `newton.gradient_tolerance`: quadratic convergence near a minimizer,
///    where the GGN converges only linearly.
///
/// Each damped step solves (C + (λ₀+μ)I)d = −∇F by Jacobi-preconditioned CG
/// (the exact GGN diagonal) to the relative residual min(0.1, ‖∇F‖^½) and is
/// taken when F decreases; μ adapts to the ratio ρ of actual to predicted
/// decrease (÷3 when ρ > ¾, ×2 when ρ < ¼, ×4 and a new solve when CG meets
/// non-positive curvature of the Hessian), so μ → 0 near a minimizer and the
/// steps become Newton steps. (Measured on Fashion-MNIST: undamped Newton-CG
/// with a line search moved ‖∇F‖ from 4.0e-2 to 4.1e-2 in 15 GGN steps: the
/// CG steps along the smallest eigenvalues of C + λ₀I were long and were cut
/// back by the line search; the damping bounds them instead.)
///
/// `newton.max_iterations` caps the accepted steps of each Newton phase and
/// `newton.max_seconds` the whole training. The result says which phase
/// stopped and why. Whether θ̂ is a minimizer (no negative curvature of the
/// Hessian) is for the eigen step to show.
///
/// Thread safety: `train_network` moves the curvature point (and, for a
/// while, the curvature setting) of the model it is given: no other call on that
/// model meanwhile; distinct models are independent.

#include "ridgelens/export.hpp"
#include "ridgelens/model/newton_cg.hpp"

namespace ridgelens {

/// Settings of train_network.
struct NetworkTrainingOptions {
    /// λ₀, the gradient tolerance and the Newton-CG (second phase) settings;
    /// its `progress` is called for the Newton iterations.
    FitOptions newton;
    Index lbfgs_iterations = 300;  ///< first phase: L-BFGS iterations at most
    Index lbfgs_memory = 10;       ///< correction pairs kept
    /// Switch to Newton-CG once ‖∇F‖ is below this (0: only after the iterations).
    double switch_gradient = 0;
    /// Phase 2 (GGN) runs until ‖∇F‖ ≤ this; 0 skips it. The model's
    /// curvature setting is restored after training.
    double ggn_gradient = 1e-3;
    /// Called after every L-BFGS iteration when set (iteration, F, ‖∇F‖, step).
    std::function<void(const NewtonIteration&)> progress;
};

/// Trains from `start`; leaves the model's curvature setting as it was.
/// Numerical outcomes are reported in the result (`converged`, `message`:
/// both phases, iterations and ‖∇F‖), never thrown.
/// @throws UsageError for a start of the wrong length or invalid settings.
RIDGELENS_API FitResult train_network(Model& model, const NetworkTrainingOptions& options,
                                      const Vector& start);

}  // namespace ridgelens
