#include "ridgelens/analysis/analyze.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "analysis/indefinite_steps.hpp"
#include "analysis/pipeline_steps.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/solve/dense_shifted_solve.hpp"

namespace ridgelens {
namespace {

using pipeline::Clock;
using pipeline::format_double;
using pipeline::seconds_since;

void report_progress(const AnalyzeOptions& options, const std::string& message) {
    pipeline::report(options.progress, message);
}

// The positive-definite solver's results for `lambdas` (all at once for the
// dense eigendecomposition and multi-shift CG, else λ by λ).
std::vector<SolveResult> solve_definite(const HessianProblem& problem,
                                        const AnalyzeOptions& options, AnalysisResult& result,
                                        const pipeline::SolverDecision& decision,
                                        const std::vector<double>& lambdas, const Vector& rhs) {
    if (lambdas.empty()) return {};
    const OperatorRef H = problem.hessian;
    if (decision.dense) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for " +
                                     std::to_string(lambdas.size()) +
                                     " λ from one eigendecomposition of the dense H");
        return solve_shifted_dense(*problem.dense, lambdas, rhs, options.cg.tolerance).solutions;
    }
    // Without CHOLMOD and a diagonal, every λ comes from one multi-shift CG
    // run deflated by the top-k pairs: it costs what the hardest λ costs alone.
    if (!decision.cholmod && !problem.diagonal) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for " +
                                     std::to_string(lambdas.size()) +
                                     " λ by deflated multi-shift CG");
        MultiShiftCgOptions shift_options;
        shift_options.tolerance = options.cg.tolerance;
        shift_options.max_iterations = options.cg.max_iterations;
        pipeline::ShiftedSolves solves = pipeline::solve_shifted_systems(
            H, result.eigen, lambdas, rhs, shift_options, /*deflate=*/true);
        result.solver = solves.solver;
        report_progress(options, std::string(to_string(solves.solver)) + ": " +
                                     std::to_string(solves.solved.iterations) +
                                     " Krylov iterations for every λ");
        return std::move(solves.solved.solutions);
    }
    std::vector<SolveResult> solved;
    for (const double lambda : lambdas) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for λ = " + format_double(lambda) +
                                     " by " +
                                     (decision.cholmod ? "CHOLMOD" : "Jacobi-preconditioned CG"));
        solved.push_back(
            decision.cholmod
                ? pipeline::solve_with_cholmod(*decision.cholmod, result.psd, lambda, rhs)
                : solve_conjugate_gradient(H, lambda, rhs, problem.diagonal, options.cg));
    }
    return solved;
}

// θ̂_ridge for every λ: the positive-definite solver where the eigen step
// leaves H + λI definite, MINRES for the saddles (and wherever that solver
// found H + λI not positive definite), nothing where H + λI is singular.
std::vector<LambdaResult> solve_every_lambda(const HessianProblem& problem,
                                             const AnalyzeOptions& options, AnalysisResult& result,
                                             const pipeline::SolverDecision& decision,
                                             const Vector& rhs, double scale) {
    std::vector<LambdaResult> entries(options.lambdas.size());
    std::vector<double> definite;
    std::vector<std::size_t> definite_index;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        LambdaResult& entry = entries[i];
        entry.lambda = options.lambdas[i];
        classify_stationary_point(result.psd, result.eigen, scale, entry);
        if (entry.stationary == StationaryPoint::minimizer) {
            definite.push_back(entry.lambda);
            definite_index.push_back(i);
        } else if (entry.stationary == StationaryPoint::singular) {
            entry.ridge = pipeline::singular_solve(problem.hessian.rows(), entry.stationary_reason);
        }
    }
    std::vector<SolveResult> solved =
        solve_definite(problem, options, result, decision, definite, rhs);
    for (std::size_t d = 0; d < definite.size(); ++d) {
        LambdaResult& entry = entries[definite_index[d]];
        entry.ridge = std::move(solved[d]);
        if (!result.psd.psd && entry.ridge.status == SolveStatus::not_positive_definite)
            classify_stationary_point(result.psd, result.eigen, scale, entry, &entry.ridge.message);
    }
    std::vector<double> saddles;
    std::vector<std::size_t> saddle_index;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].stationary == StationaryPoint::saddle) {
            saddles.push_back(entries[i].lambda);
            saddle_index.push_back(i);
        }
    if (!saddles.empty())
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for " +
                                     std::to_string(saddles.size()) +
                                     " λ with H + λI indefinite by MINRES (saddle points)");
    std::vector<SolveResult> stationary = pipeline::solve_saddles(
        problem.hessian, saddles, rhs, options.cg.tolerance, options.cg.max_iterations);
    for (std::size_t s = 0; s < saddles.size(); ++s)
        entries[saddle_index[s]].ridge = std::move(stationary[s]);
    return entries;
}

}  // namespace

const char* to_string(StationaryPoint kind) {
    switch (kind) {
        case StationaryPoint::minimizer:
            return "minimizer";
        case StationaryPoint::saddle:
            return "saddle";
        case StationaryPoint::singular:
            return "singular";
    }
    return "unknown";
}

double PsdVerdict::sigma_min() const {
    double value = smallest.value;
    if (negative.values.size() > 0) {
        const double most_negative = negative.values.minCoeff();
        if (!(value <= most_negative)) value = most_negative;
    }
    return value;
}

SolverChoice parse_solver_choice(const std::string& text) {
    if (text == "auto") return SolverChoice::automatic;
    if (text == "cholmod") return SolverChoice::cholmod;
    if (text == "cg") return SolverChoice::cg;
    if (text == "dense") return SolverChoice::dense;
    throw UsageError("unknown solver '" + text + "': choose auto, cholmod, cg or dense");
}

const char* to_string(SolverChoice choice) {
    switch (choice) {
        case SolverChoice::automatic:
            return "auto";
        case SolverChoice::cholmod:
            return "cholmod";
        case SolverChoice::cg:
            return "cg";
        case SolverChoice::dense:
            return "dense";
    }
    return "unknown";
}

void classify_stationary_point(const PsdVerdict& psd, const Eigenpairs& top, double scale,
                               LambdaResult& entry, const std::string* failed_solve) {
    const pipeline::LambdaVerdict verdict =
        failed_solve ? pipeline::saddle_after_failed_solve(entry.lambda, *failed_solve)
                     : pipeline::classify_lambda(psd, top, entry.lambda, scale);
    entry.stationary = verdict.kind;
    entry.stationary_reason = verdict.reason;
}

void record_lambda_result(AnalysisResult& result, LambdaResult entry) {
    const std::string at = "λ = " + format_double(entry.lambda);
    if (entry.stationary == StationaryPoint::saddle && entry.ridge.ok())
        result.warnings.push_back(at + ": saddle — " + entry.stationary_reason);
    if (!entry.ridge.ok()) {
        result.ok = false;
        result.warnings.push_back(at + ": " + entry.ridge.message);
    } else {
        result.checks.push_back(
            at + ": ||(H+λI)x - b||/||b|| = " + format_double(entry.ridge.relative_residual) +
            " recomputed; self-check max_j |q_jᵀθ̂_ridge - f_j c_j| = " +
            format_double(entry.decay.self_check_max_abs_error) + " (tolerance " +
            format_double(entry.decay.self_check_tolerance) + ")");
        // A self-check or tail bound failing beyond its tolerance, or a decay
        // factor the eigen step does not determine, is a numerical failure.
        for (const std::string& failure : entry.decay.failures) {
            result.ok = false;
            result.warnings.push_back(failure);
        }
    }
    result.lambdas.push_back(std::move(entry));
}

AnalysisResult analyze(const HessianProblem& problem, const AnalyzeOptions& options) {
    // With a RowPartition every vector holds this process's rows, every
    // reduction is summed over the processes (collective validation too).
    pipeline::validate_problem(problem, options.lambdas, options.solver, "analyze");
    const OperatorRef H = problem.hessian;
    const Index n = H.rows();
    AnalysisResult result;

    // 1. Spectrum: top-k pairs, then the PSD check (scaled by σ_1), unless
    // the options carry them.
    auto start = Clock::now();
    SpectralStep reused;
    if (options.spectral) {
        reused = pipeline::reuse_spectral_step(*options.spectral, options.eigen.k, n,
                                               problem.psd_by_construction, "analyze",
                                               result.checks, result.warnings);
        result.spectral_reused = true;
        result.eigen = std::move(reused.eigen);
        if (result.eigen.status != EigenStatus::converged) result.ok = false;
    } else {
        report_progress(options, "computing the top " + std::to_string(options.eigen.k) +
                                     " eigenpairs of H (n = " + std::to_string(H.global_rows()) +
                                     ")");
        result.eigen = options.eigensolvers.top(H, options.eigen, options.seed);
        report_progress(options, result.eigen.message);
        if (result.eigen.status != EigenStatus::converged) {
            result.ok = false;
            result.warnings.push_back("eigenpairs: " + result.eigen.message);
        }
    }
    const double sigma_scale = pipeline::spectral_scale(result.eigen);
    if (result.eigen.converged > 0)
        result.checks.push_back("eigenpair residuals ||Hq - σq|| recomputed: largest " +
                                format_double(result.eigen.residuals.maxCoeff() / sigma_scale) +
                                "·σ_1");
    const double eigen_seconds = seconds_since(start);

    // 2. The solver (CHOLMOD's symbolic analysis once), and the PSD check.
    start = Clock::now();
    pipeline::SolverDecision decision = pipeline::choose_solver(problem, options.solver);
    const std::unique_ptr<CholmodSolver>& cholmod = decision.cholmod;
    // Deflated multi-shift CG without CHOLMOD and a diagonal (solve_definite
    // says multishift_cg instead when there was nothing to deflate).
    result.solver = cholmod            ? SolverKind::cholmod
                    : decision.dense   ? SolverKind::dense_eigendecomposition
                    : problem.diagonal ? SolverKind::cg
                                       : SolverKind::deflated_multishift_cg;
    result.solver_reason = decision.reason;
    if (options.spectral) {
        result.psd = std::move(reused.psd);
    } else {
        result.psd = pipeline::check_psd(problem, options.psd, sigma_scale, cholmod.get(),
                                         options.seed + 1, options.progress, result.checks,
                                         result.warnings, options.eigensolvers);
        pipeline::describe_indefinite(problem, options.psd, options.eigen, sigma_scale,
                                      options.eigensolvers, options.seed + 2, options.progress,
                                      result.psd, result.checks, result.warnings);
    }
    result.eigen_seconds = eigen_seconds + seconds_since(start);

    // 3. Exact solves of (H + λI)x = Hθ̂ − g and the decay table, per λ.
    start = Clock::now();
    Vector rhs(n);
    H.perform_op(problem.theta.data(), rhs.data());
    if (problem.gradient.size() == n) rhs -= problem.gradient;
    std::vector<LambdaResult> entries =
        solve_every_lambda(problem, options, result, decision, rhs, sigma_scale);
    for (LambdaResult& entry : entries) {
        entry.ridge_norm = H.norm(entry.ridge.x);
        entry.decay = analyze_decay(H, result.eigen, problem.theta, problem.gradient, entry.lambda,
                                    entry.ridge.x, result.psd.psd, options.decay,
                                    entry.ridge.relative_residual, &result.psd.negative);
        record_lambda_result(result, std::move(entry));
    }
    result.analyze_seconds = seconds_since(start);
    return result;
}

}  // namespace ridgelens
