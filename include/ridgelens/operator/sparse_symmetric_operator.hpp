#pragma once
/// @file sparse_symmetric_operator.hpp
/// The product with a sparse symmetric matrix stored with both triangles.

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// y = H·x for a symmetric `SparseMatrix` holding both triangles (as
/// `read_matrix_market` returns it). Because H is symmetric, its CSC arrays
/// are also its CSR arrays, so the product runs row-parallel with OpenMP and
/// without atomics. Holds a reference: the matrix must outlive the operator.
class SparseSymmetricOperator {
  public:
    using Scalar = double;

    /// @throws UsageError if the matrix is not square or not compressed.
    explicit SparseSymmetricOperator(const SparseMatrix& matrix);

    Index rows() const { return matrix_->rows(); }
    Index cols() const { return matrix_->cols(); }
    void perform_op(const double* x, double* y) const;

    const SparseMatrix& matrix() const { return *matrix_; }
    /// The diagonal of H (for Jacobi preconditioning).
    Vector diagonal() const;

  private:
    const SparseMatrix* matrix_;
};

}  // namespace ridgelens
