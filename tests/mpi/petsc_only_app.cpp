// An application that initializes only PETSc (PetscInitialize, as most PETSc
// codes do) and calls the library's analysis with ridgelens::mpi's SLEPc
// eigensolvers, which need SLEPc: it works (ridgelens::mpi initializes SLEPc
// for it); a misuse raises ridgelens' error
// with PETSc's own text. Prints "petsc-only: ok" on rank 0 when all holds.

#include <petscsys.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/mpi/partitioned_operator.hpp"
#include "ridgelens/random_vector.hpp"

namespace {

using namespace ridgelens;

int run() {
    const Index n = 12;
    std::vector<Eigen::Triplet<double>> entries;
    for (Index i = 0; i < n; ++i) entries.emplace_back(i, i, 1.0 + static_cast<double>(i));
    SparseMatrix full(n, n);
    full.setFromTriplets(entries.begin(), entries.end());
    const mpi::OwnedMat h = mpi::distribute_matrix(PETSC_COMM_WORLD, full);
    const mpi::PartitionedOperator op(h.get());
    HessianProblem problem{op};
    problem.theta = op.local_rows(seeded_normal_vector(n, 5));
    AnalyzeOptions options;
    options.lambdas = {1.0};
    options.eigen.k = 2;
    options.eigensolvers = mpi::slepc_eigensolvers(h.get());
    const AnalysisResult result = analyze(problem, options);
    // The top eigenvalues of diag(1..12) are 12 and 11.
    const bool eigen_ok = result.eigen.converged == 2 &&
                          std::abs(result.eigen.values[0] - 12.0) < 1e-8 &&
                          std::abs(result.eigen.values[1] - 11.0) < 1e-8;
    if (!eigen_ok) {
        std::fprintf(stderr, "petsc-only: wrong eigenvalues: %s\n", result.eigen.message.c_str());
        return 1;
    }
    PetscBool slepc = PETSC_FALSE;
    SlepcInitialized(&slepc);
    if (!slepc) {
        std::fprintf(stderr, "petsc-only: SLEPc was not initialized\n");
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 1;
    int status = 0;
    try {
        status = run();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "petsc-only: %s\n", error.what());
        status = 1;
    }
    int rank = 0;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    int any = status;
    MPI_Allreduce(&status, &any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
    if (any == 0 && rank == 0) std::printf("petsc-only: ok\n");
    SlepcFinalize();
    PetscFinalize();
    return any;
}
