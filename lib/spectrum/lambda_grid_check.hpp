#pragma once
// Validation of a λ grid shared by the df computations. Internal.

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"

namespace ridgelens::detail {

/// @throws UsageError naming `who` for an empty grid or a negative or non-finite λ.
inline void validate_lambdas(const std::vector<double>& lambdas, const char* who) {
    if (lambdas.empty()) throw UsageError(std::string(who) + ": the λ grid is empty");
    for (std::size_t i = 0; i < lambdas.size(); ++i)
        if (!std::isfinite(lambdas[i]) || lambdas[i] < 0) {
            std::ostringstream message;
            message << who << ": λ[" << i << "] = " << lambdas[i]
                    << " must be finite and non-negative";
            throw UsageError(message.str());
        }
}

}  // namespace ridgelens::detail
