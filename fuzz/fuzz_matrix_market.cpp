// libFuzzer target: the Matrix Market reader on arbitrary bytes.
//
// A malformed input must end in a ridgelens::Error (InputError, or
// ResourceError above the memory budget); anything else — a crash, a sanitizer
// report, another exception, a hang — is a bug. An accepted input must give a
// square, symmetric matrix with finite entries.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Declared sizes beyond 256 MB are refused (ResourceError) instead of allocated.
    ::setenv("RIDGELENS_MEMORY_LIMIT", "256e6", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        const ridgelens::SymmetricMatrixFile file =
            ridgelens::parse_symmetric_matrix_market(in, "fuzz.mtx");
        const ridgelens::SparseMatrix& m = file.matrix;
        if (m.rows() != m.cols() || m.rows() < 1) std::abort();
        for (ridgelens::Index k = 0; k < m.outerSize(); ++k)
            for (ridgelens::SparseMatrix::InnerIterator it(m, k); it; ++it)
                if (!std::isfinite(it.value()) || m.coeff(it.col(), it.row()) != it.value())
                    std::abort();
        if (file.duplicates_summed < 0 || file.duplicates_summed > file.stored_entries)
            std::abort();
    } catch (const ridgelens::Error&) {
        // the expected outcome for malformed input
    }
    return 0;
}
