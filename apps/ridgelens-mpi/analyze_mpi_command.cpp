// `ridgelens-mpi analyze`: `ridgelens analyze` on PETSc/SLEPc, same options
// (except --solver cholmod), same summary table and JSON report.

#include <boost/program_options.hpp>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "distributed_source.hpp"
#include "exit_codes.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/mpi/distribute.hpp"
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
        "mpirun -np N ridgelens-mpi analyze [--hessian H.mtx [--theta t.mtx]] --lambda L … "
        "[options]\n\n"
        "ridgelens analyze on PETSc/SLEPc: H row-distributed over the ranks, the top-k\n"
        "eigenpairs by SLEPc Krylov-Schur, (H+λI)x = Hθ̂ by PETSc KSP CG, the same decay\n"
        "table and JSON report (written by rank 0).\n\nOptions");
    options.add_options()("help,h", "show this help");
    add_problem_source_options(options, a.source);
    options.add_options()("lambda", po::value(&a.lambdas)->composing()->value_name("L"),
                          "penalty strength λ >= 0; repeat for several");
    add_eigen_options(options, a.analysis.eigen, a.analysis.psd);
    options.add_options()("solver", po::value(&a.solver)->default_value("auto"),
                          "auto | cg: PETSc KSP CG (Jacobi-preconditioned for a matrix); "
                          "cholmod is single-machine only")(
        "tol", po::value(&a.analysis.cg.tolerance)->default_value(1e-10, "1e-10"),
        "relative residual tolerance of CG")(
        "max-cg-iterations", po::value(&a.analysis.cg.max_iterations)->default_value(0),
        "cap on CG iterations (0: 10·n, at most 100000)")(
        "out", po::value(&a.out_path)->value_name("report.json"),
        "write the JSON report here (rank 0, atomically)")(
        "theta-ridge-out", po::value(&a.theta_ridge_out)->value_name("x.mtx"),
        "write θ̂_ridge of the first λ as a Matrix Market array (gathered to rank 0)")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report into DIR (rank 0)")("quiet,q", po::bool_switch(&a.quiet),
                                                              "no progress messages on stderr");
    return options;
}

}  // namespace

int run_analyze_mpi(MPI_Comm comm, const std::vector<std::string>& arguments) {
    const bool root = mpi::rank(comm) == 0;
    AnalyzeArguments a;
    const po::options_description options = analyze_options(a);
    po::variables_map values;
    if (!root) std::cout.setstate(std::ios::failbit);  // --help printed once
    const bool run = parse_command_line(arguments, options, values);
    if (!root) std::cout.clear();
    if (!run) return exit_success;
    const Progress progress(!a.quiet && root);

    const bool fashion_default = a.source.hessian_path.empty();
    if (!fashion_default && a.lambdas.empty())
        throw UsageError("--lambda is required with --hessian");
    if (fashion_default && a.lambdas.empty()) a.lambdas = {0.01, 1.0};
    a.analysis.lambdas = a.lambdas;
    a.analysis.solver = parse_solver_choice(a.solver);
    a.analysis.seed = a.source.seed;
    a.analysis.progress = progress;

    std::unique_ptr<DistributedSource> source = DistributedSource::load(comm, a.source, progress);
    const mpi::DistributedProblem& problem = source->problem();
    std::vector<mpi::OwnedVec> ridge;
    const AnalysisResult result = mpi::analyze(problem, a.analysis, &ridge);
    const ProblemSummary summary = mpi::summarize(problem);
    // θ̂_ridge of the first λ: gathered (collective) before rank 0 writes it.
    Vector first_ridge;
    if (!a.theta_ridge_out.empty() && !ridge.empty())
        first_ridge = mpi::gather_to_all(ridge.front().get());
    if (root) {
        print_summary_table(std::cout, summary, result);
        if (!a.out_path.empty() || !a.plot_directory.empty()) {
            const ReportTimings timings{source->read_seconds(), result.eigen_seconds,
                                        result.analyze_seconds};
            nlohmann::json report = make_analysis_report(summary, result, timings);
            report["mpi"] = {{"ranks", mpi::size(comm)},
                             {"backend", "PETSc KSP CG + SLEPc Krylov-Schur"}};
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
                write_vector_matrix_market(a.theta_ridge_out, first_ridge);
                progress("θ̂_ridge of the first λ written to " + a.theta_ridge_out);
            } else {
                std::cerr << "ridgelens-mpi: " << a.theta_ridge_out
                          << " not written: the solve for the first λ failed (" << first.message
                          << ")\n";
            }
        }
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
