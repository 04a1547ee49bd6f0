#pragma once
/// @file distributed_analysis.hpp
/// The decay analysis of ridgelens on PETSc objects: the same AnalysisResult,
/// so the same JSON report and summary table as the single-machine commands.

#include <petscmat.h>

#include <optional>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/mpi/petsc_session.hpp"

namespace ridgelens::mpi {

/// A distributed Hessian problem. The objects are referenced, not owned.
struct DistributedProblem {
    Mat hessian = nullptr;         ///< y = Hx, distributed (MPIAIJ or MATSHELL)
    bool explicit_matrix = false;  ///< H supports MatGetDiagonal (Jacobi CG)
    Vec theta = nullptr;           ///< θ̂
    Vec gradient = nullptr;        ///< g = ∇R(θ̂), or null for g = 0
    std::string source;
    std::string theta_source;
    std::int64_t nonzeros = 0;
    bool psd_by_construction = false;
};

/// The summary the reports print (n, nnz, sources, ‖θ̂‖, ‖g‖).
RIDGELENS_API ProblemSummary summarize(const DistributedProblem& problem);

/// The decay analysis of one λ from distributed vectors, computed without
/// gathering any vector: the k+3 numbers per vector that analyze_decay needs
/// are reduced (Qᵀθ̂, Qᵀθ̂_ridge, Qᵀg and the Gram matrix of the parts of θ̂,
/// θ̂_ridge and g outside span(Q)), and the single-machine analyze_decay runs
/// unchanged on the isometric image of span(Q, θ̂, θ̂_ridge, g) in R^{k+3}
/// (Q ↦ [I; 0]): every inner product, hence every number it reports, is
/// preserved up to rounding. `solve_relative_residual` as for the
/// single-machine analyze_decay (it enters the self-check tolerances).
RIDGELENS_API DecayAnalysis analyze_decay(const DistributedEigenpairs& eigen, Vec theta,
                                          Vec gradient, double lambda, Vec theta_ridge,
                                          bool h_is_psd, const DecayOptions& options = {},
                                          double solve_relative_residual = 0);

/// The whole analysis: top-k by SLEPc, PSD check, one KSP solve of
/// (H+λI)x = Hθ̂ − g per λ (CG, Jacobi-preconditioned for an explicit
/// matrix; MINRES where an indefinite H makes H + λI indefinite, none where
/// it is singular), the decay analysis. Statuses follow the single-machine
/// analyze (classify_stationary_point, record_lambda_result): a failed solve,
/// self-check or tail bound, or an undetermined decay factor makes `ok` false
/// with the reason; an indefinite H is a warning and per-λ saddle/singular
/// verdicts, never an abort. Collective. `ridge` (optional) receives θ̂_ridge per λ.
RIDGELENS_API AnalysisResult analyze(const DistributedProblem& problem,
                                     const AnalyzeOptions& options,
                                     std::vector<OwnedVec>* ridge = nullptr);

}  // namespace ridgelens::mpi
