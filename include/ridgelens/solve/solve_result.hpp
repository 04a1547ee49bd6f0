#pragma once
/// @file solve_result.hpp
/// The result every linear solve returns: solution, evidence and status.
///
/// Thread safety: value types and pure functions; reentrant.

#include <string>

#include "ridgelens/export.hpp"
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
RIDGELENS_API const char* to_string(SolveStatus status);

/// Which solver computed a solution (SolveResult::solver), or the λ of an
/// analysis or a path (AnalysisResult::solver, PathResult::solver). The JSON
/// reports write `to_string` of it under "solver".
enum class SolverKind {
    none,                      ///< "none": nothing solved (H + λI singular at this λ)
    cholmod,                   ///< "cholmod": sparse Cholesky, one factorization per λ
    cg,                        ///< "cg": Jacobi-preconditioned conjugate gradient, λ by λ
    multishift_cg,             ///< "multishift_cg": one multi-shift CG run for every λ
    deflated_multishift_cg,    ///< "deflated_multishift_cg": the same, deflated by the top-k pairs
    dense_eigendecomposition,  ///< "dense_eigendecomposition": one eigendecomposition of the dense
                               ///< H
    minres,                    ///< "minres": MINRES, for an indefinite H + λI (a saddle point)
    petsc_cg,                  ///< "petsc_cg": PETSc KSP conjugate gradient (ridgelens::mpi)
    petsc_minres,  ///< "petsc_minres": PETSc KSP MINRES, H + λI indefinite (ridgelens::mpi)
};

/// Returns the name in quotes above ("cholmod", "deflated_multishift_cg", …).
RIDGELENS_API const char* to_string(SolverKind solver);

/// A solution of (H + λI)x = b with the evidence for it.
struct SolveResult {
    Vector x;
    SolveStatus status = SolveStatus::not_converged;
    SolverKind solver = SolverKind::none;  ///< which solver computed x
    double relative_residual = 0;          ///< ‖(H+λI)x − b‖/‖b‖, recomputed explicitly
    Index iterations = 0;                  ///< CG iterations (refinement steps for a direct solve)
    double seconds = 0;                    ///< wall time of this solve (factorization included)
    std::string message;                   ///< human-readable outcome

    bool ok() const { return status == SolveStatus::converged; }
};

/// ‖(H + shift·I)x − b‖ / ‖b‖ with one fresh application of H (‖b‖ = 0 gives ‖(H+λI)x‖).
RIDGELENS_API double relative_residual(OperatorRef op, double shift, const Vector& x,
                                       const Vector& b);

}  // namespace ridgelens
