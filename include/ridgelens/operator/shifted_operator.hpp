#pragma once
/// @file shifted_operator.hpp
/// The shifted operator H + λI over any operator, without copying it.
///
/// Thread safety: as thread-safe as the operator they wrap (no state of their own).

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// y = (H + shift·I)·x. Holds a reference: `base` must outlive it.
class ShiftedOperator {
  public:
    using Scalar = double;

    ShiftedOperator(OperatorRef base, double shift) : base_(base), shift_(shift) {}
    Index rows() const { return base_.rows(); }
    Index cols() const { return base_.cols(); }
    double shift() const { return shift_; }
    const RowPartition* partition() const { return base_.partition(); }
    void perform_op(const double* x, double* y) const {
        base_.perform_op(x, y);
        const Index n = base_.rows();
        if (shift_ != 0.0) {
            for (Index i = 0; i < n; ++i) y[i] += shift_ * x[i];
        }
    }

  private:
    OperatorRef base_;
    double shift_;
};

/// y = −H·x: the top eigenpairs of −H are the most negative ones of H.
/// Holds a reference: `base` must outlive it.
class NegatedOperator {
  public:
    using Scalar = double;

    explicit NegatedOperator(OperatorRef base) : base_(base) {}
    Index rows() const { return base_.rows(); }
    Index cols() const { return base_.cols(); }
    const RowPartition* partition() const { return base_.partition(); }
    void perform_op(const double* x, double* y) const {
        base_.perform_op(x, y);
        const Index n = base_.rows();
        for (Index i = 0; i < n; ++i) y[i] = -y[i];
    }

  private:
    OperatorRef base_;
};

}  // namespace ridgelens
