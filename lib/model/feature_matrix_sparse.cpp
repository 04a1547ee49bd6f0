// Sparse (CSR) kernels of FeatureMatrix: row-parallel X·W, and one-pass
// Xᵀ·A / Xᵀ f(X·V) with per-thread accumulators reduced at the end.

#include <omp.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "parallel.hpp"
#include "parallel/first_exception.hpp"
#include "ridgelens/model/feature_matrix.hpp"

namespace ridgelens {
namespace {

// Row boundaries splitting a CSR matrix into `parts` ranges of about equal
// stored entries (rows of news20 differ in length by orders of magnitude).
std::vector<Index> balanced_row_bounds(const SparseRowMatrix& x, int parts) {
    const int* outer = x.outerIndexPtr();
    const Index rows = x.rows();
    const Index total = x.nonZeros() + rows;  // + rows: per-row work also counts
    std::vector<Index> bounds(static_cast<std::size_t>(parts) + 1, rows);
    bounds[0] = 0;
    Index row = 0;
    for (int part = 1; part < parts; ++part) {
        const Index target = total * part / parts;
        while (row < rows && outer[row] + row < target) ++row;
        bounds[static_cast<std::size_t>(part)] = row;
    }
    return bounds;
}

// `values` (rows × outputs, column-major) copied row-major (outputs contiguous).
std::vector<double> to_row_major(const double* values, Index rows, Index outputs) {
    std::vector<double> result(static_cast<std::size_t>(rows * outputs));
    for (Index c = 0; c < outputs; ++c)
        for (Index j = 0; j < rows; ++j)
            result[static_cast<std::size_t>(j * outputs + c)] = values[j + c * rows];
    return result;
}

// Threads that get an accumulator: all of them unless the accumulators
// would take more than 1 GiB together, or the pass is too small to gain from
// threads (see parallel_work_threshold).
int accumulator_threads(Index accumulator_size, Index work) {
    if (work < parallel_work_threshold) return 1;
    const Index limit = (Index{1} << 30) / (8 * std::max<Index>(accumulator_size, 1));
    return static_cast<int>(std::clamp<Index>(limit, 1, omp_get_max_threads()));
}

}  // namespace

void FeatureMatrix::multiply_sparse(const double* w, Index outputs, double* z) const {
    const SparseRowMatrix& x = *sparse_;
    const int* outer = x.outerIndexPtr();
    const int* inner = x.innerIndexPtr();
    const double* values = x.valuePtr();
    const Index p = features_;
    const Index cols = this->cols();
    std::vector<double> w_rows;
    const double* wr = w;
    if (outputs > 1) {
        w_rows = to_row_major(w, cols, outputs);
        wr = w_rows.data();
    }
    const bool parallel = (x.nonZeros() + rows_) * outputs >= parallel_work_threshold;
#pragma omp parallel for schedule(dynamic, 256) if (parallel)
    for (Index i = 0; i < rows_; ++i) {
        double* zi = z + i * outputs;
        for (Index c = 0; c < outputs; ++c) zi[c] = intercept_ ? wr[p * outputs + c] : 0.0;
        for (int k = outer[i]; k < outer[i + 1]; ++k) {
            const double xv = values[k];
            const double* wj = wr + static_cast<Index>(inner[k]) * outputs;
            for (Index c = 0; c < outputs; ++c) zi[c] += xv * wj[c];
        }
    }
}

void FeatureMatrix::scatter_sparse(const double* v, Index outputs, const RowTransform* transform,
                                   const double* a, bool square_values, double* g) const {
    const SparseRowMatrix& x = *sparse_;
    const int* outer = x.outerIndexPtr();
    const int* inner = x.innerIndexPtr();
    const double* values = x.valuePtr();
    const Index p = features_;
    const Index cols = this->cols();
    const Index size = cols * outputs;

    std::vector<double> v_rows;
    const double* vr = v;
    if (transform != nullptr && outputs > 1) {
        v_rows = to_row_major(v, cols, outputs);
        vr = v_rows.data();
    }
    const int parts = accumulator_threads(size, (x.nonZeros() + rows_) * outputs);
    const std::vector<Index> bounds = balanced_row_bounds(x, parts);
    // Uninitialized: each thread zeroes (and so first-touches) its own.
    const std::unique_ptr<double[]> buffer(new double[static_cast<std::size_t>(size * parts)]);

    // The row buffers' allocations and the caller's transform may throw.
    parallel::FirstException errors;
#pragma omp parallel num_threads(parts) if (parts > 1)
    {
        const int thread = omp_get_thread_num();
        const int team = omp_get_num_threads();
        double* mine = buffer.get() + static_cast<Index>(thread) * size;
        std::fill(mine, mine + size, 0.0);
        errors.run([&] {
            std::vector<double> u(static_cast<std::size_t>(outputs));
            std::vector<double> ai(static_cast<std::size_t>(outputs));
            for (int part = thread; part < parts; part += team) {
                for (Index i = bounds[static_cast<std::size_t>(part)];
                     i < bounds[static_cast<std::size_t>(part) + 1]; ++i) {
                    const int begin = outer[i];
                    const int end = outer[i + 1];
                    if (outputs == 1) {  // the binary models: scalar loops
                        double ai_scalar;
                        if (transform != nullptr) {
                            double dot = intercept_ ? vr[p] : 0.0;
                            for (int k = begin; k < end; ++k) dot += values[k] * vr[inner[k]];
                            (*transform)(i, &dot, &ai_scalar);
                        } else {
                            ai_scalar = a[i];
                        }
                        if (ai_scalar == 0) continue;
                        if (square_values) {
                            for (int k = begin; k < end; ++k)
                                mine[inner[k]] += values[k] * values[k] * ai_scalar;
                        } else {
                            for (int k = begin; k < end; ++k)
                                mine[inner[k]] += values[k] * ai_scalar;
                        }
                        if (intercept_) mine[p] += ai_scalar;
                        continue;
                    }
                    const double* row_a;
                    if (transform != nullptr) {
                        for (Index c = 0; c < outputs; ++c)
                            u[static_cast<std::size_t>(c)] = intercept_ ? vr[p * outputs + c] : 0.0;
                        for (int k = begin; k < end; ++k) {
                            const double xv = values[k];
                            const double* vj = vr + static_cast<Index>(inner[k]) * outputs;
                            for (Index c = 0; c < outputs; ++c)
                                u[static_cast<std::size_t>(c)] += xv * vj[c];
                        }
                        (*transform)(i, u.data(), ai.data());
                        row_a = ai.data();
                    } else {
                        row_a = a + i * outputs;
                    }
                    for (int k = begin; k < end; ++k) {
                        const double xv = square_values ? values[k] * values[k] : values[k];
                        double* gj = mine + static_cast<Index>(inner[k]) * outputs;
                        for (Index c = 0; c < outputs; ++c) gj[c] += xv * row_a[c];
                    }
                    if (intercept_)
                        for (Index c = 0; c < outputs; ++c) mine[p * outputs + c] += row_a[c];
                }
            }
        });
#pragma omp barrier
        // Reduce the accumulators (row-major) into g (column-major).
#pragma omp for schedule(static)
        for (Index j = 0; j < cols; ++j) {
            for (Index c = 0; c < outputs; ++c) {
                double sum = 0;
                for (int t = 0; t < team; ++t)
                    sum += buffer[static_cast<std::size_t>(t * size + j * outputs + c)];
                g[j + c * cols] = sum;
            }
        }
    }
    errors.rethrow();
}

}  // namespace ridgelens
