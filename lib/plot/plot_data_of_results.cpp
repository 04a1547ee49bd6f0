// The numbers behind the pictures, taken from the results in memory.

#include <cmath>
#include <limits>

#include "plot/plot_data.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens::plot {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// A report writes non-finite numbers as null, which reads back as NaN.
double finite_or_nan(double value) {
    return std::isfinite(value) ? value : nan;
}

std::vector<double> finite_or_nan(const std::vector<double>& values) {
    std::vector<double> out;
    out.reserve(values.size());
    for (const double value : values) out.push_back(finite_or_nan(value));
    return out;
}

std::vector<double> finite_or_nan(const Vector& values) {
    return finite_or_nan(std::vector<double>(values.data(), values.data() + values.size()));
}

void set_problem(PlotData& data, const ProblemSummary& problem, const Eigenpairs& eigen) {
    data.n = static_cast<double>(problem.n);
    data.theta_norm = finite_or_nan(problem.theta_norm);
    data.gradient_norm = problem.gradient_norm >= 0 ? finite_or_nan(problem.gradient_norm) : nan;
    data.eigenvalues = finite_or_nan(eigen.values);
}

PathSample sample_of(const PathPoint& point, bool criteria) {
    PathSample sample;
    sample.lambda = point.lambda;
    sample.df = finite_or_nan(point.df);
    sample.df_stderr = finite_or_nan(point.df_stderr);
    sample.df_slq = finite_or_nan(point.df_slq);
    sample.df_slq_stderr = finite_or_nan(point.df_slq_stderr);
    sample.ridge_norm = finite_or_nan(point.ridge_norm);
    sample.coefficients = finite_or_nan(point.coefficients);
    const SelectionCriteria& c = point.criteria;
    sample.residual_norm = criteria ? finite_or_nan(c.residual_norm) : nan;
    sample.gcv = criteria ? finite_or_nan(c.gcv) : nan;
    sample.gcv_stderr = criteria ? finite_or_nan(c.gcv_stderr) : nan;
    sample.log_evidence = criteria ? finite_or_nan(c.log_evidence) : nan;
    sample.log_evidence_stderr = criteria ? finite_or_nan(c.log_evidence_stderr) : nan;
    return sample;
}

}  // namespace

PlotData plot_data_of_analysis(const ProblemSummary& problem, const AnalysisResult& result,
                               ReportKind kind, const std::string& source) {
    if (result.lambdas.empty()) throw UsageError("pictures: the analysis has no λ to draw");
    PlotData data;
    data.kind = kind;
    data.source = source;
    set_problem(data, problem, result.eigen);
    for (const LambdaResult& entry : result.lambdas) {
        data.lambdas.push_back(entry.lambda);
        std::vector<double> shrunk, sigma, component;
        for (const DirectionDecay& d : entry.decay.directions) {
            shrunk.push_back(finite_or_nan(d.shrunk));
            sigma.push_back(finite_or_nan(d.sigma));
            component.push_back(finite_or_nan(d.component));
        }
        if (data.lambdas.size() == 1) set_first_lambda_directions(data, shrunk, sigma, component);
        data.shrunk.push_back(std::move(shrunk));
    }
    return data;
}

PlotData plot_data_of_path(const ProblemSummary& problem, const PathResult& result,
                           std::size_t max_lambdas) {
    if (result.points.empty()) throw UsageError("pictures: the path has no λ to draw");
    PlotData data;
    data.kind = ReportKind::path;
    data.source = problem.source;
    set_problem(data, problem, result.eigen);
    data.df_method = result.df_method;
    data.path_points_in_report = result.points.size();
    const bool criteria = !result.criteria_note.empty();
    std::vector<std::vector<double>> predicted;
    for (const std::size_t i : drawn_path_indices(result.points.size())) {
        data.path.push_back(sample_of(result.points[i], criteria));
        predicted.push_back(finite_or_nan(result.points[i].predicted));
    }
    if (criteria)
        for (const LambdaSelection& s : result.selections)
            data.selections.push_back(SelectedLambda{to_string(s.criterion),
                                                     finite_or_nan(s.lambda),
                                                     finite_or_nan(s.value), s.resolved});
    finish_path(data, predicted, max_lambdas);
    const SpectralEstimate& spectrum = result.spectrum;
    if (!set_density(data, finite_or_nan(spectrum.log_density_sigma),
                     finite_or_nan(spectrum.log_density_value), true,
                     finite_or_nan(spectrum.null_mass)))
        set_density(data, finite_or_nan(spectrum.density_sigma),
                    finite_or_nan(spectrum.density_value), false, 0.0);
    return data;
}

}  // namespace ridgelens::plot
