#pragma once
// The library's one threading threshold: the kernels over vectors (the sparse
// symmetric product, the Lanczos basis kernels, CG's fused vector updates)
// run on the OpenMP threads from this many rows up, all of them or none, so
// that a solver loop is threaded as a whole or not at all. Below it a team's
// start-up and barriers cost more than the work, and an idle worker is slow
// to wake for each product (bench/README.md, "Threading threshold of the
// sparse product", has the measurements).

#include "ridgelens/types.hpp"

namespace ridgelens::detail {

/// Rows from which the vector kernels run on the OpenMP threads.
inline constexpr Index parallel_rows = 20000;

/// Whether kernels over vectors of n entries are worth a team of threads
/// (each caller adds its own conditions: more than one thread available, not
/// already inside a parallel region).
constexpr bool threads_pay_off(Index n) {
    return n >= parallel_rows;
}

}  // namespace ridgelens::detail
