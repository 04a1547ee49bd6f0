#include "blas_threads.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

extern "C" int openblas_get_num_threads(void);
extern "C" void openblas_set_num_threads(int threads);

namespace ridgelens::cli {
namespace {

// Debian 12's libopenblas0-pthread: 128 MiB per thread on its first BLAS call
// (bench/README.md, "Design measurements": OpenBLAS buffers).
constexpr double blas_buffer_bytes = 134217728.0;
// Left for everything else before the memory budget's own checks take over
// (thread stacks, malloc arenas, the first small allocations).
constexpr double reserve_bytes = 32.0 * 1048576.0;

}  // namespace

void fit_blas_threads_to_address_space() {
    const double left = address_space_left_bytes();
    if (!std::isfinite(left)) return;
    const int threads = openblas_get_num_threads();
    if (left >= threads * blas_buffer_bytes + reserve_bytes) return;
    const double fitting = std::floor((left - reserve_bytes) / blas_buffer_bytes);
    if (fitting >= 1) {
        openblas_set_num_threads(static_cast<int>(fitting));
        return;
    }
    std::ostringstream message;
    message.precision(3);
    message << "the address-space limit (ulimit -v) leaves " << std::max(left, 0.0) / 1048576.0
            << " MiB, less than one OpenBLAS work buffer (128 MiB) plus a 32 MiB reserve; "
               "refused before any BLAS call (raise ulimit -v)";
    throw ResourceError(message.str());
}

}  // namespace ridgelens::cli
