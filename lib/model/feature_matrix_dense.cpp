// Dense kernels of FeatureMatrix through OpenBLAS (BLAS-3 for several
// outputs, BLAS-2 for one), on the whole matrix or on blocks of rows.

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <vector>

#include "parallel.hpp"
#include "parallel/first_exception.hpp"
#include "ridgelens/model/feature_matrix.hpp"

namespace ridgelens {
namespace {

int as_int(Index value) {
    return static_cast<int>(value);
}

// A block of `count` rows starting at `first` of the dense X, as BLAS sees it.
struct DenseBlock {
    const double* data;
    int ld;
    bool row_major;
};

}  // namespace

namespace {

DenseBlock block_of(const double* data, bool row_major, Index rows, Index features, Index first) {
    if (row_major) return {data + first * features, as_int(std::max<Index>(features, 1)), true};
    return {data + first, as_int(std::max<Index>(rows, 1)), false};
}

// z (outputs × count) = (X_b · W_f)ᵀ, W_f the first p rows of w (leading dimension ldw).
void block_multiply(const DenseBlock& x, Index count, Index p, const double* w, Index ldw,
                    Index outputs, double* z) {
    if (p == 0 || count == 0) {
        std::fill(z, z + outputs * count, 0.0);
        return;
    }
    if (outputs == 1) {
        cblas_dgemv(x.row_major ? CblasRowMajor : CblasColMajor, CblasNoTrans, as_int(count),
                    as_int(p), 1.0, x.data, x.ld, w, 1, 0.0, z, 1);
        return;
    }
    // Zᵀ = W_fᵀ · X_bᵀ; X_bᵀ is the row-major block read column-major.
    cblas_dgemm(CblasColMajor, CblasTrans, x.row_major ? CblasNoTrans : CblasTrans, as_int(outputs),
                as_int(count), as_int(p), 1.0, w, as_int(ldw), x.data, x.ld, 0.0, z,
                as_int(outputs));
}

// g_f (p × outputs, leading dimension ldg) (+)= X_bᵀ · Aᵀ for a (outputs × count).
void block_multiply_transpose(const DenseBlock& x, Index count, Index p, const double* a,
                              Index outputs, double* g, Index ldg, bool accumulate) {
    const double beta = accumulate ? 1.0 : 0.0;
    if (p == 0) return;
    if (count == 0) {
        if (!accumulate)
            for (Index c = 0; c < outputs; ++c) std::fill(g + c * ldg, g + c * ldg + p, 0.0);
        return;
    }
    if (outputs == 1) {
        cblas_dgemv(x.row_major ? CblasRowMajor : CblasColMajor, CblasTrans, as_int(count),
                    as_int(p), 1.0, x.data, x.ld, a, 1, beta, g, 1);
        return;
    }
    cblas_dgemm(CblasColMajor, x.row_major ? CblasNoTrans : CblasTrans, CblasTrans, as_int(p),
                as_int(outputs), as_int(count), 1.0, x.data, x.ld, a, as_int(outputs), beta, g,
                as_int(ldg));
}

}  // namespace

void FeatureMatrix::multiply_dense(const double* w, Index outputs, double* z, Index first,
                                   Index count) const {
    const DenseBlock x = block_of(dense_, row_major_, rows_, features_, first);
    block_multiply(x, count, features_, w, cols(), outputs, z);
    if (!intercept_) return;
    for (Index i = 0; i < count; ++i)
        for (Index c = 0; c < outputs; ++c) z[c + i * outputs] += w[features_ + c * cols()];
}

void FeatureMatrix::multiply_transpose_dense(const double* a, Index outputs, double* g, Index first,
                                             Index count, bool accumulate) const {
    const DenseBlock x = block_of(dense_, row_major_, rows_, features_, first);
    block_multiply_transpose(x, count, features_, a, outputs, g, cols(), accumulate);
    if (!intercept_) return;
    for (Index c = 0; c < outputs; ++c) {
        double sum = accumulate ? g[features_ + c * cols()] : 0.0;
        for (Index i = 0; i < count; ++i) sum += a[c + i * outputs];
        g[features_ + c * cols()] = sum;
    }
}

// OpenBLAS runs a dgemm with m·n·k ≤ 4·65536 on the calling thread (its
// GEMM_MULTITHREAD_THRESHOLD); blocks that small can be spread over OpenMP
// threads without nesting BLAS threads inside them.
constexpr Index single_thread_gemm_size = 4 * 65536;

void FeatureMatrix::fused_product_dense(const double* v, Index outputs,
                                        const RowTransform& transform, double* g) const {
    const Index small_block = single_thread_gemm_size / (outputs * std::max<Index>(features_, 1));
    if (block_rows_ == 0 && outputs > 1 && small_block >= 8 && omp_get_max_threads() > 1 &&
        rows_ * features_ * outputs >= parallel_work_threshold) {
        fused_product_dense_threaded(v, outputs, transform, g, small_block);
        return;
    }
    const Index block = dense_block_rows();
    std::vector<double> u(static_cast<std::size_t>(outputs * block));
    std::vector<double> a(static_cast<std::size_t>(outputs * block));
    if (rows_ == 0) multiply_transpose_dense(a.data(), outputs, g, 0, 0, false);
    for (Index first = 0; first < rows_; first += block) {
        const Index count = std::min(block, rows_ - first);
        multiply_dense(v, outputs, u.data(), first, count);
        parallel::FirstException errors;  // the caller's transform may throw
#pragma omp parallel for schedule(static) if (count * outputs >= 4096)
        for (Index i = 0; i < count; ++i)
            errors.run(
                [&] { transform(first + i, u.data() + i * outputs, a.data() + i * outputs); });
        errors.rethrow();
        multiply_transpose_dense(a.data(), outputs, g, first, count, first > 0);
    }
}

void FeatureMatrix::fused_product_dense_threaded(const double* v, Index outputs,
                                                 const RowTransform& transform, double* g,
                                                 Index block) const {
    const Index cols = this->cols();
    const Index size = cols * outputs;
    const Index blocks = (rows_ + block - 1) / block;
    const int threads = omp_get_max_threads();
    // One accumulator per thread (C·cols doubles: small for dense data).
    std::vector<double> accumulators(static_cast<std::size_t>(size * threads), 0.0);
    int team = 1;
    // The row buffers' allocations and the caller's transform may throw.
    parallel::FirstException errors;
#pragma omp parallel num_threads(threads)
    {
#pragma omp single
        team = omp_get_num_threads();
        double* mine = accumulators.data() + static_cast<Index>(omp_get_thread_num()) * size;
        std::vector<double> u, a;
        const bool ready = errors.run([&] {
            u.resize(static_cast<std::size_t>(outputs * block));
            a.resize(static_cast<std::size_t>(outputs * block));
        });
        bool started = false;
#pragma omp for schedule(static)
        for (Index b = 0; b < blocks; ++b) {
            if (!ready) continue;  // every thread still takes part in the loop
            errors.run([&] {
                const Index first = b * block;
                const Index count = std::min(block, rows_ - first);
                multiply_dense(v, outputs, u.data(), first, count);
                for (Index i = 0; i < count; ++i)
                    transform(first + i, u.data() + i * outputs, a.data() + i * outputs);
                multiply_transpose_dense(a.data(), outputs, mine, first, count, started);
                started = true;
            });
        }
        if (!started) std::fill(mine, mine + size, 0.0);
    }
    errors.rethrow();
    for (Index k = 0; k < size; ++k) {
        double sum = 0;
        for (int t = 0; t < team; ++t) sum += accumulators[static_cast<std::size_t>(t * size + k)];
        g[k] = sum;
    }
}

void FeatureMatrix::weighted_square_sums_dense(const double* w, Index outputs, double* g) const {
    // The squared block is a copy: keep it to about 8 MiB.
    const Index block = std::clamp<Index>((Index{8} << 20) / (8 * std::max<Index>(features_, 1)),
                                          64, std::max<Index>(rows_, 1));
    const Index p = features_;
    std::vector<double> squares(static_cast<std::size_t>(std::max<Index>(p, 1) * block));
    if (rows_ == 0) multiply_transpose_dense(w, outputs, g, 0, 0, false);
    for (Index first = 0; first < rows_; first += block) {
        const Index count = std::min(block, rows_ - first);
        // The block squared, column-major count × p.
#pragma omp parallel for schedule(static) if (count * p >= parallel_work_threshold)
        for (Index j = 0; j < p; ++j) {
            for (Index i = 0; i < count; ++i) {
                const double value =
                    row_major_ ? dense_[(first + i) * p + j] : dense_[first + i + j * rows_];
                squares[static_cast<std::size_t>(i + j * count)] = value * value;
            }
        }
        const DenseBlock x{squares.data(), static_cast<int>(std::max<Index>(count, 1)), false};
        block_multiply_transpose(x, count, p, w + first * outputs, outputs, g, cols(), first > 0);
        if (intercept_) {
            for (Index c = 0; c < outputs; ++c) {
                double sum = first > 0 ? g[p + c * cols()] : 0.0;
                for (Index i = 0; i < count; ++i) sum += w[c + (first + i) * outputs];
                g[p + c * cols()] = sum;
            }
        }
    }
}

}  // namespace ridgelens
