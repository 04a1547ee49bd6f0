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
                {"ridge_norm", number(point.ridge_norm)},
                {"relative_residual", number(point.relative_residual)},
                {"iterations", point.iterations},
                {"status", to_string(point.status)},
                {"stationary_point", to_string(point.stationary)},
                {"message", point.message},
                {"seconds", point.seconds},
                {"factorization_seconds", point.factorization_seconds},
                {"shrunk", vector_to_json(point.coefficients)},
                {"predicted", vector_to_json(point.predicted)}};
}

}  // namespace

json make_path_report(const ProblemSummary& problem, const PathResult& result) {
    json points = json::array();
    for (const PathPoint& point : result.points) points.push_back(point_to_json(point));
    const SpectralEstimate& spectrum = result.spectrum;
    json deflation{{"krylov_iterations", result.krylov_iterations},
                   {"undeflated_iterations", result.undeflated_iterations}};
    if (result.krylov_iterations >= 0 && result.undeflated_iterations >= 0)
        deflation["iterations_saved"] = result.undeflated_iterations - result.krylov_iterations;
    return json{{"ridgelens_version", version_string},
                {"status", result.ok ? "ok" : "numerical_failure"},
                {"problem", report::problem_section(problem)},
                {"eigen", report::eigen_section(problem, result.eigen, result.psd)},
                {"solver", result.solver},
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
                {"checks", result.checks},
                {"warnings", result.warnings}};
}

void write_path_csv(const std::string& path, const PathResult& result) {
    write_file_atomically(path, [&](std::ostream& out) {
        const std::size_t directions =
            result.points.empty() ? 0 : result.points.front().coefficients.size();
        out << "lambda,df,df_stderr,ridge_norm,relative_residual,iterations,status";
        for (std::size_t j = 1; j <= directions; ++j) out << ",shrunk_" << j;
        out << "\n";
        char buffer[32];
        const auto put = [&](double value) {
            std::snprintf(buffer, sizeof buffer, "%.17g", value);
            out << buffer;
        };
        for (const PathPoint& point : result.points) {
            for (double value : {point.lambda, point.df, point.df_stderr, point.ridge_norm,
                                 point.relative_residual}) {
                put(value);
                out << ",";
            }
            out << point.iterations << "," << to_string(point.status);
            for (double value : point.coefficients) {
                out << ",";
                put(value);
            }
            out << "\n";
        }
    });
}

}  // namespace ridgelens
