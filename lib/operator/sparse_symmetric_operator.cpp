#include "ridgelens/operator/sparse_symmetric_operator.hpp"

#include "ridgelens/error.hpp"

namespace ridgelens {

SparseSymmetricOperator::SparseSymmetricOperator(const SparseMatrix& matrix) : matrix_(&matrix) {
    if (matrix.rows() != matrix.cols())
        throw UsageError("SparseSymmetricOperator: matrix is " + std::to_string(matrix.rows()) +
                         "x" + std::to_string(matrix.cols()) + ", not square");
    if (!matrix.isCompressed())
        throw UsageError("SparseSymmetricOperator: matrix must be compressed (makeCompressed())");
}

void SparseSymmetricOperator::perform_op(const double* x, double* y) const {
    // H is symmetric with both triangles stored: column j of the CSC arrays is
    // row j of H, so each y[j] is an independent dot product (no atomics).
    const Index n = matrix_->cols();
    const int* outer = matrix_->outerIndexPtr();
    const int* inner = matrix_->innerIndexPtr();
    const double* values = matrix_->valuePtr();
    const bool threaded = n > sparse_product_parallel_rows;
#pragma omp parallel for schedule(static) if (threaded)
    for (Index j = 0; j < n; ++j) {
        double sum = 0.0;
        for (int p = outer[j]; p < outer[j + 1]; ++p) sum += values[p] * x[inner[p]];
        y[j] = sum;
    }
}

Vector SparseSymmetricOperator::diagonal() const {
    return matrix_->diagonal();
}

}  // namespace ridgelens
