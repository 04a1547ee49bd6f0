#include "spectrum/thick_restart_lanczos.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ridgelens/random_vector.hpp"
#include "spectrum/parallel_lanczos.hpp"

namespace ridgelens::detail {
namespace {

constexpr double epsilon = std::numeric_limits<double>::epsilon();
// Another Gram-Schmidt sweep while a sweep shrinks ‖f‖ below this fraction
// (Daniel, Gragg, Kaufman and Stewart's criterion, as in ARPACK's dsaitr).
constexpr double dgks = 0.7071067811865476;

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

// The Lanczos basis V (n × capacity) with its projected matrix T = VᵀHV and
// the residual f of the last column.
class Basis {
  public:
    Basis(Index n, Index capacity)
        : n_(n),
          v_(n, capacity),
          t_(DenseMatrix::Zero(capacity, capacity)),
          f_(n),
          projection_(capacity + 1),
          correction_(capacity + 1) {}

    double* column(Index j) { return v_.col(j).data(); }
    DenseMatrix& t() { return t_; }
    Vector& f() { return f_; }

    // Column c becomes a seeded random unit vector orthogonal to columns
    // [0, c): a start vector, or a fresh direction after an invariant subspace.
    void set_random_column(Index c, std::uint64_t seed) {
        const Vector x = seeded_normal_vector(n_, seed);
        double* v = column(c);
        std::copy(x.data(), x.data() + n_, v);
        double squares = x.squaredNorm();
        for (int pass = 0; pass < 2 && c > 0; ++pass) {
            parallel_transpose_product(v_.data(), n_, n_, c, v, projection_.data());
            correct_and_project(v_.data(), n_, n_, c, projection_.data(), v, correction_.data());
            squares = correction_[c];
        }
        scale_into(v, 1.0 / std::sqrt(squares), v, n_);
    }

    // Column c = f / beta.
    void set_column_from_residual(Index c, double beta) {
        scale_into(f_.data(), 1.0 / beta, column(c), n_);
    }

    // Given f = H·v_m, completes column m of T and leaves in f the part of
    // H·v_m orthogonal to columns [0, m]; returns ‖f‖. With `previous_beta`
    // (the coupling to v_{m−1} of a plain Lanczos step) the three-term
    // recurrence is applied first; after a restart or a fresh direction the
    // Gram-Schmidt sweeps alone find all the coefficients.
    double orthogonalize(Index m, bool three_term, double previous_beta) {
        const Index c = m + 1;
        const double* v = column(m);
        double alpha = 0;
        if (three_term) alpha = subtract_and_dot(f_.data(), previous_beta, column(m - 1), v, n_);
        residual_and_project(v_.data(), n_, n_, c, f_.data(), alpha, v, f_.data(),
                             projection_.data());
        double before = projection_[c];
        t_.col(m).head(c) = projection_.head(c);
        t_(m, m) += alpha;
        if (three_term) t_(m - 1, m) += previous_beta;
        // The first correction needs only ‖f‖ (DGKS); the projection for
        // another sweep is computed when the test asks for one.
        double after = correct_and_norm(v_.data(), n_, n_, c, projection_.data(), f_.data());
        for (int sweep = 0; sweep < 3 && after < dgks * dgks * before; ++sweep) {
            parallel_transpose_product(v_.data(), n_, n_, c, f_.data(), correction_.data());
            t_.col(m).head(c) += correction_.head(c);
            before = after;
            after = correct_and_norm(v_.data(), n_, n_, c, correction_.data(), f_.data());
        }
        t_.row(m).head(c) = t_.col(m).head(c).transpose();
        return std::sqrt(after);
    }

    // Thick restart: columns [0, p) become the Ritz vectors V·Y (Y: c × p) and
    // T their Ritz values; column p is set by the caller.
    void restart(const DenseMatrix& y, const Vector& values) {
        combine_basis_in_place(v_.data(), n_, n_, y);
        t_.setZero();
        for (Index j = 0; j < values.size(); ++j) t_(j, j) = values[j];
    }

    void ritz_vectors(const DenseMatrix& y, DenseMatrix& out) const {
        out.resize(n_, y.cols());
        combine_basis(v_.data(), n_, n_, y, out.data());
    }

  private:
    Index n_;
    DenseMatrix v_, t_;
    Vector f_, projection_, correction_;
};

}  // namespace

LanczosOutcome thick_restart_lanczos(OperatorRef op, const LanczosSettings& settings) {
    const Index n = op.rows();
    const Index k = settings.k;
    const Index capacity = settings.max_basis;
    double floor = 0;  // ε^{2/3}·‖H‖, set at each check
    Basis basis(n, capacity);
    std::uint64_t seed = settings.seed;
    basis.set_random_column(0, seed++);

    LanczosOutcome out;
    Eigen::SelfAdjointEigenSolver<DenseMatrix> ritz;
    Vector estimates(k);
    Index m = 0;        // the column being expanded
    bool fresh = true;  // column m has no three-term coupling (start, restart, new direction)
    double beta = 0;    // ‖f‖ of the previous step: the coupling of v_m to v_{m−1}
    double scale = 0;   // running estimate of ‖H‖ (for the breakdown test)
    Index since_check = 0;
    Index converged = 0;
    // Checks inside a sweep pay off only in the sweep where the last pair
    // converges: they run in the first sweep, and later only when the worst
    // wanted pair's estimate/threshold ratio, divided by its reduction over
    // the previous sweep, predicts convergence within this one (a factor 10
    // of slack for an uneven rate).
    double worst = 0, previous_worst = 0;
    bool checks_in_sweep = true;
    bool invariant_at_end = false;
    for (;;) {
        op.perform_op(basis.column(m), basis.f().data());
        ++out.products;
        const Index c = m + 1;
        beta = basis.orthogonalize(m, !fresh, beta);
        scale = std::max(scale, std::abs(basis.t()(m, m)) + beta);
        // An invariant subspace: the Krylov space cannot grow from f.
        const bool invariant = c == n || beta <= 64 * epsilon * scale;
        const bool full = c == capacity;
        ++since_check;
        // The dense c × c eigenproblem costs ~8c³ flops, a step's basis work
        // ~2nc: check when the steps since the last check have cost as much, and
        // only with a pair beyond the top k to bound the unresolved spectrum.
        const bool check = (c >= k && invariant) ||
                           (c > k && (full || (checks_in_sweep && since_check * n >= 4 * c * c)));
        if (check) {
            since_check = 0;
            ritz.compute(basis.t().topLeftCorner(c, c));
            // ARPACK's floor ε^{2/3} is absolute; relative to ‖H‖ (the largest
            // |Ritz value|) the test means the same for H and for 1e-150·H.
            floor = std::max(
                std::numeric_limits<double>::min(),
                std::pow(epsilon, 2.0 / 3.0) *
                    std::max(std::abs(ritz.eigenvalues()[0]), std::abs(ritz.eigenvalues()[c - 1])));
            converged = 0;
            worst = 0;
            for (Index j = 0; j < k; ++j) {
                const Index index = c - 1 - j;  // ascending order: the wanted are last
                const double theta = ritz.eigenvalues()[index];
                const double threshold = settings.tolerance * std::max(floor, std::abs(theta));
                estimates[j] = invariant ? 0.0 : beta * std::abs(ritz.eigenvectors()(c - 1, index));
                if (estimates[j] < threshold) ++converged;
                worst = std::max(worst, estimates[j] / threshold);
            }
            if (converged == k) {
                invariant_at_end = invariant;
                break;
            }
            if (full) {
                // before any restart, the start vector counts as ratio 1/tolerance
                const double reduction =
                    (out.restarts == 0 ? 1.0 / settings.tolerance : previous_worst) / worst;
                checks_in_sweep = reduction > 1 && worst / reduction < 10;
                previous_worst = worst;
                if (out.restarts >= settings.max_restarts || c == n) break;
                const Index p = kept_pairs(k, converged, c);
                DenseMatrix y(c, p);
                Vector values(p);
                for (Index j = 0; j < p; ++j) {
                    y.col(j) = ritz.eigenvectors().col(c - 1 - j);
                    values[j] = ritz.eigenvalues()[c - 1 - j];
                }
                basis.restart(y, values);
                ++out.restarts;
                if (invariant)
                    basis.set_random_column(p, seed++);
                else
                    basis.set_column_from_residual(p, beta);
                m = p;
                fresh = true;
                continue;
            }
        }
        if (invariant) {
            // Fewer than k directions found so far: continue from a random
            // direction orthogonal to the basis (coupling 0).
            basis.set_random_column(c, seed++);
            fresh = true;
        } else {
            basis.set_column_from_residual(c, beta);
            fresh = false;
        }
        m = c;
    }

    // The converged pairs among the top k, descending.
    const Index c = m + 1;
    const double* values = ritz.eigenvalues().data();
    DenseMatrix y(c, converged);
    out.values.resize(converged);
    out.estimates.resize(converged);
    Index stored = 0;
    for (Index j = 0; j < k; ++j) {
        const Index index = c - 1 - j;
        if (!(estimates[j] < settings.tolerance * std::max(floor, std::abs(values[index]))))
            continue;
        y.col(stored) = ritz.eigenvectors().col(index);
        out.values[stored] = values[index];
        out.estimates[stored] = estimates[j];
        ++stored;
    }
    basis.ritz_vectors(y, out.vectors);
    out.converged = converged;
    out.invariant = invariant_at_end;
    if (c > k) {
        out.has_next = true;
        out.next_value = values[c - 1 - k];
        out.next_estimate =
            invariant_at_end ? 0.0 : beta * std::abs(ritz.eigenvectors()(c - 1, c - 1 - k));
    }
    return out;
}

}  // namespace ridgelens::detail
