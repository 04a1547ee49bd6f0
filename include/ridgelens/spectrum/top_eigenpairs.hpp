#pragma once
/// @file top_eigenpairs.hpp
/// Extreme eigenpairs of a symmetric operator by thick-restart Lanczos.
///
/// Thread safety: reentrant under the operator rule of linear_operator.hpp
/// (each call counts and checks its products on its own wrapper). The Spectra
/// backend sets the OpenMP thread count of the calling thread only, and
/// restores it.

#include <cstdint>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// Settings of the Lanczos eigensolver.
/// Loosest relative eigen tolerance accepted: a residual test looser than 1 %
/// lets a Krylov space of k vectors pass at once, whose Ritz values may be far
/// below the top k (tolerances must lie in (0, max_eigen_tolerance)).
inline constexpr double max_eigen_tolerance = 1e-2;

struct EigenOptions {
    Index k = 10;  ///< number of eigenpairs wanted (1 ≤ k < n)
    /// Largest Lanczos basis before a thick restart; 0 picks max(2k+1, k+20),
    /// capped at n (`lanczos_subspace_size`). Convergence is checked while the basis grows, so a
    /// run that converges early stops early: this bounds memory (8·n bytes per vector) and the work
    /// per step, not the number of products.
    Index subspace = 0;
    /// ARPACK's test on each Ritz pair (θ, Vy): β·|y_m| < tolerance·max(|θ|, ε^{2/3}·‖H‖),
    /// ‖H‖ estimated by the largest |Ritz value| (ARPACK's floor is ε^{2/3}
    /// absolute, which lets every pair of a matrix scaled by 1e-20 pass at once).
    /// Must lie in (0, max_eigen_tolerance). Passing the test is not enough for
    /// status `converged`: the unresolved rest of the spectrum (the next Ritz
    /// value plus its residual) must also lie below σ_k − r_k, else the top-k
    /// set is not vouched for and the status is `not_converged`.
    double tolerance = 1e-10;
    Index max_iterations = 1000;  ///< cap on thick restarts
    /// true: `residuals` are ‖Hq − σq‖ recomputed with k more products;
    /// false: the Lanczos estimates β·|y_m| (equal up to rounding while the
    /// basis stays orthogonal, which full reorthogonalization maintains).
    bool recompute_residuals = true;
};

/// The Lanczos basis size of a top-k run on an n×n operator (this library's
/// thick-restart Lanczos, Spectra's and SLEPc's): EigenOptions::subspace, or
/// for 0 the default max(2k+1, k+20); capped at n.
RIDGELENS_API Index lanczos_subspace_size(const EigenOptions& options, Index n);

/// The bytes a top-k run on an n×n operator holds in vectors of length n: the
/// Lanczos basis (`lanczos_subspace_size`), the k Ritz vectors and 8 work
/// vectors, 8 bytes per entry. What the programs check against the memory
/// budget before the run.
RIDGELENS_API double lanczos_memory_bytes(const EigenOptions& options, Index n);

/// Outcome of an eigen computation. Never thrown: read `status`.
enum class EigenStatus { converged, not_converged, numerical_issue };

/// Returns "converged", "not_converged" or "numerical_issue".
RIDGELENS_API const char* to_string(EigenStatus status);

/// The top-k eigenpairs H q_j = σ_j q_j, largest algebraic first.
struct Eigenpairs {
    Vector values;             ///< σ_1 ≥ σ_2 ≥ … (only the converged ones)
    DenseMatrix vectors;       ///< n × converged, orthonormal columns q_j
    Vector residuals;          ///< ‖H q_j − σ_j q_j‖ (see EigenOptions::recompute_residuals)
    Index requested = 0;       ///< k asked for
    Index converged = 0;       ///< pairs that met the tolerance
    Index iterations = 0;      ///< Lanczos cycles: 1 + the number of thick restarts
    std::int64_t matvecs = 0;  ///< operator applications, including any residual check
    EigenStatus status = EigenStatus::not_converged;
    std::string message;  ///< human-readable outcome
};

/// Top-k eigenpairs (largest algebraic) of the symmetric operator `op`.
/// The starting vector is seeded (`seed`), so results are reproducible. Like
/// ARPACK's, a single-vector Lanczos may return fewer copies of a repeated
/// eigenvalue than its multiplicity (each returned pair is still an eigenpair).
/// @throws UsageError if k < 1, k ≥ n or the subspace is not in (k, n], or if
///         the operator has a RowPartition (use a distributed eigensolver).
RIDGELENS_API Eigenpairs compute_top_eigenpairs(OperatorRef op, const EigenOptions& options = {},
                                                std::uint64_t seed = 1);

/// The same top-k eigenpairs by Spectra's `SymEigsSolver` (implicitly
/// restarted Lanczos with exact shifts; header-only, compiled into the
/// library), the backend `EigensolverBackend::spectra` selects
/// (eigensolvers.hpp). The same options, start vector (`seed`), result type
/// and checks as `compute_top_eigenpairs`: every product tested for NaN and
/// Inf, the residuals ‖Hq_j − σ_jq_j‖ recomputed (or, with
/// `recompute_residuals = false`, the estimates of Spectra's final Lanczos
/// factorization), and status `converged` only when the recomputed residuals
/// confirm the test and the next Ritz value of the final basis lies below
/// σ_k − r_k. Differences: Spectra's convergence test has ARPACK's absolute
/// floor ε^{2/3} (on a matrix with ‖H‖ far below 1 it may pass at once; the
/// recomputed residuals then report `not_converged`), it tests only a full
/// basis, and it spends one product on the start vector. Below 20,000 rows
/// Eigen's products inside Spectra run on the calling thread.
/// @throws UsageError as compute_top_eigenpairs.
RIDGELENS_API Eigenpairs compute_top_eigenpairs_spectra(OperatorRef op,
                                                        const EigenOptions& options = {},
                                                        std::uint64_t seed = 1);

/// Settings of the positive-semidefiniteness check.
struct PsdCheckOptions {
    double tolerance = 1e-8;  ///< indefinite if σ_min < −tolerance·scale
    Index max_steps = 300;    ///< cap on Lanczos steps (= products with H)
    /// When H is found indefinite, the analysis pipelines also compute this
    /// many of its most negative eigenpairs (the top pairs of −H); 0: none.
    Index negative_pairs = 3;
};

/// The smallest algebraic eigenvalue, as a positive-semidefiniteness check.
struct SmallestEigenvalue {
    double value = 0;        ///< smallest Ritz value: an upper bound on the true σ_min
    double residual = 0;     ///< Lanczos bound on ‖Hq − σq‖ for that Ritz pair
    bool converged = false;  ///< residual ≤ 0.1·tolerance·scale: value is σ_min to that accuracy
    Index steps = 0;         ///< Lanczos steps taken
    std::int64_t matvecs = 0;
    bool psd = true;  ///< false when an eigenvalue below −tolerance·scale was found
    /// Every Ritz value below −tolerance·scale, ascending: each proves a
    /// negative eigenvalue at or below it (without reorthogonalization two
    /// close ones may be copies of one eigenvalue).
    std::vector<double> negative_values;
    std::string message;
};

/// Looks for negative curvature by Lanczos (three-term recurrence, no restarts).
///
/// Every Ritz value lies in [σ_min, σ_max] (up to rounding of order ε‖H‖),
/// so a smallest Ritz value below −tolerance·scale *proves* H indefinite. When
/// none is found, `psd` is true and `converged` tells whether the smallest
/// Ritz value has converged to σ_min (then H is PSD to that tolerance) or the
/// step cap was reached first (clusters of tiny eigenvalues, common in the
/// Hessians of real models, converge slowly: then PSD is likely, not proven).
/// @param scale a bound on ‖H‖ (pass σ_1 from the top-k run)
/// @throws UsageError if the operator has a RowPartition.
RIDGELENS_API SmallestEigenvalue compute_smallest_eigenvalue(OperatorRef op, double scale,
                                                             const PsdCheckOptions& options = {},
                                                             std::uint64_t seed = 2);

}  // namespace ridgelens
