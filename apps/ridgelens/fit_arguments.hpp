#pragma once
// The options of `fit`, shared by ridgelens and ridgelens-mpi.

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "model_source.hpp"
#include "progress.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"

namespace ridgelens::cli {

struct FitArguments {
    ModelSourceArguments source;
    FitAnalysisOptions analysis;
    std::vector<double> lambdas;
    std::string solver = "cg";
    EigensolverBackend eigensolver = EigensolverBackend::lanczos;  ///< --eigensolver
    bool no_approximation = false;
    std::string out_path;
    std::uint64_t seed = 1;
    std::string plot_directory;
    bool quiet = false;
};

/// The options of `fit`; `usage` heads the help (the command line and what it
/// computes).
boost::program_options::options_description fit_options(FitArguments& a, const std::string& usage);

/// After parsing (and after the command has set its defaults): checks that λ
/// is given and --solver is cg, and fills `a.analysis` (the fit with Newton
/// progress lines, λ, solver, seed, progress, the approximation study).
/// @throws UsageError for a missing --lambda or a --solver other than cg.
void apply_fit_arguments(FitArguments& a, const Progress& progress);

}  // namespace ridgelens::cli
