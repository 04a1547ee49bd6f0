#pragma once
/// @file network_training.hpp
/// Full-batch training of a non-convex model (a neural network) to a
/// documented stopping point: L-BFGS from a seeded start, then Newton-CG
/// (fit_newton_cg: truncated CG that stops at non-positive curvature, Armijo
/// backtracking) on the exact Hessian by default, or on the generalized
/// Gauss-Newton matrix.
///
/// Both phases minimize F(θ) = R(θ) + λ₀/2‖θ‖² and stop at ‖∇F‖ ≤
/// `newton.gradient_tolerance`. L-BFGS makes fast progress from far away;
/// Newton steps converge fast near a minimizer, where L-BFGS crawls. Measured
/// on a small cross-entropy network: Newton on the GGN converges only
/// linearly there (the GGN is not the Hessian unless the residuals vanish)
/// and missed 1e-9 after 100 steps, which the Hessian reaches in a few.
/// The result says which phase stopped and why. Whether θ̂ is a minimizer
/// (no negative curvature of the *Hessian*) is for the eigen step to show.

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
    /// Curvature of the Newton phase (the model's setting is restored after).
    Curvature newton_curvature = Curvature::hessian;
    /// Called after every L-BFGS iteration when set (iteration, F, ‖∇F‖, step).
    std::function<void(const NewtonIteration&)> progress;
};

/// Trains from `start`; leaves the model's curvature setting as it was.
/// Numerical outcomes are reported in the result (`converged`, `message`:
/// both phases, iterations and ‖∇F‖), never thrown.
/// @throws UsageError for a start of the wrong length or invalid settings.
FitResult train_network(Model& model, const NetworkTrainingOptions& options, const Vector& start);

}  // namespace ridgelens
