#include "analysis/pipeline_steps.hpp"

#include <Eigen/Cholesky>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <thread>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"
#include "ridgelens/solve/deflated_solve.hpp"

extern "C" int openblas_get_num_threads(void);

namespace ridgelens::pipeline {

/// OpenBLAS (the BLAS under CHOLMOD's supernodal factorization) reserves a work
/// buffer per thread on first use: 128 MiB each in Debian's build
/// (bench/README.md, "Design measurements": OpenBLAS buffers), counted with the factor. (Under a
/// tight `ulimit -v` OpenBLAS's allocator retries without end when a BLAS call cannot reserve its
/// buffer: the ridgelens program lowers the thread count to what the limit holds before the first
/// call, or refuses.)
double blas_workspace_bytes() {
    // OpenBLAS's own count: its environment variables, or what a program set
    // (ridgelens lowers it under a tight `ulimit -v`).
    return std::max(1, openblas_get_num_threads()) * 134217728.0;
}

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

namespace {

// The checks of validate_problem on this process's rows.
void validate_local_problem(const HessianProblem& problem, const LambdaGrid& lambdas,
                            SolverChoice solver, const std::string& context) {
    const Index n = problem.hessian.rows();
    lambdas.require_nonempty(context);
    if (problem.theta.size() != n)
        throw UsageError(context + ": θ̂ has length " + std::to_string(problem.theta.size()) +
                         " but H is " + std::to_string(n) + "x" + std::to_string(n));
    if (problem.gradient.size() != 0 && problem.gradient.size() != n)
        throw UsageError(context + ": gradient has length " +
                         std::to_string(problem.gradient.size()) + " but H has dimension " +
                         std::to_string(n));
    if (solver == SolverChoice::cholmod && problem.matrix == nullptr)
        throw UsageError(context +
                         ": SolverChoice::cholmod needs an explicit sparse matrix; this "
                         "Hessian is matrix-free (use SolverChoice::cg)");
    if (solver == SolverChoice::dense && problem.dense == nullptr)
        throw UsageError(context +
                         ": SolverChoice::dense needs H formed as a dense matrix "
                         "(HessianProblem::dense: a model's curvature_matrix, formed for "
                         "least-squares and logistic models with at most 3000 parameters); use "
                         "SolverChoice::automatic, SolverChoice::cholmod or SolverChoice::cg");
    if (problem.dense != nullptr && (problem.dense->rows() != n || problem.dense->cols() != n))
        throw UsageError(context + ": the dense H is " + std::to_string(problem.dense->rows()) +
                         "x" + std::to_string(problem.dense->cols()) + " but H has dimension " +
                         std::to_string(n));
}

// validate_problem for vectors split over processes: the lengths summed over
// the processes first (the same message on every process), then the local
// checks, whose failure on any process fails every process.
void validate_partitioned_problem(const HessianProblem& problem, const LambdaGrid& lambdas,
                                  SolverChoice solver, const std::string& context) {
    const OperatorRef H = problem.hessian;
    const Index n = H.global_rows();
    if (solver == SolverChoice::cholmod || solver == SolverChoice::dense)
        throw UsageError(context + ": SolverChoice::" + to_string(solver) +
                         " needs H on one process; H's rows are split over processes (use "
                         "SolverChoice::cg or SolverChoice::automatic)");
    std::string local;
    try {
        validate_local_problem(problem, lambdas, solver, context);
    } catch (const UsageError& error) {
        local = error.what();
    }
    double sums[3] = {static_cast<double>(problem.theta.size()),
                      static_cast<double>(problem.gradient.size()), local.empty() ? 0.0 : 1.0};
    H.sum(sums, 3);
    if (sums[0] != static_cast<double>(n))
        throw UsageError(context + ": θ̂ has length " + std::to_string(std::llround(sums[0])) +
                         " but H is " + std::to_string(n) + "x" + std::to_string(n));
    if (sums[1] != 0 && sums[1] != static_cast<double>(n))
        throw UsageError(context + ": gradient has length " +
                         std::to_string(std::llround(sums[1])) + " but H has dimension " +
                         std::to_string(n));
    if (sums[2] > 0)
        throw UsageError(local.empty() ? context + ": invalid arguments on " +
                                             std::to_string(std::llround(sums[2])) +
                                             " of the processes (their messages say which)"
                                       : local);
}

}  // namespace

void validate_problem(const HessianProblem& problem, const LambdaGrid& lambdas, SolverChoice solver,
                      const std::string& context) {
    if (problem.hessian.partition() != nullptr)
        validate_partitioned_problem(problem, lambdas, solver, context);
    else
        validate_local_problem(problem, lambdas, solver, context);
}

ShiftedSolves solve_shifted_systems(OperatorRef hessian, const Eigenpairs& eigen,
                                    const std::vector<double>& lambdas, const Vector& rhs,
                                    const MultiShiftCgOptions& options, bool deflate) {
    ShiftedSolves out;
    out.deflated = deflate && eigen.status == EigenStatus::converged && eigen.converged > 0;
    out.solved = out.deflated ? solve_multishift_deflated(hessian, eigen, lambdas, rhs, options)
                              : solve_multishift_cg(hessian, lambdas, rhs, options);
    out.solver = out.deflated ? SolverKind::deflated_multishift_cg : SolverKind::multishift_cg;
    return out;
}

double spectral_scale(const Eigenpairs& pairs) {
    if (pairs.values.size() == 0) return 1.0;
    const double largest = pairs.values.cwiseAbs().maxCoeff();
    return largest > 0 ? largest : 1.0;
}

SolverDecision choose_solver(const HessianProblem& problem, SolverChoice choice) {
    SolverDecision decision;
    switch (choice) {
        case SolverChoice::cholmod:
            decision.cholmod = std::make_unique<CholmodSolver>(*problem.matrix);
            // The factor (values and row indices) must fit the memory budget
            // before CHOLMOD and BLAS allocate it.
            check_memory_estimate(
                decision.cholmod->factor_nonzeros() * 16.0 + blas_workspace_bytes(),
                "the CHOLMOD factor of H + λI (" +
                    format_double(decision.cholmod->factor_nonzeros()) +
                    " nonzeros predicted by its analysis) and the BLAS work "
                    "buffers (128 MiB per thread)");
            decision.reason = "requested SolverChoice::cholmod";
            break;
        case SolverChoice::cg:
            decision.reason = "requested SolverChoice::cg";
            break;
        case SolverChoice::dense:
            decision.dense = true;
            decision.reason = "requested SolverChoice::dense";
            break;
        case SolverChoice::automatic: {
            if (problem.hessian.partition() != nullptr) {
                decision.reason = "H's rows are split over processes: conjugate gradient";
                break;
            }
            if (problem.dense != nullptr) {
                decision.dense = true;
                decision.reason = "H formed as a dense " + std::to_string(problem.dense->rows()) +
                                  "x" + std::to_string(problem.dense->cols()) +
                                  " matrix: one eigendecomposition for every λ";
                break;
            }
            if (problem.matrix == nullptr) {
                decision.reason = "H is matrix-free: conjugate gradient";
                break;
            }
            AutomaticCholmod automatic = choose_cholmod_automatically(*problem.matrix);
            decision.cholmod = std::move(automatic.cholmod);
            decision.reason = std::move(automatic.reason);
            break;
        }
    }
    return decision;
}

SolveResult solve_with_cholmod(CholmodSolver& cholmod, const PsdVerdict& psd, double lambda,
                               const Vector& rhs) {
    const double sigma_min = psd.sigma_min();
    if (!psd.psd && std::isfinite(sigma_min) && lambda <= -sigma_min) {
        SolveResult refused;
        refused.solver = SolverKind::cholmod;
        refused.status = SolveStatus::not_positive_definite;
        refused.x = Vector::Zero(rhs.size());
        refused.relative_residual = std::numeric_limits<double>::quiet_NaN();
        refused.message = "not attempted: H is indefinite (an eigenvalue at or below " +
                          format_double(sigma_min) +
                          "), so H + λI with λ = " + format_double(lambda) +
                          " is not positive definite and has no Cholesky factor";
        return refused;
    }
    SolveResult solved = cholmod.solve(lambda, rhs);
    if (solved.status == SolveStatus::not_positive_definite && psd.psd && lambda == 0)
        solved.message +=
            " — H is positive semidefinite but singular, so H itself has no "
            "Cholesky factor: use λ > 0, or SolverChoice::cg (Hx = Hθ̂ is consistent "
            "and CG converges to the minimum-norm θ̂ in range(H))";
    return solved;
}

namespace {

/// Whether the Cholesky factorization of the dense H + τI succeeds (Eigen's
/// LLT reads the lower triangle).
bool factorizes_shifted_dense(const DenseMatrix& h, double tau) {
    DenseMatrix shifted = h;
    shifted.diagonal().array() += tau;
    return Eigen::LLT<DenseMatrix>(shifted).info() == Eigen::Success;
}

}  // namespace

PsdVerdict check_psd(const HessianProblem& problem, const PsdCheckOptions& options,
                     double sigma_scale, CholmodSolver* cholmod, std::uint64_t seed,
                     const std::function<void(const std::string&)>& progress,
                     std::vector<std::string>& checks, std::vector<std::string>& warnings,
                     const Eigensolvers& eigensolvers) {
    report(progress, "checking positive semidefiniteness (smallest eigenvalue)");
    PsdVerdict verdict;
    // A matrix-free H that is PSD by construction (a convex loss, a Gauss-Newton
    // matrix) gets a short search for negative curvature: the check is then
    // evidence against a broken product, not the certificate.
    PsdCheckOptions effective = options;
    if (problem.psd_by_construction && cholmod == nullptr)
        effective.max_steps = std::min<Index>(options.max_steps, 50);
    verdict.smallest = eigensolvers.smallest(problem.hessian, sigma_scale, effective, seed);
    const SmallestEigenvalue& smallest = verdict.smallest;
    report(progress, smallest.message);
    const double tau = options.tolerance * sigma_scale;
    verdict.psd = smallest.psd;
    if (!smallest.psd) {
        verdict.evidence = smallest.message;
    } else if (cholmod != nullptr || problem.dense != nullptr) {
        // The certificate: a Cholesky factorization of H + τI, sparse
        // (CHOLMOD) or of the dense H.
        const bool factorized = cholmod != nullptr ? cholmod->factorize(tau)
                                                   : factorizes_shifted_dense(*problem.dense, tau);
        const std::string shifted = std::string(cholmod != nullptr ? "" : "dense ") +
                                    "Cholesky factorization of H + " + format_double(tau) + "·I";
        if (factorized) {
            verdict.certified = true;
            verdict.evidence =
                shifted + " succeeded: every eigenvalue of H exceeds -" + format_double(tau);
        } else {
            verdict.psd = false;
            verdict.evidence =
                shifted + " failed: H has an eigenvalue below -" + format_double(tau);
        }
    } else if (smallest.converged) {
        verdict.certified = true;
        verdict.evidence = smallest.message;
    } else if (problem.psd_by_construction) {
        verdict.evidence = "PSD by construction; " + smallest.message;
    } else {
        verdict.evidence = smallest.message;
    }
    if (!verdict.psd) {
        // The warning comes with the most negative eigenpairs
        // (describe_indefinite, indefinite_steps.hpp).
    } else if (verdict.certified || problem.psd_by_construction) {
        checks.push_back("PSD: " + verdict.evidence);
    } else {
        warnings.push_back("PSD check inconclusive: " + verdict.evidence);
    }
    return verdict;
}

}  // namespace ridgelens::pipeline

namespace ridgelens {

AutomaticCholmod choose_cholmod_automatically(const SparseMatrix& matrix) {
    AutomaticCholmod choice;
    choice.cholmod = std::make_unique<CholmodSolver>(matrix);
    const double factor_bytes = choice.cholmod->factor_nonzeros() * 16.0;
    const double budget = memory_budget_bytes();
    const bool fits =
        factor_bytes < 0.25 * budget && factor_bytes + pipeline::blas_workspace_bytes() <= budget;
    choice.reason = "explicit matrix; CHOLMOD's analysis predicts a factor of " +
                    pipeline::format_double(choice.cholmod->factor_nonzeros()) + " nonzeros (" +
                    pipeline::format_double(factor_bytes / 1e9) +
                    " GB): " + (fits ? "sparse Cholesky" : "too large, conjugate gradient");
    if (!fits) choice.cholmod.reset();
    return choice;
}

}  // namespace ridgelens
