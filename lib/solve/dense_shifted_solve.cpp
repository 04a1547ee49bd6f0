#include "ridgelens/solve/dense_shifted_solve.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "ridgelens/error.hpp"
#include "spectrum/lapack_symmetric_eigen.hpp"

namespace ridgelens {

MultiShiftResult solve_shifted_dense(const DenseMatrix& h, const std::vector<double>& shifts,
                                     const Vector& b, double tolerance, Vector* eigenvalues) {
    const auto start = std::chrono::steady_clock::now();
    const Index n = h.rows();
    if (h.cols() != n)
        throw UsageError("solve_shifted_dense: H is " + std::to_string(n) + "x" +
                         std::to_string(h.cols()) + ", not square");
    if (b.size() != n)
        throw UsageError("solve_shifted_dense: right-hand side has length " +
                         std::to_string(b.size()) + ", H has dimension " + std::to_string(n));
    for (double shift : shifts)
        if (!std::isfinite(shift)) throw UsageError("solve_shifted_dense: a shift is not finite");

    MultiShiftResult result;
    const auto count = static_cast<Index>(shifts.size());
    result.solutions.resize(shifts.size());
    for (SolveResult& solution : result.solutions) {
        solution.solver = SolverKind::dense_eigendecomposition;
        solution.x = Vector::Zero(n);
    }
    DenseMatrix q = h;
    Vector sigma;
    const std::string failure = detail::lapack_symmetric_eigen(q, true, sigma);
    if (eigenvalues != nullptr) *eigenvalues = failure.empty() ? Vector(sigma.reverse()) : Vector();
    if (!failure.empty()) {
        const bool non_finite = !h.allFinite();
        for (SolveResult& solution : result.solutions) {
            solution.status = non_finite ? SolveStatus::non_finite : SolveStatus::not_converged;
            solution.relative_residual = std::nan("");
            solution.message = "eigendecomposition of H: " + failure;
        }
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (SolveResult& solution : result.solutions) solution.seconds = result.seconds;
        return result;
    }
    const double smallest = n > 0 ? sigma[0] : 0.0;
    // σ_min + λ within rounding of zero counts as singular, not as a solve.
    const double scale = n > 0 ? std::max(std::abs(sigma[0]), std::abs(sigma[n - 1])) : 0.0;
    const double singular_floor =
        static_cast<double>(n) * std::numeric_limits<double>::epsilon() * scale;
    // All solutions at once: X = Q·diag-scaled (Qᵀb) per shift.
    const Vector coefficients = q.transpose() * b;
    DenseMatrix scaled(n, count);
    for (Index i = 0; i < count; ++i)
        scaled.col(i) =
            coefficients.array() / (sigma.array() + shifts[static_cast<std::size_t>(i)]);
    // Column by column (matrix-vector products), not one threaded
    // matrix-matrix product (bench/README.md, "Design measurements": dense solves).
    DenseMatrix x(n, count), residual(n, count);
    for (Index i = 0; i < count; ++i) x.col(i).noalias() = q * scaled.col(i);
    // Residuals with H itself: r = (H + λI)x − b.
    for (Index i = 0; i < count; ++i) residual.col(i).noalias() = h * x.col(i);
    const double b_norm = b.norm();
    for (Index i = 0; i < count; ++i) {
        SolveResult& solution = result.solutions[static_cast<std::size_t>(i)];
        const double shift = shifts[static_cast<std::size_t>(i)];
        std::ostringstream message;
        if (!(smallest + shift > singular_floor)) {
            solution.status = SolveStatus::not_positive_definite;
            solution.relative_residual = std::nan("");
            message << "H + " << shift << "·I is not positive definite (σ_min(H) = " << smallest
                    << "; σ_min + λ at or below " << singular_floor << ")";
            solution.message = message.str();
            continue;
        }
        residual.col(i) += shift * x.col(i) - b;
        solution.x = x.col(i);
        const double norm = residual.col(i).norm();
        solution.relative_residual = b_norm > 0 ? norm / b_norm : norm;
        if (!solution.x.allFinite() || !std::isfinite(solution.relative_residual)) {
            solution.status = SolveStatus::non_finite;
            message << "non-finite solution or residual";
        } else if (solution.relative_residual <= tolerance) {
            solution.status = SolveStatus::converged;
            message << "dense eigendecomposition (n = " << n << "), recomputed residual "
                    << solution.relative_residual;
        } else {
            solution.status = SolveStatus::not_converged;
            message << "recomputed residual " << solution.relative_residual << " above tolerance "
                    << tolerance << " (cond(H + λI) ≈ "
                    << (sigma[n - 1] + shift) / (smallest + shift) << ")";
        }
        solution.message = message.str();
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (SolveResult& solution : result.solutions) solution.seconds = result.seconds;
    return result;
}

}  // namespace ridgelens
