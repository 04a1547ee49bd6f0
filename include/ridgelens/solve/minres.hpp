#pragma once
/// @file minres.hpp
/// MINRES (Paige & Saunders) for symmetric, possibly indefinite shifted
/// systems (H + λ_i I)x_i = b, every shift from one Lanczos run.
///
/// Thread safety: reentrant under the operator rule of linear_operator.hpp.

#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/solve/multishift_cg.hpp"

namespace ridgelens {

/// Settings of MINRES.
struct MinresOptions {
    double tolerance = 1e-10;  ///< per-shift stop: ‖(H+λI)x − b‖/‖b‖ ≤ tolerance
    Index max_iterations =
        0;  ///< Lanczos steps of all runs together; 0 means 10·n, at most 100,000
    /// Restarts from the recomputed residual for a shift whose recurrence met
    /// the tolerance but whose recomputed residual did not (rounding drift).
    int max_refinements = 2;
};

/// Solves (H + shifts[i]·I)x_i = b for every shift by MINRES. H only needs to
/// be symmetric: H + λI may be indefinite (a saddle of the regularized
/// quadratic model), as long as it is nonsingular.
///
/// The Lanczos basis of K_m(H, b) is shared by every shift (it does not
/// depend on λ): one product with H per step, then per shift one QR update of
/// the shifted tridiagonal by Givens rotations and three vectors (x_i and two
/// search directions). A shift freezes once its MINRES residual estimate
/// |φ̄|/‖b‖ ≤ tolerance; the run stops when all are frozen, at the iteration
/// cap, or when the Krylov space becomes invariant.
///
/// Evidence per shift: `relative_residual` is ‖(H+λI)x − b‖/‖b‖ recomputed
/// with one fresh product; where it misses the tolerance although the
/// estimate met it, MINRES restarts on that residual (at most
/// `max_refinements` times). Status per shift: `converged` (recomputed
/// residual ≤ tolerance), `not_converged` (cap reached or the residual
/// stagnates: H + λI singular or nearly so, the message says which),
/// `non_finite` (the operator returned NaN or Inf). The solver name is
/// "minres"; `iterations` is the Lanczos step at which the shift froze
/// (refinements added), `seconds` the whole call. b = 0 gives x = 0.
///
/// Memory: 3 Lanczos vectors plus x_i and two directions per shift.
/// With a partitioned operator (`RowPartition`) b and every x are this
/// process's rows and every inner product is summed over the processes
/// (collective).
/// @throws UsageError for an empty list of shifts, a non-finite shift, a wrong
///         length of b, NaN/Inf in b, tolerance not in (0, 1) or
///         max_iterations < 0.
/// @throws ResourceError if the vectors would not fit in the memory budget.
RIDGELENS_API MultiShiftResult solve_minres(OperatorRef op, const std::vector<double>& shifts,
                                            const Vector& b, const MinresOptions& options = {});

/// One shift: (H + shift·I)x = b by MINRES (see the multi-shift form).
RIDGELENS_API SolveResult solve_minres(OperatorRef op, double shift, const Vector& b,
                                       const MinresOptions& options = {});

}  // namespace ridgelens
