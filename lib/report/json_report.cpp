#include "ridgelens/report/json_report.hpp"

#include <cmath>

#include "report/report_sections.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/version.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;

using report::number;
using report::vector_to_json;

json direction_to_json(const DirectionDecay& d) {
    return json{{"j", d.j},
                {"sigma", number(d.sigma)},
                {"component", number(d.component)},
                {"factor", number(d.factor)},
                {"shrunk", number(d.shrunk)},
                {"predicted", number(d.shrunk)},
                {"solved", number(d.solved)},
                {"curvature", to_string(d.kind)},
                {"sigma_uncertainty", number(d.sigma_uncertainty)},
                {"factor_uncertainty", number(d.factor_uncertainty)},
                {"resolved", d.resolved},
                {"effect", to_string(d.effect)},
                {"most_negative", d.bottom}};
}

json lambda_to_json(const LambdaResult& entry) {
    const SolveResult& ridge = entry.ridge;
    // A failed solve leaves no θ̂_ridge: every quantity computed from it is
    // null, and "partial" says so, rather than numbers that look like answers.
    const bool solved = ridge.ok();
    const auto from_x = [&](double value) { return solved ? number(value) : json(nullptr); };
    json directions = json::array();
    for (const DirectionDecay& d : entry.decay.directions) {
        json direction = direction_to_json(d);
        if (!solved) direction["solved"] = nullptr;
        directions.push_back(std::move(direction));
    }
    const TailAnalysis& tail = entry.decay.tail;
    json out{{"lambda", entry.lambda},
             {"stationary_point", to_string(entry.stationary)},
             {"stationary_reason", entry.stationary_reason},
             {"directions", directions},
             {"ridge",
              {{"solver", to_string(ridge.solver)},
               {"relative_residual", number(ridge.relative_residual)},
               {"iterations", ridge.iterations},
               {"norm", from_x(entry.ridge_norm)},
               {"seconds", ridge.seconds},
               {"status", to_string(ridge.status)},
               {"message", ridge.message}}},
             {"tail",
              {{"theta_tail_norm", number(tail.theta_tail_norm)},
               {"ridge_tail_norm", from_x(tail.ridge_tail_norm)},
               {"bound", number(tail.bound)},
               {"bound_applies", tail.bound_applies},
               {"bound_holds", solved ? json(tail.bound_holds) : json(nullptr)},
               {"slack", from_x(tail.slack)}}},
             {"self_check",
              {{"max_abs_error", from_x(entry.decay.self_check_max_abs_error)},
               {"relative_error", from_x(entry.decay.self_check_relative)},
               {"tolerance", from_x(entry.decay.self_check_tolerance)},
               {"holds", solved ? json(entry.decay.self_check_holds) : json(nullptr)}}},
             {"unresolved_directions", entry.decay.unresolved}};
    if (!solved) out["partial"] = true;
    return out;
}

}  // namespace

json lambdas_section(const AnalysisResult& result) {
    json lambdas = json::array();
    for (const LambdaResult& entry : result.lambdas) lambdas.push_back(lambda_to_json(entry));
    return lambdas;
}

json make_analysis_report(const ProblemSummary& problem, const AnalysisResult& result,
                          const ReportTimings& timings) {
    return json{{"ridgelens_version", version_string},
                {"kind", "analyze"},
                {"status", result.ok ? "ok" : "numerical_failure"},
                {"problem", report::problem_section(problem)},
                {"eigen", report::eigen_section(problem, result.eigen, result.psd)},
                {"solver", to_string(result.solver)},
                {"solver_reason", result.solver_reason},
                {"lambdas", lambdas_section(result)},
                {"checks", result.checks},
                {"warnings", result.warnings},
                {"timings",
                 {{"read_s", timings.read_seconds},
                  {"eigen_s", timings.eigen_seconds},
                  {"analyze_s", timings.analyze_seconds}}}};
}

void write_json_report(const std::string& path, const json& report) {
    write_file_atomically(path, [&](std::ostream& out) { out << report.dump(2) << '\n'; });
}

}  // namespace ridgelens
