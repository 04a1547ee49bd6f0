#pragma once
// The Lanczos recurrence of the library, in one place: the basis V of a
// symmetric operator H, expanded one column at a time (H·v_m, then the part of
// it orthogonal to the basis), with its projected matrix T = VᵀHV and the
// residual f of the last column. The top-k thick-restart solver
// (spectrum/thick_restart_lanczos.hpp), the PSD check (the smallest
// eigenvalue) and stochastic Lanczos quadrature are orchestrations over it.
//
// Leading columns may hold a locked basis (the deflated eigenvectors of SLQ,
// the Ritz vectors kept at a thick restart): with full re-orthogonalisation
// every new column is made orthogonal to them as well. The basis work runs on
// the blocked kernels of lanczos_kernels.hpp (bitwise reproducible for a
// fixed thread count); with a row-partitioned operator every inner product is
// finished by OperatorRef::sum, so the same code runs on slices of vectors.

#include <cstdint>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::krylov {

enum class Reorthogonalization {
    /// Classical Gram-Schmidt against every column (locked ones included),
    /// repeated while a sweep removes most of f (the DGKS criterion).
    full,
    /// The three-term recurrence only: two columns are stored (column j lives
    /// in slot j mod 2), T is kept as its diagonal and the norms β.
    none,
};

/// What the orchestration decides after each step of LanczosBasis::expand.
enum class AfterStep {
    next,           ///< the next column is f/β
    new_direction,  ///< the Krylov space is exhausted: a seeded random direction next
    stop,
};

class LanczosBasis {
  public:
    /// A basis of up to `capacity` columns for vectors of op.rows() entries.
    LanczosBasis(OperatorRef op, Index capacity, Reorthogonalization policy);

    Index capacity() const { return capacity_; }
    double* column(Index j);
    const double* column(Index j) const;
    /// T = VᵀHV (capacity × capacity) under full re-orthogonalisation.
    DenseMatrix& t() { return t_; }
    Vector& residual() { return f_; }
    /// α_j = T(j, j) of the last expansion that reached column j.
    double alpha(Index j) const { return alpha_[j]; }

    /// Columns [first, first + x.cols()) become the columns of x (a locked
    /// basis: orthonormal, not changed by the expansion).
    void set_columns(Index first, const DenseMatrix& x);
    /// Column c becomes x made orthogonal to columns [0, c) (two passes), then
    /// normalized; returns ‖x‖² after the projection (0: x lay in their span,
    /// and column c is left unnormalized).
    double set_start_column(Index c, const double* x);
    /// Column c becomes a seeded random unit vector orthogonal to columns [0, c).
    void set_random_column(Index c, std::uint64_t seed);
    /// Column c = f / beta.
    void set_column_from_residual(Index c, double beta);

    /// Given f = H·v_m, completes column m of T and leaves in f the part of
    /// H·v_m orthogonal to the basis; returns β = ‖f‖. `three_term`: subtract
    /// previous_beta·v_{m−1} first (a plain step; not after a start vector or
    /// a restart, where the Gram-Schmidt sweeps find every coefficient).
    double orthogonalize(Index m, bool three_term, double previous_beta);

    /// Expands from column m (set, unit, orthogonal to [0, m)): product,
    /// orthogonalize, then `decide(m, beta)` chooses the next column. `fresh`:
    /// column m has no three-term coupling. Returns the last column expanded;
    /// `beta` holds its β. Throws whatever the operator throws.
    template <class Decide>
    Index expand(Index m, bool fresh, double& beta, std::uint64_t& seed, Decide decide);

    /// Thick restart: columns [0, p) become the Ritz vectors V·Y (Y: c × p)
    /// and T their Ritz values (full re-orthogonalisation only).
    void restart(const DenseMatrix& y, const Vector& values);
    /// out (n × p) = V[:, 0..c)·Y.
    void ritz_vectors(const DenseMatrix& y, DenseMatrix& out) const;

  private:
    double orthogonalize_full(Index m, bool three_term, double previous_beta);
    double orthogonalize_three_term(Index m, bool three_term, double previous_beta);

    OperatorRef op_;
    Index n_, capacity_;
    Reorthogonalization policy_;
    DenseMatrix v_, t_;
    Vector f_, projection_, correction_, alpha_;
};

template <class Decide>
Index LanczosBasis::expand(Index m, bool fresh, double& beta, std::uint64_t& seed, Decide decide) {
    for (;;) {
        op_.perform_op(column(m), f_.data());
        beta = orthogonalize(m, !fresh, beta);
        const AfterStep after = decide(m, beta);
        if (after == AfterStep::stop) return m;
        if (after == AfterStep::new_direction) {
            set_random_column(m + 1, seed++);
            fresh = true;
        } else {
            set_column_from_residual(m + 1, beta);
            fresh = false;
        }
        ++m;
    }
}

}  // namespace ridgelens::krylov
