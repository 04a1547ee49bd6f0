#pragma once
/// @file linear_operator.hpp
/// The operator concept shared by every solver in ridgelens, and a
/// non-owning, type-erased reference to any operator that satisfies it.
///
/// Thread safety: an OperatorRef is a view; copies of it may be used from
/// several threads exactly when the operator it refers to allows concurrent
/// `perform_op` calls (SparseSymmetricOperator does; CountingOperator does
/// not). `OperatorRef::sum` and the norms of a partitioned operator are
/// collective over its ranks.

#include <cmath>
#include <concepts>
#include <cstdint>
#include <utility>

#include "ridgelens/export.hpp"
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

/// How the vectors of an operator are split by rows over several processes
/// (MPI ranks): each holds the contiguous rows [first_row(), first_row() +
/// rows()) of every vector, and an operator maps this rank's rows of x to
/// this rank's rows of y (communicating inside). The algorithms of the
/// library run unchanged on such slices: every inner product and norm they
/// form is a local partial sum finished by `sum`. An operator without a
/// partition holds whole vectors on one process.
class RIDGELENS_API RowPartition {
  public:
    virtual ~RowPartition() = default;
    /// Length of the whole vectors.
    virtual Index global_rows() const = 0;
    /// Global index of this process's first row.
    virtual Index first_row() const = 0;
    /// Replaces values[0..count) by their sums over every process (collective:
    /// every process calls it in the same order; all get the same sums).
    virtual void sum(double* values, Index count) const = 0;
};

/// The partition an operator declares through an optional member
/// `const RowPartition* partition() const`, or null.
template <class Op>
const RowPartition* partition_of(const Op& op) {
    if constexpr (requires {
                      { op.partition() } -> std::convertible_to<const RowPartition*>;
                  })
        return op.partition();
    else
        return nullptr;
}

/// A non-owning reference to any `LinearOperator`: the one type compiled
/// library code takes, so that solvers are not templates in every caller.
/// The referenced operator must outlive the reference; a temporary operator
/// is refused at compile time (a reference kept past the statement that
/// made the temporary would dangle): name the operator first.
///
/// It also carries the operator's `RowPartition`, if any, and offers the
/// reductions the solvers need (`sum`, `dot`, `norm`), which are local when
/// there is no partition.
class RIDGELENS_API OperatorRef {
  public:
    using Scalar = double;

    template <LinearOperator Op>
    requires(!std::same_as<std::remove_cvref_t<Op>, OperatorRef>)
        OperatorRef(const Op& op)  // NOLINT(google-explicit-constructor): a view, like std::span
        : object_(&op),
          size_(static_cast<Index>(op.rows())),
          partition_(partition_of(op)),
          apply_([](const void* object, const double* x, double* y) {
              static_cast<const Op*>(object)->perform_op(x, y);
          }) {
        if constexpr (requires(const Op& o, const double* x, Index count, double* y) {
                          o.perform_ops(x, count, y);
                      })
            apply_block_ = [](const void* object, const double* x, Index count, double* y) {
                static_cast<const Op*>(object)->perform_ops(x, count, y);
            };
    }
    /// No reference to a temporary operator: it would dangle once the
    /// full-expression ends. Name the operator (keep it alive) instead.
    /// (Also for a call f(Op(...)) that would be safe: one rule, no exceptions.)
    template <LinearOperator Op>
    requires(!std::same_as<std::remove_cvref_t<Op>, OperatorRef>) OperatorRef(const Op&&)
    = delete;

    /// Rows of the vectors this process holds (all of them without a partition).
    Index rows() const { return size_; }
    Index cols() const { return size_; }
    void perform_op(const double* x, double* y) const { apply_(object_, x, y); }

    /// Y = A·X for `count` vectors stored one after the other (X and Y of
    /// rows()·count values): one call of the operator's optional
    /// `perform_ops(x, count, y)` (e.g. a model's batched curvature products,
    /// one pass over the data), else `count` calls of perform_op.
    void perform_ops(const double* x, Index count, double* y) const {
        if (apply_block_ != nullptr) {
            apply_block_(object_, x, count, y);
            return;
        }
        for (Index j = 0; j < count; ++j) perform_op(x + j * size_, y + j * size_);
    }

    /// y = A·x for Eigen vectors (sizes are the caller's responsibility).
    void apply(const Vector& x, Vector& y) const {
        y.resize(size_);
        perform_op(x.data(), y.data());
    }

    /// The row partition, or null when one process holds whole vectors.
    const RowPartition* partition() const { return partition_; }
    /// Length of the whole vectors (rows() without a partition).
    Index global_rows() const { return partition_ ? partition_->global_rows() : size_; }
    /// Global index of this process's first row (0 without a partition).
    Index first_row() const { return partition_ ? partition_->first_row() : 0; }
    /// Sums values[0..count) over the processes (nothing without a partition).
    void sum(double* values, Index count) const {
        if (partition_) partition_->sum(values, count);
    }
    /// xᵀy of whole vectors, from this process's rows.
    double dot(const Vector& x, const Vector& y) const {
        double value = x.dot(y);
        sum(&value, 1);
        return value;
    }
    /// ‖x‖ of a whole vector, from this process's rows.
    double norm(const Vector& x) const {
        double value = x.squaredNorm();
        sum(&value, 1);
        return std::sqrt(value);
    }
    /// Qᵀx for a matrix (or block) Q with this process's rows of its columns.
    template <class Matrix>
    Vector transpose_product(const Matrix& q, const Vector& x) const {
        Vector value = q.transpose() * x;
        sum(value.data(), value.size());
        return value;
    }

  private:
    const void* object_;
    Index size_;
    const RowPartition* partition_;
    void (*apply_)(const void*, const double*, double*);
    void (*apply_block_)(const void*, const double*, Index, double*) = nullptr;
};

/// Wraps an operator and counts how often it is applied (the "matvecs" of
/// every report). Not thread-safe across concurrent applications.
class CountingOperator {
  public:
    using Scalar = double;

    explicit CountingOperator(OperatorRef op) : op_(op) {}
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.cols(); }
    const RowPartition* partition() const { return op_.partition(); }
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
