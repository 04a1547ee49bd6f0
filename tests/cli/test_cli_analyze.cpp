// `ridgelens analyze` as a user runs it: the README example, the report
// contract, θ̂_ridge output checked by recomputed residuals, exit codes and
// messages for bad input, and nothing left behind on failure.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "reference.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

// The report keys that other tools read (README "The JSON report").
void expect_report_contract(const json& report, Index k) {
    EXPECT_TRUE(report.at("ridgelens_version").is_string());
    for (const char* key : {"n", "nnz", "source", "theta_source"})
        EXPECT_TRUE(report.at("problem").contains(key)) << key;
    const json& eigen = report.at("eigen");
    for (const char* key : {"k_requested", "converged", "iterations", "matvecs", "values",
                            "residuals", "min_eigenvalue", "psd"})
        EXPECT_TRUE(eigen.contains(key)) << key;
    EXPECT_EQ(eigen.at("values").size(), static_cast<std::size_t>(k));
    for (std::size_t j = 1; j < eigen.at("values").size(); ++j)
        EXPECT_GE(eigen["values"][j - 1].get<double>(), eigen["values"][j].get<double>());
    EXPECT_EQ(report.at("kind"), "analyze");
    for (const json& entry : report.at("lambdas")) {
        EXPECT_TRUE(entry.at("lambda").is_number());
        ASSERT_EQ(entry.at("directions").size(), static_cast<std::size_t>(k));
        for (const json& d : entry["directions"]) {
            for (const char* key : {"j", "sigma", "component", "factor", "shrunk", "predicted"})
                EXPECT_TRUE(d.contains(key)) << key;
            // predicted = f_j c_j (the eigen prediction), as in path reports
            EXPECT_NEAR(d["predicted"].get<double>(),
                        d["factor"].get<double>() * d["component"].get<double>(),
                        1e-12 * std::abs(d["component"].get<double>()) + 1e-300);
        }
        for (const char* key : {"solver", "relative_residual", "iterations", "norm", "seconds"})
            EXPECT_TRUE(entry.at("ridge").contains(key)) << key;
        for (const char* key : {"theta_tail_norm", "ridge_tail_norm", "bound"})
            EXPECT_TRUE(entry.at("tail").contains(key)) << key;
        EXPECT_TRUE(entry.at("self_check").contains("max_abs_error"));
    }
    for (const char* key : {"read_s", "eigen_s", "analyze_s"})
        EXPECT_TRUE(report.at("timings").contains(key)) << key;
}

TEST(CliAnalyze, ReadmeExampleOnBcsstk16) {
    RIDGELENS_REQUIRE_DATA(matrix_path, "matrices/bcsstk16.mtx");
    ScratchDirectory dir;
    const auto run = run_cli(
        "analyze --hessian '" + matrix_path + "' --lambda 1e3 --k 10 --out report.json", dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("f_j=σ/(σ+λ)"), std::string::npos) << run.out;
    EXPECT_NE(run.err.find("computing the top 10 eigenpairs"), std::string::npos)
        << "progress goes to stderr";
    const json report = json::parse(read_text(dir / "report.json"));
    expect_report_contract(report, 10);
    EXPECT_EQ(report["problem"]["n"], 4884);
    EXPECT_TRUE(report["eigen"]["psd"].get<bool>());
    const json& entry = report["lambdas"][0];
    EXPECT_EQ(entry["ridge"]["solver"], "cholmod");
    EXPECT_LE(entry["ridge"]["relative_residual"].get<double>(), 1e-10);
    const double theta_norm = report["problem"]["theta_norm"].get<double>();
    EXPECT_LE(entry["self_check"]["max_abs_error"].get<double>(), 1e-10 * theta_norm);
    const double sigma_1 = report["eigen"]["values"][0].get<double>();
    for (const json& residual : report["eigen"]["residuals"])
        EXPECT_LE(residual.get<double>(), 1e-9 * sigma_1);
    EXPECT_NE(report["problem"]["theta_source"].get<std::string>().find("seeded random"),
              std::string::npos);
}

TEST(CliAnalyze, ThetaRidgeOutputSatisfiesTheRidgeEquation) {
    RIDGELENS_REQUIRE_DATA(matrix_path, "matrices/bcsstk09.mtx");
    ScratchDirectory dir;
    const SymmetricMatrixFile file = read_symmetric_matrix_market(matrix_path);
    const Vector theta = testing::random_vector(file.matrix.rows(), 5);
    {
        std::ofstream out(dir / "theta.txt");
        out.precision(17);
        for (Index i = 0; i < theta.size(); ++i) out << theta[i] << "\n";
    }
    for (const char* solver : {"cholmod", "cg"}) {
        const auto run =
            run_cli("analyze --hessian '" + matrix_path +
                        "' --theta theta.txt --lambda 1e4 --lambda 1e6 --k 4 "
                        "--solver " +
                        std::string(solver) + " --theta-ridge-out x.mtx --out r.json -q",
                    dir);
        ASSERT_EQ(run.exit_code, 0) << run.err;
        EXPECT_TRUE(run.err.empty()) << "--quiet: " << run.err;
        // One column per λ (an n×2 Matrix Market array, column by column).
        std::istringstream text(read_text(dir / "x.mtx"));
        std::string header;
        std::getline(text, header);
        EXPECT_EQ(header, "%%MatrixMarket matrix array real general");
        Index rows = 0, cols = 0;
        text >> rows >> cols;
        ASSERT_EQ(rows, file.matrix.rows());
        ASSERT_EQ(cols, 2);
        DenseMatrix columns(rows, cols);
        for (Index j = 0; j < cols; ++j)
            for (Index i = 0; i < rows; ++i) text >> columns(i, j);
        ASSERT_TRUE(static_cast<bool>(text));
        for (Index j = 0; j < cols; ++j) {
            const double lambda = j == 0 ? 1e4 : 1e6;
            const Vector residual =
                file.matrix * columns.col(j) + lambda * columns.col(j) - file.matrix * theta;
            EXPECT_LT(residual.norm() / (file.matrix * theta).norm(), 1e-9) << solver << " " << j;
        }
        const Vector x = columns.col(0);
        const json report = json::parse(read_text(dir / "r.json"));
        EXPECT_EQ(report["lambdas"].size(), 2u);
        EXPECT_EQ(report["solver"], solver);
        EXPECT_EQ(report["lambdas"][0]["ridge"]["solver"], solver);  // Jacobi CG: H is explicit
        EXPECT_NEAR(report["lambdas"][0]["ridge"]["norm"].get<double>(), x.norm(),
                    1e-12 * x.norm());
        EXPECT_EQ(report["problem"]["theta_source"], "theta.txt");
    }
}

TEST(CliAnalyze, FashionMnistDefaultWithNoArguments) {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)";
    ScratchDirectory dir;
    const auto run = run_cli("analyze", dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("Fashion-MNIST"), std::string::npos);
    EXPECT_NE(run.out.find("minimum-norm"), std::string::npos);
    EXPECT_NE(run.out.find("λ = 0.01"), std::string::npos);
    EXPECT_EQ(dir.file_count(), 0u) << "no output file unless asked for";
}

TEST(CliAnalyze, MalformedMatrixIsRefusedNamingTheLine) {
    ScratchDirectory dir;
    write_file(dir / "bad.mtx",
               "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 2.0\n2 2 x\n3 3 1\n");
    const auto run = run_cli("analyze --hessian bad.mtx --lambda 1 --k 1 --out r.json", dir);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("bad.mtx:4"), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "r.json"));
    EXPECT_EQ(dir.file_count(), 1u) << "only the input remains";
}

TEST(CliAnalyze, UsageErrorsExitOne) {
    ScratchDirectory dir;
    write_file(dir / "h.mtx",
               "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n"
               "1 1 2\n2 2 3\n3 3 4\n");
    EXPECT_EQ(run_cli("analyze --hessian h.mtx", dir).exit_code, 1) << "λ is required";
    EXPECT_EQ(run_cli("analyze --hessian h.mtx --lambda -1 --k 1", dir).exit_code, 1);
    EXPECT_EQ(run_cli("analyze --hessian h.mtx --lambda 1 --k 3", dir).exit_code, 1) << "k >= n";
    EXPECT_EQ(run_cli("analyze --hessian h.mtx --lambda 1 --k 1 --solver lu", dir).exit_code, 1);
    EXPECT_EQ(run_cli("analyze --no-such-option", dir).exit_code, 1);
    EXPECT_EQ(run_cli("frobnicate", dir).exit_code, 1);
    const auto help = run_cli("analyze --help", dir);
    EXPECT_EQ(help.exit_code, 0);
    for (const char* option : {"--hessian", "--theta", "--lambda", "--k", "--solver", "--tol",
                               "--out", "--theta-ridge-out"})
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
}

TEST(CliAnalyze, ThetaOfWrongLengthAndUnwritableOutput) {
    ScratchDirectory dir;
    write_file(dir / "h.mtx",
               "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n"
               "1 1 2\n2 2 3\n3 3 4\n");
    write_file(dir / "t.txt", "1\n2\n");
    const auto wrong = run_cli("analyze --hessian h.mtx --theta t.txt --lambda 1 --k 1", dir);
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("t.txt"), std::string::npos) << wrong.err;
    const auto unwritable =
        run_cli("analyze --hessian h.mtx --lambda 1 --k 1 --out /nonexistent-dir/r.json", dir);
    EXPECT_EQ(unwritable.exit_code, 2);
    EXPECT_NE(unwritable.err.find("/nonexistent-dir/r.json"), std::string::npos) << unwritable.err;
}

TEST(CliAnalyze, GeneralMatrixSymmetrizedOrRefused) {
    ScratchDirectory dir;
    write_file(dir / "nearly.mtx",
               "%%MatrixMarket matrix coordinate real general\n2 2 4\n"
               "1 1 2\n1 2 0.5\n2 1 0.5000000000000001\n2 2 3\n");
    const auto nearly = run_cli("analyze --hessian nearly.mtx --lambda 1 --k 1 -q", dir);
    EXPECT_EQ(nearly.exit_code, 0) << nearly.err;
    EXPECT_NE(nearly.err.find("symmetrized"), std::string::npos) << nearly.err;
    write_file(dir / "skew.mtx",
               "%%MatrixMarket matrix coordinate real general\n2 2 4\n"
               "1 1 2\n1 2 0.5\n2 1 0.9\n2 2 3\n");
    const auto skew = run_cli("analyze --hessian skew.mtx --lambda 1 --k 1", dir);
    EXPECT_EQ(skew.exit_code, 2);
    EXPECT_NE(skew.err.find("skew.mtx"), std::string::npos) << skew.err;
}

TEST(CliAnalyze, IndefiniteMatrixGivesAMarkedSaddle) {
    ScratchDirectory dir;
    // diag(2, -1, 4) coupled; λ = 0.5 < 1 keeps H + λI indefinite: the
    // stationary point is a saddle, solved by MINRES and marked as such.
    write_file(dir / "indefinite.mtx",
               "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n"
               "1 1 2\n2 2 -1\n3 3 4\n3 1 0.1\n");
    const auto run =
        run_cli("analyze --hessian indefinite.mtx --lambda 0.5 --k 1 --out r.json", dir);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("INDEFINITE"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("SADDLE"), std::string::npos) << run.out;
    const json report = json::parse(read_text(dir / "r.json"));
    EXPECT_FALSE(report["eigen"]["psd"].get<bool>());
    EXPECT_EQ(report["lambdas"][0]["stationary_point"], "saddle");
    EXPECT_EQ(report["lambdas"][0]["ridge"]["solver"], "minres");
    EXPECT_EQ(report["lambdas"][0]["ridge"]["status"], "converged");
    EXPECT_LE(report["lambdas"][0]["ridge"]["relative_residual"].get<double>(), 1e-10);
}

}  // namespace
}  // namespace ridgelens
