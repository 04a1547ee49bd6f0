// `ridgelens fit`: fit a model on real data by Newton-CG, analyze its
// curvature at θ̂ matrix-free, and compare θ̂_ridge with the true
// regularized minimizers.

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "model_source.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/model/fashion_mnist.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/model/training_set.hpp"
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
        "ridgelens fit --data FILE [--format libsvm|idx] --model ls|logistic|softmax\n"
        "              [--scale none|maxabs|rownorm] [--class C] [--intercept] [--base-lambda L0]\n"
        "              --lambda L [--lambda …] [--k 20] [--out report.json]\n\n"
        "Fits θ̂ = argmin R(θ) + λ₀/2‖θ‖² (R the mean loss) by Newton-CG, takes the Hessian of\n"
        "R at θ̂ as matrix-free products, and reports the top-k eigenpairs, the decay table and\n"
        "θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g) for every λ (a total penalty strength: λ = λ₀ gives θ̂).\n"
        "The approximation study fits the true minimizer θ*_λ from θ̂_ridge and reports\n"
        "‖θ̂_ridge − θ*_λ‖/‖θ*_λ‖. Without --data: softmax regression on Fashion-MNIST\n"
        "(10 classes, pixels + intercept, 7,850 parameters), λ₀ = 1e-3, λ = 1e-3, 1e-2, 1e-1,\n"
        "k = 20.\n\nOptions");
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
        "seed", po::value(&a.seed)->default_value(1), "Lanczos start vector seed")(
        "out", po::value(&a.out_path)->value_name("report.json"), "the JSON report (atomic)")(
        "plot", po::value(&a.plot_directory)->value_name("DIR"),
        "write the pictures of the report (SVG files and DIR/index.html) into DIR")(
        "quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

}  // namespace

int run_fit(const std::vector<std::string>& arguments) {
    FitArguments a;
    const po::options_description options = fit_options(a);
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
    check_output_path(a.out_path);
    const Progress progress(!a.quiet);
    if (a.source.data.path.empty()) {  // the default: softmax on Fashion-MNIST, 7,850 parameters
        a.source.data.path = default_fashion_mnist_directory();
        a.source.data.intercept = true;
        if (values["k"].defaulted()) a.analysis.analysis.eigen.k = 20;
        if (values["base-lambda"].defaulted()) a.source.fit.base_lambda = 1e-3;
        if (a.lambdas.empty()) a.lambdas = {1e-3, 1e-2, 1e-1};
    }
    if (a.lambdas.empty()) throw UsageError("--lambda is required with --data");
    if (a.solver != "cg")
        throw UsageError("fit: model Hessians are matrix-free; --solver must be cg");
    a.analysis.fit = a.source.fit;
    report_newton_progress(a.analysis.fit, progress);
    a.analysis.analysis.lambdas = a.lambdas;
    a.analysis.analysis.solver = SolverChoice::cg;
    a.analysis.analysis.seed = a.seed;
    a.analysis.analysis.progress = progress;
    a.analysis.approximation_study = !a.no_approximation;

    LoadedModel loaded = load_model(a.source, progress);
    LinearModel* model = loaded.model.get();
    const std::string& data_description = loaded.description;
    const Index features = loaded.features;
    const double read_seconds = loaded.read_seconds;

    check_eigen_memory(model->parameters(), a.analysis.analysis.eigen);
    const FitAnalysisResult result = fit_and_analyze(*model, a.analysis);
    std::cout << "model: " << model->name() << " on " << data_description << "\n   "
              << model->parameters() << " parameters; fit: " << result.fit.message << "\n";
    if (result.analyzed) {
        print_summary_table(std::cout, result.problem, result.analysis);
        print_approximation_table(std::cout, result);
    }
    if (!a.out_path.empty() || (!a.plot_directory.empty() && result.analyzed)) {
        const ReportTimings timings{read_seconds, result.analysis.eigen_seconds,
                                    result.analysis.analyze_seconds};
        const nlohmann::json report =
            make_fit_report(*model, features, data_description, result, timings);
        if (!a.out_path.empty()) {
            write_json_report(a.out_path, report);
            progress("report written to " + a.out_path);
        }
        if (!a.plot_directory.empty() && result.analyzed)
            std::cout << "plots: " << plot::write_plots(report, a.plot_directory).page << "\n";
    }
    if (!result.analyzed) {
        std::cerr << "ridgelens: " << result.fit.message << "\n";
        return exit_numerical_failure;
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
