#include "ridgelens/analysis/analyze.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void report_progress(const AnalyzeOptions& options, const std::string& message) {
    if (options.progress) options.progress(message);
}

void validate(const HessianProblem& problem, const AnalyzeOptions& options) {
    const Index n = problem.hessian.rows();
    if (options.lambdas.empty()) throw UsageError("analyze: at least one λ is required");
    for (double lambda : options.lambdas)
        if (!(lambda >= 0) || !std::isfinite(lambda))
            throw UsageError("analyze: λ = " + std::to_string(lambda) +
                             " is invalid; λ must be finite and >= 0");
    if (problem.theta.size() != n)
        throw UsageError("analyze: θ̂ has length " + std::to_string(problem.theta.size()) +
                         " but H is " + std::to_string(n) + "x" + std::to_string(n));
    if (problem.gradient.size() != 0 && problem.gradient.size() != n)
        throw UsageError("analyze: gradient has length " +
                         std::to_string(problem.gradient.size()) + " but H has dimension " +
                         std::to_string(n));
    if (options.solver == SolverChoice::cholmod && problem.matrix == nullptr)
        throw UsageError("analyze: --solver cholmod needs an explicit sparse matrix; this "
                         "Hessian is matrix-free (use cg)");
}

double physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page_size > 0 ? static_cast<double>(pages) * page_size : 8e9;
}

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

}  // namespace

SolverChoice parse_solver_choice(const std::string& text) {
    if (text == "auto") return SolverChoice::automatic;
    if (text == "cholmod") return SolverChoice::cholmod;
    if (text == "cg") return SolverChoice::cg;
    throw UsageError("unknown solver '" + text + "': choose auto, cholmod or cg");
}

const char* to_string(SolverChoice choice) {
    switch (choice) {
        case SolverChoice::automatic: return "auto";
        case SolverChoice::cholmod: return "cholmod";
        case SolverChoice::cg: return "cg";
    }
    return "unknown";
}

AnalysisResult analyze(const HessianProblem& problem, const AnalyzeOptions& options) {
    validate(problem, options);
    const OperatorRef H = problem.hessian;
    const Index n = H.rows();
    AnalysisResult result;

    // 1. Spectrum: top-k and the PSD check.
    auto start = Clock::now();
    report_progress(options, "computing the top " + std::to_string(options.eigen.k) +
                                 " eigenpairs of H (n = " + std::to_string(n) + ")");
    result.eigen = compute_top_eigenpairs(H, options.eigen, options.seed);
    report_progress(options, result.eigen.message);
    if (result.eigen.status != EigenStatus::converged) {
        result.ok = false;
        result.warnings.push_back("eigenpairs: " + result.eigen.message);
    }
    const double sigma_scale =
        result.eigen.values.size() > 0 && result.eigen.values.cwiseAbs().maxCoeff() > 0
            ? result.eigen.values.cwiseAbs().maxCoeff()
            : 1.0;
    if (result.eigen.converged > 0) {
        const double worst = result.eigen.residuals.maxCoeff() / sigma_scale;
        result.checks.push_back("eigenpair residuals ||Hq - σq|| recomputed: largest " +
                                format_double(worst) + "·σ_1");
    }
    report_progress(options, "checking positive semidefiniteness (smallest eigenvalue)");
    result.smallest = compute_smallest_eigenvalue(H, sigma_scale, options.psd_tolerance,
                                                  options.eigen, options.seed + 1);
    report_progress(options, result.smallest.message);
    if (!result.smallest.converged) {
        result.warnings.push_back("PSD check: " + result.smallest.message);
    } else if (!result.smallest.psd) {
        result.warnings.push_back("H is indefinite: smallest eigenvalue " +
                                  format_double(result.smallest.value) +
                                  "; decay factors of negative directions are not meaningful. "
                                  "Use a Gauss-Newton curvature or λ > " +
                                  format_double(-result.smallest.value));
    } else {
        result.checks.push_back("H is positive semidefinite: smallest eigenvalue " +
                                format_double(result.smallest.value) + " >= -" +
                                format_double(options.psd_tolerance) + "·σ_1");
    }
    result.eigen_seconds = seconds_since(start);

    // 2. Exact solves of (H + λI)x = Hθ̂ − g for every λ.
    start = Clock::now();
    Vector rhs(n);
    H.perform_op(problem.theta.data(), rhs.data());
    if (problem.gradient.size() == n) rhs -= problem.gradient;

    std::unique_ptr<CholmodSolver> cholmod;
    bool use_cholmod = options.solver == SolverChoice::cholmod;
    if (options.solver == SolverChoice::automatic) {
        if (problem.matrix == nullptr) {
            result.solver_reason = "H is matrix-free: conjugate gradient";
        } else {
            cholmod = std::make_unique<CholmodSolver>(*problem.matrix);
            const double factor_bytes = cholmod->factor_nonzeros() * 16.0;
            use_cholmod = factor_bytes < 0.25 * physical_memory_bytes();
            result.solver_reason =
                "explicit matrix; CHOLMOD's analysis predicts a factor of " +
                format_double(cholmod->factor_nonzeros()) + " nonzeros (" +
                format_double(factor_bytes / 1e9) + " GB): " +
                (use_cholmod ? "sparse Cholesky" : "too large, conjugate gradient");
            if (!use_cholmod) cholmod.reset();
        }
    } else {
        result.solver_reason = std::string("requested --solver ") + to_string(options.solver);
    }
    if (use_cholmod && !cholmod) cholmod = std::make_unique<CholmodSolver>(*problem.matrix);
    result.solver = use_cholmod ? "cholmod" : "cg";

    const bool psd = result.smallest.converged && result.smallest.psd;
    for (double lambda : options.lambdas) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for λ = " + format_double(lambda) +
                                     " by " + result.solver);
        LambdaResult entry;
        entry.lambda = lambda;
        entry.ridge = use_cholmod ? cholmod->solve(lambda, rhs)
                                  : solve_conjugate_gradient(H, lambda, rhs, problem.diagonal,
                                                             options.cg);
        entry.ridge_norm = entry.ridge.x.norm();
        entry.decay = analyze_decay(result.eigen, problem.theta, problem.gradient, lambda,
                                    entry.ridge.x, psd, options.decay);
        if (!entry.ridge.ok()) {
            result.ok = false;
            result.warnings.push_back("λ = " + format_double(lambda) + ": " + entry.ridge.message);
        } else {
            result.checks.push_back(
                "λ = " + format_double(lambda) + ": ||(H+λI)x - b||/||b|| = " +
                format_double(entry.ridge.relative_residual) + " recomputed; self-check " +
                "max_j |q_jᵀθ̂_ridge - f_j c_j| = " +
                format_double(entry.decay.self_check_max_abs_error));
        }
        if (entry.decay.tail.bound_applies && !entry.decay.tail.bound_holds)
            result.warnings.push_back("λ = " + format_double(lambda) +
                                      ": tail bound violated (||P⊥θ̂_ridge|| = " +
                                      format_double(entry.decay.tail.ridge_tail_norm) + " > " +
                                      format_double(entry.decay.tail.bound) +
                                      "): the computed pairs may not be the top-k");
        result.lambdas.push_back(std::move(entry));
    }
    result.analyze_seconds = seconds_since(start);
    return result;
}

}  // namespace ridgelens
