// `ridgelens fit`: fit a model on real data by Newton-CG, analyze its
// curvature at θ̂ matrix-free, and compare θ̂_ridge with the true
// regularized minimizers.

#include <boost/program_options.hpp>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "fit_arguments.hpp"
#include "flag_advice.hpp"
#include "model_source.hpp"
#include "output_targets.hpp"
#include "problem_source.hpp"
#include "progress.hpp"
#include "report_outputs.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/model/fashion_mnist.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/model/training_set.hpp"
#include "ridgelens/report/fit_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

const char* const fit_usage =
    "ridgelens fit --data FILE [--format libsvm|idx] --model ls|logistic|softmax|mlp\n"
    "              [--scale none|maxabs|rownorm] [--class C] [--intercept] [--base-lambda L0]\n"
    "              --lambda L [--lambda …] [--k 20] [--out report.json]\n\n"
    "Fits θ̂ = argmin R(θ) + λ₀/2‖θ‖² (R the mean loss) by Newton-CG, takes the Hessian of\n"
    "R at θ̂ as matrix-free products, and reports the top-k eigenpairs, the decay table and\n"
    "θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g) for every λ (a total penalty strength: λ = λ₀ gives θ̂).\n"
    "The approximation study fits the true minimizer θ*_λ from θ̂_ridge and reports\n"
    "‖θ̂_ridge − θ*_λ‖/‖θ*_λ‖. Without --data: softmax regression on Fashion-MNIST\n"
    "(10 classes, pixels + intercept, 7,850 parameters), λ₀ = 1e-3, λ = 1e-3, 1e-2, 1e-1,\n"
    "k = 20.\n"
    "--model mlp (a neural network, --hidden 64 --activation tanh): θ̂ is trained by L-BFGS\n"
    "then trust-region Newton-CG on the Hessian from a seeded start (--seed), or read from\n"
    "--theta; --fit-tol defaults to 1e-5; θ̂ is analyzed even if the tolerance was not met.";

}  // namespace

int run_fit(const std::vector<std::string>& arguments) {
    FitArguments a;
    const po::options_description options = fit_options(a, fit_usage);
    po::variables_map values;
    if (!parse_command_line(arguments, options, values)) return exit_success;
    check_output_targets({{"--data", a.source.data.path}, {"--theta", a.source.theta_path}},
                         {{"--out", a.out_path}, {"--theta-out", a.source.theta_out_path}},
                         {"--plot", a.plot_directory});
    const Progress progress(!a.quiet);
    if (a.source.data.path.empty()) {  // the default: softmax on Fashion-MNIST, 7,850 parameters
        a.source.data.path = default_fashion_mnist_directory();
        a.source.data.intercept = true;
        if (values["k"].defaulted()) a.analysis.analysis.eigen.k = 20;
        if (values["base-lambda"].defaulted()) a.source.fit.base_lambda = 1e-3;
        if (a.lambdas.empty()) a.lambdas = {1e-3, 1e-2, 1e-1};
    }
    if (is_network(a.source))
        a.analysis.fitter =
            make_network_fitter(a.source, !values["fit-tol"].defaulted(), a.seed, progress);
    apply_fit_arguments(a, progress);

    LoadedModel loaded = load_model(a.source, progress);
    Model* model = loaded.model.get();
    const std::string& data_description = loaded.description;
    const Index features = loaded.features;
    const double read_seconds = loaded.read_seconds;

    check_eigen_memory(model->parameters(), a.analysis.analysis.eigen);
    FitAnalysisResult result = fit_and_analyze(*model, a.analysis);
    result.fit.message = with_flag_advice(std::move(result.fit.message));
    if (result.analyzed)
        advise_gauss_newton(a.source, result.analysis.psd, result.analysis.warnings);
    std::cout << "model: " << model->name() << " on " << data_description << "\n   "
              << model->parameters() << " parameters; fit: " << result.fit.message << "\n";
    if (result.analyzed) {
        print_summary_table(std::cout, result.problem, result.analysis);
        print_approximation_table(std::cout, result);
    }
    CommandOutputs outputs(progress);
    if (!a.out_path.empty()) {
        const ReportTimings timings{read_seconds, result.analysis.eigen_seconds,
                                    result.analysis.analyze_seconds};
        outputs.add_report(make_fit_report(*model, features, data_description, result, timings),
                           a.out_path);
    }
    if (result.analyzed)
        outputs.add_pictures(
            [&] {
                return plot::make_fit_figures(result, model->name() + " on " + data_description);
            },
            a.plot_directory);
    outputs.commit();
    if (!result.analyzed) {
        std::cerr << "ridgelens: " << result.fit.message << "\n";
        return exit_numerical_failure;
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
