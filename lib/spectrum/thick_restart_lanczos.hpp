#pragma once
// Thick-restart Lanczos (Wu & Simon, SIAM J. Matrix Anal. Appl. 22, 2000) for
// the largest algebraic eigenpairs of a symmetric operator, with full
// reorthogonalization, an orchestration over the Lanczos recurrence of
// krylov/lanczos_recurrence.hpp. Mathematically the same iteration as ARPACK's and
// Spectra's implicitly restarted Lanczos with exact shifts (the kept subspace
// is spanned by the wanted Ritz vectors and the residual), with two
// differences that save products:
//
// - convergence (ARPACK's test: β·|y_m| < tol·max(ε^{2/3}‖H‖, |θ|)) is checked
//   during the Lanczos sweep, not only once the basis is full, so a run stops
//   at the first step where all k pairs pass (checks are spaced so that the
//   small dense eigenproblem costs no more than the basis work between them);
// - the start vector itself is the first basis vector (no product to put it
//   into the range of H).

#include <cstdint>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::detail {

struct LanczosSettings {
    Index k = 10;               // wanted pairs (largest algebraic)
    Index max_basis = 30;       // basis vectors kept before a thick restart (k < max_basis ≤ n)
    double tolerance = 1e-10;   // relative tolerance of the convergence test
    Index max_restarts = 1000;  // thick restarts allowed
    std::uint64_t seed = 1;     // of the start vector (and of fresh directions after breakdown)
};

struct LanczosOutcome {
    Vector values;        // converged Ritz values among the top k, descending
    DenseMatrix vectors;  // their Ritz vectors (n × converged)
    Vector estimates;     // their Lanczos residual estimates β·|y_m|
    Index converged = 0;  // pairs among the top k that passed the test
    Index restarts = 0;   // thick restarts performed
    Index products = 0;   // operator applications
    // The largest Ritz pair beyond the top k in the final basis (the edge of
    // the part of the spectrum not yet resolved): has_next is false when the
    // basis held only k vectors. `invariant`: the basis spans an invariant
    // subspace (every Ritz value is exact).
    bool has_next = false;
    double next_value = 0;
    double next_estimate = 0;
    bool invariant = false;
};

/// Runs the iteration on `op`; throws whatever `op` throws.
LanczosOutcome thick_restart_lanczos(OperatorRef op, const LanczosSettings& settings);

}  // namespace ridgelens::detail
