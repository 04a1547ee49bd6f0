// The charts of λ selection in a path report: each criterion against λ with
// its error band and the selected λ, the L-curve with its corner, and a
// Picard-style plot of the top directions at the selected λ.

#include <algorithm>
#include <cmath>

#include "plot/chart.hpp"
#include "plot/chart_text.hpp"
#include "plot/charts.hpp"

namespace ridgelens::plot {
namespace {

const SelectedLambda* find_selection(const PlotData& data, const std::string& criterion) {
    for (const SelectedLambda& s : data.selections)
        if (s.criterion == criterion) return &s;
    return nullptr;
}

// The path sample whose λ is closest (in log λ) to `lambda`.
const PathSample& nearest_sample(const PlotData& data, double lambda) {
    const PathSample* best = &data.path.front();
    for (const PathSample& s : data.path)
        if (std::abs(std::log(s.lambda / lambda)) < std::abs(std::log(best->lambda / lambda)))
            best = &s;
    return *best;
}

// Log domain of the finite positive values (a decade around one value).
std::pair<double, double> positive_domain(const std::vector<double>& values) {
    double low = HUGE_VAL, high = 0;
    for (double v : values)
        if (v > 0 && std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    if (!(high > 0)) return {1, 10};
    return decade_domain(low, high);
}

}  // namespace

bool has_selection_criteria(const PlotData& data) {
    for (const PathSample& s : data.path)
        if (std::isfinite(s.log_evidence)) return true;
    return false;
}

Figure criterion_chart(const PlotData& data, const std::string& criterion) {
    const bool gcv = criterion == "gcv";
    std::vector<double> lambda, value, low, high;
    double bottom = HUGE_VAL, top = -HUGE_VAL;
    for (const PathSample& s : data.path) {
        const double v = gcv ? s.gcv : s.log_evidence;
        const double se = gcv ? s.gcv_stderr : s.log_evidence_stderr;
        const double band = std::isfinite(se) ? se : 0;
        lambda.push_back(s.lambda);
        value.push_back(v);
        low.push_back(v - band);
        high.push_back(v + band);
        if (std::isfinite(v)) bottom = std::min(bottom, v - band), top = std::max(top, v + band);
    }
    if (!(top >= bottom)) bottom = 0, top = 1;
    std::vector<double> lambdas;
    for (const PathSample& s : data.path) lambdas.push_back(s.lambda);
    const auto [x_low, x_high] = positive_domain(lambdas);
    const auto [y_low, y_high] = nice_linear_domain(bottom, top > bottom ? top : bottom + 1);
    Figure figure;
    figure.name = gcv ? "gcv.svg" : "evidence.svg";
    figure.title = gcv ? "Generalized cross-validation GCV(λ) = n‖Xθ_λ − y‖²/(n − df(λ))²"
                       : "Log evidence (marginal likelihood) against λ";
    Chart chart(gcv ? "gcv" : "evidence", figure.title,
                Axis{"penalty strength λ (log scale; units of H)", ScaleKind::log, x_low, x_high},
                Axis{gcv ? "GCV (linear; squared units of y)" : "log evidence (linear; nats)",
                     ScaleKind::linear, y_low, y_high});
    std::vector<double> xs = lambda, ys = high;
    xs.insert(xs.end(), lambda.rbegin(), lambda.rend());
    ys.insert(ys.end(), low.rbegin(), low.rend());
    chart.polygon(xs, ys, "#7f7f7f", {{"class", "criterion-band"}, {"fill-opacity", "0.45"}});
    const SeriesStyle main = series_style(0);
    chart.polyline(lambda, value, main, {{"class", "criterion-line"}});
    for (std::size_t i = 0; i < lambda.size(); ++i)
        chart.marker(lambda[i], value[i], main, {{"class", "criterion-point"}}, 3.5);
    std::vector<LegendEntry> legend{
        {gcv ? "GCV" : "log evidence", main, true, true, ""},
        {"± 1 standard error", SeriesStyle{"#7f7f7f", "", MarkerShape::square, 1}, false, false,
         "#bfbfbf"}};
    if (const SelectedLambda* s = find_selection(data, gcv ? "gcv" : "evidence")) {
        SeriesStyle mark = series_style(1);
        mark.width = 1.6;
        chart.polyline({s->lambda, s->lambda}, {y_low, y_high}, mark,
                       {{"class", "selected-lambda"}, {"data-lambda", data_number(s->lambda)}});
        chart.marker(s->lambda, s->value, mark, {{"class", "selected-point"}}, 6);
        legend.push_back(
            {"selected " + lambda_label(s->lambda) + (s->resolved ? "" : " (not resolved)"), mark,
             true, true, ""});
    }
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        gcv ? "GCV estimates the prediction error of the ridge fit from the residual and df(λ); "
              "its minimum is the λ it selects (marked). The band is ±1 standard error from "
              "df's (zero width when df is exact)."
            : "The log marginal likelihood of the data under the prior θ ~ N(0, ·/(nλ)·I) (the "
              "Gaussian model for least squares, its Laplace approximation otherwise); its "
              "maximum is the λ it selects (marked). The band is ±1 standard error from the "
              "stochastic estimate of log det(I + H/λ).";
    return figure;
}

Figure lcurve_chart(const PlotData& data) {
    std::vector<double> residual, norm;
    for (const PathSample& s : data.path) {
        residual.push_back(s.residual_norm);
        norm.push_back(s.ridge_norm);
    }
    const auto [x_low, x_high] = positive_domain(residual);
    const auto [y_low, y_high] = positive_domain(norm);
    Figure figure;
    figure.name = "lcurve.svg";
    figure.title = "L-curve: ‖θ_λ‖ against ‖Xθ_λ − y‖";
    Chart chart(
        "lcurve", figure.title,
        Axis{"residual norm ‖Xθ_λ − y‖ (log scale; units of y)", ScaleKind::log, x_low, x_high},
        Axis{"solution norm ‖θ_λ‖ (log scale; units of θ)", ScaleKind::log, y_low, y_high});
    const SeriesStyle main = series_style(0);
    chart.polyline(residual, norm, main, {{"class", "lcurve-line"}});
    for (std::size_t i = 0; i < residual.size(); ++i)
        chart.marker(residual[i], norm[i], main,
                     {{"class", "lcurve-point"}, {"data-lambda", data_number(data.path[i].lambda)}},
                     3.5);
    std::vector<LegendEntry> legend{{"(‖Xθ_λ − y‖, ‖θ_λ‖) over λ", main, true, true, ""}};
    if (const SelectedLambda* s = find_selection(data, "lcurve")) {
        const PathSample& corner = nearest_sample(data, s->lambda);
        const SeriesStyle mark = series_style(1);
        chart.marker(corner.residual_norm, corner.ridge_norm, mark,
                     {{"class", "lcurve-corner"}, {"data-lambda", data_number(corner.lambda)}}, 7);
        legend.push_back({"corner, " + lambda_label(corner.lambda), mark, false, true, ""});
    }
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "Each point is one λ: small λ fit the data (small residual, large θ), large λ shrink θ "
        "(small norm, large residual). The corner, the point of maximum curvature, balances "
        "the two.";
    return figure;
}

Figure picard_chart(const PlotData& data) {
    const SelectedLambda* s = data.selections.empty() ? nullptr : &data.selections.front();
    for (const SelectedLambda& candidate : data.selections)
        if (candidate.criterion == "evidence") s = &candidate;
    const double lambda = s != nullptr ? s->lambda : data.path[data.path.size() / 2].lambda;
    const PathSample& at = nearest_sample(data, lambda);
    const std::size_t count =
        std::min({data.eigenvalues.size(), data.centre.size(), at.coefficients.size()});
    std::vector<double> sigma, component, shrunk, all;
    for (std::size_t j = 0; j < count; ++j) {
        sigma.push_back(data.eigenvalues[j]);
        component.push_back(std::abs(data.centre[j]));
        shrunk.push_back(std::abs(at.coefficients[j]));
        all.push_back(component.back());
        all.push_back(shrunk.back());
    }
    const auto [x_low, x_high] = positive_domain(sigma);
    const auto [y_low, y_high] = positive_domain(all);
    Figure figure;
    figure.name = "picard.svg";
    figure.title = "Components of the top directions at the selected " + lambda_label(at.lambda);
    Chart chart("picard", figure.title,
                Axis{"eigenvalue σ_j (log scale; units of H)", ScaleKind::log, x_low, x_high},
                Axis{"|component| (log scale; units of θ)", ScaleKind::log, y_low, y_high});
    const SeriesStyle before = series_style(0), after = series_style(1);
    for (std::size_t j = 0; j < count; ++j) {
        chart.marker(sigma[j], component[j], before,
                     {{"class", "picard-component"}, {"data-j", std::to_string(j + 1)}}, 5);
        chart.marker(sigma[j], shrunk[j], after,
                     {{"class", "picard-shrunk"}, {"data-j", std::to_string(j + 1)}}, 5, false);
    }
    SeriesStyle half = series_style(2);
    half.width = 1.4;
    chart.polyline({at.lambda, at.lambda}, {y_low, y_high}, half, {{"class", "lambda-line"}});
    chart.legend({{"|c_j| (λ → 0)", before, false, true, ""},
                  {"|f_j c_j| at the selected λ", after, false, true, "", true},
                  {"σ = λ (f = ½)", half, true, false, ""}});
    figure.svg = chart.finish();
    figure.caption =
        "A Picard-style view of the selected λ: for each top direction, the size of θ̂'s "
        "component (filled) and of what ridge keeps of it (open), against σ_j. Directions "
        "right of the line σ = λ keep most of their component, those left of it are decayed.";
    return figure;
}

}  // namespace ridgelens::plot
