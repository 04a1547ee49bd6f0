// The memory estimate checked before large allocations (exit code 4 of the
// program): the budget override, and the readers refusing inputs whose
// declared size exceeds it with a ResourceError before allocating.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/io/idx.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens {
namespace {

/// Sets RIDGELENS_MEMORY_LIMIT for one test and restores it afterwards.
class MemoryLimit {
  public:
    explicit MemoryLimit(const char* bytes) {
        if (const char* old = std::getenv("RIDGELENS_MEMORY_LIMIT")) previous_ = old;
        ::setenv("RIDGELENS_MEMORY_LIMIT", bytes, 1);
    }
    ~MemoryLimit() {
        if (previous_.empty())
            ::unsetenv("RIDGELENS_MEMORY_LIMIT");
        else
            ::setenv("RIDGELENS_MEMORY_LIMIT", previous_.c_str(), 1);
    }

  private:
    std::string previous_;
};

TEST(MemoryBudget, OverrideIsTheBudgetAndEstimatesAboveItThrow) {
    MemoryLimit limit("1e6");
    EXPECT_EQ(memory_budget_bytes(), 1e6);
    EXPECT_NO_THROW(check_memory_estimate(1e6, "exactly the budget"));
    try {
        check_memory_estimate(2.5e6, "the thing");
        FAIL() << "expected ResourceError";
    } catch (const ResourceError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("the thing: needs about 0.0025 GB"), std::string::npos) << message;
        EXPECT_NE(message.find("0.001 GB"), std::string::npos) << message;
    }
    EXPECT_THROW(check_memory_estimate(-1, "negative"), ResourceError);
    EXPECT_THROW(check_memory_estimate(std::nan(""), "nan"), ResourceError);
}

TEST(MemoryBudget, MalformedOverrideFallsBackToTheMachine) {
    MemoryLimit limit("lots");
    const double budget = memory_budget_bytes();
    EXPECT_GT(budget, 1e6) << "MemAvailable or the physical memory";
}

TEST(MemoryBudget, MatrixMarketRefusedBeforeAllocatingItsEntries) {
    // 3 entries: 3·52 + 12·4 = 204 bytes by the reader's estimate.
    const std::string text =
        "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n2 2 1\n3 3 1\n";
    {
        MemoryLimit limit("200");
        std::istringstream in(text);
        EXPECT_THROW(parse_symmetric_matrix_market(in, "m.mtx"), ResourceError);
    }
    MemoryLimit limit("1e6");
    std::istringstream in(text);
    EXPECT_EQ(parse_symmetric_matrix_market(in, "m.mtx").matrix.rows(), 3);
}

TEST(MemoryBudget, HugeDimensionWithFewEntriesIsAResourceError) {
    // A legal file (one entry) whose dimension alone needs 3·4·2e9 bytes of indices.
    MemoryLimit limit("1e9");
    std::istringstream in(
        "%%MatrixMarket matrix coordinate real symmetric\n2000000000 2000000000 1\n1 1 1\n");
    EXPECT_THROW(parse_symmetric_matrix_market(in, "big.mtx"), ResourceError);
}

TEST(MemoryBudget, LibsvmRefusedAboveTheBudget) {
    MemoryLimit limit("10");
    std::istringstream in("1 1:0.5 2:1\n-1 3:2\n");
    EXPECT_THROW(parse_libsvm(in, "s.libsvm"), ResourceError);
}

TEST(MemoryBudget, IdxHeaderDeclaringMoreThanTheBudget) {
    // 60000 × 28 × 28 bytes declared, 3 present.
    const auto path = std::filesystem::temp_directory_path() /
                      ("ridgelens-memory-" + std::to_string(::getpid()) + ".idx");
    {
        std::ofstream out(path, std::ios::binary);
        const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
        out.write(reinterpret_cast<const char*>(header), sizeof header);
        out.write("abc", 3);
    }
    {
        // The first 16 MB chunk would exceed a 1 MB budget: the declaration is refused.
        MemoryLimit limit("1e6");
        EXPECT_THROW(read_idx(path.string()), ResourceError);
    }
    {
        // Within budget, memory follows the data: the truncation is the input error.
        MemoryLimit limit("1e9");
        EXPECT_THROW(read_idx(path.string()), InputError);
    }
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace ridgelens
