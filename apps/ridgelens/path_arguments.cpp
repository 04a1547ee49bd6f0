// The options of `path`, shared by ridgelens and ridgelens-mpi.

#include "path_arguments.hpp"

#include "command_line.hpp"
#include "option_ranges.hpp"

namespace ridgelens::cli {

namespace po = boost::program_options;

const char* const path_description =
    "θ̂_ridge(λ) = (H+λI)⁻¹Hθ̂ for a log-spaced grid of λ in one multi-shift CG run (deflated\n"
    "by the top-k eigenpairs) or one CHOLMOD analysis with a factorization per λ; the\n"
    "coefficient paths q_jᵀθ̂_ridge(λ) of the top directions; the effective degrees of\n"
    "freedom df(λ) = Σ_j σ_j/(σ_j+λ) (exact for small n, else top-k plus stochastic\n"
    "Lanczos quadrature, with a standard error) and the spectral density of H.\n"
    "With --data: fits the model by Newton-CG (base penalty --base-lambda) and takes its\n"
    "matrix-free Hessian at θ̂; every λ is then a total penalty strength, and each λ also\n"
    "gets the criteria for choosing it (GCV, the evidence, the L-curve: see --select).\n"
    "Without --hessian or --data: least squares on Fashion-MNIST, λ = 1e-4:1e2:50.";

po::options_description path_options(PathArguments& a, const std::string& usage,
                                     const std::string& solver_help) {
    po::options_description options(usage + "\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_problem_source_options(options, a.source);
    add_model_source_options(options, a.model_source, false);
    // Neural networks (--model mlp; --theta then gives θ̂ instead of training).
    add_network_options(options, a.model_source);
    options.add_options()("lambdas", po::value(&a.lambdas)->value_name("MIN:MAX:COUNT"),
                          "log-spaced λ grid, e.g. 1e-4:1e2:50");
    add_eigen_options(options, a.path.eigen, a.path.psd, a.eigensolver);
    options.add_options()("solver", po::value(&a.solver)->default_value("auto"),
                          solver_help.c_str())("tol",
                                               po::value(&a.path.cg.tolerance)
                                                   ->default_value(1e-10, "1e-10")
                                                   ->notifier(tolerance_range("tol")),
                                               "relative residual tolerance of each shift")(
        "max-cg-iterations",
        po::value(&a.path.cg.max_iterations)
            ->default_value(0)
            ->notifier(count_range<Index>("max-cg-iterations", 0, "10·n, at most 100000")),
        "cap on Krylov iterations (0: 10·n, at most 100000)")(
        "no-deflation", po::bool_switch(&a.no_deflation),
        "do not deflate the top-k eigenpairs out of the CG solves")(
        "no-baseline", po::bool_switch(&a.no_baseline),
        "skip the undeflated run that measures what deflation saved")(
        "directions",
        po::value(&a.path.path_directions)
            ->default_value(10)
            ->notifier(count_range<Index>("directions", 1)),
        "top directions whose coefficient paths are reported")(
        "probes",
        po::value(&a.path.slq.probes)->default_value(30)->notifier(count_range<Index>("probes", 2)),
        "stochastic Lanczos quadrature probes")(
        "lanczos-steps",
        po::value(&a.path.slq.lanczos_steps)
            ->default_value(80)
            ->notifier(count_range<Index>("lanczos-steps", 1)),
        "Lanczos steps per probe")(
        "exact-dof-limit",
        po::value(&a.path.exact_dof_limit)
            ->default_value(3000)
            ->notifier(count_range<Index>("exact-dof-limit", 0, "never exact")),
        "largest n for which df comes from a dense eigendecomposition")(
        "select", po::value(&a.select)->composing()->value_name("CRITERION"),
        "choose λ by gcv | evidence | lcurve (repeatable; needs --data, and gcv and lcurve "
        "need --model ls; evidence also works with --hessian and --samples): the best grid "
        "point, refined on log λ to 1 %")(
        "samples",
        po::value(&a.samples)
            ->default_value(0)
            ->notifier(count_range<Index>("samples", 0, "no evidence")),
        "with --hessian: the number of training samples n behind H; each λ then gets the Laplace "
        "evidence of the quadratic model gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂), up to the constant "
        "−n·R(θ̂) (one product with H per λ)")(
        "out", po::value(&a.out_path)->value_name("path.json"), "the JSON report (atomic)")(
        "csv", po::value(&a.csv_path)->value_name("path.csv"), "one CSV row per λ (atomic)")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report (SVG files and DIR/index.html) into DIR")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

}  // namespace ridgelens::cli
