// compute_path on a partitioned H (every vector split by rows over the ranks
// mpiexec gave, SLEPc's eigensolvers) against independent references: a
// dense eigendecomposition of bcsstk09, and the single-machine path of the
// news20 softmax Hessian on all rows (same probes, so SLQ agrees to rounding;
// rank 0 computes that reference and sends the compared numbers).

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <vector>

#include "model_pair.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/mpi/distributed_matrix_market.hpp"
#include "ridgelens/mpi/model_shell.hpp"
#include "ridgelens/mpi/partitioned_operator.hpp"
#include "ridgelens/random_vector.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

// Σ over the ranks of this rank's rows: the operator holds a slice, not all.
Index total_rows(const mpi::PartitionedOperator& op) {
    double rows = static_cast<double>(op.rows());
    op.partition()->sum(&rows, 1);
    return static_cast<Index>(rows);
}

// bcsstk09 twice: whole and dense (the reference), and row-distributed.
struct Bcsstk09 {
    explicit Bcsstk09(const std::string& path)
        : dense(DenseMatrix(read_symmetric_matrix_market(path).matrix)),
          file(mpi::read_distributed_matrix_market(PETSC_COMM_WORLD, path)) {}
    DenseMatrix dense;
    mpi::DistributedMatrixFile file;
};

TEST(DistributedPath, Bcsstk09EqualsDenseReference) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/bcsstk09.mtx");
    const Bcsstk09 matrix(path);
    const DenseMatrix& dense = matrix.dense;
    const Index n = dense.rows();
    const mpi::PartitionedOperator op(matrix.file.matrix.get());
    EXPECT_EQ(total_rows(op), n);
    EXPECT_EQ(OperatorRef(op).global_rows(), n);
    const Vector theta = seeded_normal_vector(n, 1);
    HessianProblem problem{op};
    problem.theta = op.local_rows(theta);

    PathOptions options;
    options.lambdas = {1e3, 1e5, 1e6};
    options.eigen.k = 5;
    options.solver = SolverChoice::cg;
    options.eigensolvers = mpi::slepc_eigensolvers(matrix.file.matrix.get());
    const PathResult result = compute_path(problem, options);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.df_method, "exact");  // the dense spectrum of a partitioned H
    EXPECT_GT(op.products(), 0);
    EXPECT_EQ(result.eigen.vectors.rows(), op.rows());

    // One dense eigendecomposition (ascending) for every reference number.
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> reference(dense);
    const Vector& sigma = reference.eigenvalues();
    const Vector c = reference.eigenvectors().transpose() * theta;
    for (Index j = 0; j < 5; ++j)
        EXPECT_NEAR(result.eigen.values[j], sigma[n - 1 - j], 1e-9 * sigma[n - 1]) << "σ_" << j + 1;
    // The whole q_j on every rank (this rank's rows, zeros elsewhere, summed).
    DenseMatrix q = DenseMatrix::Zero(n, 5);
    q.middleRows(OperatorRef(op).first_row(), op.rows()) = result.eigen.vectors.leftCols(5);
    op.partition()->sum(q.data(), q.size());
    for (Index j = 0; j < 5; ++j) {
        EXPECT_NEAR(q.col(j).norm(), 1.0, 1e-12);
        EXPECT_LT((dense * q.col(j) - result.eigen.values[j] * q.col(j)).norm(),
                  1e-9 * sigma[n - 1])
            << "q_" << j + 1;
    }
    ASSERT_EQ(result.points.size(), 3u);
    for (const PathPoint& p : result.points) {
        const double df = (sigma.array() / (sigma.array() + p.lambda)).sum();
        EXPECT_NEAR(p.df, df, 1e-8 * n) << "λ = " << p.lambda;
        EXPECT_NEAR(p.df_slq, df, 5 * p.df_slq_stderr + p.df_quadrature_error + 1e-6)
            << "λ = " << p.lambda;
        EXPECT_EQ(p.status, SolveStatus::converged) << p.message;
        EXPECT_LT(p.relative_residual, 1e-9) << "λ = " << p.lambda;
        const Vector shrunk = (sigma.array() / (sigma.array() + p.lambda) * c.array()).matrix();
        EXPECT_NEAR(p.ridge_norm, shrunk.norm(), 1e-7 * shrunk.norm()) << "λ = " << p.lambda;
        // q_jᵀθ̂_ridge along the computed directions (bcsstk09's top eigenvalues
        // come in near-equal pairs, so q_j is one of many bases): against the
        // dense solve, with each whole q_j checked by its dense residual.
        const Vector ridge =
            (dense + p.lambda * DenseMatrix::Identity(n, n)).llt().solve(dense * theta);
        ASSERT_EQ(p.coefficients.size(), 5u);
        for (Index j = 0; j < 5; ++j)
            EXPECT_NEAR(p.coefficients[j], q.col(j).dot(ridge), 1e-7 * ridge.norm())
                << "λ = " << p.lambda << ", j = " << j;
    }
}

// The library's other partition-aware pieces on the same split: Jacobi CG
// against a dense solve, and the single-process eigensolvers refusing it.
TEST(DistributedPath, PartitionedCgAndRefusals) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/bcsstk09.mtx");
    const Bcsstk09 matrix(path);
    const DenseMatrix& dense = matrix.dense;
    const Index n = dense.rows();
    const mpi::PartitionedOperator op(matrix.file.matrix.get());
    const Vector b = seeded_normal_vector(n, 7);
    const double lambda = 1e4;
    const Vector diagonal = dense.diagonal();
    const SolveResult solved =
        solve_conjugate_gradient(op, lambda, op.local_rows(b), op.local_rows(diagonal));
    ASSERT_EQ(solved.status, SolveStatus::converged) << solved.message;
    const Vector x = (dense + lambda * DenseMatrix::Identity(n, n)).llt().solve(b);
    EXPECT_LT((solved.x - op.local_rows(x)).norm(), 1e-7 * x.norm());
    EXPECT_LT(solved.relative_residual, 1e-9);

    EXPECT_THROW(compute_top_eigenpairs(op), UsageError);
    EXPECT_THROW(compute_smallest_eigenvalue(op, 1.0), UsageError);
    HessianProblem problem{op};
    problem.theta = op.local_rows(b);
    AnalyzeOptions options;
    options.lambdas = {lambda};
    EXPECT_THROW(analyze(problem, options), UsageError);
}

// Rank 0's eigenvalues, `ok` and per-λ ridge norm, coefficients and SLQ df
// to every rank (the fields the news20 test compares).
void broadcast_comparable(MPI_Comm comm, PathResult& result, std::size_t points, Index k) {
    std::vector<double> packed;
    if (mpi::rank(comm) == 0) {
        packed.push_back(result.ok ? 1 : 0);
        for (Index j = 0; j < k; ++j) packed.push_back(result.eigen.values[j]);
        for (const PathPoint& point : result.points) {
            packed.push_back(point.ridge_norm);
            packed.push_back(point.df_slq);
            packed.push_back(point.df_slq_stderr);
            for (Index j = 0; j < k; ++j)
                packed.push_back(point.coefficients.at(static_cast<std::size_t>(j)));
        }
    }
    packed.resize(1 + static_cast<std::size_t>(k) + points * (3 + static_cast<std::size_t>(k)));
    MPI_Bcast(packed.data(), static_cast<int>(packed.size()), MPI_DOUBLE, 0, comm);
    std::size_t at = 0;
    result.ok = packed[at++] != 0;
    result.eigen.values.resize(k);
    for (Index j = 0; j < k; ++j) result.eigen.values[j] = packed[at++];
    result.points.resize(points);
    for (PathPoint& point : result.points) {
        point.ridge_norm = packed[at++];
        point.df_slq = packed[at++];
        point.df_slq_stderr = packed[at++];
        point.coefficients.resize(static_cast<std::size_t>(k));
        for (double& c : point.coefficients) c = packed[at++];
    }
}

TEST(DistributedPath, News20SoftmaxEqualsSingleMachine) {
    RIDGELENS_REQUIRE_DATA(path, "ml/news20.libsvm");
    const MPI_Comm comm = PETSC_COMM_WORLD;
    testing::ModelPair models = testing::load_model_pair(comm, path, "softmax");
    mpi::DistributedModel& distributed = *models.distributed;
    const std::unique_ptr<LinearModel>& reference = models.reference;
    const Index p = reference->parameters();
    ASSERT_EQ(distributed.parameters(), p);

    // The softmax Hessian at a fixed point θ (1,241,220 parameters).
    const Vector theta = 0.01 * seeded_normal_vector(p, 3);
    reference->set_curvature_point(theta);
    const mpi::OwnedVec theta_d = mpi::distribute_vector(distributed.curvature(), theta);
    distributed.set_curvature_point(theta_d.get());
    const mpi::PartitionedOperator op(distributed.curvature());
    EXPECT_EQ(total_rows(op), p);

    PathOptions options;
    options.lambdas = {1e-1, 1, 10};  // σ_1 ≈ 8.9: a short solve
    options.psd.max_steps = 10;
    options.eigen.k = 5;
    options.solver = SolverChoice::cg;
    options.measure_undeflated = false;
    options.slq.probes = 4;
    options.slq.lanczos_steps = 12;
    options.slq.max_lanczos_steps = 12;

    // The single-machine path, on rank 0 only (the other ranks wait), and the
    // numbers compared below sent to every rank.
    PathResult expected;
    if (mpi::rank(comm) == 0) {
        const ModelCurvatureOperator single(*reference);
        HessianProblem whole{single};
        whole.theta = theta;
        whole.psd_by_construction = true;
        expected = compute_path(whole, options);
    }
    broadcast_comparable(comm, expected, options.lambdas.size(), options.eigen.k);
    ASSERT_TRUE(expected.ok);

    HessianProblem problem{op};
    problem.theta = op.local_rows(theta);
    problem.psd_by_construction = true;
    options.eigensolvers = mpi::slepc_eigensolvers(distributed.curvature());
    const PathResult result = compute_path(problem, options);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.eigen.vectors.rows(), op.rows());

    const double sigma_1 = expected.eigen.values[0];
    for (Index j = 0; j < 5; ++j)
        EXPECT_NEAR(result.eigen.values[j], expected.eigen.values[j], 1e-8 * sigma_1)
            << "σ_" << j + 1;
    ASSERT_EQ(result.points.size(), expected.points.size());
    for (std::size_t i = 0; i < result.points.size(); ++i) {
        const PathPoint& got = result.points[i];
        const PathPoint& want = expected.points[i];
        EXPECT_EQ(got.status, SolveStatus::converged) << got.message;
        EXPECT_LT(got.relative_residual, 1e-9) << got.message;
        // Both solves meet 1e-10 relative residuals: the solutions agree to
        // about κ(H+λI)·1e-10 relative, κ ≤ (σ_1+λ)/λ.
        const double solve_tolerance = 2e-10 * (sigma_1 + got.lambda) / got.lambda;
        EXPECT_NEAR(got.ridge_norm, want.ridge_norm, solve_tolerance * want.ridge_norm)
            << "λ = " << got.lambda;
        ASSERT_EQ(got.coefficients.size(), want.coefficients.size());
        for (std::size_t j = 0; j < got.coefficients.size(); ++j)
            EXPECT_NEAR(std::abs(got.coefficients[j]), std::abs(want.coefficients[j]),
                        solve_tolerance * want.ridge_norm + 1e-6 * std::abs(want.coefficients[j]))
                << "λ = " << got.lambda << ", j = " << j;
        // The same Rademacher probes on any number of ranks: SLQ differs only
        // through rounding and the deflated eigenvectors (accurate to 1e-10).
        EXPECT_NEAR(got.df_slq, want.df_slq, 1e-6 * want.df_slq) << "λ = " << got.lambda;
        EXPECT_NEAR(got.df_slq_stderr, want.df_slq_stderr, 1e-4 * want.df_slq_stderr + 1e-9);
    }
}

}  // namespace
}  // namespace ridgelens
