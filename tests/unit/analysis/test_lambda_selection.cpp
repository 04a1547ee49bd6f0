// Choosing λ: log det(I + H/λ), GCV, the evidence and the L-curve along a
// path, against independent dense references (the n×n covariance form of the
// Gaussian evidence, explicit residuals and traces, a brute-force scan, the
// closed-form spectrum of a grid Laplacian, the dense Laplace formula).

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "reference.hpp"
#include "ridgelens/analysis/lambda_selection.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"

namespace ridgelens {
namespace {

/// A least-squares problem y = Xβ + noise with columns of decaying scale.
struct LeastSquaresData {
    DenseMatrix x;
    Vector y;
};

LeastSquaresData make_data(Index n, Index p, std::uint64_t seed) {
    LeastSquaresData data;
    data.x.resize(n, p);
    for (Index j = 0; j < p; ++j)
        data.x.col(j) = testing::random_vector(n, seed + static_cast<std::uint64_t>(j)) *
                        std::pow(0.8, static_cast<double>(j));
    const Vector beta = testing::random_vector(p, seed + 1000);
    data.y = data.x * beta + 0.7 * testing::random_vector(n, seed + 2000);
    return data;
}

/// The criteria at λ from the n×n forms, independent of the library's
/// p-dimensional ones: θ_λ = (XᵀX + nλI)⁻¹Xᵀy, df = tr(X(XᵀX + nλI)⁻¹Xᵀ),
/// C = I + XXᵀ/(nλ), log det C, the Gaussian evidence max over s² of
/// log N(y; 0, s²C).
struct DenseCriteria {
    double residual_norm, df, gcv, log_det, log_evidence, ridge_norm;
};

DenseCriteria dense_criteria(const LeastSquaresData& d, double lambda) {
    const double n = static_cast<double>(d.x.rows());
    const Index p = d.x.cols();
    const DenseMatrix a = d.x.transpose() * d.x + n * lambda * DenseMatrix::Identity(p, p);
    const Eigen::LLT<DenseMatrix> a_factor(a);
    const Vector theta = a_factor.solve(d.x.transpose() * d.y);
    DenseCriteria c;
    c.ridge_norm = theta.norm();
    c.residual_norm = (d.x * theta - d.y).norm();
    c.df = (d.x * a_factor.solve(d.x.transpose())).trace();
    c.gcv = n * c.residual_norm * c.residual_norm / ((n - c.df) * (n - c.df));
    const DenseMatrix cov =
        DenseMatrix::Identity(d.x.rows(), d.x.rows()) + d.x * d.x.transpose() / (n * lambda);
    const Eigen::LLT<DenseMatrix> cov_factor(cov);
    const DenseMatrix l = cov_factor.matrixL();
    c.log_det = 2 * l.diagonal().array().log().sum();
    const double s2 = d.y.dot(cov_factor.solve(d.y)) / n;
    c.log_evidence = -0.5 * n * std::log(2 * std::numbers::pi * s2) - 0.5 * c.log_det - 0.5 * n;
    return c;
}

/// The least-squares model of `data` at its minimizer, as a path problem.
struct LeastSquaresPath {
    LeastSquaresModel model;
    DenseMatrix h;
    ModelCurvatureOperator op;
    HessianProblem problem;
    PathOptions options;

    explicit LeastSquaresPath(const LeastSquaresData& d)
        : model(FeatureMatrix::dense(d.x), d.y),
          h(d.x.transpose() * d.x / static_cast<double>(d.x.rows())),
          op(model),
          problem(op) {
        problem.dense = &h;
        problem.source = "test";
        problem.theta_source = "least squares";
        problem.theta = (d.x.transpose() * d.x).ldlt().solve(d.x.transpose() * d.y);
        model.set_curvature_point(problem.theta);
        model.evaluate(problem.theta, &problem.gradient);
        options.eigen.k = 5;
        options.slq.probes = 8;
        options.risk = [this](const Vector& theta) { return model.evaluate(theta, nullptr); };
    }
};

TEST(LambdaSelection, EveryFieldMatchesTheDenseComputation) {
    const LeastSquaresData data = make_data(240, 18, 11);
    LeastSquaresPath setup(data);
    setup.options.lambdas = log_spaced(1e-4, 10, 9);
    PathResult path = compute_path(setup.problem, setup.options);
    ASSERT_EQ(path.df_method, "exact");
    evaluate_selection_criteria({240, true}, path);
    ASSERT_FALSE(path.criteria_note.empty());
    for (const PathPoint& point : path.points) {
        const DenseCriteria reference = dense_criteria(data, point.lambda);
        const SelectionCriteria& c = point.criteria;
        EXPECT_NEAR(point.df, reference.df, 1e-8 * reference.df) << point.lambda;
        EXPECT_NEAR(point.log_det, reference.log_det, 1e-8 * std::abs(reference.log_det));
        EXPECT_NEAR(point.ridge_norm, reference.ridge_norm, 1e-8 * reference.ridge_norm);
        EXPECT_NEAR(c.residual_norm, reference.residual_norm, 1e-8 * reference.residual_norm);
        EXPECT_NEAR(c.gcv, reference.gcv, 1e-8 * reference.gcv);
        EXPECT_NEAR(c.log_evidence, reference.log_evidence,
                    1e-8 * std::abs(reference.log_evidence));
        EXPECT_EQ(c.gcv_stderr, 0.0);  // exact df
    }
}

TEST(LambdaSelection, RefinedOptimaMatchABruteForceScan) {
    const LeastSquaresData data = make_data(200, 15, 21);
    LeastSquaresPath setup(data);
    setup.options.lambdas = log_spaced(1e-5, 10, 13);
    PathResult path = compute_path(setup.problem, setup.options);
    SelectionOptions options;
    options.criteria = {SelectionCriterion::gcv, SelectionCriterion::evidence,
                        SelectionCriterion::lcurve};
    const std::vector<LambdaSelection> selected =
        select_lambda(setup.problem, setup.options, {200, true}, options, path);
    ASSERT_EQ(selected.size(), 3u);
    // Brute force: 4,000 λ over the same range from one SVD X = USVᵀ:
    // residual² = ‖y‖² − ‖Uᵀy‖² + Σ_i (nλ/(s_i² + nλ))² (Uᵀy)_i²,
    // df = Σ s_i²/(s_i² + nλ), ‖θ_λ‖² = Σ (s_i (Uᵀy)_i/(s_i² + nλ))²,
    // log det = Σ log(1 + s_i²/(nλ)).
    const Eigen::JacobiSVD<DenseMatrix> svd(data.x, Eigen::ComputeThinU);
    const Vector s = svd.singularValues();
    const Vector uty = svd.matrixU().transpose() * data.y;
    const double n = 200, outside = data.y.squaredNorm() - uty.squaredNorm();
    // The L-curve's curvature from central differences (step 1e-4 in log λ) of
    // the closed-form (log‖r‖, log‖θ‖).
    const auto norms = [&](double lambda, double& squared, double& norm2) {
        squared = outside, norm2 = 0;
        for (Index i = 0; i < s.size(); ++i) {
            const double d = s[i] * s[i] + n * lambda;
            squared += std::pow(n * lambda / d * uty[i], 2);
            norm2 += std::pow(s[i] * uty[i] / d, 2);
        }
    };
    const auto curvature = [&](double lambda) {
        const double h = 1e-4;
        double x[3], y[3];
        for (int d = 0; d < 3; ++d) {
            double squared, norm2;
            norms(lambda * std::exp((d - 1) * h), squared, norm2);
            x[d] = 0.5 * std::log(squared);
            y[d] = 0.5 * std::log(norm2);
        }
        const double x1 = (x[2] - x[0]) / (2 * h), x2 = (x[2] - 2 * x[1] + x[0]) / (h * h);
        const double y1 = (y[2] - y[0]) / (2 * h), y2 = (y[2] - 2 * y[1] + y[0]) / (h * h);
        return (x1 * y2 - x2 * y1) / std::pow(x1 * x1 + y1 * y1, 1.5);
    };
    double best_gcv = INFINITY, best_gcv_lambda = 0, best_evidence = -INFINITY,
           best_evidence_lambda = 0, best_corner = -INFINITY, best_corner_lambda = 0;
    for (const double lambda : log_spaced(1e-5, 10, 4000)) {
        double squared, norm2, df = 0, log_det = 0;
        norms(lambda, squared, norm2);
        for (Index i = 0; i < s.size(); ++i) {
            df += s[i] * s[i] / (s[i] * s[i] + n * lambda);
            log_det += std::log1p(s[i] * s[i] / (n * lambda));
        }
        const double kappa = curvature(lambda);
        if (kappa > best_corner) best_corner = kappa, best_corner_lambda = lambda;
        const double gcv = n * squared / ((n - df) * (n - df));
        const double q = squared + n * lambda * norm2;
        const double evidence =
            -0.5 * n * (std::log(2 * std::numbers::pi) + 1 + std::log(q / n)) - 0.5 * log_det;
        if (gcv < best_gcv) best_gcv = gcv, best_gcv_lambda = lambda;
        if (evidence > best_evidence) best_evidence = evidence, best_evidence_lambda = lambda;
    }
    for (const LambdaSelection& s : selected) {
        EXPECT_TRUE(s.resolved) << s.reason;
        if (s.criterion == SelectionCriterion::lcurve) {
            // finite differences over the path's points: a few % in λ
            EXPECT_NEAR(std::log(s.lambda), std::log(best_corner_lambda), 0.05);
            EXPECT_NEAR(s.value, best_corner, 0.02 * best_corner);
            continue;
        }
        const double truth =
            s.criterion == SelectionCriterion::gcv ? best_gcv_lambda : best_evidence_lambda;
        EXPECT_NEAR(std::log(s.lambda), std::log(truth), 0.015) << to_string(s.criterion);
        EXPECT_LE(s.bracket_low, s.lambda);
        EXPECT_GE(s.bracket_high, s.lambda);
        EXPECT_LE(s.bracket_high / s.bracket_low, 1.0201 + 1e-12);
        EXPECT_GT(s.evaluations, 13);
        const DenseCriteria at = dense_criteria(data, s.lambda);
        EXPECT_NEAR(s.value, s.criterion == SelectionCriterion::gcv ? at.gcv : at.log_evidence,
                    1e-8 * std::abs(s.value));
    }
    // The refined points are solved like the grid's: against dense solves.
    for (const PathPoint& point : path.points)
        EXPECT_NEAR(point.ridge_norm, dense_criteria(data, point.lambda).ridge_norm,
                    1e-8 * point.ridge_norm);
    EXPECT_THROW(extend_path(setup.problem, setup.options, {path.points[3].lambda}, path),
                 UsageError);
}

TEST(LambdaSelection, AnOptimumAtTheEdgeOfTheGridIsNotResolved) {
    const LeastSquaresData data = make_data(200, 15, 21);
    LeastSquaresPath setup(data);
    setup.options.lambdas = log_spaced(1, 100, 5);  // far above the GCV optimum
    PathResult path = compute_path(setup.problem, setup.options);
    SelectionOptions options;
    options.criteria = {SelectionCriterion::gcv};
    const LambdaSelection s =
        select_lambda(setup.problem, setup.options, {200, true}, options, path).front();
    EXPECT_FALSE(s.resolved);
    EXPECT_EQ(s.lambda, 1.0);
    EXPECT_NE(s.reason.find("smallest λ of the grid"), std::string::npos) << s.reason;
}

TEST(LambdaSelection, GcvAndTheLCurveNeedLeastSquares) {
    const LeastSquaresData data = make_data(50, 4, 3);
    LeastSquaresPath setup(data);
    setup.options.eigen.k = 2;
    setup.options.lambdas = log_spaced(1e-2, 1, 3);
    PathResult path = compute_path(setup.problem, setup.options);
    SelectionOptions options;
    options.criteria = {SelectionCriterion::lcurve};
    EXPECT_THROW(select_lambda(setup.problem, setup.options, {50, false}, options, path),
                 UsageError);
    EXPECT_THROW(parse_selection_criterion("aic"), UsageError);
    EXPECT_EQ(parse_selection_criterion("lcurve"), SelectionCriterion::lcurve);
}

TEST(LambdaSelection, LaplaceEvidenceOfALogisticModelMatchesTheDenseFormula) {
    const Index n = 300, p = 8;
    DenseMatrix x(n, p);
    for (Index j = 0; j < p; ++j)
        x.col(j) = testing::random_vector(n, 40 + static_cast<std::uint64_t>(j));
    const Vector w = testing::random_vector(p, 99);
    const Vector noise = testing::random_vector(n, 77);
    Vector labels(n);
    for (Index i = 0; i < n; ++i) labels[i] = x.row(i).dot(w) + 2 * noise[i] > 0 ? 1.0 : -1.0;
    LogisticModel model(FeatureMatrix::dense(x), labels);
    // θ̂: a few Newton steps on R + 1e-3/2‖θ‖² (a non-stationary point of R: g ≠ 0).
    Vector theta = Vector::Zero(p), gradient;
    for (int step = 0; step < 30; ++step) {
        model.set_curvature_point(theta);
        model.evaluate(theta, &gradient);
        const DenseMatrix hessian = *model.curvature_matrix();
        theta -=
            (hessian + 1e-3 * DenseMatrix::Identity(p, p)).ldlt().solve(gradient + 1e-3 * theta);
    }
    model.set_curvature_point(theta);
    model.evaluate(theta, &gradient);
    const DenseMatrix h = *model.curvature_matrix();
    ModelCurvatureOperator op(model);
    HessianProblem problem(op);
    problem.dense = &h;
    problem.theta = theta;
    problem.gradient = gradient;
    problem.source = "test";
    problem.theta_source = "newton";
    PathOptions options;
    options.lambdas = log_spaced(1e-3, 1, 6);
    options.eigen.k = 3;
    options.slq.probes = 4;
    options.risk = [&model](const Vector& t) { return model.evaluate(t, nullptr); };
    PathResult path = compute_path(problem, options);
    evaluate_selection_criteria({n, false}, path);
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(h);
    for (const PathPoint& point : path.points) {
        const double lambda = point.lambda;
        const Vector ridge =
            (h + lambda * DenseMatrix::Identity(p, p)).ldlt().solve(h * theta - gradient);
        double risk = 0;  // mean log(1 + exp(−y xᵀθ)), written out here
        for (Index i = 0; i < n; ++i)
            risk += std::log1p(std::exp(-labels[i] * x.row(i).dot(ridge)));
        risk /= static_cast<double>(n);
        double log_det = 0;
        for (Index j = 0; j < p; ++j) log_det += std::log1p(eigen.eigenvalues()[j] / lambda);
        const double reference =
            -static_cast<double>(n) * (risk + 0.5 * lambda * ridge.squaredNorm()) - 0.5 * log_det;
        EXPECT_NEAR(point.criteria.log_evidence, reference, 1e-8 * std::abs(reference)) << lambda;
        EXPECT_TRUE(std::isnan(point.criteria.gcv));
    }
    EXPECT_NE(path.criteria_note.find("Laplace"), std::string::npos);
}

/// The 2-D Dirichlet Laplacian on an m×m grid: eigenvalues
/// 4 sin²(πi/(2(m+1))) + 4 sin²(πj/(2(m+1))), i, j = 1..m.
TEST(LogDeterminant, SlqAgreesWithTheClosedFormSpectrumOfAGridLaplacian) {
    const Index m = 50, n = m * m;
    const SparseMatrix laplacian = testing::grid_laplacian(m, m);
    const SparseSymmetricOperator op(laplacian);
    EigenOptions eigen_options;
    eigen_options.k = 6;
    const Eigenpairs top = compute_top_eigenpairs(op, eigen_options);
    ASSERT_EQ(top.status, EigenStatus::converged);
    SlqOptions slq;
    slq.probes = 20;
    slq.lanczos_steps = 60;
    const std::vector<double> lambdas = {1e-2, 0.1, 1.0, 10.0};
    const SpectralEstimate estimate = estimate_spectrum(op, top, lambdas, slq);
    Vector sigma(n);
    for (Index i = 1; i <= m; ++i)
        for (Index j = 1; j <= m; ++j) {
            const double a = std::sin(std::numbers::pi * static_cast<double>(i) / (2.0 * (m + 1)));
            const double b = std::sin(std::numbers::pi * static_cast<double>(j) / (2.0 * (m + 1)));
            sigma[(i - 1) * m + (j - 1)] = 4 * a * a + 4 * b * b;
        }
    const Vector exact = exact_log_det(sigma, lambdas);
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
        const Index k = static_cast<Index>(i);
        double direct = 0;
        for (Index j = 0; j < n; ++j) direct += std::log1p(sigma[j] / lambdas[i]);
        EXPECT_NEAR(exact[k], direct, 1e-10 * direct);
        const double bar = 3 * estimate.log_det_stderr[k] + estimate.log_det_quadrature_error[k];
        EXPECT_LE(std::abs(estimate.log_det[k] - exact[k]), bar)
            << "λ = " << lambdas[i] << ": " << estimate.log_det[k] << " vs " << exact[k];
        EXPECT_LT(bar, 0.02 * exact[k]) << "an error bar that says something";
    }
}

}  // namespace
}  // namespace ridgelens
