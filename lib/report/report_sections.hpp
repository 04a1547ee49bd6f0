#pragma once
// JSON sections shared by the reports of analyze, path and fit. Internal.

#include <nlohmann/json.hpp>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"

namespace ridgelens::report {

/// A finite number, or null (JSON has no NaN or Inf; the status says why).
nlohmann::json number(double value);
nlohmann::json vector_to_json(const Vector& values);
nlohmann::json vector_to_json(const std::vector<double>& values);

/// "problem": n, nnz, source, theta_source, theta_norm, gradient_norm.
nlohmann::json problem_section(const ProblemSummary& problem);

/// "eigen": the top-k pairs and the PSD verdict.
nlohmann::json eigen_section(const ProblemSummary& problem, const Eigenpairs& eigen,
                             const PsdVerdict& psd);

}  // namespace ridgelens::report
