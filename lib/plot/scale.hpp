#pragma once
/// @file scale.hpp
/// Linear and logarithmic axis scales: data value ↔ pixel, tick positions
/// and tick labels.

#include <string>
#include <vector>

namespace ridgelens::plot {

enum class ScaleKind { linear, log };

/// "linear" or "log".
const char* to_string(ScaleKind kind);

/// Maps the data interval [low, high] onto the pixel interval
/// [pixel_low, pixel_high] (pixel_high < pixel_low for a y axis), linearly
/// in the value or in log10 of the value.
class Scale {
  public:
    /// @throws UsageError unless low < high (and low > 0 for a log scale).
    Scale(ScaleKind kind, double low, double high, double pixel_low, double pixel_high);

    /// The pixel of `value` (values outside [low, high] extrapolate;
    /// a value ≤ 0 on a log scale maps to NaN).
    double operator()(double value) const;
    /// The data value at `pixel`.
    double invert(double pixel) const;

    /// Tick values inside [low, high]: 1-2-5 steps (linear, about `target`
    /// of them) or powers of ten (log; every second or third power when the
    /// range spans many decades).
    std::vector<double> ticks(int target = 6) const;
    /// "0.25", "1e+06", "10⁻³" (log scales write powers of ten with
    /// superscripts).
    std::string tick_label(double value) const;

    ScaleKind kind() const { return kind_; }
    double low() const { return low_; }
    double high() const { return high_; }
    double pixel_low() const { return pixel_low_; }
    double pixel_high() const { return pixel_high_; }

  private:
    double transform(double value) const;
    ScaleKind kind_;
    double low_, high_, pixel_low_, pixel_high_;
};

/// A linear domain that contains [low, high], widened to multiples of a
/// 1-2-5 step (and to a unit interval around a single value).
std::pair<double, double> nice_linear_domain(double low, double high);

/// A log domain that contains [low, high] (both > 0), widened to whole
/// decades and at least one decade wide.
std::pair<double, double> decade_domain(double low, double high);

/// "10⁻³", "10⁰", "10¹²": 10 with a superscript exponent.
std::string power_of_ten_label(int exponent);

/// Compact label of a number: %.3g, with "−" (U+2212) for the minus sign.
std::string short_number(double value);

}  // namespace ridgelens::plot
