#pragma once
/// @file fit_report.hpp
/// The JSON report of `ridgelens fit`: the analysis report plus a "model"
/// section and, per λ, an "approximation" section.
///
/// Thread safety: pure functions building JSON from results; reentrant.

#include <nlohmann/json.hpp>
#include <string>

#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/model/model.hpp"
#include "ridgelens/report/json_report.hpp"

namespace ridgelens {

/// "model": name, samples, features, parameters, fit_iterations,
/// gradient_norm (‖∇R(θ̂)‖), separable, base_lambda, hvp_seconds, … ;
/// lambdas[i].approximation: relative_error, ridge_objective,
/// approx_objective, newton_iterations. When the fit failed (e.g. separable
/// data without a base penalty) the report has "status": "fit_failed", the
/// model section and no analysis.
RIDGELENS_API nlohmann::json make_fit_report(const Model& model, Index features,
                                             const std::string& data,
                                             const FitAnalysisResult& result,
                                             const ReportTimings& timings);

}  // namespace ridgelens
