#pragma once
// The readable summary printed on stdout after an analysis.

#include <ostream>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/analysis/path.hpp"

namespace ridgelens::cli {

/// Prints the PSD check and, per λ, the table j, σ_j, c_j, f_j, f_j·c_j with
/// the solve residual, the self-check and the tail.
void print_summary_table(std::ostream& out, const ProblemSummary& problem,
                         const AnalysisResult& result);

/// The path table: per λ, df ± s.e., ‖θ̂_ridge‖, the residual and iterations.
void print_path_table(std::ostream& out, const HessianProblem& problem, const PathResult& result);

/// The approximation study: per λ, ‖θ̂_ridge − θ*_λ‖/‖θ*_λ‖, both objectives,
/// the Newton iterations.
void print_approximation_table(std::ostream& out, const FitAnalysisResult& result);

}  // namespace ridgelens::cli
