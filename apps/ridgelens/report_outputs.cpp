// What analyze, fit and path write besides their tables.

#include "report_outputs.hpp"

#include <iostream>

#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/report/path_report.hpp"

namespace ridgelens::cli {

void write_report_outputs(const nlohmann::json& report, const std::string& out_path,
                          const std::string& plot_directory, const Progress& progress) {
    if (!out_path.empty()) {
        write_json_report(out_path, report);
        progress("report written to " + out_path);
    }
    if (!plot_directory.empty())
        std::cout << "plots: " << plot::write_plots(report, plot_directory).page << "\n";
}

void write_path_outputs(const ProblemSummary& summary, const PathResult& result,
                        const nlohmann::json& extra, const std::string& out_path,
                        const std::string& plot_directory, const std::string& csv_path,
                        const Progress& progress) {
    if (!out_path.empty() || !plot_directory.empty()) {
        nlohmann::json report = make_path_report(summary, result);
        if (extra.is_object()) report.update(extra);
        write_report_outputs(report, out_path, plot_directory, progress);
    }
    if (!csv_path.empty()) {
        write_path_csv(csv_path, result);
        progress("CSV written to " + csv_path);
    }
}

void write_first_ridge(const AnalysisResult& result, const Vector& x, const std::string& path,
                       const std::string& program, const Progress& progress) {
    const SolveResult& first = result.lambdas.front().ridge;
    if (first.ok()) {
        write_vector_matrix_market(path, x);
        progress("θ̂_ridge of the first λ written to " + path);
    } else {
        std::cerr << program << ": " << path << " not written: the solve for the first λ failed ("
                  << first.message << ")\n";
    }
}

}  // namespace ridgelens::cli
