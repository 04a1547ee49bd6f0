#pragma once
// The Lanczos half of stochastic Lanczos quadrature (spectral_density.cpp):
// the probes, one Lanczos run per probe on the deflated operator P⊥HP⊥ (an
// orchestration over krylov/lanczos_recurrence.hpp), and the Gauss and
// Gauss–Radau rules of its Jacobi matrix. density_smoothing.cpp turns the
// rules into smoothed densities.

#include <cstdint>
#include <random>
#include <vector>

#include "krylov/lanczos_recurrence.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"

namespace ridgelens::slq {

/// Rademacher vectors (±1 with probability ½) from a seeded 64-bit generator:
/// entry i of a probe is bit i mod 64 of the probe's word ⌊i/64⌋. A process
/// holding the rows [first, first + z.size()) of vectors of length `rows`
/// draws the same entries there as a single process would.
class RademacherSource {
  public:
    RademacherSource(std::uint64_t seed, Index rows, Index first)
        : generator_(seed), words_((rows + 63) / 64), first_(first) {}
    void fill(Vector& z);

  private:
    std::mt19937_64 generator_;
    Index words_;  // words per probe
    Index first_;
};

/// The Lanczos coefficients of one probe.
struct LanczosRun {
    std::vector<double> alpha;  ///< α_1..α_s
    std::vector<double> beta;   ///< β_1..β_s (β_s couples to the next, uncomputed vector)
    double norm_squared = 0;    ///< ‖P⊥z‖²
    bool invariant = false;     ///< the Krylov space became invariant (β_s ≈ 0)
};

/// When a probe may stop: after `min_steps`, as soon as the Gauss/Radau
/// half-gap at `lambda` is at most `target`, and at `max_steps` in any case.
struct StopRule {
    Index min_steps = 0;
    Index max_steps = 0;
    double lambda = 0;  ///< > 0; 0 disables the check (fixed number of steps)
    double target = 0;
    double null_tolerance = 0;
    double top_scale = 0;  ///< max |σ| of the deflated pairs
};

/// Lanczos steps on P⊥HP⊥ from P⊥z, as many as `rule` asks for. The basis
/// holds Q_k in its first k columns (locked); the Lanczos vectors follow.
LanczosRun run_lanczos(krylov::LanczosBasis& basis, Index k, const StopRule& rule, const Vector& z);

/// e_1ᵀ(T + shift·I)⁻¹e_1 for the symmetric tridiagonal T (diagonal `d`,
/// off-diagonal `e`) by the LDLᵀ recurrence; NaN if a pivot is not positive.
/// `last_pivot` receives the last pivot d_s ((T + shift·I)⁻¹)_ss = 1/d_s).
double first_entry_of_inverse(const double* d, const double* e, Index size, double shift,
                              double* last_pivot = nullptr);

/// Gauss (upper) and Radau (lower) values of f(·, λ) for the Lanczos run so
/// far; false if a bound is not available (indefinite or singular T).
bool quadrature_bounds(const LanczosRun& run, double lambda, double a, double& upper,
                       double& lower);

/// Gauss rule of the Jacobi matrix (alpha, beta[0..s−2]) scaled by ‖z‖²:
/// nodes θ_l (ascending) and weights ‖z‖²(e_1ᵀu_l)².
void gauss_rule(const std::vector<double>& alpha, const std::vector<double>& beta,
                double norm_squared, Vector& nodes, Vector& weights);

/// Smoothed linear and log-σ densities of the quadrature (SpectralEstimate).
void fill_densities(const SlqQuadrature& q, const SlqOptions& options, SpectralEstimate& result);

}  // namespace ridgelens::slq
