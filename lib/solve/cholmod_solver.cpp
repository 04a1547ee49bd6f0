#include "ridgelens/solve/cholmod_solver.hpp"

#include <Eigen/CholmodSupport>
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

// y = H·x with the caller's matrix (both triangles stored), for the residual
// of each solve: one product per solve, and no copy of H next to the factor
// (SparseSymmetricOperator would keep a copy of one triangle).
struct CallerMatrixProduct {
    using Scalar = double;
    const SparseMatrix* matrix;
    Index rows() const { return matrix->rows(); }
    Index cols() const { return matrix->cols(); }
    void perform_op(const double* x, double* y) const {
        Eigen::Map<Vector>(y, rows()).noalias() = *matrix * Eigen::Map<const Vector>(x, cols());
    }
};

// CHOLMOD cannot take a matrix without stored entries (Eigen hands it a null
// value array and the supernodal factorization dereferences it): H = 0 is
// factored through its diagonal of explicit zeros, the same matrix.
SparseMatrix stored_zero_diagonal(Index n) {
    SparseMatrix zero(n, n);
    zero.reserve(Eigen::VectorXi::Ones(n));
    for (Index i = 0; i < n; ++i) zero.insert(i, i) = 0.0;
    zero.makeCompressed();
    return zero;
}

}  // namespace

struct CholmodSolver::Impl {
    explicit Impl(const SparseMatrix& m)
        : zero(m.nonZeros() == 0 ? stored_zero_diagonal(m.rows()) : SparseMatrix()),
          matrix(m.nonZeros() == 0 ? zero : m),
          op{&matrix} {}

    SparseMatrix zero;  ///< H = 0 with its diagonal stored, only for a matrix without entries
    const SparseMatrix& matrix;
    CallerMatrixProduct op;
    Eigen::CholmodSupernodalLLT<SparseMatrix, Eigen::Lower> factorization;
    double analysis_seconds = 0;
    double factorization_seconds = 0;
    double factored_shift = 0;
    bool factored = false;
};

CholmodSolver::CholmodSolver(const SparseMatrix& matrix) {
    if (matrix.rows() != matrix.cols()) throw UsageError("CHOLMOD: matrix is not square");
    impl_ = std::make_unique<Impl>(matrix);
    cholmod_common& common = impl_->factorization.cholmod();
    common.print = 0;                       // failures become statuses, not stderr noise
    common.quick_return_if_not_posdef = 1;  // stop at the first non-positive pivot
    const auto start = Clock::now();
    impl_->factorization.analyzePattern(impl_->matrix);
    impl_->analysis_seconds = seconds_since(start);
}

CholmodSolver::~CholmodSolver() = default;

bool CholmodSolver::factorize(double shift) {
    if (!std::isfinite(shift)) throw UsageError("CHOLMOD: shift is not finite");
    const auto start = Clock::now();
    impl_->factorization.setShift(shift);
    impl_->factorization.factorize(impl_->matrix);
    impl_->factorization_seconds = seconds_since(start);
    impl_->factored_shift = shift;
    impl_->factored = impl_->factorization.info() == Eigen::Success;
    return impl_->factored;
}

SolveResult CholmodSolver::solve(double shift, const Vector& b) {
    const Index n = impl_->matrix.rows();
    if (b.size() != n)
        throw UsageError("CHOLMOD: right-hand side has length " + std::to_string(b.size()) +
                         ", matrix has dimension " + std::to_string(n));
    if (!std::isfinite(shift)) throw UsageError("CHOLMOD: shift is not finite");

    SolveResult result;
    result.solver = SolverKind::cholmod;
    const auto start = Clock::now();
    if (!(impl_->factored && impl_->factored_shift == shift)) factorize(shift);
    const cholmod_common& common = impl_->factorization.cholmod();
    if (!impl_->factored) {
        result.status = SolveStatus::not_positive_definite;
        std::ostringstream message;
        message << "CHOLMOD factorization of H + " << shift << "·I failed (status " << common.status
                << "): the matrix is not positive definite (non-positive pivot in the leading "
                   "block); use a larger λ or the conjugate-gradient solver to diagnose";
        result.message = message.str();
        result.x = Vector::Zero(n);
        result.relative_residual = std::nan("");
        result.seconds = seconds_since(start);
        return result;
    }
    result.x = impl_->factorization.solve(b);
    result.relative_residual = relative_residual(impl_->op, shift, result.x, b);
    // Iterative refinement with the same factor: cheap next to the
    // factorization, and it recovers the last digits on ill-conditioned H.
    for (int step = 0; step < 2 && result.relative_residual > 1e-14; ++step) {
        Vector residual(n);
        impl_->op.perform_op(result.x.data(), residual.data());
        residual = b - residual - shift * result.x;
        const Vector refined = result.x + impl_->factorization.solve(residual);
        const double refined_residual = relative_residual(impl_->op, shift, refined, b);
        if (!(refined_residual < result.relative_residual)) break;
        result.x = refined;
        result.relative_residual = refined_residual;
        ++result.iterations;  // refinement steps
    }
    result.seconds = seconds_since(start);
    if (!std::isfinite(result.relative_residual)) {
        result.status = SolveStatus::non_finite;
        result.message = "CHOLMOD solve produced non-finite values";
    } else {
        result.status = SolveStatus::converged;
        std::ostringstream message;
        message << "direct solve; factor has " << common.lnz << " nonzeros";
        result.message = message.str();
    }
    return result;
}

double CholmodSolver::analysis_seconds() const {
    return impl_->analysis_seconds;
}
double CholmodSolver::last_factorization_seconds() const {
    return impl_->factorization_seconds;
}
double CholmodSolver::factor_nonzeros() const {
    return impl_->factorization.cholmod().lnz;
}

}  // namespace ridgelens
