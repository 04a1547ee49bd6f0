#pragma once
/// @file dense_least_squares.hpp
/// Least squares R(θ) = ‖Xθ − y‖²/(2n) on dense data, with the explicit
/// Hessian H = XᵀX/n and the minimum-norm minimizer θ̂.
///
/// Thread safety: functions of their arguments; reentrant.

#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// The least-squares problem at its minimum-norm minimizer.
struct DenseLeastSquares {
    DenseMatrix hessian;                  ///< H = XᵀX/n (formed by BLAS syrk)
    Vector moment;                        ///< Xᵀy/n (so that Hθ̂ = Xᵀy/n)
    Vector theta;                         ///< minimum-norm minimizer θ̂ = H⁺Xᵀy/n
    Vector spectrum;                      ///< all eigenvalues of H, descending
    Index rank = 0;                       ///< eigenvalues above rank_threshold
    double rank_threshold = 0;            ///< p·ε·σ_max
    double normal_equation_residual = 0;  ///< ‖Hθ̂ − Xᵀy/n‖/‖Xᵀy/n‖, recomputed
    double null_space_component = 0;  ///< ‖P_null θ̂‖/‖θ̂‖ (0 for the minimum-norm θ̂)
    Index samples = 0;
    Index parameters = 0;
    std::string method;  ///< how θ̂ was obtained, in words
};

/// Forms H = XᵀX/n and Xᵀy/n, and θ̂ = H⁺Xᵀy/n through the full symmetric
/// eigendecomposition of H, discarding eigenvalues ≤ p·ε·σ_max as the null
/// space (so θ̂ has no component there: it is the minimum-norm minimizer).
/// Meant for p up to a few thousand parameters.
/// @throws UsageError if X and y disagree in length or X is empty.
RIDGELENS_API DenseLeastSquares fit_dense_least_squares(const DenseMatrix& features,
                                                        const Vector& targets);

/// Appends a column of ones (the intercept) to X.
RIDGELENS_API DenseMatrix with_intercept_column(const DenseMatrix& features);

/// Stores a dense symmetric matrix as a `SparseMatrix` with both triangles;
/// exact zeros off the diagonal are dropped, the diagonal is always stored
/// (so that a shift λI has a place in every column).
RIDGELENS_API SparseMatrix dense_symmetric_to_sparse(const DenseMatrix& matrix);

}  // namespace ridgelens
