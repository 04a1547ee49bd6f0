// The file-based workflow of a Python user (issue 17, item 7): a dense Hessian
// written by scipy.io.mmwrite (Matrix Market 'array', symmetric and general),
// θ̂ and a gradient g; analyze and path with --gradient, --eigenvectors-out and
// --theta-ridge-out for every λ, checked against numpy by
// tests/cli/data/file_workflow.py (eigh, solve). Skipped, with a message,
// where Debian's /usr/bin/python3 with numpy and scipy is absent.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli_runner.hpp"

namespace ridgelens {
namespace {

using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

const std::string python = "/usr/bin/python3";

std::string script() {
    return (std::filesystem::path(RIDGELENS_CLI_TEST_FILES_DIR) / "file_workflow.py").string();
}

/// Runs file_workflow.py `step` on `dir`; returns its exit code, its output in `output`.
int run_script(const std::string& step, const ScratchDirectory& dir, std::string& output) {
    const auto log = dir / ".python";
    const std::string command = python + " '" + script() + "' " + step + " '" +
                                dir.path().string() + "' >'" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    output = read_text(log);
    std::filesystem::remove(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool python_with_scipy() {
    return std::system((python + " -c 'import numpy, scipy.io' >/dev/null 2>&1").c_str()) == 0;
}

TEST(CliFileWorkflow, DenseArrayGradientEigenvectorsAndEveryRidgeAgreeWithNumpy) {
    if (!python_with_scipy())
        GTEST_SKIP() << python << " with numpy and scipy is not available (scripts/"
                     << "install-dependencies.sh installs python3-scipy)";
    ScratchDirectory dir;
    std::string output;
    ASSERT_EQ(run_script("write", dir, output), 0) << output;

    const testing::CliRun analyze = run_cli(
        "analyze --hessian H.mtx --theta t.mtx --gradient g.mtx --lambda 0.01 --lambda 0.3 "
        "--lambda 2 --k 5 --eigenvectors-out Q.mtx --theta-ridge-out X.mtx --out r.json -q",
        dir);
    ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
    EXPECT_NE(analyze.out.find("Matrix Market array real symmetric, 1830 values"),
              std::string::npos)
        << analyze.out;
    EXPECT_NE(analyze.out.find("gradient g from g.mtx"), std::string::npos) << analyze.out;

    const testing::CliRun path = run_cli(
        "path --hessian Hg.mtx --theta t.mtx --gradient g.mtx --lambdas 0.01:2:6 --k 5 "
        "--eigenvectors-out QP.mtx --theta-ridge-out XP.mtx --out p.json -q",
        dir);
    ASSERT_EQ(path.exit_code, 0) << path.err;

    EXPECT_EQ(run_script("check", dir, output), 0) << output;
}

TEST(CliFileWorkflow, GradientIsRefusedWhereItHasNoMeaning) {
    ScratchDirectory dir;
    const std::string catalogue =
        (std::filesystem::path(RIDGELENS_CLI_TEST_FILES_DIR) / "catalogue").string();
    const testing::CliRun data =
        run_cli("path --data '" + catalogue + "/h3.mtx' --model ls --gradient '" + catalogue +
                    "/theta_short.txt' --lambdas 1:1:1 -q",
                dir);
    EXPECT_EQ(data.exit_code, 1);
    EXPECT_NE(data.err.find("--gradient belongs to --hessian input"), std::string::npos)
        << data.err;
    const testing::CliRun same =
        run_cli("analyze --hessian '" + catalogue +
                    "/h3.mtx' --lambda 1 --k 1 --eigenvectors-out '" + catalogue + "/h3.mtx'",
                dir);
    EXPECT_EQ(same.exit_code, 1);
    EXPECT_NE(same.err.find("--eigenvectors-out"), std::string::npos) << same.err;
    EXPECT_EQ(dir.file_count(), 0u);
}

TEST(CliFileWorkflow, NoRidgeFileWhenOneLambdaFails) {
    // λ = 0 on a singular H fails; λ = 1 succeeds: X.mtx would be partial, so
    // it is not written at all (the report says what happened).
    ScratchDirectory dir;
    const std::string catalogue =
        (std::filesystem::path(RIDGELENS_CLI_TEST_FILES_DIR) / "catalogue").string();
    const testing::CliRun run = run_cli("analyze --hessian '" + catalogue +
                                            "/h3_singular.mtx' --lambda 1 --lambda 0 --k 1 "
                                            "--solver cholmod --theta-ridge-out X.mtx -q",
                                        dir);
    EXPECT_EQ(run.exit_code, 3);
    EXPECT_NE(run.err.find("X.mtx not written: the solve for λ = 0 failed"), std::string::npos)
        << run.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "X.mtx"));
}

}  // namespace
}  // namespace ridgelens
