#include "spectrum/spectra_symeigs.hpp"

#include <omp.h>

#include <Spectra/SymEigsSolver.h>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "parallel/threading.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/random_vector.hpp"

namespace ridgelens::detail {
namespace {

// SymEigsSolver with read access to its final Lanczos factorization
// A·V = V·T + f·e_mᵀ (protected in Spectra): the Ritz pairs beyond the k
// wanted and the residual estimates ‖f‖·|y_m| of all of them.
class SymEigsWithFactorization : public Spectra::SymEigsSolver<OperatorRef> {
  public:
    using Spectra::SymEigsSolver<OperatorRef>::SymEigsSolver;
    DenseMatrix tridiagonal() const { return this->m_fac.matrix_H(); }
    double residual_norm() const { return this->m_fac.f_norm(); }
};

// Below the threading threshold Eigen's dense products inside Spectra run on
// the calling thread (an OpenMP team per small GEMM costs more than its work:
// 744 ms instead of ≈ 100 ms on bcsstk16, bench/README.md). Eigen asks
// omp_get_max_threads(), the calling thread's setting: it is 1 during
// Spectra's own work and the caller's during each product (a model's
// curvature product may be threaded over samples whatever n is), and the
// caller's again at the end.
class SerialOutsideProducts {
  public:
    using Scalar = double;
    SerialOutsideProducts(OperatorRef op, bool serial)
        : op_(op), threads_(omp_get_max_threads()), serial_(serial && threads_ > 1) {
        if (serial_) omp_set_num_threads(1);
    }
    ~SerialOutsideProducts() { omp_set_num_threads(threads_); }
    SerialOutsideProducts(const SerialOutsideProducts&) = delete;
    SerialOutsideProducts& operator=(const SerialOutsideProducts&) = delete;
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.cols(); }
    void perform_op(const double* x, double* y) const {
        if (!serial_) return op_.perform_op(x, y);
        omp_set_num_threads(threads_);
        op_.perform_op(x, y);
        omp_set_num_threads(1);
    }

  private:
    OperatorRef op_;
    int threads_;
    bool serial_;
};

// The Ritz values of the final factorization, descending, with their
// residual estimates ‖f‖·|y_m|.
struct RitzEstimates {
    Vector values;
    Vector estimates;
};

RitzEstimates ritz_estimates(const SymEigsWithFactorization& solver) {
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> ritz(solver.tridiagonal());
    const Index m = ritz.eigenvalues().size();
    RitzEstimates out{Vector(m), Vector(m)};
    for (Index j = 0; j < m; ++j) {
        out.values[j] = ritz.eigenvalues()[m - 1 - j];
        out.estimates[j] = solver.residual_norm() * std::abs(ritz.eigenvectors()(m - 1, m - 1 - j));
    }
    return out;
}

// Spectra's converged values are some of the top k Ritz values: each gets the
// estimate of the nearest one not yet taken.
Vector estimates_of(const Vector& values, const RitzEstimates& ritz, Index k) {
    Vector estimates(values.size());
    std::vector<bool> taken(static_cast<std::size_t>(k), false);
    for (Index i = 0; i < values.size(); ++i) {
        Index best = -1;
        for (Index j = 0; j < k; ++j)
            if (!taken[static_cast<std::size_t>(j)] &&
                (best < 0 ||
                 std::abs(ritz.values[j] - values[i]) < std::abs(ritz.values[best] - values[i])))
                best = j;
        taken[static_cast<std::size_t>(best)] = true;
        estimates[i] = ritz.estimates[best];
    }
    return estimates;
}

}  // namespace

LanczosOutcome spectra_symeigs(OperatorRef op, const LanczosSettings& settings) {
    const Index n = op.rows();
    const Vector start = seeded_normal_vector(n, settings.seed);
    const SerialOutsideProducts threads(op, !threads_pay_off(n));
    OperatorRef product(threads);
    SymEigsWithFactorization solver(product, settings.k, settings.max_basis);
    LanczosOutcome out;
    try {
        solver.init(start.data());
        solver.compute(Spectra::SortRule::LargestAlge, settings.max_restarts, settings.tolerance,
                       Spectra::SortRule::LargestAlge);
        out.values = solver.eigenvalues();
        out.vectors = solver.eigenvectors();
    } catch (const Error&) {
        throw;  // the operator's own (ridgelens) exceptions pass unchanged
    } catch (const std::runtime_error& failure) {
        throw IterationFailure{failure.what()};
    }
    out.converged = out.values.size();
    out.restarts = solver.num_iterations() - 1;
    out.products = solver.num_operations();
    const RitzEstimates ritz = ritz_estimates(solver);
    out.estimates = estimates_of(out.values, ritz, settings.k);
    // The basis is the whole space only when it has n vectors: then every
    // Ritz value is exact. Otherwise the next pair bounds the rest.
    out.invariant = ritz.values.size() == n;
    if (ritz.values.size() > settings.k) {
        out.has_next = true;
        out.next_value = ritz.values[settings.k];
        out.next_estimate = out.invariant ? 0.0 : ritz.estimates[settings.k];
    }
    return out;
}

}  // namespace ridgelens::detail
