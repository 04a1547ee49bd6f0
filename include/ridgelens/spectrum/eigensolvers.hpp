#pragma once
/// @file eigensolvers.hpp
/// The eigensolvers an analysis pipeline calls, replaceable as a set.

#include <cstdint>
#include <functional>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {

/// The eigen computations of `analyze` and `compute_path`: the top-k pairs
/// (also the most negative pairs of an indefinite H, as the top pairs of −H)
/// and the smallest eigenvalue (the PSD check). A default-constructed set is:
/// - `top` = `compute_top_eigenpairs`: this library's thick-restart Lanczos
///   with full re-orthogonalisation (basis `lanczos_subspace_size`, restarts
///   capped by EigenOptions::max_iterations, residuals recomputed unless
///   EigenOptions::recompute_residuals is false);
/// - `smallest` = `compute_smallest_eigenvalue`: Lanczos without restarts
///   from a seeded vector, fully re-orthogonalised while its basis
///   (n·PsdCheckOptions::max_steps doubles) fits in 512 MB and a plain
///   three-term recurrence beyond, stopping at PsdCheckOptions::max_steps
///   products or when the smallest Ritz pair has converged.
///
/// Both need whole vectors on one process (they throw UsageError for an
/// operator with a `RowPartition`). `make_eigensolvers(EigensolverBackend::
/// spectra)` replaces `top` only, by Spectra's SymEigsSolver
/// (`compute_top_eigenpairs_spectra`); `make_eigensolvers(lanczos)` is the
/// default set. The distributed backend (ridgelens::mpi) supplies SLEPc's
/// for operators with a `RowPartition`: then the returned
/// `Eigenpairs::vectors` hold this process's rows of q_j.
///
/// Thread safety: the default functions keep no state between calls (calls
/// on distinct operators may run concurrently); a replacement must say what
/// it allows.
struct Eigensolvers {
    std::function<Eigenpairs(OperatorRef, const EigenOptions&, std::uint64_t seed)> top =
        [](OperatorRef op, const EigenOptions& options, std::uint64_t seed) {
            return compute_top_eigenpairs(op, options, seed);
        };
    std::function<SmallestEigenvalue(OperatorRef, double scale, const PsdCheckOptions&,
                                     std::uint64_t seed)>
        smallest =
            [](OperatorRef op, double scale, const PsdCheckOptions& options, std::uint64_t seed) {
                return compute_smallest_eigenvalue(op, scale, options, seed);
            };
};

/// The single-process top-k eigensolvers of the library.
enum class EigensolverBackend {
    lanczos,  ///< the library's thick-restart Lanczos (`compute_top_eigenpairs`), the default
    spectra,  ///< Spectra's SymEigsSolver (`compute_top_eigenpairs_spectra`)
};

/// Returns "lanczos" or "spectra".
RIDGELENS_API const char* to_string(EigensolverBackend backend);

/// Parses "lanczos" or "spectra". @throws UsageError otherwise.
RIDGELENS_API EigensolverBackend parse_eigensolver_backend(const std::string& text);

/// The default set (see Eigensolvers) with `backend` computing the top-k
/// pairs; `smallest` is always the library's Lanczos PSD check.
RIDGELENS_API Eigensolvers make_eigensolvers(EigensolverBackend backend);

}  // namespace ridgelens
