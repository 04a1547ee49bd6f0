#pragma once
/// @file feature_matrix.hpp
/// The samples × features matrix X of a linear model, sparse or dense, with
/// an optional implicit intercept column, and the multithreaded products the
/// models need (X·W, Xᵀ·A and a fused one-pass Xᵀ f(X·V)).
///
/// Layouts used by every product (C = number of outputs per sample: 1 for
/// least squares and binary logistic regression, the class count for softmax):
/// - parameters W, V and results G are `cols() × C`, column-major: output c's
///   weight vector is the contiguous block c (the intercept weight, when there
///   is one, is the last entry of each block);
/// - per-sample quantities Z, A are `C × rows()`, column-major ("sample
///   major"): sample i's C values are contiguous.
///
/// **Intercept.** With `intercept = true` the matrix behaves as [X 1]: a
/// trailing column of ones that is never stored. Its weight is an ordinary
/// parameter: the ridge penalty λ/2‖θ‖² of ridgelens covers *every*
/// parameter, the intercept included (it is shrunk like the other weights).
/// Scale the features before adding an intercept if the column of ones is
/// meant to stay unscaled.
///
/// Thread safety: a FeatureMatrix is immutable after construction except for
/// its tuning setters (`set_dense_block_rows`); its const products may be called
/// concurrently (each runs its own OpenMP team or BLAS call).

#include <functional>
#include <memory>

#include "ridgelens/export.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// Dense samples × features matrix stored row by row.
using RowMajorDenseMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Immutable samples × features matrix shared by copies (copying a
/// FeatureMatrix never copies the data). Holds either a compressed sparse
/// row matrix or a dense matrix (column- or row-major), owned or viewed.
class RIDGELENS_API FeatureMatrix {
  public:
    /// An empty 0 × 0 matrix (a placeholder to assign to).
    FeatureMatrix() = default;

    /// Takes ownership of a sparse row matrix (move it in to avoid a copy);
    /// it is compressed if it was not.
    static FeatureMatrix sparse(SparseRowMatrix matrix, bool intercept = false);
    /// Views a compressed sparse matrix owned by the caller, which must
    /// outlive every copy of the result. @throws UsageError if not compressed.
    static FeatureMatrix sparse_view(const SparseRowMatrix& matrix, bool intercept = false);
    /// Takes ownership of a column-major dense matrix (e.g.
    /// `std::move(images.pixels)` of load_fashion_mnist: no copy).
    static FeatureMatrix dense(DenseMatrix matrix, bool intercept = false);
    /// Takes ownership of a row-major dense matrix.
    static FeatureMatrix dense(RowMajorDenseMatrix matrix, bool intercept = false);
    /// Views a column-major dense matrix owned by the caller, which must
    /// outlive every copy of the result.
    static FeatureMatrix dense_view(const DenseMatrix& matrix, bool intercept = false);

    /// Number of samples n.
    Index rows() const { return rows_; }
    /// Number of stored feature columns p (the intercept not counted).
    Index features() const { return features_; }
    /// Number of columns of [X 1]: p + 1 with an intercept, else p.
    Index cols() const { return features_ + (intercept_ ? 1 : 0); }
    bool has_intercept() const { return intercept_; }
    bool is_sparse() const { return sparse_ != nullptr; }
    bool is_row_major() const { return sparse_ != nullptr || row_major_; }
    /// Stored entries of X: nonzeros when sparse, n·p when dense.
    Index stored_entries() const;

    /// Z = (X·W)ᵀ: `z` (C × n) receives the C scores of every sample;
    /// `w` is cols × C. One pass over X (BLAS-3 when dense).
    void multiply(const double* w, Index outputs, double* z) const;

    /// G = Xᵀ·Aᵀ: `g` (cols × C) receives Σ_i x_i a_iᵀ for `a` (C × n).
    /// Sparse data: one pass with per-thread accumulators; dense: BLAS-3.
    void multiply_transpose(const double* a, Index outputs, double* g) const;

    /// Per-sample map used by `fused_product`: receives the sample index i
    /// and u_i = x_iᵀV (C values) and writes a_i (C values). Called
    /// concurrently from several threads for different samples.
    using RowTransform = std::function<void(Index sample, const double* u, double* a)>;

    /// G = Σ_i x_i a_iᵀ with a_i = transform(i, x_iᵀV): the shape of every
    /// gradient and Hessian-vector product of a linear model. Sparse data:
    /// a single pass over the rows (x_iᵀV, transform, scatter into a
    /// per-thread accumulator, reduced at the end). Dense data: blocks of
    /// rows (see set_dense_block_rows), each through two BLAS products.
    ///
    /// Threads: OpenMP for the sparse kernels and the per-sample work, the
    /// BLAS library's own threads for dense products. Passes of fewer than
    /// about 10⁶ multiply-adds run on one thread (a team's start-up and
    /// barriers would cost more than they save).
    void fused_product(const double* v, Index outputs, const RowTransform& transform,
                       double* g) const;

    /// G[j, c] = Σ_i x_ij² · w[c, i] for `w` (C × n): diagonals of XᵀDX.
    void weighted_square_sums(const double* w, Index outputs, double* g) const;

    /// x_iᵀv for one sample (v of length cols(); intercept included).
    double row_dot(Index sample, const double* v) const;
    /// ‖x_i‖² for one sample (intercept included).
    double row_squared_norm(Index sample) const;
    /// y += alpha · x_i for one sample (y of length cols(); intercept included).
    void add_row(Index sample, double alpha, double* y) const;

    /// [X 1] as an explicit dense n × cols() matrix (for tests and small data).
    DenseMatrix to_dense() const;

    /// G = Σ_i w_i x̃_i x̃_iᵀ (cols() × cols(), x̃_i = [x_i; 1] with an
    /// intercept) for per-sample weights `w` (n values; all ones if null): the
    /// Gram matrix X̃ᵀWX̃ in one pass over X. Sparse data: Σ_i nnz_i²
    /// multiply-adds into per-thread dense accumulators, added in thread order;
    /// dense data: blocks of rows through matrix-matrix products.
    /// @throws UsageError if cols() exceeds `max_cols` (cols()² doubles).
    DenseMatrix weighted_gram(const double* w, Index max_cols = 5000) const;

    /// Rows per block of the dense fused product. 0 (the default): with
    /// several threads and C > 1, blocks small enough (m·n·k ≤ 2¹⁸) that
    /// OpenBLAS runs each product on the calling thread, spread over OpenMP
    /// threads with per-thread accumulators, so X is read from memory once;
    /// otherwise blocks of 65,536 rows (two whole-matrix BLAS products for
    /// Fashion-MNIST). A positive value forces sequential blocks of that
    /// many rows, each product threaded by BLAS. For tuning and benchmarks.
    void set_dense_block_rows(Index rows) { block_rows_ = rows; }
    Index dense_block_rows() const;

  private:
    std::shared_ptr<const SparseRowMatrix> sparse_;
    std::shared_ptr<const void> dense_owner_;
    const double* dense_ = nullptr;
    bool row_major_ = false;
    Index rows_ = 0;
    Index features_ = 0;
    bool intercept_ = false;
    Index block_rows_ = 0;

    void multiply_sparse(const double* w, Index outputs, double* z) const;
    void multiply_dense(const double* w, Index outputs, double* z, Index first, Index count) const;
    void multiply_transpose_dense(const double* a, Index outputs, double* g, Index first,
                                  Index count, bool accumulate) const;
    void scatter_sparse(const double* v, Index outputs, const RowTransform* transform,
                        const double* a, bool square_values, double* g) const;
    void fused_product_dense(const double* v, Index outputs, const RowTransform& transform,
                             double* g) const;
    void fused_product_dense_threaded(const double* v, Index outputs, const RowTransform& transform,
                                      double* g, Index block) const;
    void weighted_square_sums_dense(const double* w, Index outputs, double* g) const;
};

}  // namespace ridgelens
