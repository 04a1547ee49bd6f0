#pragma once
/// @file path.hpp
/// The regularization path: θ̂_ridge(λ), the coefficient paths of the top
/// directions and the effective degrees of freedom for a whole grid of λ.
///
/// Thread safety: as analyze.hpp. `compute_path` is reentrant on distinct
/// problems; `extend_path` modifies its `result` (no other use of that result
/// meanwhile). `PathOptions::risk` and `progress` are called on the calling
/// thread, one λ at a time. On a partitioned H both are collective.

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/selection_criteria.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/solve/multishift_cg.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"
#include "ridgelens/spectrum/lambda_grid.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"

namespace ridgelens {

/// Settings of `compute_path`.
struct PathOptions {
    /// The grid, λ ≥ 0, at least one (the path's points are its sorted
    /// distinct λ; at λ = 0 log det is NaN: see LambdaGrid).
    LambdaGrid lambdas;
    EigenOptions eigen;  ///< top-k pairs (deflation, coefficient paths, df)
    PsdCheckOptions psd;
    SolverChoice solver = SolverChoice::automatic;  ///< cholmod, multi-shift CG ("cg") or dense
    MultiShiftCgOptions cg;
    bool deflate = true;             ///< deflate the top-k pairs out of the CG solves
    bool measure_undeflated = true;  ///< also run plain multi-shift CG, to show the saving
    Index path_directions = 10;      ///< top directions whose coefficient paths are kept
    SlqOptions slq;                  ///< df tail estimate and spectral density
    Index exact_dof_limit = 3000;    ///< n up to which df comes from a dense eigendecomposition
    std::uint64_t seed = 1;
    /// Keep every θ̂_ridge(λ) in PathPoint::ridge (n doubles per λ); otherwise
    /// only its norm, residual and coefficients are kept.
    bool keep_solutions = false;
    std::function<void(const std::string&)> progress;
    /// The model's risk R(θ) (its mean loss, unpenalized), evaluated at every
    /// θ̂_ridge(λ) of the path into `PathPoint::risk` when set (one pass over
    /// the data per λ): what the λ-selection criteria need
    /// (lambda_selection.hpp). Not available on a partitioned H.
    std::function<double(const Vector&)> risk;
    /// The top-k and smallest-eigenvalue solvers (replaced by the distributed
    /// backend for a partitioned H).
    Eigensolvers eigensolvers;
    /// The top-k pairs and PSD verdict of an earlier `analyze` or
    /// `compute_path` on the same H (`spectral_step`): when set, neither is
    /// recomputed (see SpectralStep in analyze.hpp); `select_lambda` and
    /// `extend_path` reuse the path's own.
    std::shared_ptr<const SpectralStep> spectral;
};

/// One λ of the path.
struct PathPoint {
    double lambda = 0;
    double df = 0;                   ///< effective degrees of freedom tr(H(H+λI)⁻¹)
    double df_stderr = 0;            ///< standard error (0 when exact)
    double df_slq = 0;               ///< the SLQ estimate (equals df unless df is exact)
    double df_slq_stderr = 0;        ///< its standard error
    double df_quadrature_error = 0;  ///< bound on the SLQ quadrature bias (finite Lanczos steps)
    /// Exact df only: how far the eigenvalues below the dense
    /// eigendecomposition's resolution (max(null tolerance, nε)·σ_1) may move
    /// df at this λ (each may be 0 or up to the resolution). 0 for SLQ df.
    double df_resolution_error = 0;
    /// false when df's own error bound (df_resolution_error for the exact df,
    /// df_quadrature_error for SLQ) exceeds 5 % of max(df, 1): `df_note` says why.
    bool df_reliable = true;
    std::string df_note;
    /// log det(I + H/λ) = Σ_j log(1 + σ_j/λ), from the same spectrum as df
    /// (exact or SLQ); NaN where H is indefinite (or λ = 0).
    double log_det = std::numeric_limits<double>::quiet_NaN();
    double log_det_stderr = 0;  ///< statistical standard error (0 when exact)
    /// bound on its bias: the SLQ quadrature error, or for the exact value the
    /// unresolved eigenvalues' effect (as df_resolution_error)
    double log_det_error = 0;
    double ridge_norm = 0;             ///< ‖θ̂_ridge(λ)‖
    double relative_residual = 0;      ///< recomputed ‖(H+λI)x − b‖/‖b‖
    Index iterations = 0;              ///< CG iterations for this λ (0 for CHOLMOD)
    double seconds = 0;                ///< factorization + solve (CHOLMOD); else 0 (one run)
    double factorization_seconds = 0;  ///< CHOLMOD numeric factorization alone
    SolveStatus status = SolveStatus::not_converged;
    /// θ̂_ridge minimizes the regularized quadratic model, is its saddle point
    /// (H + λI indefinite: solved by MINRES) or does not exist (singular).
    StationaryPoint stationary = StationaryPoint::minimizer;
    std::string message;
    std::vector<double> coefficients;  ///< q_jᵀθ̂_ridge(λ) from the solve, j = 1..path_directions
    std::vector<double> predicted;     ///< f_j(λ)c_j − (q_jᵀg)/(σ_j+λ), the eigen prediction
    Vector ridge;  ///< θ̂_ridge(λ) itself, with PathOptions::keep_solutions (else empty)
    /// R(θ̂_ridge(λ)) when `PathOptions::risk` is set, else NaN
    double risk = std::numeric_limits<double>::quiet_NaN();
    /// The λ-selection criteria (`evaluate_selection_criteria`), NaN until
    /// evaluated or where they do not apply.
    SelectionCriteria criteria;
};

/// The whole path with its evidence.
struct PathResult {
    Eigenpairs eigen;
    PsdVerdict psd;
    std::vector<PathPoint> points;
    /// What solved the path: cholmod, multishift_cg, deflated_multishift_cg
    /// or dense_eigendecomposition (the saddles' points say minres)
    SolverKind solver = SolverKind::multishift_cg;
    std::string solver_reason;
    /// "exact" (dense eigendecomposition), "slq", "exact_positive_part" (H
    /// indefinite: Σ over σ_j > 0 of σ_j/(σ_j+λ)) or "none" (H indefinite and
    /// only SLQ available: df, df_slq are NaN, see df_reason)
    std::string df_method;
    std::string df_reason;         ///< what df means here, or why it is not reported
    SpectralEstimate spectrum;     ///< the SLQ run: df estimate and spectral density
    Vector exact_eigenvalues;      ///< all eigenvalues, when df is exact (small n)
    Index krylov_iterations = -1;  ///< multi-shift CG iterations of the path (−1: CHOLMOD, dense)
    Index undeflated_iterations = -1;  ///< the same without deflation, when measured
    double analysis_seconds = 0;       ///< CHOLMOD symbolic analysis (once)
    std::int64_t total_matvecs = 0;
    double seconds = 0;
    bool ok = true;
    std::vector<std::string> checks;
    std::vector<std::string> warnings;
    /// What the λ-selection criteria of the points mean here (the model and
    /// the approximation they rest on); empty when they were not evaluated.
    std::string criteria_note;
    std::vector<LambdaSelection> selections;  ///< one per criterion asked (select_lambda)
    /// `eigen` and `psd` came from PathOptions::spectral (not recomputed)
    bool spectral_reused = false;
};

/// The spectral step of a path (a copy of its eigenpairs and verdict), for
/// AnalyzeOptions::spectral or PathOptions::spectral.
RIDGELENS_API std::shared_ptr<const SpectralStep> spectral_step(const PathResult& result);

/// Computes the path. Misuse throws UsageError; numerical failures are
/// statuses in the points, `ok` and `warnings`.
///
/// A partitioned H (its operator declares a `RowPartition`: vectors split by
/// rows over MPI ranks) runs the same algorithms on this rank's rows: θ̂ and
/// the gradient are this rank's rows, every inner product is summed over the
/// ranks, the eigenpairs come from `options.eigensolvers` (which must then
/// handle the partition) and CHOLMOD is not available. Every rank must call
/// it collectively and gets the same PathResult (eigenvectors: its rows).
RIDGELENS_API PathResult compute_path(const HessianProblem& problem, const PathOptions& options);

/// Adds the λ of `lambdas` to a path `compute_path(problem, options)`
/// computed, by the same machinery: the same eigenpairs, PSD verdict and
/// solver kind (one more multi-shift run or one factorization per λ), df and
/// log det from the stored spectrum or SLQ rules (no new eigen step or SLQ
/// run). The points stay sorted by λ; the matrix-vector products are added
/// to `total_matvecs`. Used to refine a λ selection.
/// @throws UsageError for a λ already on the path (a negative or non-finite
/// one cannot be in a LambdaGrid).
RIDGELENS_API void extend_path(const HessianProblem& problem, const PathOptions& options,
                               const LambdaGrid& lambdas, PathResult& result);

}  // namespace ridgelens
