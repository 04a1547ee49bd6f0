#pragma once
/// @file random_vector.hpp
/// Reproducible random vectors (Lanczos start vectors, a default θ̂).
///
/// Thread safety: pure functions of their seed; reentrant.

#include <cstdint>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// n independent standard normal entries from std::mt19937_64 seeded with
/// `seed`: the same vector on every platform with the same standard library.
RIDGELENS_API Vector seeded_normal_vector(Index n, std::uint64_t seed);

}  // namespace ridgelens
