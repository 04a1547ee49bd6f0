#include "ridgelens/random_vector.hpp"

#include <random>

namespace ridgelens {

Vector seeded_normal_vector(Index n, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    Vector v(n);
    for (Index i = 0; i < n; ++i) v[i] = normal(generator);
    return v;
}

}  // namespace ridgelens
