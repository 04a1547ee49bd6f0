// FeatureMatrix: construction, accessors and the dispatch of every product
// to its sparse (feature_matrix_sparse.cpp) or dense (feature_matrix_dense.cpp)
// kernel.

#include "ridgelens/model/feature_matrix.hpp"

#include <algorithm>
#include <string>

#include "ridgelens/error.hpp"

namespace ridgelens {

FeatureMatrix FeatureMatrix::sparse(SparseRowMatrix matrix, bool intercept) {
    matrix.makeCompressed();
    auto owned = std::make_shared<const SparseRowMatrix>(std::move(matrix));
    FeatureMatrix result = sparse_view(*owned, intercept);
    result.sparse_ = std::move(owned);
    return result;
}

FeatureMatrix FeatureMatrix::sparse_view(const SparseRowMatrix& matrix, bool intercept) {
    if (!matrix.isCompressed())
        throw UsageError("FeatureMatrix::sparse_view: the sparse matrix must be compressed");
    FeatureMatrix result;
    // Aliasing constructor with no owner: a non-owning, non-null pointer.
    result.sparse_ = std::shared_ptr<const SparseRowMatrix>(std::shared_ptr<void>(), &matrix);
    result.rows_ = matrix.rows();
    result.features_ = matrix.cols();
    result.intercept_ = intercept;
    return result;
}

FeatureMatrix FeatureMatrix::dense(DenseMatrix matrix, bool intercept) {
    auto owned = std::make_shared<const DenseMatrix>(std::move(matrix));
    FeatureMatrix result = dense_view(*owned, intercept);
    result.dense_owner_ = owned;
    return result;
}

FeatureMatrix FeatureMatrix::dense(RowMajorDenseMatrix matrix, bool intercept) {
    auto owned = std::make_shared<const RowMajorDenseMatrix>(std::move(matrix));
    FeatureMatrix result;
    result.dense_owner_ = owned;
    result.dense_ = owned->data();
    result.row_major_ = true;
    result.rows_ = owned->rows();
    result.features_ = owned->cols();
    result.intercept_ = intercept;
    return result;
}

FeatureMatrix FeatureMatrix::dense_view(const DenseMatrix& matrix, bool intercept) {
    FeatureMatrix result;
    result.dense_ = matrix.data();
    result.row_major_ = false;
    result.rows_ = matrix.rows();
    result.features_ = matrix.cols();
    result.intercept_ = intercept;
    return result;
}

Index FeatureMatrix::stored_entries() const {
    return sparse_ ? sparse_->nonZeros() : rows_ * features_;
}

Index FeatureMatrix::dense_block_rows() const {
    constexpr Index default_rows = 65536;
    const Index rows = block_rows_ > 0 ? block_rows_ : default_rows;
    return std::clamp<Index>(rows, 1, std::max<Index>(rows_, 1));
}

void FeatureMatrix::multiply(const double* w, Index outputs, double* z) const {
    if (sparse_)
        multiply_sparse(w, outputs, z);
    else
        multiply_dense(w, outputs, z, 0, rows_);
}

void FeatureMatrix::multiply_transpose(const double* a, Index outputs, double* g) const {
    if (sparse_)
        scatter_sparse(nullptr, outputs, nullptr, a, false, g);
    else
        multiply_transpose_dense(a, outputs, g, 0, rows_, false);
}

void FeatureMatrix::fused_product(const double* v, Index outputs, const RowTransform& transform,
                                  double* g) const {
    if (sparse_)
        scatter_sparse(v, outputs, &transform, nullptr, false, g);
    else
        fused_product_dense(v, outputs, transform, g);
}

void FeatureMatrix::weighted_square_sums(const double* w, Index outputs, double* g) const {
    if (sparse_)
        scatter_sparse(nullptr, outputs, nullptr, w, true, g);
    else
        weighted_square_sums_dense(w, outputs, g);
}

double FeatureMatrix::row_dot(Index sample, const double* v) const {
    double sum = intercept_ ? v[features_] : 0.0;
    if (sparse_) {
        for (SparseRowMatrix::InnerIterator it(*sparse_, sample); it; ++it)
            sum += it.value() * v[it.index()];
    } else if (row_major_) {
        const double* row = dense_ + sample * features_;
        for (Index j = 0; j < features_; ++j) sum += row[j] * v[j];
    } else {
        for (Index j = 0; j < features_; ++j) sum += dense_[sample + j * rows_] * v[j];
    }
    return sum;
}

double FeatureMatrix::row_squared_norm(Index sample) const {
    double sum = intercept_ ? 1.0 : 0.0;
    if (sparse_) {
        for (SparseRowMatrix::InnerIterator it(*sparse_, sample); it; ++it)
            sum += it.value() * it.value();
    } else {
        for (Index j = 0; j < features_; ++j) {
            const double value =
                row_major_ ? dense_[sample * features_ + j] : dense_[sample + j * rows_];
            sum += value * value;
        }
    }
    return sum;
}

void FeatureMatrix::add_row(Index sample, double alpha, double* y) const {
    if (intercept_) y[features_] += alpha;
    if (sparse_) {
        for (SparseRowMatrix::InnerIterator it(*sparse_, sample); it; ++it)
            y[it.index()] += alpha * it.value();
    } else if (row_major_) {
        const double* row = dense_ + sample * features_;
        for (Index j = 0; j < features_; ++j) y[j] += alpha * row[j];
    } else {
        for (Index j = 0; j < features_; ++j) y[j] += alpha * dense_[sample + j * rows_];
    }
}

DenseMatrix FeatureMatrix::to_dense() const {
    DenseMatrix result = DenseMatrix::Zero(rows_, cols());
    for (Index i = 0; i < rows_; ++i) {
        Vector row = Vector::Zero(cols());
        add_row(i, 1.0, row.data());
        result.row(i) = row.transpose();
    }
    return result;
}

}  // namespace ridgelens
