// libFuzzer target: the IDX reader (plain or gzip) on arbitrary bytes.
//
// read_idx reads a path, so each input is written to one scratch file of this
// process first. A malformed input must end in a ridgelens::Error; an accepted
// one must hold exactly product(dimensions) bytes.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/io/idx.hpp"

namespace {

std::string scratch_path() {
    const char* directory = std::getenv("TMPDIR");
    return std::string(directory != nullptr ? directory : "/tmp") + "/ridgelens-fuzz-idx-" +
           std::to_string(::getpid()) + ".idx";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // A header declaring more than 64 MB is refused (ResourceError), not read.
    ::setenv("RIDGELENS_MEMORY_LIMIT", "64e6", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = scratch_path();
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
    std::fclose(file);
    try {
        const ridgelens::IdxArray array = ridgelens::read_idx(path);
        std::uint64_t count = 1;
        for (const std::uint32_t d : array.dimensions) count *= d;
        if (array.dimensions.empty() || array.values.size() != count) std::abort();
    } catch (const ridgelens::Error&) {
    }
    std::remove(path.c_str());
    return 0;
}
