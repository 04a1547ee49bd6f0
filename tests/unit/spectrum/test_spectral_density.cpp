// Effective degrees of freedom and spectral density: the exact path against
// an independent dense eigendecomposition (tests/support/reference.hpp), the SLQ
// estimate against the exact value within its error bars, and the identities
// of geometry.md §5 (df decreasing, df(∞) = 0, df(0⁺) = rank).

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <queue>
#include <string>
#include <vector>

#include "reference.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

std::vector<double> log_grid(double first, double last, int count) {
    std::vector<double> grid(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        grid[static_cast<std::size_t>(i)] =
            std::exp(std::log(first) + (std::log(last) - std::log(first)) * i / (count - 1));
    return grid;
}

// Σ_j σ_j/(σ_j+λ) written out here, independently of the library.
double reference_dof(const Vector& sigma, double lambda, double relative_null) {
    const double threshold = relative_null * sigma.cwiseAbs().maxCoeff();
    double sum = 0;
    for (Index j = 0; j < sigma.size(); ++j)
        if (sigma[j] > threshold) sum += sigma[j] / (sigma[j] + lambda);
    return sum;
}

// Trapezoid rule of y over x.
double integrate(const Vector& x, const Vector& y) {
    double sum = 0;
    for (Index i = 1; i < x.size(); ++i) sum += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
    return sum;
}

// Connected components of the graph of the sparsity pattern (BFS).
Index count_components(const SparseMatrix& h) {
    const Index n = h.rows();
    std::vector<char> seen(static_cast<std::size_t>(n), 0);
    Index components = 0;
    for (Index s = 0; s < n; ++s) {
        if (seen[static_cast<std::size_t>(s)]) continue;
        ++components;
        std::queue<Index> queue;
        queue.push(s);
        seen[static_cast<std::size_t>(s)] = 1;
        while (!queue.empty()) {
            const Index v = queue.front();
            queue.pop();
            for (SparseMatrix::InnerIterator it(h, v); it; ++it)
                if (it.value() != 0 && !seen[static_cast<std::size_t>(it.row())]) {
                    seen[static_cast<std::size_t>(it.row())] = 1;
                    queue.push(it.row());
                }
        }
    }
    return components;
}

// SLQ with k = 10 deflated pairs against the exact df on `grid`: within three
// standard errors at every λ. Probes stop adaptively once their quadrature
// error at the smallest λ is a tenth of the standard error (small λ on these
// ill-conditioned matrices need up to ~450 Lanczos steps); the quadrature
// bound must then be negligible.
void expect_slq_matches_exact(const SparseMatrix& h, const Vector& exact_sigma,
                              const std::vector<double>& grid, const std::string& name) {
    const SparseSymmetricOperator op(h);
    EigenOptions eigen;
    eigen.k = 10;
    const Eigenpairs top = compute_top_eigenpairs(op, eigen);
    ASSERT_EQ(top.status, EigenStatus::converged) << top.message;
    SlqOptions options;
    options.probes = 30;
    options.lanczos_steps = 80;
    options.max_lanczos_steps = 500;
    const SpectralEstimate estimate = estimate_spectrum(op, top, grid, options);
    EXPECT_FALSE(estimate.indefinite) << estimate.message;
    std::int64_t steps = 0;
    for (const ProbeQuadrature& probe : estimate.quadrature.probes) steps += probe.steps;
    EXPECT_EQ(estimate.matvecs, steps) << "one product with H per Lanczos step";
    double worst = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const Index ii = static_cast<Index>(i);
        const double exact = reference_dof(exact_sigma, grid[i], default_null_tolerance);
        const double error = std::abs(estimate.df[ii] - exact);
        worst = std::max(worst, error / estimate.df_stderr[ii]);
        EXPECT_LE(error, 3 * estimate.df_stderr[ii])
            << name << ": λ = " << grid[i] << ", exact " << exact << ", SLQ " << estimate.df[ii]
            << " ± " << estimate.df_stderr[ii] << " (quadrature bound "
            << estimate.df_quadrature_error[ii] << ")";
        EXPECT_LE(estimate.df_quadrature_error[ii], 0.5 * estimate.df_stderr[ii])
            << name << ": λ = " << grid[i];
        // The top part is exact: the sum over the 10 largest σ_j.
        double top_exact = 0;
        for (Index j = 0; j < 10; ++j) top_exact += exact_sigma[j] / (exact_sigma[j] + grid[i]);
        EXPECT_NEAR(estimate.df_top_part[ii], top_exact, 1e-8 * 10);
        if (i > 0) {
            EXPECT_LE(estimate.df[ii], estimate.df[ii - 1]) << "df must decrease in λ";
        }
    }
    std::printf(
        "[ info     ] %s SLQ: %lld products (longest probe %lld steps), %.2f s; worst error %.2f "
        "standard errors\n",
        name.c_str(), static_cast<long long>(estimate.matvecs),
        static_cast<long long>(estimate.largest_probe_steps), estimate.seconds, worst);
}

// The full check on one real matrix: dense_spectrum against the reference,
// exact df against the reference sum, SLQ against the exact df.
void check_real_matrix(const std::string& path, const std::string& name) {
    const SymmetricMatrixFile file = read_symmetric_matrix_market(path);
    const SparseMatrix& h = file.matrix;
    auto start = std::chrono::steady_clock::now();
    const Vector reference = testing::dense_eigenvalues_descending(DenseMatrix(h));
    const double reference_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const DenseEigenvalues dense = dense_spectrum(h);
    ASSERT_TRUE(dense.ok) << dense.message;
    ASSERT_EQ(dense.values.size(), h.rows());
    const double sigma_1 = reference[0];
    EXPECT_LE((dense.values - reference).cwiseAbs().maxCoeff(), 1e-12 * sigma_1);
    std::printf(
        "[ info     ] %s: n = %lld, σ_1 = %.4g, σ_n = %.4g; dense %.2f s (reference %.2f s)\n",
        name.c_str(), static_cast<long long>(h.rows()), sigma_1, reference[reference.size() - 1],
        dense.seconds, reference_seconds);

    const std::vector<double> grid = log_grid(1e-6 * sigma_1, sigma_1, 12);
    const Vector df = exact_effective_dof(dense.values, grid);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const double expected = reference_dof(reference, grid[i], default_null_tolerance);
        EXPECT_NEAR(df[static_cast<Index>(i)], expected, 1e-10 * h.rows()) << "λ = " << grid[i];
        if (i > 0) {
            EXPECT_LT(df[static_cast<Index>(i)], df[static_cast<Index>(i) - 1]);
        }
    }
    // On the two smallest matrices also against tr((H+λI)⁻¹H) by a dense
    // Cholesky solve, which uses no eigendecomposition at all.
    if (h.rows() <= 1200) {
        const DenseMatrix dense_h(h);
        for (const std::size_t i : {std::size_t{0}, std::size_t{6}, std::size_t{11}}) {
            const DenseMatrix shifted =
                dense_h + grid[i] * DenseMatrix::Identity(h.rows(), h.rows());
            const double trace = shifted.llt().solve(dense_h).trace();
            EXPECT_NEAR(df[static_cast<Index>(i)], trace, 1e-8 * h.rows()) << "λ = " << grid[i];
        }
    }
    expect_slq_matches_exact(h, reference, grid, name);
}

// ---------------------------------------------------------------------------
// Exact path
// ---------------------------------------------------------------------------

TEST(EffectiveDof, ExactMatchesTraceOfDenseSolve) {
    // df(λ) = tr((H+λI)⁻¹H), computed here by a dense Cholesky solve: an
    // identity independent of any eigendecomposition.
    Vector spectrum =
        Vector::LinSpaced(150, -6.0, 1.0).unaryExpr([](double e) { return std::pow(10.0, e); });
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 21);
    const DenseEigenvalues dense = dense_spectrum(testing::to_sparse(h));
    ASSERT_TRUE(dense.ok) << dense.message;
    const std::vector<double> grid = {0.0, 1e-7, 1e-4, 1e-2, 1.0, 1e3};
    const Vector df = exact_effective_dof(dense.values, grid, 0.0);
    EXPECT_NEAR(df[0], 150.0, 1e-9);
    for (std::size_t i = 1; i < grid.size(); ++i) {
        const DenseMatrix shifted = h + grid[i] * DenseMatrix::Identity(150, 150);
        const double trace = shifted.llt().solve(h).trace();
        EXPECT_NEAR(df[static_cast<Index>(i)], trace, 1e-7 * std::max(1.0, trace))
            << "λ = " << grid[i];
    }
}

TEST(EffectiveDof, ZeroEigenvaluesCountAsNullAndDfAtZeroIsRank) {
    Vector spectrum = Vector::LinSpaced(100, 0.5, 4.0);
    spectrum.tail(7).setZero();  // rank 93
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 5);
    const DenseEigenvalues dense = dense_spectrum(testing::to_sparse(h));
    ASSERT_TRUE(dense.ok);
    const Vector df = exact_effective_dof(dense.values, {0.0, 1e-14, 1e-300, 1e300});
    EXPECT_DOUBLE_EQ(df[0], 93.0);
    EXPECT_NEAR(df[1], 93.0, 1e-12);
    EXPECT_NEAR(df[2], 93.0, 1e-12);
    EXPECT_LT(df[3], 1e-290);
}

TEST(EffectiveDof, DenseSpectrumFromOperatorMatchesSparse) {
    const SparseMatrix h =
        testing::to_sparse(testing::matrix_with_spectrum(Vector::LinSpaced(80, 0.0, 3.0), 8));
    const DenseEigenvalues from_sparse = dense_spectrum(h);
    const SparseSymmetricOperator op(h);
    const DenseEigenvalues from_operator = dense_spectrum(op);
    ASSERT_TRUE(from_sparse.ok && from_operator.ok);
    EXPECT_EQ(from_sparse.matvecs, 0);
    EXPECT_EQ(from_operator.matvecs, 80);
    EXPECT_LT(from_operator.max_asymmetry, 1e-14);
    EXPECT_LT((from_sparse.values - from_operator.values).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_NEAR(from_sparse.values[0], 3.0, 1e-12);
    EXPECT_NEAR(from_sparse.values[79], 0.0, 1e-12);
}

TEST(EffectiveDof, RefusesBadInput) {
    const Vector sigma = Vector::LinSpaced(5, 1.0, 5.0);
    EXPECT_THROW(exact_effective_dof(sigma, {}), UsageError);
    EXPECT_THROW(exact_effective_dof(sigma, {1.0, -1e-3}), UsageError);
    EXPECT_THROW(exact_effective_dof(sigma, {std::nan("")}), UsageError);
    EXPECT_THROW(exact_effective_dof(Vector(), {1.0}), UsageError);
    EXPECT_THROW(exact_effective_dof(sigma, {1.0}, -1.0), UsageError);
    Vector indefinite = sigma;
    indefinite[4] = -0.1;
    EXPECT_THROW(exact_effective_dof(indefinite, {1.0}), UsageError);
    indefinite[4] = -1e-14;  // rounding-level: a null direction
    EXPECT_NO_THROW(exact_effective_dof(indefinite, {1.0}));
    const SparseMatrix big = testing::to_sparse(DenseMatrix::Identity(20, 20));
    EXPECT_THROW(dense_spectrum(big, 10), UsageError);
}

TEST(EffectiveDof, ExactAndSlqOn1138Bus) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/1138_bus.mtx");
    check_real_matrix(path, "1138_bus");
}

TEST(EffectiveDof, ExactAndSlqOnBcsstk09) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/bcsstk09.mtx");
    check_real_matrix(path, "bcsstk09");
}

TEST(EffectiveDof, ExactAndSlqOnBcsstk13) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/bcsstk13.mtx");
    check_real_matrix(path, "bcsstk13");
}

TEST(EffectiveDof, ExactAndSlqOnAni4) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/ani4.mtx");
    check_real_matrix(path, "ani4");
}

// ---------------------------------------------------------------------------
// SLQ
// ---------------------------------------------------------------------------

// y = D x for a diagonal D. For Rademacher z the measure Σ_i z_i² δ(d_i) of a
// diagonal matrix does not depend on z, so every probe sees the same
// quadrature problem: the statistical error vanishes and only the
// quadrature error is left.
struct DiagonalOperator {
    using Scalar = double;
    Vector d;
    Index rows() const { return d.size(); }
    Index cols() const { return d.size(); }
    void perform_op(const double* x, double* y) const {
        for (Index i = 0; i < d.size(); ++i) y[i] = d[i] * x[i];
    }
};

// The top-k eigenpairs of a dense symmetric matrix, from Eigen's dense solver.
Eigenpairs dense_top_pairs(const DenseMatrix& h, Index k) {
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(h);
    Eigenpairs top;
    top.values = eigen.eigenvalues().tail(k).reverse();
    top.vectors = eigen.eigenvectors().rightCols(k).rowwise().reverse();
    top.residuals = Vector::Zero(k);
    top.requested = top.converged = k;
    top.status = EigenStatus::converged;
    return top;
}

TEST(Slq, GaussAndRadauBracketTheExactValue) {
    // 2,000 eigenvalues log-spaced over six decades, plus 50 zeros; m = 12
    // steps resolve none of the small ones.
    Vector d(2050);
    d.head(2000) =
        Vector::LinSpaced(2000, -6.0, 0.0).unaryExpr([](double e) { return std::pow(10.0, e); });
    d.tail(50).setZero();
    const DiagonalOperator op{d};
    const std::vector<double> grid = log_grid(1e-7, 10.0, 25);
    SlqOptions options;
    options.probes = 4;
    options.lanczos_steps = 12;
    const SpectralEstimate estimate = estimate_spectrum(op, Eigenpairs{}, grid, options);
    EXPECT_EQ(estimate.matvecs, 4 * 12);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const Index ii = static_cast<Index>(i);
        const double exact = reference_dof(d, grid[i], default_null_tolerance);
        EXPECT_LT(estimate.df_stderr[ii], 1e-9 * 2050) << "diagonal: no statistical error";
        EXPECT_LE(std::abs(estimate.df[ii] - exact), estimate.df_quadrature_error[ii] + 1e-8 * 2050)
            << "λ = " << grid[i];
        for (const ProbeQuadrature& probe : estimate.quadrature.probes) {
            double upper = 0, lower = 0;
            for (Index l = 0; l < probe.gauss_nodes.size(); ++l)
                if (probe.gauss_nodes[l] > estimate.quadrature.null_threshold)
                    upper += probe.gauss_weights[l] * probe.gauss_nodes[l] /
                             (probe.gauss_nodes[l] + grid[i]);
            for (Index l = 0; l < probe.radau_nodes.size(); ++l)
                if (probe.radau_nodes[l] > estimate.quadrature.null_threshold)
                    lower += probe.radau_weights[l] * probe.radau_nodes[l] /
                             (probe.radau_nodes[l] + grid[i]);
            EXPECT_LE(lower, exact * (1 + 1e-10))
                << "Gauss–Radau is a lower bound, λ = " << grid[i];
            EXPECT_GE(upper, exact * (1 - 1e-10)) << "Gauss is an upper bound, λ = " << grid[i];
        }
    }
    // The bracket is wide at small λ (unresolved) and closes at large λ.
    EXPECT_GT(estimate.df_quadrature_error[0], 1.0);
    EXPECT_LT(estimate.df_quadrature_error[24], 1e-6);
    EXPECT_NE(estimate.message.find("quadrature error bound exceeds"), std::string::npos);
}

TEST(Slq, AdaptiveStepsCloseTheBracket) {
    // Diagonal: no statistical error, so with two probes (both use the
    // initial target of 0.1 direction / √probes) the quadrature bias left
    // at the smallest λ is at most that target.
    Vector d =
        Vector::LinSpaced(3000, -4.0, 0.0).unaryExpr([](double e) { return std::pow(10.0, e); });
    const DiagonalOperator op{d};
    const std::vector<double> grid = log_grid(1e-3, 1.0, 6);
    SlqOptions options;
    options.probes = 2;
    options.lanczos_steps = 10;
    options.max_lanczos_steps = 400;
    const SpectralEstimate estimate = estimate_spectrum(op, Eigenpairs{}, grid, options);
    const double target = 0.1 / std::sqrt(2.0);
    EXPECT_GT(estimate.largest_probe_steps, 10);
    EXPECT_LT(estimate.largest_probe_steps, 400);
    EXPECT_EQ(estimate.matvecs,
              estimate.quadrature.probes[0].steps + estimate.quadrature.probes[1].steps);
    EXPECT_LE(estimate.df_quadrature_error[0], target);
    for (std::size_t i = 0; i < grid.size(); ++i)
        EXPECT_NEAR(estimate.df[static_cast<Index>(i)], reference_dof(d, grid[i], 0.0),
                    target + 1e-8 * 3000)
            << "λ = " << grid[i];
    // The fixed-length run (10 steps) is far off at the same λ.
    options.max_lanczos_steps = 0;
    const SpectralEstimate fixed = estimate_spectrum(op, Eigenpairs{}, grid, options);
    EXPECT_GT(fixed.df_quadrature_error[0], 10 * target);
}

TEST(Slq, DeflatedEstimateOnSyntheticSpectrum) {
    // Outliers over a bulk (the shape of ML Hessians), a 20-dimensional null
    // space, deflation by the exact top 8 pairs.
    Vector spectrum(600);
    spectrum.head(8) << 1e4, 5e3, 2e3, 1e3, 500, 200, 100, 50;
    spectrum.segment(8, 572) =
        Vector::LinSpaced(572, -4.0, 0.5).unaryExpr([](double e) { return std::pow(10.0, e); });
    spectrum.tail(20).setZero();
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 31);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    const Eigenpairs top = dense_top_pairs(h, 8);
    const std::vector<double> grid = log_grid(1e-3, 1e4, 15);
    SlqOptions options;
    options.probes = 40;
    options.lanczos_steps = 60;
    const SpectralEstimate estimate = estimate_spectrum(op, top, grid, options);
    EXPECT_FALSE(estimate.indefinite);
    EXPECT_EQ(estimate.deflated, 8);
    EXPECT_EQ(estimate.matvecs, 40 * 60);
    const Vector exact = exact_effective_dof(spectrum, grid);
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const Index ii = static_cast<Index>(i);
        EXPECT_LE(std::abs(estimate.df[ii] - exact[ii]),
                  3 * estimate.df_stderr[ii] + estimate.df_quadrature_error[ii])
            << "λ = " << grid[i];
        EXPECT_NEAR(estimate.df[ii], estimate.df_top_part[ii] + estimate.df_tail[ii], 1e-9);
    }
    // One run serves every λ: the stored quadrature reproduces the estimate
    // and evaluates a new grid without products.
    const DofCurve again = effective_dof_from_quadrature(estimate.quadrature, grid);
    EXPECT_LT((again.df - estimate.df).cwiseAbs().maxCoeff(), 1e-12 * 600);
    const std::vector<double> finer = log_grid(1e-3, 1e4, 200);
    const DofCurve fine = effective_dof_from_quadrature(estimate.quadrature, finer);
    for (Index i = 1; i < fine.df.size(); ++i) EXPECT_LE(fine.df[i], fine.df[i - 1]);

    // Densities: nonnegative, the linear one integrates to ≈ 1, the log one
    // to ≈ 1 − null mass, and the linear one is close (in L1) to the exact
    // spectrum smoothed with the same kernel.
    EXPECT_GE(estimate.density_value.minCoeff(), 0.0);
    EXPECT_GE(estimate.log_density_value.minCoeff(), 0.0);
    EXPECT_NEAR(integrate(estimate.density_sigma, estimate.density_value), 1.0, 0.03);
    const Vector log10_sigma = estimate.log_density_sigma.array().log10();
    EXPECT_NEAR(integrate(log10_sigma, estimate.log_density_value), 1.0 - estimate.null_mass, 0.03);
}

// The exact spectrum smoothed by the same Gaussian kernel, on `grid`
// (values are centers in the grid's own coordinate).
Vector smoothed_exact(const Vector& grid, const Vector& centers, double bandwidth, double n) {
    Vector value = Vector::Zero(grid.size());
    for (Index j = 0; j < centers.size(); ++j)
        for (Index g = 0; g < grid.size(); ++g) {
            const double u = (grid[g] - centers[j]) / bandwidth;
            value[g] += std::exp(-0.5 * u * u) / (bandwidth * std::sqrt(2 * std::numbers::pi) * n);
        }
    return value;
}

TEST(Slq, DensityMatchesSmoothedExactSpectrum) {
    // Two clusters and five deflated outliers.
    Vector spectrum(805);
    spectrum.head(5) << 60, 50, 40, 30, 20;
    spectrum.segment(5, 500) = Vector::LinSpaced(500, 1.0, 2.0);
    spectrum.tail(300) = Vector::LinSpaced(300, 4.0, 5.0);
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 12);
    const SparseMatrix sparse = testing::to_sparse(h);
    SlqOptions options;
    options.probes = 30;
    options.lanczos_steps = 60;
    options.density_bandwidth = 0.005;
    const SparseSymmetricOperator op(sparse);
    const SpectralEstimate estimate = estimate_spectrum(op, dense_top_pairs(h, 5), {1.0}, options);
    EXPECT_EQ(estimate.density_sigma.size(), 400);
    EXPECT_NEAR(estimate.density_bandwidth, 0.005 * 59.0, 0.005 * 2);  // core range [0, 60]
    EXPECT_GE(estimate.density_value.minCoeff(), 0.0);
    EXPECT_NEAR(integrate(estimate.density_sigma, estimate.density_value), 1.0, 0.02);
    const Vector linear_exact =
        smoothed_exact(estimate.density_sigma, spectrum, estimate.density_bandwidth, 805.0);
    EXPECT_LT(integrate(estimate.density_sigma, (estimate.density_value - linear_exact).cwiseAbs()),
              0.1);

    const Vector t = estimate.log_density_sigma.array().log10();
    EXPECT_GE(estimate.log_density_value.minCoeff(), 0.0);
    EXPECT_EQ(estimate.null_mass, 0.0);
    EXPECT_NEAR(integrate(t, estimate.log_density_value), 1.0, 0.02);
    const Vector log_exact =
        smoothed_exact(t, spectrum.array().log10(), estimate.log_density_bandwidth, 805.0);
    EXPECT_LT(integrate(t, (estimate.log_density_value - log_exact).cwiseAbs()), 0.1);
}

TEST(Slq, ReportsIndefiniteOperator) {
    Vector d = Vector::LinSpaced(300, 0.1, 2.0);
    d[0] = -1.0;
    const DiagonalOperator op{d};
    SlqOptions options;
    options.probes = 3;
    options.lanczos_steps = 40;
    const SpectralEstimate estimate = estimate_spectrum(op, Eigenpairs{}, {0.1, 1.0}, options);
    EXPECT_TRUE(estimate.indefinite);
    EXPECT_LT(estimate.smallest_ritz_value, -0.9);
    EXPECT_NE(estimate.message.find("indefinite"), std::string::npos) << estimate.message;
    EXPECT_TRUE(std::isnan(estimate.df_quadrature_error[0]));
}

TEST(Slq, NearlyFullDeflationIsExactInExpectation) {
    // k = n − 1: one direction left; Lanczos ends in an invariant subspace.
    Vector spectrum = Vector::LinSpaced(6, 1.0, 6.0);
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 3);
    const SparseMatrix sparse = testing::to_sparse(h);
    const Eigenpairs top = dense_top_pairs(h, 5);
    SlqOptions options;
    options.probes = 200;
    const SparseSymmetricOperator op(sparse);
    const SpectralEstimate estimate = estimate_spectrum(op, top, {0.5}, options);
    EXPECT_EQ(estimate.lanczos_steps, 1);
    EXPECT_EQ(estimate.invariant_subspaces, 200);
    EXPECT_EQ(estimate.df_quadrature_error[0], 0.0);
    const double exact = reference_dof(spectrum, 0.5, 0.0);
    EXPECT_NEAR(estimate.df[0], exact, 3 * estimate.df_stderr[0]);
}

TEST(Slq, RefusesBadInput) {
    const Vector d = Vector::LinSpaced(50, 1.0, 2.0);
    const DiagonalOperator op{d};
    const Eigenpairs none;
    EXPECT_THROW(estimate_spectrum(op, none, {}), UsageError);
    EXPECT_THROW(estimate_spectrum(op, none, {1.0, -1.0}), UsageError);
    EXPECT_THROW(estimate_spectrum(op, none, {std::nan("")}), UsageError);
    SlqOptions options;
    options.probes = 1;
    EXPECT_THROW(estimate_spectrum(op, none, {1.0}, options), UsageError);
    options = {};
    options.lanczos_steps = 0;
    EXPECT_THROW(estimate_spectrum(op, none, {1.0}, options), UsageError);
    options = {};
    options.max_lanczos_steps = 10;  // below lanczos_steps = 80
    EXPECT_THROW(estimate_spectrum(op, none, {1.0}, options), UsageError);
    options = {};
    options.null_tolerance = -1;
    EXPECT_THROW(estimate_spectrum(op, none, {1.0}, options), UsageError);
    options = {};
    options.density_bandwidth = 0;
    EXPECT_THROW(estimate_spectrum(op, none, {1.0}, options), UsageError);

    Eigenpairs wrong_rows;
    wrong_rows.values = Vector::Ones(2);
    wrong_rows.vectors = DenseMatrix::Identity(49, 2);
    EXPECT_THROW(estimate_spectrum(op, wrong_rows, {1.0}), UsageError);
    Eigenpairs not_orthonormal;
    not_orthonormal.values = Vector::Ones(2);
    not_orthonormal.vectors = DenseMatrix::Ones(50, 2);
    EXPECT_THROW(estimate_spectrum(op, not_orthonormal, {1.0}), UsageError);
    Eigenpairs too_many;
    too_many.values = Vector::Ones(50);
    too_many.vectors = DenseMatrix::Identity(50, 50);
    EXPECT_THROW(estimate_spectrum(op, too_many, {1.0}), UsageError);

    SlqQuadrature one_probe;
    one_probe.probes.resize(1);
    EXPECT_THROW(effective_dof_from_quadrature(one_probe, {1.0}), UsageError);
}

// The singular graph Laplacian of the 4elt mesh: df(λ) → rank = n − #components
// as λ → 0⁺ (the zero eigenvalue per component contributes f = 0), df
// decreasing, df(∞) → 0, and the density is a probability density.
TEST(Slq, FourEltLaplacianRankAndIdentities) {
    RIDGELENS_REQUIRE_DATA(path, "matrices/4elt_laplacian.mtx");
    const SymmetricMatrixFile file = read_symmetric_matrix_market(path);
    const SparseMatrix& h = file.matrix;
    const Index n = h.rows();
    const Index rank = n - count_components(h);  // independent of any eigensolver
    const SparseSymmetricOperator op(h);
    EigenOptions eigen;
    eigen.k = 10;
    const Eigenpairs top = compute_top_eigenpairs(op, eigen);
    ASSERT_EQ(top.status, EigenStatus::converged) << top.message;
    const double sigma_1 = top.values[0];
    std::vector<double> grid = log_grid(1e-12 * sigma_1, 1e12 * sigma_1, 49);
    grid.insert(grid.begin(), 0.0);
    SlqOptions options;
    options.probes = 30;
    options.lanczos_steps = 80;
    const SpectralEstimate estimate = estimate_spectrum(op, top, grid, options);
    EXPECT_FALSE(estimate.indefinite) << estimate.message;
    EXPECT_EQ(estimate.matvecs, 30 * 80);

    // df(0⁺): at λ = 1e-12·σ_1 every nonzero eigenvalue (the smallest is the
    // algebraic connectivity, far above λ) has f ≈ 1 and the null direction
    // f = 0. Lanczos with 80 steps does not resolve the zero eigenvalue from
    // the smallest nonzero ones (smallest Ritz value ≈ 1e-4·σ_1): the
    // Gauss–Radau bracket accounts for that in the quadrature error bound.
    const double df_tiny = estimate.df[1];
    const double bar = 3 * estimate.df_stderr[1] + estimate.df_quadrature_error[1];
    std::printf(
        "[ info     ] 4elt: rank %lld, df(1e-12 σ_1) = %.3f ± %.3f (stderr) ± %.3f "
        "(quadrature); error %.3f; %.2f s\n",
        static_cast<long long>(rank), df_tiny, estimate.df_stderr[1],
        estimate.df_quadrature_error[1], df_tiny - rank, estimate.seconds);
    EXPECT_NEAR(df_tiny, static_cast<double>(rank), bar);
    EXPECT_LT(bar, 1e-3 * n) << "the error bar must be informative";
    EXPECT_NEAR(estimate.df[0], df_tiny, 1e-6) << "df(0) is the limit of df(0⁺)";

    for (Index i = 1; i < estimate.df.size(); ++i)
        EXPECT_LE(estimate.df[i], estimate.df[i - 1]) << "df must decrease in λ";
    // df(λ) ≈ tr(H)/λ for λ ≫ σ_1: at 1e12·σ_1 it is ~n·1e-12.
    EXPECT_LT(estimate.df[estimate.df.size() - 1], 1e-9 * n);
    EXPECT_GT(estimate.df[estimate.df.size() - 1], 0.0);

    EXPECT_GE(estimate.density_value.minCoeff(), 0.0);
    EXPECT_NEAR(integrate(estimate.density_sigma, estimate.density_value), 1.0, 0.02);
    EXPECT_GE(estimate.log_density_value.minCoeff(), 0.0);
    const Vector log10_sigma = estimate.log_density_sigma.array().log10();
    EXPECT_NEAR(integrate(log10_sigma, estimate.log_density_value), 1.0 - estimate.null_mass, 0.02);
}

}  // namespace
}  // namespace ridgelens
