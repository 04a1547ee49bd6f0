#pragma once
/// @file matrix_free_operator.hpp
/// An operator around any callable computing y = H·x (a Hessian-vector product).
///
/// Thread safety: `perform_op` calls the stored callable: concurrent products
/// are safe exactly when the callable is.

#include <functional>
#include <optional>
#include <utility>

#include "ridgelens/error.hpp"
#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// A matrix-free symmetric operator: H is never formed, only applied.
/// The callable receives pointers to x and y (length n each) and must write
/// all of y. An optional diagonal enables Jacobi preconditioning in CG.
class MatrixFreeOperator {
  public:
    using Scalar = double;
    using Product = std::function<void(const double* x, double* y)>;

    MatrixFreeOperator(Index n, Product product, std::optional<Vector> diagonal = std::nullopt)
        : n_(n), product_(std::move(product)), diagonal_(std::move(diagonal)) {
        if (n_ <= 0) throw UsageError("MatrixFreeOperator: dimension must be positive");
        if (!product_) throw UsageError("MatrixFreeOperator: empty product callable");
        if (diagonal_ && diagonal_->size() != n_)
            throw UsageError("MatrixFreeOperator: diagonal length differs from the dimension");
    }

    Index rows() const { return n_; }
    Index cols() const { return n_; }
    void perform_op(const double* x, double* y) const { product_(x, y); }

    /// The diagonal of H, when the caller supplied it.
    const std::optional<Vector>& diagonal() const { return diagonal_; }

  private:
    Index n_;
    Product product_;
    std::optional<Vector> diagonal_;
};

}  // namespace ridgelens
