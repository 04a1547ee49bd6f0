// The options of `fit`, shared by ridgelens and ridgelens-mpi.

#include "fit_arguments.hpp"

#include "option_ranges.hpp"
#include "problem_source.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens::cli {

namespace po = boost::program_options;

po::options_description fit_options(FitArguments& a, const std::string& usage) {
    po::options_description options(usage + "\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_model_source_options(options, a.source);
    // Neural networks (--model mlp).
    add_network_options(options, a.source);
    options.add_options()("theta", po::value(&a.source.theta_path)->value_name("FILE"),
                          "--model mlp: take θ̂ from this Matrix Market array (or one number "
                          "per line) instead of training");
    options.add_options()("lambda", po::value(&a.lambdas)->composing()->value_name("L"),
                          "total penalty strength λ; repeat for several");
    PsdCheckOptions& psd = a.analysis.analysis.psd;
    add_eigen_options(options, a.analysis.analysis.eigen, psd, a.eigensolver);
    options.add_options()("solver", po::value(&a.solver)->default_value("cg"),
                          "cg (the Hessian is matrix-free)")(
        "tol",
        po::value(&a.analysis.analysis.cg.tolerance)
            ->default_value(1e-10, "1e-10")
            ->notifier(tolerance_range("tol")),
        "relative residual tolerance of the ridge solves")(
        "no-approximation", po::bool_switch(&a.no_approximation), "skip fitting θ*_λ for every λ")(
        "seed", po::value(&a.seed)->default_value(1),
        "Lanczos start vector seed (and the network's initialization)")(
        "out", po::value(&a.out_path)->value_name("report.json"), "the JSON report (atomic)")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report (SVG files and DIR/index.html) into DIR")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

void apply_fit_arguments(FitArguments& a, const Progress& progress) {
    if (a.lambdas.empty()) throw UsageError("--lambda is required with --data");
    if (a.solver != "cg")
        throw UsageError("fit: model Hessians are matrix-free; --solver must be cg");
    a.analysis.fit = a.source.fit;
    report_newton_progress(a.analysis.fit, progress);
    try {
        a.analysis.analysis.lambdas = a.lambdas;
    } catch (const UsageError& error) {  // the library names LambdaGrid: say which flag
        throw UsageError(std::string("--lambda: ") + error.what());
    }
    a.analysis.analysis.solver = SolverChoice::cg;
    a.analysis.analysis.eigensolvers = make_eigensolvers(a.eigensolver);
    a.analysis.analysis.seed = a.seed;
    a.analysis.analysis.progress = progress;
    a.analysis.approximation_study = !a.no_approximation;
    // Per λ θ̂_ridge and θ*_λ, and the CG workspace of the solves.
    a.source.bytes_per_parameter =
        model_bytes_per_parameter(2.0 * static_cast<double>(a.lambdas.size()) + 6.0);
}

}  // namespace ridgelens::cli
