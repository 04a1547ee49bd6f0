#pragma once
/// @file network_training.hpp
/// Full-batch training of a non-convex model (a neural network) to a
/// documented stopping point, in three phases that all minimize
/// F(θ) = R(θ) + λ₀/2‖θ‖²:
///
/// 1. L-BFGS from the start (fast progress from far away);
/// 2. Newton-CG (fit_newton_cg) on the generalized Gauss-Newton matrix until
///    ‖∇F‖ ≤ `ggn_gradient`: the GGN is PSD, so the inner CG runs to its
///    forcing tolerance and every step is a descent direction;
/// 3. Newton-CG on the exact Hessian (truncated CG that stops at non-positive
///    curvature) until ‖∇F‖ ≤ `newton.gradient_tolerance`: quadratic
///    convergence near a minimizer, where the GGN converges only linearly
///    (it is not the Hessian unless the residuals vanish; measured on a small
///    cross-entropy network: 100 GGN steps missed 1e-9, the Hessian needed a
///    few). Far from a minimizer the Hessian phase alone stalled (15 steps on
///    a 784-64-10 network made ‖∇F‖ worse), hence phase 2.
///
/// `newton.max_iterations` caps each Newton phase. The result says which
/// phase stopped and why. Whether θ̂ is a minimizer (no negative curvature of
/// the Hessian) is for the eigen step to show.

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
FitResult train_network(Model& model, const NetworkTrainingOptions& options, const Vector& start);

}  // namespace ridgelens
