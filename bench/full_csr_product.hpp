#pragma once
// y = H·x from both stored triangles of a symmetric H: the loser of the
// storage comparison (bench/README.md, "Kernels"), kept as a benchmark
// against the library's one-triangle SparseSymmetricOperator. Because H is
// symmetric, its CSC arrays are also its CSR arrays, so each y_i is an
// independent dot product and the rows split across OpenMP threads with no
// atomics and no spill pass. It reads every off-diagonal entry twice (about
// 1.75× the matrix bytes of one triangle at 7 entries per row), but its
// result does not depend on the thread count.

#include "parallel/threading.hpp"  // lib/: the library's threading threshold
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens::bench {

class FullCsrOperator {
  public:
    using Scalar = double;

    /// Holds a reference: `full` (both triangles, compressed) must outlive it.
    explicit FullCsrOperator(const SparseMatrix& full) : matrix_(&full) {}

    Index rows() const { return matrix_->rows(); }
    Index cols() const { return matrix_->cols(); }

    void perform_op(const double* x, double* y) const {
        const Index n = matrix_->cols();
        const int* outer = matrix_->outerIndexPtr();
        const int* inner = matrix_->innerIndexPtr();
        const double* values = matrix_->valuePtr();
        const bool threaded = detail::threads_pay_off(n);
#pragma omp parallel for schedule(static) if (threaded)
        for (Index j = 0; j < n; ++j) {
            double sum = 0.0;
            for (int p = outer[j]; p < outer[j + 1]; ++p) sum += values[p] * x[inner[p]];
            y[j] = sum;
        }
    }

  private:
    const SparseMatrix* matrix_;
};

}  // namespace ridgelens::bench
