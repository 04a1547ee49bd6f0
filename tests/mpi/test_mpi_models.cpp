// Model Hessians as PETSc shell matrices over distributed data rows, against
// the single-machine model on all rows (every rank reads the whole file for
// the reference).

#include <gtest/gtest.h>

#include "model_pair.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_solve.hpp"
#include "ridgelens/mpi/model_shell.hpp"
#include "ridgelens/random_vector.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

struct ModelCase {
    const char* file;
    const char* model;
    double lambda;  ///< of the CG solve (news20 softmax: large enough to keep the test short)
};

class DistributedModelShell : public ::testing::TestWithParam<ModelCase> {};

TEST_P(DistributedModelShell, ProductGradientAndSolveEqualSingleMachine) {
    const ModelCase c = GetParam();
    RIDGELENS_REQUIRE_DATA(path, std::string("ml/") + c.file);
    const MPI_Comm comm = PETSC_COMM_WORLD;
    testing::ModelPair models = testing::load_model_pair(comm, path, c.model);
    std::int64_t local = models.local_samples, total = 0;
    MPI_Allreduce(&local, &total, 1, MPI_INT64_T, MPI_SUM, comm);
    EXPECT_EQ(total, models.global_samples);
    mpi::DistributedModel& distributed = *models.distributed;
    const std::unique_ptr<LinearModel>& reference = models.reference;
    const Index p = reference->parameters();
    ASSERT_EQ(distributed.parameters(), p);

    const Vector theta = 0.01 * seeded_normal_vector(p, 3);
    const Vector v = seeded_normal_vector(p, 4);
    const mpi::OwnedVec theta_d = mpi::distribute_vector(distributed.curvature(), theta);
    const mpi::OwnedVec v_d = mpi::distribute_vector(distributed.curvature(), v);

    Vector gradient;
    const double risk = reference->evaluate(theta, &gradient);
    mpi::OwnedVec gradient_d = mpi::make_vector_like(distributed.curvature());
    EXPECT_NEAR(distributed.evaluate(theta_d.get(), gradient_d.get()), risk,
                1e-12 * std::abs(risk));
    EXPECT_LT((mpi::gather_to_all(gradient_d.get()) - gradient).norm(), 1e-12 * gradient.norm());

    reference->set_curvature_point(theta);
    distributed.set_curvature_point(theta_d.get());
    Vector hv(p);
    reference->curvature_product(v.data(), hv.data());
    mpi::OwnedVec hv_d = mpi::make_vector_like(distributed.curvature());
    mpi::check(MatMult(distributed.curvature(), v_d.get(), hv_d.get()), "MatMult");
    EXPECT_LT((mpi::gather_to_all(hv_d.get()) - hv).norm(), 1e-12 * hv.norm());
    EXPECT_EQ(distributed.products(), 1);

    // KSP CG on the shell: (H + λI)x = v, residual checked with the reference product.
    const double lambda = c.lambda;
    mpi::OwnedVec x_d = mpi::make_vector_like(distributed.curvature());
    CgOptions cg;
    cg.tolerance = 1e-10;
    const SolveResult solved =
        mpi::solve_shifted_cg(distributed.curvature(), lambda, v_d.get(), x_d.get(), cg, false);
    EXPECT_TRUE(solved.ok()) << solved.message;
    const Vector x = mpi::gather_to_all(x_d.get());
    Vector hx(p);
    reference->curvature_product(x.data(), hx.data());
    EXPECT_LT((hx + lambda * x - v).norm() / v.norm(), 1e-9);
}

INSTANTIATE_TEST_SUITE_P(RealData, DistributedModelShell,
                         ::testing::Values(ModelCase{"a8a.libsvm", "ls", 1e-2},
                                           ModelCase{"a8a.libsvm", "logistic", 1e-2},
                                           ModelCase{"news20.libsvm", "softmax", 1.0}));

}  // namespace
}  // namespace ridgelens
