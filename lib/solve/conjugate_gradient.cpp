#include "ridgelens/solve/conjugate_gradient.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

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
    const Index max_iterations =
        options.max_iterations > 0 ? options.max_iterations : std::min<Index>(10 * n, 100000);
    SolveResult result;
    result.solver = "cg";
    result.x = Vector::Zero(n);
    const double b_norm = b.norm();
    if (b_norm == 0) {
        result.status = SolveStatus::converged;
        result.message = "right-hand side is zero; x = 0";
        result.seconds = seconds_since(start);
        return result;
    }

    const Vector inverse_diagonal = jacobi_inverse(diagonal, shift, n);
    Vector r = b, z = inverse_diagonal.cwiseProduct(r), p = z, q(n);
    double rz = r.dot(z);
    const double threshold = options.tolerance * b_norm;
    double r_norm = b_norm;
    Index iteration = 0;
    std::ostringstream failure;
    for (; iteration < max_iterations && r_norm > threshold; ++iteration) {
        op.perform_op(p.data(), q.data());
        q += shift * p;
        const double curvature = p.dot(q);
        if (!std::isfinite(curvature)) {
            result.status = SolveStatus::non_finite;
            failure << "non-finite value in the operator output at iteration " << iteration + 1;
            break;
        }
        if (curvature <= 0) {
            result.status = SolveStatus::not_positive_definite;
            failure << "non-positive curvature pᵀ(H+λI)p = " << curvature << " at iteration "
                    << iteration + 1 << ": H + λI is not positive definite";
            break;
        }
        const double alpha = rz / curvature;
        result.x += alpha * p;
        r -= alpha * q;
        z = inverse_diagonal.cwiseProduct(r);
        const double rz_next = r.dot(z);
        p = z + (rz_next / rz) * p;
        rz = rz_next;
        r_norm = r.norm();
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
