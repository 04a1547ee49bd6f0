#include "krylov/truncated_cg.hpp"

#include <cmath>
#include <utility>

#include "krylov/conjugate_gradient_core.hpp"

namespace ridgelens::krylov {

TruncatedCgResult truncated_cg(OperatorRef op, const Vector& b, const TruncatedCgOptions& options) {
    CgStops stops;
    stops.relative_tolerance = options.eta;
    stops.max_iterations = options.max_iterations;
    stops.deadline = options.deadline;
    stops.radius = options.radius;
    stops.textbook_arithmetic = true;  // the rounding Newton-CG has always had
    const bool precondition = options.inverse_diagonal.size() == b.size();
    CgRun run =
        run_cg(op, options.shift, b,
               precondition ? options.inverse_diagonal : Vector(Vector::Ones(b.size())), stops);
    TruncatedCgResult result;
    result.iterations = run.iterations;
    result.products = run.products;
    switch (run.outcome) {
        case CgOutcome::non_finite_product:  // a fault, not negative curvature: the caller stops
            result.non_finite_iteration = run.iterations + 1;
            break;
        case CgOutcome::non_finite_residual:
            result.non_finite_iteration = run.iterations;
            break;
        case CgOutcome::non_finite_curvature:
        case CgOutcome::non_positive_curvature:
            result.negative_curvature = true;
            result.on_boundary =
                run.outcome == CgOutcome::non_positive_curvature && std::isfinite(options.radius);
            // Without a trust region, a first direction of negative curvature
            // gives b itself (the steepest-descent direction for b = −∇F).
            if (!result.on_boundary && run.iterations == 0) run.x = b;
            break;
        case CgOutcome::boundary:
            result.on_boundary = true;
            break;
        case CgOutcome::out_of_time:
            result.out_of_time = true;
            break;
        default:
            break;
    }
    result.step = std::move(run.x);
    result.residual = std::move(run.r);
    result.direction = std::move(run.direction);
    return result;
}

}  // namespace ridgelens::krylov
