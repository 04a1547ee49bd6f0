// `ridgelens path`: θ̂_ridge, the coefficient paths of the top directions and
// the effective degrees of freedom along a log-spaced grid of λ.

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "model_source.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/report/path_report.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

struct PathArguments {
    ProblemSourceArguments source;
    ModelSourceArguments model_source;
    PathOptions path;
    std::string lambdas;
    std::string solver = "auto";
    bool no_deflation = false;
    bool no_baseline = false;
    std::string out_path;
    std::string csv_path;
    std::string plot_directory;
    bool quiet = false;
};

po::options_description path_options(PathArguments& a) {
    po::options_description options(
        "ridgelens path (--hessian H.mtx [--theta t.mtx] | --data FILE --model …)\n"
        "               --lambdas MIN:MAX:COUNT [options]\n\n"
        "θ̂_ridge(λ) = (H+λI)⁻¹Hθ̂ for a log-spaced grid of λ in one multi-shift CG run (deflated\n"
        "by the top-k eigenpairs) or one CHOLMOD analysis with a factorization per λ; the\n"
        "coefficient paths q_jᵀθ̂_ridge(λ) of the top directions; the effective degrees of\n"
        "freedom df(λ) = Σ_j σ_j/(σ_j+λ) (exact for small n, else top-k plus stochastic\n"
        "Lanczos quadrature, with a standard error) and the spectral density of H.\n"
        "With --data: fits the model by Newton-CG (base penalty --base-lambda) and takes its\n"
        "matrix-free Hessian at θ̂; every λ is then a total penalty strength.\n"
        "Without --hessian or --data: least squares on Fashion-MNIST, λ = 1e-4:1e2:50.\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_problem_source_options(options, a.source);
    add_model_source_options(options, a.model_source, false);
    options.add_options()("lambdas", po::value(&a.lambdas)->value_name("MIN:MAX:COUNT"),
                          "log-spaced λ grid, e.g. 1e-4:1e2:50");
    add_eigen_options(options, a.path.eigen, a.path.psd);
    options.add_options()("solver", po::value(&a.solver)->default_value("auto"),
                          "auto | cholmod | cg (cg: multi-shift CG for the whole grid)")(
        "tol", po::value(&a.path.cg.tolerance)->default_value(1e-10, "1e-10"),
        "relative residual tolerance of each shift")(
        "max-cg-iterations", po::value(&a.path.cg.max_iterations)->default_value(0),
        "cap on Krylov iterations (0: 10·n, at most 100000)")(
        "no-deflation", po::bool_switch(&a.no_deflation),
        "do not deflate the top-k eigenpairs out of the CG solves")(
        "no-baseline", po::bool_switch(&a.no_baseline),
        "skip the undeflated run that measures what deflation saved")(
        "directions", po::value(&a.path.path_directions)->default_value(10),
        "top directions whose coefficient paths are reported")(
        "probes", po::value(&a.path.slq.probes)->default_value(30),
        "stochastic Lanczos quadrature probes")(
        "lanczos-steps", po::value(&a.path.slq.lanczos_steps)->default_value(80),
        "Lanczos steps per probe")("exact-dof-limit",
                                   po::value(&a.path.exact_dof_limit)->default_value(3000),
                                   "largest n for which df comes from a dense eigendecomposition")(
        "out", po::value(&a.out_path)->value_name("path.json"), "the JSON report (atomic)")(
        "csv", po::value(&a.csv_path)->value_name("path.csv"), "one CSV row per λ (atomic)")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report (SVG files and DIR/index.html) into DIR")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

void print_path_table(std::ostream& out, const HessianProblem& problem, const PathResult& result) {
    out << "H: " << problem.source << "\n   n = " << problem.hessian.rows()
        << "\nθ̂: " << problem.theta_source << "\n";
    out << "eigenpairs: " << result.eigen.message << "\nPSD check: " << result.psd.evidence
        << "\nsolver: " << result.solver << " (" << result.solver_reason << ")\n";
    if (result.undeflated_iterations >= 0)
        out << "deflation: " << result.krylov_iterations << " Krylov iterations instead of "
            << result.undeflated_iterations << "\n";
    out << "df: " << result.df_method << "; " << result.total_matvecs << " products with H in "
        << result.seconds << " s\n\n";
    out << "           λ           df    ± s.e.   ‖θ̂_ridge‖   residual  iterations\n";
    char line[160];
    for (const PathPoint& p : result.points) {
        std::snprintf(line, sizeof line, "%12.4g %12.6g %9.2g %11.5g %10.2e %11lld%s\n", p.lambda,
                      p.df, p.df_stderr, p.ridge_norm, p.relative_residual,
                      static_cast<long long>(p.iterations),
                      p.status == SolveStatus::converged ? "" : "  FAILED");
        out << line;
    }
    for (const std::string& warning : result.warnings) out << "warning: " << warning << "\n";
}

}  // namespace

int run_path(const std::vector<std::string>& arguments) {
    PathArguments a;
    const po::options_description options = path_options(a);
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
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
    const PathResult result = compute_path(problem, a.path);
    print_path_table(std::cout, problem, result);
    if (!a.out_path.empty() || !a.plot_directory.empty()) {
        const nlohmann::json report = make_path_report(problem, result);
        if (!a.out_path.empty()) {
            write_json_report(a.out_path, report);
            progress("report written to " + a.out_path);
        }
        if (!a.plot_directory.empty())
            std::cout << "plots: " << plot::write_plots(report, a.plot_directory).page << "\n";
    }
    if (!a.csv_path.empty()) {
        write_path_csv(a.csv_path, result);
        progress("CSV written to " + a.csv_path);
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
