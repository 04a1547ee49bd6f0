// libFuzzer target: the LIBSVM / svmlight reader on arbitrary bytes.
//
// A malformed input must end in a ridgelens::Error; an accepted one must give
// one finite label per row, finite values and column indices inside the width.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/io/libsvm.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("RIDGELENS_MEMORY_LIMIT", "256e6", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        const ridgelens::LibsvmData set = ridgelens::parse_libsvm(in, "fuzz.libsvm");
        const ridgelens::SparseRowMatrix& x = set.features;
        if (x.rows() != set.labels.size() || x.cols() != set.feature_count) std::abort();
        if (!set.labels.allFinite()) std::abort();
        for (ridgelens::Index row = 0; row < x.outerSize(); ++row) {
            int previous = -1;
            for (ridgelens::SparseRowMatrix::InnerIterator it(x, row); it; ++it) {
                if (!std::isfinite(it.value()) || it.value() == 0) std::abort();
                if (it.col() <= previous || it.col() >= x.cols()) std::abort();
                previous = static_cast<int>(it.col());
            }
        }
    } catch (const ridgelens::Error&) {
    }
    return 0;
}
