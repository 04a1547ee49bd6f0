// ridgelens::mpi, and the library's analyze on its partitioned operator, against
// the single-machine library and dense LAPACK/Eigen references, on the real
// matrices, on whatever number of ranks mpiexec gave.

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>

#include "partitioned_problem.hpp"
#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/geometry/decay_analysis.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_matrix_market.hpp"
#include "ridgelens/random_vector.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

#define world PETSC_COMM_WORLD

double relative_difference(const Vector& a, const Vector& b) {
    return (a - b).norm() / std::max(b.norm(), 1e-300);
}

/// H·x through the distributed matrix equals the library's matrix (both
/// triangles, duplicates, symmetrization) for every file.
class DistributedMatrixMarket : public ::testing::TestWithParam<const char*> {};

TEST_P(DistributedMatrixMarket, ProductEqualsSingleMachineMatrix) {
    RIDGELENS_REQUIRE_DATA(path, std::string("matrices/") + GetParam());
    const SymmetricMatrixFile reference = read_symmetric_matrix_market(path);
    mpi::DistributedMatrixFile file = mpi::read_distributed_matrix_market(world, path);
    ASSERT_EQ(file.n, reference.matrix.rows());
    EXPECT_EQ(file.nonzeros, reference.matrix.nonZeros());
    const Vector x = seeded_normal_vector(reference.matrix.rows(), 7);
    const mpi::OwnedVec xd = mpi::distribute_vector(file.matrix.get(), x);
    mpi::OwnedVec yd = mpi::make_vector_like(file.matrix.get());
    mpi::check(MatMult(file.matrix.get(), xd.get(), yd.get()), "MatMult");
    const Vector expected = reference.matrix * x;
    EXPECT_LT(relative_difference(mpi::gather_to_all(yd.get()), expected), 1e-14);
    // Each rank holds only its rows.
    PetscInt first = 0, last = 0;
    mpi::check(MatGetOwnershipRange(file.matrix.get(), &first, &last), "MatGetOwnershipRange");
    EXPECT_LE(last - first, file.n / mpi::size(world) + 1);
}

INSTANTIATE_TEST_SUITE_P(RealMatrices, DistributedMatrixMarket,
                         ::testing::Values("bcsstk09.mtx", "1138_bus.mtx", "ani4.mtx"));

/// The library's analyze on this rank's rows (Jacobi CG, SLEPc eigenpairs)
/// equals the dense references: eigenvalues (LAPACK dsyevd), θ̂_ridge (dense
/// Cholesky of H + λI), and the partitioned decay table equals the
/// single-machine analyze_decay run on the gathered full vectors.
class DistributedAnalysis : public ::testing::TestWithParam<std::pair<const char*, double>> {};

TEST_P(DistributedAnalysis, EqualsDenseReferenceAndSingleMachineDecay) {
    const auto [name, lambda] = GetParam();
    RIDGELENS_REQUIRE_DATA(path, std::string("matrices/") + name);
    const SymmetricMatrixFile reference = read_symmetric_matrix_market(path);
    const DenseMatrix dense = DenseMatrix(reference.matrix);
    const Index n = dense.rows();
    const Vector theta = seeded_normal_vector(n, 1);
    const testing::PartitionedProblem d(mpi::read_distributed_matrix_market(world, path).matrix,
                                        theta);

    AnalyzeOptions options;
    options.lambdas = {lambda};
    options.eigen.k = 6;
    options.cg.tolerance = 1e-12;
    const AnalysisResult result = analyze(d.problem, d.with_eigensolvers(options));
    ASSERT_EQ(result.eigen.status, EigenStatus::converged) << result.eigen.message;
    EXPECT_EQ(result.solver, SolverKind::cg);

    const Vector sigma = testing::dense_eigenvalues_descending(dense);
    for (Index j = 0; j < 6; ++j)
        EXPECT_NEAR(result.eigen.values[j], sigma[j], 1e-9 * sigma[0]) << "σ_" << j + 1;

    const DenseMatrix shifted = dense + lambda * DenseMatrix::Identity(n, n);
    const Vector expected_ridge = shifted.llt().solve(dense * theta);
    const LambdaResult& entry = result.lambdas.front();
    const Vector x = d.gather(entry.ridge.x);
    EXPECT_TRUE(entry.ridge.ok()) << entry.ridge.message;
    EXPECT_EQ(entry.ridge.solver, SolverKind::cg);
    EXPECT_LT(entry.ridge.relative_residual, 1e-11);
    EXPECT_LT(relative_difference(x, expected_ridge), 1e-7);
    EXPECT_NEAR(entry.ridge_norm, expected_ridge.norm(), 1e-7 * expected_ridge.norm());

    // The isometric reduction gives what analyze_decay gives on full vectors.
    Eigenpairs full = result.eigen;
    full.vectors.resize(n, 6);
    for (Index j = 0; j < 6; ++j) full.vectors.col(j) = d.gather(result.eigen.vectors.col(j));
    const DecayAnalysis direct = analyze_decay(full, theta, Vector(), lambda, x, result.psd.psd);
    const DecayAnalysis reduced = analyze_decay(d.op, result.eigen, d.problem.theta, Vector(),
                                                lambda, entry.ridge.x, result.psd.psd);
    const double scale = theta.norm();
    EXPECT_NEAR(reduced.tail.theta_tail_norm, direct.tail.theta_tail_norm, 1e-12 * scale);
    EXPECT_NEAR(reduced.tail.ridge_tail_norm, direct.tail.ridge_tail_norm, 1e-12 * scale);
    EXPECT_NEAR(reduced.self_check_max_abs_error, direct.self_check_max_abs_error, 1e-12 * scale);
    for (Index j = 0; j < 6; ++j) {
        EXPECT_NEAR(reduced.directions[j].component, direct.directions[j].component, 1e-12 * scale);
        EXPECT_NEAR(reduced.directions[j].solved, direct.directions[j].solved, 1e-12 * scale);
    }
    // And the analysis' own table: the solve agrees with the eigenpairs.
    EXPECT_LT(entry.decay.self_check_relative, 1e-8);
    EXPECT_TRUE(!entry.decay.tail.bound_applies || entry.decay.tail.bound_holds);
}

INSTANTIATE_TEST_SUITE_P(RealMatrices, DistributedAnalysis,
                         ::testing::Values(std::make_pair("bcsstk09.mtx", 1e3),
                                           std::make_pair("1138_bus.mtx", 1.0)));

}  // namespace
}  // namespace ridgelens
