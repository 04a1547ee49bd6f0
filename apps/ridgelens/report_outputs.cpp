// What analyze, fit and path write besides their tables.

#include "report_outputs.hpp"

#include <iostream>

#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/json_report.hpp"

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
