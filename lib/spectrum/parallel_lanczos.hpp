#pragma once
// Spectra's restarted Lanczos (SymEigsSolver) with its memory-bound inner
// loops replaced for one operator type, LanczosOperator. Spectra remains the
// engine: restarts (implicitly shifted QR of the tridiagonal matrix), Ritz
// pairs, convergence tests and the final Ritz vectors are its own code. What
// is specialized here, for LanczosOperator only, are the three places where
// Spectra streams the n × m basis V through single-threaded Eigen products:
//
// - ArnoldiOp<double, LanczosOperator, IdentityBOp>: inner products, norms and
//   Vᵀf, OpenMP-parallel over row blocks;
// - Lanczos<…>::factorize_from, one Lanczos step per new basis vector with
//   full reorthogonalization (classical Gram-Schmidt, repeated while the
//   projection exceeds ε‖f‖, as Spectra does), but with the residual update,
//   the projection Vᵀf and ‖f‖² fused into one cache-blocked pass over V, and
//   each correction f −= V·c fused with the next projection: one pass over V
//   per Gram-Schmidt sweep instead of two or three;
// - Arnoldi<…>::compress_V, the restart's V ← V·Q (k+1 columns), one
//   cache-blocked parallel pass over V instead of k+1 matrix-vector products.
//
// The arithmetic is the same as Spectra's up to the order of floating-point
// sums. bench/README.md has the measurements.

#include <Spectra/SymEigsSolver.h>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::detail {

/// The operator type Spectra is instantiated with: a plain reference to any
/// operator (the specializations below are keyed on this type).
class LanczosOperator {
  public:
    using Scalar = double;
    explicit LanczosOperator(OperatorRef op) : op_(op) {}
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.cols(); }
    void perform_op(const double* x, double* y) const { op_.perform_op(x, y); }

  private:
    OperatorRef op_;
};

/// Below this many rows the basis kernels run on one thread (a team's start-up
/// and barriers cost more than the work; the sparse product uses the same cut).
constexpr Index lanczos_parallel_rows = 20000;

/// x·y over n entries (OpenMP for large n).
double parallel_dot(const double* x, const double* y, Index n);

/// result[0..c) = Vᵀy for the n × c column-major V with leading dimension ld.
void parallel_transpose_product(const double* v, Index ld, Index n, Index c, const double* y,
                                double* result);

/// y −= V·coefficients for the n × c column-major V with leading dimension ld
/// (OpenMP over row blocks, each block of V read once).
void parallel_subtract_product(const double* v, Index ld, Index n, Index c,
                               const double* coefficients, double* y);

}  // namespace ridgelens::detail

namespace Spectra {

using RidgelensArnoldiOp = ArnoldiOp<double, ridgelens::detail::LanczosOperator, IdentityBOp>;

template <>
class ArnoldiOp<double, ridgelens::detail::LanczosOperator, IdentityBOp> {
  public:
    using Vector = Eigen::VectorXd;
    ArnoldiOp(const ridgelens::detail::LanczosOperator& op, const IdentityBOp& /*identity*/)
        : op_(op) {}
    Eigen::Index rows() const { return op_.rows(); }
    void perform_op(const double* x, double* y) const { op_.perform_op(x, y); }

    template <typename Left, typename Right>
    double inner_product(const Left& x, const Right& y) const {
        const Eigen::Ref<const Vector> a(x), b(y);
        return ridgelens::detail::parallel_dot(a.data(), b.data(), a.size());
    }
    template <typename Arg>
    double norm(const Arg& x) const {
        const Eigen::Ref<const Vector> a(x);
        return std::sqrt(ridgelens::detail::parallel_dot(a.data(), a.data(), a.size()));
    }
    template <typename Basis, typename Arg>
    void trans_product(const Basis& x, const Arg& y, Eigen::Ref<Vector> result) const {
        const Eigen::Ref<const Eigen::MatrixXd> basis(x);
        const Eigen::Ref<const Vector> a(y);
        ridgelens::detail::parallel_transpose_product(
            basis.data(), basis.outerStride(), basis.rows(), basis.cols(), a.data(), result.data());
    }

  private:
    const ridgelens::detail::LanczosOperator& op_;
};

template <>
void Lanczos<double, RidgelensArnoldiOp>::factorize_from(Index from_k, Index to_m,
                                                         Index& op_counter);

template <>
void Arnoldi<double, RidgelensArnoldiOp>::compress_V(const Matrix& Q);

}  // namespace Spectra
