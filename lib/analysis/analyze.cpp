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
        throw UsageError("analyze: gradient has length " + std::to_string(problem.gradient.size()) +
                         " but H has dimension " + std::to_string(n));
    if (options.solver == SolverChoice::cholmod && problem.matrix == nullptr)
        throw UsageError(
            "analyze: --solver cholmod needs an explicit sparse matrix; this "
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
        case SolverChoice::automatic:
            return "auto";
        case SolverChoice::cholmod:
            return "cholmod";
        case SolverChoice::cg:
            return "cg";
    }
    return "unknown";
}

namespace {

// Decides between CHOLMOD and CG and, for CHOLMOD, runs the symbolic analysis.
std::unique_ptr<CholmodSolver> choose_solver(const HessianProblem& problem,
                                             const AnalyzeOptions& options,
                                             AnalysisResult& result) {
    std::unique_ptr<CholmodSolver> cholmod;
    switch (options.solver) {
        case SolverChoice::cholmod:
            cholmod = std::make_unique<CholmodSolver>(*problem.matrix);
            result.solver_reason = "requested --solver cholmod";
            break;
        case SolverChoice::cg:
            result.solver_reason = "requested --solver cg";
            break;
        case SolverChoice::automatic:
            if (problem.matrix == nullptr) {
                result.solver_reason = "H is matrix-free: conjugate gradient";
                break;
            }
            cholmod = std::make_unique<CholmodSolver>(*problem.matrix);
            const double factor_bytes = cholmod->factor_nonzeros() * 16.0;
            const bool fits = factor_bytes < 0.25 * physical_memory_bytes();
            result.solver_reason = "explicit matrix; CHOLMOD's analysis predicts a factor of " +
                                   format_double(cholmod->factor_nonzeros()) + " nonzeros (" +
                                   format_double(factor_bytes / 1e9) + " GB): " +
                                   (fits ? "sparse Cholesky" : "too large, conjugate gradient");
            if (!fits) cholmod.reset();
            break;
    }
    result.solver = cholmod ? "cholmod" : "cg";
    return cholmod;
}

// Positive semidefiniteness: the Lanczos estimate of σ_min, and for an
// explicit H the certificate of a Cholesky factorization of H + τI.
void check_psd(const HessianProblem& problem, const AnalyzeOptions& options, double sigma_scale,
               CholmodSolver* cholmod, AnalysisResult& result) {
    report_progress(options, "checking positive semidefiniteness (smallest eigenvalue)");
    result.smallest =
        compute_smallest_eigenvalue(problem.hessian, sigma_scale, options.psd, options.seed + 1);
    const SmallestEigenvalue& smallest = result.smallest;
    report_progress(options, smallest.message);
    const double tau = options.psd.tolerance * sigma_scale;
    result.psd = smallest.psd;
    if (!smallest.psd) {
        result.psd_evidence = smallest.message;
    } else if (cholmod != nullptr) {
        if (cholmod->factorize(tau)) {
            result.psd_certified = true;
            result.psd_evidence = "Cholesky factorization of H + " + format_double(tau) +
                                  "·I succeeded: every eigenvalue of H exceeds -" +
                                  format_double(tau);
        } else {
            result.psd = false;
            result.psd_evidence = "Cholesky factorization of H + " + format_double(tau) +
                                  "·I failed: H has an eigenvalue below -" + format_double(tau);
        }
    } else if (smallest.converged) {
        result.psd_certified = true;
        result.psd_evidence = smallest.message;
    } else if (problem.psd_by_construction) {
        result.psd_evidence = "PSD by construction; " + smallest.message;
    } else {
        result.psd_evidence = smallest.message;
    }
    if (!result.psd) {
        result.warnings.push_back("H is indefinite: " + result.psd_evidence +
                                  ". Decay factors of negative directions are not meaningful; "
                                  "use a Gauss-Newton curvature or a λ above -σ_min");
    } else if (result.psd_certified || problem.psd_by_construction) {
        result.checks.push_back("PSD: " + result.psd_evidence);
    } else {
        result.warnings.push_back("PSD check inconclusive: " + result.psd_evidence);
    }
}

}  // namespace

AnalysisResult analyze(const HessianProblem& problem, const AnalyzeOptions& options) {
    validate(problem, options);
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
    const double sigma_scale =
        result.eigen.values.size() > 0 && result.eigen.values.cwiseAbs().maxCoeff() > 0
            ? result.eigen.values.cwiseAbs().maxCoeff()
            : 1.0;
    if (result.eigen.converged > 0)
        result.checks.push_back("eigenpair residuals ||Hq - σq|| recomputed: largest " +
                                format_double(result.eigen.residuals.maxCoeff() / sigma_scale) +
                                "·σ_1");
    const double eigen_seconds = seconds_since(start);

    // 2. The solver (CHOLMOD's symbolic analysis once), and the PSD check.
    start = Clock::now();
    std::unique_ptr<CholmodSolver> cholmod = choose_solver(problem, options, result);
    check_psd(problem, options, sigma_scale, cholmod.get(), result);
    result.eigen_seconds = eigen_seconds + seconds_since(start);

    // 3. Exact solves of (H + λI)x = Hθ̂ − g and the decay table, per λ.
    start = Clock::now();
    Vector rhs(n);
    H.perform_op(problem.theta.data(), rhs.data());
    if (problem.gradient.size() == n) rhs -= problem.gradient;
    for (double lambda : options.lambdas) {
        report_progress(options, "solving (H + λI)x = Hθ̂ - g for λ = " + format_double(lambda) +
                                     " by " + result.solver);
        LambdaResult entry;
        entry.lambda = lambda;
        entry.ridge = cholmod
                          ? cholmod->solve(lambda, rhs)
                          : solve_conjugate_gradient(H, lambda, rhs, problem.diagonal, options.cg);
        entry.ridge_norm = entry.ridge.x.norm();
        entry.decay = analyze_decay(result.eigen, problem.theta, problem.gradient, lambda,
                                    entry.ridge.x, result.psd, options.decay);
        if (!entry.ridge.ok()) {
            result.ok = false;
            result.warnings.push_back("λ = " + format_double(lambda) + ": " + entry.ridge.message);
        } else {
            result.checks.push_back(
                "λ = " + format_double(lambda) +
                ": ||(H+λI)x - b||/||b|| = " + format_double(entry.ridge.relative_residual) +
                " recomputed; self-check " + "max_j |q_jᵀθ̂_ridge - f_j c_j| = " +
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
