#pragma once
// Labels shared by the charts. Internal.

#include <cmath>
#include <string>

#include "plot/scale.hpp"

namespace ridgelens::plot {

/// "10⁻³", "10⁶" for powers of ten beyond 0.01…100, else "2.5e+03"-style compact numbers.
inline std::string value_label(double value) {
    if (value > 0) {
        const double exponent = std::log10(value);
        if (std::abs(exponent - std::round(exponent)) < 1e-9 && std::abs(exponent) > 2.5)
            return power_of_ten_label(static_cast<int>(std::round(exponent)));
    }
    return short_number(value);
}

inline std::string lambda_label(double lambda) {
    return "λ = " + value_label(lambda);
}

}  // namespace ridgelens::plot
