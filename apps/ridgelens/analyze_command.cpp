// `ridgelens analyze`: the decay analysis of one Hessian for one or more λ.

#include <boost/program_options.hpp>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/json_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

struct AnalyzeArguments {
    ProblemSourceArguments source;
    AnalyzeOptions analysis;
    std::vector<double> lambdas;
    std::string solver = "auto";
    std::string out_path;
    std::string theta_ridge_out;
    std::string plot_directory;
    bool quiet = false;
};

po::options_description analyze_options(AnalyzeArguments& a) {
    po::options_description options(
        "ridgelens analyze [--hessian H.mtx [--theta t.mtx]] --lambda L [--lambda L2 …] "
        "[options]\n\n"
        "Top-k eigenpairs of H, the decay factor f_j = σ_j/(σ_j+λ) of each eigen-direction,\n"
        "the components c_j = q_jᵀθ̂, and the exact transform θ̂_ridge = (H+λI)⁻¹Hθ̂.\n"
        "Without --hessian: least squares on Fashion-MNIST (class --class against the rest),\n"
        "H = XᵀX/n, θ̂ the minimum-norm minimizer, λ = 0.01 and 1 unless given.\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_problem_source_options(options, a.source);
    options.add_options()(
        "lambda", po::value(&a.lambdas)->composing()->value_name("L"),
        "penalty strength λ >= 0; repeat for several (eigenpairs and CHOLMOD's analysis "
        "are reused)");
    add_eigen_options(options, a.analysis.eigen, a.analysis.psd);
    options.add_options()("solver", po::value(&a.solver)->default_value("auto"),
                          "auto | cholmod | cg: how (H+λI)x = Hθ̂ is solved (auto: CHOLMOD when the "
                          "factor fits in memory)")(
        "tol", po::value(&a.analysis.cg.tolerance)->default_value(1e-10, "1e-10"),
        "relative residual tolerance of CG")(
        "max-cg-iterations", po::value(&a.analysis.cg.max_iterations)->default_value(0),
        "cap on CG iterations (0: 10·n, at most 100000)")(
        "out", po::value(&a.out_path)->value_name("report.json"),
        "write the JSON report here (atomically)")(
        "theta-ridge-out", po::value(&a.theta_ridge_out)->value_name("x.mtx"),
        "write θ̂_ridge of the first λ as a Matrix Market array")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report (SVG files and DIR/index.html) into DIR")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

}  // namespace

int run_analyze(const std::vector<std::string>& arguments) {
    AnalyzeArguments a;
    const po::options_description options = analyze_options(a);
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
    check_output_path(a.out_path);
    check_output_path(a.theta_ridge_out);
    const Progress progress(!a.quiet);

    const bool fashion_default = a.source.hessian_path.empty();
    if (!fashion_default && a.lambdas.empty())
        throw UsageError("--lambda is required with --hessian");
    if (fashion_default && a.lambdas.empty()) a.lambdas = {0.01, 1.0};
    a.analysis.lambdas = a.lambdas;
    a.analysis.solver = parse_solver_choice(a.solver);
    a.analysis.seed = a.source.seed;
    a.analysis.progress = progress;

    std::unique_ptr<LoadedProblem> loaded = LoadedProblem::load(a.source, progress);
    const HessianProblem& problem = loaded->problem();
    check_eigen_memory(problem.hessian.rows(), a.analysis.eigen);
    const AnalysisResult result = analyze(problem, a.analysis);
    print_summary_table(std::cout, summarize(problem), result);

    if (!a.out_path.empty() || !a.plot_directory.empty()) {
        const ReportTimings timings{loaded->read_seconds(), result.eigen_seconds,
                                    result.analyze_seconds};
        const nlohmann::json report = make_analysis_report(summarize(problem), result, timings);
        if (!a.out_path.empty()) {
            write_json_report(a.out_path, report);
            progress("report written to " + a.out_path);
        }
        if (!a.plot_directory.empty())
            std::cout << "plots: " << plot::write_plots(report, a.plot_directory).page << "\n";
    }
    if (!a.theta_ridge_out.empty()) {
        const SolveResult& first = result.lambdas.front().ridge;
        if (first.ok()) {
            write_vector_matrix_market(a.theta_ridge_out, first.x);
            progress("θ̂_ridge of the first λ written to " + a.theta_ridge_out);
        } else {  // never a vector that looks like an answer but is not one
            std::cerr << "ridgelens: " << a.theta_ridge_out
                      << " not written: the solve for the first λ failed (" << first.message
                      << ")\n";
        }
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
