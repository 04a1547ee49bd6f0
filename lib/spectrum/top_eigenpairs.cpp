#include "ridgelens/spectrum/top_eigenpairs.hpp"
#include "ridgelens/random_vector.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "krylov/lanczos_recurrence.hpp"
#include "krylov/tridiagonal_eigen.hpp"
#include "ridgelens/error.hpp"
#include "spectrum/spectra_symeigs.hpp"
#include "spectrum/thick_restart_lanczos.hpp"

namespace ridgelens {
namespace {

void validate(const EigenOptions& options, Index n, Index subspace) {
    if (options.k < 1 || options.k >= n)
        throw UsageError("eigensolver: k = " + std::to_string(options.k) +
                         " must satisfy 1 <= k < n = " + std::to_string(n));
    if (subspace <= options.k || subspace > n)
        throw UsageError("eigensolver: subspace size " + std::to_string(subspace) +
                         " must satisfy k < subspace <= n = " + std::to_string(n));
    if (!(options.tolerance > 0 && options.tolerance < max_eigen_tolerance)) {
        std::ostringstream text;
        text << "eigensolver: tolerance " << options.tolerance
             << " is out of range: it must be in (0, " << max_eigen_tolerance
             << "); a looser test cannot vouch for the eigenpairs";
        throw UsageError(text.str());
    }
    if (options.max_iterations < 1) throw UsageError("eigensolver: iteration cap must be positive");
}

// Thrown out of the Lanczos iteration when a product has a NaN or Inf entry,
// so that it stops at once and the message can say which product.
struct NonFiniteProduct {
    std::int64_t product = 0;  // 1-based number of the offending product
};

// The counted operator, checking every output vector for NaN and Inf.
class FiniteCheckedOperator {
  public:
    using Scalar = double;
    explicit FiniteCheckedOperator(CountingOperator& op) : op_(op) {}
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.cols(); }
    void perform_op(const double* x, double* y) const {
        op_.perform_op(x, y);
        for (Index i = 0; i < op_.rows(); ++i)
            if (!std::isfinite(y[i])) throw NonFiniteProduct{op_.applications()};
    }

  private:
    CountingOperator& op_;
};

// These Lanczos runs keep whole vectors on one process.
void require_whole_vectors(OperatorRef op, const char* who) {
    if (op.partition() != nullptr)
        throw UsageError(std::string(who) +
                         ": the operator's vectors are split over processes (RowPartition); "
                         "use a distributed eigensolver (ridgelens::mpi::slepc_eigensolvers)");
}

// The Lanczos test passed on its estimates; the recomputed residuals say
// whether the claim holds. A residual within 10× the test's threshold
// tolerance·max(|σ_j|, ε^{2/3}σ_1) confirms it; one within the rounding level
// 64ε·σ_1·√n of the product (what no double-precision method beats) is said
// to be converged only to that level (σ_j is then known to ±that residual,
// which the decay analysis uses); one beyond both means the estimates were
// wrong: not converged.
void audit_residuals(Eigenpairs& result, double tolerance, std::ostringstream& message) {
    const Index k = result.values.size();
    if (k == 0 || result.residuals.size() != k) return;
    const double sigma_1 = result.values.cwiseAbs().maxCoeff();
    const double epsilon = std::numeric_limits<double>::epsilon();
    const double rounding =
        64 * epsilon * sigma_1 * std::sqrt(static_cast<double>(result.vectors.rows()));
    Index rounding_limited = 0, failed = 0;
    double worst = 0;
    for (Index j = 0; j < k; ++j) {
        const double threshold =
            10 * tolerance *
            std::max(std::abs(result.values[j]), std::cbrt(epsilon * epsilon) * sigma_1);
        const double residual = result.residuals[j];
        if (residual <= threshold) continue;
        worst = std::max(worst, residual / std::max(std::abs(result.values[j]), 1e-300));
        if (residual <= rounding)
            ++rounding_limited;
        else
            ++failed;
    }
    if (failed > 0) {
        result.status = EigenStatus::not_converged;
        message << "; but the recomputed residuals ‖Hq_j − σ_jq_j‖ of " << failed
                << " pairs exceed both the tolerance and the rounding level " << rounding
                << " (largest relative residual " << worst
                << "): the Lanczos estimates were wrong, these pairs have not converged";
    } else if (rounding_limited > 0) {
        message << "; " << rounding_limited
                << " of them only to the rounding level ε·σ_1 of H (recomputed "
                   "‖Hq_j − σ_jq_j‖ up to "
                << worst << "·|σ_j|): their eigenvalues are known only to ±" << rounding;
    }
}

// The residual test says each Ritz value lies within its residual of *some*
// eigenvalue; it does not say that the k values found are the top k. They are
// vouched for only when the part of the spectrum the basis has not resolved —
// bounded above by the largest Ritz value beyond the top k plus its residual
// estimate — lies below the interval σ_k − r_k of the k-th pair. A basis of
// only k vectors (a loose tolerance accepted at once) bounds nothing. A next
// pair that itself passed the test is a resolved eigenvalue (a tie with σ_k
// is then harmless).
void vouch_for_top_set(Eigenpairs& result, const detail::LanczosOutcome& run, double tolerance,
                       std::ostringstream& message) {
    const Index k = result.values.size();
    if (k == 0 || run.invariant) return;
    const double sigma_k = result.values[k - 1];
    const double r_k = result.residuals.size() == k ? result.residuals[k - 1] : 0.0;
    if (!run.has_next) {
        result.status = EigenStatus::not_converged;
        message << "; but the Lanczos basis holds only the k = " << k
                << " vectors, so nothing bounds the rest of the spectrum: the top-" << k
                << " set is not vouched for (tighten the eigen tolerance)";
        return;
    }
    const double floor =
        std::pow(std::numeric_limits<double>::epsilon(), 2.0 / 3.0) * std::abs(result.values[0]);
    const bool next_resolved =
        run.next_estimate < tolerance * std::max(floor, std::abs(run.next_value));
    const double reach = run.next_value + run.next_estimate;
    if (next_resolved || reach < sigma_k - r_k) return;
    result.status = EigenStatus::not_converged;
    message << "; but the unresolved part of the spectrum reaches " << reach << " (Ritz value "
            << run.next_value << " ± " << run.next_estimate << "), which overlaps σ_" << k << " = "
            << sigma_k << " ± " << r_k << ": the top-" << k
            << " set and its order are not vouched for (tighten the "
            << "eigen tolerance or raise k)";
}

// A top-k iteration on the counted, NaN-checked operator: the library's
// thick-restart Lanczos or Spectra's SymEigsSolver.
using TopIteration = detail::LanczosOutcome (*)(OperatorRef, const detail::LanczosSettings&);

// The residuals ‖Hq_j − σ_jq_j‖ recomputed, k more products.
Vector recomputed_residuals(CountingOperator& counting, const Eigenpairs& result) {
    Vector residuals(result.converged);
    Vector product(result.vectors.rows());
    for (Index j = 0; j < result.converged; ++j) {
        counting.perform_op(result.vectors.col(j).data(), product.data());
        residuals[j] = (product - result.values[j] * result.vectors.col(j)).norm();
    }
    return residuals;
}

// Both backends: validation, the NaN/Inf test of every product, the
// residuals, and the statuses (audit_residuals, vouch_for_top_set).
// `method` names a backend other than the default in the message.
Eigenpairs run_top_eigenpairs(OperatorRef op, const EigenOptions& options, std::uint64_t seed,
                              const char* who, TopIteration iteration, const std::string& method) {
    require_whole_vectors(op, who);
    const Index n = op.rows();
    const Index subspace = lanczos_subspace_size(options, n);
    validate(options, n, subspace);

    CountingOperator counting(op);
    FiniteCheckedOperator checked(counting);
    Eigenpairs result;
    result.requested = options.k;
    detail::LanczosSettings settings;
    settings.k = options.k;
    settings.max_basis = subspace;
    settings.tolerance = options.tolerance;
    settings.max_restarts = options.max_iterations;
    settings.seed = seed;
    detail::LanczosOutcome run;
    try {
        run = iteration(OperatorRef(checked), settings);
    } catch (const NonFiniteProduct& fault) {
        result.status = EigenStatus::numerical_issue;
        result.matvecs = counting.applications();
        std::ostringstream message;
        message << "Lanczos stopped: the operator returned NaN or Inf in product " << fault.product
                << " with H (Lanczos step " << fault.product << "); no eigenpairs computed";
        result.message = message.str();
        result.residuals.resize(0);
        return result;
    } catch (const detail::IterationFailure& failure) {
        result.status = EigenStatus::numerical_issue;
        result.matvecs = counting.applications();
        result.message =
            "the eigensolver" + method + " failed: " + failure.what + "; no eigenpairs computed";
        return result;
    }

    result.iterations = run.restarts + 1;
    result.values = std::move(run.values);
    result.vectors = std::move(run.vectors);
    result.converged = result.values.size();
    result.residuals = options.recompute_residuals ? recomputed_residuals(counting, result)
                                                   : std::move(run.estimates);
    result.matvecs = counting.applications();

    std::ostringstream message;
    if (!result.values.allFinite()) {
        result.status = EigenStatus::numerical_issue;
        message << "non-finite eigenvalues: the operator produced NaN or Inf";
    } else if (result.converged < options.k) {
        result.status = EigenStatus::not_converged;
        message << "only " << result.converged << " of " << options.k << " eigenpairs converged"
                << method << " after " << run.restarts
                << " restarts (raise EigenOptions::max_iterations or EigenOptions::subspace)";
    } else {
        result.status = EigenStatus::converged;
        message << "all " << options.k << " eigenpairs converged" << method << " after "
                << run.restarts << " restarts (" << run.products << " Lanczos products)";
        if (options.recompute_residuals) audit_residuals(result, options.tolerance, message);
        if (result.status == EigenStatus::converged)
            vouch_for_top_set(result, run, options.tolerance, message);
    }
    result.message = message.str();
    return result;
}

// The smallest Ritz value of the Jacobi matrix (alpha, beta) so far, the
// Ritz values below −threshold, and the residual estimate of the smallest
// pair (β·|last component of its eigenvector|; 0 on an invariant subspace).
struct SmallestRitz {
    double value = std::numeric_limits<double>::infinity();
    double residual = std::numeric_limits<double>::infinity();
    std::vector<double> negative;
};

SmallestRitz smallest_ritz(const std::vector<double>& alpha, const std::vector<double>& beta,
                           double coupling, bool invariant, double threshold) {
    const Index m = static_cast<Index>(alpha.size());
    const krylov::TridiagonalEigen t =
        krylov::tridiagonal_eigen(alpha.data(), beta.data(), m, krylov::TridiagonalRows::last);
    SmallestRitz out;
    out.value = t.values[0];
    for (Index i = 0; i < m && t.values[i] < -threshold; ++i) out.negative.push_back(t.values[i]);
    out.residual = invariant ? 0.0 : coupling * std::abs(t.rows(0, 0));
    return out;
}

}  // namespace

Index lanczos_subspace_size(const EigenOptions& options, Index n) {
    const Index subspace =
        options.subspace != 0 ? options.subspace : std::max(2 * options.k + 1, options.k + 20);
    return std::min(subspace, n);
}

double lanczos_memory_bytes(const EigenOptions& options, Index n) {
    const double vectors = static_cast<double>(lanczos_subspace_size(options, n) + options.k + 8);
    return vectors * static_cast<double>(n) * sizeof(double);
}

const char* to_string(EigenStatus status) {
    switch (status) {
        case EigenStatus::converged:
            return "converged";
        case EigenStatus::not_converged:
            return "not_converged";
        case EigenStatus::numerical_issue:
            return "numerical_issue";
    }
    return "unknown";
}

Eigenpairs compute_top_eigenpairs(OperatorRef op, const EigenOptions& options, std::uint64_t seed) {
    return run_top_eigenpairs(op, options, seed, "compute_top_eigenpairs",
                              detail::thick_restart_lanczos, "");
}

Eigenpairs compute_top_eigenpairs_spectra(OperatorRef op, const EigenOptions& options,
                                          std::uint64_t seed) {
    return run_top_eigenpairs(op, options, seed, "compute_top_eigenpairs_spectra",
                              detail::spectra_symeigs, " by Spectra's SymEigsSolver");
}

SmallestEigenvalue compute_smallest_eigenvalue(OperatorRef op, double scale,
                                               const PsdCheckOptions& options, std::uint64_t seed) {
    require_whole_vectors(op, "compute_smallest_eigenvalue");
    const Index n = op.rows();
    if (!(scale > 0) || !std::isfinite(scale))
        throw UsageError("PSD check: scale must be a positive bound on ||H||");
    if (!(options.tolerance > 0)) throw UsageError("PSD check: tolerance must be positive");
    const Index max_steps = std::min<Index>(std::max<Index>(options.max_steps, 1), n);
    const double threshold = options.tolerance * scale;

    // Lanczos from a seeded random vector, with full reorthogonalization
    // while the basis fits in 512 MB (without it, lost orthogonality slows the
    // convergence of the smallest Ritz pair; the Ritz values stay inside the
    // spectrum either way).
    const bool reorthogonalize =
        static_cast<double>(n) * static_cast<double>(max_steps) * sizeof(double) <= 512e6;
    krylov::LanczosBasis basis(
        op, max_steps,
        reorthogonalize ? krylov::Reorthogonalization::full : krylov::Reorthogonalization::none);
    const Vector start = seeded_normal_vector(n, seed);
    basis.set_start_column(0, start.data());
    std::vector<double> alpha, beta;  // the Jacobi matrix T so far
    SmallestEigenvalue result;
    SmallestRitz ritz;
    bool finite = true;
    double b = 0;
    std::uint64_t fresh_seed = seed + 1;  // unused: the check stops at an invariant subspace
    basis.expand(0, true, b, fresh_seed, [&](Index step, double coupling) {
        result.matvecs = step + 1;
        const double a = basis.alpha(step);
        if (!std::isfinite(a) || !std::isfinite(coupling)) {
            finite = false;
            return krylov::AfterStep::stop;
        }
        alpha.push_back(a);
        result.steps = step + 1;
        const bool invariant = coupling <= 1e-14 * scale;  // Krylov space exhausted: exact
        if (invariant || (step + 1) % 10 == 0 || step + 1 == max_steps) {
            ritz = smallest_ritz(alpha, beta, coupling, invariant, threshold);
            if (ritz.residual <= 0.1 * threshold || invariant) return krylov::AfterStep::stop;
        }
        if (step + 1 == max_steps) return krylov::AfterStep::stop;
        beta.push_back(coupling);
        return krylov::AfterStep::next;
    });
    result.negative_values = std::move(ritz.negative);
    const double residual = ritz.residual;

    std::ostringstream message;
    if (!finite) {
        result.value = std::nan("");
        result.psd = false;
        result.converged = false;
        message << "PSD check failed: the operator produced NaN or Inf at Lanczos step "
                << result.steps + 1;
    } else {
        result.value = ritz.value;
        result.residual = residual;
        result.converged = residual <= 0.1 * threshold;
        result.psd = ritz.value >= -threshold;
        if (!result.psd) {
            message << "H is indefinite: Lanczos found the eigenvalue " << ritz.value << " (below -"
                    << options.tolerance << "·" << scale << ") in " << result.steps << " steps";
        } else if (result.converged) {
            message << "smallest eigenvalue " << ritz.value << " (residual " << residual
                    << "): H is positive semidefinite to " << options.tolerance << "·σ_1";
        } else {
            message << "no eigenvalue below -" << options.tolerance << "·σ_1 found in "
                    << result.steps << " Lanczos steps; smallest Ritz value " << ritz.value
                    << " (an upper bound on σ_min) has not converged (residual bound " << residual
                    << "), so H is probably but not provably PSD";
        }
    }
    result.message = message.str();
    return result;
}

}  // namespace ridgelens
