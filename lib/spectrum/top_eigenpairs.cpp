#include "ridgelens/spectrum/top_eigenpairs.hpp"

#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/operator/shifted_operator.hpp"

namespace ridgelens {
namespace {

Vector seeded_start_vector(Index n, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    Vector v(n);
    for (Index i = 0; i < n; ++i) v[i] = normal(generator);
    return v;
}

Index choose_subspace(const EigenOptions& options, Index n) {
    Index subspace = options.subspace;
    if (subspace == 0) subspace = std::max(2 * options.k + 1, options.k + 20);
    return std::min(subspace, n);
}

void validate(const EigenOptions& options, Index n, Index subspace) {
    if (options.k < 1 || options.k >= n)
        throw UsageError("eigensolver: k = " + std::to_string(options.k) +
                         " must satisfy 1 <= k < n = " + std::to_string(n));
    if (subspace <= options.k || subspace > n)
        throw UsageError("eigensolver: subspace size " + std::to_string(subspace) +
                         " must satisfy k < subspace <= n = " + std::to_string(n));
    if (!(options.tolerance > 0)) throw UsageError("eigensolver: tolerance must be positive");
    if (options.max_iterations < 1)
        throw UsageError("eigensolver: iteration cap must be positive");
}

// Runs Spectra's restarted Lanczos on `op` for the extreme pairs `rule` picks.
struct LanczosRun {
    Vector values;
    DenseMatrix vectors;
    Index iterations = 0;
    Spectra::CompInfo info = Spectra::CompInfo::NotComputed;
};

LanczosRun run_lanczos(CountingOperator& op, Index k, Index subspace,
                       const EigenOptions& options, Spectra::SortRule rule, std::uint64_t seed) {
    Spectra::SymEigsSolver<CountingOperator> solver(op, k, subspace);
    const Vector start = seeded_start_vector(op.rows(), seed);
    solver.init(start.data());
    LanczosRun run;
    solver.compute(rule, options.max_iterations, options.tolerance, rule);
    run.info = solver.info();
    run.iterations = solver.num_iterations();
    if (run.info != Spectra::CompInfo::NumericalIssue) {
        run.values = solver.eigenvalues();
        run.vectors = solver.eigenvectors();
    }
    return run;
}

}  // namespace

const char* to_string(EigenStatus status) {
    switch (status) {
        case EigenStatus::converged: return "converged";
        case EigenStatus::not_converged: return "not_converged";
        case EigenStatus::numerical_issue: return "numerical_issue";
    }
    return "unknown";
}

Eigenpairs compute_top_eigenpairs(OperatorRef op, const EigenOptions& options,
                                  std::uint64_t seed) {
    const Index n = op.rows();
    const Index subspace = choose_subspace(options, n);
    validate(options, n, subspace);

    CountingOperator counting(op);
    LanczosRun run =
        run_lanczos(counting, options.k, subspace, options, Spectra::SortRule::LargestAlge, seed);

    Eigenpairs result;
    result.requested = options.k;
    result.iterations = run.iterations;
    result.values = std::move(run.values);
    result.vectors = std::move(run.vectors);
    result.converged = result.values.size();
    result.residuals.resize(result.converged);
    Vector product(n);
    for (Index j = 0; j < result.converged; ++j) {
        counting.perform_op(result.vectors.col(j).data(), product.data());
        result.residuals[j] = (product - result.values[j] * result.vectors.col(j)).norm();
    }
    result.matvecs = counting.applications();

    std::ostringstream message;
    if (run.info == Spectra::CompInfo::NumericalIssue) {
        result.status = EigenStatus::numerical_issue;
        message << "Lanczos stopped on a numerical issue (non-finite operator output or "
                   "breakdown)";
    } else if (!result.values.allFinite()) {
        result.status = EigenStatus::numerical_issue;
        message << "non-finite eigenvalues: the operator produced NaN or Inf";
    } else if (result.converged < options.k) {
        result.status = EigenStatus::not_converged;
        message << "only " << result.converged << " of " << options.k
                << " eigenpairs converged after " << run.iterations
                << " restarts (raise --max-iterations or the subspace size)";
    } else {
        result.status = EigenStatus::converged;
        message << "all " << options.k << " eigenpairs converged in " << run.iterations
                << " restarts";
    }
    result.message = message.str();
    return result;
}

SmallestEigenvalue compute_smallest_eigenvalue(OperatorRef op, double scale,
                                               double psd_tolerance, const EigenOptions& options,
                                               std::uint64_t seed) {
    const Index n = op.rows();
    if (!(scale > 0) || !std::isfinite(scale))
        throw UsageError("smallest eigenvalue: scale must be a positive bound on ||H||");
    EigenOptions single = options;
    single.k = 1;
    single.subspace = std::min<Index>(n, options.subspace > 1 ? options.subspace : 30);
    validate(single, n, single.subspace);

    // The smallest eigenvalue of H is the largest of s·I − H: Lanczos then
    // tests convergence relative to s ≈ ‖H‖, not to σ_min (which may be 0).
    // Residuals are shift-invariant.
    ShiftedOperator shifted(op, -scale);
    struct Negated {
        using Scalar = double;
        const ShiftedOperator* inner;
        Index rows() const { return inner->rows(); }
        Index cols() const { return inner->cols(); }
        void perform_op(const double* x, double* y) const {
            inner->perform_op(x, y);
            for (Index i = 0; i < rows(); ++i) y[i] = -y[i];
        }
    } negated{&shifted};
    CountingOperator counting(negated);
    LanczosRun run =
        run_lanczos(counting, 1, single.subspace, single, Spectra::SortRule::LargestAlge, seed);

    SmallestEigenvalue result;
    result.iterations = run.iterations;
    std::ostringstream message;
    if (run.info == Spectra::CompInfo::NumericalIssue || run.values.size() == 0 ||
        !run.values.allFinite()) {
        result.converged = false;
        result.value = std::nan("");
        result.psd = false;
        message << "smallest eigenvalue not found (Lanczos did not converge in "
                << run.iterations << " restarts); positive semidefiniteness is unverified";
    } else {
        result.converged = true;
        result.value = scale - run.values[0];
        Vector product(n);
        counting.perform_op(run.vectors.col(0).data(), product.data());
        // product = (s·I − H)q; the residual of H is the same as that of s·I − H.
        result.residual = (product - run.values[0] * run.vectors.col(0)).norm();
        result.psd = result.value >= -psd_tolerance * scale;
        message << "smallest eigenvalue " << result.value << " (residual " << result.residual
                << ")";
        if (!result.psd)
            message << ": H is indefinite (below -" << psd_tolerance << "·" << scale << ")";
    }
    result.matvecs = counting.applications();
    result.message = message.str();
    return result;
}

}  // namespace ridgelens
