#pragma once
/// @file distributed_matrix_market.hpp
/// A symmetric Matrix Market coordinate file as a row-distributed PETSc matrix.
///
/// Thread safety: collective over the communicator (all ranks, same order, one
/// thread per process: PETSc is not thread-safe).

#include <petscmat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/mpi/petsc_session.hpp"

namespace ridgelens::mpi {

/// What was read, with the matrix (MATMPIAIJ / MATSEQAIJ, both triangles
/// stored, MAT_SYMMETRIC set).
struct DistributedMatrixFile {
    OwnedMat matrix;
    std::int64_t n = 0;
    std::int64_t stored_entries = 0;    ///< entries in the file
    std::int64_t nonzeros = 0;          ///< stored nonzeros of the assembled matrix
    std::string field;                  ///< "real", "integer" or "pattern"
    std::string symmetry;               ///< "symmetric" or "general"
    double max_relative_asymmetry = 0;  ///< general files: max|a_ij − a_ji| / max|a_ij|
    std::vector<std::string> warnings;
};

/// Reads `path` on every rank of `comm`, each rank keeping only the entries
/// of its own block of rows (PETSc's default split of n): every rank streams
/// the file line by line, so no rank ever holds more than its rows plus one
/// line. Symmetric files store one triangle; the mirrored entry of every
/// off-diagonal one is inserted too. Duplicates are summed. A general file is
/// symmetrized as (A + Aᵀ)/2 when max|a_ij − a_ji| ≤ symmetry_tolerance ·
/// max|a_ij| (with a warning), and refused otherwise.
/// @throws InputError (file, line, field) for unreadable or malformed input.
RIDGELENS_API DistributedMatrixFile read_distributed_matrix_market(
    MPI_Comm comm, const std::string& path, double symmetry_tolerance = 1e-10);

}  // namespace ridgelens::mpi
