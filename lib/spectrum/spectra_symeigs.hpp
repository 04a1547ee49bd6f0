#pragma once
// Spectra's SymEigsSolver (implicitly restarted Lanczos with exact shifts,
// the eigensolver the library's thick-restart Lanczos replaced) as a top-k
// iteration with the same outcome as thick_restart_lanczos, so that
// compute_top_eigenpairs_spectra shares the default's checks: the NaN/Inf
// test of every product, the recomputed residuals and the vouching for the
// top-k set (top_eigenpairs.cpp).

#include <string>

#include "spectrum/thick_restart_lanczos.hpp"

namespace ridgelens::detail {

/// Spectra's own iteration failed (its tridiagonal eigensolver); `what` is
/// Spectra's message.
struct IterationFailure {
    std::string what;
};

/// The k largest algebraic eigenpairs of `op` by Spectra's SymEigsSolver with
/// basis `settings.max_basis`, at most `settings.max_restarts` restarts and
/// ARPACK's test at `settings.tolerance` (Spectra's floor ε^{2/3} is
/// absolute), started from the seeded normal vector of `settings.seed`.
/// `values`, `vectors` are Spectra's converged pairs; `estimates` and the next
/// Ritz pair come from the final Lanczos factorization (its tridiagonal
/// matrix and residual norm). Below the threading threshold Eigen's dense
/// products inside Spectra run on the calling thread only.
/// Throws IterationFailure for Spectra's failures, whatever `op` throws
/// otherwise.
LanczosOutcome spectra_symeigs(OperatorRef op, const LanczosSettings& settings);

}  // namespace ridgelens::detail
