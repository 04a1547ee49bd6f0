// `ridgelens analyze`: the decay analysis of one Hessian for one or more λ.

#include <boost/program_options.hpp>
#include <iostream>

#include "analyze_arguments.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output_targets.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "report_outputs.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/report/json_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

const char* const analyze_usage =
    "ridgelens analyze [--hessian H.mtx [--theta t.mtx]] --lambda L [--lambda L2 …] "
    "[options]\n\n"
    "Top-k eigenpairs of H, the decay factor f_j = σ_j/(σ_j+λ) of each eigen-direction,\n"
    "the components c_j = q_jᵀθ̂, and the exact transform θ̂_ridge = (H+λI)⁻¹Hθ̂.\n"
    "Without --hessian: least squares on Fashion-MNIST (class --class against the rest),\n"
    "H = XᵀX/n, θ̂ the minimum-norm minimizer, λ = 0.01 and 1 unless given.";

}  // namespace

int run_analyze(const std::vector<std::string>& arguments) {
    AnalyzeArguments a;
    std::string eigenvectors_out;
    po::options_description options = analyze_options(
        a, analyze_usage,
        "auto | cholmod | cg: how (H+λI)x = Hθ̂ − g is solved (auto: CHOLMOD when the factor "
        "fits in memory)");
    add_gradient_option(options, a.source);
    options.add_options()("eigenvectors-out", po::value(&eigenvectors_out)->value_name("Q.mtx"),
                          "write the eigenvectors as an n×k Matrix Market array: column j for "
                          "the j-th reported eigenvalue, then those of the negative pairs");
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
    check_output_targets({{"--hessian", a.source.hessian_path},
                          {"--theta", a.source.theta_path},
                          {"--gradient", a.source.gradient_path}},
                         {{"--out", a.out_path},
                          {"--theta-ridge-out", a.theta_ridge_out},
                          {"--eigenvectors-out", eigenvectors_out}},
                         {"--plot", a.plot_directory});
    const Progress progress(!a.quiet);
    apply_analyze_arguments(a, progress);

    std::unique_ptr<LoadedProblem> loaded = LoadedProblem::load(a.source, progress);
    const HessianProblem& problem = loaded->problem();
    check_eigen_memory(problem.hessian.rows(), a.analysis.eigen);
    const AnalysisResult result = analyze(problem, a.analysis);
    print_summary_table(std::cout, summarize(problem), result);

    CommandOutputs outputs(progress);
    if (!a.out_path.empty()) {
        const ReportTimings timings{loaded->read_seconds(), result.eigen_seconds,
                                    result.analyze_seconds};
        outputs.add_report(make_analysis_report(summarize(problem), result, timings), a.out_path);
    }
    outputs.add_pictures([&] { return plot::make_analysis_figures(summarize(problem), result); },
                         a.plot_directory);
    std::vector<CommandOutputs::RidgeColumn> columns;
    for (const LambdaResult& entry : result.lambdas)
        columns.push_back({entry.lambda, &entry.ridge.x, entry.ridge.ok(), entry.ridge.message});
    outputs.add_ridge_columns(columns, a.theta_ridge_out, "ridgelens");
    outputs.add_eigenvectors(result.eigen, result.psd, eigenvectors_out, "ridgelens");
    outputs.commit();
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
