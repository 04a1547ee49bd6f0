#include "ridgelens/mpi/distributed_eigen.hpp"

#include <slepceps.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/mpi/counting_operator.hpp"

namespace ridgelens::mpi {
namespace {

/// Counts products with H: SLEPc's own count does not include ours.
struct Eps {
    EPS eps = nullptr;
    ~Eps() {
        if (eps) EPSDestroy(&eps);
    }
};

/// A seeded start vector: the same on any number of ranks (each rank draws
/// the whole sequence and keeps its slice).
OwnedVec seeded_start(Mat hessian, std::uint64_t seed) {
    OwnedVec v = make_vector_like(hessian);
    PetscInt first = 0, last = 0;
    check(VecGetOwnershipRange(v.get(), &first, &last), "VecGetOwnershipRange");
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    PetscScalar* values = nullptr;
    check(VecGetArray(v.get(), &values), "VecGetArray");
    for (PetscInt i = 0; i < last; ++i) {
        const double x = normal(generator);
        if (i >= first) values[i - first] = x;
    }
    check(VecRestoreArray(v.get(), &values), "VecRestoreArray");
    return v;
}

PetscInt matrix_size(Mat hessian) {
    PetscInt n = 0;
    check(MatGetSize(hessian, &n, nullptr), "MatGetSize");
    return n;
}

}  // namespace

DistributedEigenpairs compute_top_eigenpairs(Mat hessian, const EigenOptions& options,
                                             std::uint64_t seed) {
    const ApiScope scope;
    const PetscInt n = matrix_size(hessian);
    const Index k = options.k;
    if (k < 1 || k >= n)
        throw UsageError("k = " + std::to_string(k) +
                         " must be in [1, n) with n = " + std::to_string(n));
    const Index subspace = lanczos_subspace_size(options, static_cast<Index>(n));
    if (subspace <= k)
        throw UsageError("the subspace (" + std::to_string(subspace) + ") must exceed k");

    MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(hessian));
    const CountingOperator counted(hessian);
    Eps solver;
    check(EPSCreate(comm, &solver.eps), "EPSCreate");
    check(EPSSetOperators(solver.eps, counted.get(), nullptr), "EPSSetOperators");
    check(EPSSetProblemType(solver.eps, EPS_HEP), "EPSSetProblemType");
    check(EPSSetType(solver.eps, EPSKRYLOVSCHUR), "EPSSetType");
    check(EPSSetWhichEigenpairs(solver.eps, EPS_LARGEST_REAL), "EPSSetWhichEigenpairs");
    check(EPSSetDimensions(solver.eps, static_cast<PetscInt>(k), static_cast<PetscInt>(subspace),
                           PETSC_DEFAULT),
          "EPSSetDimensions");
    check(EPSSetTolerances(solver.eps, options.tolerance,
                           static_cast<PetscInt>(options.max_iterations)),
          "EPSSetTolerances");
    OwnedVec start = seeded_start(hessian, seed);
    Vec initial = start.get();
    check(EPSSetInitialSpace(solver.eps, 1, &initial), "EPSSetInitialSpace");
    check(EPSSetFromOptions(solver.eps), "EPSSetFromOptions");
    check(EPSSolve(solver.eps), "EPSSolve");

    PetscInt converged = 0, iterations = 0;
    check(EPSGetConverged(solver.eps, &converged), "EPSGetConverged");
    check(EPSGetIterationNumber(solver.eps, &iterations), "EPSGetIterationNumber");

    DistributedEigenpairs result;
    Eigenpairs& pairs = result.pairs;
    pairs.requested = k;
    pairs.iterations = iterations;
    const PetscInt kept = std::min<PetscInt>(converged, static_cast<PetscInt>(k));
    std::vector<std::pair<double, OwnedVec>> found;
    for (PetscInt j = 0; j < kept; ++j) {
        PetscScalar value = 0;
        OwnedVec vector = make_vector_like(hessian);
        check(EPSGetEigenpair(solver.eps, j, &value, nullptr, vector.get(), nullptr),
              "EPSGetEigenpair");
        PetscReal norm = 0;
        check(VecNormalize(vector.get(), &norm), "VecNormalize");
        found.emplace_back(PetscRealPart(value), std::move(vector));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });

    // Every residual recomputed with a fresh product.
    OwnedVec work = make_vector_like(hessian);
    pairs.values.resize(static_cast<Index>(found.size()));
    pairs.residuals.resize(static_cast<Index>(found.size()));
    double scale = 0;
    for (const auto& [value, vector] : found) scale = std::max(scale, std::abs(value));
    Index accepted = 0;
    for (std::size_t j = 0; j < found.size(); ++j) {
        check(MatMult(counted.get(), found[j].second.get(), work.get()), "MatMult");
        check(VecAXPY(work.get(), -found[j].first, found[j].second.get()), "VecAXPY");
        PetscReal residual = 0;
        check(VecNorm(work.get(), NORM_2, &residual), "VecNorm");
        pairs.values[static_cast<Index>(j)] = found[j].first;
        pairs.residuals[static_cast<Index>(j)] = residual;
        if (std::isfinite(residual) && residual <= 10 * options.tolerance * std::max(scale, 1e-300))
            ++accepted;
    }
    for (auto& entry : found) result.vectors.push_back(std::move(entry.second));
    pairs.converged = static_cast<Index>(found.size());
    pairs.matvecs = counted.products();
    const bool finite = pairs.values.allFinite() && pairs.residuals.allFinite();
    std::ostringstream message;
    if (!finite) {
        pairs.status = EigenStatus::numerical_issue;
        message << "non-finite eigenvalue or residual from SLEPc";
    } else if (static_cast<Index>(found.size()) == k && accepted == k) {
        pairs.status = EigenStatus::converged;
        message << "all " << k << " eigenpairs converged in " << iterations
                << " Krylov-Schur restarts (SLEPc); max recomputed residual "
                << pairs.residuals.maxCoeff();
    } else {
        pairs.status = EigenStatus::not_converged;
        message << found.size() << " of " << k << " eigenpairs converged in " << iterations
                << " Krylov-Schur restarts (SLEPc), " << accepted
                << " with a recomputed residual <= 10·tol·|σ_1|";
    }
    pairs.message = message.str();
    return result;
}

SmallestEigenvalue compute_smallest_eigenvalue(Mat hessian, double scale,
                                               const PsdCheckOptions& options) {
    const ApiScope scope;
    const PetscInt n = matrix_size(hessian);
    MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(hessian));
    SmallestEigenvalue result;
    const CountingOperator counted(hessian);
    Eps solver;
    check(EPSCreate(comm, &solver.eps), "EPSCreate");
    check(EPSSetOperators(solver.eps, counted.get(), nullptr), "EPSSetOperators");
    check(EPSSetProblemType(solver.eps, EPS_HEP), "EPSSetProblemType");
    check(EPSSetType(solver.eps, EPSKRYLOVSCHUR), "EPSSetType");
    check(EPSSetWhichEigenpairs(solver.eps, EPS_SMALLEST_REAL), "EPSSetWhichEigenpairs");
    const PetscInt subspace = std::min<PetscInt>(n, 30);
    const PetscInt restarts =
        std::max<PetscInt>(1, static_cast<PetscInt>(options.max_steps) / subspace);
    check(EPSSetDimensions(solver.eps, 1, subspace, PETSC_DEFAULT), "EPSSetDimensions");
    // Absolute tolerance 0.1·tol·scale, as the single-machine check.
    const double wanted = 0.1 * options.tolerance * std::max(scale, 1e-300);
    check(EPSSetConvergenceTest(solver.eps, EPS_CONV_ABS), "EPSSetConvergenceTest");
    check(EPSSetTolerances(solver.eps, wanted, restarts), "EPSSetTolerances");
    OwnedVec start = seeded_start(hessian, 2);
    Vec initial = start.get();
    check(EPSSetInitialSpace(solver.eps, 1, &initial), "EPSSetInitialSpace");
    check(EPSSolve(solver.eps), "EPSSolve");
    PetscInt converged = 0, iterations = 0;
    check(EPSGetConverged(solver.eps, &converged), "EPSGetConverged");
    check(EPSGetIterationNumber(solver.eps, &iterations), "EPSGetIterationNumber");
    result.steps = counted.products();
    if (converged == 0) {  // SLEPc exposes no unconverged Ritz pair: no value, no verdict
        result.value = std::numeric_limits<double>::quiet_NaN();
        result.residual = std::numeric_limits<double>::quiet_NaN();
        result.matvecs = counted.products();
        result.psd = true;
        result.message = "smallest eigenvalue not converged after " + std::to_string(iterations) +
                         " Krylov-Schur restarts (SLEPc, " + std::to_string(counted.products()) +
                         " products): PSD not checked";
        return result;
    }
    OwnedVec vector = make_vector_like(hessian);
    PetscScalar value = 0;
    check(EPSGetEigenpair(solver.eps, 0, &value, nullptr, vector.get(), nullptr),
          "EPSGetEigenpair");
    result.value = PetscRealPart(value);
    PetscReal norm = 0;
    check(VecNormalize(vector.get(), &norm), "VecNormalize");
    OwnedVec work = make_vector_like(hessian);
    check(MatMult(counted.get(), vector.get(), work.get()), "MatMult");
    result.matvecs = counted.products();
    check(VecAXPY(work.get(), -result.value, vector.get()), "VecAXPY");
    PetscReal residual = 0;
    check(VecNorm(work.get(), NORM_2, &residual), "VecNorm");
    result.residual = residual;
    result.converged = residual <= 10 * wanted;
    result.psd = !(result.value < -options.tolerance * scale);
    std::ostringstream message;
    message << "smallest eigenvalue " << result.value << " (Krylov-Schur, SLEPc, "
            << "converged after " << iterations << " restarts; recomputed residual " << residual
            << ")";
    result.message = message.str();
    return result;
}

namespace {

/// An OperatorRef on this rank's rows (`hessian`'s row layout) as a PETSc
/// shell matrix, so that SLEPc multiplies by the operator the pipeline
/// passes (H, or −H for the most negative pairs), not by `hessian` itself.
class OperatorShell {
  public:
    OperatorShell(Mat hessian, OperatorRef op) : op_(op) {
        PetscInt m = 0, n = 0, rows = 0, cols = 0;
        check(MatGetLocalSize(hessian, &m, &n), "MatGetLocalSize");
        check(MatGetSize(hessian, &rows, &cols), "MatGetSize");
        MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(hessian));
        agree_on_arguments(comm, op.rows() == m && op.global_rows() == rows
                                     ? std::string()
                                     : "the SLEPc eigensolvers of a " + std::to_string(rows) +
                                           "-row matrix were called with an operator of " +
                                           std::to_string(op.global_rows()) + " rows (" +
                                           std::to_string(op.rows()) + " on this process, not " +
                                           std::to_string(m) + ")");
        check(MatCreateShell(comm, m, n, rows, cols, this, &shell_), "MatCreateShell");
        check(MatShellSetOperation(shell_, MATOP_MULT, reinterpret_cast<void (*)(void)>(&multiply)),
              "MatShellSetOperation");
        check(MatSetOption(shell_, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
    }
    ~OperatorShell() {
        if (shell_) MatDestroy(&shell_);
    }
    OperatorShell(const OperatorShell&) = delete;
    OperatorShell& operator=(const OperatorShell&) = delete;
    Mat get() const { return shell_; }

  private:
    static PetscErrorCode multiply(Mat shell, Vec x, Vec y) {
        OperatorShell* self = nullptr;
        PetscCall(MatShellGetContext(shell, &self));
        const PetscScalar* in = nullptr;
        PetscScalar* out = nullptr;
        PetscCall(VecGetArrayRead(x, &in));
        PetscCall(VecGetArray(y, &out));
        try {
            self->op_.perform_op(in, out);
        } catch (...) {
            VecRestoreArray(y, &out);
            VecRestoreArrayRead(x, &in);
            return PETSC_ERR_LIB;
        }
        PetscCall(VecRestoreArray(y, &out));
        PetscCall(VecRestoreArrayRead(x, &in));
        return 0;
    }

    OperatorRef op_;
    Mat shell_ = nullptr;
};

}  // namespace

Eigensolvers slepc_eigensolvers(Mat hessian) {
    Eigensolvers solvers;
    solvers.top = [hessian](OperatorRef op, const EigenOptions& options, std::uint64_t seed) {
        const ApiScope scope;
        const OperatorShell shell(hessian, op);
        DistributedEigenpairs distributed = compute_top_eigenpairs(shell.get(), options, seed);
        Eigenpairs& pairs = distributed.pairs;
        const Index rows = op.rows();
        pairs.vectors.resize(rows, static_cast<Index>(distributed.vectors.size()));
        for (std::size_t j = 0; j < distributed.vectors.size(); ++j) {
            const PetscScalar* values = nullptr;
            check(VecGetArrayRead(distributed.vectors[j].get(), &values), "VecGetArrayRead");
            std::copy(values, values + rows, pairs.vectors.col(static_cast<Index>(j)).data());
            check(VecRestoreArrayRead(distributed.vectors[j].get(), &values),
                  "VecRestoreArrayRead");
        }
        return std::move(pairs);
    };
    solvers.smallest = [hessian](OperatorRef op, double scale, const PsdCheckOptions& options,
                                 std::uint64_t) {
        const ApiScope scope;
        const OperatorShell shell(hessian, op);
        return compute_smallest_eigenvalue(shell.get(), scale, options);
    };
    return solvers;
}

}  // namespace ridgelens::mpi
