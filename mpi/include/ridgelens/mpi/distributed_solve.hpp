#pragma once
/// @file distributed_solve.hpp
/// (H + λI)x = b by PETSc's KSP conjugate gradient.
///
/// Thread safety: collective over H's communicator (all ranks, same order, one
/// thread per process: PETSc is not thread-safe).

#include <petscmat.h>

#include "ridgelens/export.hpp"
#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/solve/solve_result.hpp"

namespace ridgelens::mpi {

/// Solves (H + λI)x = b with KSPCG on a shell operator x ↦ Hx + λx (H is
/// never copied), Jacobi-preconditioned with diag(H) + λ when `jacobi` (H
/// must then support MatGetDiagonal). Stops at ‖r‖ ≤ tolerance·‖b‖; the
/// residual is then recomputed with one more product and the status is
/// `converged` only if it is ≤ 10·tolerance. `x` receives the solution; the
/// returned SolveResult has solver SolverKind::petsc_cg and an empty `x`.
RIDGELENS_API SolveResult solve_shifted_cg(Mat hessian, double lambda, Vec b, Vec x,
                                           const CgOptions& options, bool jacobi);

/// (H + λI)x = b with KSPMINRES (unpreconditioned) on the same shell
/// operator, for an indefinite H + λI (the saddle point of the regularized
/// quadratic); the status as for solve_shifted_cg (never
/// not_positive_definite), solver SolverKind::petsc_minres. Collective.
RIDGELENS_API SolveResult solve_shifted_minres(Mat hessian, double lambda, Vec b, Vec x,
                                               const CgOptions& options);

/// ‖(H + λI)x − b‖ / ‖b‖ with one fresh product.
RIDGELENS_API double relative_residual(Mat hessian, double lambda, Vec x, Vec b);

}  // namespace ridgelens::mpi
