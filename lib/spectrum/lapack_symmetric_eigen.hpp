#pragma once
// All eigenvalues (and optionally eigenvectors) of a dense symmetric matrix by
// LAPACK's divide-and-conquer dsyevd. OpenBLAS (the BLAS the library links,
// BLA_VENDOR=OpenBLAS) bundles LAPACK, so no extra library is needed.

#include <string>

#include "ridgelens/types.hpp"

namespace ridgelens::detail {

/// Eigenvalues of the symmetric `a` (its lower triangle is read) into
/// `values`, ascending. With `vectors`, `a` is overwritten by the orthonormal
/// eigenvectors (column j belongs to values[j]); otherwise it is destroyed.
/// Returns an empty string on success, else why it failed (non-finite
/// entries, a failed workspace query, no convergence).
std::string lapack_symmetric_eigen(DenseMatrix& a, bool vectors, Vector& values);

}  // namespace ridgelens::detail
