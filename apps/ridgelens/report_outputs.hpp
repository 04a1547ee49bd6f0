#pragma once
// What analyze, fit and path write besides their tables, shared by ridgelens
// and ridgelens-mpi (which calls these on rank 0 only).

#include <nlohmann/json.hpp>
#include <string>

#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens::cli {

/// Writes `report` to `out_path` (atomically) and its pictures into
/// `plot_directory` (printing the page's path on stdout); an empty path skips
/// that output.
void write_report_outputs(const nlohmann::json& report, const std::string& out_path,
                          const std::string& plot_directory, const Progress& progress);

/// The outputs of `path` after its table: the JSON report (`extra`'s fields
/// merged in at the top level, e.g. ridgelens-mpi's "mpi") and its pictures as
/// write_report_outputs, and the CSV table into `csv_path`; empty paths skip.
void write_path_outputs(const ProblemSummary& summary, const PathResult& result,
                        const nlohmann::json& extra, const std::string& out_path,
                        const std::string& plot_directory, const std::string& csv_path,
                        const Progress& progress);

/// Writes `x`, θ̂_ridge of the first λ of `result`, to `path` as a Matrix
/// Market array, only if that solve succeeded: otherwise says on stderr
/// (prefixed by `program`) why nothing was written, so that no file looks
/// like an answer that is not one.
void write_first_ridge(const AnalysisResult& result, const Vector& x, const std::string& path,
                       const std::string& program, const Progress& progress);

}  // namespace ridgelens::cli
