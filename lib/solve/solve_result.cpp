#include "ridgelens/solve/solve_result.hpp"

#include <cmath>

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
        case SolveStatus::singular:
            return "singular";
    }
    return "unknown";
}

const char* to_string(SolverKind solver) {
    switch (solver) {
        case SolverKind::none:
            return "none";
        case SolverKind::cholmod:
            return "cholmod";
        case SolverKind::cg:
            return "cg";
        case SolverKind::multishift_cg:
            return "multishift_cg";
        case SolverKind::deflated_multishift_cg:
            return "deflated_multishift_cg";
        case SolverKind::dense_eigendecomposition:
            return "dense_eigendecomposition";
        case SolverKind::minres:
            return "minres";
        case SolverKind::petsc_cg:
            return "petsc_cg";
        case SolverKind::petsc_minres:
            return "petsc_minres";
    }
    return "unknown";
}

double relative_residual(OperatorRef op, double shift, const Vector& x, const Vector& b) {
    Vector residual(op.rows());
    op.perform_op(x.data(), residual.data());
    residual += shift * x - b;
    double squares[2] = {residual.squaredNorm(), b.squaredNorm()};
    op.sum(squares, 2);
    const double residual_norm = std::sqrt(squares[0]), b_norm = std::sqrt(squares[1]);
    return b_norm > 0 ? residual_norm / b_norm : residual_norm;
}

}  // namespace ridgelens
