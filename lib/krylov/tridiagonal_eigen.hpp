#pragma once
// The eigensolver of the Krylov layer for symmetric tridiagonal matrices (the
// Jacobi matrices of the Lanczos runs: the PSD check and the Gauss and
// Gauss–Radau rules of stochastic Lanczos quadrature).

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::krylov {

/// Which rows of the eigenvector matrix Z (T = Z·diag(values)·Zᵀ) to return.
/// A row costs O(s) per plane rotation, so one row keeps the whole solve O(s²);
/// `all` is the full O(s³) eigendecomposition.
enum class TridiagonalRows {
    none,
    first,  ///< e_1ᵀZ: the Gauss quadrature weights (Golub & Welsch)
    last,   ///< e_sᵀZ: the Lanczos residual estimates β_s·|z_sl|
    all,
};

struct TridiagonalEigen {
    Vector values;      ///< ascending
    DenseMatrix rows;   ///< the wanted rows of Z (1 × s, or s × s for `all`; 0 × s for none),
                        ///< column l belonging to values[l]
    bool qr_converged;  ///< false: the QL iteration stalled and Eigen's solver answered instead
};

/// Eigenvalues (and the wanted rows of the eigenvectors) of the s × s symmetric
/// tridiagonal matrix with diagonal d[0..s) and off-diagonal e[0..s−1) (e[i]
/// couples i and i+1), by the implicit QL algorithm with Wilkinson shifts. If an
/// eigenvalue needs more than 60 iterations, Eigen's tridiagonal QR answers.
TridiagonalEigen tridiagonal_eigen(const double* d, const double* e, Index s,
                                   TridiagonalRows wanted);

}  // namespace ridgelens::krylov
