// Numerical honesty as a user sees it: the one-triangle rule of `symmetric`
// Matrix Market files, badly scaled Hessians (diagonal, so the truth is known
// in closed form) that must not end as "ok", and a tail bound that must not
// fire falsely within the solve's accuracy. Each case asserts the exit code,
// the message and the report's status.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

std::string catalogue_file(const std::string& name) {
    return "'" +
           (std::filesystem::path(RIDGELENS_CLI_TEST_FILES_DIR) / "catalogue" / name).string() +
           "'";
}

bool any_mentions(const json& lines, const std::string& text) {
    for (const json& line : lines)
        if (line.get<std::string>().find(text) != std::string::npos) return true;
    return false;
}

TEST(CliNumeric, SymmetricFileWithContradictingMirrorIsAnInputError) {
    ScratchDirectory dir;
    const auto run =
        run_cli("analyze --hessian " + catalogue_file("mm_symmetric_mirror_contradicts.mtx") +
                    " --lambda 1 --k 1 -q --out r.json",
                dir);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("mm_symmetric_mirror_contradicts.mtx:5: entry (1, 2) = -0.5 "
                           "contradicts its mirror (2, 1) = -1 on line 4"),
              std::string::npos)
        << run.err;
    EXPECT_EQ(dir.file_count(), 0u) << "no report for a refused input";
}

TEST(CliNumeric, SymmetricFileWithEqualMirrorsCountsThemOnceAndSaysSo) {
    ScratchDirectory dir;
    const auto run =
        run_cli("analyze --hessian " + catalogue_file("mm_symmetric_both_triangles.mtx") +
                    " --lambda 1 --k 1 -q --out r.json",
                dir);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("stores 2 off-diagonal entries in both triangles with equal values; "
                           "each was counted once"),
              std::string::npos)
        << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "ok");
    // tridiag(-1, 2, -1) of order 3: σ_1 = 2 + √2 (2 + 2√2 if counted twice).
    EXPECT_NEAR(report["eigen"]["values"][0].get<double>(), 2 + std::sqrt(2.0), 1e-10);
}

TEST(CliNumeric, HessianOverThreeHundredDecadesIsANumericalFailure) {
    ScratchDirectory dir;
    const auto run = run_cli("analyze --hessian " + catalogue_file("diag_1e-150_1e150.mtx") +
                                 " --lambda 1 --k 20 -q --out r.json",
                             dir);
    EXPECT_EQ(run.exit_code, 3) << run.err;
    // A numerical failure's warnings are in the result table (stdout).
    EXPECT_NE((run.out + run.err).find("below what the eigen step resolves"), std::string::npos)
        << run.out << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "numerical_failure");
    EXPECT_TRUE(any_mentions(report["warnings"], "directions have decay factors"));
    EXPECT_GT(report["lambdas"][0]["unresolved_directions"].get<int>(), 0);
}

TEST(CliNumeric, SixteenDecadesWithTinyLambdaIsANumericalFailure) {
    ScratchDirectory dir;
    const auto run = run_cli("analyze --hessian " + catalogue_file("diag_1e-8_1e8.mtx") +
                                 " --lambda 1e-10 --k 16 -q --out r.json",
                             dir);
    EXPECT_EQ(run.exit_code, 3) << run.err;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "numerical_failure");
    // Every direction presented as resolved has the closed-form decay factor.
    for (const json& d : report["lambdas"][0]["directions"]) {
        if (!d["resolved"].get<bool>()) continue;
        const double sigma = d["sigma"].get<double>();
        EXPECT_NEAR(d["factor"].get<double>(), sigma / (sigma + 1e-10),
                    d["factor_uncertainty"].get<double>() + 1e-9);
    }
}

TEST(CliNumeric, PathExactDfOverThreeHundredDecadesIsNotOk) {
    ScratchDirectory dir;
    const auto run = run_cli("path --hessian " + catalogue_file("diag_1e-150_1e150.mtx") +
                                 " --lambdas 1e-10:1e-10:1 --k 4 --probes 4 -q --out p.json",
                             dir);
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_NE((run.out + run.err).find("df is not determined to 5 %"), std::string::npos)
        << run.out << run.err;
    const json report = json::parse(read_text(dir / "p.json"));
    EXPECT_EQ(report["status"], "numerical_failure");
    const json& point = report["path"][0];
    EXPECT_FALSE(point["df_reliable"].get<bool>());
    // The true df is Σ σ/(σ+λ) over 10^(-150..150 step 10): 15.5 at λ = 1e-10.
    double truth = 0;
    for (int e = -150; e <= 150; e += 10) truth += 1 / (1 + 1e-10 / std::pow(10.0, e));
    EXPECT_LE(std::abs(point["df"].get<double>() - truth),
              point["df_resolution_error"].get<double>() + 1e-9);
}

TEST(CliNumeric, TailBoundOn4eltAtLambdaZeroHoldsWithinTheSolveAccuracy) {
    RIDGELENS_REQUIRE_DATA(matrix, "matrices/4elt_laplacian.mtx");
    ScratchDirectory dir;
    const auto run =
        run_cli("analyze --hessian '" + matrix + "' --lambda 0 --solver cg -q --out r.json", dir);
    const json report = json::parse(read_text(dir / "r.json"));
    const json& tail = report["lambdas"][0]["tail"];
    EXPECT_TRUE(tail["bound_holds"].get<bool>()) << tail.dump();
    EXPECT_FALSE(any_mentions(report["warnings"], "tail bound violated")) << run.err;
    EXPECT_TRUE(report["lambdas"][0]["self_check"]["holds"].get<bool>());
}

}  // namespace
}  // namespace ridgelens
