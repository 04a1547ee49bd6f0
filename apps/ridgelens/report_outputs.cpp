// What analyze, fit and path write besides their tables.

#include "report_outputs.hpp"
#include "flag_advice.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "ridgelens/error.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/report/path_report.hpp"

namespace ridgelens::cli {

void CommandOutputs::add_report(const nlohmann::json& report, const std::string& out_path) {
    if (out_path.empty()) return;
    const OutputBatch::Capture capture(batch_);
    write_json_report(out_path, report);
    written_.push_back("report written to " + out_path);
}

void CommandOutputs::add_pictures(const std::function<plot::FigureSet()>& draw,
                                  const std::string& plot_directory) {
    if (plot_directory.empty()) return;
    const std::string staged = batch_.add_directory(plot_directory);
    try {
        plot::write_figures(draw(), staged);
    } catch (const Error& error) {
        throw Error("cannot write the pictures into '" + plot_directory +
                    "' (nothing written): " + error.what());
    }
    plot_page_ = (std::filesystem::path(plot_directory) / "index.html").string();
}

void CommandOutputs::add_path(const ProblemSummary& summary, const PathResult& result,
                              const nlohmann::json& extra, const std::string& out_path,
                              const std::string& plot_directory, const std::string& csv_path) {
    if (!out_path.empty()) {
        nlohmann::json report = make_path_report(summary, result);
        if (extra.is_object()) report.update(extra);
        add_report(report, out_path);
    }
    add_pictures([&] { return plot::make_path_figures(summary, result); }, plot_directory);
    if (!csv_path.empty()) {
        const OutputBatch::Capture capture(batch_);
        write_path_csv(csv_path, result);
        written_.push_back("CSV written to " + csv_path);
    }
}

void CommandOutputs::add_first_ridge(const AnalysisResult& result, const Vector& x,
                                     const std::string& path, const std::string& program) {
    if (path.empty()) return;
    const SolveResult& first = result.lambdas.front().ridge;
    if (first.ok()) {
        const OutputBatch::Capture capture(batch_);
        write_vector_matrix_market(path, x);
        written_.push_back("θ̂_ridge of the first λ written to " + path);
    } else {
        std::cerr << program << ": " << path << " not written: the solve for the first λ failed ("
                  << first.message << ")\n";
    }
}

void CommandOutputs::add_ridge_columns(const std::vector<RidgeColumn>& columns,
                                       const std::string& path, const std::string& program) {
    if (path.empty() || columns.empty()) return;
    for (const RidgeColumn& column : columns)
        if (!column.ok) {
            std::cerr << program << ": " << path
                      << " not written: the solve for λ = " << column.lambda << " failed ("
                      << column.message << ")\n";
            return;
        }
    DenseMatrix x(columns.front().x->size(), static_cast<Index>(columns.size()));
    for (std::size_t i = 0; i < columns.size(); ++i) x.col(static_cast<Index>(i)) = *columns[i].x;
    const OutputBatch::Capture capture(batch_);
    write_matrix_market_array(path, x);
    written_.push_back("θ̂_ridge of " + std::to_string(columns.size()) +
                       " λ (one column each) written to " + path);
}

void CommandOutputs::add_eigenvectors(const Eigenpairs& top, const PsdVerdict& psd,
                                      const std::string& path, const std::string& program) {
    if (path.empty()) return;
    const Index k = top.vectors.cols();
    const Index negative = psd.negative.vectors.cols();
    if (k + negative == 0) {
        std::cerr << program << ": " << path << " not written: no eigenpair converged ("
                  << with_flag_advice(top.message) << ")\n";
        return;
    }
    DenseMatrix vectors(k > 0 ? top.vectors.rows() : psd.negative.vectors.rows(), k + negative);
    if (k > 0) vectors.leftCols(k) = top.vectors;
    if (negative > 0) vectors.rightCols(negative) = psd.negative.vectors;
    const OutputBatch::Capture capture(batch_);
    write_matrix_market_array(path, vectors);
    written_.push_back(std::to_string(k) + " top" +
                       (negative > 0 ? " and " + std::to_string(negative) + " negative" : "") +
                       " eigenvectors written to " + path);
}

void CommandOutputs::commit() {
    check_standard_output();
    batch_.commit();
    for (const std::string& line : written_) progress_(line);
    if (!plot_page_.empty()) std::cout << "plots: " << plot_page_ << "\n";
}

void check_standard_output() {
    std::cout.flush();
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int error = errno;
    if (flushed && std::cout && !std::ferror(stdout)) return;
    std::cout.clear();
    std::clearerr(stdout);
    throw Error(std::string("cannot write the standard output: ") +
                (error != 0 ? std::strerror(error)
                            : "output lost (a full device, a closed pipe or an I/O error)"));
}

}  // namespace ridgelens::cli
