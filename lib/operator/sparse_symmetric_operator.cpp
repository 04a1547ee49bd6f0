#include "ridgelens/operator/sparse_symmetric_operator.hpp"

#include <omp.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "parallel/threading.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

// Rows [begin, end) of y = H·x from the strictly upper triangle (CSR) and the
// diagonal. y[begin, end) must hold zeros. A mirrored update y_j += a_ij·x_i
// with j ≥ end goes to spill[j − end] instead (zeroed by the caller). Kept a
// plain function: GCC 12 vectorizes such loops with gathers inside lambdas.
template <bool may_spill>
void one_triangle_rows(const int* outer, const int* inner, const double* values,
                       const double* diagonal, Index begin, Index end, const double* x, double* y,
                       double* spill) {
    for (Index i = begin; i < end; ++i) {
        const double xi = x[i];
        double sum = diagonal[i] * xi;
        for (int p = outer[i]; p < outer[i + 1]; ++p) {
            const Index j = inner[p];
            const double a = values[p];
            sum += a * x[j];
            if constexpr (may_spill) {
                double* target = j < end ? y + j : spill + (j - end);
                *target += a * xi;
            } else {
                y[j] += a * xi;
            }
        }
        y[i] += sum;
    }
}

}  // namespace

// The thread blocks and spill buffers of the threaded product, planned for one
// thread count and re-planned when the count changes.
struct SparseSymmetricOperator::Workspace {
    std::mutex in_use;
    int threads = 0;
    std::vector<Index> starts;     // block t is rows [starts[t], starts[t + 1])
    std::vector<Index> spill_end;  // block t's mirrored updates reach rows < spill_end[t]
    std::vector<std::vector<double>> spills;

    void plan(const SparseMatrix& strict, int thread_count) {
        const Index n = strict.cols();
        const int* outer = strict.outerIndexPtr();
        const int* inner = strict.innerIndexPtr();
        threads = thread_count;
        // Balance stored entries plus one unit per row (the diagonal and y_i).
        const double total = static_cast<double>(outer[n]) + static_cast<double>(n);
        starts.assign(static_cast<std::size_t>(threads) + 1, n);
        starts[0] = 0;
        Index row = 0;
        for (int t = 1; t < threads; ++t) {
            const double target = total * t / threads;
            while (row < n && static_cast<double>(outer[row]) + static_cast<double>(row) < target)
                ++row;
            starts[static_cast<std::size_t>(t)] = row;
        }
        spill_end.assign(static_cast<std::size_t>(threads), 0);
        spills.assign(static_cast<std::size_t>(threads), {});
        for (int t = 0; t < threads; ++t) {
            const auto slot = static_cast<std::size_t>(t);
            const Index end = starts[slot + 1];
            Index reach = end;
            for (int p = outer[starts[slot]]; p < outer[end]; ++p)
                reach = std::max<Index>(reach, Index{inner[p]} + 1);
            spill_end[slot] = reach;
            spills[slot].assign(static_cast<std::size_t>(reach - end), 0.0);
        }
    }
};

SparseSymmetricOperator::SparseSymmetricOperator(const SparseMatrix& matrix)
    : workspace_(std::make_unique<Workspace>()) {
    if (matrix.rows() != matrix.cols())
        throw UsageError("SparseSymmetricOperator: matrix is " + std::to_string(matrix.rows()) +
                         "x" + std::to_string(matrix.cols()) + ", not square");
    if (!matrix.isCompressed())
        throw UsageError("SparseSymmetricOperator: matrix must be compressed (makeCompressed())");
    const Index n = matrix.cols();
    const int* outer = matrix.outerIndexPtr();
    const int* inner = matrix.innerIndexPtr();
    const double* values = matrix.valuePtr();
    // Column j of the CSC arrays: the entries below the diagonal form column j
    // of the strict lower triangle (= row j of the strict upper triangle).
    Index above = 0, below = 0;
    for (Index j = 0; j < n; ++j)
        for (int p = outer[j]; p < outer[j + 1]; ++p) {
            if (inner[p] > j) ++below;
            if (inner[p] < j) ++above;
        }
    if (above != below)
        throw UsageError("SparseSymmetricOperator: the matrix stores " + std::to_string(below) +
                         " entries below the diagonal and " + std::to_string(above) +
                         " above; a symmetric H must be stored with both triangles");
    diagonal_ = Vector::Zero(n);
    strict_lower_.resize(n, n);
    strict_lower_.resizeNonZeros(below);
    int* strict_outer = strict_lower_.outerIndexPtr();
    int* strict_inner = strict_lower_.innerIndexPtr();
    double* strict_values = strict_lower_.valuePtr();
    int stored = 0;
    strict_outer[0] = 0;
    for (Index j = 0; j < n; ++j) {
        for (int p = outer[j]; p < outer[j + 1]; ++p) {
            if (inner[p] == j) {
                diagonal_[j] += values[p];
                ++diagonal_entries_;
            } else if (inner[p] > j) {
                strict_inner[stored] = inner[p];
                strict_values[stored] = values[p];
                ++stored;
            }
        }
        strict_outer[j + 1] = stored;
    }
}

SparseSymmetricOperator::~SparseSymmetricOperator() = default;
SparseSymmetricOperator::SparseSymmetricOperator(SparseSymmetricOperator&&) noexcept = default;
SparseSymmetricOperator& SparseSymmetricOperator::operator=(SparseSymmetricOperator&&) noexcept =
    default;

Index SparseSymmetricOperator::full_nonzeros() const {
    return 2 * strict_lower_.nonZeros() + diagonal_entries_;
}

void SparseSymmetricOperator::perform_op(const double* x, double* y) const {
    const Index n = rows();
    const int* outer = strict_lower_.outerIndexPtr();
    const int* inner = strict_lower_.innerIndexPtr();
    const double* values = strict_lower_.valuePtr();
    const double* diagonal = diagonal_.data();
    const int threads = omp_get_max_threads();
    std::unique_lock<std::mutex> lock(workspace_->in_use, std::try_to_lock);
    if (!detail::threads_pay_off(n) || threads <= 1 || omp_in_parallel() || !lock.owns_lock()) {
        std::fill(y, y + n, 0.0);
        one_triangle_rows<false>(outer, inner, values, diagonal, 0, n, x, y, nullptr);
        return;
    }
    Workspace& work = *workspace_;
    if (work.threads != threads) work.plan(strict_lower_, threads);
    bool whole_team = true;
#pragma omp parallel num_threads(threads)
    {
        if (omp_get_num_threads() != threads) {
#pragma omp single
            whole_team = false;
        } else {
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            const Index begin = work.starts[t], end = work.starts[t + 1];
            std::vector<double>& spill = work.spills[t];
            std::fill(y + begin, y + end, 0.0);
            std::fill(spill.begin(), spill.end(), 0.0);
            one_triangle_rows<true>(outer, inner, values, diagonal, begin, end, x, y, spill.data());
#pragma omp barrier
            // Add, in block order, the spills of earlier blocks that reach into this block.
            for (std::size_t s = 0; s < t; ++s) {
                const Index spill_begin = work.starts[s + 1];
                const Index from = std::max(begin, spill_begin);
                const Index to = std::min(end, work.spill_end[s]);
                const double* spilled = work.spills[s].data();
                for (Index j = from; j < to; ++j) y[j] += spilled[j - spill_begin];
            }
        }
    }
    if (!whole_team) {  // OpenMP gave fewer threads than planned
        std::fill(y, y + n, 0.0);
        one_triangle_rows<false>(outer, inner, values, diagonal, 0, n, x, y, nullptr);
    }
}

}  // namespace ridgelens
