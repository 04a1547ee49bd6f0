#pragma once
/// @file linear_operator.hpp
/// The operator concept shared by every solver in ridgelens, and a
/// non-owning, type-erased reference to any operator that satisfies it.

#include <concepts>
#include <cstdint>
#include <utility>

#include "ridgelens/types.hpp"

namespace ridgelens {

/// Spectra's matrix-operation concept: a square linear map y = A·x given by
/// `rows()`, `cols()` and `perform_op(const double* x, double* y) const`.
/// Anything that satisfies it feeds the eigensolver (Spectra's `SymEigsSolver`
/// takes it directly as its `OpType`) and the CG solvers without copying.
template <class Op>
concept LinearOperator = requires(const Op& op, const double* x, double* y) {
    typename Op::Scalar;
    requires std::same_as<typename Op::Scalar, double>;
    { op.rows() } -> std::convertible_to<Index>;
    { op.cols() } -> std::convertible_to<Index>;
    op.perform_op(x, y);
};

/// A non-owning reference to any `LinearOperator`: the one type compiled
/// library code takes, so that solvers are not templates in every caller.
/// The referenced operator must outlive the reference.
class OperatorRef {
  public:
    using Scalar = double;

    template <LinearOperator Op>
    requires(!std::same_as<std::remove_cvref_t<Op>, OperatorRef>)
        OperatorRef(const Op& op)  // NOLINT(google-explicit-constructor): a view, like std::span
        : object_(&op),
          size_(static_cast<Index>(op.rows())),
          apply_([](const void* object, const double* x, double* y) {
              static_cast<const Op*>(object)->perform_op(x, y);
          }) {}

    Index rows() const { return size_; }
    Index cols() const { return size_; }
    void perform_op(const double* x, double* y) const { apply_(object_, x, y); }

    /// y = A·x for Eigen vectors (sizes are the caller's responsibility).
    void apply(const Vector& x, Vector& y) const {
        y.resize(size_);
        perform_op(x.data(), y.data());
    }

  private:
    const void* object_;
    Index size_;
    void (*apply_)(const void*, const double*, double*);
};

/// Wraps an operator and counts how often it is applied (the "matvecs" of
/// every report). Not thread-safe across concurrent applications.
class CountingOperator {
  public:
    using Scalar = double;

    explicit CountingOperator(OperatorRef op) : op_(op) {}
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.cols(); }
    void perform_op(const double* x, double* y) const {
        ++count_;
        op_.perform_op(x, y);
    }
    std::int64_t applications() const { return count_; }

  private:
    OperatorRef op_;
    mutable std::int64_t count_ = 0;
};

}  // namespace ridgelens
