#pragma once
/// @file distributed_fit.hpp
/// `ridgelens fit` on distributed data rows: the same FitAnalysisResult, so
/// the same report (make_fit_report) and tables.

#include <vector>

#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/export.hpp"
#include "ridgelens/mpi/model_shell.hpp"
#include "ridgelens/mpi/replicated_model.hpp"

namespace ridgelens::mpi {

/// Fits θ̂ = argmin R + λ₀/2‖θ‖² by the single-machine Newton-CG
/// (fit_newton_cg) driven through `replicated` (θ replicated on every rank,
/// each product one local pass and one Allreduce); then analyzes the
/// curvature at θ̂ as mpi::analyze does (SLEPc top-k and PSD check on the
/// model's MATSHELL, PETSc KSP CG per λ, the decay analysis), θ̂ and g =
/// ∇R(θ̂) distributed; then, for each λ, the approximation study of
/// fit_and_analyze (θ*_λ by Newton-CG warm-started at θ̂_ridge, gathered).
/// `replicated` must wrap `model`. Collective.
RIDGELENS_API FitAnalysisResult fit_and_analyze(DistributedModel& model,
                                                ReplicatedModel& replicated,
                                                const FitAnalysisOptions& options);

}  // namespace ridgelens::mpi
