// analyze and analyze_decay on an operator that declares a RowPartition, on
// one process (its sums are the identity): the partitioned code path (the
// reduced decay analysis, the collective validation) gives what the
// single-process analyze gives on the same H, which the dense references
// check. The same code on several MPI ranks: tests/mpi/test_mpi_analyze.cpp.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/geometry/decay_analysis.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace ridgelens {
namespace {

/// Every row on this one process.
class OneProcess final : public RowPartition {
  public:
    explicit OneProcess(Index rows) : rows_(rows) {}
    Index global_rows() const override { return rows_; }
    Index first_row() const override { return 0; }
    void sum(double*, Index) const override {}

  private:
    Index rows_;
};

/// H with a RowPartition of one process.
struct Partitioned {
    using Scalar = double;
    explicit Partitioned(const SparseSymmetricOperator& op) : op_(op), partition_(op.rows()) {}
    Index rows() const { return op_.rows(); }
    Index cols() const { return op_.rows(); }
    void perform_op(const double* x, double* y) const { op_.perform_op(x, y); }
    const RowPartition* partition() const { return &partition_; }

  private:
    const SparseSymmetricOperator& op_;
    OneProcess partition_;
};

/// An operator seen without its partition (for the single-process Lanczos).
struct Whole {
    using Scalar = double;
    OperatorRef op;
    Index rows() const { return op.rows(); }
    Index cols() const { return op.rows(); }
    void perform_op(const double* x, double* y) const { op.perform_op(x, y); }
};

/// The library's eigensolvers on the same rows, the partition set aside:
/// what a partition-capable backend supplies, on one process.
Eigensolvers one_process_eigensolvers() {
    Eigensolvers solvers;
    solvers.top = [](OperatorRef op, const EigenOptions& options, std::uint64_t seed) {
        const Whole whole{op};
        return compute_top_eigenpairs(whole, options, seed);
    };
    solvers.smallest = [](OperatorRef op, double scale, const PsdCheckOptions& options,
                          std::uint64_t seed) {
        const Whole whole{op};
        return compute_smallest_eigenvalue(whole, scale, options, seed);
    };
    return solvers;
}

void expect_same(const AnalysisResult& got, const AnalysisResult& want) {
    EXPECT_EQ(got.ok, want.ok);
    EXPECT_EQ(got.solver, want.solver);
    EXPECT_EQ(got.psd.psd, want.psd.psd);
    ASSERT_EQ(got.eigen.values.size(), want.eigen.values.size());
    EXPECT_LT((got.eigen.values - want.eigen.values).cwiseAbs().maxCoeff(),
              1e-12 * want.eigen.values.cwiseAbs().maxCoeff());
    ASSERT_EQ(got.lambdas.size(), want.lambdas.size());
    for (std::size_t i = 0; i < got.lambdas.size(); ++i) {
        const LambdaResult& a = got.lambdas[i];
        const LambdaResult& b = want.lambdas[i];
        EXPECT_EQ(a.stationary, b.stationary);
        EXPECT_EQ(a.ridge.solver, b.ridge.solver);
        EXPECT_NEAR(a.ridge_norm, b.ridge_norm, 1e-10 * b.ridge_norm);
        EXPECT_NEAR(a.decay.tail.theta_tail_norm, b.decay.tail.theta_tail_norm, 1e-10);
        EXPECT_NEAR(a.decay.tail.ridge_tail_norm, b.decay.tail.ridge_tail_norm, 1e-10);
        EXPECT_EQ(a.decay.failures.size(), b.decay.failures.size());
        ASSERT_EQ(a.decay.directions.size(), b.decay.directions.size());
        for (std::size_t j = 0; j < a.decay.directions.size(); ++j) {
            const DirectionDecay& p = a.decay.directions[j];
            const DirectionDecay& q = b.decay.directions[j];
            EXPECT_EQ(p.j, q.j);
            EXPECT_EQ(p.kind, q.kind);
            EXPECT_NEAR(p.component, q.component, 1e-10);
            EXPECT_NEAR(p.solved, q.solved, 1e-10);
            EXPECT_NEAR(p.shrunk, q.shrunk, 1e-10);
            // Up to its rounding term 64ε(‖θ̂‖ + ‖θ̂_ridge‖ + |c_j|).
            EXPECT_NEAR(p.self_check_tolerance, q.self_check_tolerance,
                        1e-8 * q.self_check_tolerance + 1e-14);
        }
    }
}

struct Problem {
    explicit Problem(const Vector& spectrum)
        : dense(testing::matrix_with_spectrum(spectrum, 5)),
          sparse(testing::to_sparse(dense)),
          op(sparse),
          partitioned(op),
          theta(testing::random_vector(spectrum.size(), 6)),
          gradient(0.1 * testing::random_vector(spectrum.size(), 7)) {}
    DenseMatrix dense;
    SparseMatrix sparse;
    SparseSymmetricOperator op;
    Partitioned partitioned;
    Vector theta, gradient;
};

AnalyzeOptions options_for(std::vector<double> lambdas) {
    AnalyzeOptions options;
    options.lambdas = std::move(lambdas);
    options.eigen.k = 4;
    options.solver = SolverChoice::cg;
    options.cg.tolerance = 1e-12;
    return options;
}

TEST(PartitionedAnalyze, DefiniteWithGradientEqualsSingleProcess) {
    Vector spectrum = Vector::LinSpaced(40, 0.1, 4.0);
    spectrum.head(4) << 40, 20, 10, 8;
    const Problem p(spectrum);
    for (const bool with_diagonal : {true, false}) {
        HessianProblem whole{p.op};
        whole.theta = p.theta;
        whole.gradient = p.gradient;
        if (with_diagonal) whole.diagonal = Vector(p.dense.diagonal());
        HessianProblem split = whole;
        split.hessian = p.partitioned;
        const AnalyzeOptions options = options_for({1e-2, 1.0});
        AnalyzeOptions split_options = options;
        split_options.eigensolvers = one_process_eigensolvers();
        const AnalysisResult want = analyze(whole, options);
        const AnalysisResult got = analyze(split, split_options);
        expect_same(got, want);
        // The dense reference for θ̂_ridge = (H + λI)⁻¹(Hθ̂ − g).
        const Index n = p.dense.rows();
        for (const LambdaResult& entry : got.lambdas) {
            const Vector x = (p.dense + entry.lambda * DenseMatrix::Identity(n, n))
                                 .llt()
                                 .solve(p.dense * p.theta - p.gradient);
            EXPECT_LT((entry.ridge.x - x).norm(), 1e-9 * x.norm());
        }
    }
}

TEST(PartitionedAnalyze, IndefiniteSaddleEqualsSingleProcess) {
    Vector spectrum = Vector::LinSpaced(40, 0.5, 4.0);
    spectrum.head(4) << 40, 20, 10, 8;
    spectrum.tail(2) << -3.0, -1.5;
    const Problem p(spectrum);
    HessianProblem whole{p.op};
    whole.theta = p.theta;
    whole.diagonal = Vector(p.dense.diagonal());
    HessianProblem split = whole;
    split.hessian = p.partitioned;
    const AnalyzeOptions options = options_for({5.0, 1.0});  // a minimizer, a saddle
    AnalyzeOptions split_options = options;
    split_options.eigensolvers = one_process_eigensolvers();
    const AnalysisResult want = analyze(whole, options);
    const AnalysisResult got = analyze(split, split_options);
    ASSERT_FALSE(got.psd.psd);
    ASSERT_EQ(got.psd.negative.values.size(), 2);
    EXPECT_EQ(got.lambdas[1].stationary, StationaryPoint::saddle);
    EXPECT_EQ(got.lambdas[1].ridge.solver, SolverKind::minres);
    // The most negative directions are in the table, indexed n, n − 1.
    EXPECT_EQ(got.lambdas[0].decay.directions.back().j, 39);
    expect_same(got, want);
}

TEST(PartitionedAnalyze, MisuseIsAUsageError) {
    const Problem p(Vector::LinSpaced(20, 1.0, 5.0));
    HessianProblem split{p.partitioned};
    split.theta = p.theta;
    AnalyzeOptions options = options_for({1.0});
    options.eigensolvers = one_process_eigensolvers();
    options.solver = SolverChoice::cholmod;
    try {
        (void)analyze(split, options);
        ADD_FAILURE() << "CHOLMOD on a partitioned H was accepted";
    } catch (const UsageError& error) {
        EXPECT_NE(std::string(error.what()).find("SolverChoice::cholmod needs H on one process"),
                  std::string::npos)
            << error.what();
    }
    options.solver = SolverChoice::automatic;
    split.theta = Vector::Ones(21);
    try {
        (void)analyze(split, options);
        ADD_FAILURE() << "a θ̂ of the wrong length was accepted";
    } catch (const UsageError& error) {
        EXPECT_NE(std::string(error.what()).find("θ̂ has length 21 but H is 20x20"),
                  std::string::npos)
            << error.what();
    }
}

}  // namespace
}  // namespace ridgelens
