#pragma once
// The vector kernels of (preconditioned) CG, shared by the single-shift solver
// and the truncated CG of Newton (private to lib/). One CG iteration is three
// fused passes (13 vector loads and stores instead of the 18 of the textbook
// expressions), on the OpenMP threads from the library's threading threshold
// up (parallel/threading.hpp), with sums whose value does not depend on thread
// timing (parallel/ordered_sums.hpp). bench_kernels.cpp (BM_cg_updates_*)
// measures them. Multi-shift CG has its own unthreaded kernels
// (krylov/multishift_kernels.hpp).

#include "ridgelens/types.hpp"

namespace ridgelens::krylov {

/// Pass 1 of an iteration: pᵀq and pᵀp (so that the curvature
/// pᵀ(H + shift·I)p = pᵀq + shift·pᵀp with q = Hp), and whether every entry
/// of q is finite. These are this process's rows only.
struct CurvatureSums {
    double pq = 0, pp = 0;
    bool finite = true;
};
CurvatureSums curvature_sums(const double* p, const double* q, Index n);

/// Pass 2: x += αp, r −= α(q + shift·p); returns {rᵀMr, rᵀr} of the new r
/// (M = diag(m), the preconditioner's inverse diagonal).
struct ResidualSums {
    double rz = 0, rr = 0;
};
ResidualSums update_iterate(double alpha, double shift, const double* p, const double* q,
                            const double* m, double* x, double* r, Index n);

/// Pass 3: p = M·r + βp.
void update_direction(double beta, const double* m, const double* r, double* p, Index n);

}  // namespace ridgelens::krylov
