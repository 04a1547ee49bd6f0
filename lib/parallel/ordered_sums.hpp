#pragma once
// Threaded sums whose value does not depend on thread timing. OpenMP's
// `reduction(+)` combines the threads' partial sums in whatever order they
// finish, so with three or more threads the rounding of a dot product can
// differ from run to run. ridgelens-mpi runs some algorithms redundantly on
// every rank (vectors replicated), and there every rank must take the same
// decisions from bitwise equal numbers. Here the rows are split into one
// static block per thread, each thread sums its block, and the partial sums
// are added in thread order: the result depends only on n and the thread
// count.

#include <omp.h>

#include <algorithm>
#include <array>
#include <vector>

#include "parallel/first_exception.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens::parallel {

/// Σ over rows [0, n) of the K values `body(begin, end, sums)` adds into
/// sums[0..K) for rows [begin, end) (it may also update vectors in place).
/// On `threads` > 1 OpenMP threads the rows are split into equal blocks, one
/// per thread, and the partial sums are combined in thread order.
template <int K, class Body>
std::array<double, K> ordered_sums(Index n, bool threaded, Body&& body) {
    std::array<double, K> total{};
    const int threads = threaded ? omp_get_max_threads() : 1;
    if (threads <= 1) {
        body(Index{0}, n, total.data());
        return total;
    }
    std::vector<std::array<double, K>> partial(static_cast<std::size_t>(threads));
    FirstException errors;
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
        const int team = omp_get_num_threads();
        const Index begin = n * t / team, end = n * (t + 1) / team;
        std::array<double, K> mine{};
        errors.run([&] { body(begin, end, mine.data()); });
        partial[static_cast<std::size_t>(t)] = mine;
    }
    errors.rethrow();
    for (const std::array<double, K>& sums : partial)
        for (int j = 0; j < K; ++j) total[j] += sums[j];
    return total;
}

}  // namespace ridgelens::parallel
