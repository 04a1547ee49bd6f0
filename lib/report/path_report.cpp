#include "ridgelens/report/path_report.hpp"

#include <cstdio>

#include "report/report_sections.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/version.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using report::number;
using report::vector_to_json;

// The λ-selection fields of a point (only when the criteria were evaluated).
void add_criteria(const PathPoint& point, json& entry) {
    const SelectionCriteria& c = point.criteria;
    entry["risk"] = number(point.risk);
    entry["residual_norm"] = number(c.residual_norm);
    entry["gcv"] = number(c.gcv);
    entry["gcv_stderr"] = number(c.gcv_stderr);
    entry["log_evidence"] = number(c.log_evidence);
    entry["log_evidence_stderr"] = number(c.log_evidence_stderr);
    entry["lcurve_curvature"] = number(c.lcurve_curvature);
}

json selection_to_json(const LambdaSelection& s) {
    return json{{"criterion", to_string(s.criterion)},
                {"lambda", number(s.lambda)},
                {"value", number(s.value)},
                {"value_stderr", number(s.value_stderr)},
                {"bracket", json::array({number(s.bracket_low), number(s.bracket_high)})},
                {"evaluations", s.evaluations},
                {"resolved", s.resolved},
                {"reason", s.reason},
                {"probes_needed", s.probes_needed}};
}

json point_to_json(const PathPoint& point) {
    return json{{"lambda", point.lambda},
                {"df", number(point.df)},
                {"df_stderr", number(point.df_stderr)},
                {"df_slq", number(point.df_slq)},
                {"df_slq_stderr", number(point.df_slq_stderr)},
                {"df_quadrature_error", number(point.df_quadrature_error)},
                {"df_resolution_error", number(point.df_resolution_error)},
                {"df_reliable", point.df_reliable},
                {"df_note", point.df_note},
                {"log_det", number(point.log_det)},
                {"log_det_stderr", number(point.log_det_stderr)},
                {"log_det_error", number(point.log_det_error)},
                {"ridge_norm", number(point.ridge_norm)},
                {"relative_residual", number(point.relative_residual)},
                {"iterations", point.iterations},
                {"status", to_string(point.status)},
                {"stationary_point", to_string(point.stationary)},
                {"message", point.message},
                {"seconds", point.seconds},
                {"factorization_seconds", point.factorization_seconds},
                {"shrunk", vector_to_json(point.coefficients)},
                {"solved", vector_to_json(point.coefficients)},
                {"predicted", vector_to_json(point.predicted)}};
}

}  // namespace

json make_path_report(const ProblemSummary& problem, const PathResult& result) {
    const bool criteria = !result.criteria_note.empty();
    json points = json::array();
    for (const PathPoint& point : result.points) {
        points.push_back(point_to_json(point));
        if (criteria) add_criteria(point, points.back());
    }
    const SpectralEstimate& spectrum = result.spectrum;
    json deflation{{"krylov_iterations", result.krylov_iterations},
                   {"undeflated_iterations", result.undeflated_iterations}};
    if (result.krylov_iterations >= 0 && result.undeflated_iterations >= 0)
        deflation["iterations_saved"] = result.undeflated_iterations - result.krylov_iterations;
    json report{{"ridgelens_version", version_string},
                {"kind", "path"},
                {"status", result.ok ? "ok" : "numerical_failure"},
                {"problem", report::problem_section(problem)},
                {"eigen", report::eigen_section(problem, result.eigen, result.psd)},
                {"solver", to_string(result.solver)},
                {"solver_reason", result.solver_reason},
                {"cholmod_analysis_seconds", result.analysis_seconds},
                {"total_matvecs", result.total_matvecs},
                {"seconds", result.seconds},
                {"df_method", result.df_method},
                {"df_reason", result.df_reason},
                {"deflation", deflation},
                {"slq",
                 {{"probes", spectrum.probes},
                  {"lanczos_steps", spectrum.lanczos_steps},
                  {"matvecs", spectrum.matvecs},
                  {"message", spectrum.message}}},
                {"density",
                 {{"sigma", vector_to_json(spectrum.density_sigma)},
                  {"value", vector_to_json(spectrum.density_value)},
                  {"bandwidth", number(spectrum.density_bandwidth)}}},
                {"log_density",
                 {{"sigma", vector_to_json(spectrum.log_density_sigma)},
                  {"value", vector_to_json(spectrum.log_density_value)},
                  {"bandwidth_decades", number(spectrum.log_density_bandwidth)},
                  {"null_mass", number(spectrum.null_mass)}}},
                {"path", points},
                {"path_points", result.points.size()},
                {"checks", result.checks},
                {"warnings", result.warnings}};
    if (criteria) {
        report["criteria_note"] = result.criteria_note;
        json selections = json::array();
        for (const LambdaSelection& s : result.selections)
            selections.push_back(selection_to_json(s));
        report["selection"] = selections;
    }
    return report;
}

void write_path_csv(const std::string& path, const PathResult& result) {
    write_file_atomically(path, [&](std::ostream& out) {
        const std::size_t directions =
            result.points.empty() ? 0 : result.points.front().coefficients.size();
        const bool criteria = !result.criteria_note.empty();
        out << "lambda,df,df_stderr,log_det,log_det_stderr,ridge_norm,relative_residual,"
               "iterations,status";
        if (criteria)
            out << ",residual_norm,gcv,gcv_stderr,log_evidence,log_evidence_stderr,"
                   "lcurve_curvature";
        for (std::size_t j = 1; j <= directions; ++j) out << ",shrunk_" << j;
        out << "\n";
        char buffer[32];
        const auto put = [&](double value) {
            std::snprintf(buffer, sizeof buffer, "%.17g", value);
            out << buffer;
        };
        for (const PathPoint& point : result.points) {
            for (double value : {point.lambda, point.df, point.df_stderr, point.log_det,
                                 point.log_det_stderr, point.ridge_norm, point.relative_residual}) {
                put(value);
                out << ",";
            }
            out << point.iterations << "," << to_string(point.status);
            if (criteria) {
                const SelectionCriteria& c = point.criteria;
                for (double value : {c.residual_norm, c.gcv, c.gcv_stderr, c.log_evidence,
                                     c.log_evidence_stderr, c.lcurve_curvature}) {
                    out << ",";
                    put(value);
                }
            }
            for (double value : point.coefficients) {
                out << ",";
                put(value);
            }
            out << "\n";
        }
    });
}

}  // namespace ridgelens
