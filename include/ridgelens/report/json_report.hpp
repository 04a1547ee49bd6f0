#pragma once
/// @file json_report.hpp
/// The JSON report of an analysis. Its field names are a contract other
/// tools read (see README "The JSON report"); fields may be added, never
/// renamed.
///
/// Thread safety: pure functions building JSON from results, and writers of
/// their own files; reentrant for distinct paths.

#include <nlohmann/json.hpp>
#include <string>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/export.hpp"

namespace ridgelens {

/// Wall-clock seconds of the phases of a run.
struct ReportTimings {
    double read_seconds = 0;     ///< reading / building the problem
    double eigen_seconds = 0;    ///< eigenpairs and PSD check
    double analyze_seconds = 0;  ///< solves and decay analysis
};

/// Builds the report: "ridgelens_version", "problem", "eigen", "lambdas",
/// "timings", plus "status", "checks" and "warnings".
RIDGELENS_API nlohmann::json make_analysis_report(const ProblemSummary& problem,
                                                  const AnalysisResult& result,
                                                  const ReportTimings& timings);

/// The "lambdas" array of an analysis (one entry per λ), also used by the
/// fit report.
RIDGELENS_API nlohmann::json lambdas_section(const AnalysisResult& result);

/// Writes `report` (pretty-printed) to `path` atomically: a temporary file,
/// then rename. @throws Error if the file cannot be written.
RIDGELENS_API void write_json_report(const std::string& path, const nlohmann::json& report);

}  // namespace ridgelens
