// `ridgelens-mpi fit`: `ridgelens fit` with the data rows split across the
// ranks. Newton-CG is the single-machine fit_newton_cg driven through a
// ReplicatedModel (θ replicated, products reduced); the analysis runs on the
// model's PETSc shell matrix (SLEPc, KSP CG). Same options (LIBSVM data
// only), same tables, same JSON report (rank 0).

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "distributed_model_source.hpp"
#include "exit_codes.hpp"
#include "problem_source.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distributed_fit.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/fit_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

struct FitArguments {
    ModelSourceArguments source;
    FitAnalysisOptions analysis;
    std::vector<double> lambdas;
    std::string solver = "cg";
    bool no_approximation = false;
    std::string out_path;
    std::uint64_t seed = 1;
    std::string plot_directory;
    bool quiet = false;
};

po::options_description fit_options(FitArguments& a) {
    po::options_description options(
        "mpirun -np N ridgelens-mpi fit --data FILE --model ls|logistic|softmax\n"
        "              [--scale none|maxabs|rownorm] [--class C] [--intercept] [--base-lambda L0]\n"
        "              --lambda L [--lambda …] [--k 10] [--out report.json]\n\n"
        "ridgelens fit with the samples of a LIBSVM file split across the ranks: θ̂ by\n"
        "Newton-CG (θ replicated, every curvature product one local pass + one Allreduce),\n"
        "then the top-k eigenpairs (SLEPc), θ̂_ridge per λ (PETSc KSP CG) and the decay\n"
        "table on the model's PETSc shell matrix, and the approximation study. Same report\n"
        "as ridgelens fit (written by rank 0).\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_model_source_options(options, a.source);
    options.add_options()("lambda", po::value(&a.lambdas)->composing()->value_name("L"),
                          "total penalty strength λ; repeat for several");
    PsdCheckOptions& psd = a.analysis.analysis.psd;
    add_eigen_options(options, a.analysis.analysis.eigen, psd);
    options.add_options()("solver", po::value(&a.solver)->default_value("cg"),
                          "cg (the Hessian is matrix-free)")(
        "tol", po::value(&a.analysis.analysis.cg.tolerance)->default_value(1e-10, "1e-10"),
        "relative residual tolerance of the ridge solves")(
        "no-approximation", po::bool_switch(&a.no_approximation), "skip fitting θ*_λ for every λ")(
        "seed", po::value(&a.seed)->default_value(1), "Krylov-Schur start vector seed")(
        "out", po::value(&a.out_path)->value_name("report.json"),
        "the JSON report (rank 0, atomic)")("plot", po::value(&a.plot_directory)->value_name("DIR"),
                                            "write the pictures of the report into DIR (rank 0)")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

}  // namespace

int run_fit_mpi(MPI_Comm comm, const std::vector<std::string>& arguments) {
    const bool root = mpi::rank(comm) == 0;
    FitArguments a;
    const po::options_description options = fit_options(a);
    po::variables_map values;
    if (!root) std::cout.setstate(std::ios::failbit);  // --help printed once
    const bool run = parse_command_line(arguments, options, values);
    if (!root) std::cout.clear();
    if (!run) return exit_success;
    const Progress progress(!a.quiet && root);
    if (a.source.data.path.empty())
        throw UsageError("--data FILE is required (ridgelens-mpi fit reads LIBSVM data)");
    if (a.lambdas.empty()) throw UsageError("--lambda is required with --data");
    if (a.solver != "cg")
        throw UsageError("fit: model Hessians are matrix-free; --solver must be cg");
    a.analysis.fit = a.source.fit;
    report_newton_progress(a.analysis.fit, progress);
    if (!root) a.analysis.fit.progress = nullptr;
    a.analysis.analysis.lambdas = a.lambdas;
    a.analysis.analysis.solver = SolverChoice::cg;
    a.analysis.analysis.seed = a.seed;
    a.analysis.analysis.progress = progress;
    a.analysis.approximation_study = !a.no_approximation;

    DistributedLoadedModel loaded = load_distributed_model(comm, a.source, progress);
    mpi::ReplicatedModel model(*loaded.model);
    const FitAnalysisResult result = mpi::fit_and_analyze(*loaded.model, model, a.analysis);
    if (root) {
        std::cout << "model: " << model.name() << " on " << loaded.description << "\n   "
                  << model.parameters() << " parameters; " << mpi::size(comm)
                  << " ranks; fit: " << result.fit.message << "\n";
        if (result.analyzed) {
            print_summary_table(std::cout, result.problem, result.analysis);
            print_approximation_table(std::cout, result);
        }
        if (!a.out_path.empty() || (!a.plot_directory.empty() && result.analyzed)) {
            const ReportTimings timings{loaded.read_seconds, result.analysis.eigen_seconds,
                                        result.analysis.analyze_seconds};
            nlohmann::json report =
                make_fit_report(model, loaded.features, loaded.description, result, timings);
            report["mpi"] = {{"ranks", mpi::size(comm)},
                             {"backend",
                              "Newton-CG on replicated θ (Allreduce per product) + PETSc KSP CG + "
                              "SLEPc Krylov-Schur on a MATSHELL"}};
            if (!a.out_path.empty()) {
                write_json_report(a.out_path, report);
                progress("report written to " + a.out_path);
            }
            if (!a.plot_directory.empty() && result.analyzed)
                std::cout << "plots: " << plot::write_plots(report, a.plot_directory).page << "\n";
        }
        if (!result.analyzed) std::cerr << "ridgelens-mpi: " << result.fit.message << "\n";
    }
    if (!result.analyzed) return exit_numerical_failure;
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
