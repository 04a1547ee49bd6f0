#pragma once
/// @file path_report.hpp
/// The JSON report and the CSV table of a regularization path.

#include <nlohmann/json.hpp>
#include <string>

#include "ridgelens/analysis/path.hpp"

namespace ridgelens {

/// Top level: "ridgelens_version", "status", "problem", "eigen", "solver",
/// "total_matvecs", "seconds", "df_method", "deflation", "density"
/// {"sigma", "value"}, "log_density", "path" — one entry per λ with
/// "lambda", "df", "df_stderr", "ridge_norm", "relative_residual",
/// "iterations", "shrunk" (q_jᵀθ̂_ridge of the top directions), "predicted".
/// `problem` is `summarize(problem)` of the HessianProblem the path ran on
/// (collective for a partitioned H, so taken on every rank before rank 0 alone
/// writes the report).
nlohmann::json make_path_report(const ProblemSummary& problem, const PathResult& result);

/// One row per λ: lambda, df, df_stderr, ridge_norm, relative_residual,
/// iterations, status, shrunk_1 … shrunk_m. Written atomically.
void write_path_csv(const std::string& path, const PathResult& result);

}  // namespace ridgelens
