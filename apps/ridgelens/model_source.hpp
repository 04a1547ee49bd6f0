#pragma once
// Training data and a model for the commands that fit one (fit, path --data).

#include <boost/program_options/options_description.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/model/newton_cg.hpp"
#include "ridgelens/model/training_set.hpp"

namespace ridgelens::cli {

struct ModelSourceArguments {
    TrainingSetOptions data;
    std::string scale = "none";
    std::string model = "softmax";
    std::string curvature = "hessian";
    FitOptions fit;  ///< base_lambda, gradient_tolerance, max_iterations
};

/// --data, --format, --model, --scale, --class, --intercept, --base-lambda,
/// --curvature, --fit-tol, --max-newton.
/// `with_class_option` false leaves --class to a command that already has it.
void add_model_source_options(boost::program_options::options_description& options,
                              ModelSourceArguments& arguments, bool with_class_option = true);

/// Progress lines for every Newton iteration.
void report_newton_progress(FitOptions& fit, const Progress& progress);

/// The model built on its training data.
struct LoadedModel {
    std::unique_ptr<LinearModel> model;
    Index features = 0;       ///< columns of X, intercept included
    std::string description;  ///< the data, for reports
    double read_seconds = 0;
};

/// Reads the data and builds the model. @throws InputError / UsageError.
LoadedModel load_model(const ModelSourceArguments& arguments, const Progress& progress);

/// Where the model's exact Hessian was found indefinite, the advice that
/// its Gauss-Newton curvature (--curvature ggn, positive semidefinite) exists:
/// appended to `warnings` (only commands with a model have that option).
void advise_gauss_newton(const ModelSourceArguments& arguments, const PsdVerdict& psd,
                         std::vector<std::string>& warnings);

/// Models with at most this many parameters also get their curvature formed
/// as a dense matrix (72 MB at the limit), where the model can
/// (Model::curvature_matrix): every λ of a path then comes from one
/// eigendecomposition.
inline constexpr Index dense_model_parameters = 3000;

/// A fitted model and its curvature at θ̂ as a Hessian problem (matrix-free,
/// g = ∇R(θ̂) when λ₀ > 0; also formed as a dense matrix for small models).
class FittedModelProblem {
  public:
    /// Fits θ̂ (throws nothing for a failed fit: check `fit().converged`).
    FittedModelProblem(LoadedModel loaded, const FitOptions& options);
    const FitResult& fit() const { return fit_; }
    /// Only valid when the fit converged.
    const HessianProblem& problem() const { return *problem_; }
    const LoadedModel& loaded() const { return loaded_; }

  private:
    LoadedModel loaded_;
    FitResult fit_;
    std::unique_ptr<ModelCurvatureOperator> curvature_;
    DenseMatrix dense_curvature_;  ///< H formed, for small models (HessianProblem::dense)
    std::optional<HessianProblem> problem_;
};

}  // namespace ridgelens::cli
