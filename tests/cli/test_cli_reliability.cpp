// Reliability as a user sees it (issue 15, second part): eigen tolerances
// that cannot vouch for the eigenpairs, and a null-space rule derived from
// the eigen step's accuracy. Every matrix is diagonal, so the
// truth is known in closed form. Each case asserts the exit code, the message
// and what is left on disk.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli_runner.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

/// Writes diag(values) as a Matrix Market symmetric coordinate file.
void write_diagonal(const std::filesystem::path& path, const std::vector<double>& values) {
    std::ofstream out(path);
    out << "%%MatrixMarket matrix coordinate real symmetric\n";
    out << values.size() << ' ' << values.size() << ' ' << values.size() << '\n';
    out.precision(17);
    for (std::size_t i = 0; i < values.size(); ++i)
        out << i + 1 << ' ' << i + 1 << ' ' << values[i] << '\n';
}

/// σ_j = 100·0.999^(j−1), j = 1..3000: a flat top, whose top five a loose
/// residual test cannot separate.
std::vector<double> flat_top_spectrum() {
    std::vector<double> values(3000);
    for (std::size_t j = 0; j < values.size(); ++j) values[j] = 100 * std::pow(0.999, double(j));
    return values;
}

TEST(CliEigenTrust, ToleranceTooLooseToVouchIsAUsageErrorNamingTheRange) {
    ScratchDirectory dir;
    write_diagonal(dir / "H.mtx", {3, 2, 1});
    for (const char* value : {"0.5", "0.01", "0.99"}) {
        const auto run = run_cli("analyze --hessian H.mtx --lambda 1 --k 1 --eigen-tol " +
                                     std::string(value) + " -q --out r.json",
                                 dir);
        EXPECT_EQ(run.exit_code, 1) << value << ": " << run.err;
        EXPECT_NE(run.err.find("--eigen-tol = " + std::string(value) +
                               " is out of range: it must be a tolerance in (0, 0.01): a "
                               "looser test cannot vouch for the eigenpairs"),
                  std::string::npos)
            << run.err;
        EXPECT_FALSE(std::filesystem::exists(dir / "r.json")) << value;
    }
}

TEST(CliEigenTrust, UnresolvedSpectrumOverlappingTheTopKIsNotOk) {
    ScratchDirectory dir;
    const auto truth = flat_top_spectrum();
    write_diagonal(dir / "H.mtx", truth);
    const auto run =
        run_cli("analyze --hessian H.mtx --lambda 1 --k 5 --eigen-tol 5e-3 -q --out r.json", dir);
    EXPECT_EQ(run.exit_code, 3) << run.err;
    // A numerical failure's warnings are in the result table (stdout).
    EXPECT_NE((run.out + run.err).find("the top-5 set and its order are not vouched for"),
              std::string::npos)
        << run.out << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "numerical_failure");
    const std::string message = report["eigen"]["message"];
    EXPECT_NE(message.find("the unresolved part of the spectrum reaches"), std::string::npos)
        << message;
    // The flag is earned: the reported σ_5 is not the true one (a missed
    // eigenvalue lies between them).
    const double sigma_5 = report["eigen"]["values"][4];
    const double r_5 = report["eigen"]["residuals"][4];
    EXPECT_GT(truth[4] - sigma_5, 0.1 * r_5) << "σ_5 = " << sigma_5 << ", truth " << truth[4];
}

TEST(CliEigenTrust, TightToleranceOnTheSameSpectrumIsOkAndMatchesTheClosedForm) {
    ScratchDirectory dir;
    const auto truth = flat_top_spectrum();
    write_diagonal(dir / "H.mtx", truth);
    const auto run =
        run_cli("analyze --hessian H.mtx --lambda 1 --k 5 --eigen-tol 1e-4 -q --out r.json", dir);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "ok");
    for (int j = 0; j < 5; ++j) {
        const double value = report["eigen"]["values"][j];
        const double residual = report["eigen"]["residuals"][j];
        // Each vouched value lies within its residual of the true σ_j.
        EXPECT_LE(std::abs(value - truth[static_cast<std::size_t>(j)]), residual + 1e-12)
            << "j = " << j + 1;
    }
}

// σ = 10^4, 10^3, …, 10^-8 and 0: twelve decades below σ_1 (the old fixed
// rule |σ| ≤ 1e-12·σ_1 called σ = 1e-8 null, f = 0, where f = 0.990).
TEST(CliNullRule, DirectionsTheComputationResolvesAreNotNull) {
    ScratchDirectory dir;
    std::vector<double> values;
    for (int e = 4; e >= -8; --e) values.push_back(std::pow(10.0, e));
    values.push_back(0);
    write_diagonal(dir / "H.mtx", values);
    const double lambda = 1e-10;
    const auto run = run_cli("analyze --hessian H.mtx --lambda 1e-10 --k 13 -q --out r.json", dir);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "ok");
    const json& directions = report["lambdas"][0]["directions"];
    ASSERT_EQ(directions.size(), 13u);
    for (std::size_t j = 0; j < 13; ++j) {
        const json& d = directions[j];
        const double truth = values[j] / (values[j] + lambda);  // f_j = σ_j/(σ_j+λ)
        EXPECT_EQ(d["curvature"], "positive") << "j = " << j + 1;
        EXPECT_TRUE(d["resolved"].get<bool>()) << "j = " << j + 1;
        EXPECT_NEAR(d["factor"].get<double>(), truth, d["factor_uncertainty"].get<double>() + 1e-12)
            << "j = " << j + 1;
    }
    EXPECT_NEAR(directions[12]["factor"].get<double>(), 1 / 1.01, 1e-3);
}

// Sixteen decades at λ = 1e-10: σ = 1e-4 and 1e-5 are resolved (f = 1), the
// two smallest lie below the rounding level of σ_1 and keep the status off ok.
TEST(CliNullRule, OnlyDirectionsBelowTheResolutionStayUnresolved) {
    ScratchDirectory dir;
    std::vector<double> values;
    for (int e = 8; e >= -8; --e) values.push_back(std::pow(10.0, e));
    write_diagonal(dir / "H.mtx", values);
    const auto run = run_cli("analyze --hessian H.mtx --lambda 1e-10 --k 16 -q --out r.json", dir);
    EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "numerical_failure");
    const json& directions = report["lambdas"][0]["directions"];
    ASSERT_EQ(directions.size(), 16u);
    for (std::size_t j = 12; j < 14; ++j) {  // σ = 1e-4, 1e-5
        EXPECT_EQ(directions[j]["curvature"], "positive") << "j = " << j + 1;
        EXPECT_TRUE(directions[j]["resolved"].get<bool>()) << "j = " << j + 1;
        EXPECT_NEAR(directions[j]["factor"].get<double>(), values[j] / (values[j] + 1e-10),
                    directions[j]["factor_uncertainty"].get<double>() + 1e-12);
    }
    EXPECT_FALSE(directions[15]["resolved"].get<bool>());
    EXPECT_NE((run.out + run.err).find("below what the eigen step resolves"), std::string::npos);
}

// OpenBLAS reserves 128 MiB per thread on its first call and, when that mmap
// fails, retries without end: under `ulimit -v` the program fits the thread
// count to the limit before any BLAS call, or refuses at once with exit 4.
// (AddressSanitizer reserves its shadow memory at start: any `ulimit -v`
// aborts a sanitized program before main, so these cases cannot run there.)
TEST(CliAddressSpace, TightUlimitEndsPromptlyWithoutAHang) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer's shadow reservation aborts any program under ulimit -v";
#else
    RIDGELENS_REQUIRE_DATA(matrix, "matrices/bcsstk16.mtx");
    ScratchDirectory dir;
    for (int attempt = 0; attempt < 3; ++attempt) {  // the hang was one run in three
        const auto run =
            run_cli("analyze --hessian '" + matrix + "' --lambda 1 --k 5 -q --out r.json", dir,
                    "ulimit -v 200000 && timeout 60 ");
        EXPECT_EQ(run.exit_code, 4) << run.err;
        EXPECT_NE(run.err.find("ridgelens: not enough resources: "), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("(ulimit -v)"), std::string::npos) << run.err;
        EXPECT_EQ(dir.file_count(), 0u) << "nothing written";
    }
#endif
}

TEST(CliAddressSpace, RoomForOneBufferRunsWithFewerBlasThreads) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer's shadow reservation aborts any program under ulimit -v";
#else
    ScratchDirectory dir;
    write_diagonal(dir / "H.mtx", {4, 3, 2, 1});
    const auto run = run_cli("analyze --hessian H.mtx --lambda 1 --k 2 -q --out r.json", dir,
                             "ulimit -v 900000 && OPENBLAS_NUM_THREADS=8 timeout 60 ");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "ok");
    EXPECT_NEAR(report["eigen"]["values"][0].get<double>(), 4.0, 1e-12);
#endif
}

}  // namespace
}  // namespace ridgelens
