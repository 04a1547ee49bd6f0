#pragma once
// Where tests find real data, and how they skip (loudly) when it is absent.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ridgelens::testing {

/// ../shared/data beside the repository, or $RIDGELENS_DATA_DIR.
inline std::filesystem::path shared_data_dir() {
    if (const char* env = std::getenv("RIDGELENS_DATA_DIR")) return env;
    return RIDGELENS_DEFAULT_DATA_DIR;
}

/// Path of a shared data file (e.g. "matrices/bcsstk09.mtx"), or "" if absent.
inline std::string shared_data_file(const std::string& relative) {
    const auto path = shared_data_dir() / relative;
    return std::filesystem::exists(path) ? path.string() : std::string();
}

}  // namespace ridgelens::testing

/// Skips the current test with a message naming the missing file.
#define RIDGELENS_REQUIRE_DATA(path_variable, relative)                                 \
    const std::string path_variable = ::ridgelens::testing::shared_data_file(relative); \
    if (path_variable.empty()) {                                                        \
        GTEST_SKIP() << "shared data file '" << (relative) << "' not found under "      \
                     << ::ridgelens::testing::shared_data_dir()                         \
                     << " (set RIDGELENS_DATA_DIR); skipping";                          \
    }
