#pragma once
// Range checks of numeric options, attached to the options as notifiers: a
// value outside its range is a usage error (exit 1) that names the option, the
// value and the valid range, before any input is read. Shared by ridgelens and
// ridgelens-mpi (every command declares its options through these).

#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>

#include "ridgelens/error.hpp"

namespace ridgelens::cli {

namespace option_ranges_detail {

template <typename T>
std::string shown(T value) {
    std::ostringstream text;
    text.precision(6);
    text << value;
    return text.str();
}

[[noreturn]] inline void refuse(const std::string& option, const std::string& value,
                                const std::string& range) {
    throw UsageError("--" + option + " = " + value + " is out of range: it must be " + range);
}

}  // namespace option_ranges_detail

/// A relative tolerance: finite, 0 < value < 1.
inline std::function<void(const double&)> tolerance_range(std::string option) {
    return [option](const double& value) {
        if (!(value > 0 && value < 1))
            option_ranges_detail::refuse(option, option_ranges_detail::shown(value),
                                         "a tolerance in (0, 1)");
    };
}

/// A relative tolerance with a tighter upper bound: finite, 0 < value < upper
/// (`why` says what a looser value would break).
inline std::function<void(const double&)> tolerance_below(std::string option, double upper,
                                                          std::string why) {
    return [option, upper, why](const double& value) {
        if (!(value > 0 && value < upper))
            option_ranges_detail::refuse(
                option, option_ranges_detail::shown(value),
                "a tolerance in (0, " + option_ranges_detail::shown(upper) + "): " + why);
    };
}

/// A relative threshold where 0 means "exactly": 0 <= value < 1.
inline std::function<void(const double&)> threshold_range(std::string option) {
    return [option](const double& value) {
        if (!(value >= 0 && value < 1))
            option_ranges_detail::refuse(option, option_ranges_detail::shown(value),
                                         "a relative threshold in [0, 1)");
    };
}

/// A penalty strength: finite, >= 0.
inline std::function<void(const double&)> penalty_range(std::string option) {
    return [option](const double& value) {
        if (!(value >= 0 && std::isfinite(value)))
            option_ranges_detail::refuse(option, option_ranges_detail::shown(value),
                                         "finite and >= 0");
    };
}

/// An absolute tolerance: finite, > 0.
inline std::function<void(const double&)> positive_range(std::string option) {
    return [option](const double& value) {
        if (!(value > 0 && std::isfinite(value)))
            option_ranges_detail::refuse(option, option_ranges_detail::shown(value),
                                         "finite and > 0");
    };
}

/// A count: an integer >= `minimum` (1 for "positive"; 0 where 0 has a
/// documented meaning such as "the default").
template <typename T>
std::function<void(const T&)> count_range(std::string option, T minimum,
                                          std::string zero_meaning = {}) {
    return [option, minimum, zero_meaning](const T& value) {
        if (value >= minimum) return;
        std::string range = "an integer >= " + std::to_string(minimum);
        if (!zero_meaning.empty()) range += " (0: " + zero_meaning + ")";
        option_ranges_detail::refuse(option, option_ranges_detail::shown(value), range);
    };
}

}  // namespace ridgelens::cli
