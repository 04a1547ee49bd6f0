#pragma once
// Training data and a model for the commands that fit one (fit, path --data).

#include <boost/program_options/options_description.hpp>
#include <cstdint>
#include <functional>
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
    // --model mlp
    std::string hidden = "64";
    std::string activation = "tanh";
    std::string loss = "cross-entropy";
    Index lbfgs_iterations = 300;
    std::string theta_path;      ///< --theta (fit): θ̂ given, not trained
    std::string theta_out_path;  ///< --theta-out: θ̂ as a Matrix Market array
    /// Bytes the command keeps per model parameter (fit, eigen step, solves):
    /// data too wide for the memory budget is refused before the model is built.
    double bytes_per_parameter = 0;
};

/// --hidden, --activation, --loss, --lbfgs-iterations, --theta-out (the
/// options of --model mlp).
void add_network_options(boost::program_options::options_description& options,
                         ModelSourceArguments& arguments);

/// Whether --model names the neural network.
inline bool is_network(const ModelSourceArguments& arguments) {
    return arguments.model == "mlp";
}

/// How a network's θ̂ is obtained: read from --theta (only evaluated), or
/// trained by train_network from a seeded start; θ̂ is written to
/// --theta-out right away. Network defaults: --fit-tol 1e-5 unless given
/// (`tolerance_given`), at most 200 CG iterations per Newton step.
std::function<FitResult(Model&)> make_network_fitter(ModelSourceArguments& arguments,
                                                     bool tolerance_given, std::uint64_t seed,
                                                     const Progress& progress);

/// Bytes per parameter of a fitted model's analysis: θ̂, Newton-CG's vectors and
/// `solve_vectors` solutions or solver vectors (the eigen step is checked later,
/// by check_eigen_memory, once k < parameters is known).
double model_bytes_per_parameter(double solve_vectors);

/// --data, --format, --model, --scale, --class, --intercept, --base-lambda,
/// --curvature, --fit-tol, --max-newton.
/// `with_class_option` false leaves --class to a command that already has it.
void add_model_source_options(boost::program_options::options_description& options,
                              ModelSourceArguments& arguments, bool with_class_option = true);

/// Progress lines for every Newton iteration.
void report_newton_progress(FitOptions& fit, const Progress& progress);

/// The model built on its training data.
struct LoadedModel {
    std::unique_ptr<Model> model;
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

/// A model fitted on its training data, and its curvature at θ̂ as a Hessian
/// problem (matrix-free, g = ∇R(θ̂) when λ₀ > 0; also formed as a dense
/// matrix for small models). Owns the model the problem refers to.
class FittedModel {
  public:
    /// Fits θ̂ (throws nothing for a failed fit: check `fit().converged`).
    /// With a `fitter` (a network), θ̂ comes from it and is analyzed even when
    /// not converged; g = ∇R(θ̂) then always enters.
    FittedModel(LoadedModel loaded, const FitOptions& options,
                const std::function<FitResult(Model&)>& fitter = {});
    const FitResult& fit() const { return fit_; }
    /// Whether there is a problem to analyze: the fit converged, or θ̂ came from a fitter.
    bool analyzable() const { return problem_.has_value(); }
    /// Only valid when analyzable(); refers to this object's model.
    const HessianProblem& problem() const { return problem_->problem(); }
    const LoadedModel& loaded() const { return loaded_; }

  private:
    LoadedModel loaded_;
    FitResult fit_;
    std::optional<FittedModelProblem> problem_;  // refers to *loaded_.model
};

}  // namespace ridgelens::cli
