// Top-k eigenpairs and the PSD check against dense eigendecompositions.

#include <gtest/gtest.h>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

// Each computed σ_j against the dense reference, and each pair's residual
// recomputed here (not trusting the reported one).
void expect_top_eigenpairs_match_dense(const SparseMatrix& h, Index k, double relative_tolerance) {
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = k;
    const Eigenpairs pairs = compute_top_eigenpairs(op, options);
    ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
    ASSERT_EQ(pairs.converged, k);
    const Vector reference = testing::dense_eigenvalues_descending(DenseMatrix(h));
    const double scale = reference.cwiseAbs().maxCoeff();
    for (Index j = 0; j < k; ++j) {
        EXPECT_NEAR(pairs.values[j], reference[j], relative_tolerance * std::abs(reference[j]))
            << "σ_" << j + 1;
        const Vector q = pairs.vectors.col(j);
        const double residual = (h * q - pairs.values[j] * q).norm();
        EXPECT_NEAR(pairs.residuals[j], residual, 1e-12 * scale);
        EXPECT_LT(residual, 1e-7 * scale);
    }
    const DenseMatrix gram = pairs.vectors.transpose() * pairs.vectors;
    EXPECT_LT((gram - DenseMatrix::Identity(k, k)).norm(), 1e-10);
    EXPECT_GE(pairs.matvecs, pairs.iterations);
}

TEST(TopEigenpairs, MatchDenseOnPrescribedSpectrum) {
    Vector spectrum = Vector::LinSpaced(200, 0.0, 1.0).array().pow(3);
    spectrum.head(5) << 50, 40, 30, 20, 10;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 9);
    expect_top_eigenpairs_match_dense(testing::to_sparse(h), 8, 1e-10);
}

TEST(TopEigenpairs, RefusesBadK) {
    const SparseMatrix h = testing::to_sparse(DenseMatrix::Identity(5, 5));
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = 5;
    EXPECT_THROW(compute_top_eigenpairs(op, options), UsageError);
    options.k = 0;
    EXPECT_THROW(compute_top_eigenpairs(op, options), UsageError);
}

TEST(TopEigenpairs, ReportsNotConvergedWhenCapped) {
    Vector spectrum = Vector::LinSpaced(400, 1.0, 1.001);  // tightly clustered: hard
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 4);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    EigenOptions options;
    options.k = 10;
    options.max_iterations = 1;
    options.tolerance = 1e-14;
    const Eigenpairs pairs = compute_top_eigenpairs(op, options);
    EXPECT_EQ(pairs.status, EigenStatus::not_converged);
    EXPECT_LT(pairs.converged, 10);
    EXPECT_NE(pairs.message.find("converged"), std::string::npos);
}

TEST(SmallestEigenvalue, CertifiesPsdAndDetectsIndefinite) {
    Vector spectrum = Vector::LinSpaced(150, 0.0, 10.0);
    const SparseMatrix psd = testing::to_sparse(testing::matrix_with_spectrum(spectrum, 2));
    const SparseSymmetricOperator psd_op(psd);
    const SmallestEigenvalue positive = compute_smallest_eigenvalue(psd_op, 10);
    ASSERT_TRUE(positive.converged) << positive.message;
    EXPECT_TRUE(positive.psd);
    EXPECT_NEAR(positive.value, 0.0, 1e-8 * 10);
    EXPECT_GE(positive.value, -1e-12) << "a Ritz value cannot lie below σ_min = 0";

    spectrum[0] = -0.5;
    const SparseMatrix indefinite = testing::to_sparse(testing::matrix_with_spectrum(spectrum, 2));
    const SparseSymmetricOperator indefinite_op(indefinite);
    const SmallestEigenvalue negative = compute_smallest_eigenvalue(indefinite_op, 10);
    ASSERT_TRUE(negative.converged) << negative.message;
    EXPECT_FALSE(negative.psd);
    EXPECT_NEAR(negative.value, -0.5, 1e-8);
    EXPECT_NE(negative.message.find("indefinite"), std::string::npos);
}

// Every real matrix with n ≤ 3,100, and bcsstk16 (n = 4,884, the README example):
// top-10 eigenvalues to 1e-9 relative of LAPACK's dense solver.
class RealMatrixSpectrum : public ::testing::TestWithParam<const char*> {};

TEST_P(RealMatrixSpectrum, TopTenMatchDense) {
    RIDGELENS_REQUIRE_DATA(path, std::string("matrices/") + GetParam());
    const SymmetricMatrixFile file = read_symmetric_matrix_market(path);
    expect_top_eigenpairs_match_dense(file.matrix, 10, 1e-9);
    const SparseSymmetricOperator op(file.matrix);
    const Vector reference = testing::dense_eigenvalues_descending(DenseMatrix(file.matrix));
    const SmallestEigenvalue smallest = compute_smallest_eigenvalue(op, reference[0]);
    EXPECT_TRUE(smallest.psd) << smallest.message;  // all are SPD
}

INSTANTIATE_TEST_SUITE_P(SharedData, RealMatrixSpectrum,
                         ::testing::Values("1138_bus.mtx", "bcsstk09.mtx", "bcsstk13.mtx",
                                           "ani4.mtx", "bcsstk16.mtx"));

}  // namespace
}  // namespace ridgelens
