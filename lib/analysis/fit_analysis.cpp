#include "ridgelens/analysis/fit_analysis.hpp"

#include <algorithm>
#include <chrono>

#include "analysis/pipeline_steps.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

using pipeline::format_double;

// Counts and times the curvature products the analysis makes.
class TimedCurvatureOperator {
  public:
    using Scalar = double;
    explicit TimedCurvatureOperator(const Model& model) : model_(&model) {}
    Index rows() const { return model_->parameters(); }
    Index cols() const { return model_->parameters(); }
    void perform_op(const double* x, double* y) const {
        const auto start = pipeline::Clock::now();
        model_->curvature_product(x, y);
        seconds_ += pipeline::seconds_since(start);
        ++count_;
    }
    double seconds() const { return seconds_; }
    Index count() const { return count_; }

  private:
    const Model* model_;
    mutable double seconds_ = 0;
    mutable Index count_ = 0;
};

}  // namespace

FitAnalysisResult fit_and_analyze(Model& model, const FitAnalysisOptions& options) {
    if (!(options.fit.base_lambda >= 0)) throw UsageError("fit: the base penalty λ₀ must be >= 0");
    FitAnalysisResult result;
    pipeline::report(options.analysis.progress,
                     std::string(options.fitter ? "fitting θ̂ (" : "fitting θ̂ by Newton-CG (") +
                         model.name() + ", " + std::to_string(model.parameters()) +
                         " parameters, λ₀ = " + format_double(options.fit.base_lambda) + ")");
    result.fit = options.fitter ? options.fitter(model) : fit_newton_cg(model, options.fit);
    pipeline::report(options.analysis.progress, result.fit.message);
    if (!result.fit.converged && !options.fitter) return result;

    // The curvature and gradient of the unpenalized R at θ̂.
    model.set_curvature_point(result.fit.theta);
    const TimedCurvatureOperator curvature(model);
    HessianProblem problem{curvature};
    problem.theta = result.fit.theta;
    Vector gradient;
    model.evaluate(result.fit.theta, &gradient);
    result.gradient_norm = gradient.norm();
    if (options.fit.base_lambda > 0 || options.fitter) problem.gradient = std::move(gradient);
    problem.psd_by_construction = model.curvature_psd();  // convex losses; any GGN
    problem.source = model.name() + " model, " + to_string(model.curvature()) +
                     " curvature at θ̂ (matrix-free products)";
    problem.theta_source =
        options.fitter ? result.fit.message : "Newton-CG fit: " + result.fit.message;

    result.problem = summarize(problem);
    result.analysis = analyze(problem, options.analysis);
    result.hvp_seconds = curvature.seconds();
    result.hvp_count = curvature.count();
    result.analyzed = true;
    result.ok = result.analysis.ok;

    if (options.approximation_study) {
        for (const LambdaResult& entry : result.analysis.lambdas) {
            if (!entry.ridge.ok()) continue;
            pipeline::report(options.analysis.progress,
                             "approximation study: fitting θ*_λ for λ = " +
                                 format_double(entry.lambda) + " from θ̂_ridge");
            result.approximation.push_back(
                study_approximation(model, options, entry.lambda, entry.ridge.x));
            if (!result.approximation.back().converged) result.ok = false;
        }
        model.set_curvature_point(result.fit.theta);
    }
    return result;
}

}  // namespace ridgelens
