// The exact path of df(λ): all eigenvalues by a dense eigendecomposition
// (LAPACK dsyevd), then df(λ) = Σ_j σ_j/(σ_j+λ).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <new>
#include <sstream>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "spectrum/lapack_symmetric_eigen.hpp"

namespace ridgelens {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void check_dense_size(Index n, Index max_rows, const char* who) {
    if (n < 1) throw UsageError(std::string(who) + ": the matrix is empty");
    if (max_rows < 1) throw UsageError(std::string(who) + ": max_rows must be positive");
    if (n > max_rows)
        throw UsageError(std::string(who) + ": n = " + std::to_string(n) +
                         " exceeds the dense limit of " + std::to_string(max_rows) +
                         " rows (use the SLQ estimate, estimate_spectrum, for large n)");
    if (n > std::numeric_limits<int>::max() / n)
        throw UsageError(std::string(who) + ": n = " + std::to_string(n) +
                         " is too large for LAPACK");
}

DenseMatrix allocate_dense(Index n, const char* who) {
    try {
        return DenseMatrix(n, n);
    } catch (const std::bad_alloc&) {
        std::ostringstream message;
        message << who << ": cannot allocate the dense " << n << "x" << n << " matrix ("
                << static_cast<double>(n) * static_cast<double>(n) * 8 / 1e9 << " GB)";
        throw ResourceError(message.str());
    }
}

// Symmetrizes `a` in place as (A + Aᵀ)/2 and returns max|a_ij − a_ji| / max|a_ij|.
double symmetrize(DenseMatrix& a) {
    const Index n = a.rows();
    double largest = 0, asymmetry = 0;
    for (Index j = 0; j < n; ++j) {
        largest = std::max(largest, std::abs(a(j, j)));
        for (Index i = j + 1; i < n; ++i) {
            largest = std::max({largest, std::abs(a(i, j)), std::abs(a(j, i))});
            asymmetry = std::max(asymmetry, std::abs(a(i, j) - a(j, i)));
            const double mean = 0.5 * (a(i, j) + a(j, i));
            a(i, j) = mean;
            a(j, i) = mean;
        }
    }
    return largest > 0 ? asymmetry / largest : 0.0;
}

// Eigenvalues of the symmetric matrix `a` (destroyed) by dsyevd, descending.
void lapack_eigenvalues(DenseMatrix& a, DenseEigenvalues& result) {
    Vector ascending;
    const std::string failure = detail::lapack_symmetric_eigen(a, false, ascending);
    if (!failure.empty()) {
        result.ok = false;
        result.message = failure;
        return;
    }
    const Index n = ascending.size();
    result.values = ascending.reverse();
    result.ok = true;
    std::ostringstream message;
    message << "all " << n << " eigenvalues by LAPACK dsyevd: σ_max = " << result.values[0]
            << ", σ_min = " << result.values[n - 1];
    result.message = message.str();
}

}  // namespace

DenseEigenvalues dense_spectrum(const SparseMatrix& h, Index max_rows) {
    const auto start = std::chrono::steady_clock::now();
    if (h.rows() != h.cols())
        throw UsageError("dense_spectrum: matrix is " + std::to_string(h.rows()) + "x" +
                         std::to_string(h.cols()) + ", not square");
    const Index n = h.rows();
    check_dense_size(n, max_rows, "dense_spectrum");
    DenseMatrix a = allocate_dense(n, "dense_spectrum");
    a.setZero();
    for (Index j = 0; j < h.outerSize(); ++j)
        for (SparseMatrix::InnerIterator it(h, j); it; ++it) a(it.row(), it.col()) += it.value();
    DenseEigenvalues result;
    result.max_asymmetry = symmetrize(a);
    lapack_eigenvalues(a, result);
    result.seconds = seconds_since(start);
    return result;
}

DenseEigenvalues dense_spectrum(OperatorRef op, Index max_rows) {
    const auto start = std::chrono::steady_clock::now();
    const Index n = op.global_rows();
    check_dense_size(n, max_rows, "dense_spectrum");
    DenseMatrix a = allocate_dense(n, "dense_spectrum");
    // Column j of H = H e_j. With a partitioned operator each process forms its
    // rows of every column in place (the rest zero) and one sum completes A.
    const Index rows = op.rows(), first = op.first_row();
    if (rows != n) {
        a.setZero();
        Vector unit = Vector::Zero(rows);
        for (Index j = 0; j < n; ++j) {
            const bool mine = j >= first && j < first + rows;
            if (mine) unit[j - first] = 1.0;
            op.perform_op(unit.data(), a.col(j).data() + first);
            if (mine) unit[j - first] = 0.0;
        }
        op.sum(a.data(), a.size());
    } else {
        // Blocks of unit vectors through perform_ops: an operator with batched
        // products (a model's curvature) forms them in one pass per block.
        constexpr Index block = 64;
        DenseMatrix units = DenseMatrix::Zero(n, std::min(block, n));
        for (Index j0 = 0; j0 < n; j0 += block) {
            const Index count = std::min(block, n - j0);
            for (Index j = 0; j < count; ++j) units(j0 + j, j) = 1.0;
            op.perform_ops(units.data(), count, a.col(j0).data());
            for (Index j = 0; j < count; ++j) units(j0 + j, j) = 0.0;
        }
    }
    DenseEigenvalues result;
    result.matvecs = n;
    result.max_asymmetry = symmetrize(a);
    lapack_eigenvalues(a, result);
    if (result.ok && result.max_asymmetry > 1e-8) {
        std::ostringstream message;
        message << "; warning: the operator is not symmetric (max|a_ij − a_ji|/max|a_ij| = "
                << result.max_asymmetry << "), the eigenvalues are those of (A + Aᵀ)/2";
        result.message += message.str();
    }
    result.seconds = seconds_since(start);
    return result;
}

Vector exact_effective_dof(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                           double null_tolerance) {
    lambdas.require_nonempty("exact_effective_dof");
    if (all_eigenvalues.size() == 0) throw UsageError("exact_effective_dof: no eigenvalues given");
    if (!all_eigenvalues.allFinite())
        throw UsageError("exact_effective_dof: the eigenvalues are not all finite");
    if (!(null_tolerance >= 0 && null_tolerance < 1))
        throw UsageError("exact_effective_dof: null_tolerance must lie in [0, 1)");

    const double scale = all_eigenvalues.cwiseAbs().maxCoeff();
    const double threshold = null_tolerance * scale;
    const double smallest = all_eigenvalues.minCoeff();
    if (smallest < -threshold) {
        std::ostringstream message;
        message << "exact_effective_dof: H is indefinite (σ_min = " << smallest
                << " < −null threshold = " << -threshold
                << "); df(λ) = tr(H(H+λI)⁻¹) is only defined for positive semidefinite H";
        throw UsageError(message.str());
    }

    // Sum from the smallest σ up: the terms then grow, which keeps the
    // rounding of the long sum small.
    std::vector<double> sigma(all_eigenvalues.data(),
                              all_eigenvalues.data() + all_eigenvalues.size());
    std::sort(sigma.begin(), sigma.end());
    Vector df(static_cast<Index>(lambdas.size()));
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        const double lambda = lambdas[i];
        double sum = 0;
        for (const double s : sigma)
            if (s > threshold) sum += s / (s + lambda);
        df[static_cast<Index>(i)] = sum;
    }
    return df;
}

namespace {

// Σ_j max |t(σ') − t(σ_j)| over σ' ∈ [max(σ_j − τ, 0), σ_j + τ] for the
// spectral term t(σ, λ) (0 at a null σ), τ = max(null_tolerance, nε)·max|σ|.
template <class Term>
Vector resolution_bound(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                        double null_tolerance, Term term) {
    const double scale = all_eigenvalues.cwiseAbs().maxCoeff();
    const double threshold = null_tolerance * scale;
    const double n = static_cast<double>(all_eigenvalues.size());
    const double tau = std::max(null_tolerance, n * std::numeric_limits<double>::epsilon()) * scale;
    Vector bound = Vector::Zero(static_cast<Index>(lambdas.size()));
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        const double lambda = lambdas[i];
        double sum = 0;
        for (Index j = 0; j < all_eigenvalues.size(); ++j) {
            const double sigma = all_eigenvalues[j];
            const bool null = !(sigma > threshold);
            if (null && lambda == 0) continue;  // the numerical-rank convention
            const double value = null ? 0.0 : term(sigma, lambda);
            const double low = std::max(sigma - tau, 0.0), high = std::max(sigma, 0.0) + tau;
            sum +=
                std::max(std::abs(term(high, lambda) - value), std::abs(term(low, lambda) - value));
        }
        bound[static_cast<Index>(i)] = sum;
    }
    return bound;
}

double log_det_term(double sigma, double lambda) {
    return sigma > 0 ? std::log1p(sigma / lambda) : 0.0;
}

}  // namespace

Vector exact_effective_dof_resolution(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                                      double null_tolerance) {
    exact_effective_dof(all_eigenvalues, lambdas, null_tolerance);  // the same validation
    return resolution_bound(all_eigenvalues, lambdas, null_tolerance,
                            [](double s, double lambda) { return s > 0 ? s / (s + lambda) : 0.0; });
}

Vector exact_log_det(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                     double null_tolerance) {
    exact_effective_dof(all_eigenvalues, lambdas, null_tolerance);  // the same validation
    const double threshold = null_tolerance * all_eigenvalues.cwiseAbs().maxCoeff();
    std::vector<double> sigma(all_eigenvalues.data(),
                              all_eigenvalues.data() + all_eigenvalues.size());
    std::sort(sigma.begin(), sigma.end());  // small terms first
    Vector log_det(static_cast<Index>(lambdas.size()));
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        double sum = 0;
        if (lambdas[i] > 0) {
            for (const double s : sigma)
                if (s > threshold) sum += log_det_term(s, lambdas[i]);
        } else {
            sum = std::numeric_limits<double>::quiet_NaN();
        }
        log_det[static_cast<Index>(i)] = sum;
    }
    return log_det;
}

Vector exact_log_det_resolution(const Vector& all_eigenvalues, const LambdaGrid& lambdas,
                                double null_tolerance) {
    exact_effective_dof(all_eigenvalues, lambdas, null_tolerance);  // the same validation
    Vector bound = resolution_bound(all_eigenvalues, lambdas, null_tolerance, log_det_term);
    for (std::size_t i = 0; i < lambdas.size(); ++i)
        if (!(lambdas[i] > 0))
            bound[static_cast<Index>(i)] = std::numeric_limits<double>::quiet_NaN();
    return bound;
}

}  // namespace ridgelens
