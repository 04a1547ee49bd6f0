#pragma once
/// @file linear_models.hpp
/// Least squares, binary logistic and multinomial softmax regression on a
/// FeatureMatrix, as `Model`s with matrix-free, multithreaded curvature
/// products.
///
/// Every model is R(θ) = (1/n) Σ_i ℓ(z_i, y_i) with scores z_i = Θᵀ[x_i; 1]
/// (C of them per sample: C = 1 except for softmax). Gradient and curvature
/// products are one fused pass over X each (see FeatureMatrix::fused_product):
///
///     ∇R = (1/n) Σ_i x_i ∂ℓ/∂z_iᵀ,      C·V = (1/n) Σ_i x_i (∇²_z ℓ_i · V ᵀx_i)ᵀ
///
/// - Curvature::hessian takes the directional derivative of the per-sample
///   gradient code (forward-mode dual numbers: Pearlmutter's R-operator);
/// - Curvature::ggn forms Jᵀ H_loss J: forward product through the linear
///   predictor, the analytic loss Hessian in output space, transpose product.
///
/// For these convex losses of a linear predictor the two are the same matrix
/// (the predictor has no second derivative); the tests check that they agree.
///
/// The ridge penalty λ/2‖θ‖² of ridgelens covers every parameter, the
/// intercept weight included (see feature_matrix.hpp).
///
/// Thread safety: the Model rule (model.hpp): const calls may run
/// concurrently; `set_curvature_point`, `evaluate_at_curvature_point` and
/// `set_curvature` must not overlap any other call on the same model.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/model/feature_matrix.hpp"
#include "ridgelens/model/model.hpp"

namespace ridgelens {

/// A model whose risk depends on θ only through the scores X·Θ.
/// Parameters: Θ is cols() × C column-major, flattened into θ (output c's
/// weights are the contiguous block c; the intercept weight, if any, is the
/// last entry of each block).
class RIDGELENS_API LinearModel : public Model {
  public:
    Index parameters() const override { return features_.cols() * outputs_; }
    Index samples() const override { return features_.rows(); }
    /// Scores per sample C (1 for least squares and logistic regression).
    Index outputs() const { return outputs_; }
    const FeatureMatrix& features() const { return features_; }

    double evaluate(const Vector& theta, Vector* gradient) const override;
    /// Setting the point already set costs nothing (the scores are kept).
    void set_curvature_point(const Vector& theta) override;
    /// One pass: the scores of the gradient pass become the curvature point's.
    double evaluate_at_curvature_point(const Vector& theta, Vector* gradient) override;
    /// @throws UsageError if no curvature point was set.
    void curvature_product(const double* v, double* y) const override;
    /// Dense data: one fused pass for all `count` vectors (scores of C·count
    /// outputs, BLAS-3); sparse data: one pass per vector (faster: bench/README.md,
    /// "Design measurements": batched model products).
    /// @throws UsageError if no curvature point was set.
    void curvature_products(const double* v, Index count, double* y) const override;
    /// diag(H) (= diag(GGN) for these models). @throws UsageError without a curvature point.
    Vector curvature_diagonal() const override;
    std::optional<Index> misclassified(const Vector& theta) const override;
    std::optional<Vector> separation_candidate() const override;
    /// X̃ᵀDX̃/n with d_i the loss's second derivative at the curvature point,
    /// for one output (least squares, logistic); std::nullopt for softmax
    /// (C > 1) or p > max_parameters. @throws UsageError without a curvature point.
    std::optional<DenseMatrix> curvature_matrix(Index max_parameters = 5000) const override;

    /// The scores Z = (X·Θ)ᵀ, C × n (sample i's scores are column i).
    /// @throws UsageError if θ has the wrong length.
    DenseMatrix scores(const Vector& theta) const;

  protected:
    /// @throws UsageError if there are no samples or `outputs` < 1.
    LinearModel(FeatureMatrix features, Index outputs);

  private:
    /// Loss of sample i at scores z (C values); writes ∂ℓ/∂z into `dz`.
    virtual double sample_loss(Index sample, const double* z, double* dz) const = 0;
    /// Directional derivative of the per-sample gradient ∂ℓ/∂z at z along u
    /// (the R-operator of the gradient code): the Hessian path.
    virtual void sample_gradient_tangent(Index sample, const double* z, const double* u,
                                         double* a) const = 0;
    /// a = ∇²_z ℓ(z) · u from the analytic loss Hessian: the GGN path.
    virtual void sample_loss_hessian_product(Index sample, const double* z, const double* u,
                                             double* a) const = 0;
    /// diag(∇²_z ℓ(z)) into w (C values).
    virtual void sample_loss_hessian_diagonal(Index sample, const double* z, double* w) const = 0;
    /// Whether scores z classify sample i correctly with a positive margin;
    /// std::nullopt for a model that is not a classifier.
    virtual std::optional<bool> sample_separated(Index sample, const double* z) const = 0;

    /// R(θ) and ∇R(θ) in one fused pass; the scores go to `scores` (C × n) if given.
    double risk_and_gradient(const Vector& theta, Vector& gradient, DenseMatrix* scores) const;
    /// diag(∇²_z ℓ_i) at the curvature point for every sample (C × n).
    DenseMatrix point_loss_curvatures() const;
    /// Whether θ is the current curvature point (so its scores are known).
    bool is_curvature_point(const Vector& theta) const;
    void check_length(const Vector& theta, const char* what) const;
    void check_curvature_point(const char* what) const;

    FeatureMatrix features_;
    Index outputs_;
    DenseMatrix point_scores_;  ///< C × n scores at the curvature point
    Vector point_;              ///< the curvature point θ
    bool has_point_ = false;
};

/// R(θ) = ‖Xθ − y‖²/(2n); H = XᵀX/n (independent of θ).
class RIDGELENS_API LeastSquaresModel final : public LinearModel {
  public:
    /// @throws UsageError if the lengths differ; InputError for a non-finite
    ///         target (naming its value and 0-based row).
    LeastSquaresModel(FeatureMatrix features, Vector targets);
    std::string name() const override { return "least_squares"; }
    bool curvature_constant() const override { return true; }
    const Vector& targets() const { return targets_; }

  private:
    double sample_loss(Index sample, const double* z, double* dz) const override;
    void sample_gradient_tangent(Index sample, const double* z, const double* u,
                                 double* a) const override;
    void sample_loss_hessian_product(Index sample, const double* z, const double* u,
                                     double* a) const override;
    void sample_loss_hessian_diagonal(Index sample, const double* z, double* w) const override;
    std::optional<bool> sample_separated(Index sample, const double* z) const override;

    Vector targets_;
};

/// R(θ) = (1/n) Σ log(1 + exp(−y_i x_iᵀθ)) with y_i = ±1, computed without
/// overflow; H = XᵀDX/n, d_i = s_i(1 − s_i), s_i = σ(x_iᵀθ).
class RIDGELENS_API LogisticModel final : public LinearModel {
  public:
    /// Labels ±1 or 0/1 (0 read as −1).
    /// @throws UsageError if the lengths differ; InputError for any other
    ///         label (naming its value and 0-based row).
    LogisticModel(FeatureMatrix features, const Vector& labels);
    std::string name() const override { return "logistic"; }
    /// The labels as ±1.
    const Vector& labels() const { return labels_; }

  private:
    double sample_loss(Index sample, const double* z, double* dz) const override;
    void sample_gradient_tangent(Index sample, const double* z, const double* u,
                                 double* a) const override;
    void sample_loss_hessian_product(Index sample, const double* z, const double* u,
                                     double* a) const override;
    void sample_loss_hessian_diagonal(Index sample, const double* z, double* w) const override;
    std::optional<bool> sample_separated(Index sample, const double* z) const override;

    Vector labels_;
};

/// Multinomial logistic (softmax) regression over C classes:
/// R(Θ) = (1/n) Σ_i −log softmax(Θᵀx_i)_{y_i}, computed by log-sum-exp.
/// Θ is cols() × C column-major (class c's weights are block c of θ).
///
/// Hessian product: U = XV, a_i = p_i ⊙ u_i − p_i (p_iᵀu_i), HV = XᵀA/n.
///
/// **Singular Hessian.** Adding one vector v to every class's weights
/// (θ + v ⊗ 1_C) changes no probability, so {v ⊗ 1_C} (dimension cols())
/// is in the null space of H at every θ. Every gradient is orthogonal to it
/// (Σ_c (p_ic − [y_i = c]) = 0 for each sample), and so is every H-product;
/// Newton-CG started from θ = 0 without a base penalty therefore stays in
/// range(H) and returns the minimum-norm minimizer (when one exists).
class RIDGELENS_API SoftmaxModel final : public LinearModel {
  public:
    /// Labels are any numbers; their distinct values, in increasing order,
    /// are the classes 0 … C−1 (see class_indices).
    /// @throws UsageError if the lengths differ; InputError for a non-finite
    ///         label or fewer than two classes (naming the value and row).
    SoftmaxModel(FeatureMatrix features, const Vector& labels);
    std::string name() const override { return "softmax"; }
    Index classes() const { return outputs(); }
    /// class_labels()[k] is the label value of class k.
    const std::vector<double>& class_labels() const { return class_labels_; }
    /// The class 0 … C−1 of every sample.
    const std::vector<int>& sample_classes() const { return classes_; }

  private:
    double sample_loss(Index sample, const double* z, double* dz) const override;
    void sample_gradient_tangent(Index sample, const double* z, const double* u,
                                 double* a) const override;
    void sample_loss_hessian_product(Index sample, const double* z, const double* u,
                                     double* a) const override;
    void sample_loss_hessian_diagonal(Index sample, const double* z, double* w) const override;
    std::optional<bool> sample_separated(Index sample, const double* z) const override;

    SoftmaxModel(FeatureMatrix features, std::pair<std::vector<int>, std::vector<double>> classes);

    std::vector<int> classes_;
    std::vector<double> class_labels_;
};

/// Options of make_model.
struct ModelOptions {
    Curvature curvature = Curvature::hessian;  ///< curvature used by the products
};

/// Builds a model by name: "ls" or "least_squares", "logistic", "softmax".
/// @throws UsageError for an unknown name (listing the choices) or if the
///         label count differs from the number of samples; InputError for
///         labels the model cannot use (naming the value and 0-based row).
RIDGELENS_API std::unique_ptr<LinearModel> make_model(const std::string& name,
                                                      FeatureMatrix features, const Vector& labels,
                                                      const ModelOptions& options = {});

}  // namespace ridgelens
