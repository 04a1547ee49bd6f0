#pragma once
// Truncated CG, the inner solve of Newton-CG and of the damped Newton of
// network training (private to lib/): the shared CG recurrence
// (krylov/conjugate_gradient_core.hpp) stopped early at a forcing tolerance,
// at non-positive curvature, at a deadline, or at a trust-region boundary.

#include <chrono>
#include <limits>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::krylov {

struct TruncatedCgOptions {
    double shift = 0;          ///< solves (H + shift·I)d = b
    double eta = 0.5;          ///< forcing term: stop at ‖r‖ ≤ η‖b‖
    Index max_iterations = 0;  ///< products with H at most
    /// Inverse of the Jacobi preconditioner (krylov::jacobi_inverse); empty: none.
    Vector inverse_diagonal;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    /// Trust-region radius Δ (Steihaug): ‖d‖ ≤ Δ in the Euclidean norm;
    /// infinity (the default) for none.
    double radius = std::numeric_limits<double>::infinity();
};

struct TruncatedCgResult {
    Vector step;      ///< d
    Vector residual;  ///< the recurrence residual b − (H + shift·I)d
    Index iterations = 0;
    Index products = 0;  ///< products with H
    /// pᵀ(H + shift·I)p ≤ 0 (or overflowed) for a direction p: without a trust
    /// region the step is the iterate so far, or b itself at the first
    /// direction; with one, the iterate continued along p to ‖d‖ = Δ.
    bool negative_curvature = false;
    /// At non-positive curvature: the direction p with pᵀ(H + shift·I)p ≤ 0.
    Vector direction;
    bool on_boundary = false;        ///< the step ended on ‖d‖ = Δ
    Index non_finite_iteration = 0;  ///< CG iteration whose product had NaN/Inf (0: none)
    bool out_of_time = false;        ///< stopped at the deadline
};

/// Truncated (preconditioned) CG on (H + shift·I)d = b from d = 0.
TruncatedCgResult truncated_cg(OperatorRef op, const Vector& b, const TruncatedCgOptions& options);

}  // namespace ridgelens::krylov
