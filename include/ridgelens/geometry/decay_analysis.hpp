#pragma once
/// @file decay_analysis.hpp
/// The per-direction decay analysis of geometry.md §2–§3: components,
/// decay factors, the self-check against an exact solve, and the tail bound.
///
/// Thread safety: pure functions of their arguments; reentrant.

#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {

/// Classification of a computed eigenvalue relative to the largest one.
enum class CurvatureKind {
    positive,  ///< σ_j > null threshold: f_j = σ_j/(σ_j+λ)
    null,      ///< |σ_j| ≤ null threshold: treated as σ_j = 0, so f_j = 0
    negative,  ///< σ_j < −null threshold: no minimum along q_j; flagged, never silently used
};

/// Returns "positive", "null" or "negative".
RIDGELENS_API const char* to_string(CurvatureKind kind);

/// What the ridge transform does to θ̂ along one direction, read off f_j.
enum class RidgeEffect {
    shrunk,     ///< 0 < f_j ≤ 1: kept (f ≈ 1) or decayed (f ≈ σ_j/λ)
    removed,    ///< f_j = 0: a null direction
    flipped,    ///< f_j < 0: σ_j < 0 < σ_j + λ, ridge reverses the sign of c_j
    amplified,  ///< f_j > 1: σ_j + λ < 0 (λ < −σ_j), ridge enlarges c_j
    singular,   ///< σ_j + λ = 0: f_j is infinite
};

/// Returns "shrunk", "removed", "flipped", "amplified" or "singular".
RIDGELENS_API const char* to_string(RidgeEffect effect);

/// The effect of a decay factor f (non-finite f: singular).
RIDGELENS_API RidgeEffect ridge_effect(double factor);

/// The decay factor f(σ) = σ/(σ+λ); 0 for σ = 0 (so also for λ = 0, σ = 0).
RIDGELENS_API double decay_factor(double sigma, double lambda);

/// One eigen-direction q_j and what the ridge transform does to θ̂ along it.
struct DirectionDecay {
    /// 1-based rank of σ_j: j = 1..k for the top pairs, j = n, n−1, … for
    /// the most negative ones (σ_n is the smallest eigenvalue)
    Index j = 0;
    double sigma = 0;      ///< σ_j
    double component = 0;  ///< c_j = q_jᵀθ̂
    double factor = 0;     ///< f_j = σ_j/(σ_j+λ) (0 on null directions)
    double shrunk =
        0;  ///< predicted q_jᵀθ̂_ridge = (σ_j c_j − q_jᵀg)/(σ_j+λ) (= f_j c_j when g = 0)
    double solved = 0;  ///< q_jᵀθ̂_ridge from the exact solve
    CurvatureKind kind = CurvatureKind::positive;
    /// How far the true eigenvalue may lie from σ_j: max(‖Hq_j − σ_jq_j‖,
    /// the null rule's floor, see DecayOptions) (the eigen residual bounds the distance to an
    /// eigenvalue; below the null threshold σ is not told apart from 0).
    double sigma_uncertainty = 0;
    /// The spread of f over σ_j ± sigma_uncertainty (σ ≥ 0): how well this
    /// λ's decay factor is determined. 0 for null directions at λ = 0, where
    /// f = 0 is the numerical-rank convention.
    double factor_uncertainty = 0;
    /// factor_uncertainty ≤ DecayOptions::factor_tolerance: the computation
    /// resolves σ_j well enough for this λ.
    bool resolved = true;
    /// The largest |solved − shrunk| the accuracies allow: the eigen residual,
    /// the solve residual and the spread of σ_j, propagated (see analyze_decay).
    double self_check_tolerance = 0;
    RidgeEffect effect = RidgeEffect::shrunk;  ///< from f_j
    bool bottom = false;                       ///< one of the most negative pairs (not a top pair)
};

/// The part of θ̂ outside span(Q_k) and the bound on what survives of it.
struct TailAnalysis {
    double theta_tail_norm = 0;  ///< ‖r‖, r = θ̂ − Q_k Q_kᵀ θ̂
    double ridge_tail_norm = 0;  ///< ‖P⊥ θ̂_ridge‖
    double bound = 0;            ///< σ_k/(σ_k+λ)·‖r‖ (valid for PSD H, g = 0, exact top-k)
    bool bound_applies = false;  ///< PSD H, g = 0 and all k pairs converged
    bool bound_holds = false;    ///< ridge_tail_norm ≤ bound + slack, when it applies
    /// What the comparison allows for: rounding, the self-check errors of the
    /// resolved directions (√k of them, for the projection) and the solve's
    /// error in the tail: ‖r_s‖/λ, or at λ = 0 (where no computed quantity
    /// bounds it) √n·‖r_s‖/‖b‖·‖θ̂_ridge‖.
    double slack = 0;
};

/// The decay analysis for one λ.
struct DecayAnalysis {
    double lambda = 0;
    std::vector<DirectionDecay> directions;
    TailAnalysis tail;
    double self_check_max_abs_error = 0;  ///< max_j |q_jᵀθ̂_ridge − shrunk_j|
    double self_check_relative = 0;       ///< the same over max(‖θ̂_ridge‖, tiny)
    /// false when some direction disagrees beyond its self_check_tolerance:
    /// the eigenpairs and the solve contradict each other (a numerical failure).
    bool self_check_holds = true;
    /// The tolerance of the direction closest to (or furthest past) its own.
    double self_check_tolerance = 0;
    /// Directions whose decay factor the computation does not determine at
    /// this λ (resolved = false): their σ lies below what the eigen step
    /// resolves, yet λ is small enough for that to matter.
    Index unresolved = 0;
    /// Empty when everything holds; else one sentence per failure (self-check,
    /// unresolved directions, tail bound), in library terms.
    std::vector<std::string> failures;
    /// Every check held and every direction is resolved.
    bool ok() const { return failures.empty(); }
};

/// Settings of the decay analysis.
struct DecayOptions {
    /// A direction is null (σ = 0 ⇒ f = 0) when |σ_j| is within its accuracy
    /// of 0: |σ_j| ≤ max(‖Hq_j − σ_jq_j‖, 64ε·σ_1·√n, null_tolerance·σ_1).
    /// The eigen residual bounds the distance to an eigenvalue, 64ε·σ_1·√n
    /// is the rounding level of a product with H (no residual resolves
    /// below it), so a direction the computation resolves is never labelled
    /// null. null_tolerance (default 0) only raises that floor.
    double null_tolerance = 0;
    /// A direction's decay factor counts as determined when its spread over
    /// the eigenvalue's uncertainty is at most this (see DirectionDecay).
    double factor_tolerance = 1e-3;
};

/// Computes the decay table, the tail and the self-check for one λ.
///
/// @param pairs       converged top-k eigenpairs of H
/// @param theta       θ̂
/// @param gradient    g = ∇R(θ̂); an empty vector means g = 0
/// @param lambda      the penalty strength λ ≥ 0
/// @param theta_ridge θ̂_ridge from an exact solve of (H+λI)x = Hθ̂ − g
/// @param h_is_psd    whether the PSD check passed (the tail bound needs it)
/// @param negative    the most negative eigenpairs of H, most negative first
///                    (may be null or empty): appended as directions j = n, n−1, …;
///                    the tail stays the part of θ̂ outside the top pairs
/// @param solve_relative_residual ‖(H+λI)x − b‖/‖b‖ of the solve that gave
///        θ̂_ridge (0 if unknown): it enters the self-check and tail tolerances.
///
/// Tolerances: with r_j = Hq_j − σ_jq_j and r_s the solve's residual,
/// q_jᵀθ̂_ridge − shrunk_j = (r_jᵀθ̂ − r_jᵀθ̂_ridge − q_jᵀr_s)/(σ_j+λ) exactly,
/// so direction j may disagree by (‖r_j‖(‖θ̂‖+‖θ̂_ridge‖) + ‖r_s‖)/(|σ_j|+λ),
/// plus the spread of shrunk_j over σ_j's uncertainty, plus rounding.
/// ‖b‖ is bounded by σ_1‖θ̂‖ + ‖g‖. A disagreement beyond that, an unresolved
/// direction or a violated tail bound is listed in `failures`.
/// @throws UsageError on mismatched sizes.
RIDGELENS_API DecayAnalysis analyze_decay(const Eigenpairs& pairs, const Vector& theta,
                                          const Vector& gradient, double lambda,
                                          const Vector& theta_ridge, bool h_is_psd,
                                          const DecayOptions& options = {},
                                          double solve_relative_residual = 0,
                                          const Eigenpairs* negative = nullptr);

/// The same decay analysis on vectors split by rows over processes like
/// `rows` (an operator with a RowPartition; without one this is the
/// function above): `pairs.vectors`, `negative->vectors`, `theta`,
/// `gradient` and `theta_ridge` hold this process's rows. No vector is
/// gathered: QᵀV for Q = [top pairs, most negative pairs] and
/// V = [θ̂, θ̂_ridge, g] and the Gram matrix of V's parts outside span(Q) are
/// summed over the processes, and the analysis above runs on the isometric
/// image of span(Q, V) in R^{k+k₋+3} (Q ↦ [I; 0]), with H's dimension
/// (`rows.global_rows()`) where the dimension enters: every number it reports
/// is preserved up to rounding. Collective: every process calls it and gets
/// the same DecayAnalysis.
RIDGELENS_API DecayAnalysis analyze_decay(OperatorRef rows, const Eigenpairs& pairs,
                                          const Vector& theta, const Vector& gradient,
                                          double lambda, const Vector& theta_ridge, bool h_is_psd,
                                          const DecayOptions& options = {},
                                          double solve_relative_residual = 0,
                                          const Eigenpairs* negative = nullptr);

}  // namespace ridgelens
