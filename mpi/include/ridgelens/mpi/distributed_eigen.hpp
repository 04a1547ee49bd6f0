#pragma once
/// @file distributed_eigen.hpp
/// Top-k and smallest eigenpairs of a distributed symmetric H by SLEPc.
///
/// Thread safety: collective over H's communicator (all ranks, same order, one
/// thread per process: PETSc and SLEPc are not thread-safe); the returned
/// Eigensolvers run collectively too.

#include <petscmat.h>

#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"

namespace ridgelens::mpi {

/// The top-k pairs: values, recomputed residuals and status in `pairs`
/// (pairs.vectors is left empty), the eigenvectors as distributed vectors.
struct DistributedEigenpairs {
    Eigenpairs pairs;
    std::vector<OwnedVec> vectors;  ///< q_j, orthonormal, one per converged pair
};

/// Top-k (largest real) eigenpairs of the symmetric `hessian` by SLEPc's
/// Krylov-Schur (EPSKRYLOVSCHUR, EPS_HEP). Settings from `options`: k = nev,
/// subspace = ncv (0: max(2k+1, k+20)), tolerance (SLEPc's relative
/// criterion), max_iterations = restarts. The start vector is seeded. Every
/// pair's residual ‖Hq_j − σ_j q_j‖ is recomputed with one fresh product;
/// a pair counts as converged when that residual ≤ 10·tolerance·|σ_1|.
RIDGELENS_API DistributedEigenpairs compute_top_eigenpairs(Mat hessian, const EigenOptions& options,
                                                           std::uint64_t seed = 1);

/// The smallest algebraic eigenvalue by Krylov-Schur (at most
/// options.max_steps products), as the PSD check of the single-machine
/// library (same fields and meaning; `scale` = σ_1).
RIDGELENS_API SmallestEigenvalue compute_smallest_eigenvalue(Mat hessian, double scale,
                                                             const PsdCheckOptions& options);

/// SLEPc's solvers above as the library's `Eigensolvers` (for `analyze` and
/// `compute_path`), for operators with `hessian`'s row layout (a
/// PartitionedOperator of it, or one wrapping it such as −H for the most
/// negative pairs); `hessian` must outlive the result. SLEPc multiplies by
/// the operator they are called with (a PETSc shell over its products,
/// counted in the results' matvecs): `top` returns the pairs with `vectors`
/// holding this rank's rows of each q_j, `smallest` the PSD check.
/// @throws UsageError for an operator of another layout.
RIDGELENS_API Eigensolvers slepc_eigensolvers(Mat hessian);

}  // namespace ridgelens::mpi
