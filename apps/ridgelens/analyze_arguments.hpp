#pragma once
// The options of `analyze`, shared by ridgelens and ridgelens-mpi.

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "problem_source.hpp"
#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"

namespace ridgelens::cli {

struct AnalyzeArguments {
    ProblemSourceArguments source;
    AnalyzeOptions analysis;
    std::vector<double> lambdas;
    std::string solver = "auto";
    EigensolverBackend eigensolver = EigensolverBackend::lanczos;  ///< --eigensolver
    std::string out_path;
    std::string theta_ridge_out;
    std::string plot_directory;
    bool quiet = false;
};

/// The options of `analyze`; `usage` heads the help (the command line and what
/// it computes), `solver_help` describes --solver's choices.
boost::program_options::options_description analyze_options(AnalyzeArguments& a,
                                                            const std::string& usage,
                                                            const std::string& solver_help);

/// After parsing: checks the λ (required with --hessian; 0.01 and 1 for the
/// Fashion-MNIST default) and fills `a.analysis` (λ, solver, seed, progress).
/// @throws UsageError for a missing --lambda or an unknown --solver.
void apply_analyze_arguments(AnalyzeArguments& a, const Progress& progress);

}  // namespace ridgelens::cli
