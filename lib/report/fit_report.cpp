#include "ridgelens/report/fit_report.hpp"

#include "report/report_sections.hpp"
#include "ridgelens/version.hpp"

namespace ridgelens {

using nlohmann::json;
using report::number;

json make_fit_report(const Model& model, Index features, const std::string& data,
                     const FitAnalysisResult& result, const ReportTimings& timings) {
    const FitResult& fit = result.fit;
    const json model_section{{"name", model.name()},
                             {"data", data},
                             {"curvature", to_string(model.curvature())},
                             {"samples", model.samples()},
                             {"features", features},
                             {"parameters", model.parameters()},
                             {"fit_iterations", fit.iterations},
                             {"fit_cg_iterations", fit.cg_iterations},
                             {"fit_converged", fit.converged},
                             {"fit_message", fit.message},
                             {"fit_seconds", fit.seconds},
                             {"objective", number(fit.objective)},
                             {"gradient_norm", number(fit.unpenalized_gradient_norm)},
                             {"penalized_gradient_norm", number(fit.gradient_norm)},
                             {"separable", fit.separable},
                             {"base_lambda", fit.base_lambda},
                             {"hvp_seconds", result.hvp_seconds},
                             {"hvp_count", result.hvp_count}};
    if (!result.analyzed) {
        return json{{"ridgelens_version", version_string},
                    {"kind", "fit"},
                    {"status", "fit_failed"},
                    {"model", model_section},
                    {"warnings", json::array({fit.message})},
                    {"timings", {{"read_s", timings.read_seconds}}}};
    }
    json report = make_analysis_report(result.problem, result.analysis, timings);
    report["model"] = model_section;
    report["kind"] = "fit";
    if (!result.ok) report["status"] = "numerical_failure";
    for (json& entry : report["lambdas"]) {
        for (const ApproximationResult& study : result.approximation) {
            if (study.lambda != entry["lambda"].get<double>()) continue;
            entry["approximation"] = json{{"relative_error", number(study.relative_error)},
                                          {"ridge_objective", number(study.ridge_objective)},
                                          {"approx_objective", number(study.approx_objective)},
                                          {"newton_iterations", study.newton_iterations},
                                          {"gradient_norm", number(study.gradient_norm)},
                                          {"truth_error_bound", number(study.truth_error_bound)},
                                          {"converged", study.converged},
                                          {"point", study.point},
                                          {"curvature_min", number(study.curvature_min)},
                                          {"curvature_residual", number(study.curvature_residual)},
                                          {"escapes", study.escapes},
                                          {"message", study.message}};
        }
    }
    return report;
}

}  // namespace ridgelens
