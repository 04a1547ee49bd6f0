#pragma once
/// @file shifted_operator.hpp
/// The shifted operator H + λI over any operator, without copying it.

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

}  // namespace ridgelens
