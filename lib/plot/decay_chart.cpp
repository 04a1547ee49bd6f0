// f(σ) = σ/(σ+λ) on a log σ axis, one curve per λ, eigenvalues marked.

#include <algorithm>
#include <cmath>

#include "plot/chart.hpp"
#include "plot/chart_text.hpp"
#include "plot/charts.hpp"

namespace ridgelens::plot {

Figure decay_chart(const PlotData& data) {
    double low = HUGE_VAL;
    double high = 0;
    std::size_t non_positive = 0;
    for (double sigma : data.eigenvalues) {
        if (sigma > 0) {
            low = std::min(low, sigma);
            high = std::max(high, sigma);
        } else {
            ++non_positive;
        }
    }
    for (double lambda : data.lambdas) {
        if (lambda > 0) {
            low = std::min(low, lambda);
            high = std::max(high, lambda);
        }
    }
    if (!(high > 0)) low = high = 1;
    const auto [x_low, x_high] = decade_domain(low / 30, high * 30);

    Figure figure;
    figure.name = "decay.svg";
    figure.title = "Decay factor f(σ) = σ/(σ+λ)";
    Chart chart(
        "decay", figure.title,
        Axis{"eigenvalue σ of H (log scale; same units as λ)", ScaleKind::log, x_low, x_high},
        Axis{"decay factor f = σ/(σ+λ) (linear, dimensionless)", ScaleKind::linear, 0, 1.05});
    std::vector<LegendEntry> legend;
    const std::size_t samples = 240;
    for (std::size_t l = 0; l < data.lambdas.size(); ++l) {
        const double lambda = data.lambdas[l];
        const SeriesStyle style = series_style(l);
        std::vector<double> sigma;
        for (std::size_t s = 0; s <= samples; ++s)
            sigma.push_back(x_low * std::pow(x_high / x_low, static_cast<double>(s) / samples));
        if (lambda > 0) sigma.push_back(lambda);
        std::sort(sigma.begin(), sigma.end());
        std::vector<double> factor;
        for (double s : sigma) factor.push_back(s / (s + lambda));
        const std::string lambda_text = data_number(lambda);
        chart.polyline(sigma, factor, style,
                       {{"class", "decay-curve"},
                        {"id", "decay-curve-" + std::to_string(l + 1)},
                        {"data-lambda", lambda_text}});
        if (lambda > 0)
            chart.marker(lambda, 0.5, style,
                         {{"class", "half-point"}, {"data-lambda", lambda_text}}, 4, false);
        for (std::size_t j = 0; j < data.eigenvalues.size(); ++j) {
            const double s = data.eigenvalues[j];
            if (!(s > 0)) continue;
            chart.marker(s, s / (s + lambda), style,
                         {{"class", "eigen-marker"},
                          {"data-lambda", lambda_text},
                          {"data-j", std::to_string(j + 1)}});
        }
        legend.push_back({lambda_label(lambda), style, true, true, ""});
    }
    SeriesStyle half = series_style(0);
    half.colour = "#555555";
    legend.push_back({"σ = λ: f = ½", half, false, true, "", true});
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "How much of each eigen-direction survives the penalty: a direction of curvature σ keeps "
        "the fraction f = σ/(σ+λ) of its component. One curve per λ (log σ axis); the markers "
        "are the " +
        std::to_string(data.eigenvalues.size() - non_positive) +
        " computed eigenvalues σ_j of H on each curve, the open circle the point σ = λ where "
        "half survives. Directions far right of it are kept, far left decayed away.";
    if (non_positive > 0)
        figure.caption += " " + std::to_string(non_positive) +
                          " computed eigenvalue(s) are ≤ 0 and cannot be placed on the log axis "
                          "(f = 0 for null directions; negative curvature is flagged in the "
                          "report).";
    return figure;
}

}  // namespace ridgelens::plot
