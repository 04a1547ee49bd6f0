#include "spectrum/thick_restart_lanczos.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>

#include "krylov/lanczos_recurrence.hpp"

namespace ridgelens::detail {
namespace {

using krylov::AfterStep;
using krylov::LanczosBasis;

constexpr double epsilon = std::numeric_limits<double>::epsilon();

// Pairs kept at a thick restart: ARPACK's rule (dsaup2), which Spectra's
// nev_adjusted follows: the k wanted plus up to half the rest, more when
// some have converged.
Index kept_pairs(Index k, Index converged, Index basis) {
    Index kept = k + std::min(converged, (basis - k) / 2);
    if (kept == 1 && basis >= 6)
        kept = basis / 2;
    else if (kept == 1 && basis > 2)
        kept = 2;
    return std::min(kept, basis - 1);
}

// The Ritz pairs of the c × c projected matrix T and ARPACK's convergence test
// on the wanted (largest) k of them.
struct RitzCheck {
    Eigen::SelfAdjointEigenSolver<DenseMatrix> ritz;
    Vector estimates;  // β·|y_m| of the top k, descending order
    double floor = 0;  // ε^{2/3}·‖H‖
    Index converged = 0;
    double worst = 0;  // the largest estimate/threshold ratio among the top k

    // ARPACK's floor ε^{2/3} is absolute; relative to ‖H‖ (the largest |Ritz
    // value|) the test means the same for H and for 1e-150·H.
    void run(const DenseMatrix& t, Index c, Index k, double beta, bool invariant,
             double tolerance) {
        ritz.compute(t.topLeftCorner(c, c));
        const Vector& values = ritz.eigenvalues();
        floor = std::max(
            std::numeric_limits<double>::min(),
            std::pow(epsilon, 2.0 / 3.0) * std::max(std::abs(values[0]), std::abs(values[c - 1])));
        estimates.resize(k);
        converged = 0;
        worst = 0;
        for (Index j = 0; j < k; ++j) {
            const Index index = c - 1 - j;  // ascending order: the wanted are last
            const double threshold = tolerance * std::max(floor, std::abs(values[index]));
            estimates[j] = invariant ? 0.0 : beta * std::abs(ritz.eigenvectors()(c - 1, index));
            if (estimates[j] < threshold) ++converged;
            worst = std::max(worst, estimates[j] / threshold);
        }
    }
    bool passed(Index j, Index c, double tolerance) const {
        return estimates[j] < tolerance * std::max(floor, std::abs(ritz.eigenvalues()[c - 1 - j]));
    }
};

// Keeps the p largest Ritz pairs of the full basis (thick restart).
void restart_basis(LanczosBasis& basis, const RitzCheck& check, Index c, Index p) {
    DenseMatrix y(c, p);
    Vector values(p);
    for (Index j = 0; j < p; ++j) {
        y.col(j) = check.ritz.eigenvectors().col(c - 1 - j);
        values[j] = check.ritz.eigenvalues()[c - 1 - j];
    }
    basis.restart(y, values);
}

// The converged pairs among the top k, descending, and the next pair beyond.
void collect_pairs(const LanczosBasis& basis, const RitzCheck& check, Index c, Index k, double beta,
                   bool invariant, double tolerance, LanczosOutcome& out) {
    const Vector& values = check.ritz.eigenvalues();
    DenseMatrix y(c, check.converged);
    out.values.resize(check.converged);
    out.estimates.resize(check.converged);
    Index stored = 0;
    for (Index j = 0; j < k; ++j) {
        if (!check.passed(j, c, tolerance)) continue;
        y.col(stored) = check.ritz.eigenvectors().col(c - 1 - j);
        out.values[stored] = values[c - 1 - j];
        out.estimates[stored] = check.estimates[j];
        ++stored;
    }
    basis.ritz_vectors(y, out.vectors);
    out.converged = check.converged;
    out.invariant = invariant;
    if (c > k) {
        out.has_next = true;
        out.next_value = values[c - 1 - k];
        out.next_estimate =
            invariant ? 0.0 : beta * std::abs(check.ritz.eigenvectors()(c - 1, c - 1 - k));
    }
}

}  // namespace

LanczosOutcome thick_restart_lanczos(OperatorRef op, const LanczosSettings& settings) {
    const Index n = op.rows();
    const Index k = settings.k;
    const Index capacity = settings.max_basis;
    LanczosBasis basis(op, capacity, krylov::Reorthogonalization::full);
    std::uint64_t seed = settings.seed;
    basis.set_random_column(0, seed++);

    LanczosOutcome out;
    RitzCheck check;
    double beta = 0;   // ‖f‖ of the last step: the coupling of v_{m+1} to v_m
    double scale = 0;  // running estimate of ‖H‖ (for the breakdown test)
    Index since_check = 0;
    // Checks inside a sweep pay off only in the sweep where the last pair
    // converges: they run in the first sweep, and later only when the worst
    // wanted pair's estimate/threshold ratio, divided by its reduction over
    // the previous sweep, predicts convergence within this one (a factor 10
    // of slack for an uneven rate).
    double previous_worst = 0;
    bool checks_in_sweep = true;
    bool invariant = false, invariant_at_end = false;
    auto decide = [&](Index m, double b) {
        ++out.products;
        const Index c = m + 1;
        scale = std::max(scale, std::abs(basis.t()(m, m)) + b);
        // An invariant subspace: the Krylov space cannot grow from f.
        invariant = c == n || b <= 64 * epsilon * scale;
        const bool full = c == capacity;
        ++since_check;
        // The dense c × c eigenproblem costs ~8c³ flops, a step's basis work
        // ~2nc: check when the steps since the last check have cost as much, and
        // only with a pair beyond the top k to bound the unresolved spectrum.
        const bool checked = (c >= k && invariant) ||
                             (c > k && (full || (checks_in_sweep && since_check * n >= 4 * c * c)));
        if (checked) {
            since_check = 0;
            check.run(basis.t(), c, k, b, invariant, settings.tolerance);
            if (check.converged == k || full) return AfterStep::stop;
        }
        // Fewer than k directions found so far: continue from a random
        // direction orthogonal to the basis (coupling 0).
        return invariant ? AfterStep::new_direction : AfterStep::next;
    };
    Index m = 0;
    for (bool fresh = true;; fresh = true) {
        m = basis.expand(m, fresh, beta, seed, decide);
        const Index c = m + 1;
        if (check.converged == k) {
            invariant_at_end = invariant;
            break;
        }
        // The basis is full: before any restart, the start vector counts as
        // ratio 1/tolerance.
        const double reduction =
            (out.restarts == 0 ? 1.0 / settings.tolerance : previous_worst) / check.worst;
        checks_in_sweep = reduction > 1 && check.worst / reduction < 10;
        previous_worst = check.worst;
        if (out.restarts >= settings.max_restarts || c == n) break;
        const Index p = kept_pairs(k, check.converged, c);
        restart_basis(basis, check, c, p);
        ++out.restarts;
        if (invariant)
            basis.set_random_column(p, seed++);
        else
            basis.set_column_from_residual(p, beta);
        m = p;
    }
    collect_pairs(basis, check, m + 1, k, beta, invariant_at_end, settings.tolerance, out);
    return out;
}

}  // namespace ridgelens::detail
