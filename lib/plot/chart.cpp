#include "plot/chart.hpp"

#include <array>
#include <cmath>

namespace ridgelens::plot {

SeriesStyle series_style(std::size_t index) {
    // Okabe–Ito colours (colour-blind safe), ordered to alternate dark and
    // light; dash patterns and markers carry the distinction into greyscale.
    static const std::array<const char*, 7> colours = {"#000000", "#E69F00", "#0072B2", "#009E73",
                                                       "#D55E00", "#56B4E9", "#CC79A7"};
    static const std::array<const char*, 7> dashes = {"",    "9 4",          "2 3", "12 4 3 4",
                                                      "5 5", "14 3 3 3 3 3", "1 4"};
    static const std::array<MarkerShape, 6> shapes = {
        MarkerShape::circle,  MarkerShape::square,        MarkerShape::triangle,
        MarkerShape::diamond, MarkerShape::triangle_down, MarkerShape::plus};
    SeriesStyle style;
    style.colour = colours[index % colours.size()];
    style.dash = dashes[index % dashes.size()];
    style.marker = shapes[index % shapes.size()];
    return style;
}

std::string marker_path(MarkerShape shape, double r) {
    switch (shape) {
        case MarkerShape::circle:
            return "M" + px(-r) + " 0A" + px(r) + " " + px(r) + " 0 1 0 " + px(r) + " 0A" + px(r) +
                   " " + px(r) + " 0 1 0 " + px(-r) + " 0Z";
        case MarkerShape::square: {
            const double s = 0.85 * r;
            return "M" + px(-s) + " " + px(-s) + "H" + px(s) + "V" + px(s) + "H" + px(-s) + "Z";
        }
        case MarkerShape::triangle:
            return "M0 " + px(-1.15 * r) + "L" + px(r) + " " + px(0.75 * r) + "H" + px(-r) + "Z";
        case MarkerShape::triangle_down:
            return "M0 " + px(1.15 * r) + "L" + px(r) + " " + px(-0.75 * r) + "H" + px(-r) + "Z";
        case MarkerShape::diamond:
            return "M0 " + px(-1.2 * r) + "L" + px(r) + " 0L0 " + px(1.2 * r) + "L" + px(-r) +
                   " 0Z";
        case MarkerShape::plus: {
            const double w = 0.35 * r;
            return "M" + px(-w) + " " + px(-r) + "H" + px(w) + "V" + px(-w) + "H" + px(r) + "V" +
                   px(w) + "H" + px(w) + "V" + px(r) + "H" + px(-w) + "V" + px(w) + "H" + px(-r) +
                   "V" + px(-w) + "H" + px(-w) + "Z";
        }
    }
    return {};
}

namespace {

Attributes stroke_attributes(const SeriesStyle& style) {
    Attributes attributes{{"fill", "none"},
                          {"stroke", style.colour},
                          {"stroke-width", px(style.width)},
                          {"stroke-linejoin", "round"}};
    if (!style.dash.empty()) attributes.emplace_back("stroke-dasharray", style.dash);
    return attributes;
}

Attributes concat(Attributes first, const Attributes& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

}  // namespace

Chart::Chart(std::string id, std::string title, const Axis& x, const Axis& y,
             const ChartLayout& layout)
    : id_(std::move(id)),
      layout_(layout),
      svg_(layout.width, layout.height, title),
      x_(x.kind, x.low, x.high, layout.margin_left, layout.margin_left + layout.plot_width()),
      y_(y.kind, y.low, y.high, layout.margin_top + layout.plot_height(), layout.margin_top) {
    draw_frame(x, y, title);
}

void Chart::draw_frame(const Axis& x_axis, const Axis& y_axis, const std::string& title) {
    const double left = layout_.margin_left;
    const double top = layout_.margin_top;
    const double width = layout_.plot_width();
    const double height = layout_.plot_height();
    svg_.element("rect", {{"x", "0"},
                          {"y", "0"},
                          {"width", px(layout_.width)},
                          {"height", px(layout_.height)},
                          {"fill", "#ffffff"}});
    svg_.element("text",
                 {{"class", "chart-title"},
                  {"x", px(left)},
                  {"y", px(top - 18)},
                  {"font-size", "17"},
                  {"font-weight", "bold"},
                  {"fill", "#000000"}},
                 title);
    svg_.open("defs");
    svg_.open("clipPath", {{"id", id_ + "-clip"}});
    svg_.element("rect",
                 {{"x", px(left)}, {"y", px(top)}, {"width", px(width)}, {"height", px(height)}});
    svg_.close();
    svg_.close();

    // Grid and ticks.
    svg_.open("g", {{"class", "axes"}, {"font-size", "13"}, {"fill", "#000000"}});
    draw_grid_and_ticks(x_axis, y_axis);
    svg_.element("rect", {{"class", "frame"},
                          {"x", px(left)},
                          {"y", px(top)},
                          {"width", px(width)},
                          {"height", px(height)},
                          {"fill", "none"},
                          {"stroke", "#000000"},
                          {"stroke-width", "1.2"}});
    svg_.element("text",
                 {{"class", "axis-label x-label"},
                  {"x", px(left + width / 2)},
                  {"y", px(top + height + 46)},
                  {"text-anchor", "middle"},
                  {"font-size", "15"}},
                 x_axis.label);
    const double label_x = 20;
    const double label_y = top + height / 2;
    svg_.element("text",
                 {{"class", "axis-label y-label"},
                  {"x", px(label_x)},
                  {"y", px(label_y)},
                  {"text-anchor", "middle"},
                  {"font-size", "15"},
                  {"transform", "rotate(-90 " + px(label_x) + " " + px(label_y) + ")"}},
                 y_axis.label);
    svg_.close();

    svg_.open("g", {{"id", id_ + "-plot"},
                    {"class", "plot-area"},
                    {"clip-path", "url(#" + id_ + "-clip)"},
                    {"data-x-scale", to_string(x_.kind())},
                    {"data-x-domain", data_number(x_.low()) + " " + data_number(x_.high())},
                    {"data-x-range", px(x_.pixel_low()) + " " + px(x_.pixel_high())},
                    {"data-y-scale", to_string(y_.kind())},
                    {"data-y-domain", data_number(y_.low()) + " " + data_number(y_.high())},
                    {"data-y-range", px(y_.pixel_low()) + " " + px(y_.pixel_high())}});
    plot_open_ = true;
}

void Chart::draw_grid_and_ticks(const Axis& x_axis, const Axis& y_axis) {
    const double left = layout_.margin_left;
    const double top = layout_.margin_top;
    const double width = layout_.plot_width();
    const double height = layout_.plot_height();
    const auto x_ticks = [&] {
        std::vector<std::pair<double, std::string>> ticks = x_axis.ticks;
        if (ticks.empty())
            for (double value : x_.ticks(7)) ticks.emplace_back(value, x_.tick_label(value));
        return ticks;
    }();
    const auto y_ticks = [&] {
        std::vector<std::pair<double, std::string>> ticks = y_axis.ticks;
        if (ticks.empty())
            for (double value : y_.ticks(6)) ticks.emplace_back(value, y_.tick_label(value));
        return ticks;
    }();
    for (const auto& [value, label] : x_ticks) {
        const double p = x_(value);
        if (!std::isfinite(p) || p < left - 0.5 || p > left + width + 0.5) continue;
        svg_.element("line", {{"class", "grid"},
                              {"x1", px(p)},
                              {"x2", px(p)},
                              {"y1", px(top)},
                              {"y2", px(top + height)},
                              {"stroke", "#d9d9d9"},
                              {"stroke-width", "1"}});
        svg_.element("line", {{"x1", px(p)},
                              {"x2", px(p)},
                              {"y1", px(top + height)},
                              {"y2", px(top + height + 5)},
                              {"stroke", "#000000"}});
        svg_.element("text",
                     {{"class", "tick-label x-tick"},
                      {"x", px(p)},
                      {"y", px(top + height + 20)},
                      {"text-anchor", "middle"}},
                     label);
    }
    for (const auto& [value, label] : y_ticks) {
        const double p = y_(value);
        if (!std::isfinite(p) || p < top - 0.5 || p > top + height + 0.5) continue;
        svg_.element("line", {{"class", "grid"},
                              {"x1", px(left)},
                              {"x2", px(left + width)},
                              {"y1", px(p)},
                              {"y2", px(p)},
                              {"stroke", "#d9d9d9"},
                              {"stroke-width", "1"}});
        svg_.element("line", {{"x1", px(left - 5)},
                              {"x2", px(left)},
                              {"y1", px(p)},
                              {"y2", px(p)},
                              {"stroke", "#000000"}});
        svg_.element("text",
                     {{"class", "tick-label y-tick"},
                      {"x", px(left - 8)},
                      {"y", px(p + 4.5)},
                      {"text-anchor", "end"}},
                     label);
    }
}

void Chart::polyline(const std::vector<double>& xs, const std::vector<double>& ys,
                     const SeriesStyle& style, const Attributes& extra) {
    std::string points;
    for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
        const double a = x_(xs[i]);
        const double b = y_(ys[i]);
        if (!std::isfinite(a) || !std::isfinite(b)) continue;
        if (!points.empty()) points += ' ';
        points += px(a) + "," + px(b);
    }
    if (points.empty()) return;
    svg_.element("polyline", concat(concat(extra, {{"points", points}}), stroke_attributes(style)));
}

void Chart::polygon(const std::vector<double>& xs, const std::vector<double>& ys,
                    const std::string& fill, const Attributes& extra) {
    std::string points;
    for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
        const double a = x_(xs[i]);
        const double b = y_(ys[i]);
        if (!std::isfinite(a) || !std::isfinite(b)) continue;
        if (!points.empty()) points += ' ';
        points += px(a) + "," + px(b);
    }
    if (points.empty()) return;
    svg_.element("polygon",
                 concat(concat(extra, {{"points", points}}), {{"fill", fill}, {"stroke", "none"}}));
}

void Chart::marker(double x, double y, const SeriesStyle& style, const Attributes& extra,
                   double radius, bool filled) {
    const double a = x_(x);
    const double b = y_(y);
    if (!std::isfinite(a) || !std::isfinite(b)) return;
    svg_.element("path", concat(extra, {{"data-x", data_number(x)},
                                        {"data-y", data_number(y)},
                                        {"transform", "translate(" + px(a) + " " + px(b) + ")"},
                                        {"d", marker_path(style.marker, radius)},
                                        {"fill", filled ? style.colour : "none"},
                                        {"stroke", filled ? "#000000" : style.colour},
                                        {"stroke-width", filled ? "0.8" : "1.8"}}));
}

void Chart::legend(const std::vector<LegendEntry>& entries) {
    if (plot_open_) {
        svg_.close();
        plot_open_ = false;
    }
    const double left = layout_.margin_left + layout_.plot_width() + 14;
    double y = layout_.margin_top + 12;
    svg_.open("g", {{"class", "legend"}, {"font-size", "13"}});
    for (const LegendEntry& entry : entries) {
        svg_.open("g", {{"class", "legend-entry"}});
        if (!entry.fill.empty())
            svg_.element("rect", {{"x", px(left)},
                                  {"y", px(y - 7)},
                                  {"width", "34"},
                                  {"height", "14"},
                                  {"fill", entry.fill},
                                  {"stroke", entry.style.colour},
                                  {"stroke-width", "1"}});
        if (entry.line) {
            Attributes line{{"x1", px(left)}, {"x2", px(left + 34)}, {"y1", px(y)}, {"y2", px(y)}};
            svg_.element("line", concat(line, stroke_attributes(entry.style)));
        }
        if (entry.marker)
            svg_.element("path", {{"transform", "translate(" + px(left + 17) + " " + px(y) + ")"},
                                  {"d", marker_path(entry.style.marker, 5)},
                                  {"fill", entry.hollow ? "#ffffff" : entry.style.colour},
                                  {"stroke", entry.hollow ? entry.style.colour : "#000000"},
                                  {"stroke-width", entry.hollow ? "1.8" : "0.8"}});
        svg_.element("text", {{"x", px(left + 42)}, {"y", px(y + 4.5)}, {"fill", "#000000"}},
                     entry.label);
        svg_.close();
        y += 24;
    }
    svg_.close();
}

std::string Chart::finish() {
    if (plot_open_) {
        svg_.close();
        plot_open_ = false;
    }
    return svg_.finish();
}

}  // namespace ridgelens::plot
