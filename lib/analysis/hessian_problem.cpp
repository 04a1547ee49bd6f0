#include "ridgelens/analysis/hessian_problem.hpp"

#include <chrono>
#include <utility>

#include "ridgelens/error.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace ridgelens {
namespace {

void check_length(const Vector& v, Index n, const char* what) {
    if (v.size() != n)
        throw UsageError(std::string(what) + " has " + std::to_string(v.size()) +
                         " entries but H is " + std::to_string(n) + "x" + std::to_string(n));
}

/// A model's curvature products, counted and timed (a block of m vectors
/// counts m products and goes to the model's batched product).
class TimedCurvatureOperator {
  public:
    using Scalar = double;
    explicit TimedCurvatureOperator(const Model& model) : model_(&model) {}
    Index rows() const { return model_->parameters(); }
    Index cols() const { return model_->parameters(); }
    void perform_op(const double* x, double* y) const {
        const auto start = std::chrono::steady_clock::now();
        model_->curvature_product(x, y);
        record(start, 1);
    }
    void perform_ops(const double* x, Index count, double* y) const {
        const auto start = std::chrono::steady_clock::now();
        model_->curvature_products(x, count, y);
        record(start, count);
    }
    double seconds() const { return seconds_; }
    Index count() const { return count_; }

  private:
    void record(std::chrono::steady_clock::time_point start, Index count) const {
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        count_ += count;
    }

    const Model* model_;
    mutable double seconds_ = 0;
    mutable Index count_ = 0;
};

}  // namespace

ProblemSummary summarize(const HessianProblem& problem) {
    ProblemSummary summary;
    const OperatorRef hessian = problem.hessian;  // norms summed over a partition's ranks
    summary.n = hessian.global_rows();
    summary.nonzeros = problem.nonzeros;
    summary.source = problem.source;
    summary.theta_source = problem.theta_source;
    summary.theta_norm = hessian.norm(problem.theta);
    summary.gradient_norm = problem.gradient.size() ? hessian.norm(problem.gradient) : 0.0;
    summary.psd_by_construction = problem.psd_by_construction;
    return summary;
}

// ---- MatrixProblem ----------------------------------------------------------

// Held on the heap: the view refers to the matrix, the operator and the dense
// form, which therefore never move.
struct MatrixProblem::State {
    explicit State(SparseMatrix m) : matrix(std::move(m)), op(matrix), problem(op) {}
    SparseMatrix matrix;
    SparseSymmetricOperator op;
    DenseMatrix dense;
    HessianProblem problem;
};

MatrixProblem::MatrixProblem(SparseMatrix matrix, Vector theta)
    : state_(std::make_unique<State>(std::move(matrix))) {
    HessianProblem& problem = state_->problem;
    check_length(theta, size(), "θ̂");
    problem.matrix = &state_->matrix;
    problem.diagonal = state_->op.diagonal();
    problem.nonzeros = state_->matrix.nonZeros();
    problem.theta = std::move(theta);
}

MatrixProblem::~MatrixProblem() = default;
MatrixProblem::MatrixProblem(MatrixProblem&&) noexcept = default;
MatrixProblem& MatrixProblem::operator=(MatrixProblem&&) noexcept = default;

const HessianProblem& MatrixProblem::problem() const {
    return state_->problem;
}
const SparseMatrix& MatrixProblem::matrix() const {
    return state_->matrix;
}
Index MatrixProblem::size() const {
    return state_->op.rows();
}

void MatrixProblem::set_gradient(Vector gradient) {
    if (gradient.size() != 0) check_length(gradient, size(), "the gradient g");
    state_->problem.gradient = std::move(gradient);
}

void MatrixProblem::set_dense(DenseMatrix dense) {
    if (dense.rows() != size() || dense.cols() != size())
        throw UsageError("the dense form of H is " + std::to_string(dense.rows()) + "x" +
                         std::to_string(dense.cols()) + " but H is " + std::to_string(size()) +
                         "x" + std::to_string(size()));
    state_->dense = std::move(dense);
    state_->problem.dense = &state_->dense;
}

void MatrixProblem::describe(std::string source, std::string theta_source) {
    state_->problem.source = std::move(source);
    state_->problem.theta_source = std::move(theta_source);
}

void MatrixProblem::set_psd_by_construction(bool psd) {
    state_->problem.psd_by_construction = psd;
}

// ---- FittedModelProblem -----------------------------------------------------

struct FittedModelProblem::State {
    explicit State(const Model& m) : model(&m), curvature(m), problem(curvature) {}
    const Model* model;
    TimedCurvatureOperator curvature;
    DenseMatrix dense;
    double gradient_norm = 0;
    HessianProblem problem;
};

FittedModelProblem::FittedModelProblem(Model& model, Vector theta,
                                       const FittedModelProblemOptions& options)
    : state_(std::make_unique<State>(model)) {
    check_length(theta, model.parameters(), "θ̂");
    HessianProblem& problem = state_->problem;
    model.set_curvature_point(theta);
    Vector gradient;
    model.evaluate(theta, &gradient);
    state_->gradient_norm = gradient.norm();
    if (options.with_gradient) problem.gradient = std::move(gradient);
    problem.theta = std::move(theta);
    problem.psd_by_construction = model.curvature_psd();  // convex losses; any GGN
    problem.source = model.name() + " model" + (options.data.empty() ? "" : " on " + options.data) +
                     ", " + to_string(model.curvature()) + " curvature at θ̂ (matrix-free products)";
    problem.theta_source = options.theta_source;
    if (options.dense_parameters <= 0) return;
    if (std::optional<DenseMatrix> formed = model.curvature_matrix(options.dense_parameters)) {
        state_->dense = std::move(*formed);
        problem.dense = &state_->dense;
        problem.source += "; also formed as a dense matrix (" + std::to_string(model.parameters()) +
                          " parameters)";
    }
}

FittedModelProblem::~FittedModelProblem() = default;
FittedModelProblem::FittedModelProblem(FittedModelProblem&&) noexcept = default;
FittedModelProblem& FittedModelProblem::operator=(FittedModelProblem&&) noexcept = default;

const HessianProblem& FittedModelProblem::problem() const {
    return state_->problem;
}
const Model& FittedModelProblem::model() const {
    return *state_->model;
}
double FittedModelProblem::gradient_norm() const {
    return state_->gradient_norm;
}
bool FittedModelProblem::dense() const {
    return state_->problem.dense != nullptr;
}
Index FittedModelProblem::products() const {
    return state_->curvature.count();
}
double FittedModelProblem::product_seconds() const {
    return state_->curvature.seconds();
}

}  // namespace ridgelens
