// Distributed misuse (issue 15, class 5): a wrong argument on any rank raises
// the same ridgelens::UsageError on every rank, before any collective work,
// instead of a deadlock (a rank waiting inside KSPSolve) or an abort (MatMult
// on a vector of the wrong length); PETSc's own error text is kept.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "partitioned_problem.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_solve.hpp"
#include "ridgelens/random_vector.hpp"

namespace ridgelens {
namespace {

#define world PETSC_COMM_WORLD

constexpr Index n = 10;

/// tridiag(-1, 4, -1), SPD.
SparseMatrix tridiagonal() {
    std::vector<Eigen::Triplet<double>> entries;
    for (Index i = 0; i < n; ++i) {
        entries.emplace_back(i, i, 4.0);
        if (i + 1 < n) {
            entries.emplace_back(i, i + 1, -1.0);
            entries.emplace_back(i + 1, i, -1.0);
        }
    }
    SparseMatrix matrix(n, n);
    matrix.setFromTriplets(entries.begin(), entries.end());
    return matrix;
}

mpi::OwnedVec vector_of_global_size(PetscInt size) {
    Vec v = nullptr;
    mpi::check(VecCreateMPI(world, PETSC_DECIDE, size, &v), "VecCreateMPI");
    mpi::check(VecSet(v, 1.0), "VecSet");
    return mpi::OwnedVec(v);
}

/// Runs `call`, expecting a UsageError; returns its message ("" if none).
template <typename Call>
std::string usage_error_of(Call call) {
    try {
        call();
    } catch (const UsageError& error) {
        return error.what();
    }
    return {};
}

/// The same message on every rank (rank 0's, broadcast, compared).
bool same_on_every_rank(const std::string& message) {
    int length = static_cast<int>(message.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, world);
    std::string root(static_cast<std::size_t>(length), '\0');
    if (mpi::rank(world) == 0) root = message;
    MPI_Bcast(root.data(), length, MPI_CHAR, 0, world);
    int same = root == message ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, world);
    return same == 1;
}

TEST(DistributedMisuse, ShiftedCgWithALongerRightHandSideFailsOnEveryRank) {
    const mpi::OwnedMat h = mpi::distribute_matrix(world, tridiagonal());
    const mpi::OwnedVec b = vector_of_global_size(n + 1);
    mpi::OwnedVec x = mpi::make_vector_like(h.get());
    const std::string message = usage_error_of(
        [&] { (void)mpi::solve_shifted_cg(h.get(), 1.0, b.get(), x.get(), CgOptions{}, true); });
    EXPECT_NE(message.find("right-hand side b has 11 entries where H has 10 rows"),
              std::string::npos)
        << message;
    EXPECT_TRUE(same_on_every_rank(message));
    // The objects are still usable: a correct call afterwards converges.
    const mpi::OwnedVec good = mpi::distribute_vector(h.get(), seeded_normal_vector(n, 3));
    const SolveResult result =
        mpi::solve_shifted_cg(h.get(), 1.0, good.get(), x.get(), CgOptions{}, true);
    EXPECT_TRUE(result.ok()) << result.message;
}

TEST(DistributedMisuse, AnArgumentWrongOnOneRankFailsOnEveryRank) {
    const mpi::OwnedMat h = mpi::distribute_matrix(world, tridiagonal());
    const mpi::OwnedVec b = mpi::distribute_vector(h.get(), seeded_normal_vector(n, 3));
    mpi::OwnedVec x = mpi::make_vector_like(h.get());
    const int last = mpi::size(world) - 1;
    const double lambda = mpi::rank(world) == last ? -1.0 : 1.0;  // wrong on the last rank only
    const std::string message = usage_error_of(
        [&] { (void)mpi::solve_shifted_cg(h.get(), lambda, b.get(), x.get(), CgOptions{}, true); });
    EXPECT_NE(message.find("λ must be finite and >= 0"), std::string::npos) << message;
    if (mpi::size(world) > 1)
        EXPECT_NE(message.find("rank " + std::to_string(last)), std::string::npos) << message;
    EXPECT_TRUE(same_on_every_rank(message));
}

TEST(DistributedMisuse, AnalyzeWithALongerThetaFailsOnEveryRankWithoutAborting) {
    // The library's analyze on a partitioned H, θ̂ this rank's rows of a
    // vector one entry longer than H: the lengths are summed over the ranks.
    testing::PartitionedProblem d(mpi::distribute_matrix(world, tridiagonal()),
                                  seeded_normal_vector(n, 1));
    const mpi::OwnedVec theta = vector_of_global_size(n + 1);
    d.problem.theta = mpi::local_part(theta.get());
    AnalyzeOptions options;
    options.lambdas = {1.0};
    options.eigen.k = 2;
    const std::string message =
        usage_error_of([&] { (void)analyze(d.problem, d.with_eigensolvers(options)); });
    EXPECT_NE(message.find("θ̂ has length 11 but H is 10x10"), std::string::npos) << message;
    EXPECT_TRUE(same_on_every_rank(message));
}

TEST(DistributedMisuse, AnalyzeWithCholmodOnAPartitionedHFailsOnEveryRank) {
    testing::PartitionedProblem d(mpi::distribute_matrix(world, tridiagonal()),
                                  seeded_normal_vector(n, 1));
    AnalyzeOptions options;
    options.lambdas = {1.0};
    options.eigen.k = 2;
    options.solver = SolverChoice::cholmod;
    const std::string message =
        usage_error_of([&] { (void)analyze(d.problem, d.with_eigensolvers(options)); });
    EXPECT_NE(message.find("SolverChoice::cholmod needs H on one process"), std::string::npos)
        << message;
    EXPECT_TRUE(same_on_every_rank(message));
}

TEST(DistributedMisuse, PetscsOwnErrorTextIsKept) {
    const mpi::OwnedMat h = mpi::distribute_matrix(world, tridiagonal());
    const mpi::OwnedVec longer = vector_of_global_size(n + 1);
    mpi::OwnedVec y = mpi::make_vector_like(h.get());
    std::string message;
    try {
        const mpi::ApiScope scope;
        mpi::check(MatMult(h.get(), longer.get(), y.get()), "MatMult");
    } catch (const Error& error) {
        message = error.what();
    }
    // The code's generic text and PETSc's specific message (the sizes).
    EXPECT_NE(message.find("Nonconforming object sizes"), std::string::npos) << message;
    EXPECT_NE(message.find("11"), std::string::npos) << message;
    EXPECT_NE(message.find("10"), std::string::npos) << message;
}

}  // namespace
}  // namespace ridgelens
