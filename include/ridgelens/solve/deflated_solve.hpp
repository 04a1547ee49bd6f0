#pragma once
/// @file deflated_solve.hpp
/// (H + λI)x = b for a grid of λ with the top-k eigenpairs deflated: the part
/// of b in span(Q_k) is solved exactly from the eigenpairs, the rest by
/// multi-shift CG on P⊥HP⊥, whose condition number is (σ_{k+1}+λ)/(σ_min+λ)
/// instead of (σ_1+λ)/(σ_min+λ).
///
/// Thread safety: one DeflatedOperator is not thread-safe (its product uses a
/// work vector); the solve functions are reentrant under the operator rule of
/// linear_operator.hpp.

#include "ridgelens/export.hpp"
#include "ridgelens/solve/multishift_cg.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {

/// The deflated operator y = P⊥ H P⊥ x, P⊥ = I − QQᵀ (Q with orthonormal
/// columns). Holds references: H and Q must outlive it. With a partitioned H,
/// Q holds this process's rows and QᵀX is summed over the processes.
class RIDGELENS_API DeflatedOperator {
  public:
    using Scalar = double;
    DeflatedOperator(OperatorRef hessian, const DenseMatrix& basis);
    Index rows() const { return hessian_.rows(); }
    Index cols() const { return hessian_.cols(); }
    const RowPartition* partition() const { return hessian_.partition(); }
    void perform_op(const double* x, double* y) const;

  private:
    OperatorRef hessian_;
    const DenseMatrix* basis_;
    mutable Vector projected_;
};

/// Solves (H + λ_i I)x_i = b for every λ_i: exactly on span(Q_k) from the
/// eigenpairs, by multi-shift CG on the deflated operator elsewhere. Every
/// final residual is recomputed with the full H (one product per shift), so
/// an inaccurate eigenpair shows in the residual, never silently. The result
/// reads like `solve_multishift_cg`'s (solver "deflated_multishift_cg";
/// `iterations` are the deflated Krylov iterations).
/// @throws UsageError if the pairs' vectors do not match H's dimension.
RIDGELENS_API MultiShiftResult solve_multishift_deflated(OperatorRef hessian,
                                                         const Eigenpairs& pairs,
                                                         const std::vector<double>& shifts,
                                                         const Vector& b,
                                                         const MultiShiftCgOptions& options = {});

}  // namespace ridgelens
