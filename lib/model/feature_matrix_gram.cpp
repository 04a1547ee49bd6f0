// FeatureMatrix::weighted_gram: the explicit Gram matrix X̃ᵀWX̃ of the
// features, for models small enough to form their curvature.

#include <omp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "parallel/first_exception.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/feature_matrix.hpp"

namespace ridgelens {
namespace {

// Multiply-adds (Σ_i nnz_i²) from which the sparse Gram matrix is threaded.
constexpr Index gram_parallel_work = Index{1} << 25;

// Rows [begin, end) of a sparse X: g (cols × cols, column-major) +=
// Σ_i w_i x̃_i x̃_iᵀ, with the intercept as the last column when `intercept`.
void add_sparse_outer_products(const SparseRowMatrix& x, const double* w, Index begin, Index end,
                               bool intercept, double* g, Index cols) {
    const int* outer = x.outerIndexPtr();
    const int* inner = x.innerIndexPtr();
    const double* values = x.valuePtr();
    const Index last = cols - 1;
    for (Index i = begin; i < end; ++i) {
        const double weight = w != nullptr ? w[i] : 1.0;
        for (int a = outer[i]; a < outer[i + 1]; ++a) {
            const double scaled = weight * values[a];
            double* column = g + Index{inner[a]} * cols;
            for (int b = outer[i]; b < outer[i + 1]; ++b) column[inner[b]] += scaled * values[b];
            if (intercept) {
                column[last] += scaled;
                g[last * cols + inner[a]] += scaled;
            }
        }
        if (intercept) g[last * cols + last] += weight;
    }
}

}  // namespace

DenseMatrix FeatureMatrix::weighted_gram(const double* w, Index max_cols) const {
    const Index p = cols();
    if (p > max_cols)
        throw UsageError("FeatureMatrix::weighted_gram: " + std::to_string(p) +
                         " columns exceed the limit of " + std::to_string(max_cols) + " (" +
                         std::to_string(p) + "² doubles)");
    DenseMatrix g = DenseMatrix::Zero(p, p);
    if (sparse_) {
        // One dense accumulator per thread, where they fit in 256 MB together.
        const double bytes = 8.0 * static_cast<double>(p) * static_cast<double>(p);
        Index work = 0;
        for (Index i = 0; i < rows_; ++i) {
            const Index count = sparse_->outerIndexPtr()[i + 1] - sparse_->outerIndexPtr()[i];
            work += count * count;
        }
        // Threads only for large passes (bench/README.md, "Design measurements": Gram matrix
        // threads).
        const int threads = work >= gram_parallel_work
                                ? std::clamp(static_cast<int>(256e6 / std::max(bytes, 1.0)), 1,
                                             omp_get_max_threads())
                                : 1;
        if (threads <= 1) {
            add_sparse_outer_products(*sparse_, w, 0, rows_, intercept_, g.data(), p);
            return g;
        }
        std::vector<DenseMatrix> partial(static_cast<std::size_t>(threads));
        parallel::FirstException errors;  // each thread allocates a p × p block
#pragma omp parallel num_threads(threads)
        {
            const int t = omp_get_thread_num();
            const int team = omp_get_num_threads();
            errors.run([&] {
                DenseMatrix& mine = partial[static_cast<std::size_t>(t)];
                mine = DenseMatrix::Zero(p, p);
                add_sparse_outer_products(*sparse_, w, rows_ * t / team, rows_ * (t + 1) / team,
                                          intercept_, mine.data(), p);
            });
        }
        errors.rethrow();
        for (const DenseMatrix& part : partial)
            if (part.size() != 0) g += part;
        return g;
    }
    // Dense: blocks of about 8 MiB of rows, G += X_bᵀ·(W_b X_b).
    const Index f = features_;
    const Index block = std::clamp<Index>((Index{8} << 20) / (8 * std::max<Index>(f, 1)), 64,
                                          std::max<Index>(rows_, 1));
    DenseMatrix scaled;
    for (Index first = 0; first < rows_; first += block) {
        const Index count = std::min(block, rows_ - first);
        DenseMatrix x_block(count, f);
        for (Index j = 0; j < f; ++j)
            for (Index i = 0; i < count; ++i)
                x_block(i, j) =
                    row_major_ ? dense_[(first + i) * f + j] : dense_[first + i + j * rows_];
        const Vector weights = w != nullptr ? Vector(Eigen::Map<const Vector>(w + first, count))
                                            : Vector(Vector::Ones(count));
        scaled = weights.asDiagonal() * x_block;
        g.topLeftCorner(f, f).noalias() += x_block.transpose() * scaled;
        if (intercept_) {
            const Vector column = scaled.transpose() * Vector::Ones(count);
            g.col(f).head(f) += column;
            g.row(f).head(f) += column.transpose();
            g(f, f) += weights.sum();
        }
    }
    return g;
}

}  // namespace ridgelens
