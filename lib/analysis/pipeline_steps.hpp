#pragma once
// Steps shared by the analysis pipelines (analyze, path, fit): timing,
// progress, solver choice and the PSD check. Internal to the library.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"
#include "ridgelens/solve/multishift_cg.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"

namespace ridgelens::pipeline {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Three significant digits, for messages.
std::string format_double(double value);

inline void report(const std::function<void(const std::string&)>& progress,
                   const std::string& message) {
    if (progress) progress(message);
}

/// Bytes OpenBLAS reserves for its per-thread work buffers (counted with a CHOLMOD factor).
double blas_workspace_bytes();

/// The outcome of choosing a solver: CHOLMOD (with its symbolic analysis
/// done) or none (conjugate gradient), and why.
struct SolverDecision {
    std::unique_ptr<CholmodSolver> cholmod;
    bool dense = false;  ///< one eigendecomposition of HessianProblem::dense
    std::string reason;
};

/// CHOLMOD when requested, or for `automatic` when H is explicit and the
/// factor CHOLMOD's analysis predicts fits in a quarter of physical memory;
/// the dense eigendecomposition when requested or, for `automatic`, when the
/// problem carries a dense H.
SolverDecision choose_solver(const HessianProblem& problem, SolverChoice choice);

/// The PSD check: Lanczos for σ_min, a Cholesky certificate of H + τI when
/// `cholmod` is given; appends to `checks` or `warnings`.
PsdVerdict check_psd(const HessianProblem& problem, const PsdCheckOptions& options,
                     double sigma_scale, CholmodSolver* cholmod, std::uint64_t seed,
                     const std::function<void(const std::string&)>& progress,
                     std::vector<std::string>& checks, std::vector<std::string>& warnings,
                     const Eigensolvers& eigensolvers = {});

/// θ̂_ridge by CHOLMOD for one λ, refused up front where the PSD check
/// proved H + λI indefinite (λ ≤ −σ_min), and with a message that says what
/// would help when the factorization fails (a singular H at λ = 0).
SolveResult solve_with_cholmod(CholmodSolver& cholmod, const PsdVerdict& psd, double lambda,
                               const Vector& rhs);

/// Checks sizes, that the λ grid is not empty (its values were checked when
/// it was built) and the solver choice.
/// @throws UsageError naming `context` and what is wrong.
void validate_problem(const HessianProblem& problem, const LambdaGrid& lambdas, SolverChoice solver,
                      const std::string& context);

/// Every λ of the grid solved in one multi-shift CG run (on right-hand side
/// `rhs`), deflated by the top-k pairs when `deflate` is set and all of them
/// converged; `solver` names what ran.
struct ShiftedSolves {
    MultiShiftResult solved;
    SolverKind solver = SolverKind::multishift_cg;  ///< deflated_multishift_cg or multishift_cg
    bool deflated = false;
};
ShiftedSolves solve_shifted_systems(OperatorRef hessian, const Eigenpairs& eigen,
                                    const std::vector<double>& lambdas, const Vector& rhs,
                                    const MultiShiftCgOptions& options, bool deflate);

/// The largest |σ_j| of the computed pairs, or 1 when there is none.
double spectral_scale(const Eigenpairs& pairs);

/// The spectral step `given` as a run with `k` pairs on an operator of
/// `rows` rows (this process's) uses it: its first k pairs and its verdict;
/// appends the reuse, the eigenpairs' failure and the PSD verdict to `checks`
/// or `warnings` as the computed steps would.
/// @throws UsageError naming `context` when given asked for fewer than k
/// pairs or its eigenvectors do not have `rows` rows.
SpectralStep reuse_spectral_step(const SpectralStep& given, Index k, Index rows,
                                 bool psd_by_construction, const std::string& context,
                                 std::vector<std::string>& checks,
                                 std::vector<std::string>& warnings);

}  // namespace ridgelens::pipeline
