// The plane of two eigen-directions: contours of the quadratic model, θ̂,
// θ̂_ridge for each λ, the ridge path and the L2 circles that touch the
// contours.

#include <algorithm>
#include <cmath>

#include "plot/chart.hpp"
#include "plot/chart_text.hpp"
#include "plot/charts.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens::plot {
namespace {

struct Point {
    double x = 0;
    double y = 0;
};

/// Pixel radii can be astronomically large for thin ellipses; the renderer
/// only needs "far outside the picture".
double clamp_radius(double radius) {
    return std::min(radius, 1e6);
}

}  // namespace

Figure geometry_chart(const PlotData& data, std::size_t i, std::size_t j) {
    const std::size_t k = std::min(data.eigenvalues.size(), data.centre.size());
    if (i == j || i < 1 || j < 1 || i > k || j > k)
        throw UsageError("PlotOptions::pair " + std::to_string(i) + "," + std::to_string(j) +
                         ": need two different directions between 1 and " + std::to_string(k));
    const double sigma_i = data.eigenvalues[i - 1];
    const double sigma_j = data.eigenvalues[j - 1];
    const Point centre{data.centre[i - 1], data.centre[j - 1]};
    if (!(sigma_i > 0) || !(sigma_j > 0) || !std::isfinite(centre.x) || !std::isfinite(centre.y))
        throw UsageError("PlotOptions::pair " + std::to_string(i) + "," + std::to_string(j) +
                         ": the plane needs two directions with σ > 0 and a finite minimizer");
    const bool has_theta = !data.components.empty() && std::isfinite(data.components[i - 1]) &&
                           std::isfinite(data.components[j - 1]);
    const Point theta = has_theta ? Point{data.components[i - 1], data.components[j - 1]} : centre;
    const bool show_centre = !has_theta || std::hypot(theta.x - centre.x, theta.y - centre.y) >
                                               1e-9 * std::hypot(centre.x, centre.y);
    const auto ridge_at = [&](double lambda) {
        if (std::isinf(lambda)) return Point{0, 0};
        return Point{sigma_i * centre.x / (sigma_i + lambda),
                     sigma_j * centre.y / (sigma_j + lambda)};
    };
    std::vector<Point> ridge;
    for (std::size_t l = 0; l < data.lambdas.size(); ++l) {
        const auto& row = data.shrunk[l];
        if (row.size() >= std::max(i, j) && std::isfinite(row[i - 1]) && std::isfinite(row[j - 1]))
            ridge.push_back({row[i - 1], row[j - 1]});
        else
            ridge.push_back(ridge_at(data.lambdas[l]));
    }
    // λ from 0 to ∞: 0, then log-spaced far below to far above both σ, then ∞.
    std::vector<double> path_lambdas{0.0};
    const double from = std::min(sigma_i, sigma_j) * 1e-4;
    const double to = std::max(sigma_i, sigma_j) * 1e4;
    const int samples = 600;
    for (int s = 0; s <= samples; ++s)
        path_lambdas.push_back(from * std::pow(to / from, static_cast<double>(s) / samples));
    path_lambdas.push_back(HUGE_VAL);

    // Equal scales on both axes: the extent of every point, padded, then the
    // shorter side widened to the plot area's aspect ratio.
    std::vector<Point> extent{Point{0, 0}, centre, theta};
    extent.insert(extent.end(), ridge.begin(), ridge.end());
    double x_low = HUGE_VAL, x_high = -HUGE_VAL, y_low = HUGE_VAL, y_high = -HUGE_VAL;
    for (const Point& p : extent) {
        x_low = std::min(x_low, p.x);
        x_high = std::max(x_high, p.x);
        y_low = std::min(y_low, p.y);
        y_high = std::max(y_high, p.y);
    }
    double span = std::max({x_high - x_low, y_high - y_low, 1e-300});
    const double pad = 0.12 * span;
    x_low -= pad, x_high += pad, y_low -= pad, y_high += pad;
    const ChartLayout layout{900, 640, 84, 250, 48, 64};
    const double units_per_pixel =
        std::max((x_high - x_low) / layout.plot_width(), (y_high - y_low) / layout.plot_height());
    const double x_mid = (x_low + x_high) / 2;
    const double y_mid = (y_low + y_high) / 2;
    x_low = x_mid - units_per_pixel * layout.plot_width() / 2;
    x_high = x_mid + units_per_pixel * layout.plot_width() / 2;
    y_low = y_mid - units_per_pixel * layout.plot_height() / 2;
    y_high = y_mid + units_per_pixel * layout.plot_height() / 2;

    const std::string qi = "q" + std::to_string(i);
    const std::string qj = "q" + std::to_string(j);
    Figure figure;
    figure.name = "geometry.svg";
    figure.title = "The ridge geometry in the plane of (" + qi + ", " + qj + ")";
    Chart chart("geometry", figure.title,
                Axis{"x_" + std::to_string(i) + " = " + qi + "ᵀθ (linear; units of θ; σ_" +
                         std::to_string(i) + " = " + short_number(sigma_i) + ")",
                     ScaleKind::linear, x_low, x_high},
                Axis{"x_" + std::to_string(j) + " = " + qj + "ᵀθ (linear; units of θ; σ_" +
                         std::to_string(j) + " = " + short_number(sigma_j) + ")",
                     ScaleKind::linear, y_low, y_high},
                layout);
    const double pixels_per_unit = 1 / units_per_pixel;
    const auto ellipse = [&](double level, const Attributes& extra, const SeriesStyle& style) {
        Attributes attributes = extra;
        attributes.insert(
            attributes.end(),
            {{"data-level", data_number(level)},
             {"cx", px(chart.x()(centre.x))},
             {"cy", px(chart.y()(centre.y))},
             {"rx", px(clamp_radius(std::sqrt(2 * level / sigma_i) * pixels_per_unit))},
             {"ry", px(clamp_radius(std::sqrt(2 * level / sigma_j) * pixels_per_unit))},
             {"fill", "none"},
             {"stroke", style.colour},
             {"stroke-width", px(style.width)}});
        if (!style.dash.empty()) attributes.emplace_back("stroke-dasharray", style.dash);
        chart.svg().element("ellipse", attributes);
    };
    const auto model_value = [&](const Point& p) {
        return 0.5 * (sigma_i * (p.x - centre.x) * (p.x - centre.x) +
                      sigma_j * (p.y - centre.y) * (p.y - centre.y));
    };
    // Background contours: through 0 (where λ = ∞ lands) and inside it.
    const SeriesStyle grey{"#9a9a9a", "", MarkerShape::circle, 1};
    const double level_zero = model_value({0, 0});
    for (const double fraction : {1.0 / 64, 1.0 / 16, 1.0 / 4, 1.0, 4.0})
        if (level_zero > 0) ellipse(fraction * level_zero, {{"class", "contour-extra"}}, grey);

    std::vector<double> path_x, path_y;
    for (double lambda : path_lambdas) {
        const Point p = ridge_at(lambda);
        path_x.push_back(p.x);
        path_y.push_back(p.y);
    }
    const SeriesStyle path_style{"#000000", "", MarkerShape::circle, 2.6};
    chart.polyline(path_x, path_y, path_style,
                   {{"class", "ridge-path"}, {"data-samples", std::to_string(path_x.size())}});

    std::vector<LegendEntry> legend;
    for (std::size_t l = 0; l < data.lambdas.size(); ++l) {
        const SeriesStyle style = series_style(l + 1);
        const std::string lambda_text = data_number(data.lambdas[l]);
        const Point p = ridge[l];
        SeriesStyle contour = style;
        contour.dash.clear();
        contour.width = 1.6;
        ellipse(model_value(p), {{"class", "contour"}, {"data-lambda", lambda_text}}, contour);
        const double radius = std::hypot(p.x, p.y);
        SeriesStyle circle = style;
        circle.dash = "7 5";
        circle.width = 1.6;
        chart.svg().element("circle", {{"class", "l2-circle"},
                                       {"data-lambda", lambda_text},
                                       {"data-radius", data_number(radius)},
                                       {"cx", px(chart.x()(0))},
                                       {"cy", px(chart.y()(0))},
                                       {"r", px(clamp_radius(radius * pixels_per_unit))},
                                       {"fill", "none"},
                                       {"stroke", circle.colour},
                                       {"stroke-width", px(circle.width)},
                                       {"stroke-dasharray", circle.dash}});
        legend.push_back({"θ̂_ridge, " + lambda_label(data.lambdas[l]), style, false, true, ""});
    }
    for (std::size_t l = 0; l < data.lambdas.size(); ++l)
        chart.marker(ridge[l].x, ridge[l].y, series_style(l + 1),
                     {{"class", "ridge-point"}, {"data-lambda", data_number(data.lambdas[l])}}, 6);
    const SeriesStyle theta_style{"#000000", "", MarkerShape::diamond, 2};
    chart.marker(0, 0, SeriesStyle{"#000000", "", MarkerShape::plus, 1}, {{"class", "origin"}}, 6);
    if (show_centre)
        chart.marker(centre.x, centre.y, SeriesStyle{"#555555", "", MarkerShape::square, 1},
                     {{"class", "model-minimum"}}, 6, false);
    // Open, so that a θ̂_ridge underneath (λ ≪ σ) stays visible.
    if (has_theta) chart.marker(theta.x, theta.y, theta_style, {{"class", "theta-hat"}}, 8, false);

    legend.insert(legend.begin(), {"path of θ̂_ridge, λ: 0 → ∞", path_style, true, false, ""});
    if (has_theta) legend.insert(legend.begin(), {"θ̂ (λ = 0)", theta_style, false, true, "", true});
    if (show_centre)
        legend.push_back({"m: minimum of the model",
                          SeriesStyle{"#555555", "", MarkerShape::square, 1}, false, true, ""});
    legend.push_back(
        {"origin (λ = ∞)", SeriesStyle{"#000000", "", MarkerShape::plus, 1}, false, true, ""});
    SeriesStyle contour_sample = series_style(1);
    contour_sample.dash.clear();
    contour_sample.width = 1.6;
    legend.push_back({"contour through θ̂_ridge", contour_sample, true, false, ""});
    SeriesStyle circle_sample = series_style(1);
    circle_sample.dash = "7 5";
    circle_sample.width = 1.6;
    legend.push_back({"L2 circle touching it", circle_sample, true, false, ""});
    legend.push_back({"other contours", grey, true, false, ""});
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "The two-dimensional picture for directions " + std::to_string(i) + " and " +
        std::to_string(j) + " (σ_" + std::to_string(i) + " = " + short_number(sigma_i) + ", σ_" +
        std::to_string(j) + " = " + short_number(sigma_j) +
        "), both axes at the same scale. Ellipses are contours of the quadratic model "
        "½Σσ(x − m)² centred at its minimum; the black curve is θ̂_ridge(λ) = "
        "(σ_i m_i/(σ_i+λ), σ_j m_j/(σ_j+λ)) as λ grows from 0 (at the minimum) to ∞ (at the "
        "origin). For each λ the marked θ̂_ridge is where a contour (solid) touches the L2 "
        "circle ‖x‖ = ‖θ̂_ridge‖ (dashed): the penalty pulls hardest along the flatter "
        "direction.";
    if (show_centre)
        figure.caption +=
            has_theta ? " Because ∇R(θ̂) ≠ 0 the model's minimum m = c − g/σ differs from θ̂."
                      : " The report does not give θ̂'s components here (g ≠ 0); m is shown.";
    return figure;
}

}  // namespace ridgelens::plot
