#pragma once
// The readable summary printed on stdout after an analysis.

#include <ostream>

#include "ridgelens/analysis/analyze.hpp"

namespace ridgelens::cli {

/// Prints the PSD check and, per λ, the table j, σ_j, c_j, f_j, f_j·c_j with
/// the solve residual, the self-check and the tail.
void print_summary_table(std::ostream& out, const ProblemSummary& problem,
                         const AnalysisResult& result);

}  // namespace ridgelens::cli
