// |c_j| and |q_jᵀθ̂_ridge| per direction, side by side.

#include <algorithm>
#include <cmath>

#include "plot/chart.hpp"
#include "plot/chart_text.hpp"
#include "plot/charts.hpp"

namespace ridgelens::plot {
namespace {

/// <pattern> fills that stay distinct in greyscale: solid, hatched, cross-hatched, dotted.
std::string bar_fill(SvgWriter& svg, const std::string& id, std::size_t series,
                     const std::string& colour) {
    if (series % 4 == 0) return colour;
    const std::string pattern_id = id + "-fill-" + std::to_string(series);
    svg.open("defs");
    svg.open(
        "pattern",
        {{"id", pattern_id}, {"patternUnits", "userSpaceOnUse"}, {"width", "6"}, {"height", "6"}});
    svg.element("rect", {{"width", "6"}, {"height", "6"}, {"fill", "#ffffff"}});
    if (series % 4 == 1) {
        svg.element(
            "path",
            {{"d", "M-1 7L7 -1M-1 1L1 -1M5 7L7 5"}, {"stroke", colour}, {"stroke-width", "2"}});
    } else if (series % 4 == 2) {
        svg.element("path", {{"d", "M0 3H6M3 0V6"}, {"stroke", colour}, {"stroke-width", "2"}});
    } else {
        svg.element("circle", {{"cx", "3"}, {"cy", "3"}, {"r", "1.8"}, {"fill", colour}});
    }
    svg.close();
    svg.close();
    return "url(#" + pattern_id + ")";
}

}  // namespace

Figure components_chart(const PlotData& data) {
    const bool exact_components = !data.components.empty();
    const std::vector<double>& reference = exact_components ? data.components : data.centre;
    const std::size_t k = reference.size();
    double top = 0;
    for (double value : reference)
        if (std::isfinite(value)) top = std::max(top, std::abs(value));
    for (const auto& row : data.shrunk)
        for (double value : row)
            if (std::isfinite(value)) top = std::max(top, std::abs(value));
    const auto [y_low, y_high] = nice_linear_domain(0, top > 0 ? top : 1);

    Axis x_axis{"eigen-direction j (σ_1 ≥ σ_2 ≥ …)", ScaleKind::linear, 0.5,
                static_cast<double>(std::max<std::size_t>(k, 1)) + 0.5};
    const std::size_t label_every = k > 24 ? (k + 23) / 24 : 1;
    for (std::size_t j = 1; j <= k; ++j)
        if ((j - 1) % label_every == 0) x_axis.ticks.emplace_back(j, std::to_string(j));
    Figure figure;
    figure.name = "components.svg";
    figure.title = "What θ̂ had and what survives, per direction";
    Chart chart(
        "components", figure.title, x_axis,
        Axis{"|component| along q_j (linear; units of θ)", ScaleKind::linear, y_low, y_high});
    const std::size_t bars = 1 + data.shrunk.size();
    const double group = 0.8;
    const double bar_width = group / static_cast<double>(bars);
    const double pixel_per_unit = chart.x()(1.0) - chart.x()(0.0);
    std::vector<LegendEntry> legend;
    for (std::size_t b = 0; b < bars; ++b) {
        SeriesStyle style =
            b == 0 ? SeriesStyle{"#000000", "", MarkerShape::square, 1} : series_style(b);
        const std::string fill =
            b == 0 ? std::string("#bdbdbd") : bar_fill(chart.svg(), "components", b, style.colour);
        const std::vector<double>& values = b == 0 ? reference : data.shrunk[b - 1];
        for (std::size_t j = 0; j < k && j < values.size(); ++j) {
            if (!std::isfinite(values[j])) continue;
            const double left = static_cast<double>(j + 1) - group / 2 + bar_width * b;
            const double x = chart.x()(left);
            const double y = chart.y()(std::abs(values[j]));
            const double base = chart.y()(0);
            Attributes attributes{{"class", b == 0 ? "bar-component" : "bar-shrunk"},
                                  {"data-j", std::to_string(j + 1)},
                                  {"data-value", data_number(std::abs(values[j]))}};
            if (b > 0) attributes.emplace_back("data-lambda", data_number(data.lambdas[b - 1]));
            attributes.insert(attributes.end(),
                              {{"x", px(x)},
                               {"y", px(y)},
                               {"width", px(std::max(bar_width * pixel_per_unit, 1.0))},
                               {"height", px(std::max(base - y, 0.0))},
                               {"fill", fill},
                               {"stroke", "#000000"},
                               {"stroke-width", "0.7"}});
            chart.svg().element("rect", attributes);
        }
        const std::string label =
            b == 0 ? (exact_components ? "|c_j| = |q_jᵀθ̂|" : "|m_j| (λ → 0 limit)")
                   : "|q_jᵀθ̂_ridge|, " + lambda_label(data.lambdas[b - 1]);
        legend.push_back({label, style, false, false, fill});
    }
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "For each computed eigen-direction q_j: the size of θ̂'s component c_j = q_jᵀθ̂ (grey) "
        "and of what is left of it after the ridge transform, |q_jᵀθ̂_ridge| = |f_j c_j|, for "
        "each λ (patterned bars, left to right in the legend's order). Directions with σ_j ≫ λ "
        "keep their bar, directions with σ_j ≪ λ lose it.";
    if (data.gradient_norm > 0)
        figure.caption +=
            " Here ∇R(θ̂) = g ≠ 0 (" + short_number(data.gradient_norm) +
            "), so q_jᵀθ̂_ridge = (σ_j c_j − q_jᵀg)/(σ_j+λ) includes the gradient term.";
    if (!exact_components)
        figure.caption +=
            " The report gives q_jᵀθ̂_ridge but not c_j (g ≠ 0), so the grey "
            "bars show the λ → 0 limit m_j = c_j − q_jᵀg/σ_j.";
    return figure;
}

}  // namespace ridgelens::plot
