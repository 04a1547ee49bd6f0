#pragma once
/// @file solve_result.hpp
/// The result every linear solve returns: solution, evidence and status.

#include <string>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// Outcome of a solve. Numerical failures are a status, never an exception.
enum class SolveStatus {
    converged,              ///< residual at or below tolerance
    not_converged,          ///< iteration cap reached; `x` is the last iterate
    not_positive_definite,  ///< factorization or CG met a non-positive pivot/curvature
    non_finite,             ///< NaN or Inf appeared (operator output or iterate)
    singular,               ///< H + λI is singular (λ = −σ_j): not attempted
};

/// Returns "converged", "not_converged", "not_positive_definite", "non_finite"
/// or "singular".
const char* to_string(SolveStatus status);

/// A solution of (H + λI)x = b with the evidence for it.
struct SolveResult {
    Vector x;
    SolveStatus status = SolveStatus::not_converged;
    std::string solver;  ///< "cholmod", "cg", "multishift_cg", "deflated_multishift_cg" or "minres"
    double relative_residual = 0;  ///< ‖(H+λI)x − b‖/‖b‖, recomputed explicitly
    Index iterations = 0;          ///< CG iterations (refinement steps for a direct solve)
    double seconds = 0;            ///< wall time of this solve (factorization included)
    std::string message;           ///< human-readable outcome

    bool ok() const { return status == SolveStatus::converged; }
};

/// ‖(H + shift·I)x − b‖ / ‖b‖ with one fresh application of H (‖b‖ = 0 gives ‖(H+λI)x‖).
double relative_residual(OperatorRef op, double shift, const Vector& x, const Vector& b);

}  // namespace ridgelens
