#pragma once
// The Jacobi (diagonal) preconditioner of every preconditioned CG in the
// library (private to lib/): the inverse of diag(H) + shift.

#include <optional>

#include "ridgelens/types.hpp"

namespace ridgelens::krylov {

/// 1/(diagonal[i] + shift) for every i; an entry that is not positive and
/// finite (a zero diagonal of a singular H with shift 0, an overflow) falls
/// back to 1, which leaves that row unpreconditioned.
Vector jacobi_inverse(const Vector& diagonal, double shift);

/// As above, or all ones (no preconditioning) when `diagonal` is absent.
Vector jacobi_inverse(const std::optional<Vector>& diagonal, double shift, Index n);

}  // namespace ridgelens::krylov
