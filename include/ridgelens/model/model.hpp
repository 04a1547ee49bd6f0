#pragma once
/// @file model.hpp
/// A model's empirical risk R(θ) = (1/n) Σ_i loss_i(θ) with its gradient and
/// a matrix-free curvature product (exact Hessian or generalized Gauss-Newton).
///
/// Thread safety (every Model of the library): the const members (`evaluate`,
/// the curvature products, `curvature_diagonal`, `curvature_matrix`) keep no
/// state between calls and may run concurrently on one model; the curvature
/// point is state: `set_curvature_point`, `evaluate_at_curvature_point` and
/// `set_curvature` must not overlap any other call on that model (an
/// OperatorRef to its curvature product then changes meaning too). Distinct
/// models are independent.

#include <memory>
#include <optional>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// Which curvature matrix a model's products use.
enum class Curvature {
    hessian,  ///< the exact Hessian ∇²R(θ)
    ggn,      ///< the generalized Gauss-Newton matrix JᵀH_loss J (PSD by construction)
};

/// Parses "hessian" or "ggn". @throws UsageError otherwise.
RIDGELENS_API Curvature parse_curvature(const std::string& text);
RIDGELENS_API const char* to_string(Curvature curvature);

/// A twice-differentiable empirical risk over p parameters. R is the *mean*
/// loss over the samples, so λ means the same for data sets of any size.
/// Curvature products are taken at the point fixed by `set_curvature_point`.
class RIDGELENS_API Model {
  public:
    virtual ~Model() = default;

    /// "least_squares", "logistic", "softmax" or "mlp".
    virtual std::string name() const = 0;
    virtual Index parameters() const = 0;
    virtual Index samples() const = 0;

    /// R(θ); also ∇R(θ) into `gradient` when it is not null (one pass over the data).
    virtual double evaluate(const Vector& theta, Vector* gradient) const = 0;

    /// Fixes θ for `curvature_product` and `curvature_diagonal` (caches the
    /// per-sample second-derivative weights).
    virtual void set_curvature_point(const Vector& theta) = 0;

    /// evaluate() and set_curvature_point() at the same θ; a model may do
    /// both in one pass over the data (linear models do). Newton's line
    /// search calls it on every trial point: the accepted one is the next
    /// curvature point.
    virtual double evaluate_at_curvature_point(const Vector& theta, Vector* gradient) {
        set_curvature_point(theta);
        return evaluate(theta, gradient);
    }

    /// y = C·v, C the curvature (see `curvature()`) at the curvature point.
    /// Matrix-free and multithreaded; H is never formed.
    virtual void curvature_product(const double* v, double* y) const = 0;

    /// Y = C·V for `count` vectors at once: v holds v_1, …, v_count one after
    /// the other (each of length parameters()), y likewise. Linear models take
    /// all of them in one pass over the data (BLAS-3 for dense data: the
    /// products become matrix-matrix products); the default applies
    /// curvature_product to each.
    virtual void curvature_products(const double* v, Index count, double* y) const {
        const Index p = parameters();
        for (Index j = 0; j < count; ++j) curvature_product(v + j * p, y + j * p);
    }

    /// diag(C) at the curvature point (for Jacobi preconditioning).
    virtual Vector curvature_diagonal() const = 0;

    /// C itself, p × p, formed in one pass over the data, for models that
    /// can (least squares and binary logistic regression: X̃ᵀDX̃/n);
    /// std::nullopt for the others (the default) or when p > `max_parameters`
    /// (p² doubles). For small p this replaces p products: solve_shifted_dense
    /// then solves every λ of a path from one eigendecomposition.
    virtual std::optional<DenseMatrix> curvature_matrix(Index max_parameters = 5000) const {
        static_cast<void>(max_parameters);
        return std::nullopt;
    }

    /// How many training samples θ fails to classify correctly with a
    /// positive margin; std::nullopt for models where this does not apply
    /// (the default; e.g. least squares).
    virtual std::optional<Index> misclassified(const Vector& theta) const {
        static_cast<void>(theta);
        return std::nullopt;
    }

    /// Whether θ classifies every training sample correctly with a positive
    /// margin: a certificate that the data are linearly separable, so that a
    /// classification loss has no unpenalized minimizer (it keeps decreasing
    /// along θ). std::nullopt where misclassified() does not apply.
    std::optional<bool> separates(const Vector& theta) const {
        const std::optional<Index> count = misclassified(theta);
        if (!count) return std::nullopt;
        return *count == 0;
    }

    /// A cheap candidate for a separating θ, tried by the unpenalized fit
    /// before any Newton step: for a linear classifier the normalized class
    /// centroids θ_c = Σ_{y_i = c} x_i/‖x_i‖ (up to a shift common to all
    /// classes), which separate, e.g., samples of distinct directions, one per
    /// class. std::nullopt where misclassified() does not apply (the default).
    virtual std::optional<Vector> separation_candidate() const { return std::nullopt; }

    /// Whether the curvature is positive semidefinite at every θ: true for the
    /// convex losses of a linear predictor (the default) and for any GGN; a
    /// neural network's Hessian is not.
    virtual bool curvature_psd() const { return true; }

    /// Whether the curvature is the same at every θ (the risk is quadratic, as
    /// for least squares): Newton's method then needs one step, solved to the
    /// final tolerance by one unrestarted CG run.
    virtual bool curvature_constant() const { return false; }

    void set_curvature(Curvature curvature) { curvature_ = curvature; }
    Curvature curvature() const { return curvature_; }

  private:
    Curvature curvature_ = Curvature::hessian;
};

/// A model's curvature at its curvature point, as a `LinearOperator`.
/// Holds a reference: the model must outlive the operator.
class ModelCurvatureOperator {
  public:
    using Scalar = double;
    explicit ModelCurvatureOperator(const Model& model) : model_(&model) {}
    Index rows() const { return model_->parameters(); }
    Index cols() const { return model_->parameters(); }
    void perform_op(const double* x, double* y) const { model_->curvature_product(x, y); }
    /// `count` products in one pass (see Model::curvature_products).
    void perform_ops(const double* x, Index count, double* y) const {
        model_->curvature_products(x, count, y);
    }

  private:
    const Model* model_;
};

}  // namespace ridgelens
