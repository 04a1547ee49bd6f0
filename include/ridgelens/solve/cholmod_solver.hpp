#pragma once
/// @file cholmod_solver.hpp
/// Sparse Cholesky of H + λI by CHOLMOD: symbolic analysis once, numeric
/// factorization per λ.
///
/// Thread safety: one CholmodSolver is not thread-safe (a solve refactorizes
/// its state); distinct solvers may be used concurrently. The free functions are
/// reentrant.

#include <memory>

#include "ridgelens/export.hpp"
#include "ridgelens/solve/solve_result.hpp"

namespace ridgelens {

/// Factorizes H + λI with CHOLMOD's supernodal LLᵀ (through Eigen's
/// CholmodSupport). The symbolic analysis (fill-reducing ordering, elimination
/// tree, supernodes) of H's pattern is done once in the constructor; each
/// `solve` with a new λ repeats only the numeric factorization.
/// Holds a reference to `matrix`, which must outlive the solver.
class RIDGELENS_API CholmodSolver {
  public:
    /// @param matrix symmetric, both triangles stored (only the lower is read).
    /// @throws UsageError if the matrix is not square.
    explicit CholmodSolver(const SparseMatrix& matrix);
    ~CholmodSolver();
    CholmodSolver(const CholmodSolver&) = delete;
    CholmodSolver& operator=(const CholmodSolver&) = delete;

    /// Solves (H + shift·I)x = b. A factorization that fails (H + λI not
    /// positive definite) is reported as `not_positive_definite` with the
    /// column where it failed; the residual is recomputed with a sparse product.
    SolveResult solve(double shift, const Vector& b);

    /// Only the numeric factorization of H + shift·I: true when it succeeds,
    /// which certifies that H + shift·I is positive definite (the PSD check
    /// of an explicit H uses a tiny shift). The factor is kept for `solve`
    /// with the same shift.
    bool factorize(double shift);

    /// Seconds spent in the one-time symbolic analysis.
    double analysis_seconds() const;
    /// Seconds of the last numeric factorization alone.
    double last_factorization_seconds() const;
    /// Nonzeros of the Cholesky factor L (after the last factorization, or
    /// CHOLMOD's estimate after analysis).
    double factor_nonzeros() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ridgelens
