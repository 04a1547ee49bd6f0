#pragma once
/// @file dense_shifted_solve.hpp
/// Every (H + λI)x = b of a λ grid from one eigendecomposition of a small,
/// explicit H.
///
/// Thread safety: reentrant. Up to order 500 the eigendecomposition runs on one
/// OpenBLAS thread by setting OpenBLAS's process-wide thread count for its
/// duration: BLAS calls on other threads meanwhile also run on one thread.

#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/solve/multishift_cg.hpp"

namespace ridgelens {

/// Solves (H + λ_i I)x_i = b for every shift from one eigendecomposition
/// H = QΣQᵀ of the dense symmetric `h` (LAPACK dsyevd: O(n³) once, n² doubles
/// more), then x_i = Q(Σ + λ_i I)⁻¹Qᵀb (O(n²) per shift). Meant for small n —
/// a model's explicit curvature (`Model::curvature_matrix`) or a small
/// explicit H — where one factorization serves the whole grid.
///
/// Evidence per shift: ‖(H + λI)x − b‖/‖b‖ recomputed with `h` itself (all
/// shifts in one matrix product); `converged` if it is at most `tolerance`,
/// else `not_converged` with the residual in the message. A shift with
/// σ_min + λ ≤ n·ε·max|σ| (indefinite, or singular to rounding) gets
/// `not_positive_definite` (x = 0, σ_min in the message);
/// an `h` with non-finite entries gives `non_finite` for every shift.
/// `iterations` and `matvecs` are 0 (no operator products), `seconds` is the
/// whole call; the solver name is "dense_eigendecomposition".
/// @throws UsageError if `h` is not square, `b` has the wrong length or a
///         shift is not finite.
/// `eigenvalues`, if given, receives every eigenvalue of H, descending (empty
/// if the eigendecomposition failed).
RIDGELENS_API MultiShiftResult solve_shifted_dense(const DenseMatrix& h,
                                                   const std::vector<double>& shifts,
                                                   const Vector& b, double tolerance = 1e-10,
                                                   Vector* eigenvalues = nullptr);

}  // namespace ridgelens
