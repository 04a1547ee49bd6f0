#pragma once
/// @file distribute.hpp
/// Moving small replicated objects into and out of PETSc's row distribution
/// (defaults, references in tests, θ̂ given as a full vector).

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

}  // namespace ridgelens::mpi
