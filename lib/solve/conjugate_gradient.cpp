#include "ridgelens/solve/conjugate_gradient.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <tuple>
#include <utility>

#include "parallel/ordered_sums.hpp"
#include "parallel/threading.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Inverse of the Jacobi preconditioner diag(H) + shift; entries that are not
// positive (a zero diagonal of a singular H with shift 0) fall back to 1.
Vector jacobi_inverse(const std::optional<Vector>& diagonal, double shift, Index n) {
    Vector inverse = Vector::Ones(n);
    if (!diagonal) return inverse;
    for (Index i = 0; i < n; ++i) {
        const double d = (*diagonal)[i] + shift;
        if (d > 0 && std::isfinite(d)) inverse[i] = 1.0 / d;
    }
    return inverse;
}

// The vector work of one CG iteration in three fused passes (13 vector loads
// and stores instead of the 18 of the textbook expressions), OpenMP-parallel
// from the library's threading threshold up (parallel/threading.hpp);
// bench_kernels.cpp (BM_cg_updates_*) measures both.
bool run_parallel(Index n) {
    return detail::threads_pay_off(n);
}

// Pass 1: pᵀq and pᵀp (the curvature pᵀ(H + shift·I)p = pᵀq + shift·pᵀp),
// and whether every entry of q = Hp is finite.
struct CurvatureSums {
    double pq = 0, pp = 0;
    bool finite = true;
};

// The loops are plain functions over [begin, end): written inside the
// ordered_sums lambda (pointers captured by reference) GCC 12 vectorized a
// similar loop with gathers, ≈ 4× slower (see parallel_lanczos.cpp).
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

CurvatureSums curvature_sums(const double* p, const double* q, Index n) {
    const auto sums = parallel::ordered_sums<3>(
        n, run_parallel(n),
        [p, q](Index begin, Index end, double* sum) { curvature_rows(p, q, begin, end, sum); });
    return {sums[0], sums[1], sums[2] == 0};
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

// Pass 2: x += αp, r −= α(q + shift·p); returns rᵀMr (M = diag(m)) and rᵀr.
std::pair<double, double> update_iterate(double alpha, double shift, const double* p,
                                         const double* q, const double* m, double* x, double* r,
                                         Index n) {
    const auto sums =
        parallel::ordered_sums<2>(n, run_parallel(n), [=](Index begin, Index end, double* sum) {
            update_rows(alpha, shift, p, q, m, x, r, begin, end, sum);
        });
    return {sums[0], sums[1]};
}

// Pass 3: p = M·r + βp.
void update_direction(double beta, const double* m, const double* r, double* p, Index n) {
#pragma omp parallel for schedule(static) if (run_parallel(n))
    for (Index i = 0; i < n; ++i) p[i] = m[i] * r[i] + beta * p[i];
}

}  // namespace

SolveResult solve_conjugate_gradient(OperatorRef op, double shift, const Vector& b,
                                     const std::optional<Vector>& diagonal,
                                     const CgOptions& options) {
    const Index n = op.rows();
    if (b.size() != n)
        throw UsageError("conjugate gradient: right-hand side has length " +
                         std::to_string(b.size()) + ", operator has dimension " +
                         std::to_string(n));
    if (!(shift >= 0)) throw UsageError("conjugate gradient: shift must be >= 0");
    if (diagonal && diagonal->size() != n)
        throw UsageError("conjugate gradient: diagonal length differs from the dimension");

    const auto start = Clock::now();
    const Index max_iterations = options.max_iterations > 0
                                     ? options.max_iterations
                                     : std::min<Index>(10 * op.global_rows(), 100000);
    SolveResult result;
    result.solver = SolverKind::cg;
    result.x = Vector::Zero(n);
    const double b_norm = op.norm(b);  // sums over the processes of a partitioned H
    if (b_norm == 0) {
        result.status = SolveStatus::converged;
        result.message = "right-hand side is zero; x = 0";
        result.seconds = seconds_since(start);
        return result;
    }

    const Vector inverse_diagonal = jacobi_inverse(diagonal, shift, n);
    Vector r = b, p = inverse_diagonal.cwiseProduct(r), q(n);
    double rz = op.dot(r, p);
    const double threshold = options.tolerance * b_norm;
    double r_norm = b_norm;
    Index iteration = 0;
    std::ostringstream failure;
    for (; iteration < max_iterations && r_norm > threshold; ++iteration) {
        op.perform_op(p.data(), q.data());
        CurvatureSums sums = curvature_sums(p.data(), q.data(), n);
        if (op.partition() != nullptr) {
            double partial[3] = {sums.pq, sums.pp, sums.finite ? 0.0 : 1.0};
            op.sum(partial, 3);
            sums = {partial[0], partial[1], partial[2] == 0};
        }
        if (!sums.finite) {
            result.status = SolveStatus::non_finite;
            failure << "the operator returned NaN or Inf at iteration " << iteration + 1
                    << " (product " << iteration + 1 << " with H); x is the last finite iterate";
            break;
        }
        const double curvature = sums.pq + shift * sums.pp;
        if (!std::isfinite(curvature)) {
            result.status = SolveStatus::non_finite;
            failure << "non-finite curvature pᵀ(H+λI)p at iteration " << iteration + 1
                    << " (overflow); x is the last finite iterate";
            break;
        }
        if (curvature <= 0) {
            result.status = SolveStatus::not_positive_definite;
            failure << "non-positive curvature pᵀ(H+λI)p = " << curvature << " at iteration "
                    << iteration + 1 << ": H + λI is not positive definite";
            break;
        }
        const double alpha = rz / curvature;
        double next[2];
        std::tie(next[0], next[1]) =
            update_iterate(alpha, shift, p.data(), q.data(), inverse_diagonal.data(),
                           result.x.data(), r.data(), n);
        op.sum(next, 2);
        const double rz_next = next[0], rr = next[1];
        update_direction(rz_next / rz, inverse_diagonal.data(), r.data(), p.data(), n);
        rz = rz_next;
        r_norm = std::sqrt(rr);
        if (!std::isfinite(r_norm)) {
            result.status = SolveStatus::non_finite;
            failure << "the residual became NaN or Inf at iteration " << iteration + 1;
            ++iteration;
            break;
        }
    }
    result.iterations = iteration;
    result.relative_residual = relative_residual(op, shift, result.x, b);
    if (!std::isfinite(result.relative_residual) && result.status != SolveStatus::non_finite) {
        result.status = SolveStatus::non_finite;
        failure << "recomputed residual is not finite";
    }
    std::ostringstream message;
    if (!failure.str().empty()) {
        message << failure.str();
    } else if (result.relative_residual <= 10 * options.tolerance) {
        result.status = SolveStatus::converged;
        message << "converged in " << iteration << " iterations";
    } else {
        result.status = SolveStatus::not_converged;
        message << "not converged after " << iteration << " iterations: recomputed relative "
                << "residual " << result.relative_residual << " > " << 10 * options.tolerance;
    }
    result.message = message.str();
    result.seconds = seconds_since(start);
    return result;
}

}  // namespace ridgelens
