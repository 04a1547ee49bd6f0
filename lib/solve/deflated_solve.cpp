#include "ridgelens/solve/deflated_solve.hpp"

#include <chrono>
#include <sstream>

#include "ridgelens/error.hpp"

namespace ridgelens {

DeflatedOperator::DeflatedOperator(OperatorRef hessian, const DenseMatrix& basis)
    : hessian_(hessian), basis_(&basis), projected_(hessian.rows()) {
    if (basis.rows() != hessian.rows())
        throw UsageError("deflation: basis has " + std::to_string(basis.rows()) +
                         " rows, operator has dimension " + std::to_string(hessian.rows()));
}

void DeflatedOperator::perform_op(const double* x, double* y) const {
    const Index n = rows();
    const Eigen::Map<const Vector> in(x, n);
    Eigen::Map<Vector> out(y, n);
    const DenseMatrix& q = *basis_;
    Vector coefficients = q.transpose() * in;
    hessian_.sum(coefficients.data(), coefficients.size());
    projected_.noalias() = in - q * coefficients;
    hessian_.perform_op(projected_.data(), y);
    coefficients.noalias() = q.transpose() * out;
    hessian_.sum(coefficients.data(), coefficients.size());
    out.noalias() -= q * coefficients;
}

MultiShiftResult solve_multishift_deflated(OperatorRef hessian, const Eigenpairs& pairs,
                                           const std::vector<double>& shifts, const Vector& b,
                                           const MultiShiftCgOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const Index n = hessian.rows();
    if (b.size() != n)
        throw UsageError("deflated solve: right-hand side has length " + std::to_string(b.size()) +
                         ", operator has dimension " + std::to_string(n));
    const DenseMatrix& q = pairs.vectors;
    if (q.rows() != n || q.cols() != pairs.values.size())
        throw UsageError("deflated solve: eigenvectors do not match the operator");

    const Vector b_components = hessian.transpose_product(q, b);
    const Vector b_rest = b - q * b_components;
    const DeflatedOperator deflated(hessian, q);
    MultiShiftCgOptions inner = options;
    inner.verify_residuals = false;  // verified below against the full H
    MultiShiftResult result = solve_multishift_cg(deflated, shifts, b_rest, inner);

    Vector product(n);
    const double b_norm = hessian.norm(b);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        SolveResult& solution = result.solutions[i];
        const double shift = shifts[i];
        // x = Q (Σ+λ)⁻¹ Qᵀb + x⊥, with x⊥ kept out of span(Q).
        Vector exact_part(b_components.size());
        for (Index j = 0; j < exact_part.size(); ++j)
            exact_part[j] = b_components[j] / (pairs.values[j] + shift);
        solution.x -= q * hessian.transpose_product(q, solution.x);
        solution.x += q * exact_part;
        solution.solver = SolverKind::deflated_multishift_cg;
        hessian.perform_op(solution.x.data(), product.data());
        ++result.matvecs;
        product += shift * solution.x - b;
        const double residual = hessian.norm(product);
        solution.relative_residual = b_norm > 0 ? residual / b_norm : residual;
        const bool inner_ok = solution.status == SolveStatus::converged ||
                              solution.status == SolveStatus::not_converged;
        if (!inner_ok) continue;  // keep the inner failure (indefinite, non-finite)
        if (solution.relative_residual <= 10 * options.tolerance) {
            solution.status = SolveStatus::converged;
        } else {
            solution.status = SolveStatus::not_converged;
            std::ostringstream message;
            message << "recomputed residual " << solution.relative_residual << " > "
                    << 10 * options.tolerance << " (deflated CG: " << solution.message
                    << "); inaccurate eigenpairs limit deflation — tighten EigenOptions::tolerance";
            solution.message = message.str();
        }
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace ridgelens
