// `ridgelens-mpi analyze`: `ridgelens analyze` across MPI ranks, same options
// (except --solver cholmod|dense), same summary table and JSON report. H is
// a PartitionedOperator and the library's analyze runs on each rank's rows
// (SLEPc for the eigenpairs and the PSD check).

#include <boost/program_options.hpp>
#include <iostream>

#include "analyze_arguments.hpp"
#include "commands.hpp"
#include "distributed_source.hpp"
#include "exit_codes.hpp"
#include "mpi_command_line.hpp"
#include "output_targets.hpp"
#include "report_outputs.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/report/json_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

const char* const mpi_analyze_usage =
    "mpirun -np N ridgelens-mpi analyze [--hessian H.mtx [--theta t.mtx]] --lambda L … "
    "[options]\n\n"
    "ridgelens analyze across MPI ranks: H row-distributed over the ranks, the top-k\n"
    "eigenpairs by SLEPc Krylov-Schur, (H+λI)x = Hθ̂ by Jacobi-preconditioned CG (MINRES\n"
    "at a saddle) on each rank's rows, the same decay table and JSON report (written by\n"
    "rank 0).";

}  // namespace

int run_analyze_mpi(MPI_Comm comm, const std::vector<std::string>& arguments) {
    const bool root = mpi::rank(comm) == 0;
    AnalyzeArguments a;
    const po::options_description options =
        analyze_options(a, mpi_analyze_usage,
                        "auto | cg: Jacobi-preconditioned CG on each rank's rows; cholmod and "
                        "dense are single-machine only");
    po::variables_map values;
    if (!parse_command_line_on_ranks(comm, arguments, options, values)) return exit_success;
    check_on_root(comm, [&] {
        check_output_targets(
            {{"--hessian", a.source.hessian_path}, {"--theta", a.source.theta_path}},
            {{"--out", a.out_path}, {"--theta-ridge-out", a.theta_ridge_out}},
            {"--plot", a.plot_directory});
    });
    const Progress progress(!a.quiet && root);
    apply_analyze_arguments(a, progress);
    require_default_eigensolver(a.eigensolver);
    if (a.analysis.solver == SolverChoice::cholmod || a.analysis.solver == SolverChoice::dense)
        throw UsageError("--solver " + a.solver +
                         " is not available in ridgelens-mpi (use cg or auto)");

    // The library's analyze on this rank's rows, SLEPc for the eigenpairs.
    std::unique_ptr<DistributedSource> source = DistributedSource::load(comm, a.source, progress);
    const HessianProblem& problem = source->problem();
    a.analysis.eigensolvers = mpi::slepc_eigensolvers(source->matrix());
    const AnalysisResult result = analyze(problem, a.analysis);
    const ProblemSummary summary = summarize(problem);  // collective: before rank 0 alone
    // θ̂_ridge of the first λ: gathered (collective) before rank 0 writes it.
    Vector first_ridge;
    if (!a.theta_ridge_out.empty() && !result.lambdas.empty())
        first_ridge = mpi::gather_rows(source->matrix(), result.lambdas.front().ridge.x);
    if (root) {
        print_summary_table(std::cout, summary, result);
        CommandOutputs outputs(progress);
        if (!a.out_path.empty() || !a.plot_directory.empty()) {
            const ReportTimings timings{source->read_seconds(), result.eigen_seconds,
                                        result.analyze_seconds};
            nlohmann::json report = make_analysis_report(summary, result, timings);
            report["mpi"] = {
                {"ranks", mpi::size(comm)},
                {"backend",
                 "vectors split by rows over the ranks (PETSc's layout); top-k and PSD check by "
                 "SLEPc Krylov-Schur; the library's CG (Jacobi-preconditioned), MINRES and "
                 "decay analysis on each rank's rows with MPI_Allreduce for inner products"}};
            outputs.add_report(report, a.out_path);
        }
        outputs.add_pictures([&] { return plot::make_analysis_figures(summary, result); },
                             a.plot_directory);
        outputs.add_first_ridge(result, first_ridge, a.theta_ridge_out, "ridgelens-mpi");
        outputs.commit();
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
