#pragma once
/// @file analyze.hpp
/// The whole decay analysis of one Hessian for one or several λ: top-k
/// eigenpairs, PSD check, exact ridge solves, per-direction decay table.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/geometry/decay_analysis.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/solve/solve_result.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {

/// A Hessian H at the analysis point θ̂, given as an operator, and where
/// known as an explicit sparse matrix (which enables CHOLMOD).
struct HessianProblem {
    OperatorRef hessian;                   ///< y = H·x
    const SparseMatrix* matrix = nullptr;  ///< H itself (both triangles), if explicit
    /// H formed as a dense matrix, when n is small (a model's
    /// `Model::curvature_matrix`): every λ then comes from one
    /// eigendecomposition (`solve_shifted_dense`). Must equal H·x.
    const DenseMatrix* dense = nullptr;
    /// diag(H), when it is free to have (an explicit matrix). Without
    /// CHOLMOD, analyze() then solves λ by λ with Jacobi-preconditioned CG
    /// (what a badly scaled explicit matrix needs); without it, every λ
    /// comes from one multi-shift CG run deflated by the top-k pairs
    /// (matrix-free Hessians, where a diagonal costs a pass over the data
    /// and deflation removes the stiff directions instead).
    std::optional<Vector> diagonal;
    Vector theta;               ///< θ̂
    Vector gradient;            ///< g = ∇R(θ̂); empty means 0
    std::string source;         ///< where H came from (for the report)
    std::string theta_source;   ///< how θ̂ was obtained (for the report)
    std::int64_t nonzeros = 0;  ///< stored nonzeros of H (0 if matrix-free)
    /// H is PSD by construction (a Gram matrix XᵀX/n, a Gauss-Newton product);
    /// the Lanczos check still runs, as evidence.
    bool psd_by_construction = false;
};

/// What a report says about the problem (a HessianProblem without the operator).
struct ProblemSummary {
    Index n = 0;
    std::int64_t nonzeros = 0;
    std::string source;
    std::string theta_source;
    double theta_norm = 0;
    double gradient_norm = 0;
    bool psd_by_construction = false;
};

/// The summary of `problem` for reports.
RIDGELENS_API ProblemSummary summarize(const HessianProblem& problem);

/// Which solver computes θ̂_ridge.
enum class SolverChoice {
    automatic,  ///< dense H if given, CHOLMOD for an explicit matrix whose factor fits in memory,
                ///< else CG
    cholmod,    ///< sparse Cholesky (needs an explicit matrix)
    cg,         ///< Jacobi-preconditioned conjugate gradient
    dense,  ///< one eigendecomposition of the dense H for every λ (needs `HessianProblem::dense`)
};

/// Parses "auto", "cholmod", "cg" or "dense". @throws UsageError otherwise.
RIDGELENS_API SolverChoice parse_solver_choice(const std::string& text);
RIDGELENS_API const char* to_string(SolverChoice choice);

/// What SolverChoice::automatic picks for an explicit matrix (in analyze,
/// compute_path and the Python module's solve_shifted): CHOLMOD, its symbolic
/// analysis done, when the factor that analysis predicts (16 bytes per
/// nonzero) takes under a quarter of the memory budget and fits it together
/// with the BLAS work buffers; otherwise none (conjugate gradient).
struct AutomaticCholmod {
    std::unique_ptr<CholmodSolver> cholmod;  ///< null: conjugate gradient
    std::string reason;                      ///< why, in words
};
RIDGELENS_API AutomaticCholmod choose_cholmod_automatically(const SparseMatrix& matrix);

/// Settings of `analyze`.
struct AnalyzeOptions {
    std::vector<double> lambdas;  ///< λ ≥ 0, at least one
    EigenOptions eigen;           ///< top-k Lanczos settings
    SolverChoice solver = SolverChoice::automatic;
    CgOptions cg;         ///< CG settings (tolerance also for the PSD check)
    PsdCheckOptions psd;  ///< the smallest-eigenvalue check
    DecayOptions decay;
    std::uint64_t seed = 1;  ///< Lanczos start vector seed
    /// Receives one-line progress messages (e.g. to print on stderr); may be empty.
    std::function<void(const std::string&)> progress;
    /// The top-k (also the most negative pairs) and smallest-eigenvalue
    /// solvers: the library's Lanczos by default, `make_eigensolvers` for
    /// another backend.
    Eigensolvers eigensolvers;
};

/// Whether H is positive semidefinite, and the evidence.
struct RIDGELENS_API PsdVerdict {
    SmallestEigenvalue smallest;  ///< Lanczos estimate of σ_min
    /// False only when indefiniteness is proven (a Ritz value or a failed
    /// Cholesky factorization below −psd.tolerance·σ_1).
    bool psd = true;
    /// Proven PSD to tolerance: Cholesky of H + τI succeeded (explicit H), or
    /// the smallest Ritz value converged.
    bool certified = false;
    std::string evidence;  ///< how, in words
    /// The most negative eigenpairs of H, most negative first (top pairs of
    /// −H, with their residuals ‖Hq − σq‖), computed only when H was found
    /// indefinite (PsdCheckOptions::negative_pairs of them; only σ below
    /// −tolerance·σ_1 are kept). Empty otherwise.
    Eigenpairs negative;
    /// The most negative eigenvalue known: min(smallest.value, negative
    /// values), an upper bound on σ_min (every Ritz value lies above σ_min).
    double sigma_min() const;
};

/// What θ̂_ridge is for the regularized quadratic model at one λ.
enum class StationaryPoint {
    minimizer,  ///< H + λI positive (semi)definite: θ̂_ridge minimizes it
    saddle,     ///< H + λI indefinite (λ < −σ_min): θ̂_ridge is its saddle point (MINRES)
    singular,  ///< λ = −σ_j for a computed σ_j: H + λI singular, no stationary point computed
};

/// Returns "minimizer", "saddle" or "singular".
RIDGELENS_API const char* to_string(StationaryPoint kind);

/// The result for one λ.
struct LambdaResult {
    double lambda = 0;
    DecayAnalysis decay;
    SolveResult ridge;      ///< θ̂_ridge in ridge.x, with its evidence
    double ridge_norm = 0;  ///< ‖θ̂_ridge‖
    StationaryPoint stationary = StationaryPoint::minimizer;
    std::string stationary_reason;  ///< why (the eigenvalue that decides), in words
};

/// Everything `analyze` computed, with the evidence.
struct AnalysisResult {
    Eigenpairs eigen;
    PsdVerdict psd;  ///< the PSD check and its evidence
    std::vector<LambdaResult> lambdas;
    /// What solved the definite λ: cholmod, dense_eigendecomposition, cg
    /// (λ by λ, H with a diagonal), deflated_multishift_cg (matrix-free H:
    /// one run for every λ; multishift_cg when the top-k pairs did not
    /// converge, so nothing was deflated). Saddles are solved by MINRES
    /// (LambdaResult::ridge.solver says so per λ).
    SolverKind solver = SolverKind::cg;
    std::string solver_reason;  ///< why that solver
    double eigen_seconds = 0;
    double analyze_seconds = 0;         ///< solves + decay analysis
    std::vector<std::string> checks;    ///< what was verified, in words
    std::vector<std::string> warnings;  ///< what did not hold
    bool ok = true;                     ///< false if any numerical step failed
};

/// What θ̂_ridge is at entry.lambda, as analyze() decides it: sets
/// entry.stationary and entry.stationary_reason from the PSD verdict and the
/// computed top pairs (`scale` = the largest |σ_j|): singular where λ = −σ_j
/// to σ_j's accuracy, a saddle where λ ≤ −σ_min, else a minimizer. With
/// `failed_solve` (the message of a positive-definite solver that met
/// non-positive curvature at this λ on an indefinite H) the entry is a saddle.
RIDGELENS_API void classify_stationary_point(const PsdVerdict& psd, const Eigenpairs& top,
                                             double scale, LambdaResult& entry,
                                             const std::string* failed_solve = nullptr);

/// Appends one λ's outcome to `result` as analyze() does: the solve's
/// residual and the self-check as a check, a saddle as a warning; a failed
/// solve, a self-check or tail bound failing beyond its tolerance, or a decay
/// factor the eigen step does not determine (DecayAnalysis::failures) make
/// `result.ok` false with the reason among the warnings.
RIDGELENS_API void record_lambda_result(AnalysisResult& result, LambdaResult entry);

/// Runs the analysis. Numerical failures are recorded in the result (`ok`,
/// statuses, warnings); misuse throws UsageError (negative λ, k ≥ n, wrong
/// vector length, CHOLMOD requested without a matrix).
///
/// An operator with a RowPartition (split over processes, as compute_path
/// takes it) is analyzed on this process's rows: θ̂, g and `diagonal` hold
/// them, and so do the returned eigenvectors and θ̂_ridge; every other number
/// of the result is the same on every process. `options.eigensolvers` must
/// then be partition-capable (ridgelens::mpi supplies SLEPc's); CHOLMOD and
/// the dense solver are refused (UsageError), `automatic` picks conjugate
/// gradient: Jacobi-preconditioned λ by λ when `diagonal` is given, else one
/// deflated multi-shift run; MINRES for saddles; the decay table from the
/// partitioned `analyze_decay`. Collective: every process calls it with the
/// same options, and a misuse on one process throws on every process.
RIDGELENS_API AnalysisResult analyze(const HessianProblem& problem, const AnalyzeOptions& options);

}  // namespace ridgelens
