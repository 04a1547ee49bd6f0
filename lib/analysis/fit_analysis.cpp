#include "ridgelens/analysis/fit_analysis.hpp"

#include "analysis/pipeline_steps.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {

using pipeline::format_double;

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
    FittedModelProblemOptions problem_options;
    problem_options.with_gradient = options.fit.base_lambda > 0 || options.fitter;
    problem_options.theta_source =
        options.fitter ? result.fit.message : "Newton-CG fit: " + result.fit.message;
    const FittedModelProblem fitted(model, result.fit.theta, problem_options);
    result.gradient_norm = fitted.gradient_norm();
    result.problem = summarize(fitted.problem());
    result.analysis = analyze(fitted.problem(), options.analysis);
    result.hvp_seconds = fitted.product_seconds();
    result.hvp_count = fitted.products();
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
