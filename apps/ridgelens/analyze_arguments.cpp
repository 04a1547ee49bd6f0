// The options of `analyze`, shared by ridgelens and ridgelens-mpi.

#include "analyze_arguments.hpp"

#include "option_ranges.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens::cli {

namespace po = boost::program_options;

po::options_description analyze_options(AnalyzeArguments& a, const std::string& usage,
                                        const std::string& solver_help) {
    po::options_description options(usage + "\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_problem_source_options(options, a.source);
    options.add_options()(
        "lambda", po::value(&a.lambdas)->composing()->value_name("L"),
        "penalty strength λ >= 0; repeat for several (eigenpairs and CHOLMOD's analysis "
        "are reused)");
    add_eigen_options(options, a.analysis.eigen, a.analysis.psd, a.eigensolver);
    options.add_options()("solver", po::value(&a.solver)->default_value("auto"),
                          solver_help.c_str())("tol",
                                               po::value(&a.analysis.cg.tolerance)
                                                   ->default_value(1e-10, "1e-10")
                                                   ->notifier(tolerance_range("tol")),
                                               "relative residual tolerance of CG")(
        "max-cg-iterations",
        po::value(&a.analysis.cg.max_iterations)
            ->default_value(0)
            ->notifier(count_range<Index>("max-cg-iterations", 0, "10·n, at most 100000")),
        "cap on CG iterations (0: 10·n, at most 100000)")(
        "out", po::value(&a.out_path)->value_name("report.json"),
        "write the JSON report here (atomically)")(
        "theta-ridge-out", po::value(&a.theta_ridge_out)->value_name("x.mtx"),
        "write θ̂_ridge as a Matrix Market array: n×m, column i for the i-th --lambda "
        "(ridgelens-mpi: the first λ only, n×1)")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report (SVG files and DIR/index.html) into DIR")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

void apply_analyze_arguments(AnalyzeArguments& a, const Progress& progress) {
    const bool fashion_default = a.source.hessian_path.empty();
    if (!fashion_default && a.lambdas.empty())
        throw UsageError("--lambda is required with --hessian");
    if (fashion_default && a.lambdas.empty()) a.lambdas = {0.01, 1.0};
    try {
        a.analysis.lambdas = a.lambdas;
    } catch (const UsageError& error) {  // the library names LambdaGrid: say which flag
        throw UsageError(std::string("--lambda: ") + error.what());
    }
    a.analysis.solver = parse_solver_choice(a.solver);
    a.analysis.eigensolvers = make_eigensolvers(a.eigensolver);
    a.analysis.seed = a.source.seed;
    a.analysis.progress = progress;
    // Per λ its solution, and the CG workspace (r, p, Hp, z and the check).
    a.source.bytes_after_read =
        planned_bytes(a.analysis.eigen, static_cast<double>(a.lambdas.size()) + 6.0);
}

}  // namespace ridgelens::cli
