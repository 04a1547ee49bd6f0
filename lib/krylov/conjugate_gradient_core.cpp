#include "krylov/conjugate_gradient_core.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "krylov/cg_kernels.hpp"

namespace ridgelens::krylov {
namespace {

// pᵀq, pᵀp and the finiteness of q, summed over the processes.
CurvatureSums global_curvature_sums(OperatorRef op, const Vector& p, const Vector& q) {
    CurvatureSums sums = curvature_sums(p.data(), q.data(), p.size());
    if (op.partition() == nullptr) return sums;
    double partial[3] = {sums.pq, sums.pp, sums.finite ? 0.0 : 1.0};
    op.sum(partial, 3);
    return {partial[0], partial[1], partial[2] == 0};
}

// The textbook first pass: whether Hp is finite, then q = Hp + shift·p and
// pᵀq (the curvature, in `pq`); pᵀp only when a trust region needs it.
CurvatureSums textbook_curvature(OperatorRef op, double shift, const Vector& p, Vector& q,
                                 bool need_pp) {
    double finite = q.allFinite() ? 0 : 1;
    op.sum(&finite, 1);
    if (finite > 0) return {0, 0, false};
    q += shift * p;
    return {op.dot(p, q), need_pp ? op.dot(p, p) : 0.0, true};
}

// The τ ≥ 0 with ‖x + τp‖ = radius (‖x‖ ≤ radius), or −1 when x + step·p
// stays strictly inside (step = infinity: along p to the boundary).
double boundary_step(OperatorRef op, const Vector& x, const Vector& p, double pp, double step,
                     double radius) {
    double sums[2] = {x.dot(x), x.dot(p)};
    op.sum(sums, 2);
    const double xx = sums[0], xp = sums[1], rr = radius * radius;
    if (std::isfinite(step) && xx + step * (2 * xp + step * pp) < rr) return -1;
    const double root = std::sqrt(std::max(0.0, xp * xp + pp * (rr - xx)));
    // The positive root, written without cancellation for either sign of xp.
    return xp > 0 ? (rr - xx) / (xp + root) : (root - xp) / pp;
}

// x += τp and r −= τ(q + shift·p): the step to the trust-region boundary.
void step_to_boundary(CgRun& run, double tau, double shift, const Vector& p, const Vector& q) {
    run.x += tau * p;
    run.r -= tau * (q + shift * p);
    ++run.iterations;
    run.outcome = CgOutcome::boundary;
}

}  // namespace

CgRun run_cg(OperatorRef op, double shift, const Vector& b, const Vector& inverse_diagonal,
             const CgStops& stops) {
    const Index n = b.size();
    const double* m = inverse_diagonal.data();
    const bool trust_region = std::isfinite(stops.radius);
    const bool timed = stops.deadline != std::chrono::steady_clock::time_point::max();
    CgRun run;
    run.x = Vector::Zero(n);
    run.r = b;
    Vector p = inverse_diagonal.cwiseProduct(b), q(n), z;
    double rz = op.dot(b, p);
    run.b_norm = op.norm(b);
    const double threshold = stops.relative_tolerance * run.b_norm;
    double r_norm = run.b_norm;
    run.outcome = CgOutcome::converged;
    while (r_norm > threshold) {
        if (run.iterations >= stops.max_iterations) {
            run.outcome = CgOutcome::iteration_cap;
            break;
        }
        if (timed && run.iterations > 0 && std::chrono::steady_clock::now() >= stops.deadline) {
            run.outcome = CgOutcome::out_of_time;
            break;
        }
        op.perform_op(p.data(), q.data());
        ++run.products;
        const CurvatureSums sums = stops.textbook_arithmetic
                                       ? textbook_curvature(op, shift, p, q, trust_region)
                                       : global_curvature_sums(op, p, q);
        // The textbook pass has formed q = (H + shift·I)p in place.
        const double q_shift = stops.textbook_arithmetic ? 0.0 : shift;
        if (!sums.finite) {
            run.outcome = CgOutcome::non_finite_product;
            break;
        }
        run.curvature = stops.textbook_arithmetic ? sums.pq : sums.pq + shift * sums.pp;
        if (!std::isfinite(run.curvature)) {
            run.outcome = CgOutcome::non_finite_curvature;
            break;
        }
        if (run.curvature <= 0) {
            if (trust_region)
                step_to_boundary(run, boundary_step(op, run.x, p, sums.pp, INFINITY, stops.radius),
                                 q_shift, p, q);
            run.outcome = CgOutcome::non_positive_curvature;
            run.direction = std::move(p);
            break;
        }
        const double alpha = rz / run.curvature;
        const double tau =
            trust_region ? boundary_step(op, run.x, p, sums.pp, alpha, stops.radius) : -1;
        if (tau >= 0) {
            step_to_boundary(run, tau, q_shift, p, q);
            break;
        }
        ++run.iterations;
        if (stops.textbook_arithmetic) {
            run.x += alpha * p;
            run.r -= alpha * q;
            r_norm = op.norm(run.r);
            if (r_norm <= threshold) break;  // converged: no new direction needed
            z = inverse_diagonal.cwiseProduct(run.r);
            const double rz_next = op.dot(run.r, z);
            p = z + (rz_next / rz) * p;
            rz = rz_next;
        } else {
            const ResidualSums local =
                update_iterate(alpha, shift, p.data(), q.data(), m, run.x.data(), run.r.data(), n);
            double next[2] = {local.rz, local.rr};
            op.sum(next, 2);
            update_direction(next[0] / rz, m, run.r.data(), p.data(), n);
            rz = next[0];
            r_norm = std::sqrt(next[1]);
        }
        if (!std::isfinite(r_norm)) {
            run.outcome = CgOutcome::non_finite_residual;
            break;
        }
    }
    return run;
}

}  // namespace ridgelens::krylov
