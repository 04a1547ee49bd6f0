#include "model_source.hpp"

#include "flag_advice.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "option_ranges.hpp"
#include "problem_source.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/io/memory_budget.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/model/mlp.hpp"
#include "ridgelens/model/network_training.hpp"

namespace ridgelens::cli {

namespace po = boost::program_options;

void add_model_source_options(po::options_description& options, ModelSourceArguments& a,
                              bool with_class_option) {
    auto add = options.add_options();
    add("data", po::value(&a.data.path)->value_name("FILE"),
        "training data: a LIBSVM file, or an IDX directory / images file");
    add("format", po::value(&a.data.format)->default_value("auto"), "auto | libsvm | idx");
    add("model", po::value(&a.model)->default_value("softmax"), "ls | logistic | softmax | mlp");
    add("scale", po::value(&a.scale)->default_value("none"),
        "none | maxabs (each column by its max |x|) | rownorm (rows to unit L2 norm)");
    if (with_class_option)
        add("class", po::value(&a.data.positive_class)->default_value(-1),
            "labels become +1 for this class and -1 otherwise (ls / logistic on multiclass data)");
    add("intercept", po::bool_switch(&a.data.intercept),
        "add an intercept (a column of ones; penalized like every parameter)");
    add("base-lambda",
        po::value(&a.fit.base_lambda)
            ->default_value(0.0, "0")
            ->notifier(penalty_range("base-lambda")),
        "base penalty λ₀ of the fit (required > 0 for separable data)");
    add("curvature", po::value(&a.curvature)->default_value("hessian"),
        "hessian | ggn (generalized Gauss-Newton; equal for these convex losses)");
    add("fit-tol",
        po::value(&a.fit.gradient_tolerance)
            ->default_value(1e-8, "1e-8")
            ->notifier(positive_range("fit-tol")),
        "gradient-norm tolerance of Newton-CG");
    add("fit-time-limit",
        po::value(&a.fit.max_seconds)
            ->default_value(300.0, "300")
            ->notifier(penalty_range("fit-time-limit")),
        "stop the Newton-CG fit (not converged) after this many seconds, checked between "
        "Newton steps and at every CG iteration (0: no limit)");
    add("max-newton",
        po::value(&a.fit.max_iterations)
            ->default_value(100)
            ->notifier(count_range<Index>("max-newton", 1)),
        "cap on Newton iterations");
}

void add_network_options(po::options_description& options, ModelSourceArguments& a) {
    auto add = options.add_options();
    add("hidden", po::value(&a.hidden)->default_value("64"),
        "--model mlp: hidden layer widths, e.g. 64 or 128,64");
    add("activation", po::value(&a.activation)->default_value("tanh"),
        "--model mlp: tanh | relu | softplus | gelu");
    add("loss", po::value(&a.loss)->default_value("cross-entropy"),
        "--model mlp: cross-entropy (class labels) | squared (numeric targets)");
    add("lbfgs-iterations", po::value(&a.lbfgs_iterations)->default_value(300),
        "--model mlp: L-BFGS iterations before trust-region Newton-CG");
    add("theta-out", po::value(&a.theta_out_path)->value_name("FILE"),
        "--model mlp: write θ̂ as a Matrix Market array (layout: README)");
}

namespace {

// θ̂ from a file, evaluated only: the fit result says so.
FitResult given_theta(Model& model, const ModelSourceArguments& a) {
    const auto start = std::chrono::steady_clock::now();
    FitResult result;
    result.theta = read_vector(a.theta_path);
    if (result.theta.size() != model.parameters())
        throw InputError(a.theta_path + ": θ̂ has " + std::to_string(result.theta.size()) +
                         " entries but the network has " + std::to_string(model.parameters()) +
                         " parameters");
    const double lambda = a.fit.base_lambda;
    Vector gradient;
    result.risk = model.evaluate(result.theta, &gradient);
    result.unpenalized_gradient_norm = gradient.norm();
    result.objective = result.risk + 0.5 * lambda * result.theta.squaredNorm();
    if (lambda > 0) gradient += lambda * result.theta;
    result.gradient_norm = gradient.norm();
    result.base_lambda = lambda;
    result.converged = result.gradient_norm <= a.fit.gradient_tolerance;
    std::ostringstream message;
    message << "θ̂ read from " << a.theta_path
            << " (not trained): ‖∇F(θ̂)‖ = " << result.gradient_norm
            << (result.converged ? " <= " : " > ") << "the tolerance " << a.fit.gradient_tolerance;
    result.message = message.str();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace

std::function<FitResult(Model&)> make_network_fitter(ModelSourceArguments& a, bool tolerance_given,
                                                     std::uint64_t seed, const Progress& progress) {
    if (!tolerance_given) a.fit.gradient_tolerance = 1e-5;
    if (a.fit.max_cg_iterations == 0) a.fit.max_cg_iterations = 200;
    report_newton_progress(a.fit, progress);
    return [a, seed, progress](Model& model) {
        FitResult result;
        if (!a.theta_path.empty()) {
            result = given_theta(model, a);
        } else {
            const auto* network = dynamic_cast<const MlpModel*>(&model);
            if (network == nullptr) throw UsageError("network training needs the mlp model");
            NetworkTrainingOptions options;
            options.newton = a.fit;
            options.lbfgs_iterations = a.lbfgs_iterations;
            options.progress = [progress](const NewtonIteration& step) {
                if (step.iteration % 10 != 0) return;
                char line[160];
                std::snprintf(line, sizeof line, "L-BFGS %4lld: F = %.10g, ‖∇F‖ = %.3e, step %.3g",
                              static_cast<long long>(step.iteration), step.objective,
                              step.gradient_norm, step.step_length);
                progress(line);
            };
            options.newton.progress = [progress](const NewtonIteration& step) {
                char line[160];
                std::snprintf(line, sizeof line,
                              "trust-region Newton %3lld: F = %.10g, ‖∇F‖ = %.3e, ‖step‖ = %.3g%s, "
                              "%lld CG",
                              static_cast<long long>(step.iteration), step.objective,
                              step.gradient_norm, step.step_length,
                              step.negative_curvature ? " (negative curvature)" : "",
                              static_cast<long long>(step.cg_iterations));
                progress(line);
            };
            result = train_network(model, options, network->initial_parameters(seed));
        }
        if (!a.theta_out_path.empty()) {
            write_vector_matrix_market(a.theta_out_path, result.theta);
            progress("θ̂ written to " + a.theta_out_path);
        }
        return result;
    };
}

void report_newton_progress(FitOptions& fit, const Progress& progress) {
    fit.progress = [progress](const NewtonIteration& step) {
        char line[160];
        std::snprintf(line, sizeof line, "Newton %3lld: F = %.10g, ‖∇F‖ = %.3e, step %.3g, %lld CG",
                      static_cast<long long>(step.iteration), step.objective, step.gradient_norm,
                      step.step_length, static_cast<long long>(step.cg_iterations));
        progress(line);
    };
}

double model_bytes_per_parameter(double solve_vectors) {
    constexpr double newton_vectors = 12;  // θ, ∇F, the step, CG's r, p, Hp, z, …
    // The eigen step's basis is checked once the parameter count is known
    // (check_eigen_memory, after k < n).
    return sizeof(double) * (newton_vectors + solve_vectors);
}

namespace {

/// A logistic model on labels it cannot take: named with the file and line.
void check_binary_labels(const TrainingSet& data, const std::string& path) {
    std::string reason;
    const Index row = first_non_binary_label(data.labels, &reason);
    if (row < 0 || static_cast<std::size_t>(row) >= data.sample_lines.size()) return;
    throw InputError(path + ":" + std::to_string(data.sample_lines[static_cast<std::size_t>(row)]) +
                     ": " + reason +
                     " (the logistic model takes two classes; --class C makes class C +1 and "
                     "every other label -1)");
}

/// Parameters of the model on this data: one per column, times the classes of softmax.
double parameters_of(const std::string& model, const TrainingSet& data) {
    double classes = 1;
    if (model == "softmax") {
        std::vector<double> labels(data.labels.data(), data.labels.data() + data.labels.size());
        std::sort(labels.begin(), labels.end());
        classes = static_cast<double>(std::unique(labels.begin(), labels.end()) - labels.begin());
    }
    return static_cast<double>(data.features.cols()) * classes;
}

}  // namespace

LoadedModel load_model(const ModelSourceArguments& a, const Progress& progress) {
    const auto start = std::chrono::steady_clock::now();
    TrainingSetOptions data_options = a.data;
    data_options.scaling = parse_feature_scaling(a.scale);
    data_options.bytes_per_feature = a.bytes_per_parameter;
    progress("reading " + data_options.path);
    TrainingSet data = load_training_set(data_options);
    if (a.model == "logistic") check_binary_labels(data, data_options.path);
    const double parameters = parameters_of(a.model, data);
    check_memory_estimate(parameters * a.bytes_per_parameter,
                          "the " + a.model + " model on " + data_options.path + " (" +
                              std::to_string(static_cast<long long>(parameters)) +
                              " parameters: its fit and analysis)");
    ModelOptions model_options;
    model_options.curvature = parse_curvature(a.curvature);
    LoadedModel loaded;
    loaded.features = data.features.cols();
    loaded.description = data.description;
    if (is_network(a)) {
        MlpArchitecture architecture;
        architecture.hidden = parse_hidden_layers(a.hidden);
        architecture.activation = parse_activation(a.activation);
        architecture.loss = parse_mlp_loss(a.loss);
        auto network = std::make_unique<MlpModel>(std::move(data.features), data.labels,
                                                  std::move(architecture));
        network->set_curvature(model_options.curvature);
        loaded.description = network->describe() + " on " + loaded.description;
        loaded.model = std::move(network);
    } else {
        if (!a.theta_path.empty() || !a.theta_out_path.empty())
            throw UsageError("--theta and --theta-out are for --model mlp");
        loaded.model = make_model(a.model, std::move(data.features), data.labels, model_options);
    }
    loaded.read_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(loaded.description);
    return loaded;
}

FittedModel::FittedModel(LoadedModel loaded, const FitOptions& options,
                         const std::function<FitResult(Model&)>& fitter)
    : loaded_(std::move(loaded)) {
    Model& model = *loaded_.model;
    fit_ = fitter ? fitter(model) : fit_newton_cg(model, options);
    fit_.message = with_flag_advice(std::move(fit_.message));
    if (!fit_.converged && !fitter) return;
    FittedModelProblemOptions problem_options;
    problem_options.dense_parameters = dense_model_parameters;
    problem_options.with_gradient = options.base_lambda > 0 || fitter;
    problem_options.data = loaded_.description;
    problem_options.theta_source = fitter ? fit_.message : "Newton-CG fit: " + fit_.message;
    problem_.emplace(model, fit_.theta, problem_options);
}

void advise_gauss_newton(const ModelSourceArguments& arguments, const PsdVerdict& psd,
                         std::vector<std::string>& warnings) {
    if (psd.psd || arguments.curvature == "ggn") return;
    warnings.push_back(
        "the Gauss-Newton curvature (--curvature ggn) is positive semidefinite: every λ > 0 "
        "then gives a minimizer of the regularized quadratic model");
}

}  // namespace ridgelens::cli
