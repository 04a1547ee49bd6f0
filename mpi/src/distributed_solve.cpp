#include "ridgelens/mpi/distributed_solve.hpp"

#include <petscksp.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/mpi/counting_operator.hpp"

namespace ridgelens::mpi {

double relative_residual(Mat hessian, double lambda, Vec x, Vec b) {
    Vec r = nullptr;
    check(VecDuplicate(b, &r), "VecDuplicate");
    OwnedVec owned(r);
    check(MatMult(hessian, x, r), "MatMult");
    check(VecAXPY(r, lambda, x), "VecAXPY");
    check(VecAXPY(r, -1.0, b), "VecAXPY");
    PetscReal residual = 0, b_norm = 0;
    check(VecNorm(r, NORM_2, &residual), "VecNorm");
    check(VecNorm(b, NORM_2, &b_norm), "VecNorm");
    if (b_norm == 0) return residual;
    return residual / b_norm;
}

namespace {

/// What is wrong with the arguments of a shifted solve on this rank; empty if nothing.
std::string shifted_solve_problem(Mat hessian, double lambda, Vec b, Vec x,
                                  const CgOptions& options) {
    std::string problem;
    if (hessian == nullptr)
        problem = "H is missing (a null Mat)";
    else if (!(lambda >= 0) || !std::isfinite(lambda))
        problem = "λ must be finite and >= 0";
    else if (!(options.tolerance > 0 && options.tolerance < 1))
        problem = "the CG tolerance must lie in (0, 1)";
    else if (options.max_iterations < 0)
        problem = "the CG iteration cap must be >= 0";
    if (problem.empty()) problem = vector_layout_problem(hessian, b, "the right-hand side b");
    if (problem.empty()) problem = vector_layout_problem(hessian, x, "the solution vector x");
    return problem;
}

/// (H + λI)x = b by the Krylov method `type` (KSPCG or KSPMINRES) on a shell
/// operator, arguments already agreed on.
SolveResult solve_shifted_ksp(MPI_Comm comm, Mat hessian, double lambda, Vec b, Vec x,
                              const CgOptions& options, bool jacobi, KSPType type) {
    const bool cg = std::string(type) == KSPCG;
    const auto start = std::chrono::steady_clock::now();
    PetscInt n = 0;
    check(MatGetSize(hessian, &n, nullptr), "MatGetSize");
    const Index cap =
        options.max_iterations > 0 ? options.max_iterations : std::min<Index>(10 * n, 100000);
    const CountingOperator shifted(hessian, lambda);
    KSP ksp = nullptr;
    check(KSPCreate(comm, &ksp), "KSPCreate");
    struct Destroy {
        KSP* ksp;
        ~Destroy() { KSPDestroy(ksp); }
    } destroy{&ksp};
    check(KSPSetOperators(ksp, shifted.get(), shifted.get()), "KSPSetOperators");
    check(KSPSetType(ksp, type), "KSPSetType");
    PC pc = nullptr;
    check(KSPGetPC(ksp, &pc), "KSPGetPC");
    check(PCSetType(pc, jacobi ? PCJACOBI : PCNONE), "PCSetType");
    // ‖r‖/‖b‖ on the true (unpreconditioned) residual, as the single-machine CG.
    if (cg) check(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED), "KSPSetNormType");
    check(KSPSetTolerances(ksp, options.tolerance, 0.0, PETSC_DEFAULT, static_cast<PetscInt>(cap)),
          "KSPSetTolerances");
    check(KSPSetInitialGuessNonzero(ksp, PETSC_FALSE), "KSPSetInitialGuessNonzero");
    check(KSPSetFromOptions(ksp), "KSPSetFromOptions");
    check(KSPSolve(ksp, b, x), "KSPSolve");
    KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
    PetscInt iterations = 0;
    check(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason");
    check(KSPGetIterationNumber(ksp, &iterations), "KSPGetIterationNumber");

    SolveResult result;
    result.solver = cg ? SolverKind::petsc_cg : SolverKind::petsc_minres;
    result.iterations = iterations;
    result.relative_residual = relative_residual(hessian, lambda, x, b);
    const bool finite = std::isfinite(result.relative_residual);
    if (!finite)
        result.status = SolveStatus::non_finite;
    else if (cg && (reason == KSP_DIVERGED_INDEFINITE_PC || reason == KSP_DIVERGED_INDEFINITE_MAT))
        result.status = SolveStatus::not_positive_definite;
    else if (result.relative_residual <= 10 * options.tolerance)
        result.status = SolveStatus::converged;
    else
        result.status = SolveStatus::not_converged;
    std::ostringstream message;
    message << "PETSc KSP " << (cg ? "CG" : "MINRES") << (jacobi ? " (Jacobi)" : "") << ": "
            << KSPConvergedReasons[reason] << " after " << iterations
            << " iterations; recomputed relative residual " << result.relative_residual;
    result.message = message.str();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

MPI_Comm communicator_of(Mat hessian) {
    return hessian ? PetscObjectComm(reinterpret_cast<PetscObject>(hessian)) : PETSC_COMM_WORLD;
}

}  // namespace

SolveResult solve_shifted_cg(Mat hessian, double lambda, Vec b, Vec x, const CgOptions& options,
                             bool jacobi) {
    const ApiScope scope;
    MPI_Comm comm = communicator_of(hessian);
    const std::string problem = shifted_solve_problem(hessian, lambda, b, x, options);
    agree_on_arguments(comm, problem.empty() ? "" : "solve_shifted_cg: " + problem);
    return solve_shifted_ksp(comm, hessian, lambda, b, x, options, jacobi, KSPCG);
}

SolveResult solve_shifted_minres(Mat hessian, double lambda, Vec b, Vec x,
                                 const CgOptions& options) {
    const ApiScope scope;
    MPI_Comm comm = communicator_of(hessian);
    const std::string problem = shifted_solve_problem(hessian, lambda, b, x, options);
    agree_on_arguments(comm, problem.empty() ? "" : "solve_shifted_minres: " + problem);
    return solve_shifted_ksp(comm, hessian, lambda, b, x, options, false, KSPMINRES);
}

}  // namespace ridgelens::mpi
