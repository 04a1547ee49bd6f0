// The library's computations for Python: each takes a PyOperator, runs with
// the GIL released, and returns plain dicts of numpy arrays and numbers (the
// Python layer in ridgelens/__init__.py turns them into result objects), or
// the JSON text of the CLI's own reports.

#include "computations.hpp"

#include <chrono>
#include <functional>
#include <iostream>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/lambda_selection.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/report/path_report.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"
#include "ridgelens/solve/multishift_cg.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens::python {
namespace {

py::array_t<double> to_numpy(const Vector& v) {
    py::array_t<double> out(v.size());
    std::copy(v.data(), v.data() + v.size(), out.mutable_data());
    return out;
}

py::array_t<double> to_numpy(const std::vector<double>& v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

/// A column-major Eigen matrix as a C-contiguous (rows, cols) numpy array.
py::array_t<double> to_numpy(const DenseMatrix& m) {
    py::array_t<double> out({m.rows(), m.cols()});
    auto view = out.mutable_unchecked<2>();
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j) view(i, j) = m(i, j);
    return out;
}

Vector to_vector(const py::array_t<double, py::array::c_style | py::array::forcecast>& a,
                 const char* name, Index n) {
    if (a.ndim() != 1)
        throw UsageError(std::string(name) + " must be a vector (one dimension), got " +
                         std::to_string(a.ndim()) + " dimensions");
    if (n >= 0 && a.size() != n)
        throw UsageError(std::string(name) + " has " + std::to_string(a.size()) +
                         " entries but H is " + std::to_string(n) + "x" + std::to_string(n));
    return Eigen::Map<const Vector>(a.data(), a.size());
}

py::dict eigen_dict(const Eigenpairs& e) {
    py::dict d;
    d["values"] = to_numpy(e.values);
    d["vectors"] = to_numpy(e.vectors);
    d["residuals"] = to_numpy(e.residuals);
    d["requested"] = e.requested;
    d["converged"] = e.converged;
    d["iterations"] = e.iterations;
    d["matvecs"] = e.matvecs;
    d["status"] = to_string(e.status);
    d["message"] = e.message;
    return d;
}

// A view over `op`, which owns the matrix (or keeps the Python callable) and
// outlives the computation.
HessianProblem make_problem(PyOperator& op, const ProblemArguments& a) {
    HessianProblem problem(op);
    problem.matrix = op.matrix();
    problem.dense = op.formed_matrix();
    problem.diagonal = op.diagonal();
    problem.nonzeros = op.matrix() ? op.matrix()->nonZeros() : 0;
    problem.theta = to_vector(a.theta, "theta", op.rows());
    if (!a.gradient.is_none())
        problem.gradient = to_vector(
            a.gradient.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>(),
            "gradient", op.rows());
    problem.source = a.source;
    problem.theta_source = a.theta_source;
    problem.psd_by_construction = a.psd_by_construction;
    return problem;
}

EigenOptions eigen_options(const EigenArguments& a) {
    EigenOptions options;
    options.k = a.k;
    options.tolerance = a.tolerance;
    options.subspace = a.subspace;
    options.max_iterations = a.max_restarts;
    return options;
}

/// Records the library's progress messages as the phase named in a callback's
/// exception, and prints them on stderr when `verbose` (no GIL needed).
std::function<void(const std::string&)> progress_of(PyOperator& op, bool verbose) {
    return [&op, verbose](const std::string& message) {
        op.set_phase(message);
        if (verbose) std::cerr << "ridgelens: " << message << std::endl;
    };
}

}  // namespace

py::dict top_eigenpairs(PyOperator& op, const EigenArguments& a, std::uint64_t seed) {
    const EigenOptions options = eigen_options(a);
    const Eigenpairs e = run_released(op, "ridgelens.top_eigenpairs",
                                      [&] { return compute_top_eigenpairs(op, options, seed); });
    return eigen_dict(e);
}

py::dict analyze(PyOperator& op, const ProblemArguments& p, const EigenArguments& e,
                 const AnalyzeArguments& a) {
    const auto start = std::chrono::steady_clock::now();
    const HessianProblem problem = make_problem(op, p);
    AnalyzeOptions options;
    options.lambdas = a.lambdas;
    options.eigen = eigen_options(e);
    options.solver = parse_solver_choice(a.solver);
    options.cg.tolerance = a.tolerance;
    options.cg.max_iterations = a.max_cg_iterations;
    options.psd.tolerance = a.psd_tolerance;
    options.seed = a.seed;
    options.progress = progress_of(op, a.verbose);
    const double read_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const AnalysisResult result =
        run_released(op, "ridgelens.analyze", [&] { return ridgelens::analyze(problem, options); });
    const ReportTimings timings{read_seconds, result.eigen_seconds, result.analyze_seconds};
    const nlohmann::json report = make_analysis_report(summarize(problem), result, timings);
    DenseMatrix ridge(op.rows(), static_cast<Index>(result.lambdas.size()));
    for (std::size_t i = 0; i < result.lambdas.size(); ++i)
        ridge.col(static_cast<Index>(i)) = result.lambdas[i].ridge.x;
    py::dict d;
    d["report"] = report.dump();
    d["ridge"] = to_numpy(ridge);
    d["eigen"] = eigen_dict(result.eigen);
    d["ok"] = result.ok;
    return d;
}

namespace {

PathOptions path_options(PyOperator& op, const EigenArguments& e, const PathArguments& a) {
    PathOptions options;
    options.lambdas = a.lambdas;
    options.eigen = eigen_options(e);
    options.solver = parse_solver_choice(a.solver);
    options.cg.tolerance = a.tolerance;
    options.cg.max_iterations = a.max_cg_iterations;
    options.psd.tolerance = a.psd_tolerance;
    options.deflate = a.deflate;
    options.measure_undeflated = a.baseline;
    options.path_directions = a.directions;
    options.slq.probes = a.probes;
    options.slq.lanczos_steps = a.lanczos_steps;
    options.slq.max_lanczos_steps = a.max_lanczos_steps;
    options.slq.seed = a.seed;
    options.exact_dof_limit = a.exact_dof_limit;
    options.seed = a.seed;
    options.progress = progress_of(op, a.verbose);
    if (!a.risk.is_none()) {
        // The library may copy the options: hold the callable by pointer (it
        // lives in `a` for the whole call), so no copy touches its refcount
        // without the GIL.
        const py::object* risk = &a.risk;
        options.risk = [&op, risk](const Vector& theta) {
            return op.call_risk(*risk, theta.data());
        };
    }
    return options;
}

SelectionOptions selection_options(const PathArguments& a, const SelectionModel& model) {
    SelectionOptions options;
    for (const std::string& name : a.criteria)
        options.criteria.push_back(parse_selection_criterion(name));
    options.relative_precision = a.relative_precision;
    options.points_per_round = a.points_per_round;
    options.max_rounds = a.max_rounds;
    if (!options.criteria.empty() && a.risk.is_none() && !model.quadratic_model)
        throw UsageError(
            "λ selection: the path needs the model's risk R(θ) (risk), or samples for the "
            "evidence of the quadratic model");
    if (!a.risk.is_none() && model.samples < 1)
        throw UsageError("λ selection: the number of samples must be at least 1");
    for (const SelectionCriterion criterion : options.criteria)
        if (criterion != SelectionCriterion::evidence && !model.least_squares)
            throw UsageError("λ selection by " + to_string(criterion) +
                             " needs a least-squares model (a residual ‖Xθ − y‖); the evidence "
                             "applies to every model");
    return options;
}

}  // namespace

py::dict path(PyOperator& op, const ProblemArguments& p, const EigenArguments& e,
              const PathArguments& a) {
    const HessianProblem problem = make_problem(op, p);
    PathOptions options = path_options(op, e, a);
    SelectionModel model{a.samples, a.least_squares};
    if (a.risk.is_none() && a.samples > 0) {
        // H and n alone: the quadratic model's own risk and evidence.
        options.risk = quadratic_model_risk(problem);
        model.quadratic_model = true;
    }
    // Misuse is reported before the path is computed.
    const SelectionOptions selection = selection_options(a, model);
    const PathResult result = run_released(op, "ridgelens.path", [&] {
        PathResult r = compute_path(problem, options);
        if (!selection.criteria.empty())
            select_lambda(problem, options, model, selection, r);
        else if (options.risk)
            evaluate_selection_criteria(model, r);
        return r;
    });
    const nlohmann::json report = make_path_report(summarize(problem), result);
    const std::size_t m = result.points.size();
    std::vector<double> lambdas, df, df_stderr, norm, residual;
    std::size_t directions = 0;
    for (const PathPoint& point : result.points)
        directions = std::max(directions, point.coefficients.size());
    DenseMatrix coefficients =
        DenseMatrix::Constant(static_cast<Index>(m), static_cast<Index>(directions), NAN);
    std::vector<std::string> statuses;
    for (std::size_t i = 0; i < m; ++i) {
        const PathPoint& point = result.points[i];
        lambdas.push_back(point.lambda);
        df.push_back(point.df);
        df_stderr.push_back(point.df_stderr);
        norm.push_back(point.ridge_norm);
        residual.push_back(point.relative_residual);
        statuses.push_back(to_string(point.status));
        for (std::size_t j = 0; j < point.coefficients.size(); ++j)
            coefficients(static_cast<Index>(i), static_cast<Index>(j)) = point.coefficients[j];
    }
    py::dict d;
    d["report"] = report.dump();
    d["lambdas"] = to_numpy(lambdas);
    d["df"] = to_numpy(df);
    d["df_stderr"] = to_numpy(df_stderr);
    d["ridge_norm"] = to_numpy(norm);
    d["relative_residual"] = to_numpy(residual);
    d["coefficients"] = to_numpy(coefficients);
    d["statuses"] = statuses;
    d["eigen"] = eigen_dict(result.eigen);
    d["ok"] = result.ok;
    return d;
}

py::dict solve_shifted(
    PyOperator& op, const py::array_t<double, py::array::c_style | py::array::forcecast>& b_array,
    const std::vector<double>& lambdas, double tolerance, Index max_iterations,
    const std::string& solver) {
    const Vector b = to_vector(b_array, "b", op.rows());
    if (solver != "auto" && solver != "cg" && solver != "cholmod")
        throw UsageError("solver must be auto, cg or cholmod, got '" + solver + "'");
    if (solver == "cholmod" && op.matrix() == nullptr)
        throw UsageError("the cholmod solver needs an explicit sparse matrix H");
    for (double lambda : lambdas)
        if (!(lambda >= 0))
            throw UsageError("every shift λ must be >= 0, got " + std::to_string(lambda));
    // "auto": the choice analyze and path make (choose_cholmod_automatically)
    // for an explicit matrix; multi-shift CG for everything else.
    std::unique_ptr<CholmodSolver> factor;
    std::string reason = solver == "cg" ? "requested solver cg" : "requested solver cholmod";
    if (solver == "auto" && op.matrix() == nullptr) {
        reason = "H is not an explicit sparse matrix: multi-shift conjugate gradient";
    } else if (solver == "auto") {
        AutomaticCholmod automatic = run_released(op, "ridgelens.solve_shifted", [&] {
            return choose_cholmod_automatically(*op.matrix());
        });
        factor = std::move(automatic.cholmod);
        reason = automatic.reason;
    } else if (solver == "cholmod") {
        factor = run_released(op, "ridgelens.solve_shifted",
                              [&] { return std::make_unique<CholmodSolver>(*op.matrix()); });
    }
    const bool cholmod = factor != nullptr;
    std::vector<SolveResult> solutions;
    std::int64_t matvecs = 0;
    Index iterations = 0;
    if (cholmod) {
        solutions = run_released(op, "ridgelens.solve_shifted", [&] {
            std::vector<SolveResult> out;
            for (double lambda : lambdas) out.push_back(factor->solve(lambda, b));
            return out;
        });
    } else {
        MultiShiftCgOptions options;
        options.tolerance = tolerance;
        options.max_iterations = max_iterations;
        const MultiShiftResult result = run_released(op, "ridgelens.solve_shifted", [&] {
            return solve_multishift_cg(op, lambdas, b, options);
        });
        solutions = result.solutions;
        matvecs = result.matvecs;
        iterations = result.iterations;
    }
    DenseMatrix x(op.rows(), static_cast<Index>(solutions.size()));
    std::vector<double> residuals;
    std::vector<std::string> statuses, messages;
    for (std::size_t i = 0; i < solutions.size(); ++i) {
        x.col(static_cast<Index>(i)) = solutions[i].x;
        residuals.push_back(solutions[i].relative_residual);
        statuses.push_back(to_string(solutions[i].status));
        messages.push_back(solutions[i].message);
    }
    py::dict d;
    d["solutions"] = to_numpy(x);
    d["residuals"] = to_numpy(residuals);
    d["statuses"] = statuses;
    d["messages"] = messages;
    d["iterations"] = iterations;
    d["matvecs"] = cholmod ? op.products() : matvecs;
    d["solver"] = to_string(cholmod ? SolverKind::cholmod : SolverKind::multishift_cg);
    d["solver_reason"] = reason;
    return d;
}

py::dict effective_dof(PyOperator& op, const std::vector<double>& lambdas, const EigenArguments& e,
                       Index probes, Index lanczos_steps, std::uint64_t seed) {
    SlqOptions slq;
    slq.probes = probes;
    slq.lanczos_steps = lanczos_steps;
    slq.seed = seed;
    const EigenOptions options = eigen_options(e);
    auto [top, estimate] = run_released(op, "ridgelens.effective_dof", [&] {
        Eigenpairs pairs;
        if (options.k > 0) pairs = compute_top_eigenpairs(op, options, seed);
        SpectralEstimate s = estimate_spectrum(op, pairs, lambdas, slq);
        return std::make_pair(std::move(pairs), std::move(s));
    });
    py::dict d;
    d["lambdas"] = to_numpy(lambdas);
    d["df"] = to_numpy(estimate.df);
    d["df_stderr"] = to_numpy(estimate.df_stderr);
    d["df_quadrature_error"] = to_numpy(estimate.df_quadrature_error);
    d["df_top_part"] = to_numpy(estimate.df_top_part);
    d["eigen"] = eigen_dict(top);
    d["matvecs"] = top.matvecs + estimate.matvecs;
    d["indefinite"] = estimate.indefinite;
    d["message"] = estimate.message;
    return d;
}

std::vector<std::string> plot(const std::string& report, const std::string& directory,
                              std::size_t pair_i, std::size_t pair_j, std::size_t max_lambdas) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(report);
    } catch (const nlohmann::json::parse_error& error) {
        throw InputError(std::string("plot: the report is not JSON: ") + error.what());
    }
    ridgelens::plot::PlotOptions options;
    options.pair_i = pair_i;
    options.pair_j = pair_j;
    options.max_lambdas = max_lambdas;
    py::gil_scoped_release release;
    return ridgelens::plot::write_plots(json, directory, options).files;
}

}  // namespace ridgelens::python
