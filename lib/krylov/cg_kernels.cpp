#include "krylov/cg_kernels.hpp"

#include <cmath>

#include "parallel/ordered_sums.hpp"
#include "parallel/threading.hpp"

namespace ridgelens::krylov {
namespace {

bool run_parallel(Index n) {
    return detail::threads_pay_off(n);
}

// The loops are plain functions over [begin, end), not lambdas (bench/README.md,
// "Design measurements": reductions in lambdas).
void curvature_rows(const double* p, const double* q, Index begin, Index end, double* sum) {
    double pq = 0, pp = 0, non_finite = 0;
#pragma omp simd reduction(+ : pq, pp, non_finite)
    for (Index i = begin; i < end; ++i) {
        pq += p[i] * q[i];
        pp += p[i] * p[i];
        non_finite += std::isfinite(q[i]) ? 0 : 1;
    }
    sum[0] = pq;
    sum[1] = pp;
    sum[2] = non_finite;
}

void update_rows(double alpha, double shift, const double* p, const double* q, const double* m,
                 double* x, double* r, Index begin, Index end, double* sum) {
    double rz = 0, rr = 0;
#pragma omp simd reduction(+ : rz, rr)
    for (Index i = begin; i < end; ++i) {
        x[i] += alpha * p[i];
        const double residual = r[i] - alpha * (q[i] + shift * p[i]);
        r[i] = residual;
        rz += residual * m[i] * residual;
        rr += residual * residual;
    }
    sum[0] = rz;
    sum[1] = rr;
}

}  // namespace

CurvatureSums curvature_sums(const double* p, const double* q, Index n) {
    const auto sums = parallel::ordered_sums<3>(
        n, run_parallel(n),
        [p, q](Index begin, Index end, double* sum) { curvature_rows(p, q, begin, end, sum); });
    return {sums[0], sums[1], sums[2] == 0};
}

ResidualSums update_iterate(double alpha, double shift, const double* p, const double* q,
                            const double* m, double* x, double* r, Index n) {
    const auto sums =
        parallel::ordered_sums<2>(n, run_parallel(n), [=](Index begin, Index end, double* sum) {
            update_rows(alpha, shift, p, q, m, x, r, begin, end, sum);
        });
    return {sums[0], sums[1]};
}

void update_direction(double beta, const double* m, const double* r, double* p, Index n) {
#pragma omp parallel for schedule(static) if (run_parallel(n))
    for (Index i = 0; i < n; ++i) p[i] = m[i] * r[i] + beta * p[i];
}

}  // namespace ridgelens::krylov
