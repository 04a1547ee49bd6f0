#pragma once
/// @file top_eigenpairs.hpp
/// Extreme eigenpairs of a symmetric operator by restarted Lanczos (Spectra).

#include <cstdint>
#include <string>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens {

/// Settings of the Lanczos eigensolver.
struct EigenOptions {
    Index k = 10;                  ///< number of eigenpairs wanted (1 ≤ k < n)
    Index subspace = 0;            ///< Lanczos basis size; 0 picks max(2k+1, k+20), capped at n
    double tolerance = 1e-10;      ///< Spectra's relative tolerance on each Ritz pair
    Index max_iterations = 1000;   ///< cap on restarts
};

/// Outcome of an eigen computation. Never thrown: read `status`.
enum class EigenStatus { converged, not_converged, numerical_issue };

/// Returns "converged", "not_converged" or "numerical_issue".
const char* to_string(EigenStatus status);

/// The top-k eigenpairs H q_j = σ_j q_j, largest algebraic first.
struct Eigenpairs {
    Vector values;            ///< σ_1 ≥ σ_2 ≥ … (only the converged ones)
    DenseMatrix vectors;      ///< n × converged, orthonormal columns q_j
    Vector residuals;         ///< ‖H q_j − σ_j q_j‖, recomputed explicitly
    Index requested = 0;      ///< k asked for
    Index converged = 0;      ///< pairs that met the tolerance
    Index iterations = 0;     ///< Lanczos restarts
    std::int64_t matvecs = 0; ///< operator applications, including the residual check
    EigenStatus status = EigenStatus::not_converged;
    std::string message;      ///< human-readable outcome
};

/// Top-k eigenpairs (largest algebraic) of the symmetric operator `op`.
/// The starting vector is seeded (`seed`), so results are reproducible.
/// @throws UsageError if k < 1, k ≥ n or the subspace is not in (k, n].
Eigenpairs compute_top_eigenpairs(OperatorRef op, const EigenOptions& options = {},
                                  std::uint64_t seed = 1);

/// The smallest algebraic eigenvalue, as a positive-semidefiniteness check.
struct SmallestEigenvalue {
    double value = 0;          ///< σ_min (a Ritz value: an upper bound on the true σ_min)
    double residual = 0;       ///< ‖H q − σ_min q‖
    bool converged = false;
    Index iterations = 0;
    std::int64_t matvecs = 0;
    bool psd = true;           ///< false when σ_min < −psd_tolerance·scale
    std::string message;
};

/// Computes σ_min of `op` by Lanczos on H − s·I with s = `scale` (pass σ_max,
/// or any bound on ‖H‖), so that the convergence test is relative to ‖H‖
/// rather than to σ_min, which may be zero. H is declared indefinite when
/// σ_min < −psd_tolerance·scale.
SmallestEigenvalue compute_smallest_eigenvalue(OperatorRef op, double scale,
                                               double psd_tolerance = 1e-8,
                                               const EigenOptions& options = {},
                                               std::uint64_t seed = 2);

}  // namespace ridgelens
