#include "spectrum/parallel_lanczos.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ridgelens::detail {
namespace {

// Rows per cache block of V: 256 rows × up to ~100 columns stay in L2.
constexpr Index block_rows = 256;

bool run_parallel(Index n) {
    return n >= lanczos_parallel_rows && omp_get_max_threads() > 1;
}

// Per-thread partial sums of c values (c + 1 with the squared norm), summed in
// thread order so that results do not depend on scheduling.
class PartialSums {
  public:
    PartialSums(int threads, Index width)
        : width_(width), sums_(static_cast<std::size_t>(threads * width), 0.0) {}
    double* of_thread(int thread) { return sums_.data() + thread * width_; }
    void reduce(int threads, double* out) const {
        for (Index j = 0; j < width_; ++j) {
            double total = 0;
            for (int t = 0; t < threads; ++t)
                total += sums_[static_cast<std::size_t>(t * width_ + j)];
            out[j] = total;
        }
    }

  private:
    Index width_;
    std::vector<double> sums_;
};

// For rows [begin, end): result[j] += Σ_r V[r, j]·y[r] for j < c.
void accumulate_projection(const double* v, Index ld, Index begin, Index end, Index c,
                           const double* y, double* result) {
    for (Index j = 0; j < c; ++j) {
        const double* column = v + j * ld;
        double sum = 0;
#pragma omp simd reduction(+ : sum)
        for (Index r = begin; r < end; ++r) sum += column[r] * y[r];
        result[j] += sum;
    }
}

}  // namespace

double parallel_dot(const double* x, const double* y, Index n) {
    double sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) if (run_parallel(n))
    for (Index i = 0; i < n; ++i) sum += x[i] * y[i];
    return sum;
}

void parallel_transpose_product(const double* v, Index ld, Index n, Index c, const double* y,
                                double* result) {
    const int threads = run_parallel(n) ? omp_get_max_threads() : 1;
    PartialSums partial(threads, c);
#pragma omp parallel num_threads(threads)
    {
        double* mine = partial.of_thread(omp_get_thread_num());
#pragma omp for schedule(static)
        for (Index begin = 0; begin < n; begin += block_rows)
            accumulate_projection(v, ld, begin, std::min(n, begin + block_rows), c, y, mine);
    }
    partial.reduce(threads, result);
}

void parallel_subtract_product(const double* v, Index ld, Index n, Index c,
                               const double* coefficients, double* y) {
#pragma omp parallel for schedule(static) if (run_parallel(n))
    for (Index begin = 0; begin < n; begin += block_rows) {
        const Index end = std::min(n, begin + block_rows);
        for (Index j = 0; j < c; ++j) {
            const double* column = v + j * ld;
            const double coefficient = coefficients[j];
            for (Index i = begin; i < end; ++i) y[i] -= coefficient * column[i];
        }
    }
}

namespace {

// One pass over rows: f = w − alpha·v (when `form_f`), or f −= V·correction
// (when `correction` is given); then projection[0..c) = Vᵀf and, in
// projection[c], ‖f‖². Cache-blocked: each block of V is read from memory once.
void update_and_project(const double* basis, Index ld, Index n, Index c, const double* w,
                        double alpha, const double* v, const double* correction, double* f,
                        double* projection) {
    const int threads = run_parallel(n) ? omp_get_max_threads() : 1;
    PartialSums partial(threads, c + 1);
#pragma omp parallel num_threads(threads)
    {
        double* mine = partial.of_thread(omp_get_thread_num());
#pragma omp for schedule(static)
        for (Index begin = 0; begin < n; begin += block_rows) {
            const Index end = std::min(n, begin + block_rows);
            if (correction == nullptr) {
#pragma omp simd
                for (Index r = begin; r < end; ++r) f[r] = w[r] - alpha * v[r];
            } else {
                for (Index j = 0; j < c; ++j) {
                    const double* column = basis + j * ld;
                    const double coefficient = correction[j];
#pragma omp simd
                    for (Index r = begin; r < end; ++r) f[r] -= coefficient * column[r];
                }
            }
            accumulate_projection(basis, ld, begin, end, c, f, mine);
            double squares = 0;
#pragma omp simd reduction(+ : squares)
            for (Index r = begin; r < end; ++r) squares += f[r] * f[r];
            mine[c] += squares;
        }
    }
    partial.reduce(threads, projection);
}

// w −= h·previous (h ≠ 0), returning vᵀw after the update.
double subtract_and_dot(double* w, double h, const double* previous, const double* v, Index n) {
    double sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) if (run_parallel(n))
    for (Index i = 0; i < n; ++i) {
        const double value = w[i] - h * previous[i];
        w[i] = value;
        sum += v[i] * value;
    }
    return sum;
}

void scale_into(const double* f, double factor, double* v, Index n) {
#pragma omp parallel for schedule(static) if (run_parallel(n))
    for (Index i = 0; i < n; ++i) v[i] = factor * f[i];
}

}  // namespace
}  // namespace ridgelens::detail

namespace Spectra {

// One Lanczos step per new column i = from_k … to_m − 1: v_i = f/β, w = A·v_i,
// α = v_iᵀw after removing β·v_{i−1}, f = w − α·v_i, then classical
// Gram-Schmidt against v_0 … v_i repeated (at most five sweeps) while
// max|Vᵀf| > ε·‖f‖, the corrections folded into the tridiagonal entries.
// A residual below Spectra's near-zero threshold starts a fresh direction
// through Spectra's own expand_basis (an invariant subspace was found).
template <>
void Lanczos<double, RidgelensArnoldiOp>::factorize_from(Index from_k, Index to_m,
                                                         Index& op_counter) {
    using ridgelens::detail::scale_into;
    using ridgelens::detail::subtract_and_dot;
    using ridgelens::detail::update_and_project;
    if (to_m <= from_k) return;
    if (from_k > m_k)
        throw std::invalid_argument(
            "Lanczos: from_k (= " + std::to_string(from_k) +
            ") exceeds the current subspace dimension (= " + std::to_string(m_k) + ")");
    const double small_beta = m_eps * std::sqrt(static_cast<double>(m_n));
    Vector w(m_n);
    Vector projection(to_m + 1);
    m_fac_H.rightCols(m_m - from_k).setZero();
    m_fac_H.block(from_k, 0, m_m - from_k, from_k).setZero();

    for (Index i = from_k; i < to_m; ++i) {
        bool fresh_direction = false;
        if (m_beta < m_near_0) {
            MapConstMat previous_columns(m_fac_V.data(), m_n, i);
            this->expand_basis(previous_columns, 2 * i, m_fac_f, m_beta, op_counter);
            fresh_direction = true;
        }
        double* v = &m_fac_V(0, i);
        scale_into(m_fac_f.data(), 1.0 / m_beta, v, m_n);
        const double coupling = fresh_direction ? 0.0 : m_beta;
        m_fac_H(i, i - 1) = coupling;
        m_fac_H(i - 1, i) = coupling;

        m_op.perform_op(v, w.data());
        ++op_counter;
        const double alpha = subtract_and_dot(w.data(), coupling, &m_fac_V(0, i - 1), v, m_n);
        m_fac_H(i, i) = alpha;

        const Index columns = i + 1;
        update_and_project(m_fac_V.data(), m_n, m_n, columns, w.data(), alpha, v, nullptr,
                           m_fac_f.data(), projection.data());
        m_beta = std::sqrt(projection[columns]);
        double error = projection.head(columns).cwiseAbs().maxCoeff();
        for (int sweep = 0; sweep < 5 && error > m_eps * m_beta; ++sweep) {
            if (m_beta < small_beta) {
                m_fac_f.setZero();
                m_beta = 0;
                break;
            }
            const Vector correction = projection.head(columns);
            m_fac_H(i - 1, i) += correction[i - 1];
            m_fac_H(i, i - 1) = m_fac_H(i - 1, i);
            m_fac_H(i, i) += correction[i];
            update_and_project(m_fac_V.data(), m_n, m_n, columns, nullptr, 0.0, nullptr,
                               correction.data(), m_fac_f.data(), projection.data());
            m_beta = std::sqrt(projection[columns]);
            error = projection.head(columns).cwiseAbs().maxCoeff();
        }
    }
    m_k = to_m;
}

// The restart's V[:, 0..k] ← V·Q[:, 0..k] (column i < k of Q has nonzeros only
// in its first m − k + i + 1 rows), then f ← f·Q(m−1, k−1) + v_k·H(k, k−1),
// done block of rows by block of rows: each block's new columns depend only
// on the same rows of the old V, so it is overwritten in place.
template <>
void Arnoldi<double, RidgelensArnoldiOp>::compress_V(const Matrix& Q) {
    const Index k = m_k;
    Matrix weights = Q.leftCols(k + 1);
    for (Index i = 0; i < k; ++i) {
        const Index used = m_m - k + i + 1;
        if (used < m_m) weights.col(i).tail(m_m - used).setZero();
    }
    const double f_weight = Q(m_m - 1, k - 1);
    const double v_weight = m_fac_H(k, k - 1);
    const Index n = m_n;
    auto update_rows = [&](Index begin, Matrix& block) {
        const Index rows = std::min(n, begin + ridgelens::detail::block_rows) - begin;
        block.noalias() = m_fac_V.middleRows(begin, rows).lazyProduct(weights);
        m_fac_V.block(begin, 0, rows, k + 1) = block;
        m_fac_f.segment(begin, rows) =
            f_weight * m_fac_f.segment(begin, rows) + v_weight * block.col(k);
    };
    if (!ridgelens::detail::run_parallel(n)) {
        Matrix block;  // no OpenMP region: small problems stay on one thread
        for (Index begin = 0; begin < n; begin += ridgelens::detail::block_rows)
            update_rows(begin, block);
    } else {
#pragma omp parallel
        {
            Matrix block;
#pragma omp for schedule(static)
            for (Index begin = 0; begin < n; begin += ridgelens::detail::block_rows)
                update_rows(begin, block);
        }
    }
    m_beta = m_op.norm(m_fac_f);
}

}  // namespace Spectra
