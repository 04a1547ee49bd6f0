#include "model_source.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>

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
    add("base-lambda", po::value(&a.fit.base_lambda)->default_value(0.0, "0"),
        "base penalty λ₀ of the fit (required > 0 for separable data)");
    add("curvature", po::value(&a.curvature)->default_value("hessian"),
        "hessian | ggn (generalized Gauss-Newton; equal for these convex losses)");
    add("fit-tol", po::value(&a.fit.gradient_tolerance)->default_value(1e-8, "1e-8"),
        "gradient-norm tolerance of Newton-CG");
    add("max-newton", po::value(&a.fit.max_iterations)->default_value(100),
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

LoadedModel load_model(const ModelSourceArguments& a, const Progress& progress) {
    const auto start = std::chrono::steady_clock::now();
    TrainingSetOptions data_options = a.data;
    data_options.scaling = parse_feature_scaling(a.scale);
    progress("reading " + data_options.path);
    TrainingSet data = load_training_set(data_options);
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

void advise_gauss_newton(const ModelSourceArguments& arguments, const PsdVerdict& psd,
                         std::vector<std::string>& warnings) {
    if (psd.psd || arguments.curvature == "ggn") return;
    warnings.push_back(
        "the Gauss-Newton curvature (--curvature ggn) is positive semidefinite: every λ > 0 "
        "then gives a minimizer of the regularized quadratic model");
}

}  // namespace ridgelens::cli
