// The programs draw their pictures from the results in memory; `ridgelens
// plot` draws them from the JSON report read back. The two readers are
// separate code: here every figure of an analysis, a fit and a λ-selected path
// must come out byte-identical both ways (the report serialized to text and
// parsed again, as a file would be).

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "reference.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/analysis/lambda_selection.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/report/fit_report.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/report/path_report.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using plot::FigureSet;

/// The report as a file holds it: serialized and parsed again.
json read_back(const json& report) {
    return json::parse(report.dump());
}

void expect_same_figures(const FigureSet& from_results, const FigureSet& from_report) {
    EXPECT_EQ(from_results.heading, from_report.heading);
    EXPECT_EQ(from_results.notes, from_report.notes);
    ASSERT_EQ(from_results.figures.size(), from_report.figures.size());
    for (std::size_t i = 0; i < from_results.figures.size(); ++i) {
        const plot::Figure& a = from_results.figures[i];
        const plot::Figure& b = from_report.figures[i];
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.title, b.title) << a.name;
        EXPECT_EQ(a.caption, b.caption) << a.name;
        EXPECT_EQ(a.svg, b.svg) << a.name << " differs between the two readers";
    }
}

TEST(PlotFromResults, AnalysisPicturesEqualThoseOfItsReport) {
    Vector spectrum = Vector::LinSpaced(60, 0.01, 1.0);
    spectrum.head(3) << 50, 20, 8;
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 3);
    const SparseMatrix sparse = testing::to_sparse(h);
    const SparseSymmetricOperator op(sparse);
    HessianProblem problem{op};
    problem.matrix = &sparse;
    problem.theta = testing::random_vector(60, 5);
    problem.gradient = 0.1 * testing::random_vector(60, 6);  // g ≠ 0: the centre is not θ̂
    problem.source = "synthetic, 60 × 60";
    AnalyzeOptions options;
    options.lambdas = {0.05, 0.5, 5.0};
    options.eigen.k = 4;
    const AnalysisResult result = analyze(problem, options);
    ASSERT_TRUE(result.ok);
    const ProblemSummary summary = summarize(problem);
    const FigureSet from_results = plot::make_analysis_figures(summary, result);
    EXPECT_GE(from_results.figures.size(), 3u);
    expect_same_figures(from_results,
                        plot::make_figures(read_back(make_analysis_report(summary, result, {}))));
}

TEST(PlotFromResults, FitPicturesEqualThoseOfItsReport) {
    const Index n = 300, p = 6;
    DenseMatrix x(n, p);
    for (Index j = 0; j < p; ++j) x.col(j) = testing::random_vector(n, 40 + j);
    const Vector score = x * testing::random_vector(p, 50) + testing::random_vector(n, 51);
    Vector labels(n);
    for (Index i = 0; i < n; ++i) labels[i] = score[i] > 0 ? 1.0 : -1.0;
    LogisticModel model(FeatureMatrix::dense(x), labels);
    FitAnalysisOptions options;
    options.fit.base_lambda = 1e-2;
    options.analysis.lambdas = {1e-2, 1e-1};
    options.analysis.eigen.k = 3;
    const FitAnalysisResult result = fit_and_analyze(model, options);
    ASSERT_TRUE(result.analyzed) << result.fit.message;
    const std::string data = "synthetic labels";
    const FigureSet from_results = plot::make_fit_figures(result, model.name() + " on " + data);
    expect_same_figures(from_results,
                        plot::make_figures(read_back(make_fit_report(model, p, data, result, {}))));
}

TEST(PlotFromResults, FitThatAnalyzedNothingHasNoPictures) {
    FitAnalysisResult failed;
    failed.fit.message = "not converged";
    EXPECT_THROW(plot::make_fit_figures(failed, "model"), UsageError);
}

TEST(PlotFromResults, SelectedPathPicturesEqualThoseOfItsReport) {
    const Index n = 200, p = 12;
    DenseMatrix x(n, p);
    for (Index j = 0; j < p; ++j)
        x.col(j) = testing::random_vector(n, 70 + j) * std::pow(0.7, static_cast<double>(j));
    const Vector y = x * testing::random_vector(p, 90) + 0.5 * testing::random_vector(n, 91);
    LeastSquaresModel model(FeatureMatrix::dense(x), y);
    const ModelCurvatureOperator op(model);
    HessianProblem problem{op};
    problem.source = "least squares, 200 × 12";
    problem.theta = (x.transpose() * x).ldlt().solve(x.transpose() * y);
    model.set_curvature_point(problem.theta);
    model.evaluate(problem.theta, &problem.gradient);
    PathOptions options;
    options.lambdas = log_spaced(1e-5, 10, 25);
    options.eigen.k = 4;
    options.slq.probes = 6;
    options.risk = [&model](const Vector& theta) { return model.evaluate(theta, nullptr); };
    PathResult path = compute_path(problem, options);
    SelectionOptions selection;
    selection.criteria = {SelectionCriterion::gcv, SelectionCriterion::evidence,
                          SelectionCriterion::lcurve};
    path.selections = select_lambda(problem, options, {n, true}, selection, path);
    ASSERT_FALSE(path.criteria_note.empty());
    const ProblemSummary summary = summarize(problem);
    plot::PlotOptions plot_options;
    plot_options.max_lambdas = 3;
    const FigureSet from_results = plot::make_path_figures(summary, path, plot_options);
    EXPECT_GE(from_results.figures.size(), 8u);  // the path's and the criteria's pictures
    expect_same_figures(
        from_results, plot::make_figures(read_back(make_path_report(summary, path)), plot_options));
}

}  // namespace
}  // namespace ridgelens
