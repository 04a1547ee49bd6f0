// `ridgelens-mpi path`: `ridgelens path` across MPI ranks. H (a Matrix Market
// file, row-distributed; or a model's curvature, its data rows split across
// the ranks, as a PETSc shell) is a PartitionedOperator: every vector of the
// path is split by rows like H. The library's compute_path runs on each rank's
// rows, its inner products summed over the ranks (multi-shift CG, deflation,
// SLQ, the dense spectrum of a small H), with SLEPc for the top-k pairs and the
// PSD check. Same options (except --solver cholmod), same table, same JSON
// report and CSV (rank 0). A model is fitted first with θ replicated (the
// data-parallel Newton-CG of `ridgelens-mpi fit`).

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "command_line.hpp"
#include "commands.hpp"
#include "distributed_model_source.hpp"
#include "distributed_source.hpp"
#include "exit_codes.hpp"
#include "flag_advice.hpp"
#include "model_source.hpp"
#include "mpi_command_line.hpp"
#include "output_targets.hpp"
#include "path_arguments.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "report_outputs.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/mpi/partitioned_operator.hpp"
#include "ridgelens/mpi/replicated_model.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

const char* const mpi_path_usage =
    "mpirun -np N ridgelens-mpi path (--hessian H.mtx [--theta t.mtx] | --data FILE --model "
    "…)\n"
    "               --lambdas MIN:MAX:COUNT [options]\n\n"
    "ridgelens path across MPI ranks: H.mtx is read row-distributed (a model's data rows\n"
    "split across the ranks); every vector of the path is split by rows like H, the\n"
    "top-k pairs come from SLEPc, multi-shift CG and SLQ run on each rank's rows with\n"
    "their inner products summed over the ranks. The report is written by rank 0.\n\n";

}  // namespace

int run_path_mpi(MPI_Comm comm, const std::vector<std::string>& arguments) {
    const bool root = mpi::rank(comm) == 0;
    PathArguments a;
    const po::options_description options = path_options(
        a, std::string(mpi_path_usage) + path_description,
        "auto | cg: multi-shift CG for the whole grid (cholmod is single-machine only)");
    po::variables_map values;
    if (!parse_command_line_on_ranks(comm, arguments, options, values)) return exit_success;
    check_on_root(comm, [&] {
        check_output_targets({{"--hessian", a.source.hessian_path},
                              {"--theta", a.source.theta_path},
                              {"--data", a.model_source.data.path}},
                             {{"--out", a.out_path}, {"--csv", a.csv_path}},
                             {"--plot", a.plot_directory});
    });
    const Progress progress(!a.quiet && root);
    if (a.lambdas.empty()) {
        if (!a.source.hessian_path.empty() || !a.model_source.data.path.empty())
            throw UsageError("--lambdas MIN:MAX:COUNT is required with --hessian or --data");
        a.lambdas = "1e-4:1e2:50";
    }
    a.path.lambdas = parse_lambda_grid(a.lambdas);
    a.path.solver = parse_solver_choice(a.solver);
    require_default_eigensolver(a.eigensolver);
    if (a.path.solver == SolverChoice::cholmod || a.path.solver == SolverChoice::dense)
        throw UsageError("--solver " + a.solver +
                         " is not available in ridgelens-mpi (use cg or auto)");
    if (a.samples > 0)
        throw UsageError("--samples is not available in ridgelens-mpi (use ridgelens path)");
    if (!a.select.empty())
        throw UsageError("--select is not available in ridgelens-mpi (use ridgelens path)");
    a.path.deflate = !a.no_deflation;
    a.path.measure_undeflated = !a.no_baseline;
    a.path.seed = a.source.seed;
    a.path.slq.seed = a.source.seed;
    a.path.progress = progress;

    // Exactly one of the two sources; every rank builds its rows of the
    // HessianProblem (θ̂ and g split like H, a partitioned operator).
    std::unique_ptr<DistributedSource> matrix_source;
    std::optional<mpi::PartitionedOperator> hessian;
    DistributedLoadedModel loaded_model;
    std::optional<mpi::ReplicatedModel> model;
    std::optional<HessianProblem> problem_storage;
    const HessianProblem* problem_of_matrix = nullptr;
    Mat matrix = nullptr;
    if (a.model_source.data.path.empty()) {
        matrix_source = DistributedSource::load(comm, a.source, progress);
        problem_of_matrix = &matrix_source->problem();
        matrix = matrix_source->matrix();
    } else {
        if (!a.source.hessian_path.empty())
            throw UsageError("give either --hessian or --data, not both");
        if (!values["class"].defaulted())
            a.model_source.data.positive_class = a.source.fashion_class;
        report_newton_progress(a.model_source.fit, progress);
        if (!root) a.model_source.fit.progress = nullptr;
        loaded_model = load_distributed_model(comm, a.model_source, progress);
        model.emplace(*loaded_model.model);
        FitResult fit = fit_newton_cg(*model, a.model_source.fit);
        fit.message = with_flag_advice(std::move(fit.message));
        if (!fit.converged) {
            if (root) std::cerr << "ridgelens-mpi: " << fit.message << "\n";
            return exit_numerical_failure;
        }
        progress(fit.message);
        model->set_curvature_point(fit.theta);  // also the shell's
        hessian.emplace(loaded_model.model->curvature());
        HessianProblem& problem = problem_storage.emplace(*hessian);
        problem.theta = hessian->local_rows(fit.theta);
        if (a.model_source.fit.base_lambda > 0) {
            Vector gradient;
            model->evaluate(fit.theta, &gradient);
            problem.gradient = hessian->local_rows(gradient);
        }
        problem.psd_by_construction = true;  // convex losses; the GGN is PSD for any loss
        problem.source = model->name() + " model on " + loaded_model.description + ", " +
                         to_string(model->curvature()) + " curvature at θ̂ (matrix-free, " +
                         std::to_string(mpi::size(comm)) + " ranks)";
        problem.theta_source = "Newton-CG fit: " + fit.message;
        matrix = hessian->matrix();
    }
    const HessianProblem& problem = problem_of_matrix ? *problem_of_matrix : *problem_storage;
    a.path.eigensolvers = mpi::slepc_eigensolvers(matrix);
    const PathResult result = compute_path(problem, a.path);
    const ProblemSummary summary = summarize(problem);  // collective: before rank 0 alone
    if (root) {
        print_path_table(std::cout, problem, result);
        const nlohmann::json extra = {
            {"mpi",
             {{"ranks", mpi::size(comm)},
              {"backend",
               "vectors split by rows over the ranks (PETSc's layout); top-k and PSD check by "
               "SLEPc Krylov-Schur, multi-shift CG and SLQ on each rank's rows with "
               "MPI_Allreduce for inner products; H by MatMult (a model: its shell, one data "
               "pass and one Allreduce)"}}}};
        CommandOutputs outputs(progress);
        outputs.add_path(summary, result, extra, a.out_path, a.plot_directory, a.csv_path);
        outputs.commit();
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
