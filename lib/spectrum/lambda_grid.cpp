#include "ridgelens/spectrum/lambda_grid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ridgelens/error.hpp"

namespace ridgelens {

// The one check of a λ (every use of a grid relies on it).
LambdaGrid::LambdaGrid(std::vector<double> values) : values_(std::move(values)) {
    for (std::size_t i = 0; i < values_.size(); ++i)
        if (!std::isfinite(values_[i]) || values_[i] < 0) {
            std::ostringstream message;
            message << "LambdaGrid: λ = " << values_[i] << " (entry " << i + 1 << " of "
                    << values_.size() << ") is invalid; λ must be finite and >= 0";
            throw UsageError(message.str());
        }
}

LambdaGrid::LambdaGrid(std::initializer_list<double> values)
    : LambdaGrid(std::vector<double>(values)) {}

std::vector<double> LambdaGrid::sorted_distinct() const {
    std::vector<double> sorted = values_;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    return sorted;
}

void LambdaGrid::require_nonempty(const std::string& context) const {
    if (values_.empty())
        throw UsageError(context +
                         ": the λ grid (LambdaGrid) is empty; at least one λ is required");
}

LambdaGrid log_spaced(double low, double high, Index count) {
    if (!(low > 0) || !(high >= low) || !std::isfinite(high) || count < 1 ||
        (count == 1 && low != high))
        throw UsageError("λ grid: need 0 < MIN <= MAX and COUNT >= 1 (COUNT = 1 needs MIN = MAX)");
    std::vector<double> grid(static_cast<std::size_t>(count));
    for (Index i = 0; i < count; ++i) {
        const double t = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
        grid[static_cast<std::size_t>(i)] =
            std::exp(std::log(low) + t * (std::log(high) - std::log(low)));
    }
    grid.front() = low;
    grid.back() = high;
    return LambdaGrid(std::move(grid));
}

LambdaGrid parse_lambda_grid(const std::string& text) {
    std::istringstream in(text);
    double low = 0, high = 0;
    long long count = 0;
    char colon1 = 0, colon2 = 0;
    in >> low >> colon1 >> high >> colon2 >> count;
    if (!in || colon1 != ':' || colon2 != ':' || in.peek() != std::char_traits<char>::eof())
        throw UsageError("the λ grid MIN:MAX:COUNT '" + text +
                         "': expected MIN:MAX:COUNT, e.g. 1e-4:1e2:50");
    if (count > 100000)
        throw UsageError("the λ grid MIN:MAX:COUNT '" + text + "': COUNT above 100000");
    return log_spaced(low, high, static_cast<Index>(count));
}

}  // namespace ridgelens
