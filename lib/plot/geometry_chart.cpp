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

/// The two directions' quantities: σ, the model's minimum m, θ̂ and the
/// θ̂_ridge of each λ of the report, in the coordinates (q_iᵀθ, q_jᵀθ).
struct Plane {
    std::size_t i = 0, j = 0;
    double sigma_i = 0, sigma_j = 0;
    Point centre, theta;
    bool has_theta = false;    ///< the report gives θ̂'s components
    bool show_centre = false;  ///< m differs from θ̂ (or θ̂ is unknown)
    std::vector<Point> ridge;  ///< θ̂_ridge for each λ of the report

    Point ridge_at(double lambda) const {
        if (std::isinf(lambda)) return Point{0, 0};
        return Point{sigma_i * centre.x / (sigma_i + lambda),
                     sigma_j * centre.y / (sigma_j + lambda)};
    }
    /// ½Σσ(x − m)² in the plane.
    double model_value(const Point& p) const {
        return 0.5 * (sigma_i * (p.x - centre.x) * (p.x - centre.x) +
                      sigma_j * (p.y - centre.y) * (p.y - centre.y));
    }
};

Plane plane_of(const PlotData& data, std::size_t i, std::size_t j) {
    const std::size_t k = std::min(data.eigenvalues.size(), data.centre.size());
    if (i == j || i < 1 || j < 1 || i > k || j > k)
        throw UsageError("PlotOptions::pair " + std::to_string(i) + "," + std::to_string(j) +
                         ": need two different directions between 1 and " + std::to_string(k));
    Plane plane;
    plane.i = i, plane.j = j;
    plane.sigma_i = data.eigenvalues[i - 1];
    plane.sigma_j = data.eigenvalues[j - 1];
    plane.centre = Point{data.centre[i - 1], data.centre[j - 1]};
    if (!(plane.sigma_i > 0) || !(plane.sigma_j > 0) || !std::isfinite(plane.centre.x) ||
        !std::isfinite(plane.centre.y))
        throw UsageError("PlotOptions::pair " + std::to_string(i) + "," + std::to_string(j) +
                         ": the plane needs two directions with σ > 0 and a finite minimizer");
    plane.has_theta = !data.components.empty() && std::isfinite(data.components[i - 1]) &&
                      std::isfinite(data.components[j - 1]);
    plane.theta =
        plane.has_theta ? Point{data.components[i - 1], data.components[j - 1]} : plane.centre;
    plane.show_centre = !plane.has_theta ||
                        std::hypot(plane.theta.x - plane.centre.x, plane.theta.y - plane.centre.y) >
                            1e-9 * std::hypot(plane.centre.x, plane.centre.y);
    for (std::size_t l = 0; l < data.lambdas.size(); ++l) {
        const auto& row = data.shrunk[l];
        if (row.size() >= std::max(i, j) && std::isfinite(row[i - 1]) && std::isfinite(row[j - 1]))
            plane.ridge.push_back({row[i - 1], row[j - 1]});
        else
            plane.ridge.push_back(plane.ridge_at(data.lambdas[l]));
    }
    return plane;
}

/// The axes' ranges at equal scales: the extent of every point, padded, then
/// the shorter side widened to the plot area's aspect ratio.
struct Window {
    double x_low = 0, x_high = 0, y_low = 0, y_high = 0;
    double units_per_pixel = 1;
};

Window equal_scale_window(const Plane& plane, const ChartLayout& layout) {
    std::vector<Point> extent{Point{0, 0}, plane.centre, plane.theta};
    extent.insert(extent.end(), plane.ridge.begin(), plane.ridge.end());
    Window w{HUGE_VAL, -HUGE_VAL, HUGE_VAL, -HUGE_VAL, 1};
    for (const Point& p : extent) {
        w.x_low = std::min(w.x_low, p.x);
        w.x_high = std::max(w.x_high, p.x);
        w.y_low = std::min(w.y_low, p.y);
        w.y_high = std::max(w.y_high, p.y);
    }
    const double span = std::max({w.x_high - w.x_low, w.y_high - w.y_low, 1e-300});
    const double pad = 0.12 * span;
    w.x_low -= pad, w.x_high += pad, w.y_low -= pad, w.y_high += pad;
    w.units_per_pixel = std::max((w.x_high - w.x_low) / layout.plot_width(),
                                 (w.y_high - w.y_low) / layout.plot_height());
    const double x_mid = (w.x_low + w.x_high) / 2;
    const double y_mid = (w.y_low + w.y_high) / 2;
    w.x_low = x_mid - w.units_per_pixel * layout.plot_width() / 2;
    w.x_high = x_mid + w.units_per_pixel * layout.plot_width() / 2;
    w.y_low = y_mid - w.units_per_pixel * layout.plot_height() / 2;
    w.y_high = y_mid + w.units_per_pixel * layout.plot_height() / 2;
    return w;
}

/// The contour of the quadratic model at `level`.
void draw_contour(Chart& chart, const Plane& plane, double pixels_per_unit, double level,
                  const Attributes& extra, const SeriesStyle& style) {
    Attributes attributes = extra;
    attributes.insert(
        attributes.end(),
        {{"data-level", data_number(level)},
         {"cx", px(chart.x()(plane.centre.x))},
         {"cy", px(chart.y()(plane.centre.y))},
         {"rx", px(clamp_radius(std::sqrt(2 * level / plane.sigma_i) * pixels_per_unit))},
         {"ry", px(clamp_radius(std::sqrt(2 * level / plane.sigma_j) * pixels_per_unit))},
         {"fill", "none"},
         {"stroke", style.colour},
         {"stroke-width", px(style.width)}});
    if (!style.dash.empty()) attributes.emplace_back("stroke-dasharray", style.dash);
    chart.svg().element("ellipse", attributes);
}

const SeriesStyle background_contour{"#9a9a9a", "", MarkerShape::circle, 1};
const SeriesStyle ridge_path_style{"#000000", "", MarkerShape::circle, 2.6};

/// θ̂_ridge(λ) for λ from 0 to ∞: 0, then log-spaced far below to far above
/// both σ, then ∞.
void draw_ridge_path(Chart& chart, const Plane& plane) {
    std::vector<double> lambdas{0.0};
    const double from = std::min(plane.sigma_i, plane.sigma_j) * 1e-4;
    const double to = std::max(plane.sigma_i, plane.sigma_j) * 1e4;
    const int samples = 600;
    for (int s = 0; s <= samples; ++s)
        lambdas.push_back(from * std::pow(to / from, static_cast<double>(s) / samples));
    lambdas.push_back(HUGE_VAL);
    std::vector<double> path_x, path_y;
    for (double lambda : lambdas) {
        const Point p = plane.ridge_at(lambda);
        path_x.push_back(p.x);
        path_y.push_back(p.y);
    }
    chart.polyline(path_x, path_y, ridge_path_style,
                   {{"class", "ridge-path"}, {"data-samples", std::to_string(path_x.size())}});
}

SeriesStyle contour_style(std::size_t series) {
    SeriesStyle style = series_style(series);
    style.dash.clear();
    style.width = 1.6;
    return style;
}

SeriesStyle circle_style(std::size_t series) {
    SeriesStyle style = series_style(series);
    style.dash = "7 5";
    style.width = 1.6;
    return style;
}

/// For each λ: the contour through θ̂_ridge and the L2 circle touching it;
/// returns their legend entries.
std::vector<LegendEntry> draw_touching_pairs(Chart& chart, const PlotData& data, const Plane& plane,
                                             double pixels_per_unit) {
    std::vector<LegendEntry> legend;
    for (std::size_t l = 0; l < data.lambdas.size(); ++l) {
        const std::string lambda_text = data_number(data.lambdas[l]);
        const Point p = plane.ridge[l];
        draw_contour(chart, plane, pixels_per_unit, plane.model_value(p),
                     {{"class", "contour"}, {"data-lambda", lambda_text}}, contour_style(l + 1));
        const double radius = std::hypot(p.x, p.y);
        const SeriesStyle circle = circle_style(l + 1);
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
        legend.push_back(
            {"θ̂_ridge, " + lambda_label(data.lambdas[l]), series_style(l + 1), false, true, ""});
    }
    return legend;
}

const SeriesStyle theta_style{"#000000", "", MarkerShape::diamond, 2};
const SeriesStyle origin_style{"#000000", "", MarkerShape::plus, 1};
const SeriesStyle centre_style{"#555555", "", MarkerShape::square, 1};

/// θ̂_ridge of each λ, the origin, the model's minimum and θ̂.
void draw_points(Chart& chart, const PlotData& data, const Plane& plane) {
    for (std::size_t l = 0; l < data.lambdas.size(); ++l)
        chart.marker(plane.ridge[l].x, plane.ridge[l].y, series_style(l + 1),
                     {{"class", "ridge-point"}, {"data-lambda", data_number(data.lambdas[l])}}, 6);
    chart.marker(0, 0, origin_style, {{"class", "origin"}}, 6);
    if (plane.show_centre)
        chart.marker(plane.centre.x, plane.centre.y, centre_style, {{"class", "model-minimum"}}, 6,
                     false);
    // Open, so that a θ̂_ridge underneath (λ ≪ σ) stays visible.
    if (plane.has_theta)
        chart.marker(plane.theta.x, plane.theta.y, theta_style, {{"class", "theta-hat"}}, 8, false);
}

/// The legend: θ̂ and the path first, then each λ, then the reference marks.
std::vector<LegendEntry> geometry_legend(const Plane& plane, std::vector<LegendEntry> per_lambda) {
    std::vector<LegendEntry> legend;
    if (plane.has_theta) legend.push_back({"θ̂ (λ = 0)", theta_style, false, true, "", true});
    legend.push_back({"path of θ̂_ridge, λ: 0 → ∞", ridge_path_style, true, false, ""});
    legend.insert(legend.end(), per_lambda.begin(), per_lambda.end());
    if (plane.show_centre)
        legend.push_back({"m: minimum of the model", centre_style, false, true, ""});
    legend.push_back({"origin (λ = ∞)", origin_style, false, true, ""});
    legend.push_back({"contour through θ̂_ridge", contour_style(1), true, false, ""});
    legend.push_back({"L2 circle touching it", circle_style(1), true, false, ""});
    legend.push_back({"other contours", background_contour, true, false, ""});
    return legend;
}

std::string geometry_caption(const Plane& plane) {
    const std::string i = std::to_string(plane.i), j = std::to_string(plane.j);
    std::string caption =
        "The two-dimensional picture for directions " + i + " and " + j + " (σ_" + i + " = " +
        short_number(plane.sigma_i) + ", σ_" + j + " = " + short_number(plane.sigma_j) +
        "), both axes at the same scale. Ellipses are contours of the quadratic model "
        "½Σσ(x − m)² centred at its minimum; the black curve is θ̂_ridge(λ) = "
        "(σ_i m_i/(σ_i+λ), σ_j m_j/(σ_j+λ)) as λ grows from 0 (at the minimum) to ∞ (at the "
        "origin). For each λ the marked θ̂_ridge is where a contour (solid) touches the L2 "
        "circle ‖x‖ = ‖θ̂_ridge‖ (dashed): the penalty pulls hardest along the flatter "
        "direction.";
    if (plane.show_centre)
        caption += plane.has_theta
                       ? " Because ∇R(θ̂) ≠ 0 the model's minimum m = c − g/σ differs from θ̂."
                       : " The report does not give θ̂'s components here (g ≠ 0); m is shown.";
    return caption;
}

Axis plane_axis(std::size_t direction, double sigma, double low, double high) {
    const std::string d = std::to_string(direction);
    return Axis{"x_" + d + " = q" + d + "ᵀθ (linear; units of θ; σ_" + d + " = " +
                    short_number(sigma) + ")",
                ScaleKind::linear, low, high};
}

}  // namespace

Figure geometry_chart(const PlotData& data, std::size_t i, std::size_t j) {
    const Plane plane = plane_of(data, i, j);
    const ChartLayout layout{900, 640, 84, 250, 48, 64};
    const Window window = equal_scale_window(plane, layout);
    Figure figure;
    figure.name = "geometry.svg";
    figure.title = "The ridge geometry in the plane of (q" + std::to_string(i) + ", q" +
                   std::to_string(j) + ")";
    Chart chart("geometry", figure.title, plane_axis(i, plane.sigma_i, window.x_low, window.x_high),
                plane_axis(j, plane.sigma_j, window.y_low, window.y_high), layout);
    const double pixels_per_unit = 1 / window.units_per_pixel;
    // Background contours: through 0 (where λ = ∞ lands) and inside it.
    const double level_zero = plane.model_value({0, 0});
    for (const double fraction : {1.0 / 64, 1.0 / 16, 1.0 / 4, 1.0, 4.0})
        if (level_zero > 0)
            draw_contour(chart, plane, pixels_per_unit, fraction * level_zero,
                         {{"class", "contour-extra"}}, background_contour);
    draw_ridge_path(chart, plane);
    std::vector<LegendEntry> per_lambda = draw_touching_pairs(chart, data, plane, pixels_per_unit);
    draw_points(chart, data, plane);
    chart.legend(geometry_legend(plane, std::move(per_lambda)));
    figure.svg = chart.finish();
    figure.caption = geometry_caption(plane);
    return figure;
}

}  // namespace ridgelens::plot
