#pragma once
/// @file distribute.hpp
/// Moving small replicated objects into and out of PETSc's row distribution
/// (defaults, references in tests, θ̂ given as a full vector).
///
/// Thread safety: every function is collective over the communicator of its
/// PETSc objects: all ranks call it in the same order, from one thread per
/// process (PETSc is not thread-safe).

#include <petscmat.h>

#include "ridgelens/export.hpp"
#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens::mpi {

/// A distributed AIJ copy of a matrix that every rank holds in full (both
/// triangles); each rank inserts only its own rows. For inputs that fit on one
/// node anyway (the Fashion-MNIST default, tests).
RIDGELENS_API OwnedMat distribute_matrix(MPI_Comm comm, const SparseMatrix& full);

/// A vector with the row layout of `layout` holding this rank's slice of `full`.
/// @throws UsageError if the lengths differ.
RIDGELENS_API OwnedVec distribute_vector(Mat layout, const Vector& full);

/// The whole of a distributed vector on every rank (an allgather).
RIDGELENS_API Vector gather_to_all(Vec v);

/// This rank's entries of a distributed vector (no communication).
RIDGELENS_API Vector local_part(Vec v);

/// The whole vector on every rank from each rank's rows of it (`local`, in
/// `layout`'s row distribution, as `analyze` returns θ̂_ridge on a
/// PartitionedOperator). Collective. @throws UsageError if the length differs.
RIDGELENS_API Vector gather_rows(Mat layout, const Vector& local);

/// This rank's rows of diag(H) (MatGetDiagonal: an explicit matrix), as
/// HessianProblem::diagonal of a PartitionedOperator wants them. Collective.
RIDGELENS_API Vector local_diagonal(Mat hessian);

}  // namespace ridgelens::mpi
