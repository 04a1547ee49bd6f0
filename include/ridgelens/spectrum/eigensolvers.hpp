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
/// and the smallest eigenvalue (the PSD check). The defaults are this
/// library's thick-restart Lanczos (`compute_top_eigenpairs`) and Lanczos
/// with reorthogonalization (`compute_smallest_eigenvalue`), which need whole
/// vectors on one process; `make_eigensolvers(EigensolverBackend::spectra)` puts
/// Spectra's SymEigsSolver in `top`. The distributed backend
/// (ridgelens::mpi) supplies SLEPc's for operators with a `RowPartition`:
/// then the returned `Eigenpairs::vectors` hold this process's rows of q_j.
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

/// The eigensolvers with `backend` computing the top-k pairs (the smallest
/// eigenvalue is always the library's Lanczos PSD check).
RIDGELENS_API Eigensolvers make_eigensolvers(EigensolverBackend backend);

}  // namespace ridgelens
