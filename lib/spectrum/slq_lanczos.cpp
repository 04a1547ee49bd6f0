#include "spectrum/slq_lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "krylov/tridiagonal_eigen.hpp"

namespace ridgelens::slq {

void RademacherSource::fill(Vector& z) {
    const Index first_word = first_ / 64;
    generator_.discard(static_cast<unsigned long long>(first_word));
    Index used = first_word;
    std::uint64_t bits = 0;
    for (Index local = 0; local < z.size(); ++local) {
        const Index i = first_ + local;
        if (local == 0 || i % 64 == 0) {
            bits = generator_();
            ++used;
        }
        z[local] = (bits >> (i % 64)) & 1u ? 1.0 : -1.0;
    }
    generator_.discard(static_cast<unsigned long long>(words_ - used));
}

double first_entry_of_inverse(const double* d, const double* e, Index size, double shift,
                              double* last_pivot) {
    double pivot = d[0] + shift;
    if (!(pivot > 0)) return std::numeric_limits<double>::quiet_NaN();
    double y = 1, sum = 1 / pivot;
    for (Index i = 1; i < size; ++i) {
        const double l = e[i - 1] / pivot;
        y = -l * y;
        pivot = d[i] + shift - e[i - 1] * l;
        if (!(pivot > 0)) return std::numeric_limits<double>::quiet_NaN();
        sum += y * y / pivot;
    }
    if (last_pivot != nullptr) *last_pivot = pivot;
    return sum;
}

// From O(s) tridiagonal solves (no eigendecomposition): f = 1 − λ/(θ+λ), so
// the rule of f is ‖z‖²(1 − λ e_1ᵀ(T + λI)⁻¹e_1).
bool quadrature_bounds(const LanczosRun& run, double lambda, double a, double& upper,
                       double& lower) {
    const Index s = static_cast<Index>(run.alpha.size());
    double pivot = 0;
    const double gauss = first_entry_of_inverse(run.alpha.data(), run.beta.data(), s, lambda);
    if (std::isnan(first_entry_of_inverse(run.alpha.data(), run.beta.data(), s, -a, &pivot)))
        return false;
    std::vector<double> extended = run.alpha;
    const double beta_s = run.beta.back();
    extended.push_back(a + beta_s * beta_s / pivot);
    const double radau = first_entry_of_inverse(extended.data(), run.beta.data(), s + 1, lambda);
    if (std::isnan(gauss) || std::isnan(radau)) return false;
    upper = run.norm_squared * (1 - lambda * gauss);
    lower = run.norm_squared * (1 - lambda * radau);
    return true;
}

LanczosRun run_lanczos(krylov::LanczosBasis& basis, Index k, const StopRule& rule,
                       const Vector& z) {
    LanczosRun run;
    // z ← P⊥z (twice: Q is orthonormal only to rounding), the first Lanczos vector.
    run.norm_squared = basis.set_start_column(k, z.data());
    if (run.norm_squared == 0) {  // z ∈ span(Q_k): the measure is empty
        run.invariant = true;
        return run;
    }
    double t_scale = 0;  // running max of |α|, β: the size of T
    double beta = 0;
    std::uint64_t unused_seed = 0;  // an invariant subspace ends the run: no new directions
    // Full reorthogonalization against Q_k (the deflation P⊥) and every
    // Lanczos vector so far.
    basis.expand(k, true, beta, unused_seed, [&](Index column, double b) {
        const double alpha = basis.alpha(column);
        const Index steps = column - k + 1;
        run.alpha.push_back(alpha);
        run.beta.push_back(b);
        if (!std::isfinite(alpha) || !std::isfinite(b)) return krylov::AfterStep::stop;
        t_scale = std::max({t_scale, std::abs(alpha), b});
        if (b <= 1e-12 * t_scale) {  // invariant subspace: the rule is exact
            run.invariant = true;
            return krylov::AfterStep::stop;
        }
        if (steps >= rule.max_steps) return krylov::AfterStep::stop;
        if (steps >= rule.min_steps && rule.lambda > 0) {
            const double a = -rule.null_tolerance * std::max(t_scale, rule.top_scale);
            double upper = 0, lower = 0;
            if (quadrature_bounds(run, rule.lambda, a, upper, lower) &&
                0.5 * (upper - lower) <= rule.target)
                return krylov::AfterStep::stop;
        }
        return krylov::AfterStep::next;
    });
    return run;
}

void gauss_rule(const std::vector<double>& alpha, const std::vector<double>& beta,
                double norm_squared, Vector& nodes, Vector& weights) {
    const Index s = static_cast<Index>(alpha.size());
    krylov::TridiagonalEigen t =
        krylov::tridiagonal_eigen(alpha.data(), beta.data(), s, krylov::TridiagonalRows::first);
    nodes = std::move(t.values);
    weights = norm_squared * t.rows.row(0).transpose().array().square();
}

}  // namespace ridgelens::slq
