#include "ridgelens/analysis/analyze.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

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

}  // namespace

ProblemSummary summarize(const HessianProblem& problem) {
    ProblemSummary summary;
    const OperatorRef hessian = problem.hessian;  // norms summed over a partition's ranks
    summary.n = hessian.global_rows();
    summary.nonzeros = problem.nonzeros;
    summary.source = problem.source;
    summary.theta_source = problem.theta_source;
    summary.theta_norm = hessian.norm(problem.theta);
    summary.gradient_norm = problem.gradient.size() ? hessian.norm(problem.gradient) : 0.0;
    summary.psd_by_construction = problem.psd_by_construction;
    return summary;
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

AnalysisResult analyze(const HessianProblem& problem, const AnalyzeOptions& options) {
    pipeline::validate_problem(problem, options.lambdas, options.solver, "analyze");
    if (problem.hessian.partition() != nullptr)
        throw UsageError(
            "analyze: H's vectors are split over processes; use ridgelens::mpi::analyze "
            "(SLEPc, PETSc KSP) or compute_path, which take a RowPartition");
    const OperatorRef H = problem.hessian;
    const Index n = H.rows();
    AnalysisResult result;

    // 1. Spectrum: top-k pairs, then the PSD check (scaled by σ_1).
    auto start = Clock::now();
    report_progress(options, "computing the top " + std::to_string(options.eigen.k) +
                                 " eigenpairs of H (n = " + std::to_string(n) + ")");
    result.eigen = compute_top_eigenpairs(H, options.eigen, options.seed);
    report_progress(options, result.eigen.message);
    if (result.eigen.status != EigenStatus::converged) {
        result.ok = false;
        result.warnings.push_back("eigenpairs: " + result.eigen.message);
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
    std::unique_ptr<CholmodSolver>& cholmod = decision.cholmod;
    result.solver = cholmod ? "cholmod" : decision.dense ? "dense_eigendecomposition" : "cg";
    result.solver_reason = decision.reason;
    result.psd =
        pipeline::check_psd(problem, options.psd, sigma_scale, cholmod.get(), options.seed + 1,
                            options.progress, result.checks, result.warnings);
    result.eigen_seconds = eigen_seconds + seconds_since(start);

    // 3. Exact solves of (H + λI)x = Hθ̂ − g and the decay table, per λ.
    start = Clock::now();
    Vector rhs(n);
    H.perform_op(problem.theta.data(), rhs.data());
    if (problem.gradient.size() == n) rhs -= problem.gradient;
    // Without CHOLMOD and a diagonal, every λ comes from one multi-shift CG
    // run deflated by the top-k pairs: it costs what the hardest λ costs alone.
    std::vector<SolveResult> shifted;
    const bool multishift = !cholmod && !decision.dense && !problem.diagonal;
    if (decision.dense) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for " +
                                     std::to_string(options.lambdas.size()) +
                                     " λ from one eigendecomposition of the dense H");
        shifted = solve_shifted_dense(*problem.dense, options.lambdas, rhs, options.cg.tolerance)
                      .solutions;
    } else if (multishift) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for " +
                                     std::to_string(options.lambdas.size()) +
                                     " λ by deflated multi-shift CG");
        MultiShiftCgOptions shift_options;
        shift_options.tolerance = options.cg.tolerance;
        shift_options.max_iterations = options.cg.max_iterations;
        pipeline::ShiftedSolves solves = pipeline::solve_shifted_systems(
            H, result.eigen, options.lambdas, rhs, shift_options, /*deflate=*/true);
        report_progress(options, solves.solver + ": " + std::to_string(solves.solved.iterations) +
                                     " Krylov iterations for every λ");
        shifted = std::move(solves.solved.solutions);
    }
    for (std::size_t i = 0; i < options.lambdas.size(); ++i) {
        const double lambda = options.lambdas[i];
        LambdaResult entry;
        entry.lambda = lambda;
        if (multishift || decision.dense) {
            entry.ridge = std::move(shifted[i]);
        } else {
            report_progress(options, "solving (H + λI)x = Hθ̂ - g for λ = " + format_double(lambda) +
                                         " by " +
                                         (cholmod ? "CHOLMOD" : "Jacobi-preconditioned CG"));
            entry.ridge =
                cholmod ? pipeline::solve_with_cholmod(*cholmod, result.psd, lambda, rhs)
                        : solve_conjugate_gradient(H, lambda, rhs, problem.diagonal, options.cg);
        }
        entry.ridge_norm = entry.ridge.x.norm();
        entry.decay =
            analyze_decay(result.eigen, problem.theta, problem.gradient, lambda, entry.ridge.x,
                          result.psd.psd, options.decay, entry.ridge.relative_residual);
        if (!entry.ridge.ok()) {
            result.ok = false;
            result.warnings.push_back("λ = " + format_double(lambda) + ": " + entry.ridge.message);
        } else {
            result.checks.push_back(
                "λ = " + format_double(lambda) +
                ": ||(H+λI)x - b||/||b|| = " + format_double(entry.ridge.relative_residual) +
                " recomputed; self-check " + "max_j |q_jᵀθ̂_ridge - f_j c_j| = " +
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
    result.analyze_seconds = seconds_since(start);
    return result;
}

}  // namespace ridgelens
