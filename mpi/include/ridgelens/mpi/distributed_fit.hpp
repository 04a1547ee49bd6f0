#pragma once
/// @file distributed_fit.hpp
/// `ridgelens fit` on distributed data rows: the same FitAnalysisResult, so
/// the same report (make_fit_report) and tables.
///
/// Thread safety: collective over the model's communicator (all ranks, same
/// order, one thread per process); it moves the model's curvature point, so no
/// other call on that model meanwhile.

#include <vector>

#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/mpi/model_shell.hpp"
#include "ridgelens/mpi/replicated_model.hpp"

namespace ridgelens::mpi {

/// Fits θ̂ = argmin R + λ₀/2‖θ‖² by the single-machine Newton-CG
/// (fit_newton_cg) driven through `replicated` (θ replicated on every rank,
/// each product one local pass and one Allreduce); then analyzes the
/// curvature at θ̂ by the library's `analyze` on the model's MATSHELL as a
/// PartitionedOperator (SLEPc top-k and PSD check, deflated multi-shift CG
/// for every λ with MINRES for saddles, the decay analysis; θ̂ and g = ∇R(θ̂)
/// split by rows), as fit_and_analyze does on one machine; then, for each λ,
/// the approximation study of fit_and_analyze (θ*_λ by Newton-CG
/// warm-started at θ̂_ridge, gathered). The analysis' eigenvectors and θ̂_ridge
/// hold this rank's rows.
/// `replicated` must wrap `model`. Collective.
RIDGELENS_API FitAnalysisResult fit_and_analyze(DistributedModel& model,
                                                ReplicatedModel& replicated,
                                                const FitAnalysisOptions& options);

}  // namespace ridgelens::mpi
