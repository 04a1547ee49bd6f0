#include "krylov/lanczos_kernels.hpp"

#include <omp.h>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel/first_exception.hpp"
#include "parallel/ordered_sums.hpp"
#include "parallel/threading.hpp"

// Every threaded sum here is bitwise reproducible for a fixed thread count
// (ridgelens-mpi runs these kernels redundantly on every rank, and all ranks
// must take the same decisions): scalar sums go through
// parallel::ordered_sums, the c-wide projections through PartialSums below
// (a static schedule gives each thread the same row blocks on every run, and
// the partial sums are added in thread order). No OpenMP `reduction(+)`,
// which adds the partial sums in the order the threads finish.

namespace ridgelens::detail {
namespace {

// Rows per cache block of V: 256 rows × up to ~100 columns stay in L2.
constexpr Index block_rows = 256;

bool run_parallel(Index n) {
    return threads_pay_off(n) && omp_get_max_threads() > 1;
}

// Per-thread partial sums of c values (c + 1 with the squared norm), summed in
// thread order so that results do not depend on timing: with the static
// schedule of the loops that fill them, thread t always gets the same row
// blocks for a given thread count.
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

// Columns j … j+3 of the column-major V with leading dimension ld.
struct FourColumns {
    const double *c0, *c1, *c2, *c3;
};
FourColumns four_columns(const double* v, Index ld, Index j) {
    const double* first = v + j * ld;
    return {first, first + ld, first + 2 * ld, first + 3 * ld};
}

// For rows [begin, end): result[j] += Σ_r V[r, j]·y[r] for j < c. Four
// columns at a time: one load of y per row for four products, and four
// independent accumulators, so the loop is not bound by the latency of one
// chain of additions (a single-column loop spent most of its time waiting on
// it: bench/README.md, "Lanczos basis kernels").
void accumulate_projection(const double* v, Index ld, Index begin, Index end, Index c,
                           const double* y, double* result) {
    Index j = 0;
    for (; j + 4 <= c; j += 4) {
        const FourColumns col = four_columns(v, ld, j);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
        for (Index r = begin; r < end; ++r) {
            const double yr = y[r];
            s0 += col.c0[r] * yr;
            s1 += col.c1[r] * yr;
            s2 += col.c2[r] * yr;
            s3 += col.c3[r] * yr;
        }
        result[j] += s0;
        result[j + 1] += s1;
        result[j + 2] += s2;
        result[j + 3] += s3;
    }
    for (; j < c; ++j) {
        const double* column = v + j * ld;
        double sum = 0;
#pragma omp simd reduction(+ : sum)
        for (Index r = begin; r < end; ++r) sum += column[r] * y[r];
        result[j] += sum;
    }
}

// f[r] −= Σ_j coefficients[j]·V[r, j] for rows [begin, end), four columns per
// pass over f (one load and one store of f for four updates).
void subtract_combination(const double* v, Index ld, Index begin, Index end, Index c,
                          const double* coefficients, double* f) {
    Index j = 0;
    for (; j + 4 <= c; j += 4) {
        const FourColumns col = four_columns(v, ld, j);
        const double a0 = coefficients[j], a1 = coefficients[j + 1], a2 = coefficients[j + 2],
                     a3 = coefficients[j + 3];
#pragma omp simd
        for (Index r = begin; r < end; ++r)
            f[r] -= a0 * col.c0[r] + a1 * col.c1[r] + a2 * col.c2[r] + a3 * col.c3[r];
    }
    for (; j < c; ++j) {
        const double* column = v + j * ld;
        const double a = coefficients[j];
#pragma omp simd
        for (Index r = begin; r < end; ++r) f[r] -= a * column[r];
    }
}

// Σ x[r]·y[r] over rows [begin, end). The loops of threaded sums live in
// plain functions, not lambdas (bench/README.md, "Design measurements":
// reductions in lambdas).
double dot_rows(const double* x, const double* y, Index begin, Index end) {
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (Index r = begin; r < end; ++r) sum += x[r] * y[r];
    return sum;
}

// w[r] −= h·previous[r] over rows [begin, end), returning Σ v[r]·w[r] after
// the update.
double subtract_and_dot_rows(double* w, double h, const double* previous, const double* v,
                             Index begin, Index end) {
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (Index r = begin; r < end; ++r) {
        const double value = w[r] - h * previous[r];
        w[r] = value;
        sum += v[r] * value;
    }
    return sum;
}

}  // namespace

double parallel_dot(const double* x, const double* y, Index n) {
    return parallel::ordered_sums<1>(
        n, run_parallel(n),
        [x, y](Index begin, Index end, double* sum) { sum[0] = dot_rows(x, y, begin, end); })[0];
}

void parallel_transpose_product(const double* v, Index ld, Index n, Index c, const double* y,
                                double* result) {
    if (!run_parallel(n)) {  // no OpenMP region at all: its entry costs more than small work
        std::fill(result, result + c, 0.0);
        for (Index begin = 0; begin < n; begin += block_rows)
            accumulate_projection(v, ld, begin, std::min(n, begin + block_rows), c, y, result);
        return;
    }
    const int threads = omp_get_max_threads();
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
    for (Index begin = 0; begin < n; begin += block_rows)
        subtract_combination(v, ld, begin, std::min(n, begin + block_rows), c, coefficients, y);
}

namespace {

// Rows [begin, end) of update_and_project, adding into mine[0..c].
void update_and_project_rows(const double* basis, Index ld, Index begin, Index end, Index c,
                             const double* w, double alpha, const double* v,
                             const double* correction, bool project, double* f, double* mine) {
    if (correction == nullptr) {
#pragma omp simd
        for (Index r = begin; r < end; ++r) f[r] = w[r] - alpha * v[r];
    } else {
        subtract_combination(basis, ld, begin, end, c, correction, f);
    }
    if (project) accumulate_projection(basis, ld, begin, end, c, f, mine);
    mine[c] += dot_rows(f, f, begin, end);
}

// One pass over rows: f = w − alpha·v (when `correction` is null), or
// f −= V·correction; then, if `project`, projection[0..c) = Vᵀf (else zeros)
// and, in projection[c], ‖f‖². Cache-blocked: each block of V is read from
// memory once.
void update_and_project(const double* basis, Index ld, Index n, Index c, const double* w,
                        double alpha, const double* v, const double* correction, bool project,
                        double* f, double* projection) {
    auto block = [&](Index begin, double* mine) {
        update_and_project_rows(basis, ld, begin, std::min(n, begin + block_rows), c, w, alpha, v,
                                correction, project, f, mine);
    };
    if (!run_parallel(n)) {  // no OpenMP region at all: its entry costs more than small work
        std::fill(projection, projection + c + 1, 0.0);
        for (Index begin = 0; begin < n; begin += block_rows) block(begin, projection);
        return;
    }
    const int threads = omp_get_max_threads();
    PartialSums partial(threads, c + 1);
#pragma omp parallel num_threads(threads)
    {
        double* mine = partial.of_thread(omp_get_thread_num());
#pragma omp for schedule(static)
        for (Index begin = 0; begin < n; begin += block_rows) block(begin, mine);
    }
    partial.reduce(threads, projection);
}

}  // namespace

void residual_and_project(const double* basis, Index ld, Index n, Index c, const double* w,
                          double alpha, const double* v, double* f, double* projection) {
    update_and_project(basis, ld, n, c, w, alpha, v, nullptr, true, f, projection);
}

void correct_and_project(const double* basis, Index ld, Index n, Index c, const double* correction,
                         double* f, double* projection) {
    update_and_project(basis, ld, n, c, nullptr, 0.0, nullptr, correction, true, f, projection);
}

double correct_and_norm(const double* basis, Index ld, Index n, Index c, const double* correction,
                        double* f) {
    std::vector<double> sums(static_cast<std::size_t>(c) + 1);
    update_and_project(basis, ld, n, c, nullptr, 0.0, nullptr, correction, false, f, sums.data());
    return sums[static_cast<std::size_t>(c)];
}

// w −= h·previous, returning vᵀw after the update.
double subtract_and_dot(double* w, double h, const double* previous, const double* v, Index n) {
    return parallel::ordered_sums<1>(
        n, run_parallel(n), [w, h, previous, v](Index begin, Index end, double* sum) {
            sum[0] = subtract_and_dot_rows(w, h, previous, v, begin, end);
        })[0];
}

void scale_into(const double* f, double factor, double* v, Index n) {
#pragma omp parallel for schedule(static) if (run_parallel(n))
    for (Index i = 0; i < n; ++i) v[i] = factor * f[i];
}

namespace {

// block (rows × p) = V[0..rows, 0..m)·weights for the column-major V with
// leading dimension ld: unit-stride column updates. (Eigen's lazyProduct
// walks the rows of V with stride ld: 18 % of a 4elt top-10 run.)
void combine_rows(const double* v, Index ld, Index rows, Index m, const Eigen::MatrixXd& weights,
                  Eigen::MatrixXd& block) {
    const Index p = weights.cols();
    block.resize(rows, p);
    for (Index j = 0; j < p; ++j) {
        double* out = block.col(j).data();
        std::fill(out, out + rows, 0.0);
        const double* w = weights.col(j).data();
        Index l = 0;
        for (; l + 4 <= m; l += 4) {
            const FourColumns col = four_columns(v, ld, l);
#pragma omp simd
            for (Index r = 0; r < rows; ++r)
                out[r] += w[l] * col.c0[r] + w[l + 1] * col.c1[r] + w[l + 2] * col.c2[r] +
                          w[l + 3] * col.c3[r];
        }
        for (; l < m; ++l) {
            const double* column = v + l * ld;
#pragma omp simd
            for (Index r = 0; r < rows; ++r) out[r] += w[l] * column[r];
        }
    }
}

// For each row block: the block's rows of V[:, 0..m)·weights, handed to
// `store(begin, rows, block)`. Blocks are independent, so `store` may
// overwrite the same rows of V.
template <class Store>
void for_each_combined_block(const double* basis, Index ld, Index n, const Eigen::MatrixXd& weights,
                             Store store) {
    using Eigen::MatrixXd;
    const Index m = weights.rows();
    auto run = [&](Index begin, MatrixXd& block) {
        const Index rows = std::min(n, begin + block_rows) - begin;
        combine_rows(basis + begin, ld, rows, m, weights, block);
        store(begin, rows, block);
    };
    if (!run_parallel(n)) {
        MatrixXd block;  // no OpenMP region: small problems stay on one thread
        for (Index begin = 0; begin < n; begin += block_rows) run(begin, block);
        return;
    }
    parallel::FirstException errors;  // the blocks are allocated per thread
#pragma omp parallel
    {
        MatrixXd block;
#pragma omp for schedule(static)
        for (Index begin = 0; begin < n; begin += block_rows)
            errors.run([&] { run(begin, block); });
    }
    errors.rethrow();
}

}  // namespace

void combine_basis_in_place(double* basis, Index ld, Index n, const Eigen::MatrixXd& weights) {
    for_each_combined_block(
        basis, ld, n, weights, [&](Index begin, Index rows, const Eigen::MatrixXd& block) {
            for (Index j = 0; j < block.cols(); ++j)
                std::copy(block.col(j).data(), block.col(j).data() + rows, basis + j * ld + begin);
        });
}

void combine_basis(const double* basis, Index ld, Index n, const Eigen::MatrixXd& weights,
                   double* out) {
    for_each_combined_block(
        basis, ld, n, weights, [&](Index begin, Index rows, const Eigen::MatrixXd& block) {
            for (Index j = 0; j < block.cols(); ++j)
                std::copy(block.col(j).data(), block.col(j).data() + rows, out + j * n + begin);
        });
}

}  // namespace ridgelens::detail
