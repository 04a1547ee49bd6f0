#pragma once
// Steps of the analysis pipelines for an indefinite H: its most negative
// eigenpairs, what θ̂_ridge is at each λ (minimizer, saddle or singular), the
// MINRES solves of the saddles and df over the positive part of the
// spectrum. Internal to the library.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"

namespace ridgelens::pipeline {

/// The most negative eigenpairs of H as the top pairs of −H (most negative
/// first, residuals ‖Hq − σq‖), keeping only σ below −psd.tolerance·scale.
/// `count` is capped at n − 1; 0 gives none.
Eigenpairs compute_negative_pairs(OperatorRef hessian, Index count, double tolerance_relative,
                                  double scale, const EigenOptions& eigen,
                                  const Eigensolvers& eigensolvers, std::uint64_t seed);

/// What θ̂_ridge is at `lambda`, from the eigen step alone: singular when
/// λ = −σ_j for a computed σ_j (to its accuracy), a saddle when λ ≤ −σ_min
/// (proven by a Ritz value), else a minimizer (the solve may still find
/// H + λI not positive definite: then `saddle_after_failed_solve`).
struct LambdaVerdict {
    StationaryPoint kind = StationaryPoint::minimizer;
    std::string reason;
};
LambdaVerdict classify_lambda(const PsdVerdict& psd, const Eigenpairs& top, double lambda,
                              double scale);

/// The verdict after a positive-definite solver (CHOLMOD, CG) met a
/// non-positive pivot or curvature at a λ the eigen step left open.
LambdaVerdict saddle_after_failed_solve(double lambda, const std::string& message);

/// A "solve" not attempted because H + λI is singular.
SolveResult singular_solve(Index rows, const std::string& reason);

/// MINRES for every λ of `lambdas` (one Lanczos run), with the saddle
/// wording in each message.
std::vector<SolveResult> solve_saddles(OperatorRef hessian, const std::vector<double>& lambdas,
                                       const Vector& rhs, double tolerance, Index max_iterations);

/// df over the positive part of the spectrum, Σ_{σ_j > threshold} σ_j/(σ_j+λ),
/// from all eigenvalues, and the count of negative ones (below −threshold).
Vector positive_part_dof(const Vector& eigenvalues, const std::vector<double>& lambdas,
                         double null_tolerance, Index* negative_count);

/// The warning that says what ridge does on an indefinite H.
std::string indefinite_warning(const PsdVerdict& psd);

/// After the PSD check: where H was found indefinite, its most negative
/// eigenpairs into `verdict.negative` (psd.negative_pairs of them, with the
/// settings of the top-k run) and the warning; their residuals as a check.
/// Returns the products with H it took.
std::int64_t describe_indefinite(const HessianProblem& problem, const PsdCheckOptions& psd,
                                 const EigenOptions& eigen, double scale,
                                 const Eigensolvers& eigensolvers, std::uint64_t seed,
                                 const std::function<void(const std::string&)>& progress,
                                 PsdVerdict& verdict, std::vector<std::string>& checks,
                                 std::vector<std::string>& warnings);

}  // namespace ridgelens::pipeline
