// An indefinite H given as a --hessian file, as a user runs it: the exit
// codes, the report fields (negative eigenpairs, saddles, singular λ, what df
// means) and the words of the summary table, against a dense
// eigendecomposition and dense LU solves of the same matrix (Eigen).

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "reference.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

// H with σ = −2, −1 and a positive bulk in [0.5, 10], and θ̂, written as
// Matrix Market files (17 significant digits) into `dir`.
struct IndefiniteFiles {
    DenseMatrix h;
    Vector theta;
    explicit IndefiniteFiles(const ScratchDirectory& dir, Index n = 40) {
        Vector spectrum = Vector::LinSpaced(n, 0.5, 10.0);
        spectrum[0] = -2.0;
        spectrum[1] = -1.0;
        h = testing::matrix_with_spectrum(spectrum, 51);
        theta = testing::random_vector(n, 52);
        std::ofstream matrix(dir / "H.mtx");
        matrix << "%%MatrixMarket matrix coordinate real symmetric\n"
               << n << " " << n << " " << n * (n + 1) / 2 << "\n";
        char line[96];
        for (Index j = 0; j < n; ++j)
            for (Index i = j; i < n; ++i) {
                std::snprintf(line, sizeof line, "%lld %lld %.17g\n", static_cast<long long>(i + 1),
                              static_cast<long long>(j + 1), h(i, j));
                matrix << line;
            }
        std::ofstream vector(dir / "t.mtx");
        vector << "%%MatrixMarket matrix array real general\n" << n << " 1\n";
        for (Index i = 0; i < n; ++i) {
            std::snprintf(line, sizeof line, "%.17g\n", theta[i]);
            vector << line;
        }
    }
    double stationary_norm(double lambda) const {
        const Index n = h.rows();
        return (h + lambda * DenseMatrix::Identity(n, n)).partialPivLu().solve(h * theta).norm();
    }
};

TEST(CliIndefinite, AnalyzeReportsNegativePairsSaddlesAndFlippedDirections) {
    ScratchDirectory dir;
    const IndefiniteFiles files(dir);
    const auto run = run_cli(
        "analyze --hessian H.mtx --theta t.mtx --lambda 0.5 --lambda 3 --k 4 --out r.json -q", dir);
    ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "ok");
    const json& eigen = report["eigen"];
    EXPECT_FALSE(eigen["psd"].get<bool>());
    ASSERT_EQ(eigen["negative_eigenvalues"].size(), 2u);
    EXPECT_NEAR(eigen["negative_eigenvalues"][0].get<double>(), -2.0, 1e-9);
    EXPECT_NEAR(eigen["negative_eigenvalues"][1].get<double>(), -1.0, 1e-9);
    for (const json& residual : eigen["negative_eigenvalue_residuals"])
        EXPECT_LT(residual.get<double>(), 1e-8);
    const json& saddle = report["lambdas"][0];
    EXPECT_EQ(saddle["stationary_point"], "saddle");
    EXPECT_EQ(saddle["ridge"]["solver"], "minres");
    EXPECT_EQ(saddle["ridge"]["status"], "converged");
    EXPECT_NEAR(saddle["ridge"]["norm"].get<double>(), files.stationary_norm(0.5),
                1e-8 * files.stationary_norm(0.5));
    ASSERT_EQ(saddle["directions"].size(), 6u);
    EXPECT_EQ(saddle["directions"][4]["j"], 40);
    EXPECT_EQ(saddle["directions"][4]["effect"], "amplified");  // f = −2/(−1.5)
    EXPECT_NEAR(saddle["directions"][4]["factor"].get<double>(), 4.0 / 3.0, 1e-8);
    EXPECT_EQ(saddle["directions"][5]["effect"], "amplified");  // f = −1/(−0.5) = 2
    EXPECT_NEAR(saddle["directions"][5]["factor"].get<double>(), 2.0, 1e-8);
    const json& minimizer = report["lambdas"][1];
    EXPECT_EQ(minimizer["stationary_point"], "minimizer");
    EXPECT_EQ(minimizer["directions"][4]["effect"], "flipped");  // f = −2/1 = −2
    EXPECT_NE(minimizer["ridge"]["solver"], "minres");
    EXPECT_NE(run.out.find("SADDLE"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("flipped, ridge reverses the sign"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("amplified, ridge enlarges"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("--curvature ggn"), std::string::npos)
        << "no GGN advice for a --hessian file: " << run.out;
}

TEST(CliIndefinite, SingularLambdaIsANumericalFailureWithAReport) {
    ScratchDirectory dir;
    const IndefiniteFiles files(dir, 30);
    const auto run =
        run_cli("analyze --hessian H.mtx --theta t.mtx --lambda 1 --k 3 --out r.json -q", dir);
    EXPECT_EQ(run.exit_code, 3) << run.err << run.out;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["status"], "numerical_failure");
    EXPECT_EQ(report["lambdas"][0]["stationary_point"], "singular");
    EXPECT_EQ(report["lambdas"][0]["ridge"]["status"], "singular");
    EXPECT_TRUE(report["lambdas"][0]["ridge"]["norm"].is_null());
}

TEST(CliIndefinite, PathComputesEveryLambdaAndMarksTheSaddles) {
    ScratchDirectory dir;
    const IndefiniteFiles files(dir);
    for (const char* solver : {"cholmod", "cg"}) {
        const auto run =
            run_cli(std::string("path --hessian H.mtx --theta t.mtx --lambdas "
                                "0.03:30:7 --k 4 --probes 4 --out p.json -q --solver ") +
                        solver,
                    dir);
        ASSERT_EQ(run.exit_code, 0) << solver << ": " << run.err << run.out;
        const json report = json::parse(read_text(dir / "p.json"));
        EXPECT_EQ(report["df_method"], "exact_positive_part");
        EXPECT_EQ(report["eigen"]["negative_eigenvalues"].size(), 2u);
        ASSERT_EQ(report["path"].size(), 7u);
        for (const json& point : report["path"]) {
            const double lambda = point["lambda"].get<double>();
            EXPECT_EQ(point["stationary_point"], lambda < 2 ? "saddle" : "minimizer");
            EXPECT_EQ(point["status"], "converged");
            EXPECT_NEAR(point["ridge_norm"].get<double>(), files.stationary_norm(lambda),
                        1e-8 * files.stationary_norm(lambda));
            EXPECT_TRUE(point["df_slq"].is_null());
            EXPECT_FALSE(point["df"].is_null());
        }
        EXPECT_NE(run.out.find("saddle (H + λI indefinite)"), std::string::npos) << run.out;
    }
    // --exact-dof-limit below n: df is not reported, with the reason, exit 0.
    const auto slq = run_cli(
        "path --hessian H.mtx --theta t.mtx --lambdas 0.1:12:3 --k 4 --probes 4 "
        "--exact-dof-limit 10 --out q.json -q",
        dir);
    ASSERT_EQ(slq.exit_code, 0) << slq.err << slq.out;
    const json report = json::parse(read_text(dir / "q.json"));
    EXPECT_EQ(report["df_method"], "none");
    EXPECT_TRUE(report["path"][0]["df"].is_null());
    EXPECT_NE(report["df_reason"].get<std::string>().find("indefinite"), std::string::npos);
}

TEST(CliIndefinite, KNegativeZeroSkipsTheNegativePairs) {
    ScratchDirectory dir;
    const IndefiniteFiles files(dir, 30);
    const auto run = run_cli(
        "analyze --hessian H.mtx --theta t.mtx --lambda 3 --k 3 --k-negative 0 --out r.json -q",
        dir);
    ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_EQ(report["eigen"]["negative_eigenvalues"].size(), 0u);
    EXPECT_EQ(report["lambdas"][0]["directions"].size(), 3u);
}

}  // namespace
}  // namespace ridgelens
