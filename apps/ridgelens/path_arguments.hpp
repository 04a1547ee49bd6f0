#pragma once
// The options of `path`, shared by ridgelens and ridgelens-mpi.

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "model_source.hpp"
#include "problem_source.hpp"
#include "ridgelens/analysis/path.hpp"

namespace ridgelens::cli {

struct PathArguments {
    ProblemSourceArguments source;
    ModelSourceArguments model_source;
    PathOptions path;
    std::string lambdas;
    std::string solver = "auto";
    EigensolverBackend eigensolver = EigensolverBackend::lanczos;  ///< --eigensolver
    bool no_deflation = false;
    bool no_baseline = false;
    std::string out_path;
    std::string csv_path;
    std::string plot_directory;
    std::vector<std::string> select;  ///< λ-selection criteria (--select, repeatable)
    Index samples = 0;  ///< --samples: n of a --hessian problem (the quadratic model's evidence)
    bool quiet = false;
};

/// The options of `path`; `usage` heads the help (the command line and what
/// it computes, e.g. ending in path_description), `solver_help` describes
/// --solver's choices.
boost::program_options::options_description path_options(PathArguments& a, const std::string& usage,
                                                         const std::string& solver_help);

/// What `path` computes (the help text after the command line).
extern const char* const path_description;

}  // namespace ridgelens::cli
