#include "ridgelens/solve/conjugate_gradient.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

#include "krylov/conjugate_gradient_core.hpp"
#include "krylov/jacobi_preconditioner.hpp"
#include "ridgelens/error.hpp"

// The exact single-shift solve: validation, the shared CG recurrence
// (krylov/conjugate_gradient_core.hpp), verification by a recomputed residual
// and the status text.

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void check_arguments(OperatorRef op, double shift, const Vector& b,
                     const std::optional<Vector>& diagonal) {
    const Index n = op.rows();
    if (b.size() != n)
        throw UsageError("conjugate gradient: right-hand side has length " +
                         std::to_string(b.size()) + ", operator has dimension " +
                         std::to_string(n));
    if (!(shift >= 0)) throw UsageError("conjugate gradient: shift must be >= 0");
    if (diagonal && diagonal->size() != n)
        throw UsageError("conjugate gradient: diagonal length differs from the dimension");
}

// The status and message of a run that stopped before convergence, or
// converged (with an empty message) when the recurrence met its tolerance or
// the iteration cap (the recomputed residual then decides).
std::pair<SolveStatus, std::string> run_failure(const krylov::CgRun& run) {
    using krylov::CgOutcome;
    std::ostringstream failure;
    const Index next = run.iterations + 1;
    switch (run.outcome) {
        case CgOutcome::non_finite_product:
            failure << "the operator returned NaN or Inf at iteration " << next << " (product "
                    << next << " with H); x is the last finite iterate";
            return {SolveStatus::non_finite, failure.str()};
        case CgOutcome::non_finite_curvature:
            failure << "non-finite curvature pᵀ(H+λI)p at iteration " << next
                    << " (overflow); x is the last finite iterate";
            return {SolveStatus::non_finite, failure.str()};
        case CgOutcome::non_positive_curvature:
            failure << "non-positive curvature pᵀ(H+λI)p = " << run.curvature << " at iteration "
                    << next << ": H + λI is not positive definite";
            return {SolveStatus::not_positive_definite, failure.str()};
        case CgOutcome::non_finite_residual:
            failure << "the residual became NaN or Inf at iteration " << run.iterations;
            return {SolveStatus::non_finite, failure.str()};
        default:
            return {SolveStatus::converged, {}};
    }
}

}  // namespace

SolveResult solve_conjugate_gradient(OperatorRef op, double shift, const Vector& b,
                                     const std::optional<Vector>& diagonal,
                                     const CgOptions& options) {
    check_arguments(op, shift, b, diagonal);
    const auto start = Clock::now();
    krylov::CgStops stops;
    stops.relative_tolerance = options.tolerance;
    stops.max_iterations = options.max_iterations > 0
                               ? options.max_iterations
                               : std::min<Index>(10 * op.global_rows(), 100000);
    krylov::CgRun run =
        krylov::run_cg(op, shift, b, krylov::jacobi_inverse(diagonal, shift, op.rows()), stops);
    SolveResult result;
    result.solver = SolverKind::cg;
    result.x = std::move(run.x);
    if (run.b_norm == 0) {
        result.status = SolveStatus::converged;
        result.message = "right-hand side is zero; x = 0";
        result.seconds = seconds_since(start);
        return result;
    }
    std::string failure;
    std::tie(result.status, failure) = run_failure(run);
    result.iterations = run.iterations;
    result.relative_residual = relative_residual(op, shift, result.x, b);
    if (!std::isfinite(result.relative_residual) && result.status != SolveStatus::non_finite) {
        result.status = SolveStatus::non_finite;
        failure += "recomputed residual is not finite";
    }
    std::ostringstream message;
    if (!failure.empty()) {
        message << failure;
    } else if (result.relative_residual <= 10 * options.tolerance) {
        result.status = SolveStatus::converged;
        message << "converged in " << run.iterations << " iterations";
    } else {
        result.status = SolveStatus::not_converged;
        message << "not converged after " << run.iterations << " iterations: recomputed relative "
                << "residual " << result.relative_residual << " > " << 10 * options.tolerance;
    }
    result.message = message.str();
    result.seconds = seconds_since(start);
    return result;
}

}  // namespace ridgelens
