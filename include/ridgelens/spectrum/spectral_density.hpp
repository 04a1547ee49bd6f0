#pragma once
/// @file spectral_density.hpp
/// Effective degrees of freedom df(λ) = tr(H(H+λI)⁻¹) = Σ_j σ_j/(σ_j+λ) and
/// the spectral density of H by stochastic Lanczos quadrature (SLQ), with
/// the exactly known top-k part deflated.
///
/// Two paths:
/// - **exact** (small n): all eigenvalues by a dense eigendecomposition
///   (`dense_spectrum`, LAPACK dsyevd), then `exact_effective_dof`;
/// - **estimated** (any n): `estimate_spectrum` = Σ_{j≤k} f(σ_j, λ) over the
///   top-k eigenpairs plus an SLQ estimate of tr(P⊥ f(H) P⊥) on the deflated
///   operator P⊥HP⊥ (P⊥ = I − Q_k Q_kᵀ), with a standard error and a bound on
///   the quadrature error. One run serves every λ.
///
/// Decay factor convention (geometry.md §2): f(σ, λ) = σ/(σ+λ), and f = 0 for
/// σ ≤ null_tolerance·scale (a null direction, scale = the largest |σ|), so
/// df(0) = rank(H) and df(0⁺) → rank(H).
///
/// Thread safety: reentrant under the operator rule of linear_operator.hpp;
/// with a partitioned operator, `estimate_spectrum` and `dense_spectrum` are
/// collective. `dense_spectrum` up to order 500 sets OpenBLAS's process-wide
/// thread count to one for its eigendecomposition (BLAS calls on other threads
/// meanwhile also run on one thread).

#include <cstdint>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/operator/linear_operator.hpp"
#include "ridgelens/spectrum/lambda_grid.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {

// ---------------------------------------------------------------------------
// Exact path
// ---------------------------------------------------------------------------

/// All eigenvalues of a symmetric matrix from a dense eigendecomposition.
struct DenseEigenvalues {
    Vector values;  ///< every eigenvalue, descending
    /// operator applications used to form the matrix (0 for sparse input)
    std::int64_t matvecs = 0;
    double max_asymmetry = 0;  ///< max|a_ij − a_ji| / max|a_ij| of the formed matrix (symmetrized)
    double seconds = 0;        ///< wall time, forming the matrix included
    bool ok = false;           ///< false if LAPACK failed or the matrix had non-finite entries
    std::string message;       ///< human-readable outcome
};

/// Default cap on n for the dense path: n² doubles (200 MB at 5,000) and
/// O(n³) flops (≈ 20 s for n = 5,000 on two cores).
inline constexpr Index dense_spectrum_default_max_rows = 5000;

/// All eigenvalues of the symmetric sparse matrix `h` (both triangles stored),
/// by LAPACK dsyevd on a dense copy.
/// @throws UsageError if h is not square, is empty or has more than `max_rows` rows.
/// @throws ResourceError if the dense copy cannot be allocated.
RIDGELENS_API DenseEigenvalues dense_spectrum(const SparseMatrix& h,
                                              Index max_rows = dense_spectrum_default_max_rows);

/// All eigenvalues of a symmetric operator, formed column by column as H·e_j
/// (n products, e.g. for a matrix-free model Hessian, taken 64 at a time
/// through OperatorRef::perform_ops: one data pass per block), symmetrized as
/// (A + Aᵀ)/2 (the asymmetry is reported), then LAPACK dsyevd. With a
/// partitioned operator each process forms its rows and one sum of n² values
/// gives every process the whole matrix (collective).
/// @throws UsageError if n = 0 or n > `max_rows`.
/// @throws ResourceError if the dense matrix cannot be allocated.
RIDGELENS_API DenseEigenvalues dense_spectrum(OperatorRef op,
                                              Index max_rows = dense_spectrum_default_max_rows);

/// Default relative threshold below which an eigenvalue (or Ritz value) counts
/// as zero. It must exceed the rounding level of the eigen solver (≈ 1e-15
/// relative for dsyevd and for Lanczos with full reorthogonalization).
inline constexpr double default_null_tolerance = 1e-12;

/// df(λ) = Σ_j f(σ_j, λ) for every λ of `lambdas` from the full spectrum,
/// f(σ, λ) = σ/(σ+λ), f = 0 for |σ| ≤ null_tolerance·max_j|σ_j|.
/// λ = 0 is allowed (df(0) = the numerical rank).
/// @throws UsageError if `all_eigenvalues` is empty or not finite, the λ grid
/// is empty, `null_tolerance` is not in [0, 1), or an eigenvalue
/// is below −null_tolerance·max|σ| (H indefinite: df is not defined; such
/// directions are refused rather than silently dropped).
RIDGELENS_API Vector exact_effective_dof(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                                         double null_tolerance = default_null_tolerance);

/// How much the eigenvalues a dense eigendecomposition does not resolve may
/// move `exact_effective_dof`, for every λ of `lambdas`. dsyevd is backward
/// stable: each computed σ_j is within about τ = max(null_tolerance, nε)·max|σ|
/// of a true eigenvalue, so the bound is Σ_j max |f(σ') − f(σ_j)| over
/// σ' ∈ [max(σ_j − τ, 0), σ_j + τ] (with f = 0 at σ' = 0, f = 0 for the null
/// σ_j that df counts as 0). At λ = 0 the null eigenvalues contribute nothing
/// (df(0) is the numerical rank by convention); at λ ≪ τ each contributes up
/// to 1: the exact df is then not exact, and this says by how much.
/// @throws UsageError as `exact_effective_dof`.
RIDGELENS_API Vector exact_effective_dof_resolution(const Vector& all_eigenvalues,
                                                    const LambdaGrid& lambdas,
                                                    double null_tolerance = default_null_tolerance);

/// log det(I + H/λ) = Σ_j log(1 + σ_j/λ) for every λ of `lambdas` from the
/// full spectrum, null σ_j (≤ null_tolerance·max|σ|) contributing 0; NaN at
/// λ = 0, where it is infinite for any H ≠ 0 (log 1p terms, summed from the
/// smallest). The quantity the evidence (marginal likelihood) needs.
/// @throws UsageError as `exact_effective_dof` (an indefinite H included).
RIDGELENS_API Vector exact_log_det(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                                   double null_tolerance = default_null_tolerance);

/// How much the eigenvalues a dense eigendecomposition does not resolve may
/// move `exact_log_det` (the bound of `exact_effective_dof_resolution` for
/// the term log(1 + σ/λ)); NaN at λ = 0.
RIDGELENS_API Vector exact_log_det_resolution(const Vector& all_eigenvalues,
                                              const LambdaGrid& lambdas,
                                              double null_tolerance = default_null_tolerance);

// ---------------------------------------------------------------------------
// Stochastic Lanczos quadrature
// ---------------------------------------------------------------------------

/// Settings of `estimate_spectrum`.
struct SlqOptions {
    Index probes = 30;         ///< Rademacher probe vectors (≥ 2, for a standard error)
    Index lanczos_steps = 80;  ///< Lanczos steps (= products with H) per probe, capped at n − k
    /// 0: every probe takes exactly `lanczos_steps` steps. Otherwise a probe
    /// goes on past `lanczos_steps`, up to this many steps, until its
    /// quadrature half-gap at the smallest positive λ of the grid is at most
    /// `quadrature_tolerance` × the standard error (estimated from the probes
    /// done so far; one direction per probe for the first two). Small λ on
    /// ill-conditioned H need a few hundred steps. Memory grows to
    /// n·(k + max_lanczos_steps) doubles.
    Index max_lanczos_steps = 0;
    double quadrature_tolerance = 0.1;               ///< see `max_lanczos_steps`
    double null_tolerance = default_null_tolerance;  ///< relative zero threshold (see file doc)
    std::uint64_t seed = 1;                          ///< probes are reproducible for a given seed
    Index density_points = 400;                      ///< points of each density grid (≥ 2)
    /// Gaussian σ of the smoothing, as a fraction of the grid's core range
    double density_bandwidth = 0.01;
};

/// The Gauss and Gauss–Radau quadrature rules of one probe z for the measure
/// μ_z = Σ_j (u_jᵀz)² δ(σ_j) of the deflated operator. For every λ > 0 and
/// PSD H they bracket zᵀ f(H) z: Radau (lower) ≤ zᵀ f(H) z ≤ Gauss (upper).
struct ProbeQuadrature {
    Vector gauss_nodes;    ///< Ritz values θ_l of T_m, ascending
    Vector gauss_weights;  ///< τ_l² = ‖z‖²·(e_1ᵀ u_l)²
    /// m+1 nodes, one fixed at a = −max(null_threshold, 64ε·scale) ≤ σ_min
    Vector radau_nodes;
    Vector radau_weights;  ///< empty when H was found indefinite (no valid lower end)
    Index steps = 0;       ///< Lanczos steps taken (< m after an invariant subspace was found)
};

/// Everything needed to evaluate df at any λ without new products.
struct SlqQuadrature {
    Index n = 0;                          ///< operator size
    Vector top_values;                    ///< the k deflated eigenvalues σ_1 ≥ … ≥ σ_k
    std::vector<ProbeQuadrature> probes;  ///< one per probe
    double null_threshold = 0;            ///< absolute: null_tolerance·scale
    double scale = 0;                     ///< max |σ| seen (top values and Ritz values)
};

/// df and log det(I + H/λ) over a λ grid with their error bars.
///
/// Per probe i the tail value is the midpoint of the Gauss (upper) and
/// Gauss–Radau (lower) values; `df_tail` is their mean, `df_stderr` their
/// sample standard deviation / √probes, and `df_quadrature_error` the mean
/// half-gap: a deterministic bound on how far the quadrature (finite m) can
/// move the estimate. A sound error bar is 3·df_stderr + df_quadrature_error;
/// the second term is negligible once m resolves the spectrum at the scale λ
/// (for λ well above σ_1/m² or so) and dominates for λ → 0 when H has
/// eigenvalues between 0 and the smallest resolved Ritz value.
struct DofCurve {
    std::vector<double> lambdas;
    Vector df;                   ///< df_top_part + df_tail
    Vector df_stderr;            ///< statistical standard error (probes)
    Vector df_quadrature_error;  ///< bound on the quadrature bias (NaN if H indefinite)
    Vector df_top_part;          ///< Σ_{j≤k} f(σ_j, λ), exact
    Vector df_tail;              ///< estimate of Σ_{j>k} f(σ_j, λ)
    /// log det(I + H/λ) = Σ_j log(1 + σ_j/λ), from the same quadrature rules
    /// (the term has the derivative signs of f, so Gauss and Gauss–Radau
    /// bracket it alike); NaN at λ = 0, where it is infinite.
    Vector log_det;
    Vector log_det_stderr;            ///< statistical standard error (probes)
    Vector log_det_quadrature_error;  ///< bound on the quadrature bias (NaN if H indefinite)
    Vector log_det_top_part;          ///< Σ_{j≤k} log(1 + σ_j/λ), exact
};

/// Evaluates df and log det(I + H/λ) for `lambdas` from a stored quadrature
/// (no products with H).
/// @throws UsageError for an empty grid or fewer than two probes.
RIDGELENS_API DofCurve effective_dof_from_quadrature(const SlqQuadrature& quadrature,
                                                     const LambdaGrid& lambdas);

/// The result of `estimate_spectrum`.
///
/// Densities: the SLQ estimate of the spectral measure (1/n)Σ_j δ(σ_j) is the
/// probe-averaged Gauss rule of the deflated part divided by n, plus the k
/// deflated eigenvalues with weight 1/n each; it is smoothed by a Gaussian
/// kernel on two grids of `density_points` points:
/// - linear (`density_sigma`, `density_value`): density per unit σ; core
///   range [min(0, θ_min), σ_1], bandwidth h = density_bandwidth × core range,
///   grid extended by 3h on either side so the kernels' mass is inside.
///   Integrates to ≈ 1 (exactly 1 in expectation).
/// - logarithmic (`log_density_sigma`, `log_density_value`): the grid points
///   are σ values equally spaced in log10 σ, the value is the density per unit
///   log10 σ; core range [log10 θ_min⁺, log10 σ_1] (θ_min⁺ the smallest node
///   above the null threshold, range at least one decade), bandwidth
///   density_bandwidth × core range in decades, extended by 3h. Nodes at or
///   below the null threshold cannot be placed on it: their mass is
///   `null_mass`, and the log density integrates to ≈ 1 − null_mass. Use it
///   for spectra spanning decades (ML Hessians, stiffness matrices), where the
///   linear density is a spike at 0.
///
/// Resolution: m Lanczos steps place about m nodes per probe where the
/// measure has mass; eigenvalues much below σ_1/m² are lumped together. In
/// particular a null space that Lanczos has not resolved (a Ritz value still
/// above the null threshold) shows up as mass at the smallest Ritz value, not
/// in `null_mass` — the same effect that `df_quadrature_error` bounds for
/// df(λ → 0).
struct SpectralEstimate : DofCurve {
    Vector density_sigma;              ///< linear grid
    Vector density_value;              ///< density per unit σ on the linear grid
    Vector log_density_sigma;          ///< log-spaced σ grid
    Vector log_density_value;          ///< density per unit log10 σ on the log grid
    double density_bandwidth = 0;      ///< kernel width of the linear density (units of σ)
    double log_density_bandwidth = 0;  ///< kernel width of the log density (decades)
    double null_mass = 0;              ///< estimated fraction of eigenvalues ≤ the null threshold
    /// min over probes: an upper bound on σ_min of the deflated part
    double smallest_ritz_value = 0;
    double largest_ritz_value = 0;  ///< max over probes (≤ σ_{k+1} up to the deflation accuracy)
    bool indefinite = false;  ///< a Ritz value or top eigenvalue below −null threshold was found
    Index deflated = 0;       ///< k, eigenpairs deflated
    Index probes = 0;
    Index lanczos_steps = 0;        ///< steps per probe requested (after the cap at n − k)
    Index largest_probe_steps = 0;  ///< most steps a probe took (> lanczos_steps when adaptive)
    Index invariant_subspaces = 0;  ///< probes whose Krylov space became invariant before m steps
    std::int64_t matvecs = 0;       ///< products with H (the deflation projections cost none)
    double seconds = 0;
    std::string message;       ///< summary and warnings (indefinite, unconverged quadrature, …)
    SlqQuadrature quadrature;  ///< per-probe rules, for `effective_dof_from_quadrature`
};

/// df(λ) for every λ of `lambdas` and the spectral density of the symmetric
/// PSD operator H by stochastic Lanczos quadrature on the deflated operator.
///
/// For each of `options.probes` Rademacher vectors z (seeded): z ← P⊥z, then
/// m Lanczos steps on P⊥HP⊥ (each product projected by P⊥, full
/// reorthogonalization against Q_k and the Lanczos basis); T_m gives the Gauss
/// rule (nodes θ_l, weights ‖z‖²(e_1ᵀu_l)²) and, with β_m, the Gauss–Radau
/// rule with a node fixed at −null_threshold (see `max_lanczos_steps` for an
/// adaptive m). df(λ) = Σ_{j≤k} f(σ_j, λ) + mean over probes of the
/// quadrature of f(·, λ). Memory: n·(k + m) doubles (m the largest allowed
/// number of steps). A negative Ritz value proves H indefinite: it is reported
/// (`indefinite`, `message`) and its f is taken as 0, never used.
///
/// With a partitioned operator (`RowPartition`) the vectors of `top` and the
/// basis are this process's rows, every inner product is summed over the
/// processes (collective), and entry i of every probe is the one a single
/// process would draw for row i: the estimate does not depend on the split.
///
/// @param top eigenpairs to deflate (values and n × k orthonormal vectors, k ≥ 0,
///        k < n); pass a default `Eigenpairs` (k = 0) for plain SLQ.
/// @throws UsageError for an empty grid, probes < 2,
///         lanczos_steps < 1, max_lanczos_steps ∉ {0} ∪ [lanczos_steps, ∞),
///         quadrature_tolerance ≤ 0, null_tolerance ∉ [0, 1), density_points < 2,
///         density_bandwidth ∉ (0, 1], or `top` of the wrong shape, not
///         finite or not orthonormal (‖QᵀQ − I‖ > 1e-8).
/// @throws ResourceError if the Lanczos basis cannot be allocated.
RIDGELENS_API SpectralEstimate estimate_spectrum(OperatorRef op, const Eigenpairs& top,
                                                 const LambdaGrid& lambdas,
                                                 const SlqOptions& options = {});

}  // namespace ridgelens
