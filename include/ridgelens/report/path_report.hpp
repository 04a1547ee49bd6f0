#pragma once
/// @file path_report.hpp
/// The JSON report and the CSV table of a regularization path.
///
/// Thread safety: pure functions building JSON from results; reentrant.

#include <nlohmann/json.hpp>
#include <string>

#include "ridgelens/analysis/path.hpp"
#include "ridgelens/export.hpp"

namespace ridgelens {

/// Top level: "ridgelens_version", "status", "problem", "eigen", "solver",
/// "total_matvecs", "seconds", "df_method", "deflation", "density"
/// {"sigma", "value"}, "log_density", "path" — one entry per λ with
/// "lambda", "df", "df_stderr", "ridge_norm", "relative_residual",
/// "iterations", "shrunk" (q_jᵀθ̂_ridge of the top directions), "predicted",
/// "log_det", "log_det_stderr", "log_det_error"; when the λ-selection
/// criteria were evaluated also per λ "risk", "residual_norm", "gcv",
/// "gcv_stderr", "log_evidence", "log_evidence_stderr", "lcurve_curvature",
/// and at the top "criteria_note" and "selection" (one entry per criterion:
/// "criterion", "lambda", "value", "value_stderr", "bracket", "evaluations",
/// "resolved", "reason", "probes_needed").
/// `problem` is `summarize(problem)` of the HessianProblem the path ran on
/// (collective for a partitioned H, so taken on every rank before rank 0 alone
/// writes the report).
RIDGELENS_API nlohmann::json make_path_report(const ProblemSummary& problem,
                                              const PathResult& result);

/// One row per λ: lambda, df, df_stderr, log_det, log_det_stderr, ridge_norm,
/// relative_residual, iterations, status, [residual_norm, gcv, gcv_stderr,
/// log_evidence, log_evidence_stderr, lcurve_curvature when the selection
/// criteria were evaluated], shrunk_1 … shrunk_m. Written atomically.
RIDGELENS_API void write_path_csv(const std::string& path, const PathResult& result);

}  // namespace ridgelens
