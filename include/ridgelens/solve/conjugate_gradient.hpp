#pragma once
/// @file conjugate_gradient.hpp
/// Preconditioned conjugate gradient for (H + λI)x = b with a matrix-free H.
///
/// Thread safety: reentrant; concurrent calls that share an operator need an
/// operator whose `perform_op` allows it (linear_operator.hpp).

#include <optional>

#include "ridgelens/export.hpp"
#include "ridgelens/solve/solve_result.hpp"

namespace ridgelens {

/// Settings of conjugate gradient.
struct CgOptions {
    double tolerance = 1e-10;  ///< stop when ‖r‖/‖b‖ ≤ tolerance (recurrence), then verified
    Index max_iterations = 0;  ///< 0 means 10·n, at most 100,000
};

/// Solves (H + shift·I)x = b by CG, Jacobi-preconditioned when `diagonal`
/// (the diagonal of H) is given. The final residual is recomputed with one
/// more application of H; `status` is `converged` only when that recomputed
/// residual meets 10·tolerance (the recurrence may drift from the truth).
/// With a partitioned operator (`RowPartition`), b, `diagonal` and x are this
/// process's rows and every inner product is summed over the processes
/// (collective: every process calls it together).
/// @throws UsageError if b's length differs from the operator's, or shift < 0.
RIDGELENS_API SolveResult solve_conjugate_gradient(
    OperatorRef op, double shift, const Vector& b,
    const std::optional<Vector>& diagonal = std::nullopt, const CgOptions& options = {});

}  // namespace ridgelens
