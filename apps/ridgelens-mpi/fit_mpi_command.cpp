// `ridgelens-mpi fit`: `ridgelens fit` with the data rows split across the
// ranks. Newton-CG is the single-machine fit_newton_cg driven through a
// ReplicatedModel (θ replicated, products reduced); the library's analysis
// runs on the model's PETSc shell matrix as a PartitionedOperator (SLEPc for
// the eigenpairs, multi-shift CG on each rank's rows). Same options (LIBSVM
// data only), same tables, same JSON report (rank 0).

#include <boost/program_options.hpp>
#include <iostream>

#include "commands.hpp"
#include "distributed_model_source.hpp"
#include "exit_codes.hpp"
#include "fit_arguments.hpp"
#include "flag_advice.hpp"
#include "model_source.hpp"
#include "mpi_command_line.hpp"
#include "output_targets.hpp"
#include "problem_source.hpp"
#include "report_outputs.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distributed_fit.hpp"
#include "ridgelens/report/fit_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

const char* const mpi_fit_usage =
    "mpirun -np N ridgelens-mpi fit --data FILE --model ls|logistic|softmax\n"
    "              [--scale none|maxabs|rownorm] [--class C] [--intercept] [--base-lambda L0]\n"
    "              --lambda L [--lambda …] [--k 10] [--out report.json]\n\n"
    "ridgelens fit with the samples of a LIBSVM file split across the ranks: θ̂ by\n"
    "Newton-CG (θ replicated, every curvature product one local pass + one Allreduce),\n"
    "then the top-k eigenpairs (SLEPc), θ̂_ridge for every λ (deflated multi-shift CG on\n"
    "each rank's rows) and the decay table on the model's PETSc shell matrix, and the\n"
    "approximation study. Same report as ridgelens fit (written by rank 0).";

}  // namespace

int run_fit_mpi(MPI_Comm comm, const std::vector<std::string>& arguments) {
    const bool root = mpi::rank(comm) == 0;
    FitArguments a;
    const po::options_description options = fit_options(a, mpi_fit_usage);
    po::variables_map values;
    if (!parse_command_line_on_ranks(comm, arguments, options, values)) return exit_success;
    check_on_root(comm, [&] {
        check_output_targets({{"--data", a.source.data.path}}, {{"--out", a.out_path}},
                             {"--plot", a.plot_directory});
    });
    const Progress progress(!a.quiet && root);
    if (a.source.data.path.empty())
        throw UsageError("--data FILE is required (ridgelens-mpi fit reads LIBSVM data)");
    apply_fit_arguments(a, progress);
    require_default_eigensolver(a.eigensolver);
    if (!root) a.analysis.fit.progress = nullptr;

    DistributedLoadedModel loaded = load_distributed_model(comm, a.source, progress);
    mpi::ReplicatedModel model(*loaded.model);
    FitAnalysisResult result = mpi::fit_and_analyze(*loaded.model, model, a.analysis);
    result.fit.message = with_flag_advice(std::move(result.fit.message));
    if (root) {
        std::cout << "model: " << model.name() << " on " << loaded.description << "\n   "
                  << model.parameters() << " parameters; " << mpi::size(comm)
                  << " ranks; fit: " << result.fit.message << "\n";
        if (result.analyzed) {
            print_summary_table(std::cout, result.problem, result.analysis);
            print_approximation_table(std::cout, result);
        }
        CommandOutputs outputs(progress);
        if (!a.out_path.empty() || (!a.plot_directory.empty() && result.analyzed)) {
            const ReportTimings timings{loaded.read_seconds, result.analysis.eigen_seconds,
                                        result.analysis.analyze_seconds};
            nlohmann::json report =
                make_fit_report(model, loaded.features, loaded.description, result, timings);
            report["mpi"] = {{"ranks", mpi::size(comm)},
                             {"backend",
                              "Newton-CG on replicated θ (Allreduce per product); SLEPc "
                              "Krylov-Schur and the library's multi-shift CG on a MATSHELL, "
                              "vectors split by rows"}};
            outputs.add_report(report, a.out_path);
        }
        if (result.analyzed)
            outputs.add_pictures(
                [&] {
                    return plot::make_fit_figures(result,
                                                  model.name() + " on " + loaded.description);
                },
                a.plot_directory);
        outputs.commit();
        if (!result.analyzed) std::cerr << "ridgelens-mpi: " << result.fit.message << "\n";
    }
    if (!result.analyzed) return exit_numerical_failure;
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
