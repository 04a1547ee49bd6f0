// The Spectra backend of the eigensolver hook (compute_top_eigenpairs_spectra,
// make_eigensolvers(EigensolverBackend::spectra)) against dense
// eigendecompositions (LAPACK, Eigen), as the default's tests: a prescribed
// spectrum, an indefinite matrix, a clustered top, the statuses of a capped
// run and of a NaN product, and analyze() running through the hook.

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <memory>
#include <string>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"

namespace ridgelens {
namespace {

// Spectra's pairs against the dense reference (descending), each residual
// recomputed here against the reported one, and orthonormality.
void expect_spectra_matches_dense(const DenseMatrix& h, Index k, Index subspace,
                                  double relative_tolerance) {
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    EigenOptions options;
    options.k = k;
    options.subspace = subspace;
    const Eigenpairs pairs = compute_top_eigenpairs_spectra(op, options);
    ASSERT_EQ(pairs.status, EigenStatus::converged) << pairs.message;
    ASSERT_EQ(pairs.converged, k);
    EXPECT_NE(pairs.message.find("Spectra"), std::string::npos) << pairs.message;
    const Vector reference = testing::dense_eigenvalues_descending(h);
    const double scale = reference.cwiseAbs().maxCoeff();
    for (Index j = 0; j < k; ++j) {
        EXPECT_NEAR(pairs.values[j], reference[j], relative_tolerance * scale) << "σ_" << j + 1;
        const Vector q = pairs.vectors.col(j);
        const double residual = (h * q - pairs.values[j] * q).norm();
        EXPECT_NEAR(pairs.residuals[j], residual, 1e-12 * scale);
        EXPECT_LT(residual, 1e-8 * scale);
    }
    const DenseMatrix gram = pairs.vectors.transpose() * pairs.vectors;
    EXPECT_LT((gram - DenseMatrix::Identity(k, k)).norm(), 1e-10);
    EXPECT_GT(pairs.matvecs, k) << "products counted, the residual checks included";
}

TEST(SpectraBackend, MatchesDenseOnPrescribedSpectrum) {
    Vector spectrum = Vector::LinSpaced(200, 0.0, 1.0).array().pow(3);
    spectrum.head(5) << 50, 40, 30, 20, 10;
    expect_spectra_matches_dense(testing::matrix_with_spectrum(spectrum, 9), 8, 0, 1e-10);
}

TEST(SpectraBackend, IndefiniteMatrixLargestAlgebraicFirst) {
    // Negative eigenvalues larger in magnitude than the top: the largest
    // algebraic are wanted, not the largest in magnitude.
    Vector spectrum = Vector::LinSpaced(150, -30.0, 5.0);
    spectrum.head(3) << -80, -60, -40;
    spectrum.tail(4) << 9, 8, 7, 6;
    expect_spectra_matches_dense(testing::matrix_with_spectrum(spectrum, 4), 6, 0, 1e-10);
}

TEST(SpectraBackend, ClusteredTopOfAGridLaplacianWithRestarts) {
    // 30 × 27 grid: the top eigenvalues crowd below 8; a small basis forces
    // many restarts. Reference: LAPACK's dense eigenvalues.
    const DenseMatrix h = DenseMatrix(testing::grid_laplacian(30, 27));
    expect_spectra_matches_dense(h, 10, 0, 1e-10);
    expect_spectra_matches_dense(h, 10, 16, 1e-10);
}

TEST(SpectraBackend, CappedRunOnATightClusterIsNotConverged) {
    const Vector spectrum = Vector::LinSpaced(400, 1.0, 1.001);
    const SparseMatrix sparse = testing::to_sparse(testing::matrix_with_spectrum(spectrum, 4));
    const SparseSymmetricOperator op(sparse);
    EigenOptions options;
    options.k = 10;
    options.max_iterations = 1;
    options.tolerance = 1e-14;
    const Eigenpairs pairs = compute_top_eigenpairs_spectra(op, options);
    EXPECT_EQ(pairs.status, EigenStatus::not_converged) << pairs.message;
    EXPECT_LT(pairs.converged, 10);
}

TEST(SpectraBackend, NaNProductIsANumericalIssue) {
    const Index n = 120;
    int products = 0;
    const MatrixFreeOperator op(n, [&products, n](const double* x, double* y) {
        ++products;
        for (Index i = 0; i < n; ++i) y[i] = static_cast<double>(i + 1) * x[i];
        if (products >= 5) y[n / 2] = std::nan("");
    });
    EigenOptions options;
    options.k = 3;
    const Eigenpairs pairs = compute_top_eigenpairs_spectra(op, options);
    EXPECT_EQ(pairs.status, EigenStatus::numerical_issue) << pairs.message;
    EXPECT_NE(pairs.message.find("NaN or Inf in product 5"), std::string::npos) << pairs.message;
    EXPECT_EQ(products, 5) << "the run must stop at the first faulty product";
    EXPECT_EQ(pairs.converged, 0);
}

TEST(SpectraBackend, RefusesWhatTheDefaultRefuses) {
    const SparseMatrix h = testing::to_sparse(DenseMatrix::Identity(5, 5));
    const SparseSymmetricOperator op(h);
    EigenOptions options;
    options.k = 5;
    EXPECT_THROW(compute_top_eigenpairs_spectra(op, options), UsageError);
    options.k = 2;
    options.tolerance = 0.5;
    EXPECT_THROW(compute_top_eigenpairs_spectra(op, options), UsageError);
}

TEST(SpectraBackend, ParsesAndNamesTheBackends) {
    EXPECT_EQ(parse_eigensolver_backend("lanczos"), EigensolverBackend::lanczos);
    EXPECT_EQ(parse_eigensolver_backend("spectra"), EigensolverBackend::spectra);
    EXPECT_STREQ(to_string(EigensolverBackend::spectra), "spectra");
    EXPECT_STREQ(to_string(EigensolverBackend::lanczos), "lanczos");
    EXPECT_THROW(parse_eigensolver_backend("arpack"), UsageError);
}

TEST(SpectraBackend, AnalyzeRunsThroughTheHookOnAnIndefiniteH) {
    // σ = −2, −1 and a bulk in [0.5, 10]: the top pairs and the most negative
    // pairs (top pairs of −H) both come from the Spectra backend.
    const Index n = 60;
    Vector spectrum = Vector::LinSpaced(n, 0.5, 10.0);
    spectrum[0] = -2.0;
    spectrum[1] = -1.0;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 21);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.theta = testing::random_vector(n, 22);
    AnalyzeOptions options;
    options.lambdas = {3.0};
    options.eigen.k = 5;
    options.solver = SolverChoice::cg;
    options.eigensolvers = make_eigensolvers(EigensolverBackend::spectra);
    const AnalysisResult result = analyze(problem, options);
    ASSERT_EQ(result.eigen.status, EigenStatus::converged) << result.eigen.message;
    EXPECT_NE(result.eigen.message.find("Spectra"), std::string::npos) << result.eigen.message;
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> dense(h);
    for (Index j = 0; j < 5; ++j)
        EXPECT_NEAR(result.eigen.values[j], dense.eigenvalues()[n - 1 - j], 1e-9) << j;
    ASSERT_FALSE(result.psd.psd);
    ASSERT_EQ(result.psd.negative.values.size(), 2);
    EXPECT_NE(result.psd.negative.message.find("Spectra"), std::string::npos);
    EXPECT_NEAR(result.psd.negative.values[0], dense.eigenvalues()[0], 1e-9);
    EXPECT_NEAR(result.psd.negative.values[1], dense.eigenvalues()[1], 1e-9);
    const Vector x = (h + 3.0 * DenseMatrix::Identity(n, n)).ldlt().solve(h * problem.theta);
    ASSERT_EQ(result.lambdas.size(), 1u);
    EXPECT_LT((result.lambdas[0].ridge.x - x).norm(), 1e-8 * x.norm());
}

}  // namespace
}  // namespace ridgelens
