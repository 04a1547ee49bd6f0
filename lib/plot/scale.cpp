#include "plot/scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "ridgelens/error.hpp"

namespace ridgelens::plot {

const char* to_string(ScaleKind kind) {
    return kind == ScaleKind::log ? "log" : "linear";
}

Scale::Scale(ScaleKind kind, double low, double high, double pixel_low, double pixel_high)
    : kind_(kind), low_(low), high_(high), pixel_low_(pixel_low), pixel_high_(pixel_high) {
    if (!(low < high) || !std::isfinite(low) || !std::isfinite(high))
        throw UsageError("plot scale: the domain must be a finite interval low < high");
    if (kind == ScaleKind::log && !(low > 0))
        throw UsageError("plot scale: a log scale needs a positive domain");
}

double Scale::transform(double value) const {
    if (kind_ == ScaleKind::linear) return value;
    return value > 0 ? std::log10(value) : std::numeric_limits<double>::quiet_NaN();
}

double Scale::operator()(double value) const {
    const double a = transform(low_);
    const double b = transform(high_);
    return pixel_low_ + (transform(value) - a) / (b - a) * (pixel_high_ - pixel_low_);
}

double Scale::invert(double pixel) const {
    const double a = transform(low_);
    const double b = transform(high_);
    const double t = a + (pixel - pixel_low_) / (pixel_high_ - pixel_low_) * (b - a);
    return kind_ == ScaleKind::log ? std::pow(10.0, t) : t;
}

namespace {

double nice_step(double span, int target) {
    const double raw = span / std::max(target, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (factor * magnitude >= raw) return factor * magnitude;
    return 10 * magnitude;
}

}  // namespace

std::vector<double> Scale::ticks(int target) const {
    std::vector<double> result;
    if (kind_ == ScaleKind::linear) {
        const double step = nice_step(high_ - low_, target);
        const double first = std::ceil(low_ / step - 1e-9) * step;
        for (double value = first; value <= high_ + 1e-9 * step; value += step)
            result.push_back(std::abs(value) < 1e-12 * step ? 0.0 : value);
        return result;
    }
    const int first = static_cast<int>(std::ceil(std::log10(low_) - 1e-9));
    const int last = static_cast<int>(std::floor(std::log10(high_) + 1e-9));
    const int decades = last - first + 1;
    const int stride = std::max(1, (decades + std::max(target, 1) * 2 - 1) / (target * 2));
    for (int exponent = first; exponent <= last; ++exponent)
        if ((exponent - first) % stride == 0) result.push_back(std::pow(10.0, exponent));
    return result;
}

std::string power_of_ten_label(int exponent) {
    static const char* const superscripts[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string label = "10";
    if (exponent < 0) label += "⁻";
    const std::string digits = std::to_string(std::abs(exponent));
    for (const char digit : digits) label += superscripts[digit - '0'];
    return label;
}

std::string short_number(double value) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.3g", std::abs(value) < 1e-300 ? 0.0 : value);
    std::string text = buffer;
    if (!text.empty() && text.front() == '-') text = "−" + text.substr(1);
    return text;
}

std::string Scale::tick_label(double value) const {
    if (kind_ == ScaleKind::log) {
        const double exponent = std::log10(value);
        if (std::abs(exponent - std::round(exponent)) < 1e-9)
            return power_of_ten_label(static_cast<int>(std::round(exponent)));
    }
    return short_number(value);
}

std::pair<double, double> nice_linear_domain(double low, double high) {
    if (!std::isfinite(low) || !std::isfinite(high)) return {0.0, 1.0};
    if (low > high) std::swap(low, high);
    if (high - low <= 1e-300 + 1e-12 * std::max(std::abs(low), std::abs(high))) {
        const double pad = low == 0 ? 1.0 : 0.5 * std::abs(low);
        low -= pad;
        high += pad;
    }
    const double step = nice_step(high - low, 6);
    return {std::floor(low / step + 1e-9) * step, std::ceil(high / step - 1e-9) * step};
}

std::pair<double, double> decade_domain(double low, double high) {
    if (!(low > 0) || !(high > 0) || !std::isfinite(low) || !std::isfinite(high))
        return {1.0, 10.0};
    if (low > high) std::swap(low, high);
    double a = std::floor(std::log10(low) + 1e-12);
    double b = std::ceil(std::log10(high) - 1e-12);
    if (b <= a) b = a + 1;
    return {std::pow(10.0, a), std::pow(10.0, b)};
}

}  // namespace ridgelens::plot
