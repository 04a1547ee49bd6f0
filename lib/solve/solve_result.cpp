#include "ridgelens/solve/solve_result.hpp"

namespace ridgelens {

const char* to_string(SolveStatus status) {
    switch (status) {
        case SolveStatus::converged:
            return "converged";
        case SolveStatus::not_converged:
            return "not_converged";
        case SolveStatus::not_positive_definite:
            return "not_positive_definite";
        case SolveStatus::non_finite:
            return "non_finite";
    }
    return "unknown";
}

double relative_residual(OperatorRef op, double shift, const Vector& x, const Vector& b) {
    Vector residual(op.rows());
    op.perform_op(x.data(), residual.data());
    residual += shift * x - b;
    const double b_norm = b.norm();
    return b_norm > 0 ? residual.norm() / b_norm : residual.norm();
}

}  // namespace ridgelens
