#pragma once
/// @file sparse_symmetric_operator.hpp
/// The product with a sparse symmetric matrix stored with both triangles.

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// The product runs on the OpenMP threads for matrices with more than this
/// many rows: the same threshold as the Lanczos and CG vector kernels, so that
/// a solver loop is threaded as a whole or not at all. A product alone gains
/// from 2 threads from ≈ 10,000 nonzeros (1.9× on bcsstk16 in a tight loop),
/// but inside a loop whose vector work is serial the idle worker is slow to
/// wake for each product: top-10 of bcsstk09 took 100 ms instead of 8 ms and
/// CG on 4elt 146 ms instead of 16 ms (bench/README.md, "Threading threshold
/// of the sparse product").
inline constexpr Index sparse_product_parallel_rows = 20000;

/// y = H·x for a symmetric `SparseMatrix` holding both triangles (as
/// `read_matrix_market` returns it). Because H is symmetric, its CSC arrays
/// are also its CSR arrays, so the product runs row-parallel with OpenMP and
/// without atomics, above `sparse_product_parallel_rows` rows. Storing one
/// triangle reads about 43% fewer matrix bytes (4 of 7 entries per row of a
/// 7-point stencil). Measured with two threads at 2.1 M rows (bench_kernels:
/// BM_sparse_full_csr vs BM_sparse_one_triangle, bench/README.md): the full
/// storage was faster on the contended machine (25.1 vs 28.0 ms, mirrored
/// updates serialize on thread boundaries), the one-triangle product on the
/// idle machine (5.5 vs 6.9 ms). The full storage is kept for now: it needs
/// no copy of the caller's matrix.
/// Holds a reference: the matrix must outlive the operator.
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
