#pragma once
/// @file chart.hpp
/// A two-axis chart on top of SvgWriter: frame, grid, ticks, axis labels,
/// a clipped plot area for the data, and a legend at the right. Series
/// styles combine a colour, a dash pattern and a marker shape so that they
/// stay distinguishable in greyscale.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "plot/scale.hpp"
#include "plot/svg.hpp"

namespace ridgelens::plot {

enum class MarkerShape { circle, square, triangle, diamond, triangle_down, plus };

/// How one series is drawn.
struct SeriesStyle {
    std::string colour;  ///< stroke / fill colour
    std::string dash;    ///< stroke-dasharray ("" for solid)
    MarkerShape marker = MarkerShape::circle;
    double width = 2.2;  ///< stroke width of lines
};

/// The style of series `index`: colours ordered so that neighbours differ in
/// lightness, each with its own dash pattern and marker shape (cycles after 7).
SeriesStyle series_style(std::size_t index);

/// One axis: its label (name, scale and units), scale kind and domain.
struct Axis {
    Axis() = default;
    Axis(std::string label_text, ScaleKind scale, double domain_low, double domain_high)
        : label(std::move(label_text)), kind(scale), low(domain_low), high(domain_high) {}
    std::string label;
    ScaleKind kind = ScaleKind::linear;
    double low = 0;
    double high = 1;
    /// Fixed ticks (value, label); empty: the scale's own ticks.
    std::vector<std::pair<double, std::string>> ticks;
};

/// Sizes in user units (1 unit = 1 CSS pixel at 100 %).
struct ChartLayout {
    double width = 900;
    double height = 540;
    double margin_left = 84;
    double margin_right = 230;  ///< room for the legend
    double margin_top = 48;
    double margin_bottom = 64;
    double plot_width() const { return width - margin_left - margin_right; }
    double plot_height() const { return height - margin_top - margin_bottom; }
};

/// A legend entry: a line sample, a marker and/or a filled swatch.
struct LegendEntry {
    LegendEntry(std::string text, SeriesStyle series, bool draw_line, bool draw_marker,
                std::string swatch = {}, bool open_marker = false)
        : label(std::move(text)),
          style(std::move(series)),
          line(draw_line),
          marker(draw_marker),
          fill(std::move(swatch)),
          hollow(open_marker) {}
    std::string label;
    SeriesStyle style;
    bool line = true;
    bool marker = true;
    std::string fill;     ///< swatch fill (bars, bands); empty: none
    bool hollow = false;  ///< marker drawn open (white inside)
};

/// Builds one chart. The constructor draws the frame, grid and axes and
/// opens the clipped plot group (id "<id>-plot", with data-x-scale,
/// data-x-domain, data-x-range and the same for y, so that a reader can map
/// pixels back to data); the drawing calls add data; `finish` closes it,
/// draws the legend and returns the SVG document.
class Chart {
  public:
    Chart(std::string id, std::string title, const Axis& x, const Axis& y,
          const ChartLayout& layout = {});

    const Scale& x() const { return x_; }
    const Scale& y() const { return y_; }
    const ChartLayout& layout() const { return layout_; }
    /// Direct access for elements the helpers below do not cover.
    SvgWriter& svg() { return svg_; }

    /// A `<polyline>` through the finite points (data coordinates); `extra`
    /// attributes (class, id, data-*) come first.
    void polyline(const std::vector<double>& xs, const std::vector<double>& ys,
                  const SeriesStyle& style, const Attributes& extra);
    /// A filled `<polygon>` through the points (data coordinates).
    void polygon(const std::vector<double>& xs, const std::vector<double>& ys,
                 const std::string& fill, const Attributes& extra);
    /// A marker of the style's shape centred at (x, y) (data coordinates),
    /// written as a `<path>` with `transform="translate(px,py)"`, plus
    /// data-x and data-y attributes holding the data values.
    void marker(double x, double y, const SeriesStyle& style, const Attributes& extra,
                double radius = 5, bool filled = true);
    /// The legend at the right of the plot area.
    void legend(const std::vector<LegendEntry>& entries);

    std::string finish();

  private:
    void draw_frame(const Axis& x_axis, const Axis& y_axis, const std::string& title);
    void draw_grid_and_ticks(const Axis& x_axis, const Axis& y_axis);
    std::string id_;
    ChartLayout layout_;
    SvgWriter svg_;
    Scale x_;
    Scale y_;
    bool plot_open_ = false;
};

/// The SVG path data of a marker shape of the given radius, centred at 0.
std::string marker_path(MarkerShape shape, double radius);

}  // namespace ridgelens::plot
