#pragma once
// The one CG recurrence of the library (private to lib/): preconditioned CG on
// (H + shift·I)x = b from x = 0, in the style of Eigen's ConjugateGradient.h,
// with the stops every caller needs. solve_conjugate_gradient (the exact
// solve, lib/solve/conjugate_gradient.cpp) and truncated_cg (Newton's inner
// solve, krylov/truncated_cg.hpp) are thin layers over it. Multi-shift CG
// (krylov/multishift_cg.cpp) runs the same unpreconditioned recurrence for its
// seed in a loop of its own, because every seed step also feeds the deferred
// per-shift updates (its own unthreaded kernels, krylov/multishift_kernels.hpp).

#include <chrono>
#include <limits>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::krylov {

/// When the recurrence stops, besides convergence.
struct CgStops {
    double relative_tolerance = 1e-10;  ///< stop at ‖r‖ ≤ relative_tolerance·‖b‖
    Index max_iterations = 0;           ///< updates of x at most
    /// Checked before every product after the first (time_point::max(): never).
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    /// Steihaug's trust region ‖x‖ ≤ radius (Euclidean norm): a step that would
    /// leave it, or a direction of non-positive curvature, ends x on the
    /// boundary. Infinity: no trust region.
    double radius = std::numeric_limits<double>::infinity();
    /// Eigen's vector expressions (q += shift·p, pᵀq, r −= αq, ‖r‖, z = Mr, rᵀz,
    /// p = z + βp) instead of the fused kernels: the rounding Newton's inner CG
    /// has always had. The fits it feeds are compared with other tools to 1e-9
    /// relative (python/tests/test_selection.py), and the fused kernels' other
    /// summation order moved one such comparison by 1e-9.
    bool textbook_arithmetic = false;
};

/// Why the recurrence stopped.
enum class CgOutcome {
    converged,               ///< ‖r‖ ≤ relative_tolerance·‖b‖ (recurrence residual)
    iteration_cap,           ///< max_iterations updates taken
    out_of_time,             ///< the deadline passed
    non_finite_product,      ///< Hp had NaN or Inf (x is the last finite iterate)
    non_finite_curvature,    ///< pᵀ(H + shift·I)p overflowed
    non_positive_curvature,  ///< pᵀ(H + shift·I)p ≤ 0: H + shift·I is not positive definite
    non_finite_residual,     ///< the updated residual has NaN or Inf
    boundary,                ///< x reached the trust-region boundary ‖x‖ = radius
};

struct CgRun {
    Vector x;              ///< the iterate (on the boundary after `boundary`)
    Vector r;              ///< its recurrence residual b − (H + shift·I)x
    Index iterations = 0;  ///< updates of x (a boundary step counts as one)
    Index products = 0;    ///< products with H
    double b_norm = 0;     ///< ‖b‖ (summed over the processes)
    double curvature = 0;  ///< pᵀ(H + shift·I)p at the last product
    Vector direction;      ///< after non_positive_curvature: that p (else empty)
    CgOutcome outcome = CgOutcome::converged;
};

/// Runs preconditioned CG (M = diag(inverse_diagonal), all ones for none) from
/// x = 0. With a partitioned operator every sum is over the processes
/// (collective) and b, inverse_diagonal, x are this process's rows.
CgRun run_cg(OperatorRef op, double shift, const Vector& b, const Vector& inverse_diagonal,
             const CgStops& stops);

}  // namespace ridgelens::krylov
