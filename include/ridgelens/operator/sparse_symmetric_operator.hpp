#pragma once
/// @file sparse_symmetric_operator.hpp
/// The product with a sparse symmetric matrix, from one stored triangle.

#include <memory>

#include "ridgelens/export.hpp"
#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// y = H·x for a sparse symmetric H, given as a `SparseMatrix` holding both
/// triangles (as `read_matrix_market` returns it).
///
/// The operator keeps its own copy of one triangle: the diagonal as a vector
/// and the strictly upper triangle as CSR (the same arrays as the strictly
/// lower triangle in CSC). Row i adds a_ij·x_j into y_i and mirrors a_ij·x_i
/// into y_j (j > i), so each off-diagonal entry is read once instead of twice:
/// 12 bytes per stored entry for (nnz − n)/2 entries instead of nnz.
/// It is faster than the full-CSR product (bench/README.md, "Kernels", the
/// storage decision; the comparison is kept in bench/full_csr_product.hpp).
/// The copy costs 6·(nnz/n − 1) + 12 bytes per row.
///
/// The product runs on the OpenMP threads from 20,000 rows up, the one
/// threshold of every threaded vector kernel of the library (the Lanczos and
/// CG kernels too), so that a solver loop is threaded as a whole or not at
/// all (bench/README.md, "Threading threshold of the sparse product").
///
/// Threaded, the rows are split into one
/// contiguous block per OpenMP thread, balanced by stored entries. A mirrored
/// update that lands in a later thread's block goes into the thread's private
/// spill buffer, which the owner of those rows adds after a barrier, so no
/// atomics are needed. The result is bitwise reproducible for a given thread
/// count; different thread counts round differently (the spills are summed
/// in a different order), within a few ulps per entry.
///
/// `perform_op` may be called from several threads at once: the spill buffers
/// are used by one call at a time, and a concurrent call (or a call inside an
/// OpenMP parallel region) takes the serial path.
class RIDGELENS_API SparseSymmetricOperator {
  public:
    using Scalar = double;

    /// Copies one triangle of `matrix` (the caller may drop the matrix after).
    /// @throws UsageError if the matrix is not square, not compressed, or not
    ///         structurally symmetric (a different number of entries above and
    ///         below the diagonal, such as one triangle only).
    explicit SparseSymmetricOperator(const SparseMatrix& matrix);
    ~SparseSymmetricOperator();
    SparseSymmetricOperator(SparseSymmetricOperator&&) noexcept;
    SparseSymmetricOperator& operator=(SparseSymmetricOperator&&) noexcept;

    Index rows() const { return diagonal_.size(); }
    Index cols() const { return diagonal_.size(); }
    void perform_op(const double* x, double* y) const;

    /// The diagonal of H (for Jacobi preconditioning).
    const Vector& diagonal() const { return diagonal_; }
    /// The strictly upper triangle of H in CSR, as the strictly lower
    /// triangle in CSC (`SparseMatrix` is column-major).
    const SparseMatrix& strict_lower_triangle() const { return strict_lower_; }
    /// Entries of H stored by the caller's full matrix (both triangles).
    Index full_nonzeros() const;

  private:
    struct Workspace;
    Vector diagonal_;
    SparseMatrix strict_lower_;
    Index diagonal_entries_ = 0;
    std::unique_ptr<Workspace> workspace_;
};

}  // namespace ridgelens
