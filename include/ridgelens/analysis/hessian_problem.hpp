#pragma once
/// @file hessian_problem.hpp
/// What `analyze`, `compute_path` and `select_lambda` take: a Hessian H at
/// θ̂ with g = ∇R(θ̂) (`HessianProblem`, a view), and the two types that own
/// everything such a view refers to: `MatrixProblem` (an explicit sparse H)
/// and `FittedModelProblem` (a model's curvature at a fitted θ̂).
///
/// Thread safety: a const problem may be read from several threads at once
/// (as `analyze` and `compute_path` do); the owning types are not safe to
/// modify while another thread reads them, and a FittedModelProblem's
/// product counter is not safe across concurrent products.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/model/model.hpp"
#include "ridgelens/operator/linear_operator.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// A Hessian H at the analysis point θ̂, given as an operator, and where
/// known as an explicit sparse matrix (which enables CHOLMOD).
///
/// A view: it refers to the operator (and to `matrix` and `dense`), which
/// must outlive it. Build it from an operator you keep (`OperatorRef` does
/// not bind a temporary), or take it from a `MatrixProblem` or
/// `FittedModelProblem`, which own everything it refers to.
struct HessianProblem {
    /// A problem on `hessian` (which must outlive it), every other field at
    /// its default: no explicit or dense matrix, no diagonal, θ̂ and g empty
    /// (set θ̂ before analyzing; empty g means 0), PSD not known.
    explicit HessianProblem(OperatorRef hessian) : hessian(hessian) {}

    OperatorRef hessian;                   ///< y = H·x
    const SparseMatrix* matrix = nullptr;  ///< H itself (both triangles), if explicit
    /// H formed as a dense matrix, when n is small (a model's
    /// `Model::curvature_matrix`): every λ then comes from one
    /// eigendecomposition (`solve_shifted_dense`). Must equal H·x.
    const DenseMatrix* dense = nullptr;
    /// diag(H), when it is free to have (an explicit matrix). Without
    /// CHOLMOD, analyze() then solves λ by λ with Jacobi-preconditioned CG
    /// (what a badly scaled explicit matrix needs); without it, every λ
    /// comes from one multi-shift CG run deflated by the top-k pairs
    /// (matrix-free Hessians, where a diagonal costs a pass over the data
    /// and deflation removes the stiff directions instead).
    std::optional<Vector> diagonal;
    Vector theta;               ///< θ̂
    Vector gradient;            ///< g = ∇R(θ̂); empty means 0
    std::string source;         ///< where H came from (for the report)
    std::string theta_source;   ///< how θ̂ was obtained (for the report)
    std::int64_t nonzeros = 0;  ///< stored nonzeros of H (0 if matrix-free)
    /// H is PSD by construction (a Gram matrix XᵀX/n, a Gauss-Newton product);
    /// the Lanczos check still runs, as evidence.
    bool psd_by_construction = false;
};

/// What a report says about the problem (a HessianProblem without the operator).
struct ProblemSummary {
    Index n = 0;
    std::int64_t nonzeros = 0;
    std::string source;
    std::string theta_source;
    double theta_norm = 0;
    double gradient_norm = 0;
    bool psd_by_construction = false;
};

/// The summary of `problem` for reports (norms summed over the ranks of a
/// partitioned operator: collective there).
RIDGELENS_API ProblemSummary summarize(const HessianProblem& problem);

/// An explicit sparse symmetric H (both triangles) with θ̂, owning everything
/// its `problem()` view refers to: the matrix, its `SparseSymmetricOperator`
/// (one triangle), diag(H) and, when given, H formed as a dense matrix.
///
/// Not copyable; movable: the matrix, operator and view live on the heap, so
/// the view a MatrixProblem hands out stays valid when the MatrixProblem is
/// moved (it then belongs to the moved-to object; the moved-from one may only
/// be destroyed or assigned to).
class RIDGELENS_API MatrixProblem {
  public:
    /// H (square, both triangles, structurally symmetric) and θ̂ (length n).
    /// @throws UsageError for a matrix SparseSymmetricOperator refuses, or a
    ///         θ̂ of another length.
    MatrixProblem(SparseMatrix matrix, Vector theta);
    ~MatrixProblem();
    MatrixProblem(MatrixProblem&&) noexcept;
    MatrixProblem& operator=(MatrixProblem&&) noexcept;
    MatrixProblem(const MatrixProblem&) = delete;
    MatrixProblem& operator=(const MatrixProblem&) = delete;

    /// The view analyze/compute_path take. Valid while this object (or the
    /// one it is moved into) lives; the setters below change it in place.
    const HessianProblem& problem() const;
    /// H as given (both triangles).
    const SparseMatrix& matrix() const;
    Index size() const;

    /// g = ∇R(θ̂) (empty: 0). @throws UsageError for another length than n.
    void set_gradient(Vector gradient);
    /// H formed as a dense matrix too (it must equal the sparse H): every λ
    /// then comes from one eigendecomposition. @throws UsageError unless n×n.
    void set_dense(DenseMatrix dense);
    /// Where H and θ̂ came from (for the report).
    void describe(std::string source, std::string theta_source);
    /// Whether H is PSD by construction (e.g. XᵀX/n).
    void set_psd_by_construction(bool psd);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

/// Settings of a `FittedModelProblem`.
struct FittedModelProblemOptions {
    /// Forms H as a dense matrix too (`Model::curvature_matrix`, for models
    /// that can) when the model has at most this many parameters (p² doubles;
    /// 0: never): every λ of a path then comes from one eigendecomposition.
    Index dense_parameters = 0;
    /// Whether g = ∇R(θ̂) enters the problem (θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g));
    /// false sets g = 0, for a θ̂ fitted without penalty, where g vanishes to
    /// the fit's tolerance.
    bool with_gradient = true;
    /// The data the model is fitted on, for the problem's source (may be empty).
    std::string data;
    /// How θ̂ was obtained (the problem's theta_source).
    std::string theta_source;
};

/// A model's curvature (its `Model::curvature()`: Hessian or Gauss-Newton) at
/// a fitted θ̂, as a matrix-free Hessian problem with g = ∇R(θ̂) of the
/// unpenalized risk: owns the curvature operator (which counts and times its
/// products), θ̂, g and, for small models, H formed as a dense matrix.
///
/// The model is referenced, not owned: it must outlive this object, and its
/// curvature point must stay at θ̂ while the view is used (the constructor
/// sets it; set it back after moving it elsewhere, as study_approximation
/// does). Not copyable; movable with the same guarantee as MatrixProblem:
/// the view stays valid and belongs to the moved-to object.
class RIDGELENS_API FittedModelProblem {
  public:
    /// Sets the model's curvature point to θ̂ (length `model.parameters()`),
    /// evaluates ∇R(θ̂) (one pass over the data) and forms H densely when
    /// `options` ask and the model can. @throws UsageError for a θ̂ of
    /// another length.
    FittedModelProblem(Model& model, Vector theta, const FittedModelProblemOptions& options = {});
    ~FittedModelProblem();
    FittedModelProblem(FittedModelProblem&&) noexcept;
    FittedModelProblem& operator=(FittedModelProblem&&) noexcept;
    FittedModelProblem(const FittedModelProblem&) = delete;
    FittedModelProblem& operator=(const FittedModelProblem&) = delete;

    /// The view analyze/compute_path take (valid as for MatrixProblem).
    const HessianProblem& problem() const;
    const Model& model() const;
    /// ‖∇R(θ̂)‖, also when g is left out of the problem.
    double gradient_norm() const;
    /// Whether H was also formed as a dense matrix.
    bool dense() const;
    /// Curvature products made through the view's operator so far (a block
    /// of m vectors counts m), and the seconds they took.
    Index products() const;
    double product_seconds() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace ridgelens
