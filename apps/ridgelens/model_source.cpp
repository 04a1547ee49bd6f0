#include "model_source.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <vector>

#include "option_ranges.hpp"
#include "problem_source.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens::cli {

namespace po = boost::program_options;

void add_model_source_options(po::options_description& options, ModelSourceArguments& a,
                              bool with_class_option) {
    auto add = options.add_options();
    add("data", po::value(&a.data.path)->value_name("FILE"),
        "training data: a LIBSVM file, or an IDX directory / images file");
    add("format", po::value(&a.data.format)->default_value("auto"), "auto | libsvm | idx");
    add("model", po::value(&a.model)->default_value("softmax"), "ls | logistic | softmax");
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
        "Newton steps (0: no limit)");
    add("max-newton",
        po::value(&a.fit.max_iterations)
            ->default_value(100)
            ->notifier(count_range<Index>("max-newton", 1)),
        "cap on Newton iterations");
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
    loaded.model = make_model(a.model, std::move(data.features), data.labels, model_options);
    loaded.read_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(loaded.description);
    return loaded;
}

FittedModelProblem::FittedModelProblem(LoadedModel loaded, const FitOptions& options)
    : loaded_(std::move(loaded)) {
    LinearModel& model = *loaded_.model;
    fit_ = fit_newton_cg(model, options);
    if (!fit_.converged) return;
    model.set_curvature_point(fit_.theta);
    curvature_ = std::make_unique<ModelCurvatureOperator>(model);
    HessianProblem& problem = problem_.emplace(HessianProblem{*curvature_});
    problem.theta = fit_.theta;
    if (options.base_lambda > 0) model.evaluate(fit_.theta, &problem.gradient);
    problem.psd_by_construction = true;  // convex losses; the GGN is PSD for any loss
    problem.source = model.name() + " model on " + loaded_.description + ", " +
                     to_string(model.curvature()) + " curvature at θ̂ (matrix-free)";
    problem.theta_source = "Newton-CG fit: " + fit_.message;
    if (std::optional<DenseMatrix> formed = model.curvature_matrix(dense_model_parameters)) {
        dense_curvature_ = std::move(*formed);
        problem.dense = &dense_curvature_;
        problem.source += "; also formed as a dense matrix (" + std::to_string(model.parameters()) +
                          " parameters)";
    }
}

}  // namespace ridgelens::cli
