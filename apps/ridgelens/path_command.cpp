// `ridgelens path`: θ̂_ridge, the coefficient paths of the top directions and
// the effective degrees of freedom along a log-spaced grid of λ.

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "model_source.hpp"
#include "output_targets.hpp"
#include "path_arguments.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "report_outputs.hpp"
#include "ridgelens/analysis/lambda_selection.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/report/fit_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

/// The λ-selection criteria of --select, checked against the input kind.
SelectionOptions selection_of(const PathArguments& a) {
    SelectionOptions selection;
    for (const std::string& name : a.select)
        selection.criteria.push_back(parse_selection_criterion(name));
    const bool quadratic_evidence = a.samples > 0;
    if (quadratic_evidence && !a.model_source.data.path.empty())
        throw UsageError("--samples belongs to --hessian input: a --data model counts its samples");
    if (!selection.criteria.empty() && a.model_source.data.path.empty() && !quadratic_evidence)
        throw UsageError(
            "--select needs --data (the criteria need the model's risk at each λ), or --samples N "
            "with --hessian for the evidence of the quadratic model");
    for (const SelectionCriterion criterion : selection.criteria)
        if (quadratic_evidence && criterion != SelectionCriterion::evidence)
            throw UsageError("--select " + to_string(criterion) +
                             " needs --data --model ls (a residual ‖Xθ − y‖); with --hessian "
                             "--samples only --select evidence applies");
    return selection;
}

/// The path's library options from the arguments, and the memory each
/// parameter will need (checked before the problem is read).
void configure_path(PathArguments& a, bool keep_solutions, const Progress& progress) {
    a.path.solver = parse_solver_choice(a.solver);
    a.path.eigensolvers = make_eigensolvers(a.eigensolver);
    a.path.deflate = !a.no_deflation;
    a.path.measure_undeflated = !a.no_baseline;
    a.path.seed = a.source.seed;
    a.path.slq.seed = a.source.seed;
    a.path.progress = progress;
    a.path.keep_solutions = keep_solutions;
    const double kept = a.path.keep_solutions ? static_cast<double>(a.path.lambdas.size()) : 0.0;
    // Multi-shift CG: x and p per λ, the returned solutions, the seed's vectors and
    // the residual window; then the SLQ basis of one probe.
    const double vectors = 3.0 * static_cast<double>(a.path.lambdas.size()) + kept + 35.0 +
                           static_cast<double>(a.path.slq.lanczos_steps);
    a.model_source.bytes_per_parameter = model_bytes_per_parameter(vectors);
    a.source.bytes_after_read = planned_bytes(a.path.eigen, vectors);
}

}  // namespace

int run_path(const std::vector<std::string>& arguments) {
    PathArguments a;
    std::string eigenvectors_out, theta_ridge_out;
    po::options_description options = path_options(
        a,
        std::string("ridgelens path (--hessian H.mtx [--theta t.mtx] | --data FILE "
                    "--model …)\n               --lambdas MIN:MAX:COUNT [options]\n\n") +
            path_description,
        "auto | cholmod | cg | dense (cg: multi-shift CG for the whole grid; dense: one "
        "eigendecomposition of H, formed for a least-squares or logistic --data model with at "
        "most 3000 parameters, which auto then picks)");
    add_gradient_option(options, a.source);
    options.add_options()("theta-ridge-out", po::value(&theta_ridge_out)->value_name("X.mtx"),
                          "write θ̂_ridge(λ) as an n×m Matrix Market array, column i for the "
                          "i-th λ of the grid (ascending)")(
        "eigenvectors-out", po::value(&eigenvectors_out)->value_name("Q.mtx"),
        "write the eigenvectors as an n×k Matrix Market array: column j for the j-th reported "
        "eigenvalue, then those of the negative pairs");
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
    check_output_targets({{"--hessian", a.source.hessian_path},
                          {"--theta", a.source.theta_path},
                          {"--gradient", a.source.gradient_path},
                          {"--data", a.model_source.data.path}},
                         {{"--out", a.out_path},
                          {"--csv", a.csv_path},
                          {"--theta-out", a.model_source.theta_out_path},
                          {"--theta-ridge-out", theta_ridge_out},
                          {"--eigenvectors-out", eigenvectors_out}},
                         {"--plot", a.plot_directory});
    if (!a.source.gradient_path.empty() && !a.model_source.data.path.empty())
        throw UsageError(
            "--gradient belongs to --hessian input: a --data model computes its own gradient at θ̂");
    const Progress progress(!a.quiet);
    if (a.lambdas.empty()) {
        if (!a.source.hessian_path.empty() || !a.model_source.data.path.empty())
            throw UsageError("--lambdas MIN:MAX:COUNT is required with --hessian or --data");
        a.lambdas = "1e-4:1e2:50";
    }
    a.path.lambdas = parse_lambda_grid(a.lambdas);
    const SelectionOptions selection = selection_of(a);
    const bool quadratic_evidence = a.samples > 0;
    configure_path(a, !theta_ridge_out.empty(), progress);

    std::unique_ptr<LoadedProblem> loaded;
    std::unique_ptr<FittedModel> fitted;
    if (a.model_source.data.path.empty()) {
        loaded = LoadedProblem::load(a.source, progress);
    } else {
        if (!a.source.hessian_path.empty())
            throw UsageError("give either --hessian or --data, not both");
        if (!values["class"].defaulted())
            a.model_source.data.positive_class = a.source.fashion_class;
        std::function<FitResult(Model&)> fitter;
        a.model_source.theta_path = a.source.theta_path;
        if (is_network(a.model_source))
            fitter = make_network_fitter(a.model_source, !values["fit-tol"].defaulted(),
                                         a.source.seed, progress);
        report_newton_progress(a.model_source.fit, progress);
        fitted = std::make_unique<FittedModel>(load_model(a.model_source, progress),
                                               a.model_source.fit, fitter);
        if (!fitted->analyzable()) {
            // Like `fit`: the report says what the fit did (no path, no CSV).
            if (!a.out_path.empty()) {
                FitAnalysisResult failed;
                failed.fit = fitted->fit();
                const LoadedModel& model = fitted->loaded();
                const nlohmann::json report =
                    make_fit_report(*model.model, model.features, model.description, failed,
                                    ReportTimings{model.read_seconds, 0, 0});
                CommandOutputs outputs(progress);
                outputs.add_report(report, a.out_path);
                outputs.commit();
            }
            std::cerr << "ridgelens: " << fitted->fit().message << "\n";
            return exit_numerical_failure;
        }
        progress(fitted->fit().message);
    }
    const HessianProblem& problem = loaded ? loaded->problem() : fitted->problem();
    check_eigen_memory(problem.hessian.rows(), a.path.eigen);
    SelectionModel selection_model;
    if (fitted) {
        const Model& model = *fitted->loaded().model;
        a.path.risk = [&model](const Vector& theta) { return model.evaluate(theta, nullptr); };
        selection_model.samples = model.samples();
        selection_model.least_squares = model.name() == "least_squares";
        for (const SelectionCriterion criterion : selection.criteria)
            if (criterion != SelectionCriterion::evidence && !selection_model.least_squares)
                throw UsageError("--select " + to_string(criterion) +
                                 " needs --model ls (a residual ‖Xθ − y‖); --select evidence "
                                 "works for every model");
    }
    if (quadratic_evidence) {
        a.path.risk = quadratic_model_risk(problem);
        selection_model.samples = a.samples;
        selection_model.quadratic_model = true;
    }
    PathResult result = compute_path(problem, a.path);
    if (fitted || quadratic_evidence) {
        if (selection.criteria.empty())
            evaluate_selection_criteria(selection_model, result);
        else
            select_lambda(problem, a.path, selection_model, selection, result);
    }
    if (fitted) advise_gauss_newton(a.model_source, result.psd, result.warnings);
    print_path_table(std::cout, problem, result);
    CommandOutputs outputs(progress);
    outputs.add_path(summarize(problem), result, nullptr, a.out_path, a.plot_directory, a.csv_path);
    std::vector<CommandOutputs::RidgeColumn> columns;
    for (const PathPoint& point : result.points)
        columns.push_back(
            {point.lambda, &point.ridge, point.status == SolveStatus::converged, point.message});
    outputs.add_ridge_columns(columns, theta_ridge_out, "ridgelens");
    outputs.add_eigenvectors(result.eigen, result.psd, eigenvectors_out, "ridgelens");
    outputs.commit();
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
