#pragma once
// Mean, standard deviation and standard error of per-probe estimates. Internal.

#include <cmath>
#include <vector>

namespace ridgelens::detail {

inline double sample_mean(const std::vector<double>& values) {
    double sum = 0;
    for (const double v : values) sum += v;
    return sum / static_cast<double>(values.size());
}

/// The sample standard deviation (n − 1 in the denominator; needs ≥ 2 values).
inline double sample_std(const std::vector<double>& values) {
    const double mean = sample_mean(values);
    double squares = 0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

inline double sample_stderr(const std::vector<double>& values) {
    return sample_std(values) / std::sqrt(static_cast<double>(values.size()));
}

}  // namespace ridgelens::detail
