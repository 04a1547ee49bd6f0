#pragma once
// y = H·x from one stored triangle of a symmetric H (the storage Matrix Market
// files and Eigen's loadMarket use), parallel without atomics: the rows are
// split into one contiguous, nonzero-balanced range per thread; each row i of
// the upper-triangle CSR adds a_ij·x_j into y_i and mirrors a_ij·x_i into y_j
// (j > i). A mirrored update that lands in a later thread's range goes into
// this thread's private "spill" buffer, added after a barrier. Reads about
// half the matrix bytes of the full-storage product, at the price of scattered
// writes and the spill pass. Benchmarked against SparseSymmetricOperator
// (both triangles stored) in bench_kernels.cpp.

#include <omp.h>

#include <algorithm>
#include <vector>

#include "ridgelens/types.hpp"

namespace ridgelens::bench {

class UpperTriangleOperator {
  public:
    using Scalar = double;

    /// @param full symmetric, both triangles stored (as ridgelens stores it).
    explicit UpperTriangleOperator(const SparseMatrix& full, int threads = omp_get_max_threads())
        : lower_(full.triangularView<Eigen::Lower>()) {
        lower_.makeCompressed();
        // CSC of the lower triangle = CSR of the upper triangle.
        const Index n = lower_.cols();
        const int* outer = lower_.outerIndexPtr();
        const int* inner = lower_.innerIndexPtr();
        const double total = static_cast<double>(outer[n]);
        starts_.assign(static_cast<std::size_t>(threads) + 1, n);
        starts_[0] = 0;
        Index row = 0;
        for (int t = 1; t < threads; ++t) {
            const double target = total * t / threads;
            while (row < n && outer[row] < target) ++row;
            starts_[static_cast<std::size_t>(t)] = row;
        }
        spills_.resize(static_cast<std::size_t>(threads));
        spill_end_.resize(static_cast<std::size_t>(threads));
        for (int t = 0; t < threads; ++t) {
            const Index end = starts_[static_cast<std::size_t>(t) + 1];
            Index reach = end;
            for (Index i = starts_[static_cast<std::size_t>(t)]; i < end; ++i)
                if (outer[i + 1] > outer[i])
                    reach = std::max<Index>(reach, inner[outer[i + 1] - 1] + 1);
            spill_end_[static_cast<std::size_t>(t)] = reach;
            spills_[static_cast<std::size_t>(t)].assign(static_cast<std::size_t>(reach - end), 0.0);
        }
    }

    Index rows() const { return lower_.rows(); }
    Index cols() const { return lower_.cols(); }
    const SparseMatrix& stored_triangle() const { return lower_; }

    void perform_op(const double* x, double* y) const {
        const int threads = static_cast<int>(spills_.size());
        const int* outer = lower_.outerIndexPtr();
        const int* inner = lower_.innerIndexPtr();
        const double* values = lower_.valuePtr();
#pragma omp parallel num_threads(threads)
        {
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            const Index begin = starts_[t], end = starts_[t + 1];
            double* spill = spills_[t].data();
            std::fill(y + begin, y + end, 0.0);
            std::fill(spills_[t].begin(), spills_[t].end(), 0.0);
            for (Index i = begin; i < end; ++i) {
                const double xi = x[i];
                double sum = 0.0;
                for (int p = outer[i]; p < outer[i + 1]; ++p) {
                    const Index j = inner[p];
                    const double a = values[p];
                    sum += a * x[j];
                    if (j == i) continue;
                    if (j < end)
                        y[j] += a * xi;
                    else
                        spill[j - end] += a * xi;
                }
                y[i] += sum;
            }
#pragma omp barrier
            // Add every spill that reaches into this thread's own range.
            for (std::size_t s = 0; s < t; ++s) {
                const Index spill_begin = starts_[s + 1];
                const Index from = std::max(begin, spill_begin);
                const Index to = std::min(end, spill_end_[s]);
                for (Index j = from; j < to; ++j)
                    y[j] += spills_[s][static_cast<std::size_t>(j - spill_begin)];
            }
        }
    }

  private:
    SparseMatrix lower_;
    std::vector<Index> starts_;
    std::vector<Index> spill_end_;
    mutable std::vector<std::vector<double>> spills_;
};

}  // namespace ridgelens::bench
