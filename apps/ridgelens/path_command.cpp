// `ridgelens path`: θ̂_ridge, the coefficient paths of the top directions and
// the effective degrees of freedom along a log-spaced grid of λ.

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "model_source.hpp"
#include "path_arguments.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "report_outputs.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

}  // namespace

int run_path(const std::vector<std::string>& arguments) {
    PathArguments a;
    const po::options_description options = path_options(
        a,
        std::string("ridgelens path (--hessian H.mtx [--theta t.mtx] | --data FILE "
                    "--model …)\n               --lambdas MIN:MAX:COUNT [options]\n\n") +
            path_description,
        "auto | cholmod | cg | dense (cg: multi-shift CG for the whole grid; dense: one "
        "eigendecomposition of H, formed for a least-squares or logistic --data model with at "
        "most 3000 parameters, which auto then picks)");
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
    check_output_path(a.out_path);
    check_output_path(a.csv_path);
    const Progress progress(!a.quiet);
    if (a.lambdas.empty()) {
        if (!a.source.hessian_path.empty() || !a.model_source.data.path.empty())
            throw UsageError("--lambdas MIN:MAX:COUNT is required with --hessian or --data");
        a.lambdas = "1e-4:1e2:50";
    }
    a.path.lambdas = parse_lambda_grid(a.lambdas);
    a.path.solver = parse_solver_choice(a.solver);
    a.path.deflate = !a.no_deflation;
    a.path.measure_undeflated = !a.no_baseline;
    a.path.seed = a.source.seed;
    a.path.slq.seed = a.source.seed;
    a.path.progress = progress;

    std::unique_ptr<LoadedProblem> loaded;
    std::unique_ptr<FittedModelProblem> fitted;
    if (a.model_source.data.path.empty()) {
        loaded = LoadedProblem::load(a.source, progress);
    } else {
        if (!a.source.hessian_path.empty())
            throw UsageError("give either --hessian or --data, not both");
        if (!values["class"].defaulted())
            a.model_source.data.positive_class = a.source.fashion_class;
        report_newton_progress(a.model_source.fit, progress);
        fitted = std::make_unique<FittedModelProblem>(load_model(a.model_source, progress),
                                                      a.model_source.fit);
        if (!fitted->fit().converged) {
            std::cerr << "ridgelens: " << fitted->fit().message << "\n";
            return exit_numerical_failure;
        }
        progress(fitted->fit().message);
    }
    const HessianProblem& problem = loaded ? loaded->problem() : fitted->problem();
    check_eigen_memory(problem.hessian.rows(), a.path.eigen);
    PathResult result = compute_path(problem, a.path);
    if (fitted) advise_gauss_newton(a.model_source, result.psd, result.warnings);
    print_path_table(std::cout, problem, result);
    write_path_outputs(summarize(problem), result, nullptr, a.out_path, a.plot_directory,
                       a.csv_path, progress);
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
