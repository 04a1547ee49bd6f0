#pragma once
/// @file eigensolvers.hpp
/// The eigensolvers an analysis pipeline calls, replaceable as a set.

#include <cstdint>
#include <functional>

#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {

/// The two eigen computations of `compute_path`: the top-k pairs and the
/// smallest eigenvalue (the PSD check). The defaults are this library's
/// (Spectra's restarted Lanczos, and Lanczos with reorthogonalization), which
/// need whole vectors on one process. The distributed backend (ridgelens::mpi)
/// supplies SLEPc's for operators with a `RowPartition`: then the returned
/// `Eigenpairs::vectors` hold this process's rows of q_j.
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

}  // namespace ridgelens
