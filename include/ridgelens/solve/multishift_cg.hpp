#pragma once
/// @file multishift_cg.hpp
/// Multi-shift conjugate gradient: (H + λ_i I)x_i = b for a whole grid of λ
/// in one Krylov run (K_m(H + λI, b) = K_m(H, b) for every λ).
///
/// Thread safety: reentrant under the operator rule of linear_operator.hpp;
/// with a partitioned operator, collective over its ranks.

#include <cstdint>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/solve/solve_result.hpp"

namespace ridgelens {

/// Settings of multi-shift CG.
struct MultiShiftCgOptions {
    double tolerance =
        1e-10;  ///< per-shift stop: ‖r_i‖/‖b‖ ≤ tolerance (recurrence), then verified
    Index max_iterations = 0;  ///< 0 means 10·n, at most 100,000
    bool verify_residuals =
        true;  ///< recompute every final residual explicitly (one matvec per shift)
    /// Steps between the updates of the per-shift vectors x_i, p_i (at most 32);
    /// each step of deferral keeps one more seed residual in memory. 0 picks
    /// min(2·(distinct shifts − 1), 32); 1 updates every shift at every step.
    int update_interval = 0;
};

/// Solutions for every shift, in the order given, with their evidence.
struct MultiShiftResult {
    std::vector<SolveResult> solutions;  ///< one per shift; solver "multishift_cg"
    Index iterations = 0;                ///< Krylov iterations of the whole run
    std::int64_t matvecs = 0;            ///< operator applications, verification included
    double seconds = 0;
};

/// Solves (H + shifts[i]·I)x_i = b for every shift by one unpreconditioned
/// CG run on the seed system with the smallest shift σ: one application of H
/// per iteration; every other shift follows through the collinear residuals
/// r_i = ζ_i·r_seed (shifted-CG recurrences) and is frozen once
/// ζ_i·‖r_seed‖/‖b‖ ≤ tolerance. The per-shift vector updates are deferred and
/// applied every `update_interval` steps as one cache-blocked small matrix
/// product (window of seed residuals times the recurrence coefficients), which
/// cuts their memory traffic by that factor without changing the arithmetic.
///
/// Memory: x_i and p_i per distinct shift (x only for the seed), `update_interval`
/// residuals and three seed vectors, plus the returned solutions.
///
/// Shifts may come in any order and repeat; results come back in the given
/// order, and a repeated shift shares one solve (identical x, one
/// verification). Per solution: `iterations` is the iteration (counted over the
/// whole call) at which that shift froze, `seconds` the time of the whole call,
/// `relative_residual` the explicitly recomputed ‖(H+λI)x − b‖/‖b‖ (the
/// recurrence estimate when `verify_residuals` is off, as the message says).
/// `converged` requires the recurrence to meet the tolerance and the recomputed
/// residual to meet max(10·tolerance, 1e-14·‖H+λI‖·‖x‖/‖b‖), the second term
/// being the accuracy floor of any computed x (‖H+λI‖ estimated from the seeds'
/// Rayleigh quotients); a miss is `not_converged` with both numbers in the message.
///
/// Seed breakdown: when the seed meets pᵀ(H+σI)p ≤ 0 (H + σI is not positive
/// definite), every shift λ not yet frozen with pᵀ(H+λI)p ≤ 0 for that same p is
/// `not_positive_definite` (the direction proves it; its x is the last iterate);
/// the remaining shifts are solved by a new run from x = 0 seeded by the smallest
/// of them ("restarted at iteration k" in their message), and so on until every
/// shift is settled. Frozen shifts keep their verified results.
/// Other outcomes, for every shift not yet frozen when the run stopped:
/// `not_converged` at the iteration cap (`max_iterations` bounds the iterations
/// of all runs together), `non_finite` when the operator's output contains NaN
/// or Inf (the message names the first such row and the iteration; x is the
/// last finite iterate) or pᵀHp overflows. A right-hand side b with NaN or Inf
/// (typically H·θ̂ from an operator that overflowed or returned NaN) makes every
/// shift `non_finite` with the first such row named, x = 0, and no iteration.
/// Matvecs: iterations + one per distinct shift when verifying + one for the
/// step that stopped a run early (breakdown, non-finite output); b = 0 gives
/// x = 0, converged, without applying H.
/// With a partitioned operator (`RowPartition`), b and every x are this
/// process's rows and every inner product is summed over the processes
/// (collective); the results are those of the whole system.
/// @throws UsageError for an empty grid, a negative or non-finite shift, a wrong
///         length of b, tolerance ≤ 0, max_iterations < 0 or
///         update_interval outside [0, 32].
/// @throws ResourceError (on every process) if the vectors would not fit in the
///         memory budget (memory_budget_bytes(): MemAvailable or RIDGELENS_MEMORY_LIMIT).
RIDGELENS_API MultiShiftResult solve_multishift_cg(OperatorRef op,
                                                   const std::vector<double>& shifts,
                                                   const Vector& b,
                                                   const MultiShiftCgOptions& options = {});

}  // namespace ridgelens
